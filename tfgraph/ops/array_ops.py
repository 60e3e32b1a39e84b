"""Array ops: placeholders, identity, shape manipulation (reshape, transpose, concat, slicing...)."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, graph_of, make_op, make_tensor, name_scope
from ..framework.graph import Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape, as_shape


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
    """A placeholder that evaluates to `input` when not fed."""
    return make_tensor("PlaceholderWithDefault", [input], {"shape": as_shape(shape)},
                       name=name or "PlaceholderWithDefault")


# --- identity -------------------------------------------------------------------------------
@register_op("Identity")
class Identity(OpDef):
    """Returns its input unchanged (the session binds the value, no call)."""

    may_alias_input = True
    is_identity = True

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        return x

    def gradient(self, op, grad):
        return [grad]


def identity(input: Any, name: Optional[str] = None) -> Tensor:
    """Returns a tensor with the same value as `input` (`tf.identity`)."""
    if hasattr(input, "_ref") and not isinstance(input, Tensor):
        input = input.value()
    return make_tensor("Identity", [input], name=name or "Identity")


@register_op("StopGradient")
class StopGradient(OpDef):
    """Identity in the forward pass; gradients do not flow through it."""

    may_alias_input = True
    is_identity = True

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        return x


NotDifferentiable("StopGradient")


def stop_gradient(input: Any, name: Optional[str] = None) -> Tensor:
    """Identity whose gradient is blocked (`tf.stop_gradient`)."""
    return make_tensor("StopGradient", [input], name=name or "StopGradient")


# --- shape ----------------------------------------------------------------------------------
@register_op("Shape")
class Shape(OpDef):
    """The run-time shape of a tensor as a 1-D int vector."""

    def infer(self, x, *, out_type):
        return spec(out_type, [x.shape.ndims])

    def compute(self, be, x, *, out_type):
        return be.xp.asarray(x.shape, dtype=out_type.np_dtype)


NotDifferentiable("Shape")


def shape(input: Any, name: Optional[str] = None, out_type: Any = dtypes.int32) -> Tensor:
    """The shape of `input` as a 1-D tensor (`tf.shape`)."""
    return make_tensor("Shape", [input], {"out_type": dtypes.as_dtype(out_type)}, name=name or "Shape")


def _static_int_vector(t: Tensor) -> Optional[List[Optional[int]]]:
    """The value of a 1-D int tensor when it is known at graph-build time (Const, Shape)."""
    op = t.op
    if op.type == "Const":
        return [int(v) for v in np.asarray(op.attrs["value"]).reshape(-1)]
    if op.type == "Shape":
        s = op.inputs[0].shape
        return None if s.ndims is None else s.as_list()
    if op.type == "Pack" and all(i.op.type == "Const" for i in op.inputs):
        return [int(np.asarray(i.op.attrs["value"])) for i in op.inputs]
    return None


def constant_value(t: Tensor) -> Optional[np.ndarray]:
    """The value of `t` if it can be computed at build time (Const and simple cases), else None."""
    if not isinstance(t, Tensor):
        return None
    op = t.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type == "Shape" and op.inputs[0].shape.is_fully_defined():
        return np.array(op.inputs[0].shape.as_list(), dtype=op.attrs["out_type"].np_dtype)
    if op.type == "Identity":
        return constant_value(op.inputs[0])
    return None


@register_op("Reshape")
class Reshape(OpDef):
    """Reshape to a 1-D int `shape` (one entry may be -1)."""

    may_alias_input = True

    def infer(self, x, shape):
        known = _static_int_vector(shape)
        if known is None:
            n = shape.shape.as_list()[0] if shape.shape.ndims == 1 else None
            return spec(x.dtype, TensorShape(None if n is None else [None] * n))
        dims = [None if (d is None or d < 0) else d for d in known]
        if sum(1 for d in known if d is not None and d < 0) > 1:
            raise ValueError(f"Cannot reshape: at most one dimension may be -1, got {known}")
        n_in = x.shape.num_elements()
        if n_in is not None and all(d is not None for d in known):
            if -1 in known:
                rest = int(np.prod([d for d in known if d != -1], dtype=np.int64))
                if rest == 0 or n_in % rest:
                    raise ValueError(f"Cannot reshape a tensor with {n_in} elements to shape {known}")
                dims = [n_in // rest if d == -1 else d for d in known]
            elif int(np.prod(known, dtype=np.int64)) != n_in:
                raise ValueError(f"Cannot reshape a tensor with {n_in} elements to shape "
                                 f"{known} ({int(np.prod(known, dtype=np.int64))} elements)")
        return spec(x.dtype, dims)

    def compute(self, be, x, shape):
        return x.reshape(tuple(int(d) for d in shape))

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0])) if not op.inputs[0].shape.is_fully_defined()
                else reshape(grad, op.inputs[0].shape.as_list()), None]


def reshape(tensor: Any, shape: Any, name: Optional[str] = None) -> Tensor:
    """Reshapes `tensor` (`tf.reshape`); one entry of `shape` may be -1.

    Raises:
      ValueError: If the element counts cannot match.
    """
    graph = graph_of([tensor, shape])
    with graph.as_default():
        tensor = convert_to_tensor(tensor)
        if isinstance(shape, TensorShape):
            shape = shape.as_list()
        shape = convert_to_tensor(shape, dtype=dtypes.int32) if not isinstance(shape, Tensor) else shape
        return graph.create_op("Reshape", [tensor, shape], name=name or "Reshape").outputs[0]


# --- packing ----------------------------------------------------------------------------------
@register_op("Pack")
class Pack(OpDef):
    """Stacks N same-shaped tensors along a new axis."""

    def infer(self, *values, axis=0):
        first = values[0]
        s = first.shape
        for v in values[1:]:
            if v.dtype != first.dtype:
                raise TypeError(f"Pack: all inputs must have one dtype, got {first.dtype.name} "
                                f"and {v.dtype.name}")
            if not s.is_compatible_with(v.shape):
                raise ValueError(f"Shapes must be equal for Pack: {s} vs {v.shape}")
            s = s.merge_with(v.shape)
        if s.ndims is None:
            return spec(first.dtype, None)
        dims = s.as_list()
        a = axis if axis >= 0 else axis + len(dims) + 1
        if not 0 <= a <= len(dims):
            raise ValueError(f"axis {axis} out of range for Pack of rank-{len(dims)} values")
        return spec(first.dtype, dims[:a] + [len(values)] + dims[a:])

    def compute(self, be, *values, axis=0):
        return be.xp.stack(values, axis=axis)

    def gradient(self, op, grad):
        return unstack(grad, num=len(op.inputs), axis=op.attrs["axis"])


def stack(values: Sequence[Any], axis: int = 0, name: str = "stack") -> Tensor:
    """Stacks tensors along a new axis (`tf.stack`)."""
    graph = graph_of(list(values))
    with graph.as_default():
        with name_scope(name) as scope:
            ts = [convert_to_tensor(v) for v in values]
            return graph.create_op("Pack", ts, {"axis": axis}, name=scope).outputs[0]


def _autopack(values: Sequence[Any], dtype=None, name: str = "packed") -> Tensor:
    """Converts a (nested) list holding tensors to one tensor, as TF1's auto-packing does."""
    graph = graph_of([v for v in values if isinstance(v, Tensor) or hasattr(v, "_as_graph_element")])
    with graph.as_default():
        with name_scope(name) as scope:
            elems = []
            for i, v in enumerate(values):
                if isinstance(v, (list, tuple)):
                    elems.append(_autopack(v, dtype=dtype, name=str(i)))
                else:
                    elems.append(v)
            ts = [e if isinstance(e, Tensor) else convert_to_tensor(e, dtype=dtype) for e in elems]
            tdtype = next((t.dtype for t in ts if t.op.type != "Const"), ts[0].dtype)
            ts = [t if t.dtype == tdtype else convert_to_tensor(t.op.attrs["value"], dtype=tdtype)
                  if t.op.type == "Const" else t for t in ts]
            return graph.create_op("Pack", ts, {"axis": 0}, name=scope).outputs[0]


