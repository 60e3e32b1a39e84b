"""The optimizers' update ops (`ApplyGradientDescent`, `ApplyMomentum`, `ApplyAdam`, ...).

Each op takes the variable and its optimizer slots as *reference inputs* and updates the
session's storage cells in place (a cell owns its buffer: `Assign` stores a copy), then returns
the variable's new value, as TF1's `Apply*` kernels do.  The arithmetic follows TF1's CPU
functors (training_ops.cc) term by term, so float32 results agree with TF1 to rounding.
Hyperparameters arrive as 0-d arrays of the variable's dtype: no float64 temporary is made for
a float32 variable.  The terms are evaluated into work buffers borrowed from
`tfgraph.kernels.workspace` (`ufunc(..., out=tmp)`), never into fresh temporaries: for the
MLP's 784x512 weight an RMSProp update went from 12 NumPy passes with 6 allocations to
10 passes with none.

Not imported by `tfgraph` itself: the optimizer modules import it.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Optional, Sequence

from ..framework import errors
from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..kernels import parallel
from ..kernels.workspace import WORKSPACE

# Variables smaller than this get plain temporaries (the pool's bookkeeping costs more).
_SCRATCH_MIN_SIZE = 4096


def check_apply_operand(type_name: str, name: str, t: Tensor, var: Tensor,
                        scalar_args: Sequence[str]) -> bool:
    """TF1's checks of one operand of an `Apply*`/`SparseApply*` op: `var`'s dtype, and rank 0
    for a scalar argument; returns whether `name` is one (the caller checks other shapes)."""
    if t.dtype != var.dtype:
        raise TypeError(f"Input '{name}' of '{type_name}' Op has type {t.dtype.name} that "
                        f"does not match type {var.dtype.name} of argument 'var'.")
    if name not in scalar_args:
        return False
    if t.shape.ndims is not None and t.shape.ndims != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {t.shape.ndims} for input "
                         f"'{name}' of '{type_name}' (shape {t.shape})")
    return True


def check_apply_inputs(type_name: str, arg_names: Sequence[str], num_refs: int,
                       inputs: Sequence[Tensor]) -> Tensor:
    """The checks every `Apply*`/`SparseApply*` op makes at build time (input count, variable
    references, a floating variable); returns the variable."""
    if len(inputs) != len(arg_names):
        raise ValueError(f"{type_name} takes {len(arg_names)} inputs "
                         f"({', '.join(arg_names)}), got {len(inputs)}")
    var = inputs[0]
    for i in range(num_refs):
        if inputs[i].op.type != "VariableV2":
            raise TypeError(f"Input '{arg_names[i]}' of '{type_name}' must be a variable "
                            f"reference, got {inputs[i].name} (op type {inputs[i].op.type})")
    if not var.dtype.is_floating:
        raise TypeError(f"'{type_name}' needs a floating-point variable, got "
                        f"'{var.op.name}' of type {var.dtype.name}")
    return var


def read_cells(cells: Sequence[Any], op: Any) -> list:
    """The storage of the variable cells an update op takes by reference (uninitialized:
    TF1's FailedPreconditionError naming the variable)."""
    values = []
    for cell in cells:
        v = cell.value
        if v is None:
            raise errors.FailedPreconditionError(
                None, op, f"Attempting to use uninitialized value {cell.op.name}\n\t "
                          f"[[node {op.name}]]")
        values.append(v)
    return values


class _ApplyOp(OpDef):
    """Base of the `Apply*` ops.

    Subclasses set `arg_names` (TF1's input names, refs first), `num_refs` (how many leading
    inputs are variable references) and `scalar_args` (inputs that must be scalars), and define
    `update(xp, one, refs, *args, tmp, **attrs)`, which modifies the arrays in `refs` in place
    (`one` is a 0-d array 1 of the variable's dtype; `tmp` is a list of `scratch` work arrays
    shaped like the variable, contents undefined).
    """

    arg_names: Sequence[str] = ()
    scratch = 1
    num_refs = 1
    scalar_args: Sequence[str] = ()
    stateful = True
    mutates_variables = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.ref_inputs = tuple(range(cls.num_refs))

    def infer(self, *inputs: Tensor, **attrs):
        var = check_apply_inputs(self.type_name, self.arg_names, self.num_refs, inputs)
        shape = var.shape
        for name, t in zip(self.arg_names[1:], inputs[1:]):
            if check_apply_operand(self.type_name, name, t, var, self.scalar_args):
                continue
            if not shape.is_compatible_with(t.shape):
                raise ValueError(f"Shapes of 'var' {var.shape} and '{name}' {t.shape} must be "
                                 f"equal in '{self.type_name}'")
            else:
                shape = shape.merge_with(t.shape)
        return spec(var.dtype, var.shape)

    def kernel(self, be, op, ctx) -> Callable:
        xp = be.xp
        cells = [ctx.variable_cell(op.inputs[i].op) for i in range(self.num_refs)]
        names = self.arg_names
        # Positions (among the non-reference arguments) of the tensors shaped like `var`.
        shaped = [(k, n) for k, n in enumerate(names[self.num_refs:]) if n not in self.scalar_args]
        attrs = dict(op.attrs)
        attrs.pop("use_locking", None)  # a plan runs on one thread: nothing to lock
        one = xp.ones((), dtype=op.inputs[0].dtype.np_dtype)  # keeps `1 - beta` in var's dtype
        update = self.update

        def run(*args):
            values = read_cells(cells, op)
            var = values[0]
            for name, v in itertools.chain(zip(names[1:], values[1:]),
                                           ((n, args[k]) for k, n in shaped)):
                if v.shape != var.shape:
                    raise errors.InvalidArgumentError(
                        None, op, f"var and {name} do not have the same shape"
                                  f"{list(var.shape)} {list(v.shape)}\n\t [[node {op.name}]]")
            n = self.scratch
            if var.size < _SCRATCH_MIN_SIZE:
                update(xp, one, values, *args, tmp=[xp.empty_like(var) for _ in range(n)],
                       **attrs)
                return var
            taken = [WORKSPACE.take(be, "apply", var.shape, var.dtype) for _ in range(n)]
            try:
                tmp = [b for _, b in taken]
                if var.ndim == 0 or parallel.threads_for(be, (len(values) + len(shaped)) *
                                                         var.nbytes) < 2:
                    update(xp, one, values, *args, tmp=tmp, **attrs)
                    return var
                # every update is elementwise: rows of all the same-shaped arrays at a time
                # on tfgraph's threads (in convolutional plans: Adam on a 3136x128 weight
                # 0.56 -> 0.40 ms a run)
                shaped_at = {k for k, _ in shaped}

                def rows(s: int, e: int) -> None:
                    update(xp, one, [v[s:e] for v in values],
                           *[a[s:e] if k in shaped_at else a for k, a in enumerate(args)],
                           tmp=[b[s:e] for b in tmp], **attrs)
                parallel.parallel_for(be, var.shape[0], rows, 1 << 30)
            finally:
                for key, buf in taken:
                    WORKSPACE.give(key, buf)
            return var
        return run

    def update(self, xp, one, refs, *args, **attrs) -> None:
        raise NotImplementedError


@register_op("ApplyGradientDescent")
class ApplyGradientDescent(_ApplyOp):
    """`var -= alpha * delta`."""

    arg_names = ("var", "alpha", "delta")
    scalar_args = ("alpha",)

    def update(self, xp, one, refs, alpha, delta, tmp):
        xp.subtract(refs[0], xp.multiply(delta, alpha, out=tmp[0]), out=refs[0])


@register_op("ApplyMomentum")
class ApplyMomentum(_ApplyOp):
    """`accum = accum * momentum + grad; var -= lr * accum` (Nesterov: `var -= grad * lr +
    accum * momentum * lr`)."""

    arg_names = ("var", "accum", "lr", "grad", "momentum")
    num_refs = 2
    scalar_args = ("lr", "momentum")

    def update(self, xp, one, refs, lr, grad, momentum, tmp, use_nesterov=False):
        var, accum = refs
        t = tmp[0]
        accum *= momentum
        accum += grad
        if use_nesterov:
            var -= grad * lr + accum * momentum * lr
        else:
            var -= xp.multiply(accum, lr, out=t)


@register_op("ApplyAdam")
class ApplyAdam(_ApplyOp):
    """Adam: `lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)`;
    `m += (grad - m) * (1 - beta1)`; `v += (grad**2 - v) * (1 - beta2)`;
    `var -= m * lr_t / (sqrt(v) + epsilon)`."""

    arg_names = ("var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                 "epsilon", "grad")
    num_refs = 3
    scalar_args = ("beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon")
    scratch = 2

    def update(self, xp, one, refs, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               tmp, use_nesterov=False):
        var, m, v = refs
        t, u = tmp
        alpha = lr * xp.sqrt(one - beta2_power) / (one - beta1_power)
        xp.subtract(grad, m, out=t)
        t *= one - beta1
        m += t                                    # m += (grad - m) * (1 - beta1)
        xp.square(grad, out=t)
        t -= v
        t *= one - beta2
        v += t                                    # v += (grad**2 - v) * (1 - beta2)
        xp.sqrt(v, out=t)
        t += epsilon                              # t = sqrt(v) + epsilon
        if use_nesterov:
            xp.multiply(grad, one - beta1, out=u)
            u += beta1 * m
            u *= alpha
        else:
            xp.multiply(m, alpha, out=u)
        u /= t
        var -= u


@register_op("ApplyRMSProp")
class ApplyRMSProp(_ApplyOp):
    """RMSProp: `ms += (grad**2 - ms) * (1 - rho)`;
    `mom = mom * momentum + grad * lr / sqrt(ms + epsilon)`; `var -= mom`."""

    arg_names = ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad")
    num_refs = 3
    scalar_args = ("lr", "rho", "momentum", "epsilon")
    scratch = 2

    def update(self, xp, one, refs, lr, rho, momentum, epsilon, grad, tmp):
        var, ms, mom = refs
        t, u = tmp
        xp.square(grad, out=t)
        t -= ms
        t *= one - rho
        ms += t                                   # ms += (grad**2 - ms) * (1 - rho)
        xp.add(ms, epsilon, out=t)
        xp.sqrt(t, out=t)
        xp.multiply(grad, lr, out=u)
        u /= t                                    # u = (grad * lr) / sqrt(ms + epsilon)
        mom *= momentum
        mom += u
        var -= mom


@register_op("ApplyCenteredRMSProp")
class ApplyCenteredRMSProp(_ApplyOp):
    """Centered RMSProp: also tracks the mean gradient `mg`;
    `mom = mom * momentum + grad * lr / sqrt(ms - mg**2 + epsilon)`; `var -= mom`."""

    arg_names = ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad")
    num_refs = 4
    scalar_args = ("lr", "rho", "momentum", "epsilon")
    scratch = 0  # rarely used: plain temporaries

    def update(self, xp, one, refs, lr, rho, momentum, epsilon, grad, tmp):
        var, mg, ms, mom = refs
        ms += (xp.square(grad) - ms) * (one - rho)
        mg += (grad - mg) * (one - rho)
        denom = (ms - xp.square(mg)) + epsilon
        mom *= momentum
        mom += (grad * lr) / xp.sqrt(denom)
        var -= mom


@register_op("ApplyAdagrad")
class ApplyAdagrad(_ApplyOp):
    """Adagrad: `accum += grad**2` (if `update_slots`); `var -= lr * grad / sqrt(accum)`."""

    arg_names = ("var", "accum", "lr", "grad")
    num_refs = 2
    scalar_args = ("lr",)

    def update(self, xp, one, refs, lr, grad, tmp, update_slots=True):
        var, accum = refs
        t = tmp[0]
        if update_slots:
            accum += xp.square(grad, out=t)
        u = xp.multiply(grad, lr)
        u /= xp.sqrt(accum, out=t)
        var -= u


for _t in ("ApplyGradientDescent", "ApplyMomentum", "ApplyAdam", "ApplyRMSProp",
           "ApplyCenteredRMSProp", "ApplyAdagrad"):
    NotDifferentiable(_t)


# --- builders (TF1's gen_training_ops wrappers) -----------------------------------------------
def _apply(op_type: str, refs: Sequence[Any], values: Sequence[Any], names: Sequence[str],
           attrs: dict, name: Optional[str]) -> Tensor:
    from .variables import _ref_of
    ref_tensors = [_ref_of(r) for r in refs]
    var = ref_tensors[0]
    graph = var.graph
    inputs = list(ref_tensors)
    with graph.as_default():
        for n, x in zip(names, values):
            # A Python number takes the variable's dtype (TF1's shared type attr `T`).
            inputs.append(convert_to_tensor(x, preferred_dtype=var.dtype, name=n))
    return graph.create_op(op_type, inputs, attrs, name=name or op_type).outputs[0]


def apply_gradient_descent(var, alpha, delta, use_locking: bool = False,
                           name: Optional[str] = None) -> Tensor:
    """Updates `var -= alpha * delta` in place (the `ApplyGradientDescent` op).

    Args:
      var: A float `Variable` (or its reference tensor).
      alpha: Scalar learning rate of `var`'s dtype.
      delta: The change, shaped like `var`.
      use_locking: Accepted for compatibility.
      name: Op name (default "ApplyGradientDescent").

    Returns:
      The updated value of `var`.
    """
    return _apply("ApplyGradientDescent", [var], [alpha, delta], ["alpha", "delta"],
                  {"use_locking": bool(use_locking)}, name)


def apply_momentum(var, accum, lr, grad, momentum, use_locking: bool = False,
                   use_nesterov: bool = False, name: Optional[str] = None) -> Tensor:
    """Momentum update of `var` and its accumulator `accum` (the `ApplyMomentum` op).

    Returns:
      The updated value of `var`.
    """
    return _apply("ApplyMomentum", [var, accum], [lr, grad, momentum], ["lr", "grad", "momentum"],
                  {"use_locking": bool(use_locking), "use_nesterov": bool(use_nesterov)}, name)


def apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               use_locking: bool = False, use_nesterov: bool = False,
               name: Optional[str] = None) -> Tensor:
    """Adam update of `var` and its moments `m`, `v` (the `ApplyAdam` op).

    Returns:
      The updated value of `var`.
    """
    return _apply("ApplyAdam", [var, m, v],
                  [beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad],
                  ["beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon", "grad"],
                  {"use_locking": bool(use_locking), "use_nesterov": bool(use_nesterov)}, name)


def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking: bool = False,
                   name: Optional[str] = None) -> Tensor:
    """RMSProp update of `var`, `ms` and `mom` (the `ApplyRMSProp` op).

    Returns:
      The updated value of `var`.
    """
    return _apply("ApplyRMSProp", [var, ms, mom], [lr, rho, momentum, epsilon, grad],
                  ["lr", "rho", "momentum", "epsilon", "grad"],
                  {"use_locking": bool(use_locking)}, name)


def apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad,
                            use_locking: bool = False, name: Optional[str] = None) -> Tensor:
    """Centered RMSProp update of `var`, `mg`, `ms` and `mom` (the `ApplyCenteredRMSProp` op).

    Returns:
      The updated value of `var`.
    """
    return _apply("ApplyCenteredRMSProp", [var, mg, ms, mom], [lr, rho, momentum, epsilon, grad],
                  ["lr", "rho", "momentum", "epsilon", "grad"],
                  {"use_locking": bool(use_locking)}, name)


def apply_adagrad(var, accum, lr, grad, use_locking: bool = False, update_slots: bool = True,
                  name: Optional[str] = None) -> Tensor:
    """Adagrad update of `var` and its accumulator `accum` (the `ApplyAdagrad` op).

    Returns:
      The updated value of `var`.
    """
    return _apply("ApplyAdagrad", [var, accum], [lr, grad], ["lr", "grad"],
                  {"use_locking": bool(use_locking), "update_slots": bool(update_slots)}, name)
