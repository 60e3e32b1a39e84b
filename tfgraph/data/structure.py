"""Element structures of `tf.data`: nests of tuples and dicts whose leaves are tensors.

As in TF1's tf.data, a tuple (or namedtuple) and a dict are structure (dict keys in sorted
order when flattened); a list is a *value* (`from_tensor_slices([1, 2, 3])` has one component),
except that a function returning a list is read as returning a tuple. At run time an element
is a flat list of NumPy arrays, one per leaf.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, List

import numpy as np

from ..framework import dtypes
from ..framework.tensor_shape import TensorShape, as_shape, unknown_shape


def is_structure(x: Any) -> bool:
    return isinstance(x, (tuple, dict))


def flatten(x: Any) -> List[Any]:
    """The leaves of `x` (dict values by sorted key)."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in flatten(x[k])]
    if isinstance(x, tuple):
        return [leaf for v in x for leaf in flatten(v)]
    return [x]


def flatten_up_to(structure: Any, value: Any) -> List[Any]:
    """The leaves of `value` following `structure` (lists in `value` where `structure` has a
    tuple count as tuples; below the structure's leaves everything is a value).

    Raises:
      TypeError: If `value` does not have the structure.
    """
    if isinstance(structure, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(structure):
            raise TypeError(f"expected a dict with keys {sorted(structure)}, got {value!r}")
        return [leaf for k in sorted(structure) for leaf in flatten_up_to(structure[k], value[k])]
    if isinstance(structure, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(structure):
            raise TypeError(f"expected a sequence of {len(structure)} values, got {value!r}")
        return [leaf for s, v in zip(structure, value) for leaf in flatten_up_to(s, v)]
    return [value]


def pack_as(structure: Any, flat: List[Any]) -> Any:
    """`flat` arranged as `structure` (the inverse of `flatten`)."""
    it = iter(flat)
    out = _pack(structure, it)
    rest = next(it, _END)
    if rest is not _END:
        raise ValueError("too many values to pack into the structure")
    return out


_END = object()


def _pack(s: Any, it: Iterator) -> Any:
    if isinstance(s, dict):
        vals = {k: _pack(s[k], it) for k in sorted(s)}
        return type(s)((k, vals[k]) for k in s) if type(s) is not dict else {k: vals[k] for k in s}
    if isinstance(s, tuple):
        vals = [_pack(v, it) for v in s]
        return type(s)(*vals) if hasattr(s, "_fields") else tuple(vals)
    return next(it)


def map_structure(fn: Callable, *structs: Any) -> Any:
    """`fn` applied leaf by leaf to structures of the same shape."""
    flats = [flatten(s) for s in structs]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError(f"The two structures don't have the same number of elements: "
                         f"{structs[0]!r} vs {structs[1]!r}")
    return pack_as(structs[0], [fn(*leaves) for leaves in zip(*flats)])


def same_structure(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return sorted(a) == sorted(b) and all(same_structure(a[k], b[k]) for k in a)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same_structure(x, y) for x, y in zip(a, b))
    return not is_structure(a) and not is_structure(b)


def lists_to_tuples(x: Any) -> Any:
    """A function's return value: lists become tuples (TF1 reads them so)."""
    if isinstance(x, list):
        return tuple(lists_to_tuples(v) for v in x)
    if isinstance(x, tuple) and not hasattr(x, "_fields"):
        return tuple(lists_to_tuples(v) for v in x)
    if isinstance(x, dict):
        return {k: lists_to_tuples(v) for k, v in x.items()}
    return x


def as_array(value: Any, dtype: dtypes.DType) -> np.ndarray:
    """A component value as an ndarray of exactly `dtype` (0-d strings as object arrays)."""
    if dtype is dtypes.string:
        if isinstance(value, np.ndarray) and value.dtype == object:
            return value
        if isinstance(value, (bytes, str)):
            a = np.empty((), object)
            a[()] = value.encode("utf-8") if isinstance(value, str) else value
            return a
        arr = np.asarray(value)
        if arr.dtype.kind in "SU":
            arr = np.array(arr.tolist(), dtype=object)
            return np.vectorize(lambda s: s.encode("utf-8") if isinstance(s, str) else s,
                                otypes=[object])(arr) if arr.size else arr
        return arr.astype(object)
    npdt = dtype.np_dtype
    if isinstance(value, np.ndarray) and value.dtype == npdt:
        return value
    return np.asarray(value, dtype=npdt)


def shape_structure(shapes: Any) -> Any:
    """output_shapes given as nests: a list or tuple of ints/None is one shape."""
    if isinstance(shapes, dict):
        return {k: shape_structure(v) for k, v in shapes.items()}
    if isinstance(shapes, tuple) and not is_dims(shapes):
        return tuple(shape_structure(v) for v in shapes)
    return TensorShape(shapes) if not isinstance(shapes, TensorShape) else shapes


def is_dims(x: Any) -> bool:
    return all(d is None or isinstance(d, (int, np.integer)) for d in x)


class HasStructure:
    """`output_types`, `output_shapes`, `output_classes` of datasets and iterators (from
    their `_types`, `_shapes` and `_classes` nests; `_classes` None: all `tf.Tensor`).

    A `tf.SparseTensor` component (class `SparseTensor`; its type is the values' dtype, its
    shape the dense shape) occupies one slot of a run-time element, holding a
    `SparseTensorValue`, and three op outputs (indices, values, dense_shape) where it crosses
    a graph boundary (iterator outputs, function arguments).
    """

    _types: Any
    _shapes: Any
    _classes: Any = None

    @property
    def output_types(self) -> Any:
        return self._types

    @property
    def output_shapes(self) -> Any:
        return self._shapes

    @property
    def output_classes(self) -> Any:
        if self._classes is not None:
            return self._classes
        from ..framework.graph import Tensor
        return map_structure(lambda _: Tensor, self._types)

    def _flat_sparse(self) -> List[bool]:
        """Per slot: is the component a SparseTensor?"""
        if self._classes is None:
            return [False] * len(flatten(self._types))
        return [is_sparse(c) for c in flatten(self._classes)]


def is_sparse(cls: Any) -> bool:
    from ..framework.sparse_tensor import SparseTensor
    return isinstance(cls, type) and issubclass(cls, SparseTensor)


def classes_or_none(classes: Any) -> Any:
    """`classes` when some component is sparse, else None (the all-Tensor default)."""
    return classes if any(is_sparse(c) for c in flatten(classes)) else None


def graph_specs(types: List[Any], shapes: List[TensorShape], sparse: List[bool]) -> List[tuple]:
    """(dtype, shape) of each graph tensor of flat slots: three for a sparse slot."""
    out: List[tuple] = []
    for t, s, sp in zip(types, shapes, sparse):
        if sp:
            rank = s.ndims
            out += [(dtypes.int64, TensorShape([None, rank])), (t, TensorShape([None])),
                    (dtypes.int64, TensorShape([rank]))]
        else:
            out.append((t, s))
    return out


def pack_graph_tensors(tensors: List[Any], sparse: List[bool]) -> List[Any]:
    """Graph tensors (three per sparse slot) -> one value per slot (a `SparseTensor`)."""
    from ..framework.sparse_tensor import SparseTensor
    out, i = [], 0
    for sp in sparse:
        if sp:
            out.append(SparseTensor(tensors[i], tensors[i + 1], tensors[i + 2]))
            i += 3
        else:
            out.append(tensors[i])
            i += 1
    return out


def expand_slots(values: List[Any], sparse: List[bool]) -> List[Any]:
    """Run-time slot values -> arrays (a SparseTensorValue gives its three arrays)."""
    if not any(sparse):
        return values
    out: List[Any] = []
    for v, sp in zip(values, sparse):
        if sp:
            out += [v.indices, v.values, v.dense_shape]
        else:
            out.append(v)
    return out


def normalize_structure(output_types: Any, output_shapes: Any):
    """(types, shapes) nests from the user's `output_types`/`output_shapes` (None: unknown).

    Raises:
      TypeError: If the shapes do not have the structure of the types.
    """
    types = map_structure(dtypes.as_dtype, lists_to_tuples(output_types))
    if output_shapes is None:
        shapes = map_structure(lambda _: unknown_shape(), types)
    elif is_structure(types):
        shapes = map_structure(as_shape, shape_structure(output_shapes))
    else:
        shapes = as_shape(output_shapes)
    if not same_structure(types, shapes):
        raise TypeError("output_shapes must have the same structure as output_types")
    return types, shapes
