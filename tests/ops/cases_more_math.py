"""Finite-difference gradient cases for `ops/more_math_ops.py` and `ops/segment_ops.py`."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case

_IDS = np.array([0, 0, 1, 3, 3, 3])          # sorted, segment 2 empty
_UIDS = np.array([[2, 0, -1], [0, 2, 1]])    # unsorted, a dropped id, segment 3 empty


def _distinct(shape):
    def values(rng):
        n = int(np.prod(shape))
        return [(rng.permutation(n) * 0.37 - 0.1 * n).reshape(shape)]
    return values


def _with_zeros(shape, zeros):
    """Values away from 0 except at the flat positions `zeros` (exact zeros)."""
    def values(rng):
        v = rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
        v.reshape(-1)[list(zeros)] = 0.0
        return [v]
    return values


CASES = {
    "Tan": [Case(lambda x: tf.tan(x), [(2, 3)], second_order=True)],
    "Sinh": [Case(lambda x: tf.sinh(x), [(2, 3)], second_order=True)],
    "Cosh": [Case(lambda x: tf.cosh(x), [(2, 3)], second_order=True)],
    "Asin": [Case(lambda x: tf.asin(x), [(2, 3)], low=-0.8, high=0.8)],
    "Acos": [Case(lambda x: tf.acos(x), [(2, 3)], low=-0.8, high=0.8)],
    "Atan": [Case(lambda x: tf.atan(x), [(2, 3)], low=-2.0, high=2.0, second_order=True)],
    "Asinh": [Case(lambda x: tf.asinh(x), [(2, 3)], low=-2.0, high=2.0)],
    "Acosh": [Case(lambda x: tf.acosh(x), [(2, 3)], low=1.2, high=3.0)],
    "Atanh": [Case(lambda x: tf.atanh(x), [(2, 3)], low=-0.8, high=0.8)],
    "Atan2": [Case(lambda y, x: tf.atan2(y, x), [(2, 3), (2, 3)], low=0.3, high=1.5),
              Case(lambda y, x: tf.atan2(y, x), [(2, 3), (3,)], low=0.3, high=1.5,
                   label="broadcast")],
    "Xlogy": [Case(lambda x, y: tf.math.xlogy(x, y), [(2, 3), (2, 3)], low=[-1.0, 0.5],
                   high=[1.0, 2.0])],
    "Xdivy": [Case(lambda x, y: tf.math.xdivy(x, y), [(2, 3), (3,)], low=[-1.0, 0.5],
                   high=[1.0, 2.0])],
    "Xlog1py": [Case(lambda x, y: tf.math.xlog1py(x, y), [(2, 3), (2, 3)], low=[-1.0, 0.0],
                     high=[1.0, 2.0])],
    "MulNoNan": [Case(lambda x, y: tf.math.multiply_no_nan(x, y), [(2, 3), (2, 3)])],
    "Cumprod": [Case(lambda x: tf.cumprod(x, axis=1), [(2, 4)], low=0.5, high=1.5),
                Case(lambda x: tf.cumprod(x, axis=0, exclusive=True, reverse=True), [(3, 2)],
                     low=0.5, high=1.5, label="exclusive-reverse")],
    "SegmentSum": [Case(lambda x: tf.segment_sum(x, _IDS), [(6, 2)])],
    "SegmentMean": [Case(lambda x: tf.segment_mean(x, _IDS), [(6, 2)])],
    "SegmentMax": [Case(lambda x: tf.segment_max(x, _IDS), [(6, 2)], values=_distinct((6, 2)))],
    "SegmentMin": [Case(lambda x: tf.segment_min(x, _IDS), [(6, 2)], values=_distinct((6, 2)))],
    "SegmentProd": [Case(lambda x: tf.segment_prod(x, _IDS), [(6, 2)], low=0.5, high=1.5),
                    Case(lambda x: tf.segment_prod(x, _IDS), [(6, 2)],
                         values=_with_zeros((6, 2), [0, 5, 7, 9]), label="zeros")],
    "UnsortedSegmentMax": [Case(lambda x: tf.unsorted_segment_max(x, _UIDS, 3), [(2, 3, 2)],
                                values=_distinct((2, 3, 2)))],
    "UnsortedSegmentMin": [Case(lambda x: tf.unsorted_segment_min(x, _UIDS, 3), [(2, 3, 2)],
                                values=_distinct((2, 3, 2)))],
    "UnsortedSegmentProd": [
        Case(lambda x: tf.unsorted_segment_prod(x, _UIDS, 4), [(2, 3, 2)], low=0.5, high=1.5),
        Case(lambda x: tf.unsorted_segment_prod(x, _UIDS, 4), [(2, 3, 2)],
             values=_with_zeros((2, 3, 2), [0, 3, 4]), label="zeros")],
}
