"""`tf.nn` names that are compositions of existing ops, with TF1's semantics and defaults:
moment statistics (sufficient_statistics, normalize_moments, weighted_moments), log_poisson_loss,
the single-replica loss scalers (compute_average_loss, scale_regularization_loss), silu, the
rank-dispatching pools max_pool_v2 / avg_pool_v2, and public builders of the depthwise-conv
backprop ops (whose kernels live in conv_ops)."""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Tuple

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, name_scope
from . import array_ops, math_ops
from .conv1d_ops import avg_pool1d, max_pool1d
from .conv_ops import _conv_attrs, _sizes_tensor
from .nn_ops import sigmoid, swish
from .pool_ops import avg_pool, max_pool2d


def _const(value: Any, like: Tensor) -> Tensor:
    return convert_to_tensor(value, dtype=like.dtype)


def sufficient_statistics(x: Any, axes: Sequence[int], shift: Any = None,
                          keep_dims: Optional[bool] = None, name: Optional[str] = None,
                          keepdims: Optional[bool] = None
                          ) -> Tuple[Tensor, Tensor, Tensor, Optional[Tensor]]:
    """Count, sum and sum of squares of `x` over `axes` (`tf.nn.sufficient_statistics`).

    Args:
      x: A tensor.
      axes: The axes to reduce.
      shift: Optional value subtracted from `x` before summing (for numerical stability).
      keep_dims / keepdims: Keep the reduced axes with size 1 (default False).
      name: Name scope (default "sufficient_statistics").

    Returns:
      `(count, mean_ss, variance_ss, shift)`: `count` is a scalar of `x`'s dtype.
    """
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "sufficient_statistics", [x, shift]):
        x = convert_to_tensor(x, name="x")
        dims = x.shape.as_list() if x.shape.ndims is not None else None
        if dims is not None and all(dims[d] is not None for d in axes):
            count = 1
            for d in axes:
                count *= dims[d]
            counts = _const(count, x)
        else:  # dynamic shape: the product of the reduced dimensions at run time
            shape = array_ops.shape(x)
            counts = math_ops.cast(math_ops.reduce_prod(array_ops.gather(shape, list(axes))),
                                   x.dtype, name="count")
        if shift is not None:
            shift = convert_to_tensor(shift, name="shift")
            m_ss = math_ops.subtract(x, shift)
            v_ss = math_ops.squared_difference(x, shift)
        else:
            m_ss, v_ss = x, math_ops.square(x)
        m_ss = math_ops.reduce_sum(m_ss, axes, keepdims=keep, name="mean_ss")
        v_ss = math_ops.reduce_sum(v_ss, axes, keepdims=keep, name="var_ss")
    return counts, m_ss, v_ss, shift


def normalize_moments(counts: Any, mean_ss: Any, variance_ss: Any, shift: Any,
                      name: Optional[str] = None) -> Tuple[Tensor, Tensor]:
    """Mean and variance from `sufficient_statistics` (`tf.nn.normalize_moments`).

    Returns:
      `(mean, variance)` with `mean = mean_ss / counts (+ shift)` and
      `variance = variance_ss / counts - (mean_ss / counts) ** 2`.
    """
    with name_scope(name, "normalize", [counts, mean_ss, variance_ss, shift]):
        counts = convert_to_tensor(counts, name="counts")
        divisor = math_ops.reciprocal(counts, name="divisor")
        if shift is not None:
            shifted_mean = math_ops.multiply(mean_ss, divisor, name="shifted_mean")
            mean = math_ops.add(shifted_mean, shift, name="mean")
        else:
            shifted_mean = math_ops.multiply(mean_ss, divisor, name="mean")
            mean = shifted_mean
        variance = math_ops.subtract(math_ops.multiply(variance_ss, divisor),
                                     math_ops.square(shifted_mean), name="variance")
    return mean, variance


def weighted_moments(x: Any, axes: Sequence[int], frequency_weights: Any,
                     name: Optional[str] = None, keep_dims: Optional[bool] = None,
                     keepdims: Optional[bool] = None) -> Tuple[Tensor, Tensor]:
    """Frequency-weighted mean and variance of `x` over `axes` (`tf.nn.weighted_moments`).

    Args:
      x: A tensor.
      axes: The axes to reduce.
      frequency_weights: Weights broadcastable to `x` (cast to `x`'s dtype).
      name: Name scope (default "weighted_moments").
      keep_dims / keepdims: Keep the reduced axes with size 1 (default False).

    Returns:
      `(mean, variance)`; float16 inputs are computed in float32, as in TF1.
    """
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "weighted_moments", [x, frequency_weights, axes]):
        x = convert_to_tensor(x, name="x")
        frequency_weights = convert_to_tensor(frequency_weights, name="frequency_weights")
        needs_cast = x.dtype == dtypes.float16
        if needs_cast:
            x = math_ops.cast(x, dtypes.float32)
        if frequency_weights.dtype != x.dtype:
            frequency_weights = math_ops.cast(frequency_weights, x.dtype)
        weighted_input_sum = math_ops.reduce_sum(math_ops.multiply(frequency_weights, x), axes,
                                                 name="weighted_input_sum", keepdims=True)
        broadcasted_weights = math_ops.add(frequency_weights, array_ops.zeros_like(x))
        sum_of_weights = math_ops.reduce_sum(broadcasted_weights, axes, name="sum_of_weights",
                                             keepdims=True)
        divisor = math_ops.reciprocal(sum_of_weights, name="inv_weight_sum")
        weighted_mean = math_ops.multiply(weighted_input_sum, divisor)
        weighted_distsq = math_ops.reduce_sum(
            math_ops.multiply(frequency_weights, math_ops.squared_difference(x, weighted_mean)),
            axes, name="weighted_distsq", keepdims=True)
        weighted_variance = math_ops.multiply(weighted_distsq, divisor)
        if not keep:
            weighted_mean = array_ops.squeeze(weighted_mean, axes)
            weighted_variance = array_ops.squeeze(weighted_variance, axes)
        if needs_cast:
            weighted_mean = math_ops.cast(weighted_mean, dtypes.float16)
            weighted_variance = math_ops.cast(weighted_variance, dtypes.float16)
        return weighted_mean, weighted_variance


