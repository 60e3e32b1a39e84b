"""Regular ops declared as one row each: elementwise unary/binary ops, reductions, activations.

Most math ops differ only in a NumPy ufunc, the dtypes they accept, a few OpDef flags and
their gradient. For them one call creates the `OpDef` subclass, registers it and its
gradient, and returns the documented public builder::

    negative = unary_op("Neg", "negative", ufunc="negative", host_memory_ok=True,
                        grad=lambda op, grad: [negative(grad)],
                        doc='Elementwise `-x` (`tf.negative`, op "Neg").')

- `grad(op, *output_grads)` returns one gradient per input (build it from public builders,
  so gradients of gradients work); `grad=None` declares the op not differentiable.
- Keyword arguments other than the documented ones become class attributes of the OpDef
  (`ufunc`, `allowed`, `out_dtype`, and any flag declared on `OpDef`, see registry.py).
- `kernel=f(be, op) -> callable` replaces the ufunc kernel (no in-place variant then).
- `base=` picks another base class (e.g. a family base with a checked kernel).
- `builder=None` registers the op only (the family writes an irregular builder by hand).
- `activation_op` (nn_ops) declares an activation or its gradient op on the family's base,
  with `kernel=` / `inplace_kernel=` and the builder's parameter names (`params=`).

Irregular ops (several outputs, attributes, special shape rules) keep a full `OpDef` class
(see docs/DESIGN.md, "Declaring an op").
"""
from __future__ import annotations

import inspect
import operator
import sys
from typing import Any, Callable, Optional, Sequence

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import gen_tensor, make_tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..kernels import scalar_blocks
from . import gen_math_ops
from ._helpers import NUMERIC, broadcast_spec, check_dtype


# Float ops of two 0-d inputs on the host run through NumPy's scalar arithmetic (the Python
# operator): 60 ns against 350-600 ns for a ufunc call on scalars, the same IEEE result.
_SCALAR_OPERATORS = {"add": operator.add, "subtract": operator.sub,
                     "multiply": operator.mul, "true_divide": operator.truediv}


def _scalar_operator(cls: type, be: Any, op: Any) -> Optional[Callable]:
    """The Python operator computing `op` when both inputs are float scalars on the host."""
    if be.name != "numpy" or cls.out_dtype is not None or cls.ufunc not in _SCALAR_OPERATORS \
            or not op.inputs[0].dtype.is_floating \
            or any(t.shape.ndims != 0 for t in op.inputs):
        return None
    return _SCALAR_OPERATORS[cls.ufunc]


def _with_scalar_block(cls: type, be: Any, op: Any) -> Optional[Callable]:
    """For maximum/minimum of an array and a 0-d operand on the host (`tf.maximum(x, 0.)`,
    `clip_by_value`): the ufunc through `scalar_blocks` (NumPy has no SIMD loop for a
    scalar operand there)."""
    if be.name != "numpy" or cls.ufunc not in ("maximum", "minimum"):
        return None
    dims = [t.shape.ndims for t in op.inputs]
    f = getattr(be.xp, cls.ufunc)
    if dims[1] == 0 and dims[0] != 0:
        return lambda x, y: scalar_blocks.with_scalar(f, x, y)
    if dims[0] == 0 and dims[1] != 0:
        return lambda x, y: scalar_blocks.with_scalar(f, y, x, scalar_first=True)
    return None


class BinaryElementwise(OpDef):
    """An elementwise op of two broadcastable same-dtype inputs, computed by a NumPy ufunc."""

    fresh_outputs = True

    ufunc = ""
    out_dtype: Optional[dtypes.DType] = None  # e.g. bool for comparisons
    allowed = NUMERIC

    def infer(self, x, y):
        out = broadcast_spec(x, y, self.out_dtype)
        check_dtype(x, self.allowed)
        return out

    def kernel(self, be, op, ctx):
        return _scalar_operator(type(self), be, op) or _with_scalar_block(type(self), be, op) \
            or getattr(be.xp, self.ufunc)

    def inplace_kernel(self, be, op, ctx):
        if self.out_dtype is not None or type(self).kernel is not BinaryElementwise.kernel \
                or _scalar_operator(type(self), be, op) is not None:
            return None
        f = getattr(be.xp, self.ufunc)
        if _with_scalar_block(type(self), be, op) is not None and op.inputs[1].shape.ndims == 0:
            return lambda x, y: scalar_blocks.with_scalar(f, x, y, out=x)

        def into_x(x, y):
            try:
                return f(x, y, out=x)
            except (ValueError, TypeError):  # `y` broadcasts `x` to a bigger shape
                return f(x, y)
        return into_x


