"""Array ops: placeholders, identity, shapes, constructors, reshaping, concat/split, slicing, gather.

Builders follow TF1's generated op wrappers (`_gen_op`): the op takes the name of a name scope
opened for it ("Reshape", "Reshape_1", ...), and a Python value passed as an input becomes a
Const named after the argument inside that scope ("Reshape/shape", "transpose/perm").
Static shapes are inferred as TF1 does, evaluating small constant subgraphs (`constant_value`,
`_partial_shape_vector`) so that e.g. `tf.reshape(x, [tf.shape(x)[0], -1])` keeps what is known.
"""
from __future__ import annotations

import builtins
import collections
import functools
import sys
import warnings
from typing import Any, List, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework import tensor_util as _tensor_util
from . import gen_math_ops as _gm
from ._helpers import host_array, host_ints
from ..framework.constant import constant
from ..framework.ops import (convert_to_tensor, gen_op, gen_tensor, graph_of, is_tensor_like,
                             make_op, name_scope, register_tensor_conversion_function)
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.indexed_slices import IndexedSlices
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import Dimension, TensorShape, as_shape, broadcast_shapes

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


# --- building helpers (the builder convention is framework.ops.gen_op / gen_tensor) -----------
_is_tensor_like = is_tensor_like


def _same_type_inputs(values: Sequence[Any], arg: str) -> List[tuple]:
    """Inputs of one type attribute: Python values take the dtype of the first tensor among them."""
    hint = next((v.dtype for v in values if _is_tensor_like(v)), None)
    return [(f"{arg}_{i}", v, None, hint) for i, v in enumerate(values)]


def _check_same_dtype(op_type: str, arg: str, ts: Sequence[Tensor]) -> None:
    if any(t.dtype != ts[0].dtype for t in ts):
        kinds = ", ".join(t.dtype.name for t in ts)
        raise TypeError(f"Tensors in list passed to '{arg}' of '{op_type}' Op have types "
                        f"[{kinds}] that don't all match.")


# --- host memory (TF1's HostMemory) ----------------------------------------------------------
# Shapes, axes, sizes and index vectors are metadata: they live in host memory as NumPy arrays,
# whatever device runs the op, so reading them never stalls a GPU.  Op types declare it with
# OpDef flags: `host_inputs` (Reshape's shape), `host_outputs` (Shape), `host_memory_ok` (the
# shape arithmetic between them: StridedSlice, Pack, Prod, Cast, int arithmetic, ...) and
# `scalar_operands_ok` (binary elementwise ops take a 0-d host value as a NumPy scalar).  The
# session's planner decides from these, per plan, what runs and lives in host memory
# (`tfgraph/placement.py`, rule 6); builders just call `graph.create_op`.


