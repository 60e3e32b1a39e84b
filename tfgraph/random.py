"""The `tf.random` namespace (TF1's `tf.compat.v1.random`): re-exports of the random ops."""
from .ops.random_ops import (categorical, get_seed, multinomial, random_normal as normal,
                             random_shuffle as shuffle, random_uniform as uniform,
                             set_random_seed, truncated_normal)

__all__ = ["categorical", "get_seed", "multinomial", "normal", "set_random_seed",
           "shuffle", "truncated_normal", "uniform"]

from ._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.random", __name__, _TABLES["tf.random"])
