"""Random ops (`tf.random_normal`, `tf.truncated_normal`, `tf.random_uniform`, ...) and TF1's
seed rules (`tf.set_random_seed`, `tf.get_seed`).

Every random op carries two integer attributes, `seed` and `seed2`, decided at build time by
`get_seed` exactly as TF1 does; `(0, 0)` means "nondeterministic".  At run time each op owns one
generator per session (`ctx.random_state`), seeded once from its attributes and advancing with
every run: the same seeds give the same sequence in a new session, and successive runs of one
session draw new values.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, graph_of, name_scope
from ..framework.graph import Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import Dimension, TensorShape

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1


# --- seeds ------------------------------------------------------------------------------------
def set_random_seed(seed: Optional[int]) -> None:
    """Sets the graph-level random seed of the default graph (`tf.set_random_seed`).

    Random ops built afterwards without an op seed get a deterministic one (derived from the
    number of ops in the graph), so a graph rebuilt the same way draws the same numbers.

    Args:
      seed: An integer, or None to clear the graph seed.
    """
    get_default_graph().seed = None if seed is None else int(seed)


def _truncate_seed(seed: int) -> int:
    return int(seed) % _MAXINT32  # the kernels take 32-bit seeds


def get_seed(op_seed: Optional[int]) -> Tuple[Optional[int], Optional[int]]:
    """The `(graph_seed, op_seed)` pair a random op built now should use (`tf.get_seed`).

    TF1's rules: graph seed set and `op_seed` None -> the op seed is the number of ops created
    so far in the default graph; both None -> `(None, None)` (nondeterministic); `op_seed` set
    without a graph seed -> the graph seed is `DEFAULT_GRAPH_SEED`.  `(0, 0)` is avoided
    because the kernels read it as "nondeterministic".

    Args:
      op_seed: The op-level seed, or None.

    Returns:
      A pair of ints or Nones.
    """
    graph = get_default_graph()
    global_seed = graph.seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = graph._version  # TF1's graph._last_id: ops created so far
        seeds = (_truncate_seed(global_seed), _truncate_seed(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, _truncate_seed(op_seed))
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        return (0, _MAXINT32)
    return seeds


def _seed_attrs(op_seed: Optional[int]) -> dict:
    seed, seed2 = get_seed(op_seed)
    return {"seed": seed or 0, "seed2": seed2 or 0}


def _generator(op, be, ctx):
    """The op's per-session generator; one int combines both seeds, None is nondeterministic."""
    seed, seed2 = op.attrs["seed"], op.attrs["seed2"]
    combined = None if seed == 0 and seed2 == 0 else (seed << 32) | seed2
    return ctx.random_state(op, be, combined)


# --- shapes -----------------------------------------------------------------------------------
def _shape_tensor(shape: Any) -> Tensor:
    """TF1's `tensor_util.shape_tensor`: `shape` as an int tensor (a new Const is named "shape").

    Raises:
      ValueError: If `shape` is a partially known TensorShape or holds None.
    """
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape to a Tensor: {shape}")
        shape = shape.as_list()
    dtype = None
    if isinstance(shape, (tuple, list)):
        if not shape:
            dtype = dtypes.int32
        else:
            shape = [d.value if isinstance(d, Dimension) else d for d in shape]
            if any(d is None for d in shape):
                raise ValueError(f"Cannot convert a shape with unknown dimensions to a Tensor: "
                                 f"{shape}")
    return convert_to_tensor(shape, dtype=dtype, name="shape")


def _const_int(t: Tensor) -> Optional[int]:
    if t.op.type == "Const":
        v = np.asarray(t.op.attrs["value"])
        if v.size == 1:
            return int(v.reshape(()))
    return None


def shape_from_tensor(shape: Tensor, what: str = "shape") -> TensorShape:
    """The static shape described by a 1-D int tensor (as much of it as is known at build time).

    Raises:
      TypeError: If `shape` is not int32/int64.
      ValueError: If `shape` is not 1-D, or a known entry is negative.
    """
    if shape.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter '{what}' has DataType {shape.dtype.name} not "
                        "in list of allowed values: int32, int64")
    rank = shape.shape.ndims
    if rank is not None and rank != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {rank}")
    op = shape.op
    dims: Optional[List[Optional[int]]] = None
    if op.type == "Const":
        dims = [int(v) for v in np.asarray(op.attrs["value"]).reshape(-1)]
    elif op.type == "Shape":
        s = op.inputs[0].shape
        dims = None if s.ndims is None else s.as_list()
    elif op.type == "Pack" and op.attrs.get("axis", 0) == 0:
        dims = [_const_int(t) for t in op.inputs]
    if dims is None:
        n = shape.shape.as_list()[0] if rank == 1 else None
        return TensorShape(None if n is None else [None] * n)
    if any(d is not None and d < 0 for d in dims):
        raise ValueError(f"Dimensions must be non-negative, got {what} {dims}")
    return TensorShape(dims)


