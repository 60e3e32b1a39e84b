"""`tf.math`: TF1's math namespace (re-exports of the math ops and of activations that TF1
also lists here)."""
from __future__ import annotations

import importlib as _importlib

from .ops.math_ops import (abs, add, add_n, argmax, argmin, ceil, cos, count_nonzero,  # noqa
                           cumsum, divide, div_no_nan, equal, exp, expm1, floor, floordiv,
                           floormod, greater, greater_equal, is_finite, is_inf, is_nan, less,
                           less_equal, log, log1p, log_sigmoid, logical_and, logical_not,
                           logical_or, logical_xor, maximum, minimum, mod, multiply, negative,
                           not_equal, pow, realdiv, reciprocal, reduce_all, reduce_any,
                           reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod,
                           reduce_sum, round, rsqrt, scalar_mul, sign, sin, sqrt, square,
                           squared_difference, subtract, truediv)

__all__ = [
    "abs", "add", "add_n", "argmax", "argmin", "ceil", "cos", "count_nonzero", "cumsum",
    "divide", "divide_no_nan", "equal", "exp", "expm1", "floor", "floordiv", "floormod",
    "greater", "greater_equal", "is_finite", "is_inf", "is_nan", "less", "less_equal", "log",
    "log1p", "log_sigmoid", "logical_and", "logical_not", "logical_or", "logical_xor", "maximum",
    "minimum", "mod", "multiply", "negative", "not_equal", "pow", "realdiv", "reciprocal",
    "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min",
    "reduce_prod", "reduce_sum", "round", "rsqrt", "scalar_mul", "sign", "sin", "sqrt", "square",
    "squared_difference", "subtract", "truediv",
]

divide_no_nan = div_no_nan

# Activations TF1 also exports as tf.math.* live with the nn ops (another module); re-export
# the ones that exist.
try:
    _nn = _importlib.import_module(f"{__package__}.ops.nn_ops")
except ModuleNotFoundError as _e:
    if _e.name != f"{__package__}.ops.nn_ops":
        raise
    _nn = None
for _name in ("sigmoid", "tanh", "softplus", "softsign", "top_k", "in_top_k", "l2_normalize"):
    if _nn is not None and hasattr(_nn, _name):
        globals()[_name] = getattr(_nn, _name)
        __all__.append(_name)
del _importlib, _name