class _Everything:
    """`i in _ALL` for every index: ops with a variable number of host inputs/outputs."""

    def __contains__(self, index: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALL"


_ALL = _Everything()


# --- math builders this family needs (math_ops imports array_ops, so through gen_math_ops) ---
def _reduce_sum(x: Any, axis: Any = None) -> Tensor:
    return _gm.reduce("Sum", x, axis, None, None, None, None)


def _reduce_prod(x: Any, axis: Any = None) -> Tensor:
    return _gm.reduce("Prod", x, axis, None, None, None, None)


def _reduce_max(x: Any, axis: Any = None) -> Tensor:
    return _gm.reduce("Max", x, axis, None, None, None, None)


def _subtract(x: Any, y: Any) -> Tensor:
    return _gm.binary("Sub", x, y, None)


def _multiply(x: Any, y: Any) -> Tensor:
    return _gm.binary("Mul", x, y, None)


def _maximum(x: Any, y: Any) -> Tensor:
    return _gm.binary("Maximum", x, y, None)


def _minimum(x: Any, y: Any) -> Tensor:
    return _gm.binary("Minimum", x, y, None)


def _cast(x: Any, dtype: Any) -> Tensor:
    return _gm.cast(x, dtype)


# --- build-time constant evaluation -----------------------------------------------------------
_SMALL = _tensor_util.SMALL
constant_value = _tensor_util.constant_value  # moved to framework/tensor_util (old path kept)
_static_int_vector = _tensor_util.static_int_vector
_const_ints = _tensor_util.const_ints


# Build-time evaluation of this family's ops for `tensor_util.constant_value`.
def _fold(op_type: str, fn) -> None:
    _tensor_util.register_constant_folder(op_type)(fn)


_fold("Pack", lambda op, i, vals: np.stack(vals, axis=op.attrs["axis"]).astype(
    op.outputs[i].dtype.np_dtype))
_fold("ConcatV2", lambda op, i, vals: np.concatenate(vals[:-1], axis=int(vals[-1])).astype(
    op.outputs[i].dtype.np_dtype))
_fold("InvertPermutation", lambda op, i, vals: np.argsort(vals[0]).astype(
    op.outputs[i].dtype.np_dtype))
_fold("Reshape", lambda op, i, vals: np.reshape(vals[0], [int(d) for d in vals[1]]))
_fold("ConcatOffset", lambda op, i, vals: _concat_offsets(np, vals[0], vals[1:])[i])
_fold("StridedSlice", lambda op, i, vals: np.asarray(
    np.asarray(vals[0])[_ss_index(_ss_entries(vals[1], vals[2], vals[3], op.attrs))]))
_fold("Slice", lambda op, i, vals: np.asarray(vals[0])[_slice_index(vals[0].shape, vals[1],
                                                                       vals[2])])


@_tensor_util.register_constant_folder("Fill")
def _fold_fill(op, i, vals):
    if int(np.prod(vals[0])) <= _SMALL:
        return np.full([int(d) for d in vals[0]], vals[1], dtype=op.outputs[i].dtype.np_dtype)
    return None


@_tensor_util.register_constant_folder("Range")
def _fold_range(op, i, vals):
    n = _range_size(*vals)
    if n <= _SMALL:
        return _range_values(np, vals[0], vals[2], n, op.outputs[i].dtype.np_dtype)
    return None


def _static_int(t: Tensor) -> Optional[int]:
    """The value of an int scalar tensor if known at build time."""
    v = constant_value(t)
    if v is None or np.asarray(v).size != 1:
        return None
    return int(np.asarray(v).reshape(-1)[0])


def _partial_shape_vector(t: Tensor, with_sources: bool = False):
    """What is known of a 1-D int "shape" tensor: a list of ints / None, or None if its length
    is unknown (TF1's `constant_value_as_shape`).

    With `with_sources`, also returns for each entry the `(tensor, dim)` it was read from when
    it is `tf.shape(tensor)[dim]` (so Reshape can cancel identical unknown dims), else None.
    """
    def result(vals, srcs=None):
        if vals is None:
            return (None, None) if with_sources else None
        return (vals, srcs or [None] * len(vals)) if with_sources else vals

    v = constant_value(t)
    if v is not None:
        arr = np.asarray(v)
        if arr.ndim > 1:
            return result(None)
        return result([int(x) for x in arr.reshape(-1)])
    op = t.op
    if op.type in ("Shape", "ShapeN"):
        src = op.inputs[t.value_index if op.type == "ShapeN" else 0]
        if src.shape.ndims is None:
            return result(None)
        return result(src.shape.as_list(), [(src, i) for i in builtins.range(src.shape.ndims)])
    if op.type in ("Identity", "Cast"):
        return _partial_shape_vector(op.inputs[0], with_sources)
    if op.type == "Pack" and op.attrs.get("axis", 0) == 0:
        vals, srcs = [], []
        for x in op.inputs:
            val, src = _partial_scalar(x)
            vals.append(val)
            srcs.append(src)
        return result(vals, srcs)
    if op.type == "ConcatV2" and _static_int(op.inputs[-1]) in (0, -1):
        vals, srcs = [], []
        for x in op.inputs[:-1]:
            pv, ps = _partial_shape_vector(x, True)
            if pv is None:
                return result(None)
            vals += pv
            srcs += ps
        return result(vals, srcs)
    if op.type == "StridedSlice" and op.attrs["shrink_axis_mask"] == 0 and \
            op.attrs["new_axis_mask"] == 0 and op.attrs["ellipsis_mask"] == 0:
        pv, ps = _partial_shape_vector(op.inputs[0], True)
        b, e, s = (constant_value(x) for x in op.inputs[1:])
        if pv is not None and b is not None and e is not None and s is not None and len(s) == 1:
            entries = _ss_entries(b, e, s, op.attrs)
            idx = _ss_index(entries)[0]
            return result(pv[idx], ps[idx])
    n = t.shape.as_list()[0] if t.shape.ndims == 1 else None
    return result(None if n is None else [None] * n)


def _partial_scalar(t: Tensor):
    """(value or None, (tensor, dim) source or None) for an int scalar like `tf.shape(x)[1]`."""
    v = _static_int(t)
    if v is not None:
        return v, None
    op = t.op
    if op.type == "StridedSlice" and op.attrs["shrink_axis_mask"] == 1 and \
            op.attrs["new_axis_mask"] == 0 and op.attrs["ellipsis_mask"] == 0:
        pv, ps = _partial_shape_vector(op.inputs[0], True)
        b = _const_ints(op.inputs[1])
        if pv is not None and b is not None and len(b) == 1 and -len(pv) <= b[0] < len(pv):
            return pv[b[0]], ps[b[0]]
    return None, None


def _shape_input(shape: Any) -> Any:
    """A shape argument as something convertible to an int tensor (TensorShape -> list)."""
    if isinstance(shape, TensorShape):
        return shape.as_list()
    if isinstance(shape, (list, tuple)):
        return [int(d) if isinstance(d, Dimension) else d for d in shape]
    return shape


# --- inputs ---------------------------------------------------------------------------------
@register_op("Placeholder")
class Placeholder(OpDef):
    """A value that must be fed at run time (the session raises if it is not)."""

    def infer(self, *, dtype, shape):
        return spec(dtype, shape)

    def kernel(self, be, op, ctx):
        raise AssertionError("placeholders are fed, never computed")


NotDifferentiable("Placeholder")


def placeholder(dtype: Any, shape: Any = None, name: Optional[str] = None) -> Tensor:
    """A tensor to be fed with `feed_dict` (`tf.placeholder`).

    Args:
      dtype: Element type.
      shape: Static shape; None for any shape, `[None, 784]` for a batch of 784-vectors.
      name: Op name (default "Placeholder").

    Returns:
      A `Tensor`.
    """
    dtype = dtypes.as_dtype(dtype)
    return get_default_graph().create_op(
        "Placeholder", [], {"dtype": dtype, "shape": as_shape(shape)}, name=name or "Placeholder").outputs[0]


@register_op("PlaceholderWithDefault")
class PlaceholderWithDefault(OpDef):
    """Passes its input through unless fed."""

    may_alias_input = True
    is_identity = True

    def infer(self, input, *, shape):
        if not as_shape(shape).is_compatible_with(input.shape):
            raise ValueError(f"default value shape {input.shape} is incompatible with shape {shape}")
        return spec(input.dtype, shape)

    def compute(self, be, x, *, shape):
        return x

    def gradient(self, op, grad):
        return [grad]


def placeholder_with_default(input: Any, shape: Any, name: Optional[str] = None) -> Tensor:
    """A placeholder that evaluates to `input` when not fed (`tf.placeholder_with_default`).

    Raises:
      ValueError: If `input`'s shape is incompatible with `shape`.
    """
    return gen_tensor("PlaceholderWithDefault", name, [("input", input, None, None)],
                {"shape": as_shape(shape)})


# --- identity -------------------------------------------------------------------------------
@register_op("Identity")
class Identity(OpDef):
    """Returns its input unchanged (the session binds the value, no call)."""

    host_memory_ok = True

    may_alias_input = True
    is_identity = True

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        return x

    def gradient(self, op, grad):
        return [grad]


def identity(input: Any, name: Optional[str] = None) -> Tensor:
    """Returns a tensor with the same value as `input` (`tf.identity`); a Variable is read."""
    return gen_tensor("Identity", name, [("input", input, None, None)])


@register_op("StopGradient")
class StopGradient(OpDef):
    """Identity in the forward pass; gradients do not flow through it."""

    host_memory_ok = True

    may_alias_input = True
    is_identity = True

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        return x


NotDifferentiable("StopGradient")


def stop_gradient(input: Any, name: Optional[str] = None) -> Tensor:
    """Identity whose gradient is blocked (`tf.stop_gradient`)."""
    return gen_tensor("StopGradient", name, [("input", input, None, None)])


# --- shape, size, rank ------------------------------------------------------------------------
def _check_out_type(out_type: Any) -> dtypes.DType:
    out_type = dtypes.as_dtype(out_type)
    if out_type not in _INDEX_TYPES:
        raise TypeError(f"Value passed to parameter 'out_type' has DataType {out_type.name} not "
                        f"in list of allowed values: int32, int64")
    return out_type


@register_op("Shape")
class Shape(OpDef):
    """The run-time shape of a tensor as a 1-D int vector (made in host memory)."""

    host_memory_ok = True

    host_outputs = (0,)

    def infer(self, x, *, out_type):
        return spec(out_type, [x.shape.ndims])

    def compute(self, be, x, *, out_type):
        return np.array(x.shape, dtype=out_type.np_dtype)


@register_op("ShapeN")
class ShapeN(OpDef):
    """The run-time shapes of N tensors (made in host memory)."""

    host_memory_ok = True

    host_outputs = _ALL

    def infer(self, *xs, out_type):
        return [spec(out_type, [x.shape.ndims]) for x in xs]

    def compute(self, be, *xs, out_type):
        return tuple(np.array(x.shape, dtype=out_type.np_dtype) for x in xs)


@register_op("Size")
class Size(OpDef):
    """The number of elements of a tensor (scalar, made in host memory)."""

    host_memory_ok = True

    host_outputs = (0,)

    def infer(self, x, *, out_type):
        return spec(out_type, [])

    def compute(self, be, x, *, out_type):
        return np.array(x.size, dtype=out_type.np_dtype)


@register_op("Rank")
class Rank(OpDef):
    """The number of dimensions of the input (int32 scalar, made in host memory)."""

    host_memory_ok = True

    host_outputs = (0,)

    def infer(self, x):
        return spec(dtypes.int32, [])

    def compute(self, be, x):
        return np.array(x.ndim, dtype=np.int32)


for _t in ("Shape", "ShapeN", "Size", "Rank"):
    NotDifferentiable(_t)


def shape(input: Any, name: Optional[str] = None, out_type: Any = dtypes.int32) -> Tensor:
    """The shape of `input` as a 1-D int tensor (`tf.shape`).

    As in TF1, a fully defined static shape gives a Const (named like the Shape op would be).

    Raises:
      TypeError: If `out_type` is not int32 or int64.
    """
    return shape_internal(input, name, optimize=True, out_type=out_type)


def shape_internal(input: Any, name: Optional[str] = None, optimize: bool = True,
                   out_type: Any = dtypes.int32) -> Tensor:
    """`tf.shape`, with `optimize=False` always building a Shape op."""
    out_type = _check_out_type(out_type)
    graph = graph_of([input])
    with graph.as_default(), name_scope(name, "Shape", [input]) as scope:
        x = convert_to_tensor(input)
        if optimize and x.shape.is_fully_defined():
            return constant(x.shape.as_list(), out_type, name=scope)
        return graph.create_op("Shape", [x], {"out_type": out_type}, name=scope).outputs[0]


def shape_n(input: Sequence[Any], out_type: Any = dtypes.int32, name: Optional[str] = None) -> List[Tensor]:
    """The shapes of several tensors at once (`tf.shape_n`)."""
    out_type = _check_out_type(out_type)
    op = gen_op("ShapeN", name, _same_type_inputs(list(input), "input"), {"out_type": out_type})
    return op.outputs


def size(input: Any, name: Optional[str] = None, out_type: Any = dtypes.int32) -> Tensor:
    """The number of elements of `input` (`tf.size`); a Const when statically known."""
    out_type = _check_out_type(out_type)
    graph = graph_of([input])
    with graph.as_default(), name_scope(name, "Size", [input]) as scope:
        x = convert_to_tensor(input)
        s = x.shape
        if s.is_fully_defined():
            return constant(s.num_elements(), out_type, name=scope)
        if s.ndims is not None and any(d == 0 for d in s.as_list()):
            return constant(0, out_type, name=scope)
        return graph.create_op("Size", [x], {"out_type": out_type}, name=scope).outputs[0]


def rank(input: Any, name: Optional[str] = None) -> Tensor:
    """The number of dimensions of `input` (`tf.rank`); a Const when statically known."""
    graph = graph_of([input])
    with graph.as_default(), name_scope(name, "Rank", [input]) as scope:
        x = convert_to_tensor(input)
        if x.shape.ndims is not None:
            return constant(x.shape.ndims, dtypes.int32, name=scope)
        return graph.create_op("Rank", [x], name=scope).outputs[0]


def rank_internal(x: Tensor, name: Optional[str] = None) -> Tensor:
    """A run-time range over the axes of `x` (for reductions of unknown rank)."""
    return make_op("AllAxes", [x], name=name or "range").outputs[0]


@register_op("AllAxes")
class AllAxes(OpDef):
    """`range(rank(x))` at run time (made in host memory)."""

    host_outputs = (0,)

    def infer(self, x):
        return spec(dtypes.int32, [None])

    def compute(self, be, x):
        return np.arange(x.ndim, dtype=np.int32)


NotDifferentiable("AllAxes")


# --- reshape ----------------------------------------------------------------------------------
@register_op("Reshape")
class Reshape(OpDef):
    """Reshape to a 1-D int `shape` (one entry may be -1; read in host memory)."""

    host_memory_ok = True

    may_alias_input = True
    host_inputs = (1,)

    def infer(self, x, shape):
        if shape.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {shape.shape.ndims}")
        known, sources = _partial_shape_vector(shape, with_sources=True)
        if known is None:
            return spec(x.dtype, None)
        if sum(1 for d in known if d is not None and d < 0) > 1:
            raise ValueError(f"Cannot reshape: at most one dimension may be -1, got {known}")
        if any(d is not None and d < -1 for d in known):
            raise ValueError(f"Size {min(d for d in known if d is not None)} must be non-negative")
        dims = [None if (d is None or d < 0) else d for d in known]
        n_in = x.shape.num_elements()
        if n_in is not None and all(d is not None for d in known):
            if -1 in known:
                rest = int(np.prod([d for d in known if d != -1], dtype=np.int64))
                if (rest == 0 and n_in != 0) or (rest and n_in % rest):
                    raise ValueError(f"Cannot reshape a tensor with {n_in} elements to shape "
                                     f"{known} ({rest} elements)")
                dims = [(n_in // rest if rest else 0) if d == -1 else d for d in known]
            elif int(np.prod(known, dtype=np.int64)) != n_in:
                raise ValueError(f"Cannot reshape a tensor with {n_in} elements to shape "
                                 f"{known} ({int(np.prod(known, dtype=np.int64))} elements)")
        elif n_in is not None and sum(1 for d in known if d is None or d == -1) == 1:
            # One unknown entry and a known element count: it is determined.
            rest = int(np.prod([d for d in known if d is not None and d != -1], dtype=np.int64))
            if (rest == 0 and n_in != 0) or (rest and n_in % rest):
                raise ValueError(f"Cannot reshape a tensor with {n_in} elements to shape "
                                 f"{TensorShape(dims)} ({rest} elements)")
            dims = [(n_in // rest if rest else 0) if (d is None or d == -1) else d for d in known]
        elif -1 in known and x.shape.ndims is not None:
            dims = _reshape_cancel_unknowns(x, known, sources, dims)
        return spec(x.dtype, dims)

    def compute(self, be, x, shape):
        return x.reshape(host_ints(be, shape))

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0])), None]


def _reshape_cancel_unknowns(x: Tensor, known, sources, dims):
    """Infers the -1 of a reshape whose unknown entries are `tf.shape(x)[i]` of x's unknown dims.

    `tf.reshape(x, [tf.shape(x)[0], -1])` for x of shape [?, 28, 28] gives [?, 784], as TF1's
    symbolic dimensions do.
    """
    in_dims = x.shape.as_list()
    unknown_in = {i for i, d in enumerate(in_dims) if d is None}
    matched = set()
    for d, src in zip(known, sources):
        if d is None:
            if src is None or src[0] is not x or src[1] not in unknown_in or src[1] in matched:
                return dims
            matched.add(src[1])
    if matched != unknown_in:
        return dims
    n_in = int(np.prod([d for d in in_dims if d is not None], dtype=np.int64))
    rest = int(np.prod([d for d in known if d is not None and d != -1], dtype=np.int64))
    if rest == 0 or n_in % rest:
        return dims
    return [n_in // rest if d == -1 else dd for d, dd in zip(known, dims)]


def reshape(tensor: Any, shape: Any, name: Optional[str] = None) -> Tensor:
    """Reshapes `tensor` (`tf.reshape`); one entry of `shape` may be -1.

    Args:
      tensor: The tensor to reshape.
      shape: A 1-D int32/int64 tensor or list (may hold scalar tensors).
      name: Op name (default "Reshape").

    Returns:
      A `Tensor` with the values of `tensor` and the given shape.

    Raises:
      ValueError: If the element counts cannot match.
    """
    return gen_tensor("Reshape", name, [("tensor", tensor, None, None),
                                  ("shape", _shape_input(shape), _INDEX_TYPES, dtypes.int32)])


# --- packing ----------------------------------------------------------------------------------
@register_op("Pack")
class Pack(OpDef):
    """Stacks N same-shaped tensors along a new axis."""

    host_memory_ok = True

    def infer(self, *values, axis=0):
        _check_same_dtype("Pack", "values", values)
        s = values[0].shape
        for v in values[1:]:
            if not s.is_compatible_with(v.shape):
                raise ValueError(f"Shapes must be equal rank, but are {s} and {v.shape}: "
                                 f"From merging shape 0 with other shapes")
            s = s.merge_with(v.shape)
        if s.ndims is None:
            return spec(values[0].dtype, None)
        dims = s.as_list()
        a = axis if axis >= 0 else axis + len(dims) + 1
        if not 0 <= a <= len(dims):
            raise ValueError(f"axis = {axis} not in [{-len(dims) - 1}, {len(dims) + 1})")
        return spec(values[0].dtype, dims[:a] + [len(values)] + dims[a:])

    def compute(self, be, *values, axis=0):
        return be.xp.stack(values, axis=axis)

    def gradient(self, op, grad):
        return unstack(grad, num=len(op.inputs), axis=op.attrs["axis"])


def stack(values: Sequence[Any], axis: int = 0, name: str = "stack") -> Tensor:
    """Stacks tensors along a new axis (`tf.stack`).

    A list of Python values along axis 0 becomes a single Const, as in TF1.

    Raises:
      ValueError: If `axis` is out of range or the shapes differ.
    """
    values = list(values)
    if axis == 0:
        graph = graph_of([v for v in values if _is_tensor_like(v)])
        with graph.as_default():
            try:
                return convert_to_tensor(values, name=name)
            except (TypeError, ValueError):
                pass
    first = convert_to_tensor(values[0]) if _is_tensor_like(values[0]) else None
    if first is not None and first.shape.ndims is not None:
        n = first.shape.ndims + 1
        if not -n <= axis < n:
            raise ValueError(f"axis = {axis} not in [{-n}, {n})")
    return gen_tensor("Pack", name, _same_type_inputs(values, "values"), {"axis": axis})


def _nested_dtype(values: Sequence[Any]) -> Optional[dtypes.DType]:
    for v in values:
        if _is_tensor_like(v):
            return v.dtype
        if isinstance(v, (list, tuple)):
            d = _nested_dtype(v)
            if d is not None:
                return d
    return None


def _autopack(values: Sequence[Any], dtype=None, name: str = "packed") -> Tensor:
    """Converts a (nested) list holding tensors to one tensor, as TF1's auto-packing does.

    Python elements take the dtype of the first tensor found (or `dtype`) and become Consts
    named by their position inside the Pack's scope.

    Raises:
      TypeError: If a tensor's dtype differs from the list's dtype.
    """
    dtype = _nested_dtype(values) if dtype is None else dtypes.as_dtype(dtype)
    graph = graph_of([v for v in values if _is_tensor_like(v)])
    with graph.as_default(), name_scope(name) as scope:
        elems = []
        for i, v in enumerate(values):
            if isinstance(v, (list, tuple)) and _nested_dtype(v) is not None:
                v = _autopack(v, dtype=dtype, name=str(i))
            elif _is_tensor_like(v):
                v = convert_to_tensor(v)
                if v.dtype != dtype:
                    raise TypeError(f"Cannot convert a list containing a tensor of dtype "
                                    f"{v.dtype.name} to {dtype.name} (Tensor is: {v!r})")
            elems.append(v)
        ts = [e if isinstance(e, Tensor) else constant(e, dtype=dtype, name=str(i))
              for i, e in enumerate(elems)]
        return graph.create_op("Pack", ts, {"axis": 0}, name=scope).outputs[0]


def _contains_tensor(seq: Sequence) -> bool:
    for v in seq:
        if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
            return True
        if isinstance(v, (list, tuple)) and _contains_tensor(v):
            return True
    return False


def _autopacking_conversion(value: Any, dtype: Any = None, name: Optional[str] = None,
                            as_ref: bool = False) -> Any:
    """`convert_to_tensor` of a list/tuple holding tensors: one `Pack` (TF1's auto-packing)."""
    if not _contains_tensor(value):
        return NotImplemented  # plain Python data: the Const conversion takes it
    return _autopack(value, dtype=dtype, name=name or "packed")


# Priority 99, as TF1: before user conversions (100) and the Const fallback (200).
register_tensor_conversion_function((list, tuple), _autopacking_conversion, 99)


def _fill_none_grads(op: Operation, grads: Sequence[Optional[Tensor]]) -> List[Tensor]:
    """The output gradients of a multi-output op, with zeros for outputs that got none."""
    return [zeros_like(t) if g is None else g for g, t in zip(grads, op.outputs)]


@register_op("Unpack")
class Unpack(OpDef):
    """Splits a tensor into `num` tensors along `axis` (removing it)."""

    host_memory_ok = True

    def infer(self, value, *, num, axis=0):
        s = value.shape
        if s.ndims is None:
            return [spec(value.dtype, None)] * num
        dims = s.as_list()
        if not -len(dims) <= axis < len(dims):
            raise ValueError(f"axis = {axis} not in [{-len(dims)}, {len(dims)})")
        a = axis % len(dims)
        if dims[a] is not None and dims[a] != num:
            raise ValueError(f"Dimension must be {num} but is {dims[a]}: cannot unpack "
                             f"{dims[a]} values into {num}")
        return [spec(value.dtype, dims[:a] + dims[a + 1:])] * num

    def compute(self, be, value, *, num, axis=0):
        xp = be.xp
        return tuple(xp.take(value, i, axis=axis) for i in builtins.range(num))

    def gradient(self, op, *grads):
        return [stack(_fill_none_grads(op, grads), axis=op.attrs["axis"])]


def unstack(value: Any, num: Optional[int] = None, axis: int = 0, name: str = "unstack") -> List[Tensor]:
    """Splits `value` along `axis` into a list of tensors (`tf.unstack`).

    Raises:
      ValueError: If `num` is None and the axis size is not statically known.
    """
    value = convert_to_tensor(value)
    if num is None:
        dims = value.shape.as_list() if value.shape.ndims is not None else None
        if dims is not None and not -len(dims) <= axis < len(dims):
            raise ValueError(f"axis = {axis} not in [{-len(dims)}, {len(dims)})")
        num = None if dims is None else dims[axis]
        if num is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
    return gen_op("Unpack", name, [("value", value, None, None)], {"num": num, "axis": axis}).outputs


@register_op("BroadcastGradientArgs")
class BroadcastGradientArgs(OpDef):
    """The axes to sum over to undo broadcasting of two shapes (used by gradients); shapes
    and axes are in host memory."""

    host_inputs = (0, 1)
    host_outputs = (0, 1)

    def infer(self, s0, s1):
        return [spec(s0.dtype, [None]), spec(s0.dtype, [None])]

    def compute(self, be, s0, s1):
        s0 = host_array(be, s0)
        a = list(host_ints(be, s0))
        b = list(host_ints(be, s1))
        n = max(len(a), len(b))
        a = [1] * (n - len(a)) + a
        b = [1] * (n - len(b)) + b
        ra = [i for i in builtins.range(n) if a[i] == 1 and b[i] != 1]
        rb = [i for i in builtins.range(n) if b[i] == 1 and a[i] != 1]
        dt = s0.dtype
        return np.array(ra, dtype=dt), np.array(rb, dtype=dt)


NotDifferentiable("BroadcastGradientArgs")


def broadcast_gradient_args(s0: Tensor, s1: Tensor, name: Optional[str] = None):
    """The reduction axes for the gradients of two broadcast operands."""
    op = make_op("BroadcastGradientArgs", [s0, s1], name=name or "BroadcastGradientArgs")
    return op.outputs[0], op.outputs[1]


# --- fill, zeros, ones, like, broadcast -------------------------------------------------------
@register_op("Fill")
class Fill(OpDef):
    """A tensor of shape `dims` (read in host memory) filled with the scalar `value`."""

    host_inputs = (0,)

    def infer(self, dims, value):
        if value.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {value.shape.ndims} (value of Fill)")
        if dims.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {dims.shape.ndims} (dims of Fill)")
        known = _partial_shape_vector(dims)
        if known is not None and any(d is not None and d < 0 for d in known):
            raise ValueError(f"Fill dimensions must be >= 0, got {known}")
        return spec(value.dtype, known)

    def compute(self, be, dims, value):
        return be.xp.full(host_ints(be, dims), value, dtype=value.dtype)

    def gradient(self, op, grad):
        return [None, _reduce_sum(grad)]


def fill(dims: Any, value: Any, name: Optional[str] = None) -> Tensor:
    """A tensor of shape `dims` filled with the scalar `value` (`tf.fill`)."""
    return gen_tensor("Fill", name, [("dims", _shape_input(dims), _INDEX_TYPES, dtypes.int32),
                               ("value", value, None, None)])


def _fill_scalar(dtype: dtypes.DType, one: bool) -> Any:
    if dtype.is_bool:
        return one
    if dtype == dtypes.string:
        return "1" if one else ""
    return 1 if one else 0


def _zeros_or_ones(shape: Any, dtype: Any, name: Optional[str], default: str, one: bool) -> Tensor:
    dtype = dtypes.as_dtype(dtype)
    value = _fill_scalar(dtype, one)
    graph = graph_of([shape] if _is_tensor_like(shape) else [])
    with graph.as_default(), name_scope(name, default, [shape] if _is_tensor_like(shape) else []) as scope:
        if not isinstance(shape, Tensor):
            try:
                static = as_shape(_shape_input(shape))
                if static.is_fully_defined() and static.num_elements() < 1000:
                    # Small results are stored as a Const, as TF1's `_constant_if_small`.
                    return constant(value, dtype=dtype, shape=static.as_list(), name=scope)
                shape = constant(static.as_list(), dtype=dtypes.int32 if all(
                    d < 2 ** 31 for d in static.as_list()) else dtypes.int64, name="shape_as_tensor")
            except (TypeError, ValueError):
                shape = convert_to_tensor(_shape_input(shape), dtype=dtypes.int32)
        if shape.shape.ndims == 0:
            shape = reshape(shape, [-1])
        return fill(shape, constant(value, dtype=dtype), name=scope)


def zeros(shape: Any, dtype: Any = dtypes.float32, name: Optional[str] = None) -> Tensor:
    """A tensor of zeros (`tf.zeros`): a Const "zeros" when small and static, else a Fill.

    Args:
      shape: A list of ints, a `TensorShape`, or a 1-D int tensor.
      dtype: Element type (default float32).
      name: Op name (default "zeros").
    """
    return _zeros_or_ones(shape, dtype, name, "zeros", False)


def ones(shape: Any, dtype: Any = dtypes.float32, name: Optional[str] = None) -> Tensor:
    """A tensor of ones (`tf.ones`); see `zeros`."""
    return _zeros_or_ones(shape, dtype, name, "ones", True)


@register_op("ZerosLike")
class ZerosLike(OpDef):
    """Zeros with the shape and dtype of the input."""

    def infer(self, x):
        return spec(x.dtype, x.shape)

    fresh_outputs = True  # a new array: an AddN of gradients may add into it

    def compute(self, be, x):
        return be.xp.zeros_like(x)


@register_op("OnesLike")
class OnesLike(OpDef):
    """Ones with the shape and dtype of the input."""

    def infer(self, x):
        return spec(x.dtype, x.shape)

    fresh_outputs = True  # a new array: an AddN of gradients may add into it

    def compute(self, be, x):
        return be.xp.ones_like(x)


NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")


def zeros_like(tensor: Any, dtype: Any = None, name: Optional[str] = None, optimize: bool = True) -> Tensor:
    """Zeros shaped like `tensor` (`tf.zeros_like`).

    As in TF1, a fully defined static shape gives `tf.zeros(shape)` (a Const when small);
    otherwise a ZerosLike op (or a Fill when another `dtype` is asked for).
    """
    graph = graph_of([tensor])
    with graph.as_default(), name_scope(name, "zeros_like", [tensor]) as scope:
        t = convert_to_tensor(tensor, name="tensor")
        dtype = t.dtype if dtype is None else dtypes.as_dtype(dtype)
        if optimize and t.shape.is_fully_defined():
            return zeros(t.shape, dtype=dtype, name=scope)
        if dtype != t.dtype:
            return zeros(shape_internal(t, optimize=optimize), dtype=dtype, name=scope)
        return graph.create_op("ZerosLike", [t], name=scope).outputs[0]


def ones_like(tensor: Any, dtype: Any = None, name: Optional[str] = None, optimize: bool = True) -> Tensor:
    """Ones shaped like `tensor` (`tf.ones_like`): a Fill of its shape, as TF1 builds it."""
    graph = graph_of([tensor])
    with graph.as_default(), name_scope(name, "ones_like", [tensor]) as scope:
        t = convert_to_tensor(tensor, name="tensor")
        dtype = t.dtype if dtype is None else dtypes.as_dtype(dtype)
        out = ones(shape_internal(t, optimize=optimize), dtype=dtype, name=scope)
        out.set_shape(t.shape)
        return out


@register_op("BroadcastTo")
class BroadcastTo(OpDef):
    """Broadcasts the input to `shape` (NumPy rules; the shape is read in host memory)."""

    may_alias_input = True
    host_inputs = (1,)

    def infer(self, x, shape):
        known = _partial_shape_vector(shape)
        if known is None:
            return spec(x.dtype, None)
        target = TensorShape(known)
        out = broadcast_shapes(x.shape, target)
        if out is None or (x.shape.ndims is not None and x.shape.ndims > len(known)):
            raise ValueError(f"Cannot broadcast shape {x.shape} to {known}")
        if out.ndims is not None and not target.is_compatible_with(out):
            raise ValueError(f"Cannot broadcast shape {x.shape} to {known}")
        return spec(x.dtype, target.merge_with(out) if out.ndims is not None else target)

    def compute(self, be, x, shape):
        return be.xp.broadcast_to(x, host_ints(be, shape))

    def gradient(self, op, grad):
        return [sum_to_shape_of(grad, op.inputs[0]), None]


def broadcast_to(input: Any, shape: Any, name: Optional[str] = None) -> Tensor:
    """Broadcasts `input` to `shape` (`tf.broadcast_to`)."""
    return gen_tensor("BroadcastTo", name, [("input", input, None, None),
                                      ("shape", _shape_input(shape), _INDEX_TYPES, dtypes.int32)])


# --- linspace, range, one_hot, eye ------------------------------------------------------------
@register_op("LinSpace")
class LinSpace(OpDef):
    """`num` (read in host memory) evenly spaced values from `start` to `stop` inclusive."""

    host_inputs = (2,)

    def infer(self, start, stop, num):
        for t, arg in ((start, "start"), (stop, "stop"), (num, "num")):
            if t.shape.ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {t.shape.ndims} ({arg} of LinSpace)")
        if start.dtype != stop.dtype or not start.dtype.is_floating:
            raise TypeError(f"LinSpace: start and stop must be one floating type, got "
                            f"{start.dtype.name} and {stop.dtype.name}")
        n = _static_int(num)
        if n is not None and n <= 0:
            raise ValueError(f"Requires num > 0: {n}")
        return spec(start.dtype, [n])

    def compute(self, be, start, stop, num):
        xp = be.xp
        n = int(host_array(be, num))
        if n <= 0:
            raise ValueError(f"Requires num > 0: {n}")
        dt = start.dtype
        if n == 1:
            return xp.reshape(xp.asarray(start, dtype=dt), (1,))
        step = (stop - start) / dt.type(n - 1)
        out = xp.arange(n, dtype=dt) * step + start
        out[-1] = stop
        return out


NotDifferentiable("LinSpace")


def linspace(start: Any, stop: Any, num: Any, name: Optional[str] = None) -> Tensor:
    """`num` evenly spaced values in `[start, stop]` (`tf.linspace`, op LinSpace).

    Raises:
      ValueError: If `num` is known and not positive.
    """
    hint = next((v.dtype for v in (start, stop) if _is_tensor_like(v)), None)
    return gen_tensor("LinSpace", name, [("start", start, None, hint), ("stop", stop, None, hint),
                                   ("num", num, _INDEX_TYPES, dtypes.int32)])


lin_space = linspace


def _range_size(start, limit, delta) -> int:
    start, limit, delta = (np.asarray(v).reshape(()) for v in (start, limit, delta))
    if delta == 0:
        raise ValueError("Requires delta != 0")
    if delta > 0 and start > limit:
        raise ValueError(f"Requires start <= limit when delta > 0: {start}/{limit}")
    if delta < 0 and start < limit:
        raise ValueError(f"Requires start >= limit when delta < 0: {start}/{limit}")
    if start.dtype.kind in "iu":
        return int((abs(int(limit) - int(start)) + abs(int(delta)) - 1) // abs(int(delta)))
    return int(np.ceil(np.abs((limit - start) / delta)))


def _range_values(xp, start, delta, n, dt):
    # TF1 accumulates `value += delta`; a cumulative sum in the output dtype does the same.
    if n == 0:
        return xp.zeros((0,), dtype=dt)
    steps = xp.full((n,), delta, dtype=dt)
    steps[0] = start
    return xp.cumsum(steps, dtype=dt)


@register_op("Range")
class Range(OpDef):
    """`[start, start + delta, ...]` up to (excluding) `limit`: the bounds are read in host
    memory, the sequence is made on the op's device -- or in host memory when it is a range
    of axes (its bounds and all its consumers are metadata: a transpose's default perm)."""

    host_inputs = (0, 1, 2)
    host_memory_ok = "if_consumed_as_metadata"  # `tf.range(n)` used as data stays put

    def infer(self, start, limit, delta):
        for t, arg in ((start, "start"), (limit, "limit"), (delta, "delta")):
            if t.shape.ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {t.shape.ndims} ({arg} of Range)")
        vals = [constant_value(t) for t in (start, limit, delta)]
        if any(v is None for v in vals):
            return spec(start.dtype, [None])
        return spec(start.dtype, [_range_size(*vals)])

    def compute(self, be, start, limit, delta):
        start, limit, delta = (host_array(be, v).reshape(()) for v in (start, limit, delta))
        n = _range_size(start, limit, delta)
        # NumPy scalars: kernel arguments on a device, no transfer.
        return _range_values(be.xp, start[()], delta[()], n, start.dtype)


NotDifferentiable("Range")


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,  # noqa: A001
          name: str = "range") -> Tensor:
    """A 1-D sequence of numbers (`tf.range`), like Python's `range`.

    Args:
      start: First value (or `limit` when `limit` is None, starting at 0).
      limit: Exclusive upper bound.
      delta: Increment (default 1).
      dtype: Result type; by default the widest of the inputs' types (Python ints give int32,
        Python floats float32).
      name: Op name (default "range").

    Raises:
      ValueError: If `delta` is 0 or has the wrong sign (when known at build time).
    """
    if limit is None:
        start, limit = 0, start
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    graph = graph_of([v for v in (start, limit, delta) if _is_tensor_like(v)])
    with graph.as_default(), name_scope(name, "Range", [start, limit, delta]) as scope:
        start = convert_to_tensor(start, dtype=dtype, name="start")
        limit = convert_to_tensor(limit, dtype=dtype, name="limit")
        delta = convert_to_tensor(delta, dtype=dtype, name="delta")
        if dtype is None:
            order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
            for t in (start, limit, delta):
                if t.dtype not in order:
                    raise TypeError(f"tf.range: unsupported dtype {t.dtype.name} of {t.name}")
            inferred = max((t.dtype for t in (start, limit, delta)), key=order.index)
            if any(t.dtype != inferred for t in (start, limit, delta)):
                start, limit, delta = (_cast(t, inferred) for t in (start, limit, delta))
        return graph.create_op("Range", [start, limit, delta], name=scope).outputs[0]


@register_op("OneHot")
class OneHot(OpDef):
    """One-hot encoding of integer indices (out-of-range indices give all `off_value`); the
    depth is read in host memory."""

    host_inputs = (1,)

    def infer(self, indices, depth, on_value, off_value, *, axis=-1):
        if indices.dtype not in (dtypes.uint8, dtypes.int32, dtypes.int64):
            raise TypeError(f"OneHot: indices must be uint8, int32 or int64, got {indices.dtype.name}")
        if on_value.dtype != off_value.dtype:
            raise TypeError(f"dtype {on_value.dtype.name} of on_value does not match dtype "
                            f"{off_value.dtype.name} of off_value")
        d = _static_int(depth)
        if d is not None and d < 0:
            raise ValueError(f"depth must be non-negative, got: {d}")
        if indices.shape.ndims is None:
            return spec(on_value.dtype, None)
        dims = indices.shape.as_list()
        if not -1 <= axis <= len(dims):
            raise ValueError(f"Expected axis to be -1 or between [0, {len(dims)}).  But received: {axis}")
        a = len(dims) if axis == -1 else axis
        return spec(on_value.dtype, dims[:a] + [d] + dims[a:])

    def compute(self, be, indices, depth, on_value, off_value, *, axis=-1):
        xp = be.xp
        d = int(host_array(be, depth))
        if d < 0:
            raise ValueError(f"depth must be non-negative, got: {d}")
        a = indices.ndim if axis == -1 else axis
        classes = xp.arange(d, dtype=indices.dtype).reshape((d,) + (1,) * (indices.ndim - a))
        hot = xp.expand_dims(indices, a) == classes
        return xp.where(hot, on_value, off_value).astype(on_value.dtype, copy=False)


NotDifferentiable("OneHot")


def one_hot(indices: Any, depth: Any, on_value: Any = None, off_value: Any = None,
            axis: Optional[int] = None, dtype: Any = None, name: Optional[str] = None) -> Tensor:
    """One-hot tensor (`tf.one_hot`): `on_value` where `indices` names the class, else `off_value`.

    Args:
      indices: Integer tensor of class indices.
      depth: Number of classes.
      on_value, off_value: Scalars (default 1 and 0 of `dtype`).
      axis: Where the new axis goes (default -1: last).
      dtype: Output type (default: that of on/off_value, else float32).
      name: Op name (default "one_hot").

    Raises:
      TypeError: If `dtype`, `on_value` and `off_value` disagree.
    """
    graph = graph_of([v for v in (indices, depth, on_value, off_value) if _is_tensor_like(v)])
    with graph.as_default(), name_scope(name, "one_hot",
                                        [indices, depth, on_value, off_value]) as scope:
        dtype = None if dtype is None else dtypes.as_dtype(dtype)
        on_exists, off_exists = on_value is not None, off_value is not None
        on_dtype = convert_to_tensor(on_value).dtype if on_exists else None
        off_dtype = convert_to_tensor(off_value).dtype if off_exists else None
        if on_exists or off_exists:
            if dtype is not None:
                if on_exists and on_dtype != dtype:
                    raise TypeError(f"dtype {on_dtype.name} of on_value does not match dtype "
                                    f"parameter {dtype.name}")
                if off_exists and off_dtype != dtype:
                    raise TypeError(f"dtype {off_dtype.name} of off_value does not match dtype "
                                    f"parameter {dtype.name}")
            else:
                dtype = on_dtype if on_exists else off_dtype
        elif dtype is None:
            dtype = dtypes.float32
        on_value = on_value if on_exists else convert_to_tensor(1, dtype, name="on_value")
        off_value = off_value if off_exists else convert_to_tensor(0, dtype, name="off_value")
        on_dtype = on_dtype or dtype
        off_dtype = off_dtype or dtype
        if on_dtype != off_dtype:
            raise TypeError(f"dtype {on_dtype.name} of on_value does not match dtype "
                            f"{off_dtype.name} of off_value")
        return gen_tensor("OneHot", scope, [("indices", indices, None, dtypes.int32),
                                      ("depth", depth, (dtypes.int32,), None),
                                      ("on_value", on_value, (dtype,), None),
                                      ("off_value", off_value, (dtype,), None)],
                    {"axis": -1 if axis is None else axis})


@register_op("MatrixDiag")
class MatrixDiag(OpDef):
    """Batched diagonal matrices `[..., N] -> [..., N, N]`."""

    def infer(self, diagonal):
        s = diagonal.shape.with_rank_at_least(1)
        if s.ndims is None:
            return spec(diagonal.dtype, None)
        dims = s.as_list()
        return spec(diagonal.dtype, dims + [dims[-1]])

    def compute(self, be, d):
        xp = be.xp
        n = d.shape[-1]
        out = xp.zeros(d.shape + (n,), dtype=d.dtype)
        i = xp.arange(n)
        out[..., i, i] = d
        return out

    def gradient(self, op, grad):
        return [matrix_diag_part(grad)]


@register_op("MatrixDiagPart")
class MatrixDiagPart(OpDef):
    """The main diagonals of a batch of matrices `[..., M, N] -> [..., min(M, N)]`."""

    def infer(self, x):
        s = x.shape.with_rank_at_least(2)
        if s.ndims is None:
            return spec(x.dtype, None)
        dims = s.as_list()
        m, n = dims[-2:]
        k = None if m is None or n is None else min(m, n)
        return spec(x.dtype, dims[:-2] + [k])

    def compute(self, be, x):
        return be.xp.array(be.xp.diagonal(x, axis1=-2, axis2=-1))

    def gradient(self, op, grad):
        dims = op.inputs[0].shape[-2:]
        if dims.is_fully_defined() and dims[0] == dims[1]:
            return [matrix_diag(grad)]
        return [matrix_set_diag(zeros_like(op.inputs[0]), grad)]


@register_op("MatrixSetDiag")
class MatrixSetDiag(OpDef):
    """A batch of matrices with their main diagonals replaced."""

    def infer(self, x, diagonal):
        if x.dtype != diagonal.dtype:
            raise TypeError(f"MatrixSetDiag: input {x.dtype.name} and diagonal "
                            f"{diagonal.dtype.name} differ")
        s = x.shape.with_rank_at_least(2)
        if s.ndims is not None and diagonal.shape.ndims is not None:
            dims = s.as_list()
            m, n = dims[-2:]
            k = None if m is None or n is None else min(m, n)
            expect = TensorShape(dims[:-2] + [k])
            if not expect.is_compatible_with(diagonal.shape):
                raise ValueError(f"diagonal must have shape {expect}, got {diagonal.shape}")
        return spec(x.dtype, s)

    def compute(self, be, x, d):
        xp = be.xp
        out = xp.array(x, copy=True)
        k = min(x.shape[-2:])
        i = xp.arange(k)
        out[..., i, i] = d
        return out

    def gradient(self, op, grad):
        dshape = op.inputs[1].shape
        zeros_d = zeros_like(op.inputs[1]) if dshape.is_fully_defined() else \
            zeros_like(matrix_diag_part(grad))
        return [matrix_set_diag(grad, zeros_d), matrix_diag_part(grad)]


def matrix_diag(diagonal: Any, name: Optional[str] = None) -> Tensor:
    """Batched diagonal matrices with the given diagonals (`tf.matrix_diag`)."""
    return gen_tensor("MatrixDiag", name, [("diagonal", diagonal, None, None)])


def matrix_diag_part(input: Any, name: Optional[str] = None) -> Tensor:
    """The main diagonals of a batch of matrices (`tf.matrix_diag_part`)."""
    return gen_tensor("MatrixDiagPart", name, [("input", input, None, None)])


def matrix_set_diag(input: Any, diagonal: Any, name: Optional[str] = None) -> Tensor:
    """Replaces the main diagonals of a batch of matrices (`tf.matrix_set_diag`)."""
    return gen_tensor("MatrixSetDiag", name, [("input", input, None, None),
                                        ("diagonal", diagonal, None, None)])


def eye(num_rows: Any, num_columns: Any = None, batch_shape: Any = None,
        dtype: Any = dtypes.float32, name: Optional[str] = None) -> Tensor:
    """An identity matrix, or a batch of them (`tf.eye`).

    Args:
      num_rows: Rows of each matrix.
      num_columns: Columns (default `num_rows`).
      batch_shape: Optional leading batch dimensions (a list of ints).
      dtype: Element type (default float32).
      name: Name scope (default "eye").
    """
    with name_scope(name, "eye", [v for v in (num_rows, num_columns) if _is_tensor_like(v)]):
        is_square = num_columns is None
        num_columns = num_rows if num_columns is None else num_columns
        if any(_is_tensor_like(v) or isinstance(v, (list, tuple)) and _nested_dtype(v)
               for v in (num_rows, num_columns, batch_shape)):
            rows = convert_to_tensor(num_rows, dtype=dtypes.int32)
            cols = convert_to_tensor(num_columns, dtype=dtypes.int32)
            diag_size = _minimum(rows, cols)
            bshape = constant([], dtype=dtypes.int32) if batch_shape is None else \
                convert_to_tensor(_shape_input(batch_shape), dtype=dtypes.int32)
            diag_shape = concat([bshape, reshape(diag_size, [1])], 0)
            if not is_square:
                full = concat([bshape, stack([rows, cols])], 0)
        else:
            if not all(isinstance(v, (int, np.integer)) for v in (num_rows, num_columns)):
                raise TypeError(f"Arguments `num_rows` and `num_columns` must be positive integer "
                                f"values. Received: num_rows={num_rows}, num_columns={num_columns}")
            is_square = num_rows == num_columns
            batch = [] if batch_shape is None else [int(d) for d in _shape_input(batch_shape)]
            diag_shape = batch + [min(int(num_rows), int(num_columns))]
            full = batch + [int(num_rows), int(num_columns)]
        diag_ones = ones(diag_shape, dtype=dtype)
        if is_square:
            return matrix_diag(diag_ones)
        return matrix_set_diag(zeros(full, dtype=dtype), diag_ones)


# --- transpose --------------------------------------------------------------------------------
@register_op("InvertPermutation")
class InvertPermutation(OpDef):
    """The inverse of a permutation vector (metadata: computed in host memory)."""

    host_inputs = (0,)
    host_outputs = (0,)

    def infer(self, x):
        if x.dtype not in _INDEX_TYPES:
            raise TypeError(f"InvertPermutation: x must be int32 or int64, got {x.dtype.name}")
        return spec(x.dtype, x.shape.with_rank(1))

    def compute(self, be, x):
        x = host_array(be, x)
        n = x.shape[0]
        if n and not bool(np.all(np.sort(x) == np.arange(n, dtype=x.dtype))):
            raise ValueError(f"{x.tolist()} is not a permutation of 0..{n - 1}")
        return np.argsort(x).astype(x.dtype, copy=False)


NotDifferentiable("InvertPermutation")


def invert_permutation(x: Any, name: Optional[str] = None) -> Tensor:
    """The inverse permutation of `x` (`tf.invert_permutation`)."""
    return gen_tensor("InvertPermutation", name, [("x", x, _INDEX_TYPES, dtypes.int32)])


def _check_perm(perm: List[int], n: int) -> None:
    if len(perm) != n:
        raise ValueError(f"Dimension must be {n} but is {len(perm)} (perm {perm} for a rank-{n} "
                         f"input)")
    if sorted(perm) != list(builtins.range(n)):
        raise ValueError(f"perm {perm} is not a permutation of 0..{n - 1}")


@register_op("Transpose")
class Transpose(OpDef):
    """Permutes the dimensions (`out.shape[i] = x.shape[perm[i]]`; perm in host memory)."""

    host_memory_ok = True

    may_alias_input = True
    host_inputs = (1,)

    def infer(self, x, perm):
        if perm.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {perm.shape.ndims} (perm)")
        p = _const_ints(perm)
        n = x.shape.ndims
        if n is None and perm.shape.ndims == 1:
            n = perm.shape.as_list()[0]
        if p is None:
            return spec(x.dtype, None if n is None else [None] * n)
        if n is not None:
            _check_perm(p, n)
        if x.shape.ndims is None:
            return spec(x.dtype, [None] * len(p))
        dims = x.shape.as_list()
        return spec(x.dtype, [dims[i] for i in p])

    def kernel(self, be, op, ctx):
        xp = be.xp
        p = constant_value(op.inputs[1])
        if p is not None:
            axes = tuple(int(i) for i in np.asarray(p).reshape(-1))
            return lambda x, perm: xp.transpose(x, axes)
        return lambda x, perm: xp.transpose(x, host_ints(be, perm))

    def gradient(self, op, grad):
        return [transpose(grad, invert_permutation(op.inputs[1])), None]


def transpose(a: Any, perm: Any = None, name: str = "transpose", conjugate: bool = False) -> Tensor:
    """Permutes the dimensions of `a` (`tf.transpose`); by default reverses them.

    Args:
      a: A tensor.
      perm: A permutation of `range(rank(a))` (default: reversed).
      name: Op name (default "transpose").
      conjugate: For complex `a`, also conjugate (`ConjugateTranspose`).

    Raises:
      ValueError: If `perm` is not a permutation of the dimensions.
    """
    graph = graph_of([a, perm] if _is_tensor_like(perm) else [a])
    with graph.as_default(), name_scope(name, "transpose", [a]) as scope:
        a = convert_to_tensor(a, name="a")
        op_type = "ConjugateTranspose" if conjugate and a.dtype.is_complex else "Transpose"
        if perm is None:
            if a.shape.ndims is None:
                r = rank(a)
                perm = _subtract(_subtract(r, 1), range(0, r, 1))
            else:
                perm = np.arange(a.shape.ndims - 1, -1, -1, dtype=np.int32)
        return gen_tensor(op_type, scope, [("x", a, None, None), ("perm", perm, _INDEX_TYPES, dtypes.int32)])


@register_op("ConjugateTranspose")
class ConjugateTranspose(Transpose):
    """Transpose and complex conjugate."""

    may_alias_input = False
    host_memory_ok = False

    def kernel(self, be, op, ctx):
        base = Transpose.kernel(self, be, op, ctx)
        return lambda x, perm: be.xp.conj(base(x, perm))

    def gradient(self, op, grad):
        return [transpose(grad, invert_permutation(op.inputs[1]), conjugate=True), None]


def matrix_transpose(a: Any, name: str = "matrix_transpose", conjugate: bool = False) -> Tensor:
    """Transposes the last two dimensions of `a` (`tf.matrix_transpose`).

    Raises:
      ValueError: If `a` has rank < 2.
    """
    with name_scope(name, values=[a]):
        a = convert_to_tensor(a, name="a")
        n = a.shape.ndims
        if n is not None:
            if n < 2:
                raise ValueError(f"Argument 'a' should be a (batch) matrix, with rank >= 2.  "
                                 f"Found: {a.shape}")
            perm = list(builtins.range(n - 2)) + [n - 1, n - 2]
        else:
            r = rank(a)
            perm = concat([range(0, _subtract(r, 2), 1),
                           stack([_subtract(r, 1), _subtract(r, 2)])], 0)
        return transpose(a, perm=perm, conjugate=conjugate)


# --- expand_dims, squeeze ---------------------------------------------------------------------
@register_op("ExpandDims")
class ExpandDims(OpDef):
    """Inserts a dimension of size 1 at `axis` (read in host memory)."""

    host_memory_ok = True

    may_alias_input = True
    host_inputs = (1,)

    def infer(self, x, dim):
        if dim.shape.num_elements() not in (None, 1):
            raise ValueError(f"'dim' input must be a tensor with a single value, got shape {dim.shape}")
        a = _static_int(dim)
        if x.shape.ndims is None:
            return spec(x.dtype, None)
        n = x.shape.ndims
        if a is None:
            return spec(x.dtype, [None] * (n + 1))
        if not -n - 1 <= a <= n:
            raise ValueError(f"Tried to expand dim index {a} for tensor with {n} dimensions.")
        a = a % (n + 1)
        dims = x.shape.as_list()
        return spec(x.dtype, dims[:a] + [1] + dims[a:])

    def kernel(self, be, op, ctx):
        a = _static_int(op.inputs[1])
        if a is not None:
            return lambda x, dim: be.xp.expand_dims(x, a)
        return functools.partial(self.compute, be)

    def compute(self, be, x, dim):
        a = host_ints(be, dim)[0]
        if not -x.ndim - 1 <= a <= x.ndim:
            raise ValueError(f"Tried to expand dim index {a} for tensor with {x.ndim} dimensions.")
        return be.xp.expand_dims(x, a)

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0])), None]


