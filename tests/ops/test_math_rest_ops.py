"""The rest of tf.math (`ops/math_rest_ops.py`): bincount, confusion_matrix,
cumulative_logsumexp, nextafter, polyval, sobol_sample."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf


def test_bincount_counts_weights_and_lengths(run):
    arr = np.array([[1, 2], [2, 5]], np.int32)
    w = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    out = run([tf.math.bincount(arr), tf.bincount(arr, minlength=8),
               tf.math.bincount(arr, weights=w, minlength=3, maxlength=4),
               tf.math.bincount(np.zeros(0, np.int32)),
               tf.math.bincount(arr, dtype=tf.float64)])
    np.testing.assert_array_equal(out[0], np.bincount(arr.ravel()))
    assert out[0].dtype == np.int32
    np.testing.assert_array_equal(out[1], np.bincount(arr.ravel(), minlength=8))
    np.testing.assert_array_equal(out[2], [0.0, 1.0, 5.0, 0.0])  # 5 is dropped by maxlength
    assert out[2].dtype == np.float32
    assert out[3].shape == (0,) and out[4].dtype == np.float64
    assert tf.math.bincount(arr).op.type == "Bincount"


def test_bincount_negative_values_fail_naming_the_op(run):
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative.*|Bincount"):
        run(tf.math.bincount(tf.constant([-1, 2])))


def test_confusion_matrix_default_and_weighted(run):
    labels, preds = [0, 1, 2, 2], [0, 2, 2, 1]
    ref = np.zeros((3, 3), np.int32)
    np.add.at(ref, (labels, preds), 1)
    cm = tf.confusion_matrix(labels, preds)
    assert cm.name.startswith("confusion_matrix/") and cm.dtype == tf.int32
    out = run([cm, tf.math.confusion_matrix(labels, preds, num_classes=4,
                                            weights=[1.0, 2.0, 3.0, 4.0], dtype=tf.float32)])
    np.testing.assert_array_equal(out[0], ref)
    ref_w = np.zeros((4, 4), np.float32)
    np.add.at(ref_w, (labels, preds), [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(out[1], ref_w)
    assert out[1].dtype == np.float32


def test_confusion_matrix_out_of_range_labels_fail_at_run_time(run):
    labels = tf.placeholder(tf.int32, [None])
    cm = tf.confusion_matrix(labels, [0, 1], num_classes=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="labels` out of bound"):
        run(cm, {labels: [0, 2]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="labels` contains negative"):
        run(cm, {labels: [0, -1]})


def _ref_cumlse(x, axis, exclusive=False, reverse=False):
    m = np.moveaxis(x, axis, 0)
    if reverse:
        m = m[::-1]
    c = np.logaddexp.accumulate(m, axis=0)
    if exclusive:
        c = np.concatenate([np.full_like(c[:1], -np.inf), c[:-1]])
    if reverse:
        c = c[::-1]
    return np.moveaxis(c, 0, axis)


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (False, True),
                                               (True, True)])
def test_cumulative_logsumexp(run, exclusive, reverse):
    x = np.array([[-1000.0, 0.5, 2.0], [700.0, 710.0, -3.0]], np.float32)
    t = tf.math.cumulative_logsumexp(x, axis=1, exclusive=exclusive, reverse=reverse)
    assert t.op.type == "CumulativeLogsumexp" and t.dtype == tf.float32
    out = run(t)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, _ref_cumlse(x, 1, exclusive, reverse), rtol=1e-6)
    assert np.isfinite(out[0, 0]) or exclusive  # no underflow to -inf for -1000


def test_cumulative_logsumexp_refuses_bad_axis_and_scalars():
    with pytest.raises(ValueError, match="CumulativeLogsumexp"):
        tf.math.cumulative_logsumexp(tf.ones([2, 3]), axis=2)
    with pytest.raises(ValueError, match="CumulativeLogsumexp"):
        tf.math.cumulative_logsumexp(tf.constant(1.0))


def test_nextafter_and_polyval(run):
    x = np.array([1.0, -2.0, 0.0], np.float32)
    y = np.array([2.0, -3.0, -1.0], np.float32)
    p = tf.math.polyval([1.0, 2.0, tf.constant(3.0)], tf.constant(x))
    assert p.name.startswith("polyval/")
    out = run([tf.math.nextafter(x, y), p, tf.math.polyval([], tf.constant(x))])
    np.testing.assert_array_equal(out[0], np.nextafter(x, y))
    assert out[0].dtype == np.float32
    np.testing.assert_allclose(out[1], np.polyval([1.0, 2.0, 3.0], x))
    np.testing.assert_array_equal(out[2], np.zeros(3))
    with pytest.raises(ValueError, match="coeffs must be list"):
        tf.math.polyval((1.0, 2.0), x)


def test_sobol_sample_matches_unscrambled_sobol_after_the_origin(run):
    qmc = pytest.importorskip("scipy.stats").qmc
    t = tf.math.sobol_sample(5, 6, skip=3, dtype=tf.float64)
    assert t.op.type == "SobolSample" and t.shape.as_list() == [6, 5]
    engine = qmc.Sobol(5, scramble=False)
    first = engine.random(10)
    np.testing.assert_array_equal(run(t), first[4:10])
    out = run(tf.math.sobol_sample(2, 3))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0.5, 0.5], [0.75, 0.25], [0.25, 0.75]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="dim must be at least one"):
        run(tf.math.sobol_sample(0, 3))