class UnaryElementwise(OpDef):
    """An elementwise op of one input, computed by a NumPy ufunc."""

    fresh_outputs = True

    ufunc = ""
    out_dtype: Optional[dtypes.DType] = None
    allowed = NUMERIC

    def infer(self, x):
        check_dtype(x, self.allowed)
        return spec(self.out_dtype or x.dtype, x.shape)

    def kernel(self, be, op, ctx):
        return getattr(be.xp, self.ufunc)

    def inplace_kernel(self, be, op, ctx):
        if self.out_dtype is not None or type(self).kernel is not UnaryElementwise.kernel:
            return None
        f = getattr(be.xp, self.ufunc)
        return lambda x: f(x, out=x)


def declare_op(type_name: str, base: type, *, grad: Optional[Callable],
               kernel: Optional[Callable] = None, inplace_kernel: Optional[Callable] = None,
               doc: Optional[str] = None, module: Optional[str] = None, **attrs: Any) -> type:
    """Creates, registers and returns the OpDef subclass `type_name` of `base`.

    Args:
      type_name: The op type ("Neg").
      base: The OpDef base class (e.g. `UnaryElementwise`).
      grad: `grad(op, *grads)` -> one gradient per input; None: not differentiable.
      kernel: Optional `kernel(be, op)` returning the run-time callable.
      inplace_kernel: Optional `inplace_kernel(be, op)` (buffer forwarding; see registry.py).
      doc: The class docstring.
      module: The module the class is reported in (default: the caller's).
      **attrs: Class attributes (`ufunc`, `allowed`, OpDef flags, ...).

    Raises:
      KeyError: If `type_name` is registered already.
    """
    body = dict(attrs)
    body["__doc__"] = doc
    body["__module__"] = module or sys._getframe(1).f_globals.get("__name__", __name__)
    if kernel is not None:
        body["kernel"] = lambda self, be, op, ctx: kernel(be, op)
    if inplace_kernel is not None:
        body["inplace_kernel"] = lambda self, be, op, ctx: inplace_kernel(be, op)
    if grad is not None:
        body["gradient"] = lambda self, op, *grads: grad(op, *grads)
    cls = register_op(type_name)(type(type_name, (base,), body))
    if grad is None:
        NotDifferentiable(type_name)
    return cls


def _finish(fn: Callable, builder: str, doc: str, module: str) -> Callable:
    fn.__name__ = fn.__qualname__ = builder
    fn.__doc__ = doc
    fn.__module__ = module
    return fn


def unary_builder(type_name: str, builder: str, doc: str,
                  module: Optional[str] = None) -> Callable[..., Tensor]:
    """The public builder `builder(x, name=None)` adding one `type_name` op (default name:
    the op type), converting `x` with TF1's rules."""
    def build(x: Any, name: Optional[str] = None) -> Tensor:
        return gen_math_ops.unary(type_name, x, name)
    return _finish(build, builder, doc, module or sys._getframe(1).f_globals["__name__"])


