"""The rest of `tf.math`: `bincount`, `confusion_matrix`, `cumulative_logsumexp`,
`nextafter`, `polyval` and `sobol_sample` (`truncatediv`/`truncatemod` live in manip_ops).

Op types, attributes, dtypes and gradients are TF1's; `confusion_matrix` and `polyval` are
TF1's compositions of existing ops (`ScatterNd`, `Mul`/`Add`).
"""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from ..backends.base import import_scipy
from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, gen_tensor, graph_of, name_scope
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ..framework.tensor_util import constant_value
from ._helpers import FLOATS, check_dtype, host_array
from .array_ops import identity, ones_like, scatter_nd, squeeze, stack, zeros_like
from .logging_ops import Assert
from .math_ops import (scan_along, scan_infer, add, cast, exp, greater, greater_equal, less, log, maximum, minimum,
                       multiply, negative, reduce_all, reduce_max, reduce_prod, select, subtract)
from .op_families import binary_op
from .array_ops import shape as _shape

_F32_64 = frozenset({dtypes.float32, dtypes.float64})


nextafter = binary_op(
    "NextAfter", "nextafter", ufunc="nextafter", allowed=_F32_64, grad=None,
    doc='The next representable value after `x1` toward `x2` (`tf.math.nextafter`, op '
        '"NextAfter").')


# --- bincount ---------------------------------------------------------------------------------
@register_op("Bincount")
class Bincount(OpDef):
    """Counts (or sums `weights` of) each value of `arr` in [0, size); others are ignored."""

    host_inputs = (1,)

    def infer(self, arr, size, weights):
        check_dtype(arr, (dtypes.int32,), "arr")
        check_dtype(weights, (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64),
                    "weights")
        n = constant_value(size)
        return spec(weights.dtype, TensorShape([None if n is None else int(n)]))

    def kernel(self, be, op, ctx):
        xp = be.xp
        out_dtype = op.outputs[0].dtype.as_numpy_dtype

        def bincount(arr, size, weights):
            n = int(host_array(be, size))
            if n < 0:
                raise ValueError(f"size ({n}) must be non-negative")
            flat = arr.reshape(-1)
            if flat.size and bool(xp.any(flat < 0)):
                raise ValueError("Input arr must be non-negative!")
            keep = flat < n
            if weights.size:
                if weights.shape != arr.shape:
                    raise ValueError(f"weights shape {weights.shape} must equal arr shape "
                                     f"{arr.shape}")
                out = xp.bincount(flat[keep], weights=weights.reshape(-1)[keep], minlength=n)
            else:
                out = xp.bincount(flat[keep], minlength=n)
            return out[:n].astype(out_dtype)
        return bincount


NotDifferentiable("Bincount")


def bincount(arr: Any, weights: Any = None, minlength: Any = None, maxlength: Any = None,
             dtype: Any = dtypes.int32) -> Tensor:
    """Counts the occurrences of each value of an int32 tensor (`tf.math.bincount`,
    `tf.bincount`).

    Args:
      arr: An int32 tensor of non-negative values (any shape; all values count).
      weights: Optional tensor of `arr`'s shape: sum these instead of counting ones.
      minlength: At least this many bins (zeros appended).
      maxlength: At most this many bins (values >= maxlength are ignored).
      dtype: The output dtype when `weights` is None.

    Returns:
      A 1-D tensor of `max(arr) + 1` bins (0 for an empty `arr`) clipped to
      [minlength, maxlength], of `weights`' dtype or `dtype`.

    Raises:
      tf.errors.InvalidArgumentError (at run time): If `arr` has a negative value.
    """
    with name_scope(None, "bincount", [arr, weights, minlength, maxlength]):
        arr = convert_to_tensor(arr, name="arr", dtype=dtypes.int32)
        nonempty = greater(reduce_prod(_shape(arr)), 0)
        output_size = multiply(cast(nonempty, dtypes.int32), add(reduce_max(arr), 1))
        if minlength is not None:
            minlength = convert_to_tensor(minlength, name="minlength", dtype=dtypes.int32)
            output_size = maximum(minlength, output_size)
        if maxlength is not None:
            maxlength = convert_to_tensor(maxlength, name="maxlength", dtype=dtypes.int32)
            output_size = minimum(maxlength, output_size)
        if weights is not None:
            weights = convert_to_tensor(weights, name="weights")
        else:
            weights = convert_to_tensor(np.zeros(0, dtypes.as_dtype(dtype).as_numpy_dtype))
        return gen_tensor("Bincount", None, [("arr", arr, None, None),
                                             ("size", output_size, None, None),
                                             ("weights", weights, None, None)])


# --- confusion_matrix -------------------------------------------------------------------------
def _checked(x: Tensor, cond: Tensor, message: str, name: str) -> Tensor:
    """`x` once `cond` holds at run time (TF1's `with_dependencies([assert_...], x)`)."""
    with name_scope(None, name, [x]):
        check = Assert(reduce_all(cond), [message, x])
        with x.graph.control_dependencies([check]):
            return identity(x)


