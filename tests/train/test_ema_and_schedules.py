"""ExponentialMovingAverage (shadow names, collections, num_updates, restore mapping) and the
extra learning-rate schedules against NumPy formulas."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tfgraph as tf


def test_ema_shadows_update_and_restore_names():
    w = tf.Variable([1.0, 2.0], name="W")
    b = tf.Variable(0.5, name="b")
    step = tf.Variable(0, name="step", trainable=False)
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=step)
    op = ema.apply([w, b])
    assert op.name == "ExponentialMovingAverage" and op.type == "NoOp"
    assert [v.op.name for v in tf.global_variables()] == [
        "W", "b", "step", "W/ExponentialMovingAverage", "b/ExponentialMovingAverage"]
    assert tf.moving_average_variables() == [w, b]
    assert ema.average(w).op.name == ema.average_name(w) == "W/ExponentialMovingAverage"
    assert tf.trainable_variables() == [w, b]
    restore = ema.variables_to_restore()
    assert restore["W/ExponentialMovingAverage"] is w and restore["step"] is step
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(ema.average(w)), [1.0, 2.0])
        sess.run(w.assign([3.0, 6.0]))
        sess.run(op)  # num_updates 0: decay = min(0.99, 1 / 10) = 0.1
        np.testing.assert_allclose(sess.run(ema.average(w)), [1 + 0.9 * 2, 2 + 0.9 * 4],
                                   rtol=1e-6)
        sess.run(step.assign(90))
        sess.run(op)  # decay = min(0.99, 91 / 100) = 0.91
        prev = np.array([2.8, 5.6])
        np.testing.assert_allclose(sess.run(ema.average(w)), prev - 0.09 * (prev - [3, 6]),
                                   rtol=1e-6)


def test_ema_of_a_tensor_and_errors():
    x = tf.placeholder(tf.float32, [2])
    loss = tf.reduce_sum(x, name="loss")
    ema = tf.train.ExponentialMovingAverage(0.5)
    op = ema.apply([loss])
    assert ema.average(loss).op.name == "loss/ExponentialMovingAverage"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(op, {x: [1.0, 3.0]})
        assert sess.run(ema.average(loss)) == 2.0
    with pytest.raises(TypeError, match="half, float, or double"):
        ema.apply([tf.Variable(1, name="i")])
    with pytest.raises(NotImplementedError, match="zero_debias"):
        tf.train.ExponentialMovingAverage(0.9, zero_debias=True)


def _run(t, step_var, steps):
    out = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for s in steps:
            sess.run(step_var.assign(s))
            out.append(sess.run(t))
    return np.array(out)


def test_cosine_decay_restarts():
    gs = tf.Variable(0, name="gs", trainable=False)
    steps = [0, 5, 10, 15, 29, 30, 45]
    got = _run(tf.train.cosine_decay_restarts(1.0, gs, 10, t_mul=2.0, m_mul=0.5, alpha=0.1),
               gs, steps)
    want = []
    for s in steps:
        f = s / 10
        i = math.floor(math.log(1 - f * (1 - 2.0)) / math.log(2.0))
        f = (f - (1 - 2.0 ** i) / (1 - 2.0)) / 2.0 ** i
        want.append(0.9 * 0.5 * 0.5 ** i * (1 + math.cos(math.pi * f)) + 0.1)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    same = _run(tf.train.cosine_decay_restarts(2.0, gs, 4, t_mul=1.0), gs, [0, 2, 4, 6])
    np.testing.assert_allclose(same, [2.0, 1.0, 2.0, 1.0], rtol=1e-5, atol=1e-6)


def test_linear_cosine_decays():
    gs = tf.Variable(0, name="gs", trainable=False)
    steps = [0, 25, 50, 100, 150]
    got = _run(tf.train.linear_cosine_decay(0.5, gs, 100, num_periods=1.0, alpha=0.1), gs,
               steps)
    want = []
    for s in steps:
        t = min(s, 100)
        want.append(0.5 * ((0.1 + (100 - t) / 100) * 0.5 * (1 + math.cos(math.pi * 2 * t / 100))
                           + 0.001))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    tf.set_random_seed(1)
    noisy = _run(tf.train.noisy_linear_cosine_decay(0.5, gs, 100, initial_variance=1e-6), gs,
                 steps)
    quiet = [0.5 * ((100 - min(s, 100)) / 100 * 0.5 * (1 + math.cos(math.pi * min(s, 100) /
                                                                    100)) + 0.001)
             for s in steps]
    np.testing.assert_allclose(noisy, quiet, atol=0.01)
    assert tf.train.piecewise_constant_decay is tf.train.piecewise_constant
    with pytest.raises(ValueError, match="global_step is required"):
        tf.train.linear_cosine_decay(0.1, None, 10)