def expand_dims(input: Any, axis: Any = None, name: Optional[str] = None, dim: Any = None) -> Tensor:
    """Inserts a dimension of size 1 at `axis` (`tf.expand_dims`).

    Args:
      input: A tensor.
      axis: Where to insert, in `[-rank(input) - 1, rank(input)]`.
      name: Op name (default "ExpandDims").
      dim: Deprecated alias of `axis`.

    Raises:
      ValueError: If no axis is given, both `axis` and `dim` are, or `axis` is out of range.
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return gen_tensor("ExpandDims", name, [("input", input, None, None),
                                     ("dim", axis, _INDEX_TYPES, dtypes.int32)])


@register_op("Squeeze")
class Squeeze(OpDef):
    """Removes dimensions of size 1 (all of them, or those in `squeeze_dims`)."""

    host_memory_ok = True

    may_alias_input = True

    def infer(self, x, *, squeeze_dims=()):
        if x.shape.ndims is None:
            return spec(x.dtype, None)
        dims = x.shape.as_list()
        n = len(dims)
        if squeeze_dims:
            axes = set()
            for a in squeeze_dims:
                if not -n <= a < n:
                    raise ValueError(f"Tried to squeeze dim index {a} for tensor with {n} dimensions.")
                a %= n
                if dims[a] is not None and dims[a] != 1:
                    raise ValueError(f"Can not squeeze dim[{a}], expected a dimension of 1, got {dims[a]}")
                axes.add(a)
            return spec(x.dtype, [d for i, d in enumerate(dims) if i not in axes])
        if any(d is None for d in dims):
            return spec(x.dtype, None)
        return spec(x.dtype, [d for d in dims if d != 1])

    def compute(self, be, x, *, squeeze_dims=()):
        if squeeze_dims:
            return be.xp.squeeze(x, axis=tuple(squeeze_dims))
        return be.xp.squeeze(x)

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0]))]


def squeeze(input: Any, axis: Any = None, name: Optional[str] = None, squeeze_dims: Any = None) -> Tensor:
    """Removes dimensions of size 1 (`tf.squeeze`).

    Args:
      input: A tensor.
      axis: An int or list of ints: the dimensions to remove (default: every size-1 one).
      name: Op name (default "Squeeze").
      squeeze_dims: Deprecated alias of `axis`.

    Raises:
      ValueError: If a named dimension is not of size 1, or both `axis` and `squeeze_dims`.
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'axis' and 'squeeze_dims'")
    axis = squeeze_dims if axis is None else axis
    if axis is None:
        axis = []
    elif isinstance(axis, (int, np.integer)):
        axis = [axis]
    return gen_tensor("Squeeze", name, [("input", input, None, None)],
                {"squeeze_dims": tuple(int(a) for a in axis)})