def _dims(shape_array: Any) -> tuple:
    dims = tuple(int(d) for d in shape_array.tolist())
    if any(d < 0 for d in dims):
        raise ValueError(f"Shape dimensions must be non-negative, got {list(dims)}")
    return dims


# --- op definitions ---------------------------------------------------------------------------
class _ShapedRandom(OpDef):
    """A stateful random op whose only input is the output shape (a 1-D int tensor)."""

    stateful = True
    allowed = (dtypes.float16, dtypes.float32, dtypes.float64)

    def infer(self, shape, *, dtype, seed, seed2):
        if dtype not in self.allowed:
            raise TypeError(f"Value for attr 'dtype' of {dtype.name} is not in the list of "
                            f"allowed values: {', '.join(d.name for d in self.allowed)}")
        return spec(dtype, shape_from_tensor(shape))

    def kernel(self, be, op, ctx):
        rng = _generator(op, be, ctx)
        dtype = op.attrs["dtype"].np_dtype
        # NumPy-style generators draw float32 or float64 directly; float16 goes via float32.
        gen_dtype = dtype if dtype in (np.float32, np.float64) else np.dtype(np.float32)
        draw = self.draw

        def run(shape):
            x = draw(rng, _dims(shape), gen_dtype)
            return x if x.dtype == dtype else x.astype(dtype)
        return run

    @staticmethod
    def draw(rng, size, dtype):
        raise NotImplementedError


@register_op("RandomStandardNormal")
class RandomStandardNormal(_ShapedRandom):
    """Samples of N(0, 1)."""

    @staticmethod
    def draw(rng, size, dtype):
        return rng.standard_normal(size, dtype=dtype)


@register_op("TruncatedNormal")
class TruncatedNormal(_ShapedRandom):
    """Samples of N(0, 1) with every value of magnitude 2 or more re-drawn."""

    @staticmethod
    def draw(rng, size, dtype):
        x = rng.standard_normal(size, dtype=dtype)
        bad = abs(x) >= 2
        n = int(bad.sum())
        while n:
            x[bad] = rng.standard_normal(n, dtype=dtype)
            bad = abs(x) >= 2
            n = int(bad.sum())
        return x


@register_op("RandomUniform")
class RandomUniform(_ShapedRandom):
    """Samples of U[0, 1)."""

    @staticmethod
    def draw(rng, size, dtype):
        return rng.random(size, dtype=dtype)


@register_op("RandomUniformInt")
class RandomUniformInt(OpDef):
    """Integers uniform in [minval, maxval) (scalar bounds)."""

    stateful = True

    def infer(self, shape, minval, maxval, *, seed, seed2):
        if minval.dtype != maxval.dtype:
            raise TypeError(f"Input 'maxval' has type {maxval.dtype.name} that does not match "
                            f"type {minval.dtype.name} of argument 'minval'.")
        if minval.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"Value for attr 'Tout' of {minval.dtype.name} is not in the list "
                            "of allowed values: int32, int64")
        for t, what in ((minval, "minval"), (maxval, "maxval")):
            if t.shape.ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {t.shape.ndims} for "
                                 f"'{what}'")
        return spec(minval.dtype, shape_from_tensor(shape))

    def kernel(self, be, op, ctx):
        rng = _generator(op, be, ctx)
        dtype = op.outputs[0].dtype.np_dtype

        def run(shape, minval, maxval):
            lo, hi = int(minval), int(maxval)
            size = _dims(shape)
            if 0 in size:  # TF1 checks the bounds only when there is something to draw
                return be.xp.zeros(size, dtype=dtype)
            if lo >= hi:
                raise ValueError(f"Need minval < maxval: {lo} >= {hi}")
            return rng.integers(lo, hi, size=size, dtype=dtype)
        return run


@register_op("RandomShuffle")
class RandomShuffle(OpDef):
    """A random permutation of the input along its first dimension."""

    stateful = True

    def infer(self, value, *, seed, seed2):
        return spec(value.dtype, value.shape)

    def kernel(self, be, op, ctx):
        rng = _generator(op, be, ctx)
        xp = be.xp

        def run(value):
            if value.ndim == 0 or value.shape[0] <= 1:
                return value.copy()
            # argsort of uniforms: a permutation from the generator's plainest API.
            perm = xp.argsort(rng.random(value.shape[0]))
            return value[perm]
        return run


