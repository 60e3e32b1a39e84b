"""`tf.sparse.segment_{sum,mean,sqrt_n}` (ops/sparse_segment_ops.py) against NumPy: the
selected rows reduced per sorted segment, `num_segments`, TF1 op types and errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

DATA = np.arange(15, dtype=np.float32).reshape(5, 3) - 4
IDX = np.array([0, 4, 2, 2, 1], np.int32)
SEG = np.array([0, 0, 1, 3, 3], np.int32)


def _ref(kind, k=None):
    k = SEG[-1] + 1 if k is None else k
    out = np.zeros((k, 3), np.float64)
    counts = np.bincount(SEG, minlength=k)
    for i, s in zip(IDX, SEG):
        out[s] += DATA[i]
    if kind == "mean":
        out /= np.maximum(counts, 1)[:, None]
    elif kind == "sqrt_n":
        out /= np.sqrt(np.maximum(counts, 1))[:, None]
    return out.astype(np.float32)


@pytest.mark.parametrize("kind", ["sum", "mean", "sqrt_n"])
@pytest.mark.parametrize("num", [None, 6])
def test_against_numpy(kind, num):
    fn = getattr(tf.sparse, f"segment_{kind}")
    assert getattr(tf, f"sparse_segment_{kind}") is fn
    out = fn(DATA, IDX, SEG, num_segments=num)
    op = {"sum": "Sum", "mean": "Mean", "sqrt_n": "SqrtN"}[kind]
    assert out.op.type == f"SparseSegment{op}" + ("WithNumSegments" if num else "")
    assert out.shape.as_list() == [num, 3]
    with tf.Session() as s:
        r = s.run(out)
    assert r.dtype == np.float32
    np.testing.assert_allclose(r, _ref(kind, num), rtol=1e-6)


def test_errors_name_the_op():
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="SparseSegmentSum: segment ids are not increasing"):
            s.run(tf.sparse.segment_sum(DATA, [0, 1], [1, 0]))
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="SparseSegmentMean: index 7 is out of range"):
            s.run(tf.sparse.segment_mean(DATA, [0, 7], [0, 0]))
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="SparseSegmentSumWithNumSegments: segment id 3"):
            s.run(tf.sparse.segment_sum(DATA, [0, 1], [0, 3], num_segments=2))
    with pytest.raises(TypeError, match="SparseSegmentMean: data must be float"):
        tf.sparse.segment_mean(np.ones([2, 2], np.int32), [0], [0])
