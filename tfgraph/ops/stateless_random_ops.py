"""Stateless random ops (`tf.random.stateless_uniform`, `stateless_normal`, ...,
`fold_in`, `split`): the values are a function of a `seed` pair tensor only.

Each kernel makes a fresh generator from the seed pair at every run (NumPy's SeedSequence of
the two 64-bit words, on the op's device), so the same seeds give the same values in every
run and session, and different seeds different values. The values are not TensorFlow's
(its Philox counters are not reproduced); the shape, dtype and seed rules are TF1's. Shape and
seed inputs are read in host memory.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ._helpers import host_array
from . import array_ops, math_ops
from .random_ops import (TruncatedNormal, _dims, _shape_tensor, multinomial_spec,
                         sample_categorical, shape_from_tensor)

_SEED_TYPES = (dtypes.int32, dtypes.int64)
_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
_MASK64 = (1 << 64) - 1


def stateless_generator(be, seed) -> Any:
    """A generator on `be`'s device determined by the seed pair `seed` (a 2-element array)."""
    s = host_array(be, seed).reshape(-1)
    words = [int(s[0]) & _MASK64, int(s[1]) & _MASK64]
    key = np.random.SeedSequence(words).generate_state(2, np.uint64)
    return be.rng(int(key[0]) << 64 | int(key[1]))


def _check_seed(op_type: str, seed: Tensor) -> None:
    if seed.dtype not in _SEED_TYPES:
        raise TypeError(f"Value passed to parameter 'seed' of '{op_type}' has DataType "
                        f"{seed.dtype.name} not in list of allowed values: int32, int64")
    if not seed.shape.is_compatible_with([2]):
        raise ValueError(f"seed must have shape [2], not {seed.shape} (in '{op_type}')")


def _gen_dtype(dtype: np.dtype) -> np.dtype:
    # Generators draw float32 or float64 directly; float16 goes via float32.
    return dtype if dtype in (np.float32, np.float64) else np.dtype(np.float32)


class _Stateless(OpDef):
    """`shape` (host), `seed` (host, 2 ints), then the op's parameters (`params`)."""

    host_inputs = (0, 1)
    allowed = _FLOATS
    params = ()

    def infer(self, shape, seed, *params, dtype=None):
        _check_seed(self.type_name, seed)
        dtype = self.out_dtype(params, dtype)
        if dtype not in self.allowed:
            raise TypeError(f"Value for attr 'dtype' of {dtype.name} is not in the list of "
                            f"allowed values: {', '.join(d.name for d in self.allowed)}")
        out = shape_from_tensor(shape)
        for name, p in zip(self.params, params):
            if out.ndims is not None and p.shape.ndims is not None and \
                    p.shape.ndims > out.ndims:
                raise ValueError(f"{name} of shape {p.shape} does not broadcast to the output "
                                 f"shape {out} in '{self.type_name}'")
        return spec(dtype, out)

    def out_dtype(self, params, dtype):
        return dtype

    def kernel(self, be, op, ctx):
        dtype = op.outputs[0].dtype.np_dtype
        xp = be.xp
        draw = self.draw

        def run(shape, seed, *params):
            size = _dims(host_array(be, shape))
            x = draw(xp, stateless_generator(be, seed), size, dtype, *params)
            return x if x.dtype == dtype else x.astype(dtype)
        return run

    def draw(self, xp, rng, size, dtype, *params):
        raise NotImplementedError


@register_op("StatelessRandomUniform")
class StatelessRandomUniform(_Stateless):
    """U[0, 1) samples."""

    def draw(self, xp, rng, size, dtype):
        return rng.random(size, dtype=_gen_dtype(dtype))


@register_op("StatelessRandomNormal")
class StatelessRandomNormal(_Stateless):
    """N(0, 1) samples."""

    def draw(self, xp, rng, size, dtype):
        return rng.standard_normal(size, dtype=_gen_dtype(dtype))


