"""tf.layers conv1d / conv2d_transpose / separable_conv2d / pooling1d and tf.nn.conv1d /
max_pool1d / avg_pool1d: TF1 variable names and shapes, NumPy references, errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(4)


def _np_conv1d(x, k, stride=1, pad="VALID"):
    n, w, c = x.shape
    kw, _, f = k.shape
    if pad == "SAME":
        out_w = -(-w // stride)
        total = max((out_w - 1) * stride + kw - w, 0)
        x = np.pad(x, ((0, 0), (total // 2, total - total // 2), (0, 0)))
    else:
        out_w = (w - kw) // stride + 1
    out = np.zeros((n, out_w, f))
    for i in range(out_w):
        out[:, i] = np.einsum("nkc,kcf->nf", x[:, i * stride:i * stride + kw], k)
    return out


@pytest.mark.parametrize("stride,pad", [(1, "VALID"), (2, "SAME"), (2, "VALID")])
def test_nn_conv1d_matches_numpy(stride, pad):
    x = RNG.uniform(-1, 1, (2, 9, 3)).astype(np.float32)
    k = RNG.uniform(-1, 1, (3, 3, 4)).astype(np.float32)
    with tf.Session() as sess:
        out = sess.run(tf.nn.conv1d(x, k, stride, pad))
    np.testing.assert_allclose(out, _np_conv1d(x, k, stride, pad), rtol=1e-5, atol=1e-5)


def test_layers_conv1d_variables_and_values():
    x = RNG.uniform(-1, 1, (2, 7, 3)).astype(np.float32)
    y = tf.layers.conv1d(x, 5, 3, activation=tf.nn.relu)
    kernel, bias = tf.global_variables()
    assert (kernel.op.name, bias.op.name) == ("conv1d/kernel", "conv1d/bias")
    assert kernel.shape.as_list() == [3, 3, 5] and y.shape.as_list() == [2, 5, 5]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, k = sess.run([y, kernel])
    np.testing.assert_allclose(out, np.maximum(_np_conv1d(x, k), 0), rtol=1e-5, atol=1e-5)


def _np_conv2d_transpose(x, k, s, out_hw):
    n, h, w, c = x.shape
    kh, kw, f, _ = k.shape
    full = np.zeros((n, (h - 1) * s + kh, (w - 1) * s + kw, f))
    for i in range(h):
        for j in range(w):
            full[:, i * s:i * s + kh, j * s:j * s + kw] += np.einsum("nc,hwfc->nhwf",
                                                                     x[:, i, j], k)
    return full


def test_conv2d_transpose_layer_valid_and_same():
    x = RNG.uniform(-1, 1, (2, 3, 4, 2)).astype(np.float32)
    valid = tf.layers.conv2d_transpose(x, 5, 3, strides=2)
    same = tf.layers.conv2d_transpose(x, 5, 3, strides=2, padding="same", name="up")
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["conv2d_transpose/kernel", "conv2d_transpose/bias", "up/kernel", "up/bias"]
    assert tf.global_variables()[0].shape.as_list() == [3, 3, 5, 2]
    assert valid.shape.as_list() == [2, 7, 9, 5] and same.shape.as_list() == [2, 6, 8, 5]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, k = sess.run([valid, tf.global_variables()[0]])
    np.testing.assert_allclose(out, _np_conv2d_transpose(x, k, 2, None), rtol=1e-5, atol=1e-5)
    p = tf.placeholder(tf.float32, [None, None, 4, 2])
    dyn = tf.layers.conv2d_transpose(p, 3, 2, strides=2, padding="same")
    assert dyn.shape.as_list() == [None, None, 8, 3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(dyn, {p: x}).shape == (2, 6, 8, 3)


def test_separable_conv2d_layer():
    x = RNG.uniform(-1, 1, (2, 5, 5, 3)).astype(np.float32)
    y = tf.layers.separable_conv2d(x, 4, 3, depth_multiplier=2, padding="same")
    dk, pk, b = tf.global_variables()
    assert [v.op.name for v in (dk, pk, b)] == ["separable_conv2d/depthwise_kernel",
                                                 "separable_conv2d/pointwise_kernel",
                                                 "separable_conv2d/bias"]
    assert dk.shape.as_list() == [3, 3, 3, 2] and pk.shape.as_list() == [1, 1, 6, 4]
    ref = tf.nn.separable_conv2d(x, dk, pk, [1, 1, 1, 1], "SAME") + b
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, r = sess.run([y, ref])
    np.testing.assert_allclose(a, r, rtol=1e-6)
    assert a.shape == (2, 5, 5, 4)


def test_pooling1d():
    x = RNG.uniform(-1, 1, (2, 7, 3)).astype(np.float32)
    mx = tf.layers.max_pooling1d(x, 2, 2)
    av = tf.layers.AveragePooling1D(3, 1, padding="same")(x)
    nmx = tf.nn.max_pool1d(x, 2, 2, "VALID")
    with tf.Session() as sess:
        a, b, c = sess.run([mx, av, nmx])
    np.testing.assert_allclose(a, x[:, :6].reshape(2, 3, 2, 3).max(2), rtol=1e-6)
    np.testing.assert_array_equal(a, c)
    pad = np.pad(x, ((0, 0), (1, 1), (0, 0)))
    cnt = np.pad(np.ones((1, 7, 1)), ((0, 0), (1, 1), (0, 0)))
    ref = np.stack([pad[:, i:i + 3].sum(1) / cnt[:, i:i + 3].sum(1) for i in range(7)], 1)
    np.testing.assert_allclose(b, ref, rtol=1e-5)


def test_conv_layer_errors_and_input_spec():
    with pytest.raises(ValueError, match="channel dimension"):
        tf.layers.conv1d(tf.placeholder(tf.float32, [None, 5, None]), 2, 3)
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.conv1d(tf.zeros([1, 4, 1]), tf.zeros([2, 1, 1]), 1, "VALID", data_format="NHWC")
    spec = tf.layers.InputSpec(ndim=4, axes={-1: 3})
    assert spec.ndim == 4 and spec.axes == {-1: 3}
