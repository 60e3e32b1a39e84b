"""The lecture's worked backpropagation example (one gradient-descent step, to 1e-6 in float32),
and proof that a training step runs each forward op once."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops import math_ops

F32 = np.float32


def _network():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    target = tf.placeholder(tf.float32, [None, 2], name="target")
    w1 = tf.Variable([[0.15, 0.25], [0.2, 0.3]], name="w1")
    b1 = tf.Variable([0.35, 0.35], name="b1")
    w2 = tf.Variable([[0.4, 0.5], [0.45, 0.55]], name="w2")
    b2 = tf.Variable([0.6, 0.6], name="b2")
    hidden = tf.sigmoid(tf.matmul(x, w1) + b1)
    out = tf.sigmoid(tf.matmul(hidden, w2) + b2)
    return x, target, (w1, b1, w2, b2), out


FEED_X = np.array([[0.05, 0.1]], F32)
FEED_T = np.array([[0.01, 0.99]], F32)


def test_one_gradient_descent_step_of_the_worked_example():
    x, target, (w1, b1, w2, b2), out = _network()
    # Mean squared error over the two outputs. With 2 outputs it equals the lecture's
    # "total error" E = sum(1/2 (target - out)^2) = 0.2983711, and so do its gradients.
    loss = tf.reduce_mean(tf.square(target - out))
    half_sum = tf.reduce_sum(0.5 * tf.square(target - out))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    feed = {x: FEED_X, target: FEED_T}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        l0, e0 = sess.run([loss, half_sum], feed)
        assert l0.dtype == np.float32
        np.testing.assert_allclose(l0, 0.2983711, atol=1e-6)
        np.testing.assert_allclose(e0, l0, atol=1e-7)
        _, l_step = sess.run([train, loss], feed)
        np.testing.assert_allclose(l_step, 0.2983711, atol=1e-6)  # loss before the update
        nw1, nb1, nw2, nb2 = sess.run([w1, b1, w2, b2])
        l1 = sess.run(loss, feed)
    for value in (nw1, nb1, nw2, nb2):
        assert value.dtype == np.float32
    np.testing.assert_allclose(nw1, [[0.14978072, 0.24975115], [0.19956143, 0.2995023]], atol=1e-6)
    np.testing.assert_allclose(nw2, [[0.3589165, 0.5113013], [0.40866616, 0.56137013]], atol=1e-6)
    np.testing.assert_allclose(nb1, [0.3456143, 0.34502286], atol=1e-6)
    np.testing.assert_allclose(nb2, [0.53075075, 0.61904913], atol=1e-6)
    assert l1 < l0


def _mlp(n_layers, width, rng):
    x = tf.placeholder(tf.float32, [None, width], name="x")
    y = tf.placeholder(tf.float32, [None, width], name="y")
    h = x
    for i in range(n_layers):
        w = tf.Variable(rng.normal(0, 0.3, (width, width)).astype(F32), name=f"w{i}")
        b = tf.Variable(np.zeros(width, F32), name=f"b{i}")
        h = tf.nn.relu(tf.matmul(h, w) + b)
    loss = tf.reduce_mean(tf.square(h - y))
    return x, y, loss


@pytest.mark.parametrize("n_layers", [1, 2, 4])
def test_training_step_runs_each_matmul_once(monkeypatch, n_layers):
    """L layers: L forward products, L weight gradients, L - 1 input gradients = 3L - 1."""
    calls = []
    original = math_ops.MatMul.kernel

    def counting_kernel(self, be, op, ctx):
        k = original(self, be, op, ctx)

        def run(a, b):
            calls.append(op.name)
            return k(a, b)
        return run

    monkeypatch.setattr(math_ops.MatMul, "kernel", counting_kernel)
    rng = np.random.default_rng(0)
    x, y, loss = _mlp(n_layers, 4, rng)
    train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    feed = {x: rng.normal(size=(5, 4)).astype(F32), y: rng.normal(size=(5, 4)).astype(F32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert calls == []
        losses = []
        for step in range(3):
            del calls[:]
            _, l = sess.run([train, loss], feed)
            losses.append(l)
            assert len(calls) == 3 * n_layers - 1, calls
            assert len(set(calls)) == len(calls)  # no product computed twice
        del calls[:]
        sess.run(loss, feed)
        assert len(calls) == n_layers  # evaluation alone: the forward pass only
    assert losses[-1] < losses[0]