@register_op("Multinomial")
class Multinomial(OpDef):
    """`num_samples` class indices per row of `logits` ([batch, classes] unnormalized logs)."""

    stateful = True

    def infer(self, logits, num_samples, *, seed, seed2, output_dtype):
        return multinomial_spec("Multinomial", logits, num_samples, output_dtype)

    def kernel(self, be, op, ctx):
        rng = _generator(op, be, ctx)
        xp = be.xp
        out_dtype = op.attrs["output_dtype"].np_dtype

        def run(logits, num_samples):
            return sample_categorical(xp, rng, logits, num_samples, out_dtype)
        return run


def multinomial_spec(op_type: str, logits: Tensor, num_samples: Tensor,
                     output_dtype: dtypes.DType):
    """The output spec `[batch, num_samples]` of Multinomial and StatelessMultinomial."""
    if not logits.dtype.is_floating:
        raise TypeError(f"{op_type}: logits must be floating point, got {logits.dtype.name}")
    if logits.shape.ndims not in (None, 2):
        raise ValueError(f"Shape must be rank 2 but is rank {logits.shape.ndims} for 'logits'")
    if num_samples.shape.ndims not in (None, 0):
        raise ValueError("num_samples should be a scalar.")
    batch = None if logits.shape.ndims is None else logits.shape.as_list()[0]
    return spec(output_dtype, [batch, _const_int(num_samples)])


