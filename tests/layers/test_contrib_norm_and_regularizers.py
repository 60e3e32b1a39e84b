"""tf.contrib.layers.batch_norm / layer_norm / variance_scaling_initializer, and layer
regularizers feeding REGULARIZATION_LOSSES and tf.losses.get_regularization_loss."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(5)


def test_contrib_batch_norm_names_collections_and_in_place_updates():
    x = tf.placeholder(tf.float32, [None, 4, 4, 3])
    y = tf.contrib.layers.batch_norm(x, is_training=True, updates_collections=None, decay=0.9,
                                     scale=True)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["BatchNorm/gamma", "BatchNorm/beta", "BatchNorm/moving_mean",
                     "BatchNorm/moving_variance"]
    assert [v.op.name for v in tf.moving_average_variables()] == names[2:]
    assert set(v.op.name for v in tf.model_variables()) == set(names)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    d = RNG.normal(1, 2, (2, 4, 4, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: d})  # runs the updates too (control dependencies)
        mm, mv = sess.run(tf.moving_average_variables())
    m, v = d.mean((0, 1, 2)), d.var((0, 1, 2))
    np.testing.assert_allclose(out, (d - m) / np.sqrt(v + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(mm, 0.1 * m, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(mv, 0.9 + 0.1 * v * 32 / 31, rtol=1e-5)


def test_contrib_batch_norm_defaults_and_inference():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.contrib.layers.batch_norm(x, is_training=False, activation_fn=tf.nn.relu)
    assert [v.op.name for v in tf.global_variables()] == [
        "BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance"]  # scale=False
    d = RNG.normal(0, 1, (4, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {x: d}), np.maximum(d / np.sqrt(1.001), 0),
                                   rtol=1e-5)
    with pytest.raises(ValueError, match="data_format"):
        tf.contrib.layers.batch_norm(x, data_format="NCW")
    with pytest.raises(NotImplementedError, match="batch_weights"):
        tf.contrib.layers.batch_norm(x, batch_weights=tf.ones([4]))


def test_contrib_layer_norm():
    x = RNG.normal(2, 3, (3, 4, 5)).astype(np.float32)
    y = tf.contrib.layers.layer_norm(x, begin_norm_axis=1)
    beta, gamma = tf.global_variables()
    assert (beta.op.name, gamma.op.name) == ("LayerNorm/beta", "LayerNorm/gamma")
    assert beta.shape.as_list() == [5]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y)
    m, v = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - m) / np.sqrt(v + 1e-12), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="undefined rank"):
        tf.contrib.layers.layer_norm(tf.placeholder(tf.float32))


def test_variance_scaling_initializer_statistics():
    he = tf.get_variable("he", [400, 300],
                         initializer=tf.contrib.layers.variance_scaling_initializer(seed=1))
    uni = tf.get_variable("uni", [400, 300], initializer=tf.contrib.layers
                          .variance_scaling_initializer(1.0, "FAN_AVG", True, seed=2))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([he, uni])
    # truncated at 2 sigma: std = 0.8796 * sqrt(1.3 * 2 / 400)
    assert abs(a.std() - 0.8796 * np.sqrt(2.6 / 400)) < 0.002 and np.abs(a).max() <= 2 * np.sqrt(2.6 / 400)
    limit = np.sqrt(3.0 / 350)
    assert np.abs(b).max() <= limit and abs(b.std() - limit / np.sqrt(3)) < 0.002
    with pytest.raises(TypeError, match="mode"):
        tf.contrib.layers.variance_scaling_initializer(mode="fan_in")


def test_layer_regularizers_feed_the_regularization_loss():
    x = tf.placeholder(tf.float32, [None, 3])
    tf.layers.dense(x, 4, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1),
                    bias_regularizer=tf.contrib.layers.l1_regularizer(0.5))
    tf.layers.conv1d(tf.placeholder(tf.float32, [None, 5, 2]), 2, 3,
                     kernel_regularizer=tf.contrib.layers.l2_regularizer(0.2))
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 3
    total = tf.losses.get_regularization_loss()
    kd, bd, kc = [v for v in tf.global_variables() if v.op.name in
                  ("dense/kernel", "dense/bias", "conv1d/kernel")]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(bd.assign([1.0, -2.0, 0.5, 0.0]))
        got, k1, b1, k2 = sess.run([total, kd, bd, kc])
    want = 0.1 * (k1 ** 2).sum() / 2 + 0.5 * np.abs(b1).sum() + 0.2 * (k2 ** 2).sum() / 2
    np.testing.assert_allclose(got, want, rtol=1e-5)
