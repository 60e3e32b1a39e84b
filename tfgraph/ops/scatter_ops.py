"""Sparse updates: of variables in place (`tf.scatter_update/add/sub/mul/div/min/max`,
`tf.scatter_nd_update/add/sub`) and of tensors, returning a new tensor
(`tf.tensor_scatter_update/add/sub`, also spelled `tf.tensor_scatter_nd_*`).

The variable forms take the variable by reference (`ref_inputs`), change only the indexed
rows of its storage, and return the updated variable, as TF1's `Scatter*` ops on reference
variables do. Repeated indices accumulate for add/sub/mul/div/min/max (NumPy's `ufunc.at`);
for update, one of the values wins, as in TF1 (where the order is undefined).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes, errors
from ..framework.ops import convert_to_tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ..framework.ops import gen_tensor as _gen
from .array_ops import _INDEX_TYPES, gather_nd, zeros_like
from .math_ops import negative
from .state_ops import _check_ref, _ref_of

_UFUNCS = {"add": "add", "sub": "subtract", "mul": "multiply", "div": "true_divide",
           "min": "minimum", "max": "maximum"}


def _uninitialized(op, name: str) -> errors.FailedPreconditionError:
    return errors.FailedPreconditionError(
        None, op, f"Attempting to use uninitialized value {name}\n\t [[node {op.name}]]")


class _ScatterBase(OpDef):
    """`ref[indices] (op)= updates` along the first dimension."""

    ref_inputs = (0,)
    stateful = True
    mutates_variables = True
    mode = "update"

    def infer(self, ref, indices, updates, *, use_locking=True):
        _check_ref(self.type_name, ref)
        if indices.dtype not in _INDEX_TYPES:
            raise TypeError(f"{self.type_name}: indices must be int32 or int64, got "
                            f"{indices.dtype.name}")
        if updates.dtype != ref.dtype:
            raise TypeError(f"{self.type_name}: updates have type {updates.dtype.name}, the "
                            f"variable '{ref.op.name}' {ref.dtype.name}")
        rs, is_ = ref.shape, indices.shape
        if rs.ndims is not None and is_.ndims is not None:
            if rs.ndims == 0:
                raise ValueError(f"{self.type_name}: the variable '{ref.op.name}' must be at "
                                 f"least rank 1")
            want = TensorShape(is_.as_list() + rs.as_list()[1:])
            if updates.shape.ndims != 0 and not want.is_compatible_with(updates.shape):
                raise ValueError(f"{self.type_name}: updates must have shape {want} "
                                 f"(indices.shape + variable.shape[1:]), got {updates.shape} "
                                 f"(variable '{ref.op.name}')")
        return spec(ref.dtype, ref.shape)

    def kernel(self, be, op, ctx):
        cell = ctx.variable_cell(op.inputs[0].op)
        xp = be.xp
        name = op.inputs[0].op.name
        ufunc = None if self.mode == "update" else getattr(xp, _UFUNCS[self.mode])

        def scatter(indices, updates):
            v = cell.value
            if v is None:
                raise _uninitialized(op, name)
            n = v.shape[0]
            if indices.size and bool(xp.any((indices < 0) | (indices >= n))):
                host = np.asarray(indices if be.is_host else be.to_host(indices)).reshape(-1)
                bad = int(host[np.flatnonzero((host < 0) | (host >= n))[0]])
                raise errors.InvalidArgumentError(
                    None, op, f"indices {bad} is not in [0, {n}) (variable '{name}')")
            flat_i = indices.reshape(-1)
            u = xp.broadcast_to(updates, tuple(indices.shape) + tuple(v.shape[1:])).reshape(
                (flat_i.shape[0],) + tuple(v.shape[1:]))
            if ufunc is None:
                v[flat_i] = u
            else:
                ufunc.at(v, flat_i, u)
            return v
        return scatter


class _ScatterNdBase(OpDef):
    """`ref[indices[..., :K]] (op)= updates`."""

    ref_inputs = (0,)
    stateful = True
    mutates_variables = True
    mode = "update"

    def infer(self, ref, indices, updates, *, use_locking=True):
        _check_ref(self.type_name, ref)
        _check_nd(self.type_name, ref.shape, indices, updates, ref.dtype, f"variable "
                  f"'{ref.op.name}'")
        return spec(ref.dtype, ref.shape)

    def kernel(self, be, op, ctx):
        cell = ctx.variable_cell(op.inputs[0].op)
        xp = be.xp
        name = op.inputs[0].op.name
        mode = self.mode

        def scatter_nd(indices, updates):
            v = cell.value
            if v is None:
                raise _uninitialized(op, name)
            _nd_apply(be, op, v, indices, updates, mode, f"variable '{name}'")
            return v
        return scatter_nd


def _check_nd(op_type: str, target: TensorShape, indices, updates, dtype, what: str) -> None:
    if indices.dtype not in _INDEX_TYPES:
        raise TypeError(f"{op_type}: indices must be int32 or int64, got {indices.dtype.name}")
    if updates.dtype != dtype:
        raise TypeError(f"{op_type}: updates have type {updates.dtype.name}, the {what} "
                        f"{dtype.name}")
    is_ = indices.shape
    if target.ndims is None or is_.ndims is None or is_.as_list()[-1] is None:
        return
    k = is_.as_list()[-1]
    if k > target.ndims:
        raise ValueError(f"{op_type}: indices.shape[-1] = {k} exceeds the rank of the {what} "
                         f"({target.ndims})")
    want = TensorShape(is_.as_list()[:-1] + target.as_list()[k:])
    if not want.is_compatible_with(updates.shape):
        raise ValueError(f"{op_type}: updates must have shape {want}, got {updates.shape} "
                         f"({what})")


def _nd_apply(be, op, v, indices, updates, mode: str, what: str) -> None:
    xp = be.xp
    k = indices.shape[-1]
    flat = indices.reshape(-1, k)
    bounds = np.array(v.shape[:k])
    host_idx = np.asarray(be.to_host(flat) if not be.is_host else flat)
    bad = np.flatnonzero(((host_idx < 0) | (host_idx >= bounds)).any(axis=1))
    if bad.size:
        msg = (f"indices[{int(bad[0])}] = {host_idx[bad[0]].tolist()} does not index into "
               f"shape {list(v.shape)} ({what})")
        if op is None:  # a plain kernel: the session names the op
            raise ValueError(msg)
        raise errors.InvalidArgumentError(None, op, msg)
    idx = tuple(flat[:, j] for j in range(k))
    u = updates.reshape((flat.shape[0],) + tuple(v.shape[k:]))
    if mode == "update":
        v[idx] = u
    else:
        getattr(xp, _UFUNCS[mode]).at(v, idx, u)


def _scatter_class(op_type: str, base: type, mode: str) -> None:
    doc = f"`ref[indices] {'=' if mode == 'update' else mode + '='} updates` on a variable."
    register_op(op_type)(type(op_type, (base,), {"mode": mode, "__doc__": doc}))
    NotDifferentiable(op_type)


for _mode in ("update", "add", "sub", "mul", "div", "min", "max"):
    _scatter_class(f"Scatter{_mode.capitalize()}", _ScatterBase, _mode)
for _mode in ("update", "add", "sub"):
    _scatter_class(f"ScatterNd{_mode.capitalize()}", _ScatterNdBase, _mode)


class _TensorScatterBase(OpDef):
    """A copy of `tensor` with `tensor[indices[..., :K]] (op)= updates`."""

    mode = "update"

    def infer(self, tensor, indices, updates):
        _check_nd(self.type_name, tensor.shape, indices, updates, tensor.dtype, "tensor")
        return spec(tensor.dtype, tensor.shape)

    def compute(self, be, tensor, indices, updates):
        out = be.xp.array(tensor, copy=True)
        _nd_apply(be, None, out, indices, updates, self.mode, "tensor")
        return out


@register_op("TensorScatterUpdate")
class TensorScatterUpdate(_TensorScatterBase):
    mode = "update"

    def gradient(self, op, grad):
        _, indices, updates = op.inputs
        return [tensor_scatter_update(grad, indices, zeros_like(updates)), None,
                gather_nd(grad, indices)]


@register_op("TensorScatterAdd")
class TensorScatterAdd(_TensorScatterBase):
    mode = "add"

    def gradient(self, op, grad):
        return [grad, None, gather_nd(grad, op.inputs[1])]


@register_op("TensorScatterSub")
class TensorScatterSub(_TensorScatterBase):
    mode = "sub"

    def gradient(self, op, grad):
        return [grad, None, negative(gather_nd(grad, op.inputs[1]))]




def _scatter_builder(op_type: str, fn_name: str, what: str):
    def fn(ref, indices, updates, use_locking: bool = True, name: Optional[str] = None):
        r = _ref_of(ref)
        with r.graph.as_default():
            indices = convert_to_tensor(indices, dtype_hint=dtypes.int32, name="indices")
            updates = convert_to_tensor(updates, dtype=r.dtype, name="updates")
        return r.graph.create_op(op_type, [r, indices, updates],
                                 {"use_locking": bool(use_locking)},
                                 name=name or op_type).outputs[0]
    fn.__name__ = fn_name
    fn.__doc__ = (f"`tf.{fn_name}(ref, indices, updates)`: {what} on the variable `ref`, in "
                  f"place (op \"{op_type}\"); returns the updated variable.\n\n"
                  f"    Raises:\n      InvalidArgumentError: At run time, for an index out of "
                  f"range (naming the variable).\n    ")
    return fn


scatter_update = _scatter_builder("ScatterUpdate", "scatter_update",
                                  "`ref[indices] = updates`")
scatter_add = _scatter_builder("ScatterAdd", "scatter_add", "`ref[indices] += updates`")
scatter_sub = _scatter_builder("ScatterSub", "scatter_sub", "`ref[indices] -= updates`")
scatter_mul = _scatter_builder("ScatterMul", "scatter_mul", "`ref[indices] *= updates`")
scatter_div = _scatter_builder("ScatterDiv", "scatter_div", "`ref[indices] /= updates`")
scatter_min = _scatter_builder("ScatterMin", "scatter_min",
                               "`ref[indices] = minimum(ref[indices], updates)`")
scatter_max = _scatter_builder("ScatterMax", "scatter_max",
                               "`ref[indices] = maximum(ref[indices], updates)`")
scatter_nd_update = _scatter_builder("ScatterNdUpdate", "scatter_nd_update",
                                     "`ref[indices[..., :K]] = updates`")
scatter_nd_add = _scatter_builder("ScatterNdAdd", "scatter_nd_add",
                                  "`ref[indices[..., :K]] += updates`")
scatter_nd_sub = _scatter_builder("ScatterNdSub", "scatter_nd_sub",
                                  "`ref[indices[..., :K]] -= updates`")


def _tensor_scatter(op_type: str, tensor: Any, indices: Any, updates: Any,
                    name: Optional[str]):
    return _gen(op_type, name, [("tensor", tensor, None, None),
                                ("indices", indices, _INDEX_TYPES, dtypes.int32),
                                ("updates", updates, None, None)])


def tensor_scatter_update(tensor: Any, indices: Any, updates: Any,
                          name: Optional[str] = None):
    """A copy of `tensor` with `tensor[indices[..., :K]] = updates` (`tf.tensor_scatter_update`,
    also `tf.tensor_scatter_nd_update`)."""
    return _tensor_scatter("TensorScatterUpdate", tensor, indices, updates, name)


def tensor_scatter_add(tensor: Any, indices: Any, updates: Any, name: Optional[str] = None):
    """A copy of `tensor` with `updates` added at `indices` (`tf.tensor_scatter_add`)."""
    return _tensor_scatter("TensorScatterAdd", tensor, indices, updates, name)


def tensor_scatter_sub(tensor: Any, indices: Any, updates: Any, name: Optional[str] = None):
    """A copy of `tensor` with `updates` subtracted at `indices` (`tf.tensor_scatter_sub`)."""
    return _tensor_scatter("TensorScatterSub", tensor, indices, updates, name)


tensor_scatter_nd_update = tensor_scatter_update
tensor_scatter_nd_add = tensor_scatter_add
tensor_scatter_nd_sub = tensor_scatter_sub


__all__ = ["scatter_add", "scatter_div", "scatter_max", "scatter_min",
           "scatter_mul", "scatter_nd_add", "scatter_nd_sub", "scatter_nd_update", "scatter_sub",
           "scatter_update", "tensor_scatter_add", "tensor_scatter_nd_add",
           "tensor_scatter_nd_sub", "tensor_scatter_nd_update", "tensor_scatter_sub",
           "tensor_scatter_update"]