def sample_categorical(xp, rng, logits, num_samples, out_dtype):
    """`num_samples` class indices per row of `logits` drawn with `rng` (the kernel of
    Multinomial and StatelessMultinomial)."""
    n = int(num_samples)
    if n < 0:
        raise ValueError(f"num_samples should be nonnegative, got {n}")
    batch, k = logits.shape
    if k == 0 and batch and n:
        raise ValueError("num_classes should be positive")
    if n == 0 or batch == 0:
        return xp.zeros((batch, n), dtype=out_dtype)
    # Inverse-CDF sampling in float64 (as TF1's kernel), stable against large logits.
    lg = logits.astype(xp.float64)
    p = xp.exp(lg - lg.max(axis=1, keepdims=True))
    cdf = xp.cumsum(p, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random((batch, n))
    if batch * n * k <= 1 << 22:
        idx = (u[:, :, None] >= cdf[:, None, :]).sum(axis=2)
    else:
        idx = xp.stack([xp.searchsorted(cdf[i], u[i], side="right") for i in range(batch)])
    return xp.minimum(idx, k - 1).astype(out_dtype)


for _t in ("RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt",
           "RandomShuffle", "Multinomial"):
    NotDifferentiable(_t)


# --- public builders --------------------------------------------------------------------------
def _float_dtype(dtype: Any) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Invalid dtype {dtype!r}: expected a floating point type")
    return dtype


def _normal(op_type: str, default_name: str, shape, mean, stddev, dtype, seed, name) -> Tensor:
    dtype = _float_dtype(dtype)
    with name_scope(name, default_name, [shape, mean, stddev]) as scope:
        shape_t = _shape_tensor(shape)
        mean_t = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        attrs = {"dtype": dtype, **_seed_attrs(seed)}
        rnd = get_default_graph().create_op(op_type, [shape_t], attrs, name=op_type).outputs[0]
        from . import math_ops
        return math_ops.add(rnd * stddev_t, mean_t, name=scope)


def random_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = dtypes.float32,
                  seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Outputs random values from a normal distribution (`tf.random_normal`).

    Builds `RandomStandardNormal`, then `* stddev + mean`, in name scope "random_normal".

    Args:
      shape: A 1-D int tensor or Python list/tuple/TensorShape: the output shape.
      mean: Scalar or tensor (broadcast against the samples): the mean.
      stddev: Scalar or tensor: the standard deviation.
      dtype: A floating type (default float32).
      seed: Op-level seed (see `tf.set_random_seed`).
      name: Name of the resulting op.

    Returns:
      A tensor of `shape` and `dtype`.

    Raises:
      ValueError: For a non-floating dtype or a bad shape.
    """
    return _normal("RandomStandardNormal", "random_normal", shape, mean, stddev, dtype, seed, name)


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = dtypes.float32,
                     seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Normal samples re-drawn until within 2 standard deviations (`tf.truncated_normal`).

    Args:
      shape: A 1-D int tensor or Python list/tuple/TensorShape: the output shape.
      mean: The mean of the (untruncated) normal distribution.
      stddev: Its standard deviation.
      dtype: A floating type (default float32).
      seed: Op-level seed.
      name: Name of the resulting op.

    Returns:
      A tensor of `shape` and `dtype` with values in (mean - 2 stddev, mean + 2 stddev).
    """
    return _normal("TruncatedNormal", "truncated_normal", shape, mean, stddev, dtype, seed, name)


def random_uniform(shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = dtypes.float32,
                   seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Uniform samples in `[minval, maxval)` (`tf.random_uniform`).

    Floats build `RandomUniform` then `* (max - min) + min`; integers build one
    `RandomUniformInt` (both in name scope "random_uniform").

    Args:
      shape: A 1-D int tensor or Python list/tuple/TensorShape: the output shape.
      minval: Lower bound (inclusive), default 0.
      maxval: Upper bound (exclusive); default 1 for floats, required for integers.
      dtype: float16/32/64 or int32/int64.
      seed: Op-level seed.
      name: Name of the resulting op.

    Returns:
      A tensor of `shape` and `dtype`.

    Raises:
      ValueError: If `dtype` is integral and `maxval` is missing, or `dtype` is unsupported.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
        raise ValueError(f"Invalid dtype {dtype!r}")
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    with name_scope(name, "random_uniform", [shape, minval, maxval]) as scope:
        shape_t = _shape_tensor(shape)
        minval_t = convert_to_tensor(minval, dtype=dtype, name="min")
        maxval_t = convert_to_tensor(maxval, dtype=dtype, name="max")
        graph = get_default_graph()
        if dtype.is_integer:
            return graph.create_op("RandomUniformInt", [shape_t, minval_t, maxval_t],
                                   _seed_attrs(seed), name=scope).outputs[0]
        rnd = graph.create_op("RandomUniform", [shape_t], {"dtype": dtype, **_seed_attrs(seed)},
                              name="RandomUniform").outputs[0]
        from . import math_ops
        return math_ops.add(rnd * (maxval_t - minval_t), minval_t, name=scope)


def random_shuffle(value: Any, seed: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Randomly permutes `value` along its first dimension (`tf.random_shuffle`).

    Args:
      value: A tensor to shuffle.
      seed: Op-level seed.
      name: Op name (default "RandomShuffle").

    Returns:
      A tensor of the same shape and dtype as `value`.
    """
    graph = graph_of([value])
    with graph.as_default():
        value = convert_to_tensor(value, name="value")
        return graph.create_op("RandomShuffle", [value], _seed_attrs(seed),
                               name=name or "RandomShuffle").outputs[0]


def _multinomial(default_name: str, logits, num_samples, seed, name, output_dtype) -> Tensor:
    output_dtype = dtypes.int64 if output_dtype is None else dtypes.as_dtype(output_dtype)
    if output_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value for attr 'output_dtype' of {output_dtype.name} is not in the "
                        "list of allowed values: int32, int64")
    with name_scope(name, default_name, [logits]):
        logits = convert_to_tensor(logits, name="logits")
        attrs = {"output_dtype": output_dtype, **_seed_attrs(seed)}
        graph = get_default_graph()
        # The generated TF1 op wrapper converts num_samples inside the op's own scope.
        with graph.name_scope("Multinomial") as op_scope:
            if not isinstance(num_samples, Tensor):
                num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32,
                                                name="num_samples")
            return graph.create_op("Multinomial", [logits, num_samples], attrs,
                                   name=op_scope).outputs[0]


def multinomial(logits: Any, num_samples: Any, seed: Optional[int] = None,
                name: Optional[str] = None, output_dtype: Any = None) -> Tensor:
    """Draws class indices from categorical distributions (`tf.multinomial`).

    Args:
      logits: `[batch_size, num_classes]` unnormalized log-probabilities.
      num_samples: Scalar int: samples per row.
      seed: Op-level seed.
      name: Name scope (default "multinomial").
      output_dtype: int32 or int64 (default int64).

    Returns:
      A `[batch_size, num_samples]` int tensor.
    """
    return _multinomial("multinomial", logits, num_samples, seed, name, output_dtype)


def categorical(logits: Any, num_samples: Any, dtype: Any = None, seed: Optional[int] = None,
                name: Optional[str] = None) -> Tensor:
    """Draws class indices from categorical distributions (`tf.random.categorical`).

    Same as `multinomial` with name scope "categorical" and the output type called `dtype`.
    """
    return _multinomial("categorical", logits, num_samples, seed, name, dtype)


__all__ = ["random_normal", "truncated_normal", "random_uniform", "random_shuffle", "multinomial",
           "set_random_seed", "get_seed"]
