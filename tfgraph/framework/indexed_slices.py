"""`tf.IndexedSlices` and `tf.IndexedSlicesValue`: rows of a tensor, as TF1's sparse gradients.

An `IndexedSlices` stands for the dense tensor whose rows `indices[i]` are `values[i]` (rows
not named are zero; a repeated index sums its rows) and whose shape is `dense_shape`. It is
what the gradient of `tf.gather` (axis 0) / `tf.nn.embedding_lookup` is, so an optimizer can
update only the gathered rows of an embedding (`SparseApply*`, `ScatterSub`).

The class is framework-level (it knows no op type); `ops/array_ops.py` registers its
conversion to a dense tensor (`UnsortedSegmentSum`, as TF1's `_indexed_slices_to_tensor`),
so any op given an `IndexedSlices` densifies it.
"""
from __future__ import annotations

import collections
from typing import Any, Optional

from .graph import Tensor, _eval_in_session
from .tensor_shape import TensorShape
from .tensor_util import static_int_vector

IndexedSlicesValue = collections.namedtuple("IndexedSlicesValue",
                                            ["values", "indices", "dense_shape"])
IndexedSlicesValue.__doc__ = ("What `Session.run` returns for an `IndexedSlices`: NumPy "
                              "`values`, `indices` and `dense_shape` (None when not given).")


class _IndexedSlicesValueNoShape(IndexedSlicesValue):
    """Builds an `IndexedSlicesValue` with `dense_shape=None` from the two fetched parts."""

    __slots__ = ()

    def __new__(cls, values, indices):
        return IndexedSlicesValue(values, indices, None)


class IndexedSlices:
    """A sparse representation of a set of tensor slices at given indices (`tf.IndexedSlices`).

    Args:
      values: A `Tensor` of any dtype with shape `[D0, D1, ..., Dn]`.
      indices: A 1-D integer `Tensor` with shape `[D0]`.
      dense_shape: A 1-D int `Tensor` with the shape of the dense tensor, or None.
    """

    def __init__(self, values: Tensor, indices: Tensor, dense_shape: Optional[Tensor] = None):
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    @property
    def values(self) -> Tensor:
        """A `Tensor` containing the values of the slices."""
        return self._values

    @property
    def indices(self) -> Tensor:
        """A 1-D `Tensor` containing the indices of the slices."""
        return self._indices

    @property
    def dense_shape(self) -> Optional[Tensor]:
        """A 1-D `Tensor` containing the shape of the corresponding dense tensor."""
        return self._dense_shape

    @property
    def shape(self) -> TensorShape:
        """The static shape of the dense tensor (as known from `dense_shape` at build time)."""
        if self._dense_shape is None:
            return TensorShape(None)
        t = self._dense_shape
        dims = static_int_vector(t)
        if dims is None and t.op.type == "Cast":  # the gather gradient's Cast(Shape(params))
            dims = static_int_vector(t.op.inputs[0])
        if dims is not None:
            return TensorShape(dims)
        n = t.shape.as_list()[0] if t.shape.ndims == 1 else None
        return TensorShape(None if n is None else [None] * n)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def name(self) -> str:
        """The name of this `IndexedSlices` (that of its values)."""
        return self._values.name

    @property
    def device(self) -> str:
        """The name of the device on which `values` will be produced, or ""."""
        return self._values.device

    @property
    def op(self):
        """The `Operation` that produces `values` as an output."""
        return self._values.op

    @property
    def dtype(self):
        """The `DType` of elements in this tensor."""
        return self._values.dtype

    @property
    def graph(self):
        """The `Graph` that contains the values, indices, and shape tensors."""
        return self._values.graph

    def consumers(self):
        return self._values.consumers() + self._indices.consumers()

    def _fetch_components(self):
        """How `Session.run` fetches it: an `IndexedSlicesValue` of its tensors."""
        if self._dense_shape is None:
            return _IndexedSlicesValueNoShape, [self._values, self._indices]
        return IndexedSlicesValue, [self._values, self._indices, self._dense_shape]

    def eval(self, feed_dict: Any = None, session: Any = None) -> IndexedSlicesValue:
        return _eval_in_session(self, feed_dict, session)

    def __neg__(self) -> "IndexedSlices":
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __str__(self) -> str:
        shape = f", dense_shape={self._dense_shape}" if self._dense_shape is not None else ""
        return f"IndexedSlices(indices={self._indices}, values={self._values}{shape})"

    __repr__ = __str__


__all__ = ["IndexedSlices", "IndexedSlicesValue"]