def log_poisson_loss(targets: Any, log_input: Any, compute_full_loss: bool = False,
                     name: Optional[str] = None) -> Tensor:
    """Poisson negative log likelihood `exp(log_input) - log_input * targets`
    (`tf.nn.log_poisson_loss`), elementwise.

    Args:
      targets: Tensor of the same shape and dtype as `log_input`.
      log_input: Tensor of log predictions.
      compute_full_loss: Add the Stirling term for targets > 1 (0 where 0 <= targets <= 1).
      name: Name scope (default "log_poisson_loss").

    Raises:
      ValueError: If the shapes of `log_input` and `targets` differ.
    """
    with name_scope(name, "log_poisson_loss", [log_input, targets]):
        log_input = convert_to_tensor(log_input, name="log_input")
        targets = convert_to_tensor(targets, name="targets")
        if not log_input.shape.is_compatible_with(targets.shape):
            raise ValueError(f"log_input and targets must have the same shape "
                             f"({log_input.shape} vs {targets.shape}) in log_poisson_loss "
                             f"({log_input.name}, {targets.name})")
        # TF1 spells these with operators, so the ops are named "mul"/"sub" as there.
        result = math_ops.exp(log_input) - log_input * targets
        if compute_full_loss:
            stirling = math_ops.add(
                math_ops.subtract(math_ops.multiply(targets, math_ops.log(targets)), targets),
                math_ops.multiply(_const(0.5, targets),
                                  math_ops.log(math_ops.multiply(_const(2 * math.pi, targets),
                                                                 targets))))
            zeros = array_ops.zeros_like(targets)
            cond = math_ops.logical_and(math_ops.greater_equal(targets, zeros),
                                        math_ops.less_equal(targets, array_ops.ones_like(targets)))
            result = math_ops.add(result, array_ops.where(cond, zeros, stirling))
        return result


def compute_average_loss(per_example_loss: Any, sample_weight: Any = None,
                         global_batch_size: Any = None) -> Tensor:
    """`sum(per_example_loss * sample_weight) / global_batch_size` (`tf.nn.compute_average_loss`),
    0 for an empty batch.

    tfgraph runs one replica, so `global_batch_size` defaults to the first dimension of
    `per_example_loss`.
    """
    with name_scope(None, "compute_average_loss"):
        per_example_loss = convert_to_tensor(per_example_loss)
        input_dtype = per_example_loss.dtype
        if sample_weight is not None:
            sample_weight = convert_to_tensor(sample_weight)
            per_example_loss = math_ops.multiply(
                per_example_loss, math_ops.cast(sample_weight, input_dtype))
        if global_batch_size is None:
            global_batch_size = array_ops.shape(per_example_loss)[0]
        global_batch_size = math_ops.cast(global_batch_size, input_dtype)
        # div_no_nan as in TF: an empty batch averages to 0, not NaN.
        return math_ops.div_no_nan(math_ops.reduce_sum(per_example_loss), global_batch_size)


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """Sums a list of losses and divides by the replica count, 1 here
    (`tf.nn.scale_regularization_loss`)."""
    if isinstance(regularization_loss, (list, tuple)):
        regularization_loss = math_ops.add_n(regularization_loss)
    regularization_loss = convert_to_tensor(regularization_loss)
    return math_ops.truediv(regularization_loss, _const(1, regularization_loss))


def silu(features: Any, beta: float = 1.0, name: Optional[str] = None) -> Tensor:
    """`features * sigmoid(beta * features)` (`tf.nn.silu`; `swish` when beta is 1)."""
    if beta == 1.0:
        return swish(features, name=name)
    with name_scope(name, "swish", [features]) as scope:
        features = convert_to_tensor(features, name="features")
        scaled = math_ops.multiply(_const(beta, features), features)
        return math_ops.multiply(features, sigmoid(scaled), name=scope)


