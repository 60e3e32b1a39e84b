"""Learning-rate schedules of the global step (`tf.train.exponential_decay`, ...).

Each returns a scalar tensor computed in the learning rate's dtype (float32 for a Python
float): the integer global step is cast to that dtype first, as in TF1.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence

from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..ops import math_ops


def _cast(x: Any, dtype) -> Tensor:
    x = convert_to_tensor(x) if isinstance(x, Tensor) or hasattr(x, "_as_graph_element") else \
        convert_to_tensor(x, preferred_dtype=dtype)
    return x if x.dtype.base_dtype == dtype else math_ops.cast(x, dtype)


def _require_step(global_step: Any, fn: str) -> None:
    if global_step is None:
        raise ValueError(f"global_step is required for {fn}.")


def _progress(global_step, decay_steps, staircase, dtype) -> Tensor:
    """`global_step / decay_steps` in `dtype`, floored when `staircase`."""
    p = math_ops.realdiv(_cast(global_step, dtype), _cast(decay_steps, dtype))
    return math_ops.floor(p) if staircase else p


def exponential_decay(learning_rate: Any, global_step: Any, decay_steps: Any, decay_rate: Any,
                      staircase: bool = False, name: Optional[str] = None) -> Tensor:
    """`learning_rate * decay_rate ** (global_step / decay_steps)`.

    Args:
      learning_rate: Initial learning rate (float or scalar float tensor).
      global_step: The step (an integer variable or tensor); must not be None.
      decay_steps: Steps per decay period (positive number or tensor).
      decay_rate: Decay factor per period.
      staircase: If True, `global_step / decay_steps` is floored (decay in steps).
      name: Name scope (default "ExponentialDecay"); the result op has this name.

    Returns:
      A scalar tensor of `learning_rate`'s dtype.

    Raises:
      ValueError: If `global_step` is None.
    """
    _require_step(global_step, "exponential_decay")
    with name_scope(name, "ExponentialDecay",
                    [learning_rate, global_step, decay_steps, decay_rate]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        p = _progress(global_step, decay_steps, staircase, dtype)
        return math_ops.multiply(lr, math_ops.pow(_cast(decay_rate, dtype), p), name=scope)


def natural_exp_decay(learning_rate: Any, global_step: Any, decay_steps: Any, decay_rate: Any,
                      staircase: bool = False, name: Optional[str] = None) -> Tensor:
    """`learning_rate * exp(-decay_rate * global_step / decay_steps)` (floored with
    `staircase`); arguments as `exponential_decay` (default name "NaturalExpDecay")."""
    _require_step(global_step, "natural_exp_decay")
    with name_scope(name, "NaturalExpDecay", [learning_rate, global_step, decay_rate]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        p = _progress(global_step, decay_steps, staircase, dtype)
        exponent = math_ops.exp(math_ops.multiply(math_ops.negative(_cast(decay_rate, dtype)), p))
        return math_ops.multiply(lr, exponent, name=scope)


def inverse_time_decay(learning_rate: Any, global_step: Any, decay_steps: Any, decay_rate: Any,
                       staircase: bool = False, name: Optional[str] = None) -> Tensor:
    """`learning_rate / (1 + decay_rate * global_step / decay_steps)` (floored with
    `staircase`); arguments as `exponential_decay` (default name "InverseTimeDecay")."""
    _require_step(global_step, "inverse_time_decay")
    with name_scope(name, "InverseTimeDecay", [learning_rate, global_step, decay_rate]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        p = _progress(global_step, decay_steps, staircase, dtype)
        denom = math_ops.add(_cast(1, dtype), math_ops.multiply(_cast(decay_rate, dtype), p))
        return math_ops.realdiv(lr, denom, name=scope)


def polynomial_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                     end_learning_rate: Any = 0.0001, power: Any = 1.0, cycle: bool = False,
                     name: Optional[str] = None) -> Tensor:
    """Polynomial decay from `learning_rate` to `end_learning_rate` over `decay_steps`::

        step = min(global_step, decay_steps)   # cycle: decay_steps *= ceil(step / decay_steps)
        (learning_rate - end_learning_rate) * (1 - step / decay_steps) ** power + end_learning_rate

    Args:
      learning_rate, global_step, decay_steps: As `exponential_decay`.
      end_learning_rate: The final learning rate.
      power: Exponent of the polynomial (1.0: linear).
      cycle: Restart the decay after `decay_steps` (with a growing period) instead of staying
        at `end_learning_rate`.
      name: Name scope (default "PolynomialDecay").

    Returns:
      A scalar tensor of `learning_rate`'s dtype.

    Raises:
      ValueError: If `global_step` is None.
    """
    _require_step(global_step, "polynomial_decay")
    with name_scope(name, "PolynomialDecay",
                    [learning_rate, global_step, decay_steps, end_learning_rate, power]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        end_lr = _cast(end_learning_rate, dtype)
        power_t = _cast(power, dtype)
        step = _cast(global_step, dtype)
        steps = _cast(decay_steps, dtype)
        if cycle:
            # TF1 uses a multiplier of 1 at step 0 (a `cond`); for steps >= 0 that is max(., 1).
            multiplier = math_ops.maximum(math_ops.ceil(math_ops.realdiv(step, steps)),
                                          _cast(1, dtype))
            steps = math_ops.multiply(steps, multiplier)
        else:
            step = math_ops.minimum(step, steps)
        p = math_ops.realdiv(step, steps)
        return math_ops.add(
            math_ops.multiply(math_ops.subtract(lr, end_lr),
                              math_ops.pow(math_ops.subtract(_cast(1, dtype), p), power_t)),
            end_lr, name=scope)


def cosine_decay(learning_rate: Any, global_step: Any, decay_steps: Any, alpha: Any = 0.0,
                 name: Optional[str] = None) -> Tensor:
    """Cosine decay: `learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step,
    decay_steps) / decay_steps)) + alpha)` (default name "CosineDecay")."""
    _require_step(global_step, "cosine_decay")
    with name_scope(name, "CosineDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        steps = _cast(decay_steps, dtype)
        step = math_ops.minimum(_cast(global_step, dtype), steps)
        fraction = math_ops.realdiv(step, steps)
        cosine = math_ops.multiply(
            _cast(0.5, dtype),
            math_ops.add(_cast(1.0, dtype), math_ops.cos(math_ops.multiply(_cast(math.pi, dtype),
                                                                           fraction))))
        a = _cast(alpha, dtype)
        decayed = math_ops.add(
            math_ops.multiply(math_ops.subtract(_cast(1.0, dtype), a), cosine), a)
        return math_ops.multiply(lr, decayed, name=scope)


def piecewise_constant(x: Any, boundaries: Sequence[Any], values: Sequence[Any],
                       name: Optional[str] = None) -> Tensor:
    """`values[0]` while `x <= boundaries[0]`, `values[i]` for `boundaries[i-1] < x <=
    boundaries[i]`, `values[-1]` after the last boundary.

    Args:
      x: The step (a scalar tensor, e.g. the global step).
      boundaries: Increasing step boundaries (cast to `x`'s dtype).
      values: One more value than boundaries, all of one dtype.
      name: Name scope (default "PiecewiseConstant").

    Returns:
      A scalar tensor of the values' dtype.

    Raises:
      ValueError: If `len(values) != len(boundaries) + 1` or the values' dtypes differ.
    """
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    from ..ops import array_ops
    with name_scope(name, "PiecewiseConstant", [x, boundaries, values]) as scope:
        x_t = convert_to_tensor(x)
        vals = [convert_to_tensor(v) for v in values]
        for v in vals[1:]:
            if v.dtype.base_dtype != vals[0].dtype.base_dtype:
                raise ValueError(f"Values must have elements all with the same dtype "
                                 f"({vals[0].dtype.name} vs {v.dtype.name}).")
        bounds = [_cast(b, x_t.dtype.base_dtype) for b in boundaries]
        # The last interval first; each earlier boundary overrides below it.
        result = vals[-1]
        for i in range(len(bounds) - 1, -1, -1):
            is_last = i == 0
            result = array_ops.where(math_ops.less_equal(x_t, bounds[i]), vals[i], result,
                                     name=scope if is_last else None)
        return result


__all__ = ["exponential_decay", "natural_exp_decay", "inverse_time_decay", "polynomial_decay",
           "cosine_decay", "piecewise_constant"]