# --- concat, split ----------------------------------------------------------------------------
@register_op("ConcatV2")
class ConcatV2(OpDef):
    """Joins N tensors along `axis` (the last input, read in host memory)."""

    host_memory_ok = True
    host_inputs = (-1,)  # the axis, whatever the number of values

    def infer(self, *args):
        values, axis_t = args[:-1], args[-1]
        if axis_t.dtype not in _INDEX_TYPES:
            raise TypeError(f"ConcatV2: axis must be int32 or int64, got {axis_t.dtype.name}")
        if axis_t.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {axis_t.shape.ndims} (axis of ConcatV2)")
        _check_same_dtype("ConcatV2", "values", values)
        dtype = values[0].dtype
        ranks = [v.shape.ndims for v in values if v.shape.ndims is not None]
        if not ranks:
            return spec(dtype, None)
        n = ranks[0]
        for v in values:
            if v.shape.ndims is not None and v.shape.ndims != n:
                raise ValueError(f"Shape must be rank {n} but is rank {v.shape.ndims} for "
                                 f"ConcatV2 input {v.name} (shapes "
                                 f"{', '.join(str(u.shape) for u in values)})")
        if n == 0:
            raise ValueError("Can't concatenate scalars (use tf.stack instead)")
        a = _static_int(axis_t)
        if a is None:
            return spec(dtype, [None] * n)
        if not -n <= a < n:
            raise ValueError(f"ConcatOp : Expected concatenating dimensions in the range "
                             f"[{-n}, {n}), but got {a}")
        a %= n
        out: List[Optional[int]] = [None] * n
        total: Optional[int] = 0
        for v in values:
            if v.shape.ndims is None:
                total = None
                continue
            dims = v.shape.as_list()
            for i, d in enumerate(dims):
                if i == a:
                    continue
                if d is not None:
                    if out[i] is not None and out[i] != d:
                        raise ValueError(f"Dimension {i} in both shapes must be equal, but are "
                                         f"{out[i]} and {d}. Shapes are "
                                         f"{', '.join(str(u.shape) for u in values)}")
                    out[i] = d
            total = None if total is None or dims[a] is None else total + dims[a]
        out[a] = total
        return spec(dtype, out)

    def kernel(self, be, op, ctx):
        xp = be.xp
        a = _static_int(op.inputs[-1])
        if a is not None:
            return lambda *args: xp.concatenate(args[:-1], axis=a)
        return lambda *args: xp.concatenate(args[:-1], axis=int(host_array(be, args[-1])))

    def gradient(self, op, grad):
        values, axis_t = op.inputs[:-1], op.inputs[-1]
        if len(values) == 1:
            return [grad, None]
        shapes = [v.shape for v in values]
        a = _static_int(axis_t)
        if a is not None and all(s.is_fully_defined() for s in shapes):
            n = shapes[0].ndims
            a %= n
            grads, offset = [], 0
            for s in shapes:
                dims = s.as_list()
                begin = [0] * n
                begin[a] = offset
                offset += dims[a]
                grads.append(slice(grad, begin, dims))
            return grads + [None]
        sizes = shape_n(list(values))
        offsets = make_op("ConcatOffset", [axis_t] + sizes, name="ConcatOffset").outputs
        return [slice(grad, b, s) for b, s in zip(offsets, sizes)] + [None]


