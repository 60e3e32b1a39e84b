"""`tf.contrib.layers`: flatten, fully_connected, conv2d, max_pool2d, avg_pool2d and the
regularizers/initializers TF1 scripts take from contrib.

Variables are named as contrib names them ("fully_connected/weights", "fully_connected/biases",
"Conv/weights"); activations default to ReLU as in contrib.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Dict, Optional, Sequence

from ..layers import _base as _core_layers, _normalization
from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.graph_keys import GraphKeys
from ..ops import array_ops, init_ops, math_ops, nn_ops
from ..ops.conv_ops import conv2d as _conv2d
from ..ops.pool_ops import avg_pool as _avg_pool, max_pool as _max_pool
from ..ops.variable_scope import get_variable, variable_scope


def flatten(inputs: Any, outputs_collections: Optional[Sequence[str]] = None,
            scope: Optional[str] = None) -> Tensor:
    """Flattens all but the batch axis (`tf.contrib.layers.flatten`; ops under "Flatten/").

    Raises:
      ValueError: If `inputs` has rank < 2.
    """
    with name_scope(scope, "Flatten", [inputs]):
        inputs = convert_to_tensor(inputs)
        if inputs.shape.ndims is not None and inputs.shape.ndims < 2:
            raise ValueError(f"Inputs must have a least 2 dimensions, got {inputs.shape}")
        out = _core_layers.flatten(inputs)
        _collect(outputs_collections, out)
        return out


def _collect(collections: Optional[Sequence[str]], value: Tensor) -> None:
    for c in collections or ():
        value.graph.add_to_collection(c, value)


def _model_variable(name: str, shape: Sequence[int], dtype: Any, initializer: Any,
                    regularizer: Optional[Callable], trainable: bool,
                    collections: Optional[Sequence[str]]) -> Any:
    colls = [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES] + list(collections or [])
    return get_variable(name, shape=list(shape), dtype=dtype, initializer=initializer,
                        regularizer=regularizer, trainable=trainable, collections=colls)


def fully_connected(inputs: Any, num_outputs: int, activation_fn: Optional[Callable] = nn_ops.relu,
                    normalizer_fn: Optional[Callable] = None,
                    normalizer_params: Optional[Dict[str, Any]] = None,
                    weights_initializer: Any = None, weights_regularizer: Optional[Callable] = None,
                    biases_initializer: Any = init_ops.zeros_initializer(),
                    biases_regularizer: Optional[Callable] = None, reuse: Any = None,
                    variables_collections: Optional[Sequence[str]] = None,
                    outputs_collections: Optional[Sequence[str]] = None, trainable: bool = True,
                    scope: Optional[str] = None) -> Tensor:
    """A fully connected layer (`tf.contrib.layers.fully_connected`): variables
    "<scope>/weights" (Xavier uniform) and "<scope>/biases" (zeros); ReLU by default.

    Raises:
      ValueError: If the last dimension of `inputs` is unknown.
    """
    with variable_scope(scope, "fully_connected", [inputs], reuse=reuse):
        x = convert_to_tensor(inputs)
        n_in = x.shape.as_list()[-1] if x.shape.ndims is not None else None
        if n_in is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        dtype = x.dtype if x.dtype.is_floating else dtypes.float32
        w = _model_variable("weights", [n_in, num_outputs], dtype,
                            weights_initializer if weights_initializer is not None
                            else xavier_initializer(), weights_regularizer, trainable,
                            variables_collections)
        out = math_ops.matmul(x, w)
        if normalizer_fn is not None:
            out = normalizer_fn(out, **(normalizer_params or {}))
        elif biases_initializer is not None:
            b = _model_variable("biases", [num_outputs], dtype, biases_initializer,
                                biases_regularizer, trainable, variables_collections)
            out = nn_ops.bias_add(out, b)
        if activation_fn is not None:
            out = activation_fn(out)
        _collect(outputs_collections, out)
        return out


def conv2d(inputs: Any, num_outputs: int, kernel_size: Any, stride: Any = 1,
           padding: str = "SAME", data_format: Optional[str] = None, rate: Any = 1,
           activation_fn: Optional[Callable] = nn_ops.relu,
           normalizer_fn: Optional[Callable] = None,
           normalizer_params: Optional[Dict[str, Any]] = None, weights_initializer: Any = None,
           weights_regularizer: Optional[Callable] = None,
           biases_initializer: Any = init_ops.zeros_initializer(),
           biases_regularizer: Optional[Callable] = None, reuse: Any = None,
           variables_collections: Optional[Sequence[str]] = None,
           outputs_collections: Optional[Sequence[str]] = None, trainable: bool = True,
           scope: Optional[str] = None) -> Tensor:
    """A 2-D convolution layer (`tf.contrib.layers.conv2d`): variables "<scope>/weights"
    [kh, kw, in, num_outputs] and "<scope>/biases"; scope "Conv"; SAME padding and ReLU by
    default."""
    fmt = data_format or "NHWC"
    with variable_scope(scope, "Conv", [inputs], reuse=reuse):
        x = convert_to_tensor(inputs)
        k = _core_layers._tuple(kernel_size, 2, "kernel_size")
        s = _core_layers._tuple(stride, 2, "stride")
        r = _core_layers._tuple(rate, 2, "rate")
        c = x.shape.with_rank(4).as_list()[1 if fmt == "NCHW" else 3]
        if c is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found "
                             "`None`.")
        dtype = x.dtype if x.dtype.is_floating else dtypes.float32
        w = _model_variable("weights", list(k) + [c, num_outputs], dtype,
                            weights_initializer if weights_initializer is not None
                            else xavier_initializer(), weights_regularizer, trainable,
                            variables_collections)
        out = _conv2d(x, w, strides=list(s), padding=str(padding).upper(), data_format=fmt,
                      dilations=list(r))
        if normalizer_fn is not None:
            out = normalizer_fn(out, **(normalizer_params or {}))
        elif biases_initializer is not None:
            b = _model_variable("biases", [num_outputs], dtype, biases_initializer,
                                biases_regularizer, trainable, variables_collections)
            out = nn_ops.bias_add(out, b, data_format=fmt)
        if activation_fn is not None:
            out = activation_fn(out)
        _collect(outputs_collections, out)
        return out


convolution2d = conv2d


def max_pool2d(inputs: Any, kernel_size: Any, stride: Any = 2, padding: str = "VALID",
               data_format: str = "NHWC", outputs_collections: Optional[Sequence[str]] = None,
               scope: Optional[str] = None) -> Tensor:
    """2-D max pooling (`tf.contrib.layers.max_pool2d`; op "MaxPool2D/MaxPool")."""
    with name_scope(scope, "MaxPool2D", [inputs]):
        out = _max_pool(inputs, ksize=list(_core_layers._tuple(kernel_size, 2, "kernel_size")),
                        strides=list(_core_layers._tuple(stride, 2, "stride")),
                        padding=str(padding).upper(), data_format=data_format)
        _collect(outputs_collections, out)
        return out


def avg_pool2d(inputs: Any, kernel_size: Any, stride: Any = 2, padding: str = "VALID",
               data_format: str = "NHWC", outputs_collections: Optional[Sequence[str]] = None,
               scope: Optional[str] = None) -> Tensor:
    """2-D average pooling (`tf.contrib.layers.avg_pool2d`; op "AvgPool2D/AvgPool")."""
    with name_scope(scope, "AvgPool2D", [inputs]):
        out = _avg_pool(inputs, ksize=list(_core_layers._tuple(kernel_size, 2, "kernel_size")),
                        strides=list(_core_layers._tuple(stride, 2, "stride")),
                        padding=str(padding).upper(), data_format=data_format)
        _collect(outputs_collections, out)
        return out


def dropout(inputs: Any, keep_prob: float = 0.5, noise_shape: Any = None,
            is_training: Any = True, outputs_collections: Optional[Sequence[str]] = None,
            scope: Optional[str] = None, seed: Optional[int] = None) -> Tensor:
    """Dropout keeping each element with probability `keep_prob` when `is_training`
    (`tf.contrib.layers.dropout`)."""
    with name_scope(scope, "Dropout", [inputs]):
        out = _core_layers.dropout(inputs, rate=1 - keep_prob, noise_shape=noise_shape, seed=seed,
                                   training=is_training)
        _collect(outputs_collections, out)
        return out


def _check_scale(scale: Any) -> None:
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real) and scale < 0.:
        raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale}")


def l2_regularizer(scale: float, scope: Optional[str] = None) -> Callable:
    """`scale * l2_loss(weights)` as a regularizer function (`tf.contrib.layers.l2_regularizer`).

    Raises:
      ValueError: If `scale` is an int or negative.
    """
    _check_scale(scale)
    if scale == 0.:
        return lambda _: None

    def l2(weights):
        with name_scope(scope, "l2_regularizer", [weights]) as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype, name="scale")
            return math_ops.multiply(my_scale, nn_ops.l2_loss(weights), name=name)
    return l2


def l1_regularizer(scale: float, scope: Optional[str] = None) -> Callable:
    """`scale * sum(|weights|)` as a regularizer function (`tf.contrib.layers.l1_regularizer`)."""
    _check_scale(scale)
    if scale == 0.:
        return lambda _: None

    def l1(weights):
        with name_scope(scope, "l1_regularizer", [weights]) as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype, name="scale")
            return math_ops.multiply(my_scale, math_ops.reduce_sum(math_ops.abs(weights)),
                                     name=name)
    return l1


def xavier_initializer(uniform: bool = True, seed: Optional[int] = None,
                       dtype: Any = dtypes.float32) -> Any:
    """Glorot/Xavier initializer (`tf.contrib.layers.xavier_initializer`)."""
    return init_ops.VarianceScaling(scale=1.0, mode="fan_avg",
                                    distribution="uniform" if uniform else "truncated_normal",
                                    seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer


class _ContribVarianceScaling(init_ops.Initializer):
    """contrib's variance scaling: uniform in +-sqrt(3 * factor / n), or a normal truncated at
    two standard deviations with stddev sqrt(1.3 * factor / n); n from FAN_IN, FAN_OUT or
    FAN_AVG."""

    def __init__(self, factor: float, mode: str, uniform: bool, seed: Optional[int], dtype: Any):
        self.factor, self.mode, self.uniform, self.seed = float(factor), mode, uniform, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:

        dtype = dtypes.as_dtype(dtype or self.dtype)
        fan_in, fan_out = init_ops._compute_fans(list(shape))
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[self.mode]
        if self.uniform:
            limit = math.sqrt(3.0 * self.factor / n)
            return init_ops.RandomUniform(-limit, limit, seed=self.seed, dtype=dtype)(shape, dtype)
        stddev = math.sqrt(1.3 * self.factor / n)
        return init_ops.TruncatedNormal(0.0, stddev, seed=self.seed, dtype=dtype)(shape, dtype)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode, "uniform": self.uniform,
                "seed": self.seed, "dtype": self.dtype.name}


def variance_scaling_initializer(factor: float = 2.0, mode: str = "FAN_IN",
                                 uniform: bool = False, seed: Optional[int] = None,
                                 dtype: Any = dtypes.float32) -> Any:
    """He-style initializer (`tf.contrib.layers.variance_scaling_initializer`): the default
    (factor 2, FAN_IN, truncated normal) is He et al.'s.

    Raises:
      TypeError: For a non-floating dtype.
      ValueError: For an unknown mode.
    """
    if not dtypes.as_dtype(dtype).is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")
    return _ContribVarianceScaling(factor, mode, uniform, seed, dtype)


class _ContribBatchNorm(_normalization.BatchNormalization):
    _base_name = "BatchNorm"


def batch_norm(inputs: Any, decay: float = 0.999, center: bool = True, scale: bool = False,
               epsilon: float = 0.001, activation_fn: Optional[Callable] = None,
               param_initializers: Optional[Dict[str, Any]] = None,
               param_regularizers: Optional[Dict[str, Any]] = None,
               updates_collections: Any = GraphKeys.UPDATE_OPS, is_training: Any = True,
               reuse: Any = None, variables_collections: Any = None,
               outputs_collections: Optional[Sequence[str]] = None, trainable: bool = True,
               batch_weights: Any = None, fused: Any = None, data_format: str = "NHWC",
               zero_debias_moving_mean: bool = False, scope: Optional[str] = None,
               renorm: bool = False, renorm_clipping: Any = None, renorm_decay: float = 0.99,
               adjustment: Any = None) -> Tensor:
    """Batch normalization (`tf.contrib.layers.batch_norm`): variables "BatchNorm/beta",
    "BatchNorm/gamma" (only with `scale=True`, contrib's default is False),
    "BatchNorm/moving_mean" and "BatchNorm/moving_variance" (also in MOVING_AVERAGE_VARIABLES);
    the statistics are taken over every axis but the channels (last for NHWC, 1 for NCHW).

    Args:
      decay: Momentum of the moving averages.
      updates_collections: Where the two update ops go (default UPDATE_OPS); None runs them
        with the output (control dependencies), as contrib does.
      is_training: Python bool or bool tensor.
      param_initializers / param_regularizers: dicts keyed "beta", "gamma", "moving_mean",
        "moving_variance".
      Others: as `tf.layers.batch_normalization`.

    Raises:
      NotImplementedError: For batch_weights, zero_debias_moving_mean, renorm or adjustment.
      ValueError: For an unknown data_format.
    """
    if batch_weights is not None or zero_debias_moving_mean:
        raise NotImplementedError("contrib batch_norm with batch_weights or "
                                  "zero_debias_moving_mean is not offered by tfgraph")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format has to be either NCHW or NHWC, got {data_format!r}")
    inputs = convert_to_tensor(inputs)
    init = dict(param_initializers or {})
    regs = dict(param_regularizers or {})
    layer = _ContribBatchNorm(
        axis=1 if data_format == "NCHW" and (inputs.shape.ndims or 0) > 2 else -1,
        momentum=decay, epsilon=epsilon, center=center, scale=scale,
        beta_initializer=init.get("beta"), gamma_initializer=init.get("gamma"),
        moving_mean_initializer=init.get("moving_mean"),
        moving_variance_initializer=init.get("moving_variance"),
        beta_regularizer=regs.get("beta"), gamma_regularizer=regs.get("gamma"), renorm=renorm,
        fused=fused, trainable=trainable, adjustment=adjustment, name=scope, _reuse=reuse)
    layer._updates_collections = [] if updates_collections is None else (
        [updates_collections] if isinstance(updates_collections, str)
        else list(updates_collections))
    out = layer(inputs, training=is_training)
    g = out.graph
    for v in (layer.beta, layer.gamma, layer.moving_mean, layer.moving_variance):
        if v is not None and v not in g.get_collection(GraphKeys.MODEL_VARIABLES):
            g.add_to_collection(GraphKeys.MODEL_VARIABLES, v)
    for v in (layer.moving_mean, layer.moving_variance):
        if v not in g.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES):
            g.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, v)
    if isinstance(variables_collections, (list, tuple)):
        for v in layer.variables:
            g.add_to_collections(list(variables_collections), v)
    if updates_collections is None and layer.updates:
        with g.control_dependencies(layer.updates):
            out = array_ops.identity(out)
    if activation_fn is not None:
        out = activation_fn(out)
    _collect(outputs_collections, out)
    return out


def layer_norm(inputs: Any, center: bool = True, scale: bool = True,
               activation_fn: Optional[Callable] = None, reuse: Any = None,
               variables_collections: Any = None,
               outputs_collections: Optional[Sequence[str]] = None, trainable: bool = True,
               begin_norm_axis: int = 1, begin_params_axis: int = -1,
               scope: Optional[str] = None) -> Tensor:
    """Layer normalization (`tf.contrib.layers.layer_norm`): normalizes over the axes from
    `begin_norm_axis` on (epsilon 1e-12, as contrib); variables "LayerNorm/beta" and
    "LayerNorm/gamma" of shape `inputs.shape[begin_params_axis:]`.

    Raises:
      ValueError: If the rank is unknown or an axis is out of range.
    """
    with variable_scope(scope, "LayerNorm", [inputs], reuse=reuse):
        inputs = convert_to_tensor(inputs)
        shape = inputs.shape
        n = shape.ndims
        if n is None:
            raise ValueError(f"Inputs {inputs.name} has undefined rank.")
        if begin_norm_axis < 0:
            begin_norm_axis += n
        if begin_params_axis < 0:
            begin_params_axis += n
        if not 0 <= begin_norm_axis < n or not 0 <= begin_params_axis < n:
            raise ValueError(f"begin_params_axis ({begin_params_axis}) and begin_norm_axis "
                             f"({begin_norm_axis}) must be < rank(inputs) ({n})")
        params_shape = shape.as_list()[begin_params_axis:]
        if any(d is None for d in params_shape):
            raise ValueError(f"Inputs {inputs.name}: shape(inputs)[{begin_params_axis}:] is "
                             f"not fully defined: {shape}")
        colls = variables_collections if isinstance(variables_collections, (list, tuple)) \
            else None
        beta = _model_variable("beta", params_shape, inputs.dtype,
                               init_ops.zeros_initializer(), None, trainable, colls) \
            if center else None
        gamma = _model_variable("gamma", params_shape, inputs.dtype,
                                init_ops.ones_initializer(), None, trainable, colls) \
            if scale else None
        mean, variance = nn_ops.moments(inputs, list(range(begin_norm_axis, n)), keep_dims=True)
        out = nn_ops.batch_normalization(inputs, mean, variance, offset=beta, scale=gamma,
                                         variance_epsilon=1e-12)
        out.set_shape(shape)
        if activation_fn is not None:
            out = activation_fn(out)
        _collect(outputs_collections, out)
        return out

__all__ = ["flatten", "fully_connected", "conv2d", "convolution2d", "max_pool2d", "avg_pool2d",
           "dropout", "l1_regularizer", "l2_regularizer", "xavier_initializer",
           "xavier_initializer_conv2d", "variance_scaling_initializer", "batch_norm",
           "layer_norm"]
