"""Buffer forwarding: an elementwise op may write into its first input's buffer only when that
input is a fresh array of the plan at its last use -- never a feed, a constant, a variable's
storage, a fetched value or a value that a live view shares."""
import linecache

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.backends import default_backend_name

pytestmark = pytest.mark.skipif(default_backend_name() != "numpy",
                                reason="inspects NumPy buffers of the generated plan")


def _plan_source(sess):
    plan = list(sess._plans.values())[-1]
    return "".join(linecache.cache[plan.code.co_filename][2])


def _fresh(x):
    return tf.matmul(x, tf.eye(3))  # a new array made by the plan


def test_relu_and_bias_add_reuse_a_dying_matmul_buffer():
    x = tf.placeholder(tf.float32, [None, 3])
    b = tf.constant([1.0, -2.0, 0.5])
    y = tf.nn.relu(tf.nn.bias_add(_fresh(x), b))
    xv = np.array([[1.0, 1.0, -1.0], [-3.0, 4.0, 2.0]], np.float32)
    with tf.Session() as sess:
        out = sess.run(y, {x: xv})
        assert _plan_source(sess).count("_ip") == 2
    np.testing.assert_allclose(out, np.maximum(xv + [1.0, -2.0, 0.5], 0))


def test_fed_constant_and_variable_buffers_are_never_written():
    x = tf.placeholder(tf.float32, [2])
    c = tf.constant([-1.0, 2.0])
    v = tf.Variable([-3.0, 4.0])
    ys = [tf.nn.relu(x), tf.nn.relu(c), tf.nn.relu(v), tf.negative(x)]
    xv = np.array([-5.0, 6.0], np.float32)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(ys, {x: xv})
        assert "_ip" not in _plan_source(sess)
        np.testing.assert_array_equal(xv, [-5.0, 6.0])
        np.testing.assert_array_equal(sess.run(c), [-1.0, 2.0])
        np.testing.assert_array_equal(sess.run(v), [-3.0, 4.0])


def test_fetched_or_viewed_inputs_keep_their_values():
    x = tf.placeholder(tf.float32, [2, 3])
    h = _fresh(x)
    view = tf.reshape(h, [6])  # shares h's buffer
    via_identity = tf.identity(h)
    y = tf.nn.relu(via_identity)
    xv = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]], np.float32)
    with tf.Session() as sess:
        h_out, y_out = sess.run([h, tf.nn.relu(h)], {x: xv})
        np.testing.assert_array_equal(h_out, xv)
        view_out, y_out = sess.run([view, y], {x: xv})
        np.testing.assert_array_equal(view_out, xv.reshape(6))
        np.testing.assert_array_equal(y_out, np.maximum(xv, 0))


def test_broadcasting_to_a_bigger_shape_falls_back_to_a_new_array():
    x = tf.placeholder(tf.float32, [None, 1])
    z = tf.placeholder(tf.float32, [None, 3])
    y = tf.add(tf.matmul(x, tf.ones([1, 1])), z)  # (n, 1) + (n, 3): cannot be written into x
    with tf.Session() as sess:
        out = sess.run(y, {x: [[1.0], [2.0]], z: np.ones((2, 3), np.float32)})
    np.testing.assert_array_equal(out, [[2.0] * 3, [3.0] * 3])


def test_a_conds_result_is_reused_only_when_its_branches_values_die_there():
    """A Merge of fresh branch results that only it reads is itself fresh (the Relu after a
    batch norm under `tf.cond` works in place); a branch value that is fetched, or read by
    another op as well, keeps its value."""
    x = tf.placeholder(tf.float32, [2, 3])
    flag = tf.placeholder(tf.bool, [])
    xv = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]], np.float32)
    branch = {}

    def true_fn():
        branch[True] = _fresh(x)
        return branch[True]

    def false_fn():
        branch[False] = _fresh(x) * 2.0
        return branch[False]
    y = tf.nn.relu(tf.cond(flag, true_fn, false_fn))
    with tf.Session() as sess:
        for f in (True, False):
            out = sess.run(y, {x: xv, flag: f})
            np.testing.assert_array_equal(out, np.maximum(xv * (1.0 if f else 2.0), 0))
        assert "# Relu 'Relu' @cpu (in place)" in _plan_source(sess)
        # the taken branch's value fetched too: not overwritten by the Relu
        b_out, y_out = sess.run([branch[True], y], {x: xv, flag: True})
        np.testing.assert_array_equal(b_out, xv)
        np.testing.assert_array_equal(y_out, np.maximum(xv, 0))
    # a branch value another op reads as well
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [2, 3])
    flag = tf.placeholder(tf.bool, [])
    h = {}

    def shared():
        h["v"] = _fresh(x)
        return h["v"]
    m = tf.cond(flag, shared, lambda: _fresh(x) * 2.0)
    other = tf.cond(flag, lambda: h["v"] + 0.0, lambda: tf.zeros([2, 3]))
    with tf.Session() as sess:
        y_out, other_out = sess.run([tf.nn.relu(m), other], {x: xv, flag: True})
        np.testing.assert_array_equal(y_out, np.maximum(xv, 0))
        np.testing.assert_array_equal(other_out, xv)
