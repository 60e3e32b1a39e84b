"""`tf.nn`: TF1's neural-network namespace (re-exports of the nn, conv, pool and loss ops)."""
from .ops.batch_norm_ops import fused_batch_norm  # noqa: F401
from .ops.conv_ops import (atrous_conv2d, conv2d, conv2d_backprop_filter,  # noqa: F401
                           conv2d_backprop_input, conv2d_transpose, depthwise_conv2d,
                           depthwise_conv2d_native, separable_conv2d)
from .ops.losses_ops import (sigmoid_cross_entropy_with_logits,  # noqa: F401
                             softmax_cross_entropy_with_logits,
                             softmax_cross_entropy_with_logits_v2,
                             sparse_softmax_cross_entropy_with_logits,
                             weighted_cross_entropy_with_logits)
from .ops.nn_ops import (batch_normalization, bias_add, crelu, dropout, elu,  # noqa: F401
                         embedding_lookup, in_top_k, zero_fraction,
                         l2_loss, l2_normalize, leaky_relu, log_softmax, moments, relu, relu6,
                         relu_layer, selu, sigmoid, softmax, softplus, softsign, swish, tanh,
                         top_k, xw_plus_b)
from .ops.pool_ops import avg_pool, avg_pool2d, max_pool, max_pool2d  # noqa: F401

__all__ = [
    "atrous_conv2d", "avg_pool", "avg_pool2d", "batch_normalization", "bias_add", "conv2d",
    "crelu", "separable_conv2d", "zero_fraction",
    "conv2d_backprop_filter", "conv2d_backprop_input", "conv2d_transpose", "depthwise_conv2d",
    "depthwise_conv2d_native", "dropout", "elu", "embedding_lookup", "in_top_k", "l2_loss",
    "l2_normalize",
    "leaky_relu", "log_softmax", "max_pool", "max_pool2d", "moments", "relu", "relu6",
    "relu_layer", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits", "softmax",
    "softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2", "softplus",
    "softsign", "sparse_softmax_cross_entropy_with_logits", "swish", "tanh", "top_k",
    "weighted_cross_entropy_with_logits", "xw_plus_b", "fused_batch_norm",
]

from .ops.conv1d_ops import avg_pool1d, conv1d, max_pool1d  # noqa: E402,F401

__all__ += ["avg_pool1d", "conv1d", "max_pool1d"]

from .ops.nn_extra_ops import (avg_pool_v2, compute_average_loss,  # noqa: E402,F401
                               depthwise_conv2d_native_backprop_filter,
                               depthwise_conv2d_native_backprop_input,
                               log_poisson_loss, max_pool_v2, normalize_moments,
                               scale_regularization_loss, silu, sufficient_statistics,
                               weighted_moments)

__all__ += ["avg_pool_v2", "compute_average_loss", "log_poisson_loss", "max_pool_v2",
            "normalize_moments", "scale_regularization_loss", "silu", "sufficient_statistics",
            "weighted_moments", "depthwise_conv2d_native_backprop_filter",
            "depthwise_conv2d_native_backprop_input", "depthwise_conv2d_backprop_filter",
            "depthwise_conv2d_backprop_input"]
depthwise_conv2d_backprop_filter = depthwise_conv2d_native_backprop_filter
depthwise_conv2d_backprop_input = depthwise_conv2d_native_backprop_input

from . import _rnn_cell as rnn_cell  # noqa: E402  (tf.nn.rnn_cell)
from .layers._rnn import (bidirectional_dynamic_rnn, dynamic_rnn,  # noqa: E402,F401
                          static_bidirectional_rnn, static_rnn)

__all__ += ["rnn_cell", "bidirectional_dynamic_rnn", "dynamic_rnn", "static_bidirectional_rnn",
            "static_rnn"]

from ._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.nn", __name__, _TABLES["tf.nn"])

# Candidate sampling (sparsegrad stream).
from .ops.candidate_sampling_ops import (  # noqa: E402,F401
    all_candidate_sampler, compute_accidental_hits, fixed_unigram_candidate_sampler,
    learned_unigram_candidate_sampler, log_uniform_candidate_sampler, uniform_candidate_sampler)

__all__ += ["all_candidate_sampler", "compute_accidental_hits",
            "fixed_unigram_candidate_sampler", "learned_unigram_candidate_sampler",
            "log_uniform_candidate_sampler", "uniform_candidate_sampler"]
from .ops.embedding_ops import (embedding_lookup_sparse, nce_loss,  # noqa: E402,F401
                                safe_embedding_lookup_sparse, sampled_softmax_loss)

__all__ += ["embedding_lookup_sparse", "nce_loss", "safe_embedding_lookup_sparse",
            "sampled_softmax_loss"]
from .ops.space_batch_ops import depth_to_space, space_to_batch, space_to_depth  # noqa: E402,F401

__all__ += ["depth_to_space", "space_to_batch", "space_to_depth"]  # arrayops
