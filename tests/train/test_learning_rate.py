"""Learning-rate schedules (`tf.train.exponential_decay`, ...) and decayed rates in training."""
import math

import numpy as np
import pytest

import tfgraph as tf

F32 = np.float32
STEPS = [0, 1, 5, 10, 15, 25, 100]


def _values(make, steps=STEPS, dtype=tf.int64):
    step = tf.placeholder(dtype, [], name="step")
    lr = make(step)
    with tf.Session() as sess:
        out = [sess.run(lr, {step: s}) for s in steps]
    assert all(v.dtype == np.float32 for v in out)
    return lr, np.array(out)


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_decay_values(staircase):
    lr, got = _values(lambda s: tf.train.exponential_decay(0.1, s, 10, 0.5, staircase=staircase))
    p = np.array(STEPS, np.float64) / 10
    if staircase:
        p = np.floor(p)
    np.testing.assert_allclose(got, 0.1 * 0.5 ** p, rtol=1e-6)
    assert lr.dtype == tf.float32 and lr.shape.ndims == 0
    assert lr.op.name == "ExponentialDecay"


def test_exponential_decay_with_an_int32_step_and_a_name():
    lr, got = _values(lambda s: tf.train.exponential_decay(0.2, s, 4, 0.9, name="lr"),
                      steps=[0, 2, 8], dtype=tf.int32)
    np.testing.assert_allclose(got, [0.2, 0.2 * 0.9 ** 0.5, 0.2 * 0.81], rtol=1e-6)
    assert lr.op.name == "lr"


def test_decay_requires_a_global_step():
    with pytest.raises(ValueError, match="global_step is required for exponential_decay"):
        tf.train.exponential_decay(0.1, None, 10, 0.5)
    with pytest.raises(ValueError, match="global_step is required"):
        tf.train.polynomial_decay(0.1, None, 10)


def test_natural_exp_and_inverse_time_decay():
    _, got = _values(lambda s: tf.train.natural_exp_decay(0.1, s, 10, 0.5))
    p = np.array(STEPS, np.float64) / 10
    np.testing.assert_allclose(got, 0.1 * np.exp(-0.5 * p), rtol=1e-6)
    tf.reset_default_graph()
    _, got = _values(lambda s: tf.train.inverse_time_decay(0.1, s, 10, 0.5, staircase=True))
    np.testing.assert_allclose(got, 0.1 / (1 + 0.5 * np.floor(p)), rtol=1e-6)


@pytest.mark.parametrize("cycle", [False, True])
def test_polynomial_decay(cycle):
    _, got = _values(lambda s: tf.train.polynomial_decay(0.1, s, 10, end_learning_rate=0.01,
                                                         power=2.0, cycle=cycle))
    want = []
    for s in STEPS:
        steps = 10.0
        if cycle:
            steps = 10.0 * max(math.ceil(s / 10), 1)
        else:
            s = min(s, 10)
        want.append((0.1 - 0.01) * (1 - s / steps) ** 2 + 0.01)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_cosine_decay():
    _, got = _values(lambda s: tf.train.cosine_decay(0.1, s, 20, alpha=0.1))
    want = [0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 20) / 20)) + 0.1) for s in STEPS]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)


def test_piecewise_constant():
    _, got = _values(lambda s: tf.train.piecewise_constant(s, [5, 15], [1.0, 0.5, 0.1]))
    np.testing.assert_allclose(got, [1.0, 1.0, 1.0, 0.5, 0.5, 0.1, 0.1], rtol=1e-7)
    with pytest.raises(ValueError, match="1 less than the length of values"):
        tf.train.piecewise_constant(tf.constant(1), [5, 15], [1.0, 0.5])


def test_decayed_learning_rate_drives_gradient_descent_with_the_global_step():
    gs = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, gs, 2, 0.5)
    w = tf.Variable([1.0, -2.0], name="w")
    loss = tf.reduce_sum(tf.square(w))
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=gs)
    expected = np.array([1.0, -2.0], F32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(4):
            np.testing.assert_allclose(sess.run(lr), 0.1 * 0.5 ** (step / 2), rtol=1e-6)
            sess.run(train)
            rate = F32(0.1 * 0.5 ** (step / 2))  # the step's rate: read before the increment
            expected = expected - rate * (F32(2) * expected)
            np.testing.assert_allclose(sess.run(w), expected, rtol=1e-6)
        assert tf.train.global_step(sess, gs) == 4