def confusion_matrix(labels: Any, predictions: Any, num_classes: Any = None,
                     dtype: Any = dtypes.int32, name: Optional[str] = None,
                     weights: Any = None) -> Tensor:
    """The confusion matrix of `labels` (rows) against `predictions` (columns)
    (`tf.math.confusion_matrix`, `tf.confusion_matrix`).

    Args:
      labels: 1-D integer tensor of true classes (non-negative).
      predictions: 1-D integer tensor of predicted classes, the shape of `labels`.
      num_classes: Number of classes; default `max(labels, predictions) + 1`.
      dtype: The matrix's dtype.
      name: Name scope (default "confusion_matrix").
      weights: Optional tensor of `predictions`' shape: add these instead of ones.

    Returns:
      A `[num_classes, num_classes]` tensor of `dtype` (built with `ScatterNd`, as TF1).

    Raises:
      ValueError: If the shapes of `predictions` and `weights` are incompatible.
      tf.errors.InvalidArgumentError (at run time): On negative or out-of-range classes.
    """
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "confusion_matrix", [predictions, labels, num_classes, weights]):
        labels = convert_to_tensor(labels, name="labels")
        predictions = convert_to_tensor(predictions, name="predictions")
        labels, predictions = _squeeze_pair(labels, predictions)
        predictions = cast(predictions, dtypes.int64)
        labels = cast(labels, dtypes.int64)
        zero = convert_to_tensor(0, dtype=dtypes.int64)
        labels = _checked(labels, greater_equal(labels, zero),
                          "`labels` contains negative values", "assert_non_negative")
        predictions = _checked(predictions, greater_equal(predictions, zero),
                               "`predictions` contains negative values", "assert_non_negative")
        if num_classes is None:
            num_classes = add(maximum(reduce_max(predictions), reduce_max(labels)),
                              convert_to_tensor(1, dtype=dtypes.int64))
        else:
            n = cast(num_classes, dtypes.int64)
            labels = _checked(labels, less(labels, n), "`labels` out of bound", "assert_less")
            predictions = _checked(predictions, less(predictions, n),
                                   "`predictions` out of bound", "assert_less")
            num_classes = n
        if weights is not None:
            weights = convert_to_tensor(weights, name="weights")
            predictions.shape.assert_is_compatible_with(weights.shape)
            weights = cast(weights, dtype)
        shape = stack([num_classes, num_classes])
        indices = stack([labels, predictions], axis=1)
        values = ones_like(predictions, dtype=dtype) if weights is None else weights
        return scatter_nd(indices, values, cast(shape, dtypes.int64))


def _squeeze_pair(labels: Tensor, predictions: Tensor):
    """TF1's remove_squeezable_dimensions: drop a trailing 1 where the ranks differ by one."""
    lr, pr = labels.shape.ndims, predictions.shape.ndims
    if lr is not None and pr is not None:
        if pr - lr == 1 and predictions.shape.as_list()[-1] == 1:
            predictions = squeeze(predictions, [-1])
        elif lr - pr == 1 and labels.shape.as_list()[-1] == 1:
            labels = squeeze(labels, [-1])
    return labels, predictions


# --- cumulative_logsumexp ---------------------------------------------------------------------
@register_op("CumulativeLogsumexp")
class CumulativeLogsumexp(OpDef):
    """`log(cumsum(exp(x)))` along `axis`, computed stably; optionally exclusive (the first
    output is -inf) and/or reversed."""

    host_inputs = (1,)

    def infer(self, x, axis, *, exclusive=False, reverse=False):
        return scan_infer("CumulativeLogsumexp", x, axis, FLOATS)

    def kernel(self, be, op, ctx):
        xp = be.xp
        exclusive = op.attrs.get("exclusive", False)
        reverse = op.attrs.get("reverse", False)
        accumulate = getattr(xp.logaddexp, "accumulate", None)

        def scan(m, axis=0, dtype=None):
            if accumulate is not None:
                return accumulate(m, axis=0, dtype=m.dtype)
            out = xp.empty_like(m)  # a backend without ufunc.accumulate: one step per row
            if m.shape[0]:
                out[0] = m[0]
            for i in range(1, m.shape[0]):
                out[i] = xp.logaddexp(out[i - 1], m[i])
            return out

        def cumulative_logsumexp(x, axis):
            c = scan_along(xp, scan, x, int(host_array(be, axis)), exclusive, reverse,
                           identity=-np.inf)
            return xp.ascontiguousarray(c)
        return cumulative_logsumexp

    def gradient(self, op, grad):
        # TF1: split the upstream gradient by sign so both parts go through logs.
        x, axis = op.inputs
        y = op.outputs[0]
        exclusive = op.attrs.get("exclusive", False)
        reverse = op.attrs.get("reverse", False)
        lowest = convert_to_tensor(np.finfo(grad.dtype.as_numpy_dtype).min, dtype=grad.dtype)
        zero = zeros_like(grad)
        pos = greater(grad, zero)
        neg = less(grad, zero)
        log_pos = select(pos, log(select(pos, grad, ones_like(grad))), lowest * ones_like(grad))
        log_neg = select(neg, log(select(neg, negative(grad), ones_like(grad))),
                         lowest * ones_like(grad))

        def part(log_g):
            return exp(add(cumulative_logsumexp(subtract(log_g, y), axis,
                                                exclusive=exclusive, reverse=not reverse), x))
        return [subtract(part(log_pos), part(log_neg)), None]