@register_op("Unpack")
class Unpack(OpDef):
    """Splits a tensor into `num` tensors along `axis` (removing it)."""

    def infer(self, value, *, num, axis=0):
        s = value.shape
        if s.ndims is None:
            return [spec(value.dtype, None)] * num
        dims = s.as_list()
        a = axis if axis >= 0 else axis + len(dims)
        if dims[a] is not None and dims[a] != num:
            raise ValueError(f"Cannot unpack {dims[a]} values into {num}")
        return [spec(value.dtype, dims[:a] + dims[a + 1:])] * num

    def compute(self, be, value, *, num, axis=0):
        xp = be.xp
        return tuple(xp.take(value, i, axis=axis) for i in range(num))

    def gradient(self, op, *grads):
        from .math_ops import zeros_like_for_grad
        gs = [g if g is not None else zeros_like_for_grad(t) for g, t in zip(grads, op.outputs)]
        return [stack(gs, axis=op.attrs["axis"])]


def unstack(value: Any, num: Optional[int] = None, axis: int = 0, name: str = "unstack") -> List[Tensor]:
    """Splits `value` along `axis` into a list of tensors (`tf.unstack`).

    Raises:
      ValueError: If `num` is None and the axis size is not statically known.
    """
    value = convert_to_tensor(value)
    if num is None:
        dims = value.shape.as_list() if value.shape.ndims is not None else None
        num = None if dims is None else dims[axis]
        if num is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
    op = value.graph.create_op("Unpack", [value], {"num": num, "axis": axis}, name=name)
    return op.outputs