@register_op("StatelessTruncatedNormal")
class StatelessTruncatedNormal(_Stateless):
    """N(0, 1) samples re-drawn until of magnitude below 2."""

    def draw(self, xp, rng, size, dtype):
        return TruncatedNormal.draw(rng, size, _gen_dtype(dtype))


@register_op("StatelessRandomUniformInt")
class StatelessRandomUniformInt(_Stateless):
    """Integers uniform in [minval, maxval) (scalar bounds)."""

    allowed = (dtypes.int32, dtypes.int64)
    params = ("minval", "maxval")

    def out_dtype(self, params, dtype):
        minval, maxval = params
        if minval.dtype != maxval.dtype:
            raise TypeError(f"Input 'maxval' has type {maxval.dtype.name} that does not match "
                            f"type {minval.dtype.name} of argument 'minval'.")
        for t, what in ((minval, "minval"), (maxval, "maxval")):
            if t.shape.ndims not in (None, 0):
                raise ValueError(f"{what} must be 0-D, got shape {t.shape} in "
                                 f"'StatelessRandomUniformInt'")
        return minval.dtype

    def draw(self, xp, rng, size, dtype, minval, maxval):
        lo, hi = int(minval), int(maxval)
        if 0 in size:
            return xp.zeros(size, dtype=dtype)
        if lo >= hi:
            raise ValueError(f"Need minval < maxval: {lo} >= {hi}")
        return rng.integers(lo, hi, size=size, dtype=dtype)


@register_op("StatelessRandomUniformFullInt")
class StatelessRandomUniformFullInt(_Stateless):
    """Integers uniform over the whole range of the dtype."""

    allowed = (dtypes.int32, dtypes.int64, dtypes.uint32, dtypes.uint64)

    def draw(self, xp, rng, size, dtype):
        info = np.iinfo(dtype)
        return rng.integers(int(info.min), int(info.max), size=size, dtype=dtype, endpoint=True)


@register_op("StatelessRandomPoisson")
class StatelessRandomPoisson(_Stateless):
    """Poisson samples with rates `lam` (broadcast to the output shape)."""

    allowed = _FLOATS + (dtypes.int32, dtypes.int64)
    params = ("lam",)

    def draw(self, xp, rng, size, dtype, lam):
        return rng.poisson(xp.broadcast_to(lam.astype(xp.float64), size), size=size)


@register_op("StatelessRandomGammaV2")
class StatelessRandomGammaV2(_Stateless):
    """Gamma(alpha, 1) samples (`alpha` broadcast to the output shape)."""

    params = ("alpha",)

    def out_dtype(self, params, dtype):
        return params[0].dtype

    def draw(self, xp, rng, size, dtype, alpha):
        a = xp.broadcast_to(alpha.astype(xp.float64), size)
        return rng.standard_gamma(a, size=size)


@register_op("StatelessRandomBinomial")
class StatelessRandomBinomial(_Stateless):
    """Binomial(counts, probs) samples (both broadcast to the output shape)."""

    allowed = _FLOATS + (dtypes.int32, dtypes.int64)
    params = ("counts", "probs")

    def draw(self, xp, rng, size, dtype, counts, probs):
        n = xp.broadcast_to(counts, size).astype(xp.int64)
        p = xp.broadcast_to(probs.astype(xp.float64), size)
        return rng.binomial(n, p, size=size)