def cumulative_logsumexp(x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False,
                         name: Optional[str] = None) -> Tensor:
    """`log(cumsum(exp(x)))` along `axis`, without overflow (`tf.math.cumulative_logsumexp`,
    op "CumulativeLogsumexp").

    Args:
      x: A float tensor of rank >= 1.
      axis: The axis (int or int32 scalar tensor).
      exclusive: Leave each element out of its own sum (the first output is -inf).
      reverse: Accumulate from the end.
      name: Op name (default "CumulativeLogsumexp").
    """
    graph = graph_of([x, axis])
    with graph.as_default(), graph.name_scope(name or "CumulativeLogsumexp") as scope:
        x = convert_to_tensor(x, name="x")
        axis = axis if isinstance(axis, Tensor) else convert_to_tensor(
            axis, dtype=dtypes.int32, name="axis")
        return graph.create_op("CumulativeLogsumexp", [x, axis],
                               {"exclusive": bool(exclusive), "reverse": bool(reverse)},
                               name=scope).outputs[0]


# --- polyval ----------------------------------------------------------------------------------
def polyval(coeffs: Any, x: Any, name: Optional[str] = None) -> Tensor:
    """Evaluates the polynomial `coeffs[0] * x^(n-1) + ... + coeffs[n-1]` by Horner's rule
    (`tf.math.polyval`).

    Args:
      coeffs: A Python list of tensors (or numbers), highest degree first.
      x: A tensor.
      name: Name scope (default "polyval").

    Raises:
      ValueError: If `coeffs` is not a list.
    """
    if not isinstance(coeffs, list):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    with name_scope(name, "polyval", list(coeffs) + [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if not coeffs:
            return zeros_like(x, name=scope)
        cs = [convert_to_tensor(c, name=f"coeff_{i}") for i, c in enumerate(coeffs)]
        p = cs[0]
        for c in cs[1:]:
            p = add(c, multiply(p, x))
        return p


# --- sobol_sample -----------------------------------------------------------------------------
@register_op("SobolSample")
class SobolSample(OpDef):
    """Points of the Sobol sequence in [0, 1)^dim (Joe and Kuo's direction numbers),
    skipping the first point (the origin) and `skip` more, as TF1's op."""

    host_inputs = (0, 1, 2)
    host_only = True

    def infer(self, dim, num_results, skip, *, dtype=dtypes.float32):
        for t, p in ((dim, "dim"), (num_results, "num_results"), (skip, "skip")):
            check_dtype(t, (dtypes.int32,), p)
        d, n = constant_value(dim), constant_value(num_results)
        return spec(dtypes.as_dtype(dtype), TensorShape([None if n is None else int(n),
                                                         None if d is None else int(d)]))

    def kernel(self, be, op, ctx):
        qmc = import_scipy("stats").qmc
        out_dtype = op.outputs[0].dtype.as_numpy_dtype

        def sobol_sample(dim, num_results, skip):
            d, n, s = int(dim), int(num_results), int(skip)
            if d < 1:
                raise ValueError(f"dim must be at least one, got {d}")
            if n < 1:
                raise ValueError(f"num_results must be at least one, got {n}")
            if s < 0:
                raise ValueError(f"skip must be non-negative, got {s}")
            engine = qmc.Sobol(d, scramble=False)
            engine.fast_forward(s + 1)
            with warnings.catch_warnings():  # "balance properties ... powers of 2"
                warnings.simplefilter("ignore")
                return engine.random(n).astype(out_dtype)
        return sobol_sample


NotDifferentiable("SobolSample")


def sobol_sample(dim: Any, num_results: Any, skip: Any = 0, dtype: Any = dtypes.float32,
                 name: Optional[str] = None) -> Tensor:
    """`num_results` points of the `dim`-dimensional Sobol sequence (`tf.math.sobol_sample`,
    op "SobolSample"), after skipping `skip` points; the same points as TF1 (SciPy's
    unscrambled `scipy.stats.qmc.Sobol`, computed on the host).

    Args:
      dim: Positive int32 scalar: the dimension of each point.
      num_results: Positive int32 scalar: how many points.
      skip: Non-negative int32 scalar: points to skip.
      dtype: float32 or float64.
      name: Op name (default "SobolSample").

    Returns:
      A `[num_results, dim]` tensor of `dtype`.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _F32_64:
        raise TypeError(f"sobol_sample: dtype must be float32 or float64, got {dtype.name}")
    return gen_tensor("SobolSample", name,
                      [("dim", dim, (dtypes.int32,), None),
                       ("num_results", num_results, (dtypes.int32,), None),
                       ("skip", skip, (dtypes.int32,), None)], {"dtype": dtype})


# Top-level TF1 names; tf.math picks the others by name.
__all__ = ["bincount", "confusion_matrix"]
