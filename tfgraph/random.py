"""The `tf.random` namespace (TF1's `tf.compat.v1.random`): re-exports of the random ops."""
from .ops.random_ops import (categorical, get_seed, multinomial, random_normal as normal,
                             random_shuffle as shuffle, random_uniform as uniform,
                             set_random_seed, truncated_normal)

__all__ = ["categorical", "get_seed", "multinomial", "normal", "set_random_seed",
           "shuffle", "truncated_normal", "uniform"]

from ._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.random", __name__, _TABLES["tf.random"])

# The rest of tf.random (sparsegrad stream): Gamma/Poisson, stateless ops, seed splitting.
from .ops.more_random_ops import random_gamma as gamma, random_poisson as poisson  # noqa: E402
from .ops.stateless_random_ops import (  # noqa: E402
    fold_in, split, stateless_categorical, stateless_multinomial,
    stateless_parameterized_truncated_normal, stateless_random_binomial as stateless_binomial,
    stateless_random_gamma as stateless_gamma, stateless_random_normal as stateless_normal,
    stateless_random_poisson as stateless_poisson,
    stateless_random_uniform as stateless_uniform, stateless_truncated_normal)

__all__ += ["fold_in", "gamma", "poisson", "split", "stateless_binomial",
            "stateless_categorical", "stateless_gamma", "stateless_multinomial", "stateless_normal",
            "stateless_parameterized_truncated_normal", "stateless_poisson",
            "stateless_truncated_normal", "stateless_uniform"]
from .ops.candidate_sampling_ops import (  # noqa: E402,F401
    all_candidate_sampler, fixed_unigram_candidate_sampler, learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler, uniform_candidate_sampler)

__all__ += ["all_candidate_sampler", "fixed_unigram_candidate_sampler",
            "learned_unigram_candidate_sampler", "log_uniform_candidate_sampler",
            "uniform_candidate_sampler"]
