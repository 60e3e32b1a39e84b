"""`tf.SparseTensor` and `tf.SparseTensorValue`: a sparse value as three dense tensors.

Minimal version for the ops that produce sparse results (`VarLenFeature` parsing): the class
holds `indices` (int64 [N, rank]), `values` ([N]) and `dense_shape` (int64 [rank]); fetching
it from a session returns a `SparseTensorValue`. Sparse math (sparse_tensor_dense_matmul,
sparse_reduce_sum, ...) is built on top of this class elsewhere.
"""
from __future__ import annotations

import collections
from typing import Any

from .graph import Tensor
from .tensor_shape import TensorShape

SparseTensorValue = collections.namedtuple("SparseTensorValue", ["indices", "values", "dense_shape"])


class SparseTensor:
    """A sparse tensor: `values[i]` sits at `indices[i]` in a tensor of shape `dense_shape`.

    Args:
      indices: int64 tensor [N, rank] (row-major order expected by most ops).
      values: tensor [N] of any dtype.
      dense_shape: int64 tensor [rank].
    """

    def __init__(self, indices: Any, values: Any, dense_shape: Any):
        from .constant import convert_to_tensor, name_scope
        from . import dtypes
        # TF1 converts the components inside a "SparseTensor" name scope (constants are
        # named "SparseTensor/indices", ...; existing tensors are used as they are).
        with name_scope(None, "SparseTensor", [indices, values, dense_shape]):
            self._indices = convert_to_tensor(indices, dtype=dtypes.int64, name="indices")
            self._values = convert_to_tensor(values, name="values")
            self._dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int64,
                                                  name="dense_shape")

    @classmethod
    def from_value(cls, value: Any) -> "SparseTensor":
        if isinstance(value, SparseTensor):
            return value
        return cls(value.indices, value.values, value.dense_shape)

    @property
    def indices(self) -> Tensor:
        return self._indices

    @property
    def values(self) -> Tensor:
        return self._values

    @property
    def dense_shape(self) -> Tensor:
        return self._dense_shape

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def op(self):
        return self._values.op

    @property
    def graph(self):
        return self._values.graph

    @property
    def shape(self) -> TensorShape:
        """The static dense shape (known dimensions where `dense_shape` is a constant)."""
        from .tensor_shape import unknown_shape
        rank = self._indices.shape[1] if self._indices.shape.ndims == 2 else None
        rank = getattr(rank, "value", rank)
        const = getattr(self._dense_shape.op, "attrs", {}).get("value") \
            if self._dense_shape.op.type == "Const" else None
        if const is not None:
            return TensorShape([int(d) for d in const])
        return unknown_shape(rank) if rank is not None else unknown_shape()

    def get_shape(self) -> TensorShape:
        return self.shape

    def eval(self, feed_dict=None, session=None):
        from ..session import _eval_in_session
        return _eval_in_session(self, feed_dict, session)

    def _fetch_components(self):
        """How `Session.run` fetches it: a `SparseTensorValue` of the three tensors."""
        return SparseTensorValue, [self._indices, self._values, self._dense_shape]

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self._indices!r}, values={self._values!r}, "
                f"dense_shape={self._dense_shape!r})")


__all__ = ["SparseTensor", "SparseTensorValue"]
