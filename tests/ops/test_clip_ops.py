"""tf.clip_by_value / clip_by_norm / global_norm / clip_by_global_norm /
clip_by_average_norm: NumPy references, TF1 op names, gradients, errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(1)


def test_clip_by_value_matches_numpy_and_names(run):
    x = RNG.uniform(-2, 2, (3, 4)).astype(np.float32)
    lo = RNG.uniform(-1, 0, (4,)).astype(np.float32)
    out = tf.clip_by_value(x, lo, 0.5)
    assert out.op.name == "clip_by_value" and out.op.type == "Maximum"
    np.testing.assert_array_equal(run(out), np.clip(x, lo, 0.5))
    assert run(out).dtype == np.float32
    with pytest.raises(ValueError, match="clip_by_value"):
        tf.clip_by_value(tf.zeros([3]), 0.0, tf.ones([2, 3]))


def test_clip_by_norm_matches_numpy(run):
    x = RNG.uniform(-2, 2, (3, 4)).astype(np.float32)
    full, rows = tf.clip_by_norm(x, 1.5), tf.clip_by_norm(x, 1.0, axes=[1])
    assert full.op.name == "clip_by_norm"
    n = np.linalg.norm(x)
    np.testing.assert_allclose(run(full), x * 1.5 / max(n, 1.5), rtol=1e-6)
    rn = np.linalg.norm(x, axis=1, keepdims=True)
    np.testing.assert_allclose(run(rows), x / np.maximum(rn, 1.0), rtol=1e-6)
    small = np.array([0.1, 0.2], np.float32)
    np.testing.assert_allclose(run(tf.clip_by_norm(small, 5.0)), small, rtol=1e-6)
    zero = tf.zeros([3])
    g = tf.gradients(tf.reduce_sum(tf.clip_by_norm(zero, 1.0)), zero)[0]
    assert np.isfinite(run(g)).all()


def test_global_norm_and_clip_by_global_norm(run):
    a = RNG.uniform(-2, 2, (2, 3)).astype(np.float32)
    b = RNG.uniform(-2, 2, (4,)).astype(np.float32)
    n_ref = np.sqrt((a ** 2).sum() + (b ** 2).sum())
    norm = tf.global_norm([a, None, b])
    assert norm.op.name == "global_norm/global_norm"
    np.testing.assert_allclose(run(norm), n_ref, rtol=1e-6)
    (ca, none, cb), used = tf.clip_by_global_norm([a, None, b], 1.0)
    assert none is None and ca.op.name == "clip_by_global_norm/clip_by_global_norm/_0"
    out_a, out_b, out_n = run([ca, cb, used])
    np.testing.assert_allclose(out_a, a / n_ref, rtol=1e-5)
    np.testing.assert_allclose(out_b, b / n_ref, rtol=1e-5)
    np.testing.assert_allclose(out_n, n_ref, rtol=1e-6)
    (same,), _ = tf.clip_by_global_norm([a], 100.0)
    np.testing.assert_allclose(run(same), a, rtol=1e-6)
    (nan,), _ = tf.clip_by_global_norm([tf.constant([np.inf, 1.0])], 1.0)
    assert np.isnan(run(nan)).all()
    with pytest.raises(TypeError, match="t_list"):
        tf.clip_by_global_norm(tf.zeros([2]), 1.0)
    with pytest.raises(TypeError, match="t_list"):
        tf.global_norm(tf.zeros([2]))


def test_clip_by_average_norm(run):
    x = RNG.uniform(-2, 2, (2, 3)).astype(np.float32)
    out = run(tf.clip_by_average_norm(x, 0.1))
    np.testing.assert_allclose(out, x * 0.1 * min(6 / np.linalg.norm(x), 10.0), rtol=1e-5)


def test_clipping_gradients_match_finite_differences():
    x = tf.placeholder(tf.float64, [2, 3])
    v = RNG.uniform(-2, 2, (2, 3))
    for y in (tf.clip_by_norm(x, 1.0), tf.clip_by_value(x, -0.5, 0.7),
              tf.clip_by_global_norm([x, 2.0 * x], 1.5)[0][1]):
        err = tf.test.compute_gradient_error(x, [2, 3], y, [2, 3], x_init_value=v)
        assert err < 1e-6
