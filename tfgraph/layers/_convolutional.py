"""More of `tf.layers`: `Conv1D`/`conv1d`, `Conv2DTranspose`/`conv2d_transpose`,
`SeparableConv2D`/`separable_conv2d`, `MaxPooling1D`/`AveragePooling1D` (and their functions),
and `InputSpec`, built on `tf.nn.conv1d`, `max_pool1d`, `avg_pool1d` (ops/conv1d_ops.py).

Variable names and shapes are TF1's: "conv1d/kernel" [k, in, filters],
"conv2d_transpose/kernel" [kh, kw, filters, in], "separable_conv2d/depthwise_kernel"
[kh, kw, in, depth_multiplier] and "pointwise_kernel" [1, 1, in * depth_multiplier, filters],
each with "bias". The 1-D forms run the 2-D kernels on a height-1 image, as TF1 does.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..framework.graph import Tensor
from ..ops import array_ops
from ..ops.conv_ops import conv2d_transpose as _nn_conv2d_transpose
from ..ops.conv_ops import separable_conv2d as _nn_separable_conv2d
from ..ops.conv1d_ops import avg_pool1d, conv1d, max_pool1d
from ._base import _ConvBase, _Pooling


# --- layers ------------------------------------------------------------------------------------
class InputSpec:
    """`tf.layers.InputSpec`: the dtype, shape, rank and axis sizes a layer expects."""

    def __init__(self, dtype: Any = None, shape: Any = None, ndim: Optional[int] = None,
                 max_ndim: Optional[int] = None, min_ndim: Optional[int] = None,
                 axes: Optional[dict] = None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})

    def __repr__(self) -> str:
        return (f"InputSpec(dtype={self.dtype}, shape={self.shape}, ndim={self.ndim}, "
                f"max_ndim={self.max_ndim}, min_ndim={self.min_ndim}, axes={self.axes})")


class Conv1D(_ConvBase):
    """1-D convolution layer (`tf.layers.Conv1D`); kernel [k, in_channels, filters]."""

    _base_name = "conv1d"
    rank = 1

    def call(self, inputs: Tensor) -> Tensor:
        fmt = "NCW" if self.data_format == "channels_first" else "NWC"
        out = conv1d(inputs, self.kernel, stride=self.strides[0], padding=self.padding,
                     data_format=fmt, dilations=self.dilation_rate[0])
        return self._add_bias(out)


class Conv2DTranspose(_ConvBase):
    """Transposed 2-D convolution layer (`tf.layers.Conv2DTranspose`); kernel
    [kh, kw, filters, in_channels]."""

    _base_name = "conv2d_transpose"

    def _kernel_shape(self, in_channels: int) -> list:
        return list(self.kernel_size) + [self.filters, in_channels]

    def build(self, input_shape) -> None:
        if self.dilation_rate != (1, 1):
            raise NotImplementedError("Conv2DTranspose with dilation_rate != 1 is not offered "
                                      "by tfgraph")
        super().build(input_shape)

    def _out_len(self, n, k, s):
        if n is None:
            return None
        return n * s if self.padding == "SAME" else n * s + max(k - s, 0)

    def call(self, inputs: Tensor) -> Tensor:
        first = self.data_format == "channels_first"
        h_ax, w_ax = (2, 3) if first else (1, 2)
        dims = inputs.shape.as_list()
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        oh, ow = self._out_len(dims[h_ax], kh, sh), self._out_len(dims[w_ax], kw, sw)
        if None in (dims[0], oh, ow):
            s = array_ops.shape(inputs)

            def length(i, k, st):
                n = s[i] * st
                return n if self.padding == "SAME" else n + max(k - st, 0)
            hh = oh if oh is not None else length(h_ax, kh, sh)
            ww = ow if ow is not None else length(w_ax, kw, sw)
            parts = [s[0], self.filters, hh, ww] if first else [s[0], hh, ww, self.filters]
            out_shape = array_ops.stack(parts)
        else:
            out_shape = [dims[0], self.filters, oh, ow] if first else \
                [dims[0], oh, ow, self.filters]
        strides = [1, 1, sh, sw] if first else [1, sh, sw, 1]
        out = _nn_conv2d_transpose(inputs, self.kernel, out_shape, strides,
                                   padding=self.padding,
                                   data_format="NCHW" if first else "NHWC")
        static = [dims[0], self.filters, oh, ow] if first else [dims[0], oh, ow, self.filters]
        out.set_shape(static)
        return self._add_bias(out)


class SeparableConv2D(_ConvBase):
    """Depthwise-separable 2-D convolution layer (`tf.layers.SeparableConv2D`)."""

    _base_name = "separable_conv2d"

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = (1, 1), depth_multiplier: int = 1, activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = None,
                 pointwise_initializer: Any = None, bias_initializer: Any = None,
                 depthwise_regularizer: Optional[Callable] = None,
                 pointwise_regularizer: Optional[Callable] = None,
                 bias_regularizer: Optional[Callable] = None,
                 activity_regularizer: Optional[Callable] = None,
                 depthwise_constraint: Optional[Callable] = None,
                 pointwise_constraint: Optional[Callable] = None,
                 bias_constraint: Optional[Callable] = None, trainable: bool = True,
                 name: Optional[str] = None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, trainable=trainable, name=name,
                         **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint

    def build(self, input_shape) -> None:
        c = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", list(self.kernel_size) + [c, self.depth_multiplier],
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1, 1, c * self.depth_multiplier, self.filters],
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._bias_weight()
        self.built = True

    def call(self, inputs: Tensor) -> Tensor:
        first = self.data_format == "channels_first"
        sh, sw = self.strides
        strides = [1, 1, sh, sw] if first else [1, sh, sw, 1]
        out = _nn_separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                   strides, self.padding, rate=list(self.dilation_rate),
                                   data_format="NCHW" if first else "NHWC")
        return self._add_bias(out)


class _Pooling1D(_Pooling):
    _rank = 1
    _pool = staticmethod(max_pool1d)

    def call(self, inputs: Tensor) -> Tensor:
        fmt = "NCW" if self.data_format == "channels_first" else "NWC"
        return type(self)._pool(inputs, self.pool_size[0], self.strides[0], self.padding,
                                data_format=fmt)


class MaxPooling1D(_Pooling1D):
    """1-D max pooling layer (`tf.layers.MaxPooling1D`)."""

    _base_name = "max_pooling1d"
    _pool = staticmethod(max_pool1d)


class AveragePooling1D(_Pooling1D):
    """1-D average pooling layer (`tf.layers.AveragePooling1D`)."""

    _base_name = "average_pooling1d"
    _pool = staticmethod(avg_pool1d)


def _conv_kwargs(**kw):
    reuse = kw.pop("reuse", None)
    kw["_reuse"] = reuse
    return kw


def conv1d_layer(inputs: Any, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = None, bias_initializer: Any = None,
                 kernel_regularizer: Optional[Callable] = None,
                 bias_regularizer: Optional[Callable] = None,
                 activity_regularizer: Optional[Callable] = None,
                 kernel_constraint: Optional[Callable] = None,
                 bias_constraint: Optional[Callable] = None, trainable: bool = True,
                 name: Optional[str] = None, reuse: Any = None) -> Tensor:
    """1-D convolution layer (`tf.layers.conv1d`): variables "conv1d/kernel" [k, in, filters]
    and "conv1d/bias"; arguments as `tf.layers.conv2d`."""
    return Conv1D(**_conv_kwargs(
        filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
        data_format=data_format, dilation_rate=dilation_rate, activation=activation,
        use_bias=use_bias, kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
        trainable=trainable, name=name, reuse=reuse))(inputs)


def conv2d_transpose_layer(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
                           padding: str = "valid", data_format: str = "channels_last",
                           activation: Any = None, use_bias: bool = True,
                           kernel_initializer: Any = None, bias_initializer: Any = None,
                           kernel_regularizer: Optional[Callable] = None,
                           bias_regularizer: Optional[Callable] = None,
                           activity_regularizer: Optional[Callable] = None,
                           kernel_constraint: Optional[Callable] = None,
                           bias_constraint: Optional[Callable] = None, trainable: bool = True,
                           name: Optional[str] = None, reuse: Any = None) -> Tensor:
    """Transposed 2-D convolution layer (`tf.layers.conv2d_transpose`): output size
    `in * stride` ("same") or `in * stride + max(k - stride, 0)` ("valid"); variables
    "conv2d_transpose/kernel" [kh, kw, filters, in] and "conv2d_transpose/bias"."""
    return Conv2DTranspose(**_conv_kwargs(
        filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
        data_format=data_format, activation=activation, use_bias=use_bias,
        kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
        bias_constraint=bias_constraint, trainable=trainable, name=name, reuse=reuse))(inputs)


def separable_conv2d_layer(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
                           padding: str = "valid", data_format: str = "channels_last",
                           dilation_rate: Any = (1, 1), depth_multiplier: int = 1,
                           activation: Any = None, use_bias: bool = True,
                           depthwise_initializer: Any = None,
                           pointwise_initializer: Any = None, bias_initializer: Any = None,
                           depthwise_regularizer: Optional[Callable] = None,
                           pointwise_regularizer: Optional[Callable] = None,
                           bias_regularizer: Optional[Callable] = None,
                           activity_regularizer: Optional[Callable] = None,
                           depthwise_constraint: Optional[Callable] = None,
                           pointwise_constraint: Optional[Callable] = None,
                           bias_constraint: Optional[Callable] = None, trainable: bool = True,
                           name: Optional[str] = None, reuse: Any = None) -> Tensor:
    """Depthwise-separable 2-D convolution layer (`tf.layers.separable_conv2d`)."""
    return SeparableConv2D(**_conv_kwargs(
        filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
        data_format=data_format, dilation_rate=dilation_rate,
        depth_multiplier=depth_multiplier, activation=activation, use_bias=use_bias,
        depthwise_initializer=depthwise_initializer,
        pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
        depthwise_regularizer=depthwise_regularizer,
        pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
        pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint,
        trainable=trainable, name=name, reuse=reuse))(inputs)


def max_pooling1d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: Optional[str] = None) -> Tensor:
    """1-D max pooling layer (`tf.layers.max_pooling1d`)."""
    return MaxPooling1D(pool_size, strides, padding=padding, data_format=data_format,
                        name=name)(inputs)


def average_pooling1d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: Optional[str] = None) -> Tensor:
    """1-D average pooling layer (`tf.layers.average_pooling1d`)."""
    return AveragePooling1D(pool_size, strides, padding=padding, data_format=data_format,
                            name=name)(inputs)
