"""Variable storage ops: `VariableV2` and the assignments (`Assign`, `AssignAdd`, `AssignSub`).

A variable's value lives in the session (`Session.variable_cell`).  Ops that update it take the
variable op's output as a *reference input*: the session binds the storage cell instead of
reading the value, so assigning never needs the variable to be initialized.
"""
from __future__ import annotations

from typing import Any

from ..framework import dtypes, errors
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor
from ..framework.registry import OpDef, register_op, spec, NotDifferentiable


def _ref_of(v: Any) -> Tensor:
    """The reference tensor (variable op output) of a Variable or a VariableV2 tensor.

    A `tf.Variable` is recognised by its `_ref()` method (variables.py builds on this module,
    not the other way round).
    """
    if isinstance(v, Tensor):
        if v.op.type == "VariableV2":
            return v
    elif callable(getattr(v, "_ref", None)):
        return v._ref()
    raise TypeError(f"Expected a tf.Variable (or its reference tensor), got {v!r}")


@register_op("VariableV2")
class VariableV2(OpDef):
    """The variable itself: reading it yields the session's current value."""

    stateful = True

    def infer(self, *, shape, dtype, container="", shared_name=""):
        return spec(dtype, shape)

    def kernel(self, be, op, ctx):
        cell = ctx.variable_cell(op)
        name = op.name

        def read():
            v = cell.value
            if v is None:
                raise errors.FailedPreconditionError(
                    None, op, f"Attempting to use uninitialized value {name}\n\t [[node {name}]]")
            return v
        return read


def _check_ref(op_name: str, ref) -> None:
    if ref.op.type != "VariableV2":
        raise TypeError(f"'{op_name}' needs a variable as its first input, got {ref.name} "
                        f"(op type {ref.op.type})")


class _AssignBase(OpDef):
    ref_inputs = (0,)
    stateful = True
    mutates_variables = True

    def infer(self, ref, value, *, validate_shape=True, use_locking=False):
        _check_ref(self.type_name, ref)
        if ref.dtype != value.dtype:
            raise TypeError(f"Input 'value' of '{self.type_name}' has type {value.dtype.name} that "
                            f"does not match type {ref.dtype.name} of the variable '{ref.op.name}'.")
        if validate_shape and not ref.shape.is_compatible_with(value.shape):
            raise ValueError(f"Shapes must be equal: variable '{ref.op.name}' has shape {ref.shape} "
                             f"but the assigned value has shape {value.shape}")
        shape = ref.shape if ref.shape.is_fully_defined() or not validate_shape else \
            ref.shape.merge_with(value.shape)
        return spec(ref.dtype, value.shape if not validate_shape else shape)


@register_op("Assign")
class Assign(_AssignBase):
    """`ref = value`; stores a copy so later in-place updates never touch the source array."""

    def kernel(self, be, op, ctx):
        cell = ctx.variable_cell(op.inputs[0].op)
        xp = be.xp
        static = op.inputs[0].shape
        validate = op.attrs.get("validate_shape", True)
        name = op.inputs[0].op.name

        def assign(value):
            if validate and not static.is_compatible_with(value.shape):
                raise errors.InvalidArgumentError(
                    None, op, f"Assign requires shapes of both tensors to match. lhs shape= "
                              f"{static} rhs shape= {tuple(value.shape)} (variable '{name}')")
            v = xp.array(value, copy=True)
            cell.value = v
            return v
        return assign


def _update_kernel(sign: int):
    def kernel(self, be, op, ctx):
        cell = ctx.variable_cell(op.inputs[0].op)
        name = op.inputs[0].op.name

        def update(value):
            v = cell.value
            if v is None:
                raise errors.FailedPreconditionError(
                    None, op, f"Attempting to use uninitialized value {name}\n\t [[node {op.name}]]")
            if sign > 0:
                v += value  # the cell owns its buffer (Assign copies), so in place is safe
            else:
                v -= value
            return v
        return update
    return kernel


@register_op("AssignAdd")
class AssignAdd(_AssignBase):
    """`ref += value`, in place."""

    kernel = _update_kernel(+1)


@register_op("AssignSub")
class AssignSub(_AssignBase):
    """`ref -= value`, in place."""

    kernel = _update_kernel(-1)


@register_op("IsVariableInitialized")
class IsVariableInitialized(OpDef):
    """True when the variable holds a value in this session."""

    ref_inputs = (0,)
    stateful = True

    def infer(self, ref):
        return spec(dtypes.bool, [])

    def kernel(self, be, op, ctx):
        cell = ctx.variable_cell(op.inputs[0].op)
        xp = be.xp
        return lambda: xp.asarray(cell.value is not None)


for _t in ("VariableV2", "Assign", "AssignAdd", "AssignSub", "IsVariableInitialized"):
    NotDifferentiable(_t)


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """`tf.assign(ref, value)`: stores `value` in variable `ref`; returns the new value."""
    r = _ref_of(ref)
    with r.graph.as_default():
        value = convert_to_tensor(value, dtype=r.dtype)
    attrs = {"validate_shape": True if validate_shape is None else validate_shape,
             "use_locking": bool(use_locking)}
    return r.graph.create_op("Assign", [r, value], attrs, name=name or "Assign").outputs[0]


def _assign_update(op_type):
    def fn(ref, value, use_locking=None, name=None):
        r = _ref_of(ref)
        with r.graph.as_default():
            value = convert_to_tensor(value, dtype=r.dtype)
        return r.graph.create_op(op_type, [r, value], {"use_locking": bool(use_locking)},
                                 name=name or op_type).outputs[0]
    fn.__name__ = {"AssignAdd": "assign_add", "AssignSub": "assign_sub"}[op_type]
    fn.__doc__ = f"`tf.{fn.__name__}(ref, value)`: updates variable `ref` in place; returns the new value."
    return fn


assign_add = _assign_update("AssignAdd")
assign_sub = _assign_update("AssignSub")

__all__ = ["assign", "assign_add", "assign_sub"]
