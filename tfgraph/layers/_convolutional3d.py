"""`tf.layers` 3-D layers and SeparableConv1D: `Conv3D`/`conv3d`, `Conv3DTranspose`/
`conv3d_transpose`, `MaxPooling3D`/`max_pooling3d`, `AveragePooling3D`/`average_pooling3d`,
`SeparableConv1D`/`separable_conv1d`, built on ops/conv3d_ops.py and `tf.nn.separable_conv2d`.

Variable names and shapes are TF1's: "conv3d/kernel" [kd, kh, kw, in, filters],
"conv3d_transpose/kernel" [kd, kh, kw, filters, in], "separable_conv1d/depthwise_kernel"
[k, in, depth_multiplier] and "pointwise_kernel" [1, in * depth_multiplier, filters], each
with "bias" [filters].
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..framework.graph import Tensor
from ..ops import array_ops
from ..ops.conv3d_ops import avg_pool3d, conv3d as _nn_conv3d, max_pool3d
from ..ops.conv3d_ops import conv3d_transpose as _nn_conv3d_transpose
from ..ops.conv_ops import separable_conv2d as _nn_separable_conv2d
from ._base import _ConvBase, _Pooling
from ._convolutional import SeparableConv2D, _conv_kwargs


def _fmt(layer) -> str:
    return "NCDHW" if layer.data_format == "channels_first" else "NDHWC"


class Conv3D(_ConvBase):
    """3-D convolution layer (`tf.layers.Conv3D`); kernel [kd, kh, kw, in_channels, filters]."""

    _base_name = "conv3d"
    rank = 3

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = (1, 1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)

    def call(self, inputs: Tensor) -> Tensor:
        fmt = _fmt(self)
        strides = [1, 1, *self.strides] if fmt == "NCDHW" else [1, *self.strides, 1]
        dil = [1, 1, *self.dilation_rate] if fmt == "NCDHW" else [1, *self.dilation_rate, 1]
        out = _nn_conv3d(inputs, self.kernel, strides, self.padding, data_format=fmt,
                         dilations=dil)
        return self._add_bias(out)


class Conv3DTranspose(Conv3D):
    """Transposed 3-D convolution layer (`tf.layers.Conv3DTranspose`); kernel
    [kd, kh, kw, filters, in_channels]; output size `in * stride` ("same") or
    `in * stride + max(k - stride, 0)` ("valid")."""

    _base_name = "conv3d_transpose"

    def _kernel_shape(self, in_channels: int) -> list:
        return list(self.kernel_size) + [self.filters, in_channels]

    def _out_len(self, n, k, s):
        """TF1's deconv_output_length (`n` an int or a scalar tensor)."""
        return n * s if self.padding == "SAME" else n * s + max(k - s, 0)

    def call(self, inputs: Tensor) -> Tensor:
        first = self.data_format == "channels_first"
        axes = (2, 3, 4) if first else (1, 2, 3)
        dims = inputs.shape.with_rank(5).as_list()
        static = [self._out_len(dims[a], k, s) if dims[a] is not None else None
                  for a, k, s in zip(axes, self.kernel_size, self.strides)]
        if None in static or dims[0] is None:
            shp = array_ops.shape(inputs)
            parts = [static[i] if static[i] is not None else
                     self._out_len(shp[a], k, s)
                     for i, (a, k, s) in enumerate(zip(axes, self.kernel_size, self.strides))]
            lead = dims[0] if dims[0] is not None else shp[0]
            out_shape = array_ops.stack([lead, self.filters] + parts if first else
                                        [lead] + parts + [self.filters])
        else:
            out_shape = [dims[0], self.filters] + static if first else \
                [dims[0]] + static + [self.filters]
        strides = [1, 1, *self.strides] if first else [1, *self.strides, 1]
        out = _nn_conv3d_transpose(inputs, self.kernel, out_shape, strides,
                                   padding=self.padding, data_format=_fmt(self))
        out.set_shape([dims[0], self.filters] + static if first else
                      [dims[0]] + static + [self.filters])
        return self._add_bias(out)


class SeparableConv1D(SeparableConv2D):
    """Depthwise-separable 1-D convolution layer (`tf.layers.SeparableConv1D`): a
    SeparableConv2D on a height-1 image, as TF1 builds it."""

    _base_name = "separable_conv1d"
    rank = 1

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str = "channels_last",
                 dilation_rate: Any = 1, depth_multiplier: int = 1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         depth_multiplier=depth_multiplier, **kwargs)

    def build(self, input_shape) -> None:
        c = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", [self.kernel_size[0], c, self.depth_multiplier],
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1, c * self.depth_multiplier, self.filters],
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._bias_weight()
        self.built = True

    def call(self, inputs: Tensor) -> Tensor:
        first = self.data_format == "channels_first"
        s = self.strides[0]
        strides = [1, 1, s, s] if first else [1, s, s, 1]  # TF1: strides * 2 around the axes
        spatial = 2 if first else 1
        x = array_ops.expand_dims(inputs, spatial)
        dw = array_ops.expand_dims(self.depthwise_kernel, 0)
        pw = array_ops.expand_dims(self.pointwise_kernel, 0)
        out = _nn_separable_conv2d(x, dw, pw, strides, self.padding,
                                   rate=[1, self.dilation_rate[0]],
                                   data_format="NCHW" if first else "NHWC")
        out = array_ops.squeeze(out, [spatial])
        return self._add_bias(out)


