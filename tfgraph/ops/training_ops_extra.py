"""Update ops of the remaining TF1 optimizers: `ApplyAdadelta`, `ApplyProximalGradientDescent`,
`ApplyProximalAdagrad`, `ApplyFtrl`/`ApplyFtrlV2`, `ApplyAdagradDA`.

Same contract as `training_ops` (variable and slots by reference, updated in place, the new
value returned); the arithmetic follows TF1's CPU functors (training_ops.cc) term by term.
`ApplyAdagradDA` takes its global step as a scalar of the variable's dtype (TF1: int64).
"""
from __future__ import annotations

from typing import Optional

from ..framework.registry import NotDifferentiable, register_op
from .training_ops import _apply, _ApplyOp


def _shrink(xp, prox, threshold, denom):
    """sign(prox) * max(|prox| - threshold, 0) / denom (the proximal L1 step)."""
    return xp.sign(prox) * xp.maximum(xp.abs(prox) - threshold, 0) / denom


@register_op("ApplyAdadelta")
class ApplyAdadelta(_ApplyOp):
    """Adadelta: `accum = rho * accum + (1 - rho) * grad**2`;
    `update = sqrt(accum_update + eps) / sqrt(accum + eps) * grad`;
    `accum_update = rho * accum_update + (1 - rho) * update**2`; `var -= lr * update`."""

    arg_names = ("var", "accum", "accum_update", "lr", "rho", "epsilon", "grad")
    num_refs = 3
    scalar_args = ("lr", "rho", "epsilon")

    def update(self, xp, one, refs, lr, rho, epsilon, grad, tmp):
        var, accum, accum_update = refs
        accum *= rho
        accum += xp.square(grad) * (one - rho)
        update = xp.sqrt(accum_update + epsilon) / xp.sqrt(accum + epsilon) * grad
        accum_update *= rho
        accum_update += xp.square(update) * (one - rho)
        var -= update * lr


@register_op("ApplyProximalGradientDescent")
class ApplyProximalGradientDescent(_ApplyOp):
    """`prox = var - alpha * delta`; `var = shrink(prox, alpha * l1) / (1 + alpha * l2)`."""

    arg_names = ("var", "alpha", "l1", "l2", "delta")
    scalar_args = ("alpha", "l1", "l2")

    def update(self, xp, one, refs, alpha, l1, l2, delta, tmp):
        var = refs[0]
        prox = var - alpha * delta
        denom = one + alpha * l2
        var[...] = _shrink(xp, prox, alpha * l1, denom) if float(l1) > 0 else prox / denom


@register_op("ApplyProximalAdagrad")
class ApplyProximalAdagrad(_ApplyOp):
    """`accum += grad**2`; `lr_t = lr / sqrt(accum)`; `prox = var - lr_t * grad`;
    `var = shrink(prox, lr_t * l1) / (1 + lr_t * l2)`."""

    arg_names = ("var", "accum", "lr", "l1", "l2", "grad")
    num_refs = 2
    scalar_args = ("lr", "l1", "l2")

    def update(self, xp, one, refs, lr, l1, l2, grad, tmp):
        var, accum = refs
        accum += xp.square(grad)
        lr_t = lr / xp.sqrt(accum)
        prox = var - grad * lr_t
        denom = one + l2 * lr_t
        var[...] = _shrink(xp, prox, lr_t * l1, denom) if float(l1) > 0 else prox / denom


def _ftrl(xp, one, var, accum, linear, grad, lr, l1, l2, lr_power, shrinkage=None):
    new_accum = accum + xp.square(grad)
    g = grad if shrinkage is None else grad + 2 * shrinkage * var
    two = one + one
    if float(lr_power) == -0.5:
        linear += g - (xp.sqrt(new_accum) - xp.sqrt(accum)) / lr * var
        y = xp.sqrt(new_accum) / lr + two * l2
    else:
        linear += g - (new_accum ** -lr_power - accum ** -lr_power) / lr * var
        y = new_accum ** -lr_power / lr + two * l2
    x = l1 * xp.sign(linear) - linear
    var[...] = xp.where(xp.abs(linear) > l1, x / y, xp.zeros((), var.dtype))
    accum[...] = new_accum


@register_op("ApplyFtrl")
class ApplyFtrl(_ApplyOp):
    """FTRL-Proximal (McMahan et al.), as TF1's ApplyFtrl."""

    arg_names = ("var", "accum", "linear", "grad", "lr", "l1", "l2", "lr_power")
    num_refs = 3
    scalar_args = ("lr", "l1", "l2", "lr_power")

    def update(self, xp, one, refs, grad, lr, l1, l2, lr_power, tmp):
        _ftrl(xp, one, *refs, grad, lr, l1, l2, lr_power)


