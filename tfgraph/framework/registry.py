"""The op registry: one `OpDef` class per op type (shape rule, kernel, gradient side by side).

Every op type is defined once::

    @register_op("MatMul")
    class MatMul(OpDef):
        def infer(self, a, b, *, transpose_a=False, transpose_b=False): ...  # -> Spec or [Spec]
        def compute(self, be, a, b, *, transpose_a=False, transpose_b=False): ...
        def gradient(self, op, grad): ...   # graph ops; one gradient (or None) per input

`infer` receives the input `Tensor`s and the op's attributes and returns the output dtype and
static shape(s); it raises `ValueError` on a bad shape.  `compute` receives the backend (`be`,
use `be.xp`) and the input arrays.  `kernel` may be overridden to hand the session a tighter
callable (e.g. the ufunc itself).  `gradient` builds ordinary graph ops, so gradients of
gradients work.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence

from . import dtypes as _dtypes
from .tensor_shape import TensorShape, as_shape


class Spec(NamedTuple):
    """The static dtype and shape of one op output."""

    dtype: _dtypes.DType
    shape: TensorShape


def spec(dtype: Any, shape: Any) -> Spec:
    return Spec(_dtypes.as_dtype(dtype), as_shape(shape))


class OpDef:
    """Base class of every op type; see the module docstring.

    Class attributes:
      type_name: The registered op type ("MatMul"); set by `register_op`.
      num_outputs: Outputs the op produces when `infer` is not consulted (default 1).
      ref_inputs: Indices of inputs taken *by reference* (the variable itself, not its value):
        the session binds the variable's storage instead of reading it.
      stateful: True for ops whose result is not a pure function of their inputs (random ops,
        variable reads/updates); never cached or folded.
      may_alias_input: True when the kernel may return (a view of) an input array unchanged
        (Identity, Reshape): used to copy fetched values that alias variable storage.
      mutates_variables: True for ops that update a variable's storage in place.
      host_inputs: Indices of inputs the kernel reads in host memory, as NumPy arrays (shapes,
        axes: TF1's HostMemory); a negative index counts from the end (ConcatV2's axis).
      host_outputs: Indices of outputs the kernel makes in host memory, as NumPy (Shape).
      host_memory_ok: The planner may run the op in host memory (NumPy kernel, inputs and
        outputs there) when all its inputs are host metadata (shape arithmetic); the string
        "if_consumed_as_metadata" also requires every consumer to read the output as metadata
        (Range: a range of axes is metadata, `tf.range(n)` used as data is not).
      scalar_operands_ok: The kernel takes NumPy scalars as operands (binary elementwise ops):
        a 0-d host value is passed as one instead of being moved to the op's device.
    """

    type_name: str = ""
    ref_inputs: Sequence[int] = ()
    stateful: bool = False
    may_alias_input: bool = False
    mutates_variables: bool = False
    host_inputs: Any = ()
    host_outputs: Any = ()
    host_memory_ok: Any = False
    scalar_operands_ok: bool = False

    def infer(self, *inputs, **attrs):
        raise NotImplementedError(f"{type(self).__name__}.infer")

    def compute(self, be, *inputs, **attrs):
        raise NotImplementedError(f"op type {self.type_name} has no kernel")

    def kernel(self, be, op, ctx) -> Optional[Callable]:
        """Returns the callable the session runs for `op` on backend `be`.

        Args:
          be: The backend the op is placed on.
          op: The `Operation`.
          ctx: The run context (the `Session`), for stateful ops (variables, random state).

        Returns:
          A callable taking the input arrays (in order) and returning one array (single-output
          op) or a tuple of arrays; or None for ops that do nothing at run time (NoOp).
        """
        if op.attrs:
            return functools.partial(self.compute, be, **op.attrs)
        return functools.partial(self.compute, be)

    # Buffer forwarding (TF's forward_input): `fresh_outputs` says the kernel's outputs are new
    # arrays nobody else holds; `inplace_kernel` returns a kernel that may write its result
    # into its first input's buffer. The planner uses it only when that input is a fresh
    # output of this plan at its last use (never a feed, constant or variable, nor viewed).
    fresh_outputs: bool = False

    def inplace_kernel(self, be, op, ctx) -> Optional[Callable]:
        return None

    # `gradient(self, op, *grads)` is looked up only when a subclass defines it.
    gradient = None


_OPS: Dict[str, OpDef] = {}
_GRADIENTS: Dict[str, Optional[Callable]] = {}
_NOT_DIFFERENTIABLE = object()


def register_op(type_name: str) -> Callable[[type], type]:
    """Class decorator registering an `OpDef` subclass under `type_name`.

    The class's `gradient` method, if any, becomes the op type's registered gradient.

    Raises:
      KeyError: If `type_name` is registered already.
    """

    def deco(cls: type) -> type:
        if type_name in _OPS:
            raise KeyError(f"op type '{type_name}' is already registered")
        inst = cls()
        inst.type_name = type_name
        cls.type_name = type_name
        _OPS[type_name] = inst
        if cls.gradient is not None:
            _GRADIENTS.setdefault(type_name, inst.gradient)
        return cls

    return deco


def get_op_def(type_name: str) -> OpDef:
    try:
        return _OPS[type_name]
    except KeyError:
        raise KeyError(f"no op type '{type_name}' is registered") from None


def registered_op_types() -> List[str]:
    return sorted(_OPS)


class RegisterGradient:
    """Decorator registering a gradient function for an op type, as `tf.RegisterGradient`.

    The function takes `(op, *output_grads)` and returns one gradient (or None) per op input.

    Args:
      op_type: The op type string (e.g. "Square" or a custom name used with
        `gradient_override_map`).

    Raises:
      KeyError: If a gradient is registered for `op_type` already.
    """

    def __init__(self, op_type: str):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f: Callable) -> Callable:
        existing = _GRADIENTS.get(self._op_type)
        if existing is not None and existing is not _NOT_DIFFERENTIABLE:
            raise KeyError(f"Registering two gradient with name '{self._op_type}'!")
        _GRADIENTS[self._op_type] = f
        return f


def NotDifferentiable(op_type: str) -> None:  # noqa: N802  (TF1 name)
    """Declares that ops of `op_type` have no gradient: their inputs get None."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    _GRADIENTS[op_type] = _NOT_DIFFERENTIABLE


NoGradient = NotDifferentiable


def get_gradient_function(op) -> Optional[Callable]:
    """The gradient function for `op` (honouring `gradient_override_map`).

    Returns:
      The function, or None when the op type is declared not differentiable.

    Raises:
      LookupError: If no gradient is registered for the op's type.
    """
    type_name = op.graph._gradient_override_for(op) or op.type
    try:
        f = _GRADIENTS[type_name]
    except KeyError:
        raise LookupError(
            f"No gradient defined for operation '{op.name}' (op type: {type_name})") from None
    return None if f is _NOT_DIFFERENTIABLE else f


def has_gradient(type_name: str) -> bool:
    f = _GRADIENTS.get(type_name)
    return f is not None and f is not _NOT_DIFFERENTIABLE
