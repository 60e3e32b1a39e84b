"""`tf.layers`: TF1's graph-mode layers (Dense, Conv2D, pooling, Flatten, Dropout) as classes
and functions.

As in TF1, a layer opens `tf.variable_scope(name, default_name=<layer kind>)` on its first call
("dense", "dense_1", ...), creates its variables there with `tf.get_variable` ("dense/kernel",
"dense/bias"; kernel Glorot-uniform, bias zeros by default) and builds its ops in that scope's
name scope ("dense/MatMul", "dense/BiasAdd", "dense/Relu").  Calling the same layer object again
reuses its variables and its name scope.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.graph_keys import GraphKeys
from ..ops import array_ops, init_ops, math_ops, nn_ops
from ..ops.conv_ops import conv2d as _conv2d
from ..ops.pool_ops import avg_pool as _avg_pool, max_pool as _max_pool
from ..ops.variable_scope import get_variable, variable_scope


def _tuple(value: Any, n: int, name: str) -> Tuple[int, ...]:
    """conv_utils.normalize_tuple: an int or an n-sequence of ints."""
    if isinstance(value, numbers.Integral):
        return (int(value),) * n
    try:
        t = tuple(int(v) for v in value)
    except TypeError:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: "
                         f"{value}") from None
    if len(t) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: "
                         f"{value}")
    return t


def _padding(padding: str) -> str:
    p = str(padding).lower()
    if p not in ("valid", "same"):
        raise ValueError(f"The `padding` argument must be one of \"valid\", \"same\". Received: "
                         f"{padding}")
    return p.upper()


def _data_format(data_format: Optional[str]) -> str:
    df = (data_format or "channels_last").lower()
    if df not in ("channels_last", "channels_first"):
        raise ValueError(f"The `data_format` argument must be one of \"channels_first\", "
                         f"\"channels_last\". Received: {data_format}")
    return df


def _activation(activation: Any) -> Optional[Callable]:
    if activation is None or callable(activation):
        return activation
    if isinstance(activation, str):
        fn = {"relu": nn_ops.relu, "sigmoid": nn_ops.sigmoid, "tanh": nn_ops.tanh,
              "softmax": nn_ops.softmax, "elu": nn_ops.elu, "selu": nn_ops.selu,
              "softplus": nn_ops.softplus, "relu6": nn_ops.relu6, "linear": None}
        if activation in fn:
            return fn[activation]
    raise ValueError(f"Unknown activation function: {activation!r}")


class Layer:
    """Base class of the graph-mode layers (`tf.layers.Layer`).

    Args:
      trainable: Whether the layer's variables are trainable.
      name: The layer's (variable scope) name; default: the snake-cased class name made
        unique ("dense", "dense_1").
      dtype: The dtype of the variables (default: the inputs' float dtype).
      _reuse: Reuse existing variables of the scope (`reuse=` of the functional forms).
    """

    _base_name = "layer"

    def __init__(self, trainable: bool = True, name: Optional[str] = None, dtype: Any = None,
                 _reuse: Any = None, _scope: Any = None, **kwargs):
        self.trainable = trainable
        self._name = name
        self.dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._reuse = _reuse
        self._scope = _scope
        self._name_scope_str: Optional[str] = None
        self.built = False
        self._weights: List[Any] = []
        self._getter_names: dict = {}

    @property
    def name(self) -> str:
        return self._scope.name if self._scope is not None else (self._name or self._base_name)

    @property
    def scope_name(self) -> str:
        return self.name

    @property
    def variables(self) -> list:
        return list(self._weights)

    @property
    def weights(self) -> list:
        return list(self._weights)

    @property
    def trainable_variables(self) -> list:
        return list(self._weights) if self.trainable else []

    trainable_weights = trainable_variables

    def add_weight(self, name: str, shape: Sequence[Optional[int]], dtype: Any = None,
                   initializer: Any = None, regularizer: Optional[Callable] = None,
                   trainable: Optional[bool] = None, constraint: Optional[Callable] = None):
        """Creates (or reuses) a variable `name` in the layer's variable scope."""
        trainable = self.trainable if trainable is None else trainable
        v = get_variable(self._getter_names.get(name, name), shape=list(shape),
                         dtype=dtype or self.dtype, initializer=initializer,
                         regularizer=regularizer, trainable=trainable, constraint=constraint)
        self._weights.append(v)
        return v

    def build(self, input_shape) -> None:
        self.built = True

    def call(self, inputs: Tensor, **kwargs) -> Tensor:
        return inputs

    def __call__(self, inputs: Any, *args, **kwargs) -> Tensor:
        if not isinstance(inputs, Tensor):
            inputs = convert_to_tensor(inputs)
        if self.dtype is None:
            self.dtype = inputs.dtype if inputs.dtype.is_floating else dtypes.float32
        if self._name_scope_str is None:
            if self._scope is not None:
                scope_cm = variable_scope(self._scope, reuse=self._reuse)
            else:
                scope_cm = variable_scope(self._name, default_name=self._base_name,
                                          reuse=self._reuse)
            with scope_cm as scope:
                self._scope = scope
                self._name_scope_str = inputs.graph.get_name_scope() + "/"
                return self._build_and_call(inputs, *args, **kwargs)
        with variable_scope(self._scope, reuse=True, auxiliary_name_scope=False):
            with name_scope(self._name_scope_str):
                return self._build_and_call(inputs, *args, **kwargs)

    def _build_and_call(self, inputs: Tensor, *args, **kwargs) -> Tensor:
        if inputs.dtype != self.dtype and inputs.dtype.is_floating is False:
            inputs = math_ops.cast(inputs, self.dtype)
        if not self.built:
            self.build(inputs.shape)
            self.built = True
        out = self.call(inputs, *args, **kwargs)
        reg = getattr(self, "activity_regularizer", None)
        if reg is not None:
            loss = reg(out)
            if loss is not None:
                out.graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return out

    apply = __call__


def _set_kernel_bias_args(layer: "Layer", activation: Any, use_bias: bool,
                          kernel_initializer: Any, bias_initializer: Any,
                          kernel_regularizer: Optional[Callable],
                          bias_regularizer: Optional[Callable],
                          activity_regularizer: Optional[Callable],
                          kernel_constraint: Optional[Callable],
                          bias_constraint: Optional[Callable]) -> None:
    """Stores the kernel/bias arguments Dense and the convolution layers share."""
    layer.activation = _activation(activation)
    layer.use_bias = use_bias
    layer.kernel_initializer = kernel_initializer
    layer.bias_initializer = bias_initializer if bias_initializer is not None \
        else init_ops.zeros_initializer()
    layer.kernel_regularizer = kernel_regularizer
    layer.bias_regularizer = bias_regularizer
    layer.activity_regularizer = activity_regularizer
    layer.kernel_constraint = kernel_constraint
    layer.bias_constraint = bias_constraint
    layer.kernel = None
    layer.bias = None


class Dense(Layer):
    """Densely connected layer `activation(inputs @ kernel + bias)` (`tf.layers.Dense`)."""

    _base_name = "dense"

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = None, bias_initializer: Any = None,
                 kernel_regularizer: Optional[Callable] = None,
                 bias_regularizer: Optional[Callable] = None,
                 activity_regularizer: Optional[Callable] = None,
                 kernel_constraint: Optional[Callable] = None,
                 bias_constraint: Optional[Callable] = None, trainable: bool = True,
                 name: Optional[str] = None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.units = int(units)
        _set_kernel_bias_args(self, activation, use_bias, kernel_initializer,
                              bias_initializer, kernel_regularizer, bias_regularizer,
                              activity_regularizer, kernel_constraint, bias_constraint)

    def build(self, input_shape) -> None:
        if input_shape.ndims is None or input_shape.as_list()[-1] is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        in_dim = input_shape.as_list()[-1]
        self.kernel = self.add_weight("kernel", [in_dim, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs: Tensor) -> Tensor:
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            # [..., in] -> [-1, in] @ kernel -> [..., units]
            lead = inputs.shape.as_list()[:-1]
            flat = array_ops.reshape(inputs, [-1, self.kernel.shape.as_list()[0]])
            out = math_ops.matmul(flat, self.kernel)
            if all(d is not None for d in lead):
                out = array_ops.reshape(out, lead + [self.units])
            else:
                s = array_ops.shape(inputs)
                out = array_ops.reshape(out, array_ops.concat(
                    [array_ops.strided_slice(s, [0], [-1], [1]), [self.units]], 0))
        else:
            out = math_ops.matmul(inputs, self.kernel)
        if self.use_bias:
            out = nn_ops.bias_add(out, self.bias)
        if self.activation is not None:
            out = self.activation(out)
        return out


class _ConvBase(Layer):
    """Shared arguments and the bias/activation tail of the convolution layers."""

    rank = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str = "channels_last", dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = None,
                 bias_initializer: Any = None, kernel_regularizer: Optional[Callable] = None,
                 bias_regularizer: Optional[Callable] = None,
                 activity_regularizer: Optional[Callable] = None,
                 kernel_constraint: Optional[Callable] = None,
                 bias_constraint: Optional[Callable] = None, trainable: bool = True,
                 name: Optional[str] = None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.filters = int(filters)
        self.kernel_size = _tuple(kernel_size, self.rank, "kernel_size")
        self.strides = _tuple(strides, self.rank, "strides")
        self.padding = _padding(padding)
        self.data_format = _data_format(data_format)
        self.dilation_rate = _tuple(dilation_rate, self.rank, "dilation_rate")
        _set_kernel_bias_args(self, activation, use_bias, kernel_initializer,
                              bias_initializer, kernel_regularizer, bias_regularizer,
                              activity_regularizer, kernel_constraint, bias_constraint)

    def _channels(self, input_shape) -> int:
        dims = input_shape.with_rank(self.rank + 2).as_list()
        c = dims[1] if self.data_format == "channels_first" else dims[-1]
        if c is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found "
                             "`None`.")
        return c

    def _add_bias(self, out: Tensor) -> Tensor:
        if self.use_bias:
            if self.rank == 1 and self.data_format == "channels_first":
                out = out + array_ops.reshape(self.bias, [1, self.filters, 1])
            else:
                fmt = "NCHW" if self.data_format == "channels_first" else "NHWC"
                out = nn_ops.bias_add(out, self.bias, data_format=fmt)
        if self.activation is not None:
            out = self.activation(out)
        return out

    def _kernel_shape(self, in_channels: int) -> list:
        """The kernel's shape: [*kernel_size, in, filters] (transposed layers swap the two)."""
        return list(self.kernel_size) + [in_channels, self.filters]

    def build(self, input_shape) -> None:
        self.kernel = self.add_weight("kernel", self._kernel_shape(self._channels(input_shape)),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._bias_weight()
        self.built = True

    def _bias_weight(self) -> None:
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)


class Conv2D(_ConvBase):
    """2-D convolution layer (`tf.layers.Conv2D`); kernel shape
    [kh, kw, in_channels, filters]."""

    _base_name = "conv2d"

    def call(self, inputs: Tensor) -> Tensor:
        fmt = "NCHW" if self.data_format == "channels_first" else "NHWC"
        out = _conv2d(inputs, self.kernel, strides=list(self.strides), padding=self.padding,
                      data_format=fmt, dilations=list(self.dilation_rate))
        return self._add_bias(out)


class _Pooling(Layer):
    """Arguments shared by the pooling layers; `_rank` is their number of spatial dimensions."""

    _rank = 2

    def __init__(self, pool_size: Any, strides: Any, padding: str = "valid",
                 data_format: str = "channels_last", name: Optional[str] = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = _tuple(pool_size, self._rank, "pool_size")
        self.strides = _tuple(strides if strides is not None else pool_size, self._rank,
                              "strides")
        self.padding = _padding(padding)
        self.data_format = _data_format(data_format)


class _Pooling2D(_Pooling):
    _pool = staticmethod(_max_pool)

    def call(self, inputs: Tensor) -> Tensor:
        fmt = "NCHW" if self.data_format == "channels_first" else "NHWC"
        return type(self)._pool(inputs, ksize=list(self.pool_size), strides=list(self.strides),
                                padding=self.padding, data_format=fmt)


class MaxPooling2D(_Pooling2D):
    """Max pooling layer (`tf.layers.MaxPooling2D`)."""

    _base_name = "max_pooling2d"
    _pool = staticmethod(_max_pool)


class AveragePooling2D(_Pooling2D):
    """Average pooling layer (`tf.layers.AveragePooling2D`)."""

    _base_name = "average_pooling2d"
    _pool = staticmethod(_avg_pool)


class Flatten(Layer):
    """Flattens all but the first axis (`tf.layers.Flatten`)."""

    _base_name = "flatten"

    def __init__(self, data_format: str = "channels_last", name: Optional[str] = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = _data_format(data_format)

    def call(self, inputs: Tensor) -> Tensor:
        dims = inputs.shape.as_list() if inputs.shape.ndims is not None else None
        if self.data_format == "channels_first" and dims is not None and len(dims) > 2:
            inputs = array_ops.transpose(inputs, [0] + list(range(2, len(dims))) + [1])
            dims = inputs.shape.as_list()
        rest = None
        if dims is not None and all(d is not None for d in dims[1:]):
            rest = int(np.prod(dims[1:], dtype=np.int64))
        if dims is not None and dims[0] is not None:
            out = array_ops.reshape(inputs, [dims[0], -1])
        elif rest is not None:
            out = array_ops.reshape(inputs, [-1, rest])
        else:
            out = array_ops.reshape(inputs, array_ops.stack([array_ops.shape(inputs)[0], -1]))
        if dims is not None:
            out.set_shape([dims[0], rest])
        return out


class Dropout(Layer):
    """Dropout layer (`tf.layers.Dropout`); active only when called with `training=True`
    (a Python bool or a bool tensor)."""

    _base_name = "dropout"

    def __init__(self, rate: float = 0.5, noise_shape: Any = None, seed: Optional[int] = None,
                 name: Optional[str] = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs: Tensor, training: Any = False) -> Tensor:
        if isinstance(training, Tensor):
            static = array_ops.constant_value(training)
            if static is not None:
                training = bool(static)
        if isinstance(training, (bool, np.bool_)) or training is None:
            if not training:
                return array_ops.identity(inputs)
            return nn_ops.dropout(inputs, noise_shape=self.noise_shape, seed=self.seed,
                                  rate=self.rate)
        return _select_training(training, inputs,
                                lambda: nn_ops.dropout(inputs, noise_shape=self.noise_shape,
                                                       seed=self.seed, rate=self.rate))


def _select_training(training: Tensor, inputs: Tensor, dropped: Callable[[], Tensor]) -> Tensor:
    """`dropped()` when the bool tensor `training` is true, else `inputs`.

    Uses `tf.cond` when available; otherwise computes the dropout and selects with a 0/1
    factor (same values and gradients; the random mask is drawn either way).
    """
    from ..ops import control_flow_ops
    cond = getattr(control_flow_ops, "cond", None)
    if cond is not None:
        return cond(training, dropped, lambda: array_ops.identity(inputs))
    t = math_ops.cast(training, inputs.dtype)
    d = dropped()
    # inputs + t * (dropped - inputs): exactly `inputs` or `dropped` for t in {0, 1}
    return math_ops.add(inputs, math_ops.multiply(t, math_ops.subtract(d, inputs)))


# --- functional forms ----------------------------------------------------------------------------
def dense(inputs: Any, units: int, activation: Any = None, use_bias: bool = True,
          kernel_initializer: Any = None, bias_initializer: Any = None,
          kernel_regularizer: Optional[Callable] = None,
          bias_regularizer: Optional[Callable] = None,
          activity_regularizer: Optional[Callable] = None,
          kernel_constraint: Optional[Callable] = None, bias_constraint: Optional[Callable] = None,
          trainable: bool = True, name: Optional[str] = None, reuse: Any = None) -> Tensor:
    """Densely connected layer `activation(inputs @ kernel + bias)` (`tf.layers.dense`).

    Args:
      inputs: Tensor of rank >= 2 with a known last dimension.
      units: Output size.
      activation: Activation function (or None for linear).
      use_bias: Whether to add a bias.
      kernel_initializer: Default Glorot uniform (the variable scope's default).
      bias_initializer: Default zeros.
      kernel_regularizer, bias_regularizer, activity_regularizer: Optional functions whose
        results go to `tf.GraphKeys.REGULARIZATION_LOSSES`.
      kernel_constraint, bias_constraint: Stored on the variables.
      trainable: Add the variables to `TRAINABLE_VARIABLES`.
      name: Variable scope name (default "dense", "dense_1", ...).
      reuse: Reuse the variables of a previous layer with the same name.

    Returns:
      The output tensor.

    Raises:
      ValueError: If the last dimension of `inputs` is unknown.
    """
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                  bias_constraint=bias_constraint, trainable=trainable, name=name, _reuse=reuse)
    return layer(inputs)


def conv2d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
           padding: str = "valid", data_format: str = "channels_last", dilation_rate: Any = (1, 1),
           activation: Any = None, use_bias: bool = True, kernel_initializer: Any = None,
           bias_initializer: Any = None, kernel_regularizer: Optional[Callable] = None,
           bias_regularizer: Optional[Callable] = None,
           activity_regularizer: Optional[Callable] = None,
           kernel_constraint: Optional[Callable] = None, bias_constraint: Optional[Callable] = None,
           trainable: bool = True, name: Optional[str] = None, reuse: Any = None) -> Tensor:
    """2-D convolution layer (`tf.layers.conv2d`): variables "conv2d/kernel" [kh, kw, in,
    filters] and "conv2d/bias".

    Args:
      inputs: 4-D tensor (channels_last, or channels_first).
      filters: Number of output channels.
      kernel_size: An int or a pair.
      strides: An int or a pair.
      padding: "valid" or "same" (case-insensitive).
      data_format: "channels_last" (default) or "channels_first".
      dilation_rate: An int or a pair.
      activation, use_bias, *_initializer, *_regularizer, *_constraint, trainable, name,
        reuse: As `dense`.
    """
    layer = Conv2D(filters, kernel_size, strides=strides, padding=padding,
                   data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                   use_bias=use_bias, kernel_initializer=kernel_initializer,
                   bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                   bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                   kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                   trainable=trainable, name=name, _reuse=reuse)
    return layer(inputs)


def max_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: Optional[str] = None) -> Tensor:
    """Max pooling layer (`tf.layers.max_pooling2d`; ops "max_pooling2d/MaxPool")."""
    return MaxPooling2D(pool_size, strides, padding=padding, data_format=data_format,
                        name=name)(inputs)


