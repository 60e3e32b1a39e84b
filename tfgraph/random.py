"""The `tf.random` namespace (TF1's `tf.compat.v1.random`): re-exports of the random ops."""
from .ops.random_ops import (categorical, get_seed, multinomial, random_normal as normal,
                             random_shuffle as shuffle, random_uniform as uniform,
                             set_random_seed, truncated_normal)

# `tf.random.set_seed` is the TF2 spelling; in graph mode it sets the same graph-level seed.
set_seed = set_random_seed

__all__ = ["categorical", "get_seed", "multinomial", "normal", "set_random_seed", "set_seed",
           "shuffle", "truncated_normal", "uniform"]