@register_op("ApplyFtrlV2")
class ApplyFtrlV2(_ApplyOp):
    """FTRL-Proximal with L2 shrinkage (`l2_shrinkage` adds `2 * l2_shrinkage * var` to the
    gradient of the linear term), as TF1's ApplyFtrlV2."""

    arg_names = ("var", "accum", "linear", "grad", "lr", "l1", "l2", "l2_shrinkage",
                 "lr_power")
    num_refs = 3
    scalar_args = ("lr", "l1", "l2", "l2_shrinkage", "lr_power")

    def update(self, xp, one, refs, grad, lr, l1, l2, l2_shrinkage, lr_power, tmp):
        _ftrl(xp, one, *refs, grad, lr, l1, l2, lr_power, shrinkage=l2_shrinkage)


@register_op("ApplyAdagradDA")
class ApplyAdagradDA(_ApplyOp):
    """Adagrad dual averaging: `g_acc += grad`; `g2_acc += grad**2`;
    `var = shrink(-g_acc, l1 * step) * lr / (l2 * step * lr + sqrt(g2_acc))`."""

    arg_names = ("var", "gradient_accumulator", "gradient_squared_accumulator", "grad", "lr",
                 "l1", "l2", "global_step")
    num_refs = 3
    scalar_args = ("lr", "l1", "l2", "global_step")

    def update(self, xp, one, refs, grad, lr, l1, l2, global_step, tmp):
        var, g_acc, g2_acc = refs
        g_acc += grad
        g2_acc += xp.square(grad)
        denom = l2 * global_step * lr + xp.sqrt(g2_acc)
        if float(l1) > 0:
            var[...] = xp.sign(-g_acc) * xp.maximum(xp.abs(g_acc) - l1 * global_step, 0) * lr \
                / denom
        else:
            var[...] = -g_acc * lr / denom


for _t in ("ApplyAdadelta", "ApplyProximalGradientDescent", "ApplyProximalAdagrad",
           "ApplyFtrl", "ApplyFtrlV2", "ApplyAdagradDA"):
    NotDifferentiable(_t)


def apply_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, use_locking: bool = False,
                   name: Optional[str] = None):
    """The `ApplyAdadelta` op; returns the updated `var`."""
    return _apply("ApplyAdadelta", [var, accum, accum_update], [lr, rho, epsilon, grad],
                  ["lr", "rho", "epsilon", "grad"], {"use_locking": bool(use_locking)}, name)


def apply_proximal_gradient_descent(var, alpha, l1, l2, delta, use_locking: bool = False,
                                    name: Optional[str] = None):
    """The `ApplyProximalGradientDescent` op; returns the updated `var`."""
    return _apply("ApplyProximalGradientDescent", [var], [alpha, l1, l2, delta],
                  ["alpha", "l1", "l2", "delta"], {"use_locking": bool(use_locking)}, name)


def apply_proximal_adagrad(var, accum, lr, l1, l2, grad, use_locking: bool = False,
                           name: Optional[str] = None):
    """The `ApplyProximalAdagrad` op; returns the updated `var`."""
    return _apply("ApplyProximalAdagrad", [var, accum], [lr, l1, l2, grad],
                  ["lr", "l1", "l2", "grad"], {"use_locking": bool(use_locking)}, name)


def apply_ftrl(var, accum, linear, grad, lr, l1, l2, lr_power, use_locking: bool = False,
               name: Optional[str] = None):
    """The `ApplyFtrl` op; returns the updated `var`."""
    return _apply("ApplyFtrl", [var, accum, linear], [grad, lr, l1, l2, lr_power],
                  ["grad", "lr", "l1", "l2", "lr_power"], {"use_locking": bool(use_locking)},
                  name)


def apply_ftrl_v2(var, accum, linear, grad, lr, l1, l2, l2_shrinkage, lr_power,
                  use_locking: bool = False, name: Optional[str] = None):
    """The `ApplyFtrlV2` op; returns the updated `var`."""
    return _apply("ApplyFtrlV2", [var, accum, linear], [grad, lr, l1, l2, l2_shrinkage, lr_power],
                  ["grad", "lr", "l1", "l2", "l2_shrinkage", "lr_power"],
                  {"use_locking": bool(use_locking)}, name)


def apply_adagrad_da(var, gradient_accumulator, gradient_squared_accumulator, grad, lr, l1, l2,
                     global_step, use_locking: bool = False, name: Optional[str] = None):
    """The `ApplyAdagradDA` op (global_step as a scalar of var's dtype); returns `var`."""
    return _apply("ApplyAdagradDA", [var, gradient_accumulator, gradient_squared_accumulator],
                  [grad, lr, l1, l2, global_step], ["grad", "lr", "l1", "l2", "global_step"],
                  {"use_locking": bool(use_locking)}, name)
