"""`tf.contrib.layers`: flatten, fully_connected, conv2d, max_pool2d, avg_pool2d and the
regularizers/initializers TF1 scripts take from contrib.

Variables are named as contrib names them ("fully_connected/weights", "fully_connected/biases",
"Conv/weights"); activations default to ReLU as in contrib.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Dict, Optional, Sequence

from ..layers import _base as _core_layers
from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.graph_keys import GraphKeys
from ..ops import init_ops, math_ops, nn_ops
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

__all__ = ["flatten", "fully_connected", "conv2d", "convolution2d", "max_pool2d", "avg_pool2d",
           "dropout", "l1_regularizer", "l2_regularizer", "xavier_initializer",
           "xavier_initializer_conv2d"]
