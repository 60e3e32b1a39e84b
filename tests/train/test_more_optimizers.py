"""Adadelta, ProximalGradientDescent, ProximalAdagrad, Ftrl (and V2), AdagradDA: three steps
against NumPy re-implementations of TF1's update rules; slot names; errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(7)
W0 = RNG.uniform(-1, 1, (3, 2)).astype(np.float32)
X = RNG.uniform(-1, 1, (4, 3)).astype(np.float32)


def _grad(w):
    """d/dw of sum((x @ w)^2) / 2 for the fixed X."""
    return X.T @ (X @ w)


def _run(opt, steps=3, global_step=None):
    w = tf.Variable(W0, name="W")
    loss = tf.reduce_sum(tf.square(tf.matmul(X, w))) / 2.0
    train = opt(w).minimize(loss, global_step=global_step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train)
        return sess.run(w), [v.op.name for v in tf.global_variables()]


def _shrink(prox, t, denom):
    return np.sign(prox) * np.maximum(np.abs(prox) - t, 0) / denom


def test_adadelta():
    got, names = _run(lambda w: tf.train.AdadeltaOptimizer(0.5, rho=0.9, epsilon=1e-6))
    assert names == ["W", "W/Adadelta", "W/Adadelta_1"]
    w, acc, accu = W0.astype(np.float64), np.zeros_like(W0, float), np.zeros_like(W0, float)
    for _ in range(3):
        g = _grad(w)
        acc = 0.9 * acc + 0.1 * g * g
        upd = np.sqrt(accu + 1e-6) / np.sqrt(acc + 1e-6) * g
        accu = 0.9 * accu + 0.1 * upd * upd
        w = w - 0.5 * upd
    np.testing.assert_allclose(got, w, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("l1,l2", [(0.0, 0.0), (0.05, 0.1)])
def test_proximal_gradient_descent(l1, l2):
    got, _ = _run(lambda w: tf.train.ProximalGradientDescentOptimizer(
        0.1, l1_regularization_strength=l1, l2_regularization_strength=l2))
    w = W0.astype(np.float64)
    for _ in range(3):
        prox = w - 0.1 * _grad(w)
        w = _shrink(prox, 0.1 * l1, 1 + 0.1 * l2) if l1 > 0 else prox / (1 + 0.1 * l2)
    np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("l1,l2", [(0.0, 0.0), (0.05, 0.1)])
def test_proximal_adagrad(l1, l2):
    got, names = _run(lambda w: tf.train.ProximalAdagradOptimizer(
        0.3, l1_regularization_strength=l1, l2_regularization_strength=l2))
    assert names == ["W", "W/ProximalAdagrad"]
    w, acc = W0.astype(np.float64), np.full(W0.shape, 0.1)
    for _ in range(3):
        g = _grad(w)
        acc = acc + g * g
        lr = 0.3 / np.sqrt(acc)
        prox = w - lr * g
        w = _shrink(prox, lr * l1, 1 + lr * l2) if l1 > 0 else prox / (1 + lr * l2)
    np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("power,l1,l2,shrink", [(-0.5, 0.0, 0.0, 0.0), (-0.5, 0.01, 0.1, 0.0),
                                                (-0.7, 0.01, 0.1, 0.0), (-0.5, 0.01, 0.1, 0.2)])
def test_ftrl(power, l1, l2, shrink):
    got, names = _run(lambda w: tf.train.FtrlOptimizer(
        0.5, learning_rate_power=power, l1_regularization_strength=l1,
        l2_regularization_strength=l2, l2_shrinkage_regularization_strength=shrink))
    assert names == ["W", "W/Ftrl", "W/Ftrl_1"]
    w, acc, lin = W0.astype(np.float64), np.full(W0.shape, 0.1), np.zeros(W0.shape)
    for _ in range(3):
        g = _grad(w)
        gs = g + 2 * shrink * w
        new = acc + g * g
        lin = lin + gs - (new ** -power - acc ** -power) / 0.5 * w
        x = l1 * np.sign(lin) - lin
        y = new ** -power / 0.5 + 2 * l2
        w = np.where(np.abs(lin) > l1, x / y, 0.0)
        acc = new
    np.testing.assert_allclose(got, w, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("l1,l2", [(0.0, 0.0), (0.01, 0.1)])
def test_adagrad_da(l1, l2):
    gs = tf.train.get_or_create_global_step()
    got, names = _run(lambda w: tf.train.AdagradDAOptimizer(
        0.5, gs, l1_regularization_strength=l1, l2_regularization_strength=l2), global_step=gs)
    assert names[-2:] == ["W/AdagradDA", "W/AdagradDA_1"]
    w, ga, g2 = W0.astype(np.float64), np.zeros(W0.shape), np.full(W0.shape, 0.1)
    for step in range(1, 4):
        g = _grad(w)
        ga, g2 = ga + g, g2 + g * g
        denom = l2 * step * 0.5 + np.sqrt(g2)
        if l1 > 0:
            w = np.sign(-ga) * np.maximum(np.abs(ga) - l1 * step, 0) * 0.5 / denom
        else:
            w = -ga * 0.5 / denom
    np.testing.assert_allclose(got, w, rtol=1e-4, atol=1e-6)


def test_optimizer_argument_errors():
    with pytest.raises(ValueError, match="learning_rate_power"):
        tf.train.FtrlOptimizer(0.1, learning_rate_power=0.5)
    with pytest.raises(ValueError, match="l1_regularization_strength"):
        tf.train.FtrlOptimizer(0.1, l1_regularization_strength=-1.0)
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        tf.train.ProximalAdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with pytest.raises(ValueError, match="initial_gradient_squared_accumulator_value"):
        tf.train.AdagradDAOptimizer(0.1, tf.train.get_or_create_global_step(),
                                    initial_gradient_squared_accumulator_value=0.0)