@register_op("BroadcastGradientArgs")
class BroadcastGradientArgs(OpDef):
    """The axes to sum over to undo broadcasting of two shapes (used by gradients)."""

    def infer(self, s0, s1):
        return [spec(s0.dtype, [None]), spec(s0.dtype, [None])]

    def compute(self, be, s0, s1):
        xp = be.xp
        a = [int(d) for d in s0]
        b = [int(d) for d in s1]
        n = max(len(a), len(b))
        a = [1] * (n - len(a)) + a
        b = [1] * (n - len(b)) + b
        ra = [i for i in range(n) if a[i] == 1 and b[i] != 1]
        rb = [i for i in range(n) if b[i] == 1 and a[i] != 1]
        dt = s0.dtype
        return xp.asarray(ra, dtype=dt), xp.asarray(rb, dtype=dt)


NotDifferentiable("BroadcastGradientArgs")


def broadcast_gradient_args(s0: Tensor, s1: Tensor, name: Optional[str] = None):
    """The reduction axes for the gradients of two broadcast operands."""
    op = make_op("BroadcastGradientArgs", [s0, s1], name=name or "BroadcastGradientArgs")
    return op.outputs[0], op.outputs[1]


# --- fill / like / broadcast ------------------------------------------------------------------
@register_op("Fill")
class Fill(OpDef):
    """A tensor of shape `dims` filled with the scalar `value`."""

    def infer(self, dims, value):
        if value.shape.ndims not in (None, 0):
            raise ValueError(f"Fill: value must be a scalar, got shape {value.shape}")
        known = _static_int_vector(dims)
        if known is None:
            n = dims.shape.as_list()[0] if dims.shape.ndims == 1 else None
            return spec(value.dtype, None if n is None else [None] * n)
        return spec(value.dtype, known)

    def compute(self, be, dims, value):
        return be.xp.full(tuple(int(d) for d in dims), value, dtype=value.dtype)

    def gradient(self, op, grad):
        from .math_ops import reduce_sum
        return [None, reduce_sum(grad)]