def _concat_offsets(xp, axis, shapes):
    shapes = [[int(d) for d in s] for s in shapes]
    n = len(shapes[0])
    a = int(axis)
    if not -n <= a < n:
        raise ValueError(f"Concat dim is out of range: {a} vs. {n}")
    a %= n
    out, off = [], 0
    for s in shapes:
        o = [0] * n
        o[a] = off
        off += s[a]
        out.append(np.asarray(o, dtype=np.int32))
    return out


@register_op("ConcatOffset")
class ConcatOffset(OpDef):
    """The offsets of each input in a concatenation (for the ConcatV2 gradient); all in host
    memory."""

    host_inputs = _ALL
    host_outputs = _ALL

    def infer(self, axis, *shapes):
        return [spec(s.dtype, s.shape) for s in shapes]

    def compute(self, be, axis, *shapes):
        shapes = [host_array(be, s) for s in shapes]
        offs = _concat_offsets(np, host_array(be, axis), shapes)
        return tuple(o.astype(s.dtype) for o, s in zip(offs, shapes))


NotDifferentiable("ConcatOffset")


def concat(values: Any, axis: Any, name: str = "concat") -> Tensor:
    """Concatenates tensors along `axis` (`tf.concat`, op ConcatV2).

    A single value is returned through an Identity named "<name>/<name>", as in TF1.

    Raises:
      ValueError: If ranks differ or non-axis dimensions do not match.
      TypeError: If dtypes differ.
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    values = list(values)
    if len(values) == 1:
        graph = graph_of([values[0]] + ([axis] if _is_tensor_like(axis) else []))
        with graph.as_default(), name_scope(name):
            a = convert_to_tensor(axis, name="concat_dim", dtype=dtypes.int32)
            a.shape.assert_has_rank(0)
            return identity(values[0], name=name)
    return gen_tensor("ConcatV2", name, _same_type_inputs(values, "values") +
                [("axis", axis, _INDEX_TYPES, dtypes.int32)])


@register_op("Split")
class Split(OpDef):
    """Splits `value` into `num_split` equal pieces along `split_dim` (the first input, read
    in host memory)."""

    may_alias_input = True
    host_inputs = (0,)

    def infer(self, split_dim, value, *, num_split):
        a = _static_int(split_dim)
        if value.shape.ndims is None:
            return [spec(value.dtype, None)] * num_split
        dims = value.shape.as_list()
        n = len(dims)
        if a is None:
            return [spec(value.dtype, [None] * n)] * num_split
        if not -n <= a < n:
            raise ValueError(f"Dimension must be in range [{-n}, {n}), but is {a}")
        a %= n
        if dims[a] is not None:
            if num_split <= 0 or dims[a] % num_split:
                raise ValueError(f"Dimension size must be evenly divisible by {num_split} but is "
                                 f"{dims[a]}")
            dims[a] //= num_split
        return [spec(value.dtype, dims)] * num_split

    def compute(self, be, split_dim, value, *, num_split):
        a = int(host_array(be, split_dim))
        if value.shape[a] % num_split:
            raise ValueError(f"Number of ways to split should evenly divide the split dimension, "
                             f"but got split_dim {a} (size = {value.shape[a]}) and num_split {num_split}")
        return tuple(be.xp.split(value, num_split, axis=a))

    def gradient(self, op, *grads):
        return [None, concat(_fill_none_grads(op, grads), op.inputs[0])]


@register_op("SplitV")
class SplitV(OpDef):
    """Splits `value` into pieces of the given sizes (one may be -1) along `axis` (both read
    in host memory)."""

    may_alias_input = True
    host_inputs = (1, 2)

    def infer(self, value, size_splits, axis, *, num_split):
        sizes = _const_ints(size_splits)
        a = _static_int(axis)
        if value.shape.ndims is None:
            return [spec(value.dtype, None)] * num_split
        dims = value.shape.as_list()
        n = len(dims)
        if a is None:
            return [spec(value.dtype, [None] * n)] * num_split
        if not -n <= a < n:
            raise ValueError(f"Dimension must be in range [{-n}, {n}), but is {a}")
        a %= n
        if sizes is None:
            return [spec(value.dtype, dims[:a] + [None] + dims[a + 1:])] * num_split
        if len(sizes) != num_split:
            raise ValueError(f"size_splits has {len(sizes)} entries, expected num_split={num_split}")
        sizes = _resolve_split_sizes(sizes, dims[a])
        return [spec(value.dtype, dims[:a] + [s] + dims[a + 1:]) for s in sizes]

    def compute(self, be, value, size_splits, axis, *, num_split):
        a = int(host_array(be, axis))
        sizes = _resolve_split_sizes(list(host_ints(be, size_splits)), value.shape[a])
        bounds = np.cumsum(sizes)[:-1].tolist()
        return tuple(be.xp.split(value, bounds, axis=a))

    def gradient(self, op, *grads):
        return [concat(_fill_none_grads(op, grads), op.inputs[2]), None, None]


def _resolve_split_sizes(sizes: List[int], dim: Optional[int]) -> List[Optional[int]]:
    """Fills in the -1 of SplitV sizes and checks they add up to `dim`."""
    if sum(1 for s in sizes if s == -1) > 1:
        raise ValueError(f"Only one dimensions can have a value of -1. Second one found at "
                         f"index {[i for i, s in enumerate(sizes) if s == -1][1]}")
    if any(s < -1 for s in sizes):
        raise ValueError(f"Split sizes must be >= -1, got {sizes}")
    known = sum(s for s in sizes if s != -1)
    if dim is None:
        return [None if s == -1 else s for s in sizes]
    if -1 in sizes:
        if known > dim:
            raise ValueError(f"The specified sizes {sizes} exceed the dimension size {dim}")
        return [dim - known if s == -1 else s for s in sizes]
    if known != dim:
        raise ValueError(f"Determined shape must either match input shape along split_dim "
                         f"exactly if fully specified, or be less than the size of the input "
                         f"along split_dim if not fully specified.  Got: {known} vs. {dim}")
    return sizes


def split(value: Any, num_or_size_splits: Any, axis: Any = 0, num: Optional[int] = None,
          name: str = "split") -> List[Tensor]:
    """Splits a tensor into sub-tensors along `axis` (`tf.split`: Split or SplitV).

    Args:
      value: The tensor to split.
      num_or_size_splits: An int (equal pieces; op Split) or a 1-D list/tensor of sizes, one
        of which may be -1 (op SplitV).
      axis: The dimension to split (default 0).
      num: The number of pieces when `num_or_size_splits` is a tensor of unknown length.
      name: Op name (default "split").

    Returns:
      A list of tensors.

    Raises:
      ValueError: If the sizes do not fit the dimension, or `num` cannot be inferred.
    """
    # TF1 converts the argument first, even an int (leaving a stray Const in the graph).
    graph = graph_of([v for v in (value, num_or_size_splits, axis) if _is_tensor_like(v)])
    with graph.as_default():
        size_splits = convert_to_tensor(num_or_size_splits)
    if isinstance(num_or_size_splits, (int, np.integer, Dimension)) and \
            not isinstance(num_or_size_splits, bool):
        n = int(num_or_size_splits)
        return gen_op("Split", name, [("split_dim", axis, (dtypes.int32,), None),
                                       ("value", value, None, None)], {"num_split": n}).outputs
    if size_splits.shape.ndims == 0:
        raise ValueError(f"Rank-0 tensors are not supported as the num_or_size_splits argument "
                         f"to split. Argument provided: {num_or_size_splits}")
    if num is None:
        dims = size_splits.shape.as_list() if size_splits.shape.ndims is not None else [None]
        num = dims[0]
        if num is None:
            raise ValueError(f"Cannot infer num from shape {num_or_size_splits}")
    return gen_op("SplitV", name, [("value", value, None, None),
                                    ("size_splits", size_splits, _INDEX_TYPES, None),
                                    ("split_dim", axis, (dtypes.int32,), None)],
                   {"num_split": num}).outputs


# --- tile, pad --------------------------------------------------------------------------------
@register_op("Tile")
class Tile(OpDef):
    """Repeats the input `multiples[i]` times along dimension i (multiples in host memory)."""

    host_inputs = (1,)

    def infer(self, x, multiples):
        if multiples.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {multiples.shape.ndims} (multiples)")
        m = _partial_shape_vector(multiples)
        n = x.shape.ndims
        if m is not None and n is not None and len(m) != n:
            raise ValueError(f"Shape must be rank {len(m)} but is rank {n}: multiples has "
                             f"{len(m)} entries for a rank-{n} input")
        if m is None:
            return spec(x.dtype, None if n is None else [None] * n)
        if any(v is not None and v < 0 for v in m):
            raise ValueError(f"Expected multiples to be non-negative, got {m}")
        if n is None:
            return spec(x.dtype, [None] * len(m))
        return spec(x.dtype, [None if (d is None or k is None) else d * k
                              for d, k in zip(x.shape.as_list(), m)])

    def compute(self, be, x, multiples):
        reps = host_ints(be, multiples)
        if len(reps) != x.ndim:
            raise ValueError(f"Expected multiples argument to be a vector of length {x.ndim} "
                             f"but got length {len(reps)}")
        return be.xp.tile(x, reps) if reps else be.xp.array(x, copy=True)

    def gradient(self, op, grad):
        x, multiples = op.inputs
        xs = x.shape
        m = _const_ints(multiples)
        if xs.is_fully_defined() and m is not None:
            split_shape = [v for pair in zip(m, xs.as_list()) for v in pair]
            axes = list(builtins.range(0, len(split_shape), 2))
            out = _reduce_sum(reshape(grad, split_shape), axes)
        else:
            # Interleave multiples and the input shape: reshape to [m0, d0, m1, d1, ...] and
            # sum the even (tiled) axes.
            split_shape = reshape(transpose(stack([multiples, shape(x, out_type=multiples.dtype)])), [-1])
            axes = range(0, size(split_shape), 2)
            out = _reduce_sum(reshape(grad, split_shape), axes)
        out.set_shape(xs)
        return [out, None]


def tile(input: Any, multiples: Any, name: Optional[str] = None) -> Tensor:
    """Repeats `input` `multiples[i]` times along each dimension i (`tf.tile`)."""
    return gen_tensor("Tile", name, [("input", input, None, None),
                               ("multiples", _shape_input(multiples), _INDEX_TYPES, dtypes.int32)])


def _paddings_spec(x: Tensor, paddings: Tensor):
    """Static output dims of a pad, validating the [rank, 2] paddings."""
    ps = paddings.shape
    if ps.ndims is not None and ps.ndims != 2:
        raise ValueError(f"Shape must be rank 2 but is rank {ps.ndims} (paddings)")
    n = x.shape.ndims
    if ps.ndims == 2:
        rows, cols = ps.as_list()
        if cols is not None and cols != 2:
            raise ValueError(f"Dimension 1 in both shapes must be equal, but are {cols} and 2 "
                             f"(paddings must have shape [rank, 2], got {ps})")
        if rows is not None and n is not None and rows != n:
            raise ValueError(f"The first dimension of paddings must be the rank of inputs"
                             f"[{rows},2] {x.shape}")
        if n is None:
            n = rows
    p = constant_value(paddings)
    if n is None:
        return None
    if p is None:
        return [None] * n
    p = np.asarray(p).reshape(-1, 2)
    if (p < 0).any():
        raise ValueError(f"Paddings must be non-negative, got {p.tolist()}")
    if x.shape.ndims is None:
        return [None] * n
    return [None if d is None else d + int(a) + int(b) for d, (a, b) in zip(x.shape.as_list(), p)]


@register_op("Pad")
class Pad(OpDef):
    """Pads with zeros; `paddings[i] = [before, after]` for dimension i (in host memory)."""

    host_inputs = (1,)

    def infer(self, x, paddings):
        return spec(x.dtype, _paddings_spec(x, paddings))

    def compute(self, be, x, paddings):
        p = _pairs(be, paddings)
        _check_pad_rank(x, p)
        return be.xp.pad(x, p, mode="constant")

    def gradient(self, op, grad):
        return [_pad_grad(op, grad), None]


@register_op("PadV2")
class PadV2(OpDef):
    """Pads with a given scalar `constant_values` (paddings in host memory)."""

    host_inputs = (1,)

    def infer(self, x, paddings, constant_values):
        if constant_values.dtype != x.dtype:
            raise TypeError(f"PadV2: constant_values has type {constant_values.dtype.name}, "
                            f"input {x.dtype.name}")
        if constant_values.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {constant_values.shape.ndims} "
                             f"(constant_values)")
        return spec(x.dtype, _paddings_spec(x, paddings))

    def compute(self, be, x, paddings, constant_values):
        p = _pairs(be, paddings)
        _check_pad_rank(x, p)
        return be.xp.pad(x, p, mode="constant", constant_values=constant_values)

    def gradient(self, op, grad):
        return [_pad_grad(op, grad), None, None]


def _pairs(be, paddings) -> List[tuple]:
    """Host paddings `[rank, 2]` as a list of (before, after) Python int pairs."""
    p = host_array(be, paddings)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"paddings must be a matrix with 2 columns: {list(p.shape)}")
    return [tuple(row) for row in p.tolist()]


def _check_pad_rank(x, p) -> None:
    if len(p) != x.ndim:
        raise ValueError(f"The first dimension of paddings must be the rank of inputs "
                         f"[{len(p)},2] {list(x.shape)}")
    if any(a < 0 or b < 0 for a, b in p):
        raise ValueError(f"Paddings must be non-negative: {p}")


def _pad_grad(op, grad) -> Tensor:
    """Slices the input's region out of the padded gradient (TF1's _PadGrad)."""
    x, paddings = op.inputs[0], op.inputs[1]
    p = constant_value(paddings)
    if p is not None and x.shape.is_fully_defined():
        begin = [int(v) for v in np.asarray(p).reshape(-1, 2)[:, 0]]
        return slice(grad, begin, x.shape.as_list())
    pad_before = slice(paddings, [0, 0], stack([rank(x), 1]))
    begin = reshape(pad_before, [-1])
    return slice(grad, begin, shape(x, out_type=begin.dtype))


def _mirror_offset(mode: str) -> int:
    return 1 if mode == "REFLECT" else 0


@register_op("MirrorPad")
class MirrorPad(OpDef):
    """Pads by mirroring the input (REFLECT excludes the edge, SYMMETRIC includes it);
    paddings in host memory."""

    host_inputs = (1,)

    def infer(self, x, paddings, *, mode):
        if mode not in ("REFLECT", "SYMMETRIC"):
            raise ValueError(f"mode must be REFLECT or SYMMETRIC, got {mode}")
        dims = _paddings_spec(x, paddings)
        p = constant_value(paddings)
        if p is not None and x.shape.ndims is not None:
            off = _mirror_offset(mode)
            for d, (a, b) in zip(x.shape.as_list(), np.asarray(p).reshape(-1, 2)):
                if d is not None and (a > d - off or b > d - off):
                    raise ValueError(f"paddings must be no greater than the dimension size: "
                                     f"{a}, {b} greater than {d - off}")
        return spec(x.dtype, dims)

    def compute(self, be, x, paddings, *, mode):
        p = _pairs(be, paddings)
        _check_pad_rank(x, p)
        off = _mirror_offset(mode)
        for d, (a, b) in zip(x.shape, p):
            if a > d - off or b > d - off:
                raise ValueError(f"paddings must be no greater than the dimension size: "
                                 f"{a}, {b} greater than {d - off}")
        return be.xp.pad(x, p, mode=mode.lower())

    def gradient(self, op, grad):
        return [gen_tensor("MirrorPadGrad", None, [("input", grad, None, None),
                                              ("paddings", op.inputs[1], None, None)],
                     {"mode": op.attrs["mode"]}), None]


@register_op("MirrorPadGrad")
class MirrorPadGrad(OpDef):
    """Folds the mirrored borders of a MirrorPad gradient back onto the input region
    (paddings in host memory)."""

    host_inputs = (1,)

    def infer(self, g, paddings, *, mode):
        if g.shape.ndims is None:
            return spec(g.dtype, None)
        p = constant_value(paddings)
        if p is None:
            return spec(g.dtype, [None] * g.shape.ndims)
        return spec(g.dtype, [None if d is None else d - int(a) - int(b)
                              for d, (a, b) in zip(g.shape.as_list(), np.asarray(p).reshape(-1, 2))])

    def compute(self, be, g, paddings, *, mode):
        off = _mirror_offset(mode)
        out = g
        for axis, (a, b) in enumerate(_pairs(be, paddings)):
            n = out.shape[axis] - a - b

            def part(lo, hi, _axis=axis, _out=out):
                idx = [builtins.slice(None)] * _out.ndim
                idx[_axis] = builtins.slice(lo, hi)
                return _out[tuple(idx)]

            res = be.xp.array(part(a, a + n), copy=True)
            res_idx = [builtins.slice(None)] * out.ndim
            if a:
                res_idx[axis] = builtins.slice(off, off + a)
                res[tuple(res_idx)] += be.xp.flip(part(0, a), axis=axis)
            if b:
                res_idx[axis] = builtins.slice(n - off - b, n - off)
                res[tuple(res_idx)] += be.xp.flip(part(a + n, a + n + b), axis=axis)
            out = res
        return out if out is not g else be.xp.array(g, copy=True)

    def gradient(self, op, grad):
        return [gen_tensor("MirrorPad", None, [("input", grad, None, None),
                                          ("paddings", op.inputs[1], None, None)],
                     {"mode": op.attrs["mode"]}), None]




def pad(tensor: Any, paddings: Any, mode: str = "CONSTANT", name: Optional[str] = None,
        constant_values: Any = 0) -> Tensor:
    """Pads a tensor (`tf.pad`): Pad, PadV2 (non-zero `constant_values`) or MirrorPad.

    Args:
      tensor: The tensor to pad.
      paddings: An int `[rank, 2]` list/tensor of `[before, after]` amounts.
      mode: "CONSTANT", "REFLECT" or "SYMMETRIC" (case-insensitive).
      name: Op name.
      constant_values: The pad value for CONSTANT mode.

    Raises:
      ValueError: For an unknown mode or bad paddings.
    """
    mode = mode.upper()
    pin = ("paddings", paddings, _INDEX_TYPES, dtypes.int32)
    if mode == "CONSTANT":
        if not _is_tensor_like(constant_values) and np.all(np.asarray(constant_values) == 0):
            result = gen_tensor("Pad", name, [("input", tensor, None, None), pin])
        else:
            hint = tensor.dtype if _is_tensor_like(tensor) else None
            result = gen_tensor("PadV2", name, [("input", tensor, None, None), pin,
                                          ("constant_values", constant_values, None, hint)])
    elif mode in ("REFLECT", "SYMMETRIC"):
        result = gen_tensor("MirrorPad", name, [("input", tensor, None, None), pin], {"mode": mode})
    else:
        raise ValueError(f"Unknown padding mode: {mode}")
    return result


# --- slice ------------------------------------------------------------------------------------
def _slice_index(dims, begin, size_):
    idx = []
    for d, b, s in zip(dims, begin, size_):
        b, s = int(b), int(s)
        e = d if s == -1 else b + s
        if not (0 <= b <= d and b <= e <= d):
            raise ValueError(f"Expected begin[i] in [0, {d}] and size[i] in [-1, {d - b}], but "
                             f"got begin {b} and size {s}")
        idx.append(builtins.slice(b, e))
    return tuple(idx)


@register_op("Slice")
class Slice(OpDef):
    """The `size`-shaped block starting at `begin` (size -1: to the end); begin and size are
    read in host memory."""

    host_memory_ok = True

    may_alias_input = True
    host_inputs = (1, 2)

    def infer(self, x, begin, size_):
        b = _const_ints(begin)
        s = _partial_shape_vector(size_)
        n = x.shape.ndims
        for v, arg in ((b, "begin"), (s, "size")):
            if v is not None and n is not None and len(v) != n:
                raise ValueError(f"Length of {arg} {len(v)} must equal the rank of the input {n} "
                                 f"(shape {x.shape})")
        if n is None:
            n = len(s) if s is not None else (len(b) if b is not None else None)
            if n is None:
                return spec(x.dtype, None)
            return spec(x.dtype, [None if s is None or s[i] is None or s[i] < 0 else s[i]
                                  for i in builtins.range(n)])
        dims = x.shape.as_list()
        out = []
        for i, d in enumerate(dims):
            bi = None if b is None else b[i]
            si = None if s is None else s[i]
            if bi is not None and bi < 0:
                raise ValueError(f"Expected begin[{i}] >= 0, got {bi}")
            if si is not None and si < -1:
                raise ValueError(f"Expected size[{i}] >= -1, got {si}")
            if si is not None and si >= 0:
                if d is not None and bi is not None and bi + si > d:
                    raise ValueError(f"Expected size[{i}] in [0, {d - bi}], but got {si}")
                out.append(si)
            elif si == -1 and d is not None and bi is not None:
                if bi > d:
                    raise ValueError(f"Expected begin[{i}] in [0, {d}], but got {bi}")
                out.append(d - bi)
            else:
                out.append(None)
        return spec(x.dtype, out)

    def compute(self, be, x, begin, size_):
        out = x[_slice_index(x.shape, host_ints(be, begin), host_ints(be, size_))]
        return out if x.ndim else be.xp.asarray(out)

    def gradient(self, op, grad):
        x, begin = op.inputs[0], op.inputs[1]
        xs, ys = x.shape, op.outputs[0].shape
        b = _const_ints(begin)
        if b is not None and xs.is_fully_defined() and ys.is_fully_defined():
            paddings = [[bi, d - bi - s] for bi, d, s in zip(b, xs.as_list(), ys.as_list())]
            return [pad(grad, paddings), None, None]
        input_rank = rank(x)
        slice_size = shape(op.outputs[0], out_type=begin.dtype)
        pshape = stack([input_rank, 1])
        before = reshape(begin, pshape)
        after = reshape(_subtract(_subtract(shape(x, out_type=begin.dtype), slice_size), begin), pshape)
        return [pad(grad, concat([before, after], 1)), None, None]


def slice(input_: Any, begin: Any, size: Any, name: Optional[str] = None) -> Tensor:  # noqa: A001
    """Extracts a block of `size` starting at `begin` (`tf.slice`); size -1 means "to the end".

    Raises:
      ValueError: If begin/size do not fit the input's static shape.
    """
    return gen_tensor("Slice", name, [("input", input_, None, None),
                                ("begin", _shape_input(begin), _INDEX_TYPES, dtypes.int32),
                                ("size", _shape_input(size), _INDEX_TYPES, dtypes.int32)])


# --- strided slice ----------------------------------------------------------------------------
_SS_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def _ss_entries(begin, end, strides, masks) -> List[tuple]:
    """TF1's sparse strided-slice spec as entries, with an implicit trailing ellipsis.

    Entries: ("...",), ("new",), ("shrink", begin, stride) or
    ("slice", begin, end, stride, begin_masked, end_masked); values may be None (unknown).
    An ellipsis bit wins over new_axis, which wins over shrink.
    """
    n = len(strides)
    if begin is not None and len(begin) != n or end is not None and len(end) != n:
        raise ValueError(f"Expected begin, end, and strides to be 1D equal size tensors, but got "
                         f"shapes [{len(begin) if begin is not None else '?'}], "
                         f"[{len(end) if end is not None else '?'}], and [{n}] instead.")
    ell = masks["ellipsis_mask"]
    if ell & (ell - 1):
        raise ValueError("Multiple ellipses in slice spec not allowed")
    entries = []
    for i in builtins.range(n):
        bit = 1 << i
        b = None if begin is None else int(begin[i])
        e = None if end is None else int(end[i])
        s = None if strides[i] is None else int(strides[i])
        if ell & bit:
            entries.append(("...",))
        elif masks["new_axis_mask"] & bit:
            entries.append(("new",))
        elif masks["shrink_axis_mask"] & bit:
            if s is not None and s <= 0:
                raise ValueError("only stride 1 allowed on non-range indexing.")
            entries.append(("shrink", b, s))
        else:
            if s == 0:
                raise ValueError(f"strides[{i}] must be non-zero")
            entries.append(("slice", b, e, s, bool(masks["begin_mask"] & bit),
                            bool(masks["end_mask"] & bit)))
    if not ell:
        entries.append(("...",))
    return entries


def _ss_index(entries) -> tuple:
    """The NumPy index equivalent to (fully known) strided-slice entries."""
    idx = []
    for e in entries:
        if e[0] == "...":
            idx.append(Ellipsis)
        elif e[0] == "new":
            idx.append(None)
        elif e[0] == "shrink":
            idx.append(e[1])
        else:
            idx.append(builtins.slice(None if e[4] else e[1], None if e[5] else e[2], e[3]))
    return tuple(idx)


def _ss_shape(dims: List[Optional[int]], entries) -> List[Optional[int]]:
    """Static output dims of a strided slice (TF1's ValidateStridedSliceOp on partial shapes)."""
    rank_ = len(dims)
    consumed = sum(1 for e in entries if e[0] in ("shrink", "slice"))
    if consumed > rank_:
        raise ValueError(f"Index out of range using input dim {rank_}; input has only {rank_} dims")
    out: List[Optional[int]] = []
    d = 0
    for e in entries:
        if e[0] == "...":
            k = rank_ - consumed
            out.extend(dims[d:d + k])
            d += k
            consumed = rank_  # only the first ellipsis expands
        elif e[0] == "new":
            out.append(1)
        elif e[0] == "shrink":
            size_d, b = dims[d], e[1]
            if size_d is not None and b is not None and not -size_d <= b < size_d:
                raise ValueError(f"slice index {b} of dimension {d} out of bounds.")
            d += 1
        else:
            _, b, en, s, bm, em = e
            size_d = dims[d]
            d += 1
            if size_d is None or s is None or (b is None and not bm) or (en is None and not em):
                out.append(None)
                continue
            start, stop = (None if bm else b), (None if em else en)
            out.append(len(builtins.range(*builtins.slice(start, stop, s).indices(size_d))))
    return out


def _ss_infer_entries(begin: Tensor, end: Tensor, strides: Tensor, attrs):
    for t, arg in ((begin, "begin"), (end, "end"), (strides, "strides")):
        if t.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {t.shape.ndims} ({arg} of StridedSlice)")
        if t.dtype not in _INDEX_TYPES:
            raise TypeError(f"StridedSlice: {arg} must be int32 or int64, got {t.dtype.name}")
    s = constant_value(strides)
    if s is None:
        return None
    b, e = constant_value(begin), constant_value(end)
    return _ss_entries(None if b is None else np.asarray(b).reshape(-1),
                       None if e is None else np.asarray(e).reshape(-1),
                       np.asarray(s).reshape(-1), attrs)


class _StridedSliceBase(OpDef):
    """Shared host-side decoding of begin/end/strides into a NumPy index."""

    @staticmethod
    def _index(be, begin, end, strides, attrs):
        return _ss_index(_ss_entries(host_ints(be, begin), host_ints(be, end),
                                     host_ints(be, strides), attrs))

    @staticmethod
    def _static_index(op, first):
        vals = [constant_value(t) for t in op.inputs[first:first + 3]]
        if any(v is None for v in vals):
            return None
        return _ss_index(_ss_entries(*(np.asarray(v).reshape(-1) for v in vals), op.attrs))


@register_op("StridedSlice")
class StridedSlice(_StridedSliceBase):
    """Python-style slicing `x[begin:end:strides]` with TF1's mask attributes (begin, end
    and strides are read in host memory)."""

    host_memory_ok = True

    may_alias_input = True
    host_inputs = (1, 2, 3)

    def infer(self, x, begin, end, strides, **masks):
        entries = _ss_infer_entries(begin, end, strides, masks)
        if entries is None or x.shape.ndims is None:
            return spec(x.dtype, None)
        return spec(x.dtype, _ss_shape(x.shape.as_list(), entries))

    def kernel(self, be, op, ctx):
        xp = be.xp
        attrs = {k: op.attrs[k] for k in _SS_MASKS}
        scalar = op.outputs[0].shape.ndims == 0
        idx = self._static_index(op, 1)
        if idx is not None:
            if scalar:
                return lambda x, b, e, s: xp.asarray(x[idx])
            return lambda x, b, e, s: x[idx]
        return lambda x, b, e, s: xp.asarray(x[self._index(be, b, e, s, attrs)])

    def gradient(self, op, grad):
        begin, end, strides = op.inputs[1:]
        x_shape = shape(op.inputs[0], out_type=begin.dtype)
        return [strided_slice_grad(x_shape, begin, end, strides, grad,
                                   **{k: op.attrs[k] for k in _SS_MASKS}), None, None, None]


@register_op("StridedSliceGrad")
class StridedSliceGrad(_StridedSliceBase):
    """Scatters `dy` into zeros of `shape` at the strided slice given by begin/end/strides
    (shape, begin, end and strides are read in host memory)."""

    host_inputs = (0, 1, 2, 3)

    def infer(self, shape_, begin, end, strides, dy, **masks):
        dims = _partial_shape_vector(shape_)
        entries = _ss_infer_entries(begin, end, strides, masks)
        if dims is not None and entries is not None:
            expect = _ss_shape(dims, entries)
            if not dy.shape.is_compatible_with(expect):
                raise ValueError(f"StridedSliceGrad: dy has shape {dy.shape}, the slice of "
                                 f"{dims} has shape {TensorShape(expect)}")
        return spec(dy.dtype, dims)

    def kernel(self, be, op, ctx):
        xp = be.xp
        attrs = {k: op.attrs[k] for k in _SS_MASKS}
        static = self._static_index(op, 1)

        def grad(shape_, b, e, s, dy):
            out = xp.zeros(host_ints(be, shape_), dtype=dy.dtype)
            out[static if static is not None else self._index(be, b, e, s, attrs)] = dy
            return out
        return grad

    def gradient(self, op, grad):
        begin, end, strides = op.inputs[1:4]
        return [None, None, None, None,
                strided_slice(grad, begin, end, strides, **{k: op.attrs[k] for k in _SS_MASKS})]


def strided_slice_grad(shape: Any, begin: Any, end: Any, strides: Any, dy: Any,
                       begin_mask: int = 0, end_mask: int = 0, ellipsis_mask: int = 0,
                       new_axis_mask: int = 0, shrink_axis_mask: int = 0,
                       name: Optional[str] = None) -> Tensor:
    """The gradient of `strided_slice`: `dy` scattered into zeros of `shape`."""
    idx = ("shape", shape, _INDEX_TYPES, dtypes.int32)
    return gen_tensor("StridedSliceGrad", name,
                [idx, ("begin", begin, _INDEX_TYPES, dtypes.int32),
                 ("end", end, _INDEX_TYPES, dtypes.int32),
                 ("strides", strides, _INDEX_TYPES, dtypes.int32), ("dy", dy, None, None)],
                {"begin_mask": begin_mask, "end_mask": end_mask, "ellipsis_mask": ellipsis_mask,
                 "new_axis_mask": new_axis_mask, "shrink_axis_mask": shrink_axis_mask})


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None, begin_mask: int = 0,
                  end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0, var: Any = None, name: Optional[str] = None) -> Tensor:
    """Strided slice with TF1's mask semantics (`tf.strided_slice`).

    Args:
      input_: The tensor to slice.
      begin, end, strides: 1-D int lists/tensors of one length (strides default to ones).
      begin_mask, end_mask: Bit i set: ignore begin[i] / end[i] (use the full range).
      ellipsis_mask: Bit i set: position i is `...`.
      new_axis_mask: Bit i set: position i inserts a dimension of size 1.
      shrink_axis_mask: Bit i set: position i takes index begin[i] and removes the dimension.
      var: Accepted for compatibility (slice assignment is not supported).
      name: Op name (default "StridedSlice").

    Raises:
      ValueError: If a static index is out of bounds or the spec is invalid.
    """
    if strides is None:
        strides = ones_like(begin)
    return gen_tensor("StridedSlice", name,
                [("input", input_, None, None), ("begin", begin, _INDEX_TYPES, dtypes.int32),
                 ("end", end, _INDEX_TYPES, dtypes.int32),
                 ("strides", strides, _INDEX_TYPES, dtypes.int32)],
                {"begin_mask": begin_mask, "end_mask": end_mask, "ellipsis_mask": ellipsis_mask,
                 "new_axis_mask": new_axis_mask, "shrink_axis_mask": shrink_axis_mask})


