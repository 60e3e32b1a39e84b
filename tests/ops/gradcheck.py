"""Finite-difference gradient checks shared by the op tests and the gradient-coverage test.

Each op family lists its differentiable op types in `tests/ops/cases_<family>.py`::

    from gradcheck import Case
    import tfgraph as tf

    CASES = {
        "Log": [Case(lambda x: tf.log(x), [(3, 4)], low=0.5, high=2.0)],
        "MatMul": [Case(lambda a, b: tf.matmul(a, b), [(2, 3), (3, 4)]),
                   Case(lambda a, b: tf.matmul(a, b, transpose_a=True), [(3, 2), (3, 4)])],
    }

`tests/ops/test_gradient_coverage.py` runs every case (checking that it really builds an op
of its key's type) and fails for any registered op type with a gradient but no case.

A case builds its graph from placeholders (float64 by default, so tolerances are tight),
reduces the output(s) to a scalar with fixed random weights (so the gradient functions see a
non-uniform upstream gradient), and compares `tf.gradients` with central differences through
`tfgraph.test.compute_gradient`.  Options: `dynamic=True` gives the placeholders unknown
dimensions (exercising run-time shape paths of gradients); `second_order=True` also checks
the gradient of the gradient (so gradient functions must be built from differentiable ops).
Non-differentiable arguments (indices, axes, shapes) are closed over by `build`.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, List, Optional, Sequence

import numpy as np

import tfgraph as tf


@dataclasses.dataclass
class Case:
    """One gradient check of an op.

    Attributes:
      build: `build(*inputs) -> Tensor or list of Tensors`, from placeholders of `shapes`.
      shapes: The shape of each differentiable input.
      low, high: Range of the uniform random inputs (a number, or one per input).
      values: Instead of low/high: `values(rng) -> list of arrays`, one per input (e.g.
        distinct values for max-pooling, values away from kinks).
      dtype: Placeholder dtype (float64 unless the op only supports float32).
      dynamic: Placeholders of unknown dimensions (same rank).
      second_order: Also check the gradient of the gradient.
      atol, rtol: Tolerance on |theoretical - numerical| (default from dtype).
      delta: Finite-difference step (default from dtype).
      label: A short id for test reports.
    """

    build: Callable[..., Any]
    shapes: Sequence[Sequence[int]]
    low: Any = -1.0
    high: Any = 1.0
    values: Optional[Callable[[np.random.Generator], Sequence[np.ndarray]]] = None
    dtype: Any = tf.float64
    dynamic: bool = False
    second_order: bool = False
    atol: Optional[float] = None
    rtol: Optional[float] = None
    delta: Optional[float] = None
    label: str = ""

    def inputs(self, rng: np.random.Generator) -> List[np.ndarray]:
        if self.values is not None:
            return [np.asarray(v, dtype=np.float64) for v in self.values(rng)]
        n = len(self.shapes)
        lows = self.low if isinstance(self.low, (list, tuple)) else [self.low] * n
        highs = self.high if isinstance(self.high, (list, tuple)) else [self.high] * n
        return [rng.uniform(lo, hi, size=tuple(s)) for s, lo, hi in zip(self.shapes, lows, highs)]

    def check(self, op_type: Optional[str] = None, seed: int = 0) -> float:
        """Runs the check; returns the largest error. Raises AssertionError on failure."""
        return check_gradient(self.build, self.inputs(np.random.default_rng(seed)),
                              dtype=self.dtype, dynamic=self.dynamic,
                              second_order=self.second_order, atol=self.atol, rtol=self.rtol,
                              delta=self.delta, op_type=op_type, seed=seed)


_DEFAULTS = {  # dtype -> (delta, atol, rtol)
    "float64": (1e-5, 1e-6, 1e-6),
    "float32": (1e-3, 2e-3, 1e-2),
    "float16": (1e-1, 5e-2, 5e-2),
}


def _scalarize(outs: List[tf.Tensor], rng: np.random.Generator, sess) -> tf.Tensor:
    """sum_i sum(w_i * out_i) with fixed random weights w_i (shaped from a forward run)."""
    terms = []
    values = sess.run(outs)
    for out, val in zip(outs, values):
        w = rng.uniform(0.5, 1.5, size=np.shape(val)) * rng.choice([-1.0, 1.0], size=np.shape(val))
        terms.append(tf.reduce_sum(out * tf.constant(w.astype(out.dtype.as_numpy_dtype))))
    return tf.add_n(terms) if len(terms) > 1 else terms[0]


def check_gradient(build_fn: Callable[..., Any], input_specs: Sequence[Any],
                   dtype: Any = tf.float64,
                   dynamic: bool = False, second_order: bool = False,
                   atol: Optional[float] = None, rtol: Optional[float] = None,
                   delta: Optional[float] = None, op_type: Optional[str] = None,
                   seed: int = 0) -> float:
    """Checks `tf.gradients` of `build_fn(*inputs)` against central differences.

    Args:
      build_fn: Builds the output tensor(s) from the input placeholders.
      input_specs: One per input: an array (the value to evaluate at) or a shape (uniform
        random values in [-1, 1)).
      dtype: The placeholders' dtype.
      dynamic: Give the placeholders unknown dimensions.
      second_order: Also check the gradient of `<grad, v>` for a random v.
      atol, rtol, delta: Tolerances and step (defaults by dtype).
      op_type: If given, the graph must contain an op of this type.
      seed: Seed of the random inputs and weights.

    Returns:
      The largest absolute error found.

    Raises:
      AssertionError: If an error exceeds `atol + rtol * max|numerical|` (a missing gradient
        counts as zero), or the graph lacks `op_type`.
    """
    dtype = tf.as_dtype(dtype)
    d_delta, d_atol, d_rtol = _DEFAULTS[dtype.name]
    delta = d_delta if delta is None else delta
    atol = d_atol if atol is None else atol
    rtol = d_rtol if rtol is None else rtol
    rng = np.random.default_rng(seed + 1)
    values = [np.asarray(s, dtype=dtype.as_numpy_dtype) if isinstance(s, np.ndarray)
              else rng.uniform(-1, 1, size=tuple(s)).astype(dtype.as_numpy_dtype)
              for s in input_specs]
    graph = tf.Graph()
    with graph.as_default(), tf.Session(graph=graph) as sess:
        xs = [tf.placeholder(dtype, [None] * v.ndim if dynamic else v.shape, name=f"input{i}")
              for i, v in enumerate(values)]
        out = build_fn(*xs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        if op_type is not None:
            types = {op.type for op in graph.get_operations()}
            assert op_type in types, f"the case builds no {op_type} op (only {sorted(types)})"
        feed = dict(zip(xs, values))
        y = _scalarize(outs, rng, _Feeding(sess, feed))
        worst = _compare(sess, xs, values, y, delta, atol, rtol, "gradient")
        if second_order:
            grads = tf.gradients(y, xs)
            terms = [tf.reduce_sum(g * tf.constant(rng.uniform(-1, 1, v.shape).astype(v.dtype)))
                     for g, v in zip(grads, values) if g is not None]
            assert terms, "no input has a gradient"
            z = tf.add_n(terms) if len(terms) > 1 else terms[0]
            worst = max(worst, _compare(sess, xs, values, z, delta, atol, rtol,
                                        "second-order gradient"))
    return worst


class _Feeding:
    """A session whose `run` always feeds the inputs."""

    def __init__(self, sess, feed):
        self._sess, self._feed = sess, feed

    def run(self, fetches):
        return self._sess.run(fetches, self._feed)


def _compare(sess, xs, values, y, delta, atol, rtol, what) -> float:
    with sess.as_default():
        pairs = tf.test.compute_gradient(xs, [v.shape for v in values], y, (), values, delta=delta)
    worst = 0.0
    for i, (theoretical, numerical) in enumerate(pairs):
        err = float(np.max(np.abs(theoretical - numerical))) if theoretical.size else 0.0
        scale = float(np.max(np.abs(numerical))) if numerical.size else 0.0
        assert err <= atol + rtol * scale, (
            f"{what} of input {i} is wrong: max |theoretical - numerical| = {err:.3g} "
            f"(tolerance {atol + rtol * scale:.3g})\ntheoretical:\n{theoretical.ravel()}\n"
            f"numerical:\n{numerical.ravel()}")
        worst = max(worst, err)
    return worst