def _truncated_standard(xp, rng, a, b):
    """Standard normal samples truncated to [a, b] (float64 arrays of one shape): normal
    rejection, then for what is left a uniform proposal on a finite interval or Robert's
    exponential proposal on a one-sided tail."""
    z = rng.standard_normal(a.shape)
    todo = (z < a) | (z > b)
    for _ in range(20):
        n = int(todo.sum())
        if not n:
            return z
        z[todo] = rng.standard_normal(n)
        todo = (z < a) | (z > b)
    # Mirror lower tails so that every interval left starts at or above 0 or spans it.
    flip = todo & (b <= 0)
    a2, b2 = xp.where(flip, -b, a), xp.where(flip, -a, b)
    while True:
        idx = xp.flatnonzero(todo)
        if not idx.size:
            return z
        lo, hi = a2.reshape(-1)[idx], b2.reshape(-1)[idx]
        finite = xp.isfinite(hi) & (hi - lo < 5)
        u = rng.random(idx.size)
        # uniform proposal on [lo, hi]; accept with exp((m^2 - x^2) / 2), m the nearest to 0
        m = xp.where(lo > 0, lo, xp.where(hi < 0, hi, 0.0))
        x_u = lo + (xp.where(xp.isfinite(hi), hi, lo + 1.0) - lo) * rng.random(idx.size)
        acc_u = u <= xp.exp((m * m - x_u * x_u) / 2)
        # exponential proposal on [lo, inf) (Robert 1995)
        lam = (lo + xp.sqrt(lo * lo + 4)) / 2
        x_e = lo + rng.standard_exponential(idx.size) / lam
        acc_e = (u <= xp.exp(-(x_e - lam) ** 2 / 2)) & (x_e <= hi)
        x = xp.where(finite, x_u, x_e)
        ok = xp.where(finite, acc_u, acc_e)
        x = xp.where(flip.reshape(-1)[idx], -x, x)
        flat = z.reshape(-1)
        flat[idx[ok]] = x[ok]
        t = todo.reshape(-1)
        t[idx[ok]] = False


@register_op("StatelessParameterizedTruncatedNormal")
class StatelessParameterizedTruncatedNormal(_Stateless):
    """N(means, stddevs) samples truncated to [minvals, maxvals] (all broadcast)."""

    params = ("means", "stddevs", "minvals", "maxvals")

    def out_dtype(self, params, dtype):
        d = params[0].dtype
        for name, p in zip(self.params[1:], params[1:]):
            if p.dtype != d:
                raise TypeError(f"Input '{name}' of 'StatelessParameterizedTruncatedNormal' Op "
                                f"has type {p.dtype.name} that does not match type {d.name} "
                                f"of argument 'means'.")
        return d

    def draw(self, xp, rng, size, dtype, means, stddevs, minvals, maxvals):
        f = xp.float64
        mu, sd = xp.broadcast_to(means.astype(f), size), xp.broadcast_to(stddevs.astype(f), size)
        lo, hi = xp.broadcast_to(minvals.astype(f), size), xp.broadcast_to(maxvals.astype(f), size)
        if bool(xp.any(lo >= hi)):
            raise ValueError("Invalid parameters: minvals must be less than maxvals")
        if bool(xp.any(sd <= 0)):
            raise ValueError("Invalid parameters: stddevs must be positive")
        z = _truncated_standard(xp, rng, (lo - mu) / sd, (hi - mu) / sd)
        return xp.clip(mu + sd * z, lo, hi)


@register_op("StatelessMultinomial")
class StatelessMultinomial(OpDef):
    """`num_samples` class indices per row of `logits`, determined by `seed`."""

    host_inputs = (1, 2)

    def infer(self, logits, num_samples, seed, *, output_dtype):
        _check_seed("StatelessMultinomial", seed)
        return multinomial_spec("StatelessMultinomial", logits, num_samples, output_dtype)

    def kernel(self, be, op, ctx):
        xp = be.xp
        out_dtype = op.attrs["output_dtype"].np_dtype

        def run(logits, num_samples, seed):
            return sample_categorical(xp, stateless_generator(be, seed), logits,
                                      int(host_array(be, num_samples)), out_dtype)
        return run


for _t in ("StatelessRandomUniform", "StatelessRandomNormal", "StatelessTruncatedNormal",
           "StatelessRandomUniformInt", "StatelessRandomUniformFullInt", "StatelessRandomPoisson",
           "StatelessRandomGammaV2", "StatelessRandomBinomial",
           "StatelessParameterizedTruncatedNormal", "StatelessMultinomial"):
    NotDifferentiable(_t)


# --- public builders --------------------------------------------------------------------------
def _seed_tensor(seed: Any) -> Tensor:
    # TF1's generated wrappers convert a Python seed with the op's default type (int64).
    return convert_to_tensor(seed, dtype_hint=dtypes.int64, name="seed")


