"""Top-level raw convolution names of TF1's `tf` namespace: `tf.conv` (the generic N-D `Conv`
raw op, dispatched to Conv2D/Conv3D/conv1d by rank) and `tf.conv2d_backprop_filter_v2` /
`tf.conv2d_backprop_input_v2` (the backprops given the filter or input tensor instead of its
shape; TF itself registers no CPU kernel for them, here they run as Conv2DBackpropFilter /
Conv2DBackpropInput of that tensor's shape)."""
from __future__ import annotations

from typing import Any, List, Optional

from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from . import array_ops
from .conv1d_ops import conv1d
from .conv3d_ops import conv3d
from .conv_ops import conv2d, conv2d_backprop_filter, conv2d_backprop_input


def _explicit_pairs(explicit_paddings: Any) -> Any:
    ex = [int(p) for p in explicit_paddings]
    return [ex[i:i + 2] for i in range(0, len(ex), 2)]


def conv(input: Any, filter: Any, strides: Any, padding: str,  # noqa: A002
         explicit_paddings: Any = (), data_format: str = "CHANNELS_LAST", dilations: Any = (),
         batch_dims: int = 1, groups: int = 1, name: Optional[str] = None) -> Tensor:
    """N-D convolution, N = 1, 2 or 3 from the filter's rank (`tf.conv`, raw op `Conv`).

    Args:
      input: An (N+2)-D tensor.
      filter: An (N+2)-D tensor [spatial..., in_channels, out_channels].
      strides: N+2 ints (1 in the batch and channel axes).
      padding: "SAME", "VALID" or "EXPLICIT" (2-D only, with `explicit_paddings`).
      explicit_paddings: 2 * (N+2) ints for "EXPLICIT".
      data_format: "CHANNELS_LAST" (default) or "CHANNELS_FIRST".
      dilations: N+2 ints (default 1).
      batch_dims: Only 1.
      groups: Only 1.
      name: Op name.

    Raises:
      ValueError: For another rank, data_format, batch_dims or groups.
    """
    if int(batch_dims) != 1 or int(groups) != 1:
        raise ValueError(f"tf.conv: only batch_dims=1 and groups=1 are offered by tfgraph, got "
                         f"batch_dims={batch_dims}, groups={groups}")
    if data_format not in ("CHANNELS_LAST", "CHANNELS_FIRST"):
        raise ValueError(f"Value for attr 'data_format' of {data_format!r} is not in the list of "
                         f"allowed values: \"CHANNELS_FIRST\", \"CHANNELS_LAST\"")
    first = data_format == "CHANNELS_FIRST"
    filter = convert_to_tensor(filter, name="filter")
    if filter.shape.ndims is None or not 3 <= filter.shape.ndims <= 5:
        raise ValueError(f"tf.conv: the filter must have rank 3, 4 or 5, got {filter.shape}")
    n = filter.shape.ndims - 2
    strides = [int(s) for s in strides]
    dilations = [int(d) for d in dilations] or [1] * (n + 2)
    if padding == "EXPLICIT":
        if n != 2:
            raise ValueError("tf.conv: EXPLICIT padding is offered for 2-D convolutions only")
        padding = _explicit_pairs(explicit_paddings)
    if n == 1:
        ax = 2 if first else 1
        return conv1d(input, filter, stride=strides[ax], padding=padding,
                      data_format="NCW" if first else "NWC", dilations=dilations[ax], name=name)
    if n == 2:
        return conv2d(input, filter, strides, padding, data_format="NCHW" if first else "NHWC",
                      dilations=dilations, name=name or "Conv")
    return conv3d(input, filter, strides, padding, data_format="NCDHW" if first else "NDHWC",
                  dilations=dilations, name=name or "Conv")


def _padding_arg(padding: str, explicit_paddings: Any) -> Any:
    return _explicit_pairs(explicit_paddings) if padding == "EXPLICIT" else padding


def conv2d_backprop_filter_v2(input: Any, filter: Any, out_backprop: Any,  # noqa: A002
                              strides: Any, padding: str, use_cudnn_on_gpu: bool = True,
                              explicit_paddings: Any = (), data_format: str = "NHWC",
                              dilations: Any = (1, 1, 1, 1),
                              name: Optional[str] = None) -> Tensor:
    """The gradient of conv2d w.r.t. a filter shaped like `filter`
    (`tf.conv2d_backprop_filter_v2`); other arguments as `tf.nn.conv2d_backprop_filter`."""
    with name_scope(name, "Conv2DBackpropFilterV2", [input, filter, out_backprop]) as scope:
        filter = convert_to_tensor(filter, name="filter")
        return conv2d_backprop_filter(input, array_ops.shape(filter), out_backprop, strides,
                                      _padding_arg(padding, explicit_paddings),
                                      use_cudnn_on_gpu, data_format, dilations, name=scope)


def conv2d_backprop_input_v2(input: Any, filter: Any, out_backprop: Any,  # noqa: A002
                             strides: Any, padding: str, use_cudnn_on_gpu: bool = True,
                             explicit_paddings: Any = (), data_format: str = "NHWC",
                             dilations: Any = (1, 1, 1, 1),
                             name: Optional[str] = None) -> Tensor:
    """The gradient of conv2d w.r.t. an input shaped like `input`
    (`tf.conv2d_backprop_input_v2`); other arguments as `tf.nn.conv2d_backprop_input`."""
    with name_scope(name, "Conv2DBackpropInputV2", [input, filter, out_backprop]) as scope:
        input = convert_to_tensor(input, name="input")
        return conv2d_backprop_input(array_ops.shape(input), filter, out_backprop, strides,
                                     _padding_arg(padding, explicit_paddings),
                                     use_cudnn_on_gpu, data_format, dilations, name=scope)


__all__: List[str] = ["conv", "conv2d_backprop_filter_v2", "conv2d_backprop_input_v2"]
