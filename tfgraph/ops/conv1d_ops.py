"""`tf.nn.conv1d`, `tf.nn.max_pool1d`, `tf.nn.avg_pool1d`: the 2-D kernels run on a
height-1 image (`expand_dims` -> Conv2D/MaxPool/AvgPool -> `squeeze`), as TF1 builds them, so
gradients and both backends come with the 2-D ops."""
from __future__ import annotations

from typing import Any, Optional

from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, name_scope
from . import array_ops
from .conv_ops import conv2d as _nn_conv2d
from .pool_ops import avg_pool as _avg_pool, max_pool as _max_pool


def conv1d(value: Any = None, filters: Any = None, stride: Any = 1, padding: str = "VALID",
           use_cudnn_on_gpu: Any = None, data_format: str = "NWC", name: Optional[str] = None,
           input: Any = None, dilations: Any = None) -> Tensor:  # noqa: A002
    """1-D convolution (`tf.nn.conv1d`): `value` [batch, width, in] (NWC) or [batch, in,
    width] (NCW), `filters` [k, in, out]; computed as a 2-D convolution of height 1.

    Raises:
      ValueError: For an unknown data_format.
    """
    value = input if value is None else value
    if data_format not in ("NWC", "NCW"):
        raise ValueError(f"data_format must be \"NWC\" or \"NCW\", got {data_format!r}")
    stride = stride[0] if isinstance(stride, (list, tuple)) and len(stride) == 1 else stride
    if isinstance(stride, (list, tuple)):
        stride = stride[1] if data_format == "NWC" else stride[2]
    dil = 1 if dilations is None else (dilations if isinstance(dilations, int) else
                                      dilations[-1 if data_format == "NCW" else 1])
    with name_scope(name, "conv1d", [value, filters]) as scope:
        value = convert_to_tensor(value, name="value")
        spatial = 1 if data_format == "NWC" else 2
        x = array_ops.expand_dims(value, spatial)
        f = array_ops.expand_dims(filters, 0)
        fmt = "NHWC" if data_format == "NWC" else "NCHW"
        strides = [1, 1, int(stride), 1] if fmt == "NHWC" else [1, 1, 1, int(stride)]
        dils = [1, 1, int(dil), 1] if fmt == "NHWC" else [1, 1, 1, int(dil)]
        y = _nn_conv2d(x, f, strides=strides, padding=padding, data_format=fmt, dilations=dils)
        return array_ops.squeeze(y, [spatial], name=scope)


def _pool1d(pool, value, ksize, strides, padding, data_format, name, default):
    if data_format not in ("NWC", "NCW"):
        raise ValueError(f"data_format must be \"NWC\" or \"NCW\", got {data_format!r}")

    def one(v):
        if isinstance(v, (list, tuple)):
            return int(v[1] if len(v) == 3 and data_format == "NWC" else
                       v[2] if len(v) == 3 else v[0])
        return int(v)
    with name_scope(name, default, [value]) as scope:
        value = convert_to_tensor(value, name="input")
        spatial = 1 if data_format == "NWC" else 2
        x = array_ops.expand_dims(value, spatial)
        fmt = "NHWC" if data_format == "NWC" else "NCHW"
        k, s = one(ksize), one(strides)
        ks = [1, 1, k, 1] if fmt == "NHWC" else [1, 1, 1, k]
        ss = [1, 1, s, 1] if fmt == "NHWC" else [1, 1, 1, s]
        y = pool(x, ksize=ks, strides=ss, padding=padding, data_format=fmt)
        return array_ops.squeeze(y, [spatial], name=scope)


def max_pool1d(input: Any, ksize: Any, strides: Any, padding: str,  # noqa: A002
               data_format: str = "NWC", name: Optional[str] = None) -> Tensor:
    """1-D max pooling (`tf.nn.max_pool1d`) of [batch, width, channels] inputs."""
    return _pool1d(_max_pool, input, ksize, strides, padding, data_format, name, "MaxPool1d")


def avg_pool1d(input: Any, ksize: Any, strides: Any, padding: str,  # noqa: A002
               data_format: str = "NWC", name: Optional[str] = None) -> Tensor:
    """1-D average pooling (`tf.nn.avg_pool1d`) of [batch, width, channels] inputs."""
    return _pool1d(_avg_pool, input, ksize, strides, padding, data_format, name, "AvgPool1D")


__all__ = ["avg_pool1d", "conv1d", "max_pool1d"]
