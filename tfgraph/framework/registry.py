"""The op registry: one `OpDef` class per op type (shape rule, kernel, gradient side by side).

Every op type is defined once::

    @register_op("MatMul")
    class MatMul(OpDef):
        def infer(self, a, b, *, transpose_a=False, transpose_b=False): ...  # -> Spec or [Spec]
        def compute(self, be, a, b, *, transpose_a=False, transpose_b=False): ...
        def gradient(self, op, grad): ...   # graph ops; one gradient (or None) per input

`infer` receives the input `Tensor`s and the op's attributes and returns the output dtype and
static shape(s) (`spec(...)`, or a list of them for a multi-output op); it raises `ValueError`
on a bad shape, `TypeError` on a bad dtype.  `compute` receives the backend (`be`, use
`be.xp`), the input arrays and the attributes; the default `kernel` binds it.  `kernel` may
be overridden instead to hand the session a tighter callable (e.g. the ufunc itself); an
op then defines no `compute`.  `gradient` builds ordinary graph ops, so gradients of
gradients work.

The class flags are declared and documented on `OpDef`; kernels receive a `RunContext`
(framework/run_context.py) as `ctx`.
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

    The contract: an op type declares *only* the class attributes below (all read by the
    planner, placement, gradients or tests; `tests/framework/test_opdef_contract.py` checks
    that no op sets an undeclared flag) and the methods `infer`, `compute` or `kernel`,
    optionally `inplace_kernel` and `gradient`.

    Identity and state:
      type_name: The registered op type ("MatMul"); set by `register_op`.
      stateful: The result is not a pure function of the inputs, or running the op has an
        effect (random ops, variables and their updates, file I/O, collectives): TF1's
        `is_stateful`. `tensor_util.constant_value` never evaluates a stateful op at build
        time, and any caching/CSE/constant folding of op results must skip it. Ops with
        `ref_inputs` or `mutates_variables` must be stateful (the contract test checks).
      ref_inputs: Indices of inputs taken *by reference* (the variable itself, not its
        value): the planner binds no value for them; the kernel reaches the variable's storage
        through `ctx.variable_cell(op.inputs[i].op)`. Any container supporting `in`.
      mutates_variables: The kernel updates a variable's storage in place (Assign*, Apply*):
        fetched outputs are copied, since the storage changes in later runs.

    Aliasing (who may share a buffer with whom):
      is_identity: The output *is* the input (Identity, StopGradient, Snapshot): the plan
        binds the input's value to the output, no kernel call.
      may_alias_input: The kernel may return an input or a view of it (Reshape, ExpandDims):
        such outputs are copied when they may be a variable's storage, and an input consumed
        by such an op is never overwritten by buffer forwarding.
      fresh_outputs: The kernel's outputs are new arrays nobody else holds: buffer forwarding
        may later write into them (see `inplace_kernel`).

    Placement (TF1's HostMemory and host-only kernels):
      host_only: Only a NumPy kernel exists (file I/O, summaries): the op runs on the host
        whatever its device scope says.
      host_inputs: Indices of inputs the kernel reads in host memory, as NumPy arrays (shapes,
        axes); a negative index counts from the end (ConcatV2's axis).
      host_outputs: Indices of outputs the kernel makes in host memory, as NumPy (Shape).
      host_memory_ok: The planner may run the op in host memory (NumPy kernel, inputs and
        outputs there) when all its inputs are host metadata (shape arithmetic); the string
        "if_consumed_as_metadata" also requires every consumer to read the output as metadata
        (Range: a range of axes is metadata, `tf.range(n)` used as data is not).
      scalar_operands_ok: The kernel takes NumPy scalars as operands (binary elementwise ops):
        a 0-d host value is passed as one instead of being moved to the op's device.
      batch_parallel: The CPU kernel splits its batch over tfgraph's own threads
        (`kernels/parallel.py`); a plan holding one runs with BLAS at one thread.
      uses_blas: The CPU kernel's time is mostly BLAS products (MatMul): a plan holding one
        but no batch-parallel op runs with BLAS's own threads.  Plans holding neither leave
        the threading as the last run set it (an input pipeline's enqueue runs between
        training steps must not switch it back and forth).

    Build-time evaluation is not an OpDef method: an op family registers a folder with
    `tensor_util.register_constant_folder(type)` (see framework/tensor_util.py).
    """

    type_name: str = ""
    stateful: bool = False
    ref_inputs: Sequence[int] = ()
    mutates_variables: bool = False
    is_identity: bool = False
    may_alias_input: bool = False
    fresh_outputs: bool = False
    host_only: bool = False
    host_inputs: Any = ()
    host_outputs: Any = ()
    host_memory_ok: Any = False
    scalar_operands_ok: bool = False
    batch_parallel: bool = False
    uses_blas: bool = False

    def infer(self, *inputs, **attrs):
        raise NotImplementedError(f"{type(self).__name__}.infer")

    def compute(self, be, *inputs, **attrs):
        raise NotImplementedError(f"op type {self.type_name} has no kernel")

    def kernel(self, be, op, ctx) -> Optional[Callable]:
        """Returns the callable the session runs for `op` on backend `be`.

        Args:
          be: The backend the op is placed on.
          op: The `Operation`.
          ctx: The `RunContext` (framework/run_context.py; the Session implements it):
            variable cells, random state, `run_serial`, per-run `scratch` and per-session
            `resource` stores. Kernels use nothing else of the session.

        Returns:
          A callable taking the input arrays (in order) and returning one array (single-output
          op) or a tuple of arrays; or None for ops that do nothing at run time (NoOp).
        """
        if op.attrs:
            return functools.partial(self.compute, be, **op.attrs)
        return functools.partial(self.compute, be)

    def inplace_kernel(self, be, op, ctx) -> Optional[Callable]:
        """Buffer forwarding (TF's forward_input): a kernel that writes its result into its
        first input's buffer, or None. The planner uses it only when that input is a fresh
        output of this plan at its last use (never a feed, constant or variable, nor viewed)."""
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
