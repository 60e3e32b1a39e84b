"""The learning-rate schedules TF1 has beyond `learning_rate_decay.py`: `cosine_decay_restarts`
(SGDR), `linear_cosine_decay`, `noisy_linear_cosine_decay`, and `piecewise_constant_decay`
(TF1's other spelling of `piecewise_constant`). Formulas as TF1's `learning_rate_decay_v2`."""
from __future__ import annotations

import math
from typing import Any, Optional

from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, name_scope
from ..ops import math_ops, random_ops
from .learning_rate_decay import _cast, _require_step, piecewise_constant

piecewise_constant_decay = piecewise_constant


def cosine_decay_restarts(learning_rate: Any, global_step: Any, first_decay_steps: Any,
                          t_mul: float = 2.0, m_mul: float = 1.0, alpha: float = 0.0,
                          name: Optional[str] = None) -> Tensor:
    """Cosine decay with warm restarts (`tf.train.cosine_decay_restarts`): period i lasts
    `first_decay_steps * t_mul**i` steps and starts at `learning_rate * m_mul**i`."""
    _require_step(global_step, "cosine_decay_restarts")
    with name_scope(name, "SGDRDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
        dtype = lr.dtype
        fraction = math_ops.truediv(_cast(global_step, dtype), _cast(first_decay_steps, dtype))
        if float(t_mul) == 1.0:
            i_restart = math_ops.floor(fraction)
            fraction = math_ops.subtract(fraction, i_restart)
        else:
            tm = _cast(t_mul, dtype)
            one = _cast(1.0, dtype)
            i_restart = math_ops.floor(math_ops.truediv(
                math_ops.log(math_ops.subtract(one, math_ops.multiply(
                    fraction, math_ops.subtract(one, tm)))), math_ops.log(tm)))
            sum_r = math_ops.truediv(math_ops.subtract(one, math_ops.pow(tm, i_restart)),
                                     math_ops.subtract(one, tm))
            fraction = math_ops.truediv(math_ops.subtract(fraction, sum_r),
                                        math_ops.pow(tm, i_restart))
        m_fac = math_ops.pow(_cast(m_mul, dtype), i_restart)
        cosine = math_ops.multiply(math_ops.multiply(_cast(0.5, dtype), m_fac), math_ops.add(
            _cast(1.0, dtype), math_ops.cos(math_ops.multiply(_cast(math.pi, dtype), fraction))))
        a = _cast(alpha, dtype)
        decayed = math_ops.add(math_ops.multiply(math_ops.subtract(_cast(1.0, dtype), a),
                                                 cosine), a)
        return math_ops.multiply(lr, decayed, name=scope)


def _linear_cosine(lr, global_step, decay_steps, num_periods, alpha, beta, noise_std=None):
    dtype = lr.dtype
    steps = _cast(decay_steps, dtype)
    step = math_ops.minimum(_cast(global_step, dtype), steps)
    linear = math_ops.truediv(math_ops.subtract(steps, step), steps)
    if noise_std is not None:
        linear = math_ops.add(linear, random_ops.random_normal(linear.shape.as_list(),
                                                               stddev=noise_std, dtype=dtype))
    fraction = math_ops.multiply(_cast(2.0 * num_periods, dtype), math_ops.truediv(step, steps))
    cosine = math_ops.multiply(_cast(0.5, dtype), math_ops.add(
        _cast(1.0, dtype), math_ops.cos(math_ops.multiply(_cast(math.pi, dtype), fraction))))
    return math_ops.add(math_ops.multiply(math_ops.add(_cast(alpha, dtype), linear), cosine),
                        _cast(beta, dtype))


def linear_cosine_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                        num_periods: float = 0.5, alpha: float = 0.0, beta: float = 0.001,
                        name: Optional[str] = None) -> Tensor:
    """Linear cosine decay (`tf.train.linear_cosine_decay`):
    `lr * ((alpha + (T - t) / T) * 0.5 * (1 + cos(pi * 2 * num_periods * t / T)) + beta)`."""
    _require_step(global_step, "linear_cosine_decay")
    with name_scope(name, "LinearCosineDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        return math_ops.multiply(lr, _linear_cosine(lr, global_step, decay_steps, num_periods,
                                                    alpha, beta), name=scope)


def noisy_linear_cosine_decay(learning_rate: Any, global_step: Any, decay_steps: Any,
                              initial_variance: float = 1.0, variance_decay: float = 0.55,
                              num_periods: float = 0.5, alpha: float = 0.0, beta: float = 0.001,
                              name: Optional[str] = None) -> Tensor:
    """`linear_cosine_decay` with Gaussian noise of variance
    `initial_variance / (1 + step)**variance_decay` on the linear term
    (`tf.train.noisy_linear_cosine_decay`)."""
    _require_step(global_step, "noisy_linear_cosine_decay")
    with name_scope(name, "NoisyLinearCosineDecay", [learning_rate, global_step]) as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        step = _cast(global_step, dtype)
        variance = math_ops.truediv(_cast(initial_variance, dtype), math_ops.pow(
            math_ops.add(_cast(1.0, dtype), step), _cast(variance_decay, dtype)))
        return math_ops.multiply(lr, _linear_cosine(lr, global_step, decay_steps, num_periods,
                                                    alpha, beta, math_ops.sqrt(variance)),
                                 name=scope)


__all__ = ["cosine_decay_restarts", "linear_cosine_decay", "noisy_linear_cosine_decay",
           "piecewise_constant_decay"]
