"""`tf.dynamic_stitch` (DynamicStitch, ParallelDynamicStitch): interleaves the values of
several tensors into one by index; TF1's reduction gradients (`tf.reduce_sum(x, axis)` with a
run-time axis) build it, so graphs TensorFlow wrote contain it."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..framework.registry import OpDef, register_op, spec
from ..framework.tensor_util import constant_value
from ..framework.tensor_shape import TensorShape, unknown_shape
from .array_ops import gather


@register_op("DynamicStitch")
class DynamicStitch(OpDef):
    """`merged[indices[m][i, ...]] = data[m][i, ...]` (a later index wins)."""

    def infer(self, *args, N=None, T=None):
        if len(args) % 2:
            raise ValueError("DynamicStitch takes as many data tensors as index tensors")
        n = len(args) // 2
        indices, data = args[:n], args[n:]
        for i in indices:
            if i.dtype != dtypes.int32:
                raise TypeError(f"DynamicStitch indices must be int32, got {i.dtype.name}")
        dt = data[0].dtype
        rest = None
        for i, d in zip(indices, data):
            if d.dtype != dt:
                raise TypeError(f"DynamicStitch data must have one dtype: {dt.name} and "
                                f"{d.dtype.name} ({d.name})")
            if i.shape.ndims is not None and d.shape.ndims is not None:
                r = TensorShape(d.shape.as_tuple()[i.shape.ndims:])
                rest = r if rest is None else rest.merge_with(r)
        size = None
        consts = [constant_value(i) for i in indices]
        if all(c is not None for c in consts):
            size = max((int(np.max(c)) + 1 for c in consts if np.size(c)), default=0)
        return spec(dt, TensorShape([size]).concatenate(rest) if rest is not None
                    else unknown_shape())

    def kernel(self, be, op, ctx):
        xp = be.xp
        n = len(op._inputs) // 2
        dt = op._outputs[0].dtype.np_dtype

        def stitch(*args):
            idx = [np.asarray(a if be.is_host else be.to_host(a)) for a in args[:n]]
            data = args[n:]
            size = max((int(i.max()) + 1 for i in idx if i.size), default=0)
            rest = tuple(data[0].shape[idx[0].ndim:])
            out = xp.zeros((size,) + rest, dt)
            for i, d in zip(idx, data):
                if tuple(d.shape[:i.ndim]) != i.shape:
                    raise errors.InvalidArgumentError(
                        None, op, f"data.shape {list(d.shape)} does not start with "
                                  f"indices.shape {list(i.shape)}\n\t [[node {op.name}]]")
                if i.size:
                    out[i.reshape(-1)] = d.reshape((-1,) + rest)
            return out
        return stitch

    def gradient(self, op, grad):
        n = len(op._inputs) // 2
        return [None] * n + [gather(grad, op._inputs[i]) for i in range(n)]


@register_op("ParallelDynamicStitch")
class ParallelDynamicStitch(DynamicStitch):
    pass


def dynamic_stitch(indices: Sequence[Any], data: Sequence[Any],
                   name: Optional[str] = None) -> Tensor:
    """Interleaves `data` by `indices` (`tf.dynamic_stitch`).

    Raises:
      ValueError/TypeError: If the lists differ in length, indices are not int32, or data
        dtypes differ.
    """
    if len(indices) != len(data):
        raise ValueError(f"dynamic_stitch: {len(indices)} index tensors but {len(data)} data "
                         f"tensors")
    ins = [convert_to_tensor(i, dtype=dtypes.int32) for i in indices] + \
        [convert_to_tensor(d) for d in data]
    return get_default_graph().create_op("DynamicStitch", ins, {"N": len(indices)},
                                         name=name or "DynamicStitch")._outputs[0]


__all__ = ["dynamic_stitch"]