def fill(dims: Any, value: Any, name: Optional[str] = None) -> Tensor:
    """A tensor of shape `dims` filled with `value` (`tf.fill`)."""
    graph = graph_of([dims, value])
    with graph.as_default():
        dims = convert_to_tensor(dims, dtype=dtypes.int32) if not isinstance(dims, Tensor) else dims
        value = convert_to_tensor(value)
        return graph.create_op("Fill", [dims, value], name=name or "Fill").outputs[0]


@register_op("ZerosLike")
class ZerosLike(OpDef):
    """Zeros with the shape and dtype of the input."""

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        return be.xp.zeros_like(x)


@register_op("OnesLike")
class OnesLike(OpDef):
    """Ones with the shape and dtype of the input."""

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        return be.xp.ones_like(x)


NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")


def zeros_like(tensor: Any, dtype: Any = None, name: Optional[str] = None, optimize: bool = True) -> Tensor:
    """Zeros shaped like `tensor` (`tf.zeros_like`)."""
    t = make_tensor("ZerosLike", [tensor], name=name or "zeros_like")
    if dtype is not None and dtypes.as_dtype(dtype) != t.dtype:
        from .math_ops import cast
        return cast(t, dtype)
    return t


def ones_like(tensor: Any, dtype: Any = None, name: Optional[str] = None, optimize: bool = True) -> Tensor:
    """Ones shaped like `tensor` (`tf.ones_like`)."""
    t = make_tensor("OnesLike", [tensor], name=name or "ones_like")
    if dtype is not None and dtypes.as_dtype(dtype) != t.dtype:
        from .math_ops import cast
        return cast(t, dtype)
    return t


@register_op("BroadcastTo")
class BroadcastTo(OpDef):
    """Broadcasts the input to `shape` (NumPy rules)."""

    may_alias_input = True

    def infer(self, x, shape):
        from ..framework.tensor_shape import broadcast_shapes
        known = _static_int_vector(shape)
        if known is None:
            n = shape.shape.as_list()[0] if shape.shape.ndims == 1 else None
            return spec(x.dtype, None if n is None else [None] * n)
        out = broadcast_shapes(x.shape, TensorShape(known))
        if out is None or (out.ndims is not None and out.as_list() != known and
                           None not in out.as_list()):
            raise ValueError(f"Cannot broadcast shape {x.shape} to {known}")
        return spec(x.dtype, known)

    def compute(self, be, x, shape):
        return be.xp.broadcast_to(x, tuple(int(d) for d in shape))

    def gradient(self, op, grad):
        from ._helpers import sum_to_shape_of
        return [sum_to_shape_of(grad, op.inputs[0]), None]


def broadcast_to(input: Any, shape: Any, name: Optional[str] = None) -> Tensor:
    """Broadcasts `input` to `shape` (`tf.broadcast_to`)."""
    graph = graph_of([input, shape])
    with graph.as_default():
        input = convert_to_tensor(input)
        shape = convert_to_tensor(shape, dtype=dtypes.int32) if not isinstance(shape, Tensor) else shape
        return graph.create_op("BroadcastTo", [input, shape], name=name or "BroadcastTo").outputs[0]


@register_op("Rank")
class Rank(OpDef):
    """The number of dimensions of the input (int32 scalar)."""

    def infer(self, x):
        return spec(dtypes.int32, [])

    def compute(self, be, x):
        return be.xp.asarray(x.ndim, dtype=np.int32)


NotDifferentiable("Rank")


def rank_internal(x: Tensor, name: Optional[str] = None) -> Tensor:
    """A run-time range over the axes of `x` (for reductions of unknown rank)."""
    return make_tensor("AllAxes", [x], name=name or "range")


@register_op("AllAxes")
class AllAxes(OpDef):
    """`range(rank(x))` at run time."""

    def infer(self, x):
        return spec(dtypes.int32, [None])

    def compute(self, be, x):
        return be.xp.arange(x.ndim, dtype=np.int32)


NotDifferentiable("AllAxes")


newaxis = None

__all__ = ["placeholder", "placeholder_with_default", "identity", "stop_gradient", "shape",
           "reshape", "stack", "unstack", "fill", "zeros_like", "ones_like", "broadcast_to", "newaxis"]
