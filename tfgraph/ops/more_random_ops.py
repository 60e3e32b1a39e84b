"""Stateful Gamma and Poisson sampling: `tf.random.gamma` / `tf.random_gamma` (op
`RandomGamma`) and `tf.random.poisson` / `tf.random_poisson` (op `RandomPoissonV2`), with
TF1's seed rules (`random_ops.get_seed`) and per-session generators, as the other random ops.

The output shape is `shape + alpha.shape` (`shape + lam.shape`), as TF1.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ._helpers import host_array
from . import array_ops, math_ops
from .random_ops import _dims, _generator, _seed_attrs, _shape_tensor, shape_from_tensor

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def _out_shape(shape: Tensor, param: Tensor) -> TensorShape:
    return shape_from_tensor(shape).concatenate(param.shape)


@register_op("RandomGamma")
class RandomGamma(OpDef):
    """Gamma(alpha, 1) samples of shape `shape + alpha.shape` (shape read in host memory)."""

    stateful = True
    host_inputs = (0,)

    def infer(self, shape, alpha, *, seed, seed2):
        if alpha.dtype not in _FLOATS:
            raise TypeError(f"Value for attr 'T' of {alpha.dtype.name} is not in the list of "
                            f"allowed values: half, float, double")
        return spec(alpha.dtype, _out_shape(shape, alpha))

    def kernel(self, be, op, ctx):
        rng = _generator(op, be, ctx)
        xp = be.xp

        def run(shape, alpha):
            size = _dims(host_array(be, shape)) + tuple(alpha.shape)
            a = xp.broadcast_to(alpha.astype(xp.float64), size)
            return rng.standard_gamma(a, size=size).astype(alpha.dtype)
        return run


@register_op("RandomPoissonV2")
class RandomPoissonV2(OpDef):
    """Poisson(rate) samples of shape `shape + rate.shape` (shape read in host memory)."""

    stateful = True
    host_inputs = (0,)

    def infer(self, shape, rate, *, seed, seed2, dtype):
        allowed = _FLOATS + (dtypes.int32, dtypes.int64)
        for what, d in (("R", rate.dtype), ("dtype", dtype)):
            if d not in allowed:
                raise TypeError(f"Value for attr '{what}' of {d.name} is not in the list of "
                                f"allowed values: half, float, double, int32, int64")
        return spec(dtype, _out_shape(shape, rate))

    def kernel(self, be, op, ctx):
        rng = _generator(op, be, ctx)
        xp = be.xp
        dtype = op.attrs["dtype"].np_dtype

        def run(shape, rate):
            size = _dims(host_array(be, shape)) + tuple(rate.shape)
            lam = xp.broadcast_to(rate.astype(xp.float64), size)
            if bool(xp.any(lam < 0)):
                raise ValueError("rate must be non-negative")
            return rng.poisson(lam, size=size).astype(dtype)
        return run


NotDifferentiable("RandomGamma")
NotDifferentiable("RandomPoissonV2")


def random_gamma(shape: Any, alpha: Any, beta: Any = None, dtype: Any = dtypes.float32,
                 seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Samples from Gamma distributions (`tf.random_gamma`, `tf.random.gamma`).

    Args:
      shape: 1-D int tensor or Python list: the shape of the samples per distribution.
      alpha: Concentration (shape) parameters; a tensor of any shape.
      beta: Inverse scale (rate) parameters (default 1), broadcast against `alpha`.
      dtype: float16/32/64 (default float32).
      seed: Op-level seed (see `tf.set_random_seed`).
      name: Name scope (default "random_gamma").

    Returns:
      A tensor of shape `shape + broadcast(alpha, beta).shape`, never below the dtype's
      smallest positive normal number (as TF1).
    """
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "random_gamma", [shape, alpha, beta]):
        shape_t = _shape_tensor(shape)
        alpha_t = convert_to_tensor(alpha, dtype=dtype, name="alpha")
        beta_t = convert_to_tensor(beta if beta is not None else 1, dtype=dtype, name="beta")
        alpha_broadcast = alpha_t + array_ops.zeros_like(beta_t)
        rnd = get_default_graph().create_op("RandomGamma", [shape_t, alpha_broadcast],
                                            _seed_attrs(seed), name="RandomGamma").outputs[0]
        tiny = convert_to_tensor(np.finfo(dtype.np_dtype).tiny, dtype=dtype)
        return math_ops.maximum(tiny, rnd / beta_t)


def random_poisson(lam: Any, shape: Any, dtype: Any = dtypes.float32, seed: Optional[int] = None,
                   name: Optional[str] = None) -> Tensor:
    """Samples from Poisson distributions (`tf.random_poisson`, `tf.random.poisson`).

    Args:
      lam: Rates; a tensor of any shape (float16/32/64, int32/int64).
      shape: 1-D int tensor or Python list: the shape of the samples per rate.
      dtype: Output dtype: float16/32/64, int32/int64 (default float32).
      seed: Op-level seed.
      name: Name scope (default "random_poisson").

    Returns:
      A tensor of shape `shape + lam.shape`.
    """
    with name_scope(name, "random_poisson", [lam, shape]):
        shape_t = _shape_tensor(shape)
        lam_t = convert_to_tensor(lam, name="rate", dtype_hint=dtypes.float32)
        return get_default_graph().create_op(
            "RandomPoissonV2", [shape_t, lam_t],
            {"dtype": dtypes.as_dtype(dtype), **_seed_attrs(seed)},
            name="RandomPoissonV2").outputs[0]


__all__ = ["random_gamma", "random_poisson"]