def average_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: Optional[str] = None) -> Tensor:
    """Average pooling layer (`tf.layers.average_pooling2d`)."""
    return AveragePooling2D(pool_size, strides, padding=padding, data_format=data_format,
                            name=name)(inputs)


def flatten(inputs: Any, name: Optional[str] = None,
            data_format: str = "channels_last") -> Tensor:
    """Flattens all but the batch axis (`tf.layers.flatten`; op "flatten/Reshape")."""
    return Flatten(data_format=data_format, name=name)(inputs)


def dropout(inputs: Any, rate: float = 0.5, noise_shape: Any = None, seed: Optional[int] = None,
            training: Any = False, name: Optional[str] = None) -> Tensor:
    """Dropout (`tf.layers.dropout`): drops with probability `rate` and scales by
    `1 / (1 - rate)` when `training` (a Python bool or bool tensor) is true; identity otherwise.
    """
    return Dropout(rate=rate, noise_shape=noise_shape, seed=seed, name=name)(inputs,
                                                                            training=training)


MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
Convolution2D = Conv2D

__all__ = ["Layer", "Dense", "Conv2D", "Convolution2D", "MaxPooling2D", "MaxPool2D",
           "AveragePooling2D", "AvgPool2D", "Flatten", "Dropout", "dense", "conv2d",
           "max_pooling2d", "average_pooling2d", "flatten", "dropout"]