_SLICE_TYPE_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                     "scalar tf.int32/tf.int64 tensors are valid indices")


def _check_index(idx: Any) -> None:
    if isinstance(idx, (int, Dimension)) and not isinstance(idx, bool):
        return
    dtype = getattr(idx, "dtype", None)
    try:
        ok = dtype is not None and dtypes.as_dtype(dtype) in _INDEX_TYPES
    except TypeError:
        ok = False
    idx_shape = getattr(idx, "shape", None)
    if isinstance(idx_shape, TensorShape):
        one_d = idx_shape.ndims == 1
    else:
        one_d = idx_shape is not None and len(idx_shape) == 1
    if not ok or one_d:
        raise TypeError(f"{_SLICE_TYPE_ERROR}, got {idx!r}")


def _index_value(v: Any) -> Any:
    if isinstance(v, Dimension):
        return int(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def _slice_helper(tensor: Any, slice_spec: Any, var: Any = None) -> Tensor:
    """`tensor[slice_spec]` as TF1 builds it: one StridedSlice named "strided_slice".

    Supports ints, slices (negative, None, steps), `...`, `tf.newaxis` and scalar int tensors;
    a bool tensor/array as the whole spec is `tf.boolean_mask`.

    Raises:
      TypeError: For other index kinds (floats, lists of lists, 1-D tensors).
      ValueError: For statically out-of-range indices.
    """
    if isinstance(slice_spec, bool) or \
            (_is_tensor_like(slice_spec) and slice_spec.dtype == dtypes.bool) or \
            (isinstance(slice_spec, np.ndarray) and slice_spec.dtype == bool):
        return boolean_mask(tensor=tensor, mask=slice_spec)
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = [slice_spec]
    begin, end, strides = [], [], []
    new_axis_mask = shrink_axis_mask = begin_mask = end_mask = ellipsis_mask = 0
    for index, s in enumerate(slice_spec):
        if isinstance(s, builtins.slice):
            if s.start is not None and (_is_tensor_like(s.start) or s.start != sys.maxsize):
                _check_index(s.start)
                begin.append(_index_value(s.start))
            else:
                begin.append(0)
                begin_mask |= 1 << index
            if s.stop is not None and (_is_tensor_like(s.stop) or s.stop != sys.maxsize):
                _check_index(s.stop)
                end.append(_index_value(s.stop))
            else:
                end.append(0)
                end_mask |= 1 << index
            if s.step is not None:
                _check_index(s.step)
                strides.append(_index_value(s.step))
            else:
                strides.append(1)
        elif s is Ellipsis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            ellipsis_mask |= 1 << index
        elif s is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            new_axis_mask |= 1 << index
        else:
            _check_index(s)
            s = _index_value(s)
            begin.append(s)
            end.append(s + 1)
            strides.append(1)
            shrink_axis_mask |= 1 << index
    values = [tensor] + [v for v in begin + end + strides if _is_tensor_like(v)]
    with name_scope(None, "strided_slice", values) as name:
        if begin:
            packed = [stack(begin), stack(end), stack(strides)]
            if any(p.dtype == dtypes.int64 for p in packed):
                packed = [p if p.dtype == dtypes.int64 else _cast(p, dtypes.int64) for p in packed]
        else:
            empty = constant([], dtype=dtypes.int32)
            packed = [empty, empty, empty]
        return strided_slice(tensor, packed[0], packed[1], packed[2], begin_mask=begin_mask,
                             end_mask=end_mask, shrink_axis_mask=shrink_axis_mask,
                             new_axis_mask=new_axis_mask, ellipsis_mask=ellipsis_mask,
                             var=var, name=name)


# --- reverse ----------------------------------------------------------------------------------
@register_op("ReverseV2")
class ReverseV2(OpDef):
    """Reverses the order of elements along the given axes (read in host memory)."""

    may_alias_input = True
    host_inputs = (1,)

    def infer(self, x, axis):
        if axis.dtype not in _INDEX_TYPES:
            raise TypeError(f"ReverseV2: axis must be int32 or int64, got {axis.dtype.name}")
        a = _const_ints(axis)
        n = x.shape.ndims
        if a is not None and n is not None:
            seen = set()
            for v in a:
                if not -n <= v < n:
                    raise ValueError(f"'axis'[{a.index(v)}] = {v} is out of valid range [{-n}, {n - 1}]")
                if v % n in seen:
                    raise ValueError(f"axis {v % n} specified more than once.")
                seen.add(v % n)
        return spec(x.dtype, x.shape)

    def compute(self, be, x, axis):
        axes = host_ints(be, axis)
        return be.xp.flip(x, axis=axes) if axes else x

    def gradient(self, op, grad):
        return [reverse_v2(grad, op.inputs[1]), None]


def reverse_v2(tensor: Any, axis: Any, name: Optional[str] = None) -> Tensor:
    """Reverses `tensor` along the dimensions in `axis` (`tf.reverse`, op ReverseV2)."""
    if isinstance(axis, (int, np.integer)):
        axis = [axis]
    return gen_tensor("ReverseV2", name, [("tensor", tensor, None, None),
                                    ("axis", axis, _INDEX_TYPES, dtypes.int32)])


reverse = reverse_v2


# --- gather, scatter, segment sums --------------------------------------------------------------
def _check_indices_in_range(be, indices, n: int, what: str = "indices") -> None:
    xp = be.xp
    if indices.size and bool(xp.any((indices < 0) | (indices >= n))):  # one read, not two
        flat = host_array(be, indices).reshape(-1)
        bad = int(np.flatnonzero((flat < 0) | (flat >= n))[0])
        raise ValueError(f"{what}[{bad}] = {int(flat[bad])} is not in [0, {n})")


@register_op("GatherV2")
class GatherV2(OpDef):
    """Rows (slices along `axis`, read in host memory) of `params` selected by `indices`."""

    host_memory_ok = True

    host_inputs = (2,)

    def infer(self, params, indices, axis, *, batch_dims=0):
        if indices.dtype not in _INDEX_TYPES:
            raise TypeError(f"GatherV2: indices must be int32 or int64, got {indices.dtype.name}")
        a = _static_int(axis)
        ps, is_ = params.shape, indices.shape
        if a is None or ps.ndims is None or is_.ndims is None:
            return spec(params.dtype, None)
        n = ps.ndims
        if not -n <= a < n:
            raise ValueError(f"Shape must be at least rank {a + 1 if a >= 0 else -a} but is rank {n}")
        a %= n
        dims = ps.as_list()
        return spec(params.dtype, dims[:a] + is_.as_list() + dims[a + 1:])

    def kernel(self, be, op, ctx):
        xp = be.xp
        static_axis = _static_int(op.inputs[2])

        def gather(params, indices, axis):
            a = static_axis if static_axis is not None else int(host_array(be, axis))
            a %= params.ndim
            _check_indices_in_range(be, indices, params.shape[a])
            return xp.take(params, indices, axis=a)
        return gather

    def gradient(self, op, grad):
        params, indices, axis_t = op.inputs
        a = _static_int(axis_t)
        n = params.shape.ndims
        if a is None or n is None or indices.shape.ndims is None:
            raise LookupError(f"Gradient of GatherV2 '{op.name}' needs a static axis and ranks")
        a %= n
        k = indices.shape.ndims
        if a == 0:
            # TF1's _GatherV2Grad: the rows of the gradient as IndexedSlices (an optimizer then
            # updates only the gathered rows); ops that need it dense convert it.
            params_shape = _gm.cast(shape(params, out_type=dtypes.int64), dtypes.int32)
            indices_size = expand_dims(size(indices), 0)
            values_shape = concat([indices_size, params_shape[1:]], 0)
            values = reshape(grad, values_shape)
            flat_indices = reshape(indices, indices_size)
            return [IndexedSlices(values, flat_indices, params_shape), None, None]
        num = params.shape.as_list()[a]
        num_t = num if num is not None else shape(params)[a]
        # Move the gathered dims to the front, sum into segments, and move them back.
        br = builtins.range
        perm = list(br(a, a + k)) + list(br(a)) + list(br(a + k, n + k - 1))
        summed = unsorted_segment_sum(transpose(grad, perm), indices, num_t)
        back = list(br(1, a + 1)) + [0] + list(br(a + 1, n))
        return [transpose(summed, back), None, None]


def gather(params: Any, indices: Any, validate_indices: Any = None, name: Optional[str] = None,
           axis: Any = None, batch_dims: int = 0) -> Tensor:
    """Gathers slices of `params` along `axis` (`tf.gather`, op GatherV2).

    Args:
      params: The tensor to gather from (a Variable is read).
      indices: int32/int64 indices into dimension `axis`.
      validate_indices: Ignored (TF1 deprecated it); out-of-range indices always raise.
      name: Op name (default "GatherV2").
      axis: The dimension to gather from (default 0).
      batch_dims: Only 0 is supported.

    Raises:
      NotImplementedError: For `batch_dims != 0`.
    """
    if batch_dims:
        raise NotImplementedError("tf.gather with batch_dims != 0 is not supported")
    return gen_tensor("GatherV2", name, [("params", params, None, None),
                                   ("indices", indices, _INDEX_TYPES, dtypes.int32),
                                   ("axis", 0 if axis is None else axis, _INDEX_TYPES, dtypes.int32)],
                {"batch_dims": 0})


@register_op("UnsortedSegmentSum")
class UnsortedSegmentSum(OpDef):
    """`out[segment_ids[i...]] += data[i...]`; negative ids are dropped (num_segments is read
    in host memory)."""

    host_inputs = (2,)

    def infer(self, data, segment_ids, num_segments):
        if segment_ids.dtype not in _INDEX_TYPES:
            raise TypeError(f"UnsortedSegmentSum: segment_ids must be int32 or int64, got "
                            f"{segment_ids.dtype.name}")
        if num_segments.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {num_segments.shape.ndims} "
                             f"(num_segments)")
        k = _static_int(num_segments)
        ds, ss = data.shape, segment_ids.shape
        if ds.ndims is None or ss.ndims is None:
            return spec(data.dtype, None)
        if not TensorShape(ds.as_list()[:ss.ndims]).is_compatible_with(ss):
            raise ValueError(f"data.shape {ds} must start with segment_ids.shape {ss}")
        return spec(data.dtype, [k] + ds.as_list()[ss.ndims:])

    def compute(self, be, data, segment_ids, num_segments):
        xp = be.xp
        k = int(host_array(be, num_segments))
        rest = data.shape[segment_ids.ndim:]
        if segment_ids.size == 0:
            return xp.zeros((k,) + rest, dtype=data.dtype)
        if bool(xp.any(segment_ids >= k)):  # the one value read back (validation)
            bad = int(host_array(be, segment_ids).max())
            raise ValueError(f"segment_ids {bad} is out of range [0, {k})")
        # Negative ids are dropped: they go to an extra row k, cut off at the end.
        ids = xp.where(segment_ids < 0, segment_ids.dtype.type(k), segment_ids)
        out = xp.zeros((k + 1,) + rest, dtype=data.dtype)
        # ufunc.at accumulates duplicate ids (NumPy >= 1.25 and CuPy run it natively).
        xp.add.at(out, ids, data)
        return out[:k]

    def gradient(self, op, grad):
        ids = op.inputs[1]
        # Gather with negative ids clipped to 0, then zero their rows (TF1's _GatherDropNegatives).
        clipped = _maximum(ids, zeros_like(ids))
        gathered = gather(grad, clipped)
        keep = _cast(_gm.binary("GreaterEqual", ids, 0, None), grad.dtype)
        extra = (gathered.shape.ndims or 0) - (ids.shape.ndims or 0)
        if extra > 0:
            keep = reshape(keep, concat([shape(ids), ones([extra], dtypes.int32)], 0))
        return [_multiply(gathered, keep), None, None]