def binary_builder(type_name: str, builder: str, doc: str,
                   module: Optional[str] = None) -> Callable[..., Tensor]:
    """The public builder `builder(x, y, name=None)` adding one `type_name` op; a Python
    operand takes the dtype of its tensor partner."""
    def build(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
        return gen_math_ops.binary(type_name, x, y, name)
    return _finish(build, builder, doc, module or sys._getframe(1).f_globals["__name__"])


def reduction_builder(type_name: str, builder: str, doc: str,
                      module: Optional[str] = None) -> Callable[..., Tensor]:
    """The public builder `builder(input_tensor, axis=None, keepdims=None, name=None,
    reduction_indices=None, keep_dims=None)` (TF1's reduce_* signature)."""
    def build(input_tensor: Any, axis: Any = None, keepdims: Optional[bool] = None,
              name: Optional[str] = None, reduction_indices: Any = None,
              keep_dims: Optional[bool] = None) -> Tensor:
        return gen_math_ops.reduce(type_name, input_tensor, axis, keepdims, name,
                                   reduction_indices, keep_dims)
    return _finish(build, builder, doc, module or sys._getframe(1).f_globals["__name__"])


def activation_builder(type_name: str, builder: str, doc: str, params: Sequence[str],
                       scoped: bool, module: Optional[str] = None) -> Callable[..., Tensor]:
    """The builder `builder(*params, name=None)` adding one `type_name` op of the inputs.

    `scoped=False` adds the op directly (`make_tensor`, op named `name or type`); `scoped=True`
    opens the op's name scope first and converts Python inputs inside it, named after the
    parameter (`gen_tensor`: TF1's generated wrappers). tfgraph keeps each builder's form.
    """
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    sig = inspect.Signature(
        [inspect.Parameter(p, kind, annotation="Any") for p in params]
        + [inspect.Parameter("name", kind, default=None, annotation="Optional[str]")],
        return_annotation="Tensor")

    def build(*args: Any, **kwargs: Any) -> Tensor:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        values = [bound.arguments[p] for p in params]
        name = bound.arguments["name"]
        if scoped:
            return gen_tensor(type_name, name, [(p, v, None, None) for p, v in zip(params, values)])
        return make_tensor(type_name, values, None, name=name or type_name)
    build.__signature__ = sig  # type: ignore[attr-defined]
    return _finish(build, builder, doc, module or sys._getframe(1).f_globals["__name__"])


def activation_op(type_name: str, builder: Optional[str], *, base: type,
                  grad: Optional[Callable], doc: str, params: Sequence[str] = ("features",),
                  scoped: bool = False, **attrs: Any) -> Optional[Callable]:
    """One row: declares an activation (or its gradient op, `params=("gradients",
    "features")`) on the family's `base` and returns its builder (see `activation_builder`)."""
    module = sys._getframe(1).f_globals["__name__"]
    declare_op(type_name, base, grad=grad, module=module, doc=doc, **attrs)
    if builder is None:
        return None
    return activation_builder(type_name, builder, doc, params, scoped, module)


def unary_op(type_name: str, builder: Optional[str], *, grad: Optional[Callable],
             doc: str, base: type = UnaryElementwise, **attrs: Any) -> Optional[Callable]:
    """One row: declares the elementwise unary op `type_name` and returns its builder."""
    module = sys._getframe(1).f_globals["__name__"]
    declare_op(type_name, base, grad=grad, module=module, doc=doc, **attrs)
    return None if builder is None else unary_builder(type_name, builder, doc, module)


def binary_op(type_name: str, builder: Optional[str], *, grad: Optional[Callable],
              doc: str, base: type = BinaryElementwise, **attrs: Any) -> Optional[Callable]:
    """One row: declares the elementwise binary op `type_name` and returns its builder."""
    module = sys._getframe(1).f_globals["__name__"]
    declare_op(type_name, base, grad=grad, module=module, doc=doc, **attrs)
    return None if builder is None else binary_builder(type_name, builder, doc, module)


def reduction_op(type_name: str, builder: Optional[str], *, grad: Optional[Callable],
                 doc: str, base: type, **attrs: Any) -> Optional[Callable]:
    """One row: declares the reduction `type_name` (on the family's base) and returns its
    `reduce_*` builder."""
    module = sys._getframe(1).f_globals["__name__"]
    declare_op(type_name, base, grad=grad, module=module, doc=doc, **attrs)
    return None if builder is None else reduction_builder(type_name, builder, doc, module)