def _op(op_type: str, inputs, attrs=None, name: Optional[str] = None) -> Tensor:
    return get_default_graph().create_op(op_type, inputs, attrs or {},
                                         name=name or op_type).outputs[0]


def stateless_random_uniform(shape: Any, seed: Any, minval: Any = 0, maxval: Any = None,
                             dtype: Any = dtypes.float32, name: Optional[str] = None) -> Tensor:
    """Deterministic uniform values in `[minval, maxval)` given `seed`
    (`tf.random.stateless_uniform`).

    Args:
      shape: 1-D int tensor or Python list: the output shape.
      seed: A shape [2] int32/int64 tensor (or list): the seeds.
      minval, maxval: The range (floats: default [0, 1)). For int32/int64 both must be given,
        or both None for the dtype's full range.
      dtype: float16/32/64, int32/int64 (uint32/uint64 with both bounds None).
      name: Name scope (default "stateless_random_uniform").

    Returns:
      A tensor of `shape` and `dtype`; the same seed gives the same values.

    Raises:
      ValueError: For an unsupported dtype or half-given integer bounds.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _FLOATS + (dtypes.int32, dtypes.int64, dtypes.uint32, dtypes.uint64):
        raise ValueError(f"Invalid dtype {dtype!r}")
    if dtype.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(f"For integer dtype {dtype!r}, minval and maxval must be both "
                             f"`None` or both non-`None`; got minval={minval!r} and "
                             f"maxval={maxval!r}")
        if minval is not None and dtype in (dtypes.uint32, dtypes.uint64):
            raise ValueError(f"Invalid dtype for bounded uniform integers: {dtype!r}")
    elif maxval is None:
        maxval = 1
    with name_scope(name, "stateless_random_uniform", [shape, seed, minval, maxval]) as scope:
        shape_t = _shape_tensor(shape)
        seed_t = _seed_tensor(seed)
        if dtype.is_integer and minval is None:
            return _op("StatelessRandomUniformFullInt", [shape_t, seed_t], {"dtype": dtype},
                       scope)
        minval_t = convert_to_tensor(minval, dtype=dtype, name="min")
        maxval_t = convert_to_tensor(maxval, dtype=dtype, name="max")
        if dtype.is_integer:
            return _op("StatelessRandomUniformInt", [shape_t, seed_t, minval_t, maxval_t],
                       {"dtype": dtype}, scope)
        rnd = _op("StatelessRandomUniform", [shape_t, seed_t], {"dtype": dtype})
        return math_ops.add(rnd * (maxval_t - minval_t), minval_t, name=scope)


def _stateless_normal(op_type, default_name, shape, seed, mean, stddev, dtype, name) -> Tensor:
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _FLOATS:
        raise ValueError(f"Invalid dtype {dtype!r}: expected a floating point type")
    with name_scope(name, default_name, [shape, seed, mean, stddev]) as scope:
        shape_t = _shape_tensor(shape)
        mean_t = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = _op(op_type, [shape_t, _seed_tensor(seed)], {"dtype": dtype})
        return math_ops.add(rnd * stddev_t, mean_t, name=scope)


def stateless_random_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                            dtype: Any = dtypes.float32, name: Optional[str] = None) -> Tensor:
    """Deterministic normal values given `seed` (`tf.random.stateless_normal`).

    Args:
      shape: The output shape.
      seed: A shape [2] int32/int64 tensor: the seeds.
      mean, stddev: Of the normal distribution.
      dtype: A floating type (default float32).
      name: Name scope (default "stateless_random_normal").
    """
    return _stateless_normal("StatelessRandomNormal", "stateless_random_normal", shape, seed,
                             mean, stddev, dtype, name)


def stateless_truncated_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                               dtype: Any = dtypes.float32, name: Optional[str] = None) -> Tensor:
    """Deterministic normal values within 2 standard deviations of `mean`, given `seed`
    (`tf.random.stateless_truncated_normal`)."""
    return _stateless_normal("StatelessTruncatedNormal", "stateless_truncated_normal", shape,
                             seed, mean, stddev, dtype, name)


def _stateless_categorical(default_name, logits, num_samples, seed, dtype, name) -> Tensor:
    dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    if dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value for attr 'output_dtype' of {dtype.name} is not in the list of "
                        "allowed values: int32, int64")
    with name_scope(name, default_name, [logits, seed]):
        logits = convert_to_tensor(logits, name="logits")
        with get_default_graph().name_scope("StatelessMultinomial") as op_scope:
            num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32, name="num_samples")
            return _op("StatelessMultinomial", [logits, num_samples, _seed_tensor(seed)],
                       {"output_dtype": dtype}, op_scope)


def stateless_multinomial(logits: Any, num_samples: Any, seed: Any, output_dtype: Any = dtypes.int64,
                          name: Optional[str] = None) -> Tensor:
    """Deterministic class samples from `logits` given `seed`
    (`tf.random.stateless_multinomial`).

    Returns:
      A `[batch_size, num_samples]` int tensor.
    """
    return _stateless_categorical("stateless_multinomial", logits, num_samples, seed,
                                  output_dtype, name)


def stateless_categorical(logits: Any, num_samples: Any, seed: Any, dtype: Any = dtypes.int64,
                          name: Optional[str] = None) -> Tensor:
    """Deterministic class samples from `logits` given `seed`
    (`tf.random.stateless_categorical`)."""
    return _stateless_categorical("stateless_categorical", logits, num_samples, seed, dtype, name)


def stateless_random_binomial(shape: Any, seed: Any, counts: Any, probs: Any,
                              output_dtype: Any = dtypes.int32,
                              name: Optional[str] = None) -> Tensor:
    """Deterministic binomial samples given `seed` (`tf.random.stateless_binomial`).

    Args:
      shape: The output shape.
      seed: A shape [2] int32/int64 tensor: the seeds.
      counts: Number of trials (broadcast to `shape`).
      probs: Success probabilities (broadcast to `shape`), same dtype as counts.
      output_dtype: float16/32/64, int32/int64 (default int32).
      name: Name scope (default "stateless_random_binomial").
    """
    with name_scope(name, "stateless_random_binomial", [shape, seed, counts, probs]) as scope:
        shape_t = _shape_tensor(shape)
        probs_t = convert_to_tensor(probs, dtype_hint=dtypes.float32, name="probs")
        counts_t = convert_to_tensor(counts, dtype_hint=probs_t.dtype, name="counts")
        if counts_t.dtype != probs_t.dtype:
            raise TypeError(f"counts ({counts_t.dtype.name}) and probs ({probs_t.dtype.name}) "
                            f"must have the same dtype")
        return _op("StatelessRandomBinomial", [shape_t, _seed_tensor(seed), counts_t, probs_t],
                   {"dtype": dtypes.as_dtype(output_dtype)}, scope)


def stateless_random_gamma(shape: Any, seed: Any, alpha: Any, beta: Any = None,
                           dtype: Any = dtypes.float32, name: Optional[str] = None) -> Tensor:
    """Deterministic Gamma(alpha, beta) samples given `seed` (`tf.random.stateless_gamma`).

    Args:
      shape: The output shape; `alpha` and `beta` broadcast to it.
      seed: A shape [2] int32/int64 tensor: the seeds.
      alpha: Concentration (shape) parameters.
      beta: Inverse scale (rate) parameters (default 1).
      dtype: A floating type (default float32).
      name: Name scope (default "stateless_random_gamma").
    """
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "stateless_random_gamma", [shape, seed, alpha, beta]) as scope:
        shape_t = _shape_tensor(shape)
        alpha_t = convert_to_tensor(alpha, dtype=dtype, name="alpha")
        beta_t = convert_to_tensor(beta if beta is not None else 1, dtype=dtype, name="beta")
        if alpha_t.shape.ndims is None or beta_t.shape.ndims is None or \
                alpha_t.shape.ndims < beta_t.shape.ndims or \
                not alpha_t.shape.is_fully_defined():
            alpha_t = alpha_t + array_ops.zeros_like(beta_t)  # broadcast alpha against beta
        rnd = _op("StatelessRandomGammaV2", [shape_t, _seed_tensor(seed), alpha_t])
        tiny = convert_to_tensor(np.finfo(dtype.np_dtype).tiny, dtype=dtype)
        return math_ops.maximum(tiny, rnd / beta_t, name=scope)


def stateless_random_poisson(shape: Any, seed: Any, lam: Any, dtype: Any = dtypes.int32,
                             name: Optional[str] = None) -> Tensor:
    """Deterministic Poisson(lam) samples given `seed` (`tf.random.stateless_poisson`).

    Args:
      shape: The output shape; `lam` broadcasts to it.
      seed: A shape [2] int32/int64 tensor: the seeds.
      lam: Rates (float16/32/64, int32/int64).
      dtype: Output dtype (default int32).
      name: Name scope (default "stateless_random_poisson").
    """
    with name_scope(name, "stateless_random_poisson", [shape, seed, lam]) as scope:
        shape_t = _shape_tensor(shape)
        lam_t = convert_to_tensor(lam, name="lam")
        return _op("StatelessRandomPoisson", [shape_t, _seed_tensor(seed), lam_t],
                   {"dtype": dtypes.as_dtype(dtype)}, scope)


def stateless_parameterized_truncated_normal(shape: Any, seed: Any, means: Any = 0.0,
                                             stddevs: Any = 1.0, minvals: Any = -2.0,
                                             maxvals: Any = 2.0,
                                             name: Optional[str] = None) -> Tensor:
    """Deterministic normal samples truncated to `[minvals, maxvals]`, given `seed`
    (`tf.random.stateless_parameterized_truncated_normal`).

    Args:
      shape: The output shape; the parameters broadcast to it.
      seed: A shape [2] int32/int64 tensor: the seeds.
      means, stddevs, minvals, maxvals: The parameters (one floating dtype).
      name: Name scope (default "stateless_parameterized_truncated_normal").
    """
    with name_scope(name, "stateless_parameterized_truncated_normal",
                    [shape, means, stddevs, minvals, maxvals]) as scope:
        shape_t = _shape_tensor(shape)
        params = [convert_to_tensor(means, name="means"),
                  convert_to_tensor(stddevs, name="stddevs"),
                  convert_to_tensor(minvals, name="minvals"),
                  convert_to_tensor(maxvals, name="maxvals")]
        return _op("StatelessParameterizedTruncatedNormal",
                   [shape_t, _seed_tensor(seed)] + params, {}, scope)


def fold_in(seed: Any, data: Any, alg: Any = "auto_select") -> Tensor:
    """A new seed pair from `seed` and the integer `data` (`tf.random.fold_in`): `[r, data]`
    with `r` a full-range integer drawn statelessly from `seed`.

    Args:
      seed: A shape [2] int32/int64 tensor.
      data: An int32/int64 scalar.
      alg: Accepted for compatibility ("auto_select", "philox", "threefry").

    Returns:
      A shape [2] tensor of `data`'s dtype.
    """
    data = convert_to_tensor(data)
    seed1 = stateless_random_uniform(shape=[], seed=seed, dtype=data.dtype, minval=None,
                                     maxval=None)
    return array_ops.stack([seed1, data])


def split(seed: Any, num: int = 2, alg: Any = "auto_select") -> Tensor:
    """`num` new seed pairs derived from `seed` (`tf.random.split`).

    Args:
      seed: A shape [2] int32/int64 tensor.
      num: How many seeds to make.
      alg: Accepted for compatibility.

    Returns:
      A `[num, 2]` tensor of `seed`'s dtype.
    """
    seed = convert_to_tensor(seed, dtype_hint=dtypes.int64)
    return stateless_random_uniform(shape=[num, 2], seed=seed, dtype=seed.dtype, minval=None,
                                    maxval=None)


__all__: list = []  # tf.random names only (tfgraph/random.py)