def unsorted_segment_sum(data: Any, segment_ids: Any, num_segments: Any,
                         name: Optional[str] = None) -> Tensor:
    """Sums the rows of `data` into `num_segments` buckets (`tf.unsorted_segment_sum`).

    Args:
      data: A tensor whose leading dims match `segment_ids`' shape.
      segment_ids: int ids in `[0, num_segments)`; negative ids are dropped.
      num_segments: The number of output rows.
      name: Op name (default "UnsortedSegmentSum").

    Returns:
      A tensor of shape `[num_segments] + data.shape[rank(segment_ids):]`.
    """
    return gen_tensor("UnsortedSegmentSum", name,
                [("data", data, None, None), ("segment_ids", segment_ids, _INDEX_TYPES, dtypes.int32),
                 ("num_segments", num_segments, _INDEX_TYPES, dtypes.int32)])


# Converting an IndexedSlices with at least this many dense elements warns (TF1's limit).
_LARGE_SPARSE_NUM_ELEMENTS = 100000000


def _indexed_slices_to_tensor(value: IndexedSlices, dtype: Any = None, name: Optional[str] = None,
                              as_ref: bool = False) -> Tensor:
    """Densifies an `IndexedSlices` (TF1's `_indexed_slices_to_tensor`): the rows summed into
    `dense_shape[0]` segments, warning when the dense result may be large."""
    if dtype is not None and dtypes.as_dtype(dtype).base_dtype != value.dtype.base_dtype:
        raise ValueError(f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for "
                         f"IndexedSlices with dtype {value.dtype.name}")
    if value.dense_shape is None:
        raise ValueError(f"Tensor conversion requested for IndexedSlices without dense_shape: "
                         f"{value}")
    dense_shape = _tensor_util.constant_value(value.dense_shape)
    if dense_shape is not None:
        num_elements = int(np.prod(dense_shape, dtype=np.int64))
        if num_elements >= _LARGE_SPARSE_NUM_ELEMENTS:
            warnings.warn(f"Converting sparse IndexedSlices to a dense Tensor with "
                          f"{num_elements} elements. This may consume a large amount of memory.")
    else:
        warnings.warn("Converting sparse IndexedSlices to a dense Tensor of unknown shape. "
                      "This may consume a large amount of memory.")
    return unsorted_segment_sum(value.values, value.indices, value.dense_shape[0], name=name)


