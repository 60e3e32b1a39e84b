"""tf.gradients semantics: seeds, aggregation, unconnected xs, stop gradients, naming, errors."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.framework.registry import OpDef, register_op, spec


@register_op("TestNoGradient")
class _TestNoGradient(OpDef):
    """An op with no registered gradient (asking for one must raise LookupError)."""

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        return x


def test_gradient_ops_are_named_like_tf1():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    W = tf.Variable(np.ones((3, 2), np.float32), name="W")
    y = tf.matmul(x, W)
    loss = tf.reduce_sum(y)
    gW, = tf.gradients(loss, W)
    names = {op.name for op in tf.get_default_graph().get_operations()}
    assert {"gradients/Shape", "gradients/grad_ys_0", "gradients/Fill"} <= names
    assert gW.op.name == "gradients/MatMul_grad/MatMul_1"
    g2, = tf.gradients(loss, x)
    assert g2.op.name.startswith("gradients_1/")


def test_sum_of_ys_grad_ys_and_aggregation():
    x = tf.constant([1.0, 2.0])
    y1 = x * x
    y2 = x * 3.0
    g, = tf.gradients([y1, y2], x)
    g_seeded, = tf.gradients(y1, x, grad_ys=tf.constant([10.0, 100.0]))
    assert g.op.type == "AddN"  # two paths summed
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g), [2 * 1 + 3, 2 * 2 + 3])
        np.testing.assert_allclose(sess.run(g_seeded), [20.0, 400.0])


def test_unconnected_x_gives_none_or_zeros():
    x = tf.constant([1.0, 2.0])
    z = tf.constant([3.0])
    y = x * 2.0
    assert tf.gradients(y, z) == [None]
    gz, = tf.gradients(y, z, unconnected_gradients="zero")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(gz), [0.0])


def test_integer_tensors_do_not_propagate_gradients():
    x = tf.constant([1.0, 2.0])
    i = tf.cast(x, tf.int32)
    y = tf.cast(i, tf.float32) * x
    g, = tf.gradients(y, x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g), [1.0, 2.0])  # only the direct path


def test_stop_gradient_and_stop_gradients_argument():
    x = tf.constant(3.0)
    y = x * x
    blocked = tf.stop_gradient(y) * x
    g, = tf.gradients(blocked, x)
    a = x * 2.0
    b = a * x
    g2, = tf.gradients(b, x, stop_gradients=[a])
    with tf.Session() as sess:
        assert sess.run(g) == pytest.approx(9.0)
        assert sess.run(g2) == pytest.approx(6.0)  # a treated as a constant: d(a*x)/dx = a


def test_only_ops_between_xs_and_ys_are_differentiated():
    x = tf.placeholder(tf.float32, [2], name="x")
    side = tf.placeholder(tf.float32, [2], name="side")
    branch = tf.square(side, name="unrelated")
    y = tf.reduce_sum(x * x + branch)
    before = len(tf.get_default_graph().get_operations())
    tf.gradients(y, x)
    new = [op.name for op in tf.get_default_graph().get_operations()[before:]]
    assert not any("unrelated_grad" in n for n in new)


def test_missing_gradient_raises_lookup_error_naming_op_type():
    from tfgraph.framework.constant import make_tensor
    x = tf.constant([1.0])
    y = make_tensor("TestNoGradient", [x], name="mystery") * 2.0
    with pytest.raises(LookupError, match="TestNoGradient"):
        tf.gradients(y, x)


def test_second_derivative_of_cube():
    x = tf.placeholder(tf.float32, [3])
    y = x * x * x
    dy, = tf.gradients(y, x)
    d2y, = tf.gradients(dy, x)
    with tf.Session() as sess:
        xv = np.array([1.0, -2.0, 0.5], np.float32)
        np.testing.assert_allclose(sess.run(d2y, {x: xv}), 6 * xv, rtol=1e-5)


def test_gradient_through_variable_read_and_broadcast_with_unknown_dims():
    x = tf.placeholder(tf.float32, [None, 3])
    b = tf.Variable(np.zeros(3, np.float32))
    y = tf.reduce_sum((x + b) * (x + b))
    gb, gx = tf.gradients(y, [b, x])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        xv = np.arange(6, dtype=np.float32).reshape(2, 3)
        out_b, out_x = sess.run([gb, gx], {x: xv})
    np.testing.assert_allclose(out_b, 2 * xv.sum(0))
    np.testing.assert_allclose(out_x, 2 * xv)
    assert out_b.shape == (3,)


def test_grad_ys_length_mismatch():
    x = tf.constant(1.0)
    with pytest.raises(ValueError, match=r"Passed 2 grad_ys for 1 ys"):
        tf.gradients([x * 2.0], x, grad_ys=[tf.constant(1.0), tf.constant(2.0)])
