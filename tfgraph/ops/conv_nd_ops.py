"""Rank-generic `tf.nn` builders over the 1-, 2- and 3-D convolution and pooling ops:
`convolution`, `conv_transpose`, `conv1d_transpose`, `atrous_conv2d_transpose`, `pool` and
`with_space_to_batch`.  No new op types: each dispatches to Conv2D/Conv3D/MaxPool/... (1-D
forms through a height-1 image, as TF1 builds them).

`with_space_to_batch` is TF1's "atrous via space-to-batch" construction: pad the spatial axes
(SAME adds the dilated filter's padding), fold each `rate`-strided phase of the input into the
batch (SpaceToBatchND), run the op with VALID padding, unfold and crop (BatchToSpaceND).
`convolution` with dilations > 1 passes them to the convolution op
directly (TF1 goes through space-to-batch; the result is the same).
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

import numpy as np

from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.tensor_shape import TensorShape
from . import array_ops
from .conv1d_ops import conv1d
from .conv3d_ops import avg_pool3d, conv3d, conv3d_transpose, max_pool3d
from .conv_ops import (_sizes_tensor, _static_dims, conv2d, conv2d_backprop_input,
                       conv2d_transpose, get_sequence, transpose_output_sizes)
from .pool_ops import avg_pool, max_pool
from .space_batch_ops import batch_to_space_nd, space_to_batch_nd


def _const_ints(v: Any, name: str) -> Optional[np.ndarray]:
    """`v` as a 1-D int array when known at build time, else None."""
    if isinstance(v, Tensor):
        got = _static_dims(v)
        return None if got is None or None in got else np.asarray(got, dtype=np.int64)
    if isinstance(v, TensorShape):
        v = v.as_list()
    return np.asarray(v, dtype=np.int64).reshape(-1)


def _strides_and_rates(n: int, strides: Any, dilation_rate: Any):
    """TF1's `_get_strides_and_dilation_rate`.

    Raises:
      ValueError: For a wrong length, a value < 1, or strides > 1 together with rates > 1.
    """
    if dilation_rate is None:
        dilation_rate = [1] * n
    elif len(dilation_rate) != n:
        raise ValueError(f"len(dilation_rate)={len(dilation_rate)} but should be {n}")
    rate = np.asarray(dilation_rate, dtype=np.int64)
    if np.any(rate < 1):
        raise ValueError("all values of dilation_rate must be positive")
    if strides is None:
        strides = [1] * n
    elif len(strides) != n:
        raise ValueError(f"len(strides)={len(strides)} but should be {n}")
    st = np.asarray(strides, dtype=np.int64)
    if np.any(st < 1):
        raise ValueError("all values of strides must be positive")
    if np.any(st > 1) and np.any(rate > 1):
        raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
    return st, rate


# --- with_space_to_batch ---------------------------------------------------------------------
def _adjust(values: Sequence[Any], fill: Any, spatial_dims: Sequence[int]) -> List[Any]:
    """TF1's `_with_space_to_batch_adjust`: entries for dims 1..spatial_dims[-1], `fill`
    where a dim is not spatial."""
    pos = {d: i for i, d in enumerate(spatial_dims)}
    return [values[pos[d]] if d in pos else fill for d in range(1, spatial_dims[-1] + 1)]


def with_space_to_batch(input: Any, dilation_rate: Any, padding: str,  # noqa: A002
                        op: Callable[..., Tensor], filter_shape: Any = None,
                        spatial_dims: Any = None, data_format: Optional[str] = None) -> Tensor:
    """Runs `op(converted_input, num_spatial_dims, padding)` on a space-to-batch rearranged
    input so a stride-1 VALID op acts as its `dilation_rate`-dilated version
    (`tf.nn.with_space_to_batch`).

    Args:
      input: Tensor of rank at least the largest spatial dim + 1.
      dilation_rate: 1-D list (known at build time) of the rate of each spatial dim.
      padding: "SAME" or "VALID" (SAME needs `filter_shape`).
      op: Callable `(input, num_spatial_dims, padding) -> Tensor`, called with "VALID" when
        any rate > 1.
      filter_shape: The filter's spatial shape (first entries used), for SAME padding.
      spatial_dims: Increasing positive dims (default 1..M, or 2..M+1 for "NC*" formats).
      data_format: Optional string; "NC*" moves the default spatial dims by one.

    Returns:
      The op's result, rearranged back.

    Raises:
      ValueError: For bad rates, spatial_dims, padding or a missing filter_shape.
      NotImplementedError: For a dilation rate that is not known at build time.
    """
    with name_scope(None, "with_space_to_batch", [input]):
        input = convert_to_tensor(input, name="input")
    rate = _const_ints(dilation_rate, "dilation_rate")
    if rate is None:
        raise NotImplementedError("with_space_to_batch: dilation_rate must be known at build "
                                  "time in tfgraph")
    m = int(rate.shape[0])
    start = 2 if data_format is not None and data_format.startswith("NC") else 1
    dims = list(range(start, m + start)) if spatial_dims is None else [int(d) for d in
                                                                         spatial_dims]
    if dims != sorted(set(dims)) or any(d < 1 for d in dims):
        raise ValueError("spatial_dims must be a monotonically increasing sequence of positive "
                         "integers")
    expected = dims[-1] if start == 2 else dims[-1] + 1
    if input.shape.ndims is not None and input.shape.ndims < expected:
        raise ValueError(f"input tensor must have rank {expected} at least")
    if np.any(rate < 1):
        raise ValueError("dilation_rate must be positive")
    if np.all(rate == 1):
        return op(input, m, padding)
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("filter_shape must be specified for SAME padding")
        fs = _const_ints(filter_shape, "filter_shape")
        if fs is None:
            raise NotImplementedError("with_space_to_batch: filter_shape must be known at "
                                      "build time in tfgraph")
        extra = (fs[:m] - 1) * rate
        base = np.stack([extra // 2, extra - extra // 2], axis=1)
    elif padding == "VALID":
        base = np.zeros([m, 2], np.int64)
    else:
        raise ValueError(f"Invalid padding method {padding!r}")
    if input.shape.ndims is None:
        raise ValueError("with_space_to_batch: the input's rank must be known")
    static = input.shape.as_list()
    spatial = [static[d] for d in dims]
    if None in spatial:
        raise NotImplementedError("with_space_to_batch: the spatial dimensions of the input "
                                  "must be known at build time in tfgraph")
    # TF1's required_space_to_batch_paddings: pad the end up to a multiple of the rate
    full = np.asarray(spatial) + base[:, 0] + base[:, 1]
    extra_end = (rate - full % rate) % rate
    paddings = np.stack([base[:, 0], base[:, 1] + extra_end], axis=1)
    crops = np.stack([np.zeros(m, np.int64), extra_end], axis=1)
    block = _adjust(list(rate), 1, dims)
    paddings = _adjust(list(paddings), np.zeros(2, np.int64), dims)
    crops = _adjust(list(crops), np.zeros(2, np.int64), dims)
    converted = space_to_batch_nd(input, np.asarray(block, np.int32),
                                  np.asarray(paddings, np.int32).reshape(-1, 2))
    result = op(converted, m, "VALID")
    return batch_to_space_nd(result, np.asarray(block, np.int32),
                             np.asarray(crops, np.int32).reshape(-1, 2))


# --- convolution ---------------------------------------------------------------------------------
def _rank_of(filters: Tensor, input: Tensor) -> int:  # noqa: A002
    if filters.shape.ndims is not None:
        return filters.shape.ndims - 2
    if input.shape.ndims is not None:
        return input.shape.ndims - 2
    raise ValueError("rank of input or filter must be known")


def convolution(input: Any, filter: Any = None, padding: Any = None,  # noqa: A002
                strides: Any = None, dilation_rate: Any = None, name: Optional[str] = None,
                data_format: Optional[str] = None, filters: Any = None,
                dilations: Any = None) -> Tensor:
    """N-D convolution, N = 1, 2 or 3 from the filter's rank (`tf.nn.convolution`).

    Args:
      input: An (N+2)-D tensor, channels last unless `data_format` starts with "NC".
      filter: An (N+2)-D tensor [spatial..., in_channels, out_channels].
      padding: "SAME" or "VALID".
      strides: Optional list of N ints (default 1).
      dilation_rate: Optional list of N ints (default 1); with strides > 1 not allowed.
      name: Name scope (default "convolution").
      data_format: "NWC"/"NCW", "NHWC"/"NCHW" or "NDHWC"/"NCDHW" (default channels last).
      filters, dilations: Aliases of `filter` and `dilation_rate`.

    Raises:
      ValueError: For an unsupported rank, bad strides/dilations or mismatched channels.
    """
    filter = filters if filter is None else filter
    dilation_rate = dilations if dilation_rate is None else dilation_rate
    with name_scope(name, "convolution", [input, filter]) as scope:
        input = convert_to_tensor(input, name="input")
        filter = convert_to_tensor(filter, dtype=input.dtype, name="filter")
        n = _rank_of(filter, input)
        if not 1 <= n <= 3:
            raise ValueError(f"Input tensor must be of rank 3, 4 or 5 but was {n + 2}.")
        if input.shape.ndims is not None and input.shape.ndims != n + 2:
            raise ValueError(f"input and filter must have the same rank; input has rank "
                             f"{input.shape.ndims}, filter {n + 2}")
        first = data_format is not None and data_format.startswith("NC")
        ci = 1 if first else n + 1
        strides = get_sequence(strides, n, ci, "strides")
        rates = get_sequence(dilation_rate, n, ci, "dilations")
        sp = slice(2, None) if first else slice(1, -1)
        _strides_and_rates(n, strides[sp], rates[sp])
        if n == 1:
            fmt = data_format or "NWC"
            return conv1d(input, filter, stride=strides[sp][0], padding=padding,
                          data_format=fmt, dilations=rates[sp][0], name=scope)
        if n == 2:
            return conv2d(input, filter, strides, padding, data_format=data_format or "NHWC",
                          dilations=rates, name=scope)
        return conv3d(input, filter, strides, padding, data_format=data_format or "NDHWC",
                      dilations=rates, name=scope)


def conv1d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,  # noqa: A002
                     padding: str = "SAME", data_format: str = "NWC", dilations: Any = None,
                     name: Optional[str] = None) -> Tensor:
    """The transpose of `conv1d` (`tf.nn.conv1d_transpose`): a Conv2DBackpropInput on a
    height-1 image.

    Args:
      input: A 3-D tensor [batch, width, in_channels] (NWC) or NCW.
      filters: A 3-D tensor [width, output_channels, in_channels].
      output_shape: 1-D tensor or list of 3 ints: the result's shape.
      strides: An int or a list of 1 or 3 ints.
      padding: "SAME" or "VALID".
      data_format: "NWC" (default) or "NCW".
      dilations: An int or a list of 1 or 3 ints.
      name: Name scope (default "conv1d_transpose").

    Raises:
      ValueError: For an unknown data_format or mismatched channels.
    """
    with name_scope(name, "conv1d_transpose", [input, filters, output_shape]) as scope:
        if data_format not in ("NWC", "NCW", None):
            raise ValueError(f"data_format must be \"NWC\" or \"NCW\", got {data_format!r}")
        first = data_format == "NCW"
        spatial = 2 if first else 1
        ci = 1 if first else 2
        s = get_sequence(strides, 1, ci, "stride")
        d = get_sequence(dilations, 1, ci, "dilations")
        s = s[:spatial] + [1] + s[spatial:]
        d = d[:spatial] + [1] + d[spatial:]
        input = convert_to_tensor(input, name="input")
        filters = convert_to_tensor(filters, dtype=input.dtype, name="filters")
        out = transpose_output_sizes(input, filters, output_shape, 3, ci, check_output=False)
        out4 = array_ops.concat([out[:spatial], [1], out[spatial:]], axis=0)
        x = array_ops.expand_dims(input, spatial)
        f = array_ops.expand_dims(filters, 0)
        y = conv2d_backprop_input(out4, f, x, strides=s, padding=padding,
                                  data_format="NCHW" if first else "NHWC", dilations=d)
        return array_ops.squeeze(y, [spatial], name=scope)


def conv_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,  # noqa: A002
                   padding: str = "SAME", data_format: Optional[str] = None,
                   dilations: Any = None, name: Optional[str] = None) -> Tensor:
    """Transposed convolution of rank 1, 2 or 3 from `len(output_shape) - 2`
    (`tf.nn.conv_transpose`).

    Raises:
      ValueError: If `output_shape` has no length, or a length other than 3, 4 or 5.
    """
    with name_scope(name, "conv_transpose", [input, filters, output_shape]) as scope:
        if isinstance(output_shape, Tensor):
            n = output_shape.shape.as_list()[0]
            if n is None:
                raise ValueError("output_shape must have a known length")
            n -= 2
        elif hasattr(output_shape, "__len__"):
            n = len(output_shape) - 2
        else:
            raise ValueError("output_shape must be a tensor or sized collection.")
        if not 1 <= n <= 3:
            raise ValueError(f"output_shape must be of length 3, 4 or 5 but was {n + 2}.")
        if n == 1:
            return conv1d_transpose(input, filters, output_shape, strides, padding=padding,
                                    data_format=data_format or "NWC", dilations=dilations,
                                    name=scope)
        if n == 2:
            return conv2d_transpose(input, filters, output_shape, strides, padding=padding,
                                    data_format=data_format or "NHWC", dilations=dilations,
                                    name=scope)
        return conv3d_transpose(input, filters, output_shape, strides, padding=padding,
                                data_format=data_format or "NDHWC", dilations=dilations,
                                name=scope)


def atrous_conv2d_transpose(value: Any, filters: Any, output_shape: Any, rate: int,
                            padding: str, name: Optional[str] = None) -> Tensor:
    """The transpose of `atrous_conv2d` (`tf.nn.atrous_conv2d_transpose`): a
    Conv2DBackpropInput with dilations `rate` and stride 1.

    Args:
      value: A 4-D NHWC tensor [batch, height, width, in_channels].
      filters: A 4-D tensor [height, width, out_channels, in_channels].
      output_shape: 1-D tensor or list of 4 ints.
      rate: A positive int.
      padding: "SAME" or "VALID".
      name: Name scope (default "atrous_conv2d_transpose").

    Raises:
      ValueError: For rate < 1, another padding, or mismatched channels / output_shape.
    """
    with name_scope(name, "atrous_conv2d_transpose", [value, filters, output_shape]) as scope:
        value = convert_to_tensor(value, name="value")
        filters = convert_to_tensor(filters, dtype=value.dtype, name="filters")
        vs = value.shape.with_rank(4).as_list()
        fs = filters.shape.with_rank(4).as_list()
        if fs[3] is not None and vs[3] is not None and fs[3] != vs[3]:
            raise ValueError(f"value's input channels does not match filters' input channels, "
                             f"{vs[3]} != {fs[3]}")
        if int(rate) < 1:
            raise ValueError(f"rate {rate} cannot be less than one")
        if padding not in ("SAME", "VALID"):
            raise ValueError(f"padding must be either VALID or SAME: {padding}")
        out = _sizes_tensor(output_shape, "output_shape")
        if out.shape.ndims is not None and out.shape.as_list() not in ([4], [None]):
            raise ValueError(f"output_shape must have shape (4,), got {out.shape}")
        known = _static_dims(out)
        if known is not None and known[3] is not None and fs[2] is not None \
                and known[3] != fs[2]:
            raise ValueError(f"output_shape does not match filter's output channels, "
                             f"{known[3]} != {fs[2]}")
        return conv2d_backprop_input(out, filters, value, strides=1, padding=padding,
                                     dilations=int(rate), name=scope)


# --- pool ------------------------------------------------------------------------------------------
def pool(input: Any, window_shape: Sequence[int], pooling_type: str,  # noqa: A002
         padding: str, dilation_rate: Any = None, strides: Any = None,
         name: Optional[str] = None, data_format: Optional[str] = None,
         dilations: Any = None) -> Tensor:
    """N-D max or average pooling, N = 1, 2 or 3 (`tf.nn.pool`); dilated windows go through
    `with_space_to_batch` as in TF1.

    Args:
      input: An (N+2)-D tensor.
      window_shape: N ints.
      pooling_type: "MAX" or "AVG".
      padding: "SAME" or "VALID" (SAME not with dilation_rate > 1).
      dilation_rate, strides: Optional lists of N ints (not both > 1).
      name: Name scope (default "max_pool"/"avg_pool").
      data_format: Channels last by default; "NCW"/"NCHW"/"NCDHW" for channels first.
      dilations: Alias of `dilation_rate`.

    Raises:
      ValueError: For an unsupported rank or type, bad strides/rates, SAME with dilation, or
        strides larger than the window.
    """
    dilation_rate = dilations if dilation_rate is None else dilation_rate
    with name_scope(name, f"{pooling_type.lower()}_pool", [input]) as scope:
        input = convert_to_tensor(input, name="input")
        n = len(window_shape)
        if n < 1 or n > 3:
            raise ValueError("It is required that 1 <= num_spatial_dims <= 3.")
        input.shape.with_rank(n + 2)
        st, rate = _strides_and_rates(n, strides, dilation_rate)
        if padding == "SAME" and np.any(rate > 1):
            raise ValueError("pooling with SAME padding is not implemented for dilation_rate > 1")
        if np.any(st > np.asarray(window_shape)):
            raise ValueError("strides > window_shape not supported due to inconsistency between "
                             "CPU and GPU implementations")
        if pooling_type not in ("MAX", "AVG"):
            raise ValueError(f"{n}-D {pooling_type} pooling is not supported.")
        first = data_format is not None and data_format.startswith("NC")
        win = [int(w) for w in window_shape]
        if first:
            aw, ast, spatial_dims = [1, 1] + win, [1, 1] + list(st), list(range(2, n + 2))
        else:
            aw, ast, spatial_dims = [1] + win + [1], [1] + list(st) + [1], list(range(1, n + 1))
        if n == 1:
            if data_format in (None, "NWC"):
                fmt = "NHWC"
            elif data_format == "NCW":
                fmt = "NCHW"
            else:
                raise ValueError("data_format must be either \"NWC\" or \"NCW\".")
            aw, ast = [1] + aw, [1] + ast
        else:
            fmt = data_format
        ops2 = {"MAX": max_pool, "AVG": avg_pool}
        ops3 = {"MAX": max_pool3d, "AVG": avg_pool3d}

        def op(x, _, pad):
            if n == 1:
                x = array_ops.expand_dims(x, spatial_dims[0])
            if n == 3:
                y = ops3[pooling_type](x, aw, ast, pad, data_format=fmt or "NDHWC", name=scope)
            else:
                y = ops2[pooling_type](x, aw, ast, pad, data_format=fmt or "NHWC", name=scope)
            if n == 1:
                y = array_ops.squeeze(y, [spatial_dims[0]])
            return y
        return with_space_to_batch(input, list(rate), padding, op, spatial_dims=spatial_dims,
                                   filter_shape=win)


__all__: List[str] = []