register_tensor_conversion_function(IndexedSlices, _indexed_slices_to_tensor)


def _nd_index(xp, indices):
    return tuple(xp.moveaxis(indices, -1, 0))


@register_op("GatherNd")
class GatherNd(OpDef):
    """Slices of `params` at the index tuples in the last dimension of `indices`."""

    def infer(self, params, indices):
        if indices.dtype not in _INDEX_TYPES:
            raise TypeError(f"GatherNd: indices must be int32 or int64, got {indices.dtype.name}")
        ps, is_ = params.shape, indices.shape
        if is_.ndims is not None and is_.ndims < 1:
            raise ValueError("indices must have rank >= 1")
        if ps.ndims is None or is_.ndims is None or is_.as_list()[-1] is None:
            return spec(params.dtype, None)
        depth = is_.as_list()[-1]
        if depth > ps.ndims:
            raise ValueError(f"indices.shape[-1] must be <= params.rank, but saw indices shape: "
                             f"{is_} and params shape: {ps}")
        return spec(params.dtype, is_.as_list()[:-1] + ps.as_list()[depth:])

    def compute(self, be, params, indices):
        xp = be.xp
        depth = indices.shape[-1]
        for i in builtins.range(depth):
            _check_indices_in_range(be, indices[..., i], params.shape[i], f"indices[..., {i}]")
        if depth == 0:
            return xp.broadcast_to(params, indices.shape[:-1] + params.shape).copy()
        return xp.asarray(params[_nd_index(xp, indices)])

    def gradient(self, op, grad):
        params, indices = op.inputs
        return [scatter_nd(indices, grad, shape(params, out_type=indices.dtype)), None]


@register_op("ScatterNd")
class ScatterNd(OpDef):
    """Zeros of `shape` (read in host memory) with `updates` added at the index tuples of
    `indices` (duplicates sum)."""

    host_inputs = (2,)

    def infer(self, indices, updates, shape_):
        if indices.dtype not in _INDEX_TYPES:
            raise TypeError(f"ScatterNd: indices must be int32 or int64, got {indices.dtype.name}")
        return spec(updates.dtype, _partial_shape_vector(shape_))

    def compute(self, be, indices, updates, shape_):
        xp = be.xp
        dims = host_ints(be, shape_)
        out = xp.zeros(dims, dtype=updates.dtype)
        depth = indices.shape[-1]
        for i in builtins.range(depth):
            _check_indices_in_range(be, indices[..., i], dims[i], f"indices[..., {i}]")
        xp.add.at(out, _nd_index(xp, indices), updates)
        return out

    def gradient(self, op, grad):
        indices = op.inputs[0]
        return [None, gather_nd(grad, indices), None]


def gather_nd(params: Any, indices: Any, name: Optional[str] = None, batch_dims: int = 0) -> Tensor:
    """Gathers slices of `params` by index tuples (`tf.gather_nd`)."""
    if batch_dims:
        raise NotImplementedError("tf.gather_nd with batch_dims != 0 is not supported")
    return gen_tensor("GatherNd", name, [("params", params, None, None),
                                   ("indices", indices, _INDEX_TYPES, dtypes.int32)])


def scatter_nd(indices: Any, updates: Any, shape: Any, name: Optional[str] = None) -> Tensor:
    """Scatters `updates` into zeros of `shape` at `indices`, summing duplicates (`tf.scatter_nd`)."""
    return gen_tensor("ScatterNd", name, [("indices", indices, _INDEX_TYPES, dtypes.int32),
                                    ("updates", updates, None, None),
                                    ("shape", _shape_input(shape), _INDEX_TYPES, dtypes.int32)])


# --- masks, unique ----------------------------------------------------------------------------
def boolean_mask(tensor: Any, mask: Any, name: str = "boolean_mask", axis: Optional[int] = None) -> Tensor:
    """The elements (or slices) of `tensor` where `mask` is True (`tf.boolean_mask`).

    Args:
      tensor: N-D tensor.
      mask: K-D bool tensor/array, K <= N, matching `tensor.shape[axis:axis + K]`.
      name: Name scope (default "boolean_mask").
      axis: The first dimension the mask applies to (default 0).

    Raises:
      ValueError: If the mask is a scalar, of unknown rank, or does not match.
    """
    with name_scope(name, values=[tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        ndims_mask = mask.shape.ndims
        if ndims_mask == 0:
            raise ValueError("mask cannot be scalar.")
        if ndims_mask is None:
            raise ValueError("Number of mask dimensions must be specified, even if some dimensions"
                             " are None.  E.g. shape=[None] is ok, but shape=None is not.")
        axis = 0 if axis is None else axis
        shape_tensor = tensor.shape
        shape_tensor[axis:axis + ndims_mask].assert_is_compatible_with(mask.shape)
        leading_size = _reduce_prod(shape(tensor)[axis:axis + ndims_mask], [0])
        tensor = reshape(tensor, concat([shape(tensor)[:axis], [leading_size],
                                         shape(tensor)[axis + ndims_mask:]], 0))
        if shape_tensor.ndims is not None:
            first_dim = shape_tensor[axis:axis + ndims_mask].num_elements()
            tensor.set_shape(TensorShape(shape_tensor.as_list()[:axis]).concatenate(
                [first_dim]).concatenate(shape_tensor.as_list()[axis + ndims_mask:]))
        mask = reshape(mask, [-1])
        indices = squeeze(_gm.where(mask), axis=[1])
        return gather(tensor, indices, axis=axis)


def sequence_mask(lengths: Any, maxlen: Any = None, dtype: Any = dtypes.bool,
                  name: Optional[str] = None) -> Tensor:
    """`mask[i..., j] = j < lengths[i...]` (`tf.sequence_mask`).

    Args:
      lengths: Integer tensor of lengths.
      maxlen: Size of the last dimension (default `max(lengths)`).
      dtype: Output type (default bool).
      name: Name scope (default "SequenceMask").
    """
    with name_scope(name, "SequenceMask", [lengths, maxlen]):
        lengths = convert_to_tensor(lengths)
        if maxlen is None:
            maxlen = _reduce_max(lengths)
            maxlen = _maximum(constant(0, maxlen.dtype), maxlen)
        else:
            maxlen = convert_to_tensor(maxlen)
            if maxlen.shape.ndims is not None and maxlen.shape.ndims != 0:
                raise ValueError("maxlen must be scalar for sequence_mask")
        row_vector = make_op("Range", [constant(0, maxlen.dtype), maxlen,
                                       constant(1, maxlen.dtype)], name="Range").outputs[0]
        matrix = _cast(expand_dims(lengths, -1), maxlen.dtype)
        result = _gm.binary("Less", row_vector, matrix, None)
        dtype = dtypes.as_dtype(dtype)
        if dtype.is_bool:
            return result
        return _cast(result, dtype)


UniqueOutput = collections.namedtuple("Unique", ["y", "idx"])


@register_op("Unique")
class Unique(OpDef):
    """The distinct values of a 1-D tensor in order of first occurrence, and each input's index."""

    def infer(self, x, *, out_idx):
        x.shape.with_rank(1)
        return [spec(x.dtype, [None]), spec(out_idx, x.shape.with_rank(1))]

    def compute(self, be, x, *, out_idx):
        xp = be.xp
        if x.size == 0:
            return x.copy(), xp.zeros((0,), dtype=out_idx.np_dtype)
        vals, first, inv = xp.unique(x, return_index=True, return_inverse=True)
        order = xp.argsort(first)
        rank_of = xp.empty_like(order)
        rank_of[order] = xp.arange(order.shape[0], dtype=order.dtype)
        return vals[order], rank_of[inv.reshape(-1)].astype(out_idx.np_dtype)


NotDifferentiable("Unique")


def unique(x: Any, out_idx: Any = dtypes.int32, name: Optional[str] = None):
    """Distinct values of 1-D `x` in order of appearance, with indices (`tf.unique`).

    Returns:
      A namedtuple `(y, idx)` with `x == gather(y, idx)`.
    """
    out_idx = _check_out_type(out_idx)
    op = gen_op("Unique", name, [("x", x, None, None)], {"out_idx": out_idx})
    return UniqueOutput(*op.outputs)


def where(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None) -> Tensor:
    """`tf.where` (TF1 defines it in array_ops; the ops live in math_ops)."""
    return _gm.where(condition, x, y, name=name)


def where_v2(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None) -> Tensor:
    """`tf.where_v2` (TF1 defines it in array_ops; the ops live in math_ops)."""
    return _gm.where_v2(condition, x, y, name=name)


newaxis = None

__all__ = [
    "placeholder", "placeholder_with_default", "identity", "stop_gradient",
    "shape", "shape_n", "size", "rank", "reshape", "stack", "unstack",
    "fill", "zeros", "ones", "zeros_like", "ones_like", "broadcast_to",
    "linspace", "lin_space", "range", "one_hot", "eye", "matrix_diag", "matrix_diag_part",
    "matrix_set_diag", "invert_permutation", "transpose", "matrix_transpose",
    "expand_dims", "squeeze", "concat", "split", "tile", "pad", "slice", "strided_slice",
    "reverse", "reverse_v2", "gather", "gather_nd", "scatter_nd", "unsorted_segment_sum",
    "boolean_mask", "sequence_mask", "unique", "newaxis",
]


# --- un-broadcasting gradients (used by elementwise ops of every family) ---------------------
def sum_to_shape_of(grad: Tensor, x: Tensor) -> Tensor:
    """Reduces a broadcast gradient back to the shape of `x` (TF1's Sum + Reshape pattern).

    Uses static shapes when both are fully known, a run-time reduction otherwise.
    """
    gs, xs = grad.shape, x.shape
    if gs.is_fully_defined() and xs.is_fully_defined():
        return _static_sum_to(grad, gs.as_list(), xs.as_list())
    sx = shape(x)
    rx, _ = broadcast_gradient_args(sx, shape(grad))
    return reshape(_reduce_sum(grad, rx), sx)


def _static_sum_to(grad: Tensor, g: list, s: list) -> Tensor:
    if g == s:
        return grad
    lead = len(g) - len(s)
    axes = list(builtins.range(lead)) + [lead + i for i, d in enumerate(s)
                                         if d == 1 and g[lead + i] != 1]
    r = _reduce_sum(grad, axes) if axes else grad
    return reshape(r, s)


def binary_grads(op, gx: Optional[Tensor], gy: Optional[Tensor]):
    """Un-broadcasts the gradients of an elementwise binary op `op(x, y)`.

    Same static shapes (or the same tensor twice) need nothing; fully known shapes reduce
    statically; otherwise one run-time `BroadcastGradientArgs` serves both inputs, as in TF1.
    """
    x, y = op.inputs
    xs, ys = x.shape, y.shape
    if x is y or (xs.is_fully_defined() and xs == ys):
        return [gx, gy]
    out = op.outputs[0].shape
    if out.is_fully_defined() and xs.is_fully_defined() and ys.is_fully_defined():
        o = out.as_list()
        return [None if gx is None else _static_sum_to(gx, o, xs.as_list()),
                None if gy is None else _static_sum_to(gy, o, ys.as_list())]
    sx, sy = shape(x), shape(y)
    rx, ry = broadcast_gradient_args(sx, sy)
    return [None if gx is None else reshape(_reduce_sum(gx, rx), sx),
            None if gy is None else reshape(_reduce_sum(gy, ry), sy)]