def _pool_v2(fn: str, pool1d, pool2d, input: Any, ksize: Any, strides: Any,  # noqa: A002
             padding: str, data_format: Optional[str], name: Optional[str]) -> Tensor:
    """Dispatches on the input's rank as TF does: rank 3 -> `pool1d`, rank 4 -> `pool2d`."""
    input = convert_to_tensor(input, name="input")
    rank = input.shape.ndims
    if rank is None:
        raise ValueError(f"tf.nn.{fn} needs an input of known rank: {input.name}")
    if rank == 3:
        return pool1d(input, ksize, strides, padding, data_format=data_format or "NWC",
                      name=name)
    if rank == 4:
        return pool2d(input, ksize, strides, padding, data_format=data_format or "NHWC",
                      name=name)
    raise ValueError(f"tf.nn.{fn}: input {input.name} has rank {rank}; tfgraph pools rank-3 "
                     f"and rank-4 inputs (3-D pooling is not offered)")


def max_pool_v2(input: Any, ksize: Any, strides: Any, padding: str,  # noqa: A002
                data_format: Optional[str] = None, name: Optional[str] = None) -> Tensor:
    """Max pooling dispatched on the input's rank (`tf.nn.max_pool_v2`): rank 3 -> max_pool1d,
    rank 4 -> max_pool2d. Raises ValueError for other ranks."""
    return _pool_v2("max_pool_v2", max_pool1d, max_pool2d, input, ksize, strides, padding,
                    data_format, name)


def avg_pool_v2(input: Any, ksize: Any, strides: Any, padding: str,  # noqa: A002
                data_format: Optional[str] = None, name: Optional[str] = None) -> Tensor:
    """Average pooling dispatched on the input's rank (`tf.nn.avg_pool_v2`): rank 3 ->
    avg_pool1d, rank 4 -> avg_pool (op "AvgPool"). Raises ValueError for other ranks."""
    return _pool_v2("avg_pool_v2", avg_pool1d, avg_pool, input, ksize, strides, padding,
                    data_format, name)


def _depthwise_backprop(op_type: str, first: Any, second: Any, out_backprop: Any, strides: Any,
                        padding: Any, data_format: str, dilations: Any,
                        name: Optional[str], sizes_index: int) -> Tensor:
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    attrs.pop("use_cudnn_on_gpu")  # not an attr of the depthwise ops
    with name_scope(name, op_type, [first, second, out_backprop]) as scope:
        if sizes_index == 0:  # (input_sizes, filter)
            data = convert_to_tensor(second, name="filter")
            inputs = [_sizes_tensor(first, "input_sizes"), data]
        else:  # (input, filter_sizes)
            data = convert_to_tensor(first, name="input")
            inputs = [data, _sizes_tensor(second, "filter_sizes")]
        out_backprop = convert_to_tensor(out_backprop, dtype=data.dtype, name="out_backprop")
        return data.graph.create_op(op_type, inputs + [out_backprop], attrs,
                                    name=scope).outputs[0]


def depthwise_conv2d_native_backprop_input(input_sizes: Any, filter: Any,  # noqa: A002
                                           out_backprop: Any, strides: Any, padding: Any,
                                           data_format: str = "NHWC",
                                           dilations: Any = (1, 1, 1, 1),
                                           name: Optional[str] = None) -> Tensor:
    """The gradient of `depthwise_conv2d_native` w.r.t. its input
    (`tf.nn.depthwise_conv2d_native_backprop_input`, alias `depthwise_conv2d_backprop_input`).

    Args:
      input_sizes: 1-D int32 tensor (or list) of the input's shape.
      filter: [filter_height, filter_width, in_channels, channel_multiplier].
      out_backprop: The gradient w.r.t. the convolution's output.
      strides, padding, data_format, dilations: As for `depthwise_conv2d_native`.
      name: Op name (default "DepthwiseConv2dNativeBackpropInput").
    """
    return _depthwise_backprop("DepthwiseConv2dNativeBackpropInput", input_sizes, filter,
                               out_backprop, strides, padding, data_format, dilations, name, 0)


def depthwise_conv2d_native_backprop_filter(input: Any, filter_sizes: Any,  # noqa: A002
                                            out_backprop: Any, strides: Any, padding: Any,
                                            data_format: str = "NHWC",
                                            dilations: Any = (1, 1, 1, 1),
                                            name: Optional[str] = None) -> Tensor:
    """The gradient of `depthwise_conv2d_native` w.r.t. its filter
    (`tf.nn.depthwise_conv2d_native_backprop_filter`, alias `depthwise_conv2d_backprop_filter`).

    Args:
      input: The convolution's input.
      filter_sizes: 1-D int32 tensor (or list) of the filter's shape.
      out_backprop: The gradient w.r.t. the convolution's output.
      strides, padding, data_format, dilations: As for `depthwise_conv2d_native`.
      name: Op name (default "DepthwiseConv2dNativeBackpropFilter").
    """
    return _depthwise_backprop("DepthwiseConv2dNativeBackpropFilter", input, filter_sizes,
                               out_backprop, strides, padding, data_format, dilations, name, 1)