class _Pooling3D(_Pooling):
    _rank = 3
    _pool = staticmethod(max_pool3d)

    def call(self, inputs: Tensor) -> Tensor:
        fmt = _fmt(self)
        k = [1, 1, *self.pool_size] if fmt == "NCDHW" else [1, *self.pool_size, 1]
        s = [1, 1, *self.strides] if fmt == "NCDHW" else [1, *self.strides, 1]
        return type(self)._pool(inputs, k, s, self.padding, data_format=fmt)


class MaxPooling3D(_Pooling3D):
    """3-D max pooling layer (`tf.layers.MaxPooling3D`)."""

    _base_name = "max_pooling3d"
    _pool = staticmethod(max_pool3d)


class AveragePooling3D(_Pooling3D):
    """3-D average pooling layer (`tf.layers.AveragePooling3D`)."""

    _base_name = "average_pooling3d"
    _pool = staticmethod(avg_pool3d)


def _layer_call(cls, args: dict) -> Tensor:
    """`cls(**arguments)(inputs)` from a layer function's `locals()` (`reuse` -> `_reuse`)."""
    kw = dict(args)
    inputs = kw.pop("inputs")
    return cls(**_conv_kwargs(**kw))(inputs)


def conv3d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
           padding: str = "valid", data_format: str = "channels_last",
           dilation_rate: Any = (1, 1, 1), activation: Any = None, use_bias: bool = True,
           kernel_initializer: Any = None, bias_initializer: Any = None,
           kernel_regularizer: Optional[Callable] = None,
           bias_regularizer: Optional[Callable] = None,
           activity_regularizer: Optional[Callable] = None,
           kernel_constraint: Optional[Callable] = None,
           bias_constraint: Optional[Callable] = None, trainable: bool = True,
           name: Optional[str] = None, reuse: Any = None) -> Tensor:
    """3-D convolution layer (`tf.layers.conv3d`): variables "conv3d/kernel"
    [kd, kh, kw, in, filters] and "conv3d/bias"; arguments as `tf.layers.conv2d`."""
    return _layer_call(Conv3D, locals())


def conv3d_transpose(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                     padding: str = "valid", data_format: str = "channels_last",
                     activation: Any = None, use_bias: bool = True,
                     kernel_initializer: Any = None, bias_initializer: Any = None,
                     kernel_regularizer: Optional[Callable] = None,
                     bias_regularizer: Optional[Callable] = None,
                     activity_regularizer: Optional[Callable] = None,
                     kernel_constraint: Optional[Callable] = None,
                     bias_constraint: Optional[Callable] = None, trainable: bool = True,
                     name: Optional[str] = None, reuse: Any = None) -> Tensor:
    """Transposed 3-D convolution layer (`tf.layers.conv3d_transpose`): variables
    "conv3d_transpose/kernel" [kd, kh, kw, filters, in] and "conv3d_transpose/bias"."""
    return _layer_call(Conv3DTranspose, locals())


def separable_conv1d(inputs: Any, filters: int, kernel_size: Any, strides: Any = 1,
                     padding: str = "valid", data_format: str = "channels_last",
                     dilation_rate: Any = 1, depth_multiplier: int = 1, activation: Any = None,
                     use_bias: bool = True, depthwise_initializer: Any = None,
                     pointwise_initializer: Any = None, bias_initializer: Any = None,
                     depthwise_regularizer: Optional[Callable] = None,
                     pointwise_regularizer: Optional[Callable] = None,
                     bias_regularizer: Optional[Callable] = None,
                     activity_regularizer: Optional[Callable] = None,
                     depthwise_constraint: Optional[Callable] = None,
                     pointwise_constraint: Optional[Callable] = None,
                     bias_constraint: Optional[Callable] = None, trainable: bool = True,
                     name: Optional[str] = None, reuse: Any = None) -> Tensor:
    """Depthwise-separable 1-D convolution layer (`tf.layers.separable_conv1d`)."""
    return _layer_call(SeparableConv1D, locals())


def max_pooling3d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: Optional[str] = None) -> Tensor:
    """3-D max pooling layer (`tf.layers.max_pooling3d`)."""
    return MaxPooling3D(pool_size, strides, padding=padding, data_format=data_format,
                        name=name)(inputs)


def average_pooling3d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: Optional[str] = None) -> Tensor:
    """3-D average pooling layer (`tf.layers.average_pooling3d`)."""
    return AveragePooling3D(pool_size, strides, padding=padding, data_format=data_format,
                            name=name)(inputs)
