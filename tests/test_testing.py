"""`tf.test`: the gradient checker, TestCase, device queries."""
from __future__ import annotations

import importlib.util
import unittest

import numpy as np
import pytest

import tfgraph as tf


@tf.RegisterGradient("TestingWrongSquareGrad")
def _wrong_square_grad(op, grad):
    return [grad * op.inputs[0] * 3.0]  # the right factor is 2


def test_jacobian_layout_is_x_size_by_y_size():
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # y = W x: dy_j/dx_i = W[j, i]
    x = tf.placeholder(tf.float64, [3])
    y = tf.reshape(tf.matmul(tf.constant(w), tf.reshape(x, [3, 1])), [2])
    theoretical, numerical = tf.test.compute_gradient(x, [3], y, [2], x_init_value=[1.0, -1.0, 2.0])
    assert theoretical.shape == numerical.shape == (3, 2)
    np.testing.assert_allclose(theoretical, w.T, rtol=1e-12)
    np.testing.assert_allclose(numerical, w.T, rtol=1e-8)


def test_nonlinear_jacobian_at_given_point():
    x = tf.placeholder(tf.float64, [2, 2])
    y = tf.square(x)
    xv = np.array([[1.0, -2.0], [0.5, 3.0]])
    theoretical, numerical = tf.test.compute_gradient(x, [2, 2], y, [2, 2], x_init_value=xv)
    np.testing.assert_allclose(theoretical, np.diag(2 * xv.ravel()), atol=1e-12)
    np.testing.assert_allclose(numerical, np.diag(2 * xv.ravel()), atol=1e-6)


def test_float32_error_is_small_with_default_delta():
    x = tf.placeholder(tf.float32, [3, 4])
    y = tf.reduce_sum(tf.exp(x) * x, axis=1)
    err = tf.test.compute_gradient_error(x, [3, 4], y, [3])
    assert err < 1e-2


def test_a_wrong_gradient_is_detected():
    x = tf.placeholder(tf.float64, [4])
    xv = np.array([1.0, 2.0, -1.0, 0.5])
    with tf.get_default_graph().gradient_override_map({"Square": "TestingWrongSquareGrad"}):
        wrong = tf.square(x)
    right = tf.square(x)
    assert tf.test.compute_gradient_error(x, [4], right, [4], x_init_value=xv) < 1e-6
    err = tf.test.compute_gradient_error(x, [4], wrong, [4], x_init_value=xv)
    np.testing.assert_allclose(err, 2.0, rtol=1e-6)  # |3x - 2x| at x = 2


def test_list_of_xs_and_extra_feeds():
    a = tf.placeholder(tf.float64, [2])
    b = tf.placeholder(tf.float64, [2])
    scale = tf.placeholder(tf.float64, [])
    y = a * b * scale
    av, bv = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    pairs = tf.test.compute_gradient([a, b], [[2], [2]], y, [2], x_init_value=[av, bv],
                                     extra_feed_dict={scale: 2.0})
    assert isinstance(pairs, list) and len(pairs) == 2
    (ta, na), (tb, nb) = pairs
    np.testing.assert_allclose(ta, np.diag(2 * bv), atol=1e-12)
    np.testing.assert_allclose(tb, np.diag(2 * av), atol=1e-12)
    np.testing.assert_allclose(na, ta, atol=1e-6)
    np.testing.assert_allclose(nb, tb, atol=1e-6)
    err = tf.test.compute_gradient_error([a, b], [[2], [2]], y, [2], x_init_value=[av, bv],
                                         extra_feed_dict={scale: 2.0})
    assert err < 1e-6


def test_unconnected_x_gives_zero_theoretical_jacobian():
    a = tf.placeholder(tf.float64, [2])
    b = tf.placeholder(tf.float64, [2])
    (t, n) = tf.test.compute_gradient(b, [2], a * 2.0, [2], extra_feed_dict={a: [1.0, 1.0]})
    assert not t.any() and not n.any()


def test_variables_use_the_default_session_or_init_targets():
    v = tf.Variable([2.0, 3.0], dtype=tf.float64)
    x = tf.placeholder(tf.float64, [2])
    y = v * x
    with tf.Session() as sess:
        sess.run(v.initializer)
        t, _ = tf.test.compute_gradient(x, [2], y, [2])  # runs in the default session
        np.testing.assert_allclose(t, np.diag([2.0, 3.0]))
    t, _ = tf.test.compute_gradient(x, [2], y, [2], init_targets=[v.initializer])
    np.testing.assert_allclose(t, np.diag([2.0, 3.0]))


def test_bad_arguments():
    x = tf.placeholder(tf.float64, [2])
    y = x * 2.0
    with pytest.raises(ValueError, match="y_shape"):
        tf.test.compute_gradient(x, [2], y, [3])
    with pytest.raises(ValueError, match="x_init_value"):
        tf.test.compute_gradient(x, [2], y, [2], x_init_value=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="incompatible"):
        tf.test.compute_gradient(x, [3], y, [2])
    i = tf.placeholder(tf.int32, [2])
    with pytest.raises(TypeError, match="floating"):
        tf.test.compute_gradient(i, [2], tf.cast(i, tf.float32), [2])


def test_device_queries_without_cupy():
    has_cupy = importlib.util.find_spec("cupy") is not None
    assert tf.test.is_built_with_cuda() is has_cupy
    if not has_cupy:
        assert tf.test.is_gpu_available() is False
        assert tf.test.gpu_device_name() == ""
    assert tf.test.is_built_with_rocm() is False


def test_test_case_sessions_and_assertions():
    results = {}

    class Demo(tf.test.TestCase):
        def test_cached_session_and_evaluate(self):
            x = tf.constant([1.0, 2.0])
            y = x * 3.0
            with self.cached_session() as sess:
                self.assertAllClose(y.eval(), [3.0, 6.0])
                self.assertAllEqual(self.evaluate(y), [3.0, 6.0])
                self.assertIs(tf.get_default_session(), sess)
                with self.cached_session() as again:
                    self.assertIs(again, sess)
            with self.session() as other:
                self.assertIsNot(other, sess)
            self.assertAllClose({"a": [1.0, 2.0]}, {"a": np.array([1.0, 2.0 + 1e-9])})
            self.assertNear(1.0, 1.05, 0.1)
            self.assertArrayNear([1.0, 2.0], [1.01, 2.0], 0.02)
            self.assertShapeEqual(np.zeros((2,)), y)
            self.assertTrue(self.get_temp_dir())

        def test_assert_all_close_fails(self):
            self.assertAllClose([1.0, 2.0], [1.0, 2.1])

        def test_assert_all_equal_checks_shapes(self):
            self.assertAllEqual([[1, 2]], [1, 2])

        def test_op_error(self):  # runs after test_cached_session_and_evaluate built ops
            results["graph_ops"] = len(tf.get_default_graph().get_operations())
            p = tf.placeholder(tf.float32)
            with self.session() as sess:
                with self.assertRaisesOpError("must feed"):
                    sess.run(p)

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(Demo)
    outcome = unittest.TestResult()
    suite.run(outcome)
    failed = sorted(t.id().rsplit(".", 1)[-1] for t, _ in outcome.failures)
    assert not outcome.errors, outcome.errors
    assert failed == ["test_assert_all_close_fails", "test_assert_all_equal_checks_shapes"]
    assert outcome.testsRun == 5 and len(outcome.skipped) == 1  # test_session is skipped
    assert results["graph_ops"] == 0  # each test starts from an empty default graph
