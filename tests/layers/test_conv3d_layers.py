"""tf.layers conv3d / conv3d_transpose / max_pooling3d / average_pooling3d / separable_conv1d:
TF1 variable names and shapes, NumPy references, errors."""
from __future__ import annotations

import itertools
import pathlib
import sys

import numpy as np
import pytest

import tfgraph as tf

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "ops"))
from test_conv3d import ref_conv3d, ref_pool3d  # noqa: E402

RNG = np.random.default_rng(7)


def _init_run(fetches):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches)


def test_layers_conv3d_variables_values_and_class():
    x = RNG.uniform(-1, 1, (2, 4, 5, 4, 3)).astype(np.float32)
    y = tf.layers.conv3d(x, 4, (2, 3, 2), strides=(1, 2, 1), padding="same",
                         activation=tf.nn.relu, bias_initializer=tf.constant_initializer(0.1))
    kernel, bias = tf.global_variables()
    assert (kernel.op.name, bias.op.name) == ("conv3d/kernel", "conv3d/bias")
    assert kernel.shape.as_list() == [2, 3, 2, 3, 4] and y.shape.as_list() == [2, 4, 3, 4, 4]
    out, k = _init_run([y, kernel])
    want = np.maximum(ref_conv3d(x.astype(np.float64), k.astype(np.float64), (1, 2, 1),
                                 "SAME") + 0.1, 0)
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)
    layer = tf.layers.Conv3D(2, 2, data_format="channels_first", name="c3")
    yc = layer(np.transpose(x, (0, 4, 1, 2, 3)))
    assert layer.kernel.op.name == "c3/kernel" and yc.shape.as_list() == [2, 2, 3, 4, 3]
    out, k, b = _init_run([yc, layer.kernel, layer.bias])
    want = ref_conv3d(x.astype(np.float64), k.astype(np.float64)) + b
    np.testing.assert_allclose(out, np.transpose(want, (0, 4, 1, 2, 3)), rtol=1e-4, atol=1e-5)


def _np_conv3d_transpose(x, k, s):
    n, *size, c = x.shape
    kk = k.shape[:3]
    full = np.zeros([n] + [(size[i] - 1) * s[i] + kk[i] for i in range(3)] + [k.shape[3]])
    for o in itertools.product(*(range(v) for v in size)):
        sl = tuple(slice(o[i] * s[i], o[i] * s[i] + kk[i]) for i in range(3))
        full[(slice(None),) + sl] += np.einsum("nc,dhwfc->ndhwf", x[(slice(None),) + o], k)
    return full


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_layers_conv3d_transpose(padding):
    x = RNG.uniform(-1, 1, (1, 2, 3, 2, 2)).astype(np.float32)
    y = tf.layers.conv3d_transpose(x, 3, 3, strides=(2, 1, 2), padding=padding,
                                   use_bias=False)
    (kernel,) = tf.global_variables()
    assert kernel.op.name == "conv3d_transpose/kernel"
    assert kernel.shape.as_list() == [3, 3, 3, 3, 2]
    out, k = _init_run([y, kernel])
    full = _np_conv3d_transpose(x.astype(np.float64), k.astype(np.float64), (2, 1, 2))
    if padding == "valid":
        want = full
    else:  # SAME: in * stride, the cut split as TF1's padding (total // 2 before)
        want_shape = [2 * 2, 3, 2 * 2]
        sl = []
        for i, n in enumerate(want_shape):
            total = full.shape[1 + i] - n
            sl.append(slice(total // 2, total // 2 + n))
        want = full[(slice(None),) + tuple(sl)]
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)


def test_layers_conv3d_transpose_dynamic_batch():
    x = tf.placeholder(tf.float32, [None, 2, 2, 2, 1])
    y = tf.layers.conv3d_transpose(x, 2, 2, strides=2, padding="same")
    assert y.shape.as_list() == [None, 4, 4, 4, 2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(y, {x: np.ones((3, 2, 2, 2, 1))}).shape == (3, 4, 4, 4, 2)


def test_layers_pooling3d():
    x = RNG.uniform(-1, 1, (2, 4, 5, 4, 2)).astype(np.float32)
    m = tf.layers.max_pooling3d(x, 2, 2)
    a = tf.layers.average_pooling3d(x, (2, 3, 2), (1, 2, 2), padding="same")
    assert m.op.name.startswith("max_pooling3d") and a.op.name.startswith("average_pooling3d")
    vm, va = _init_run([m, a])
    np.testing.assert_allclose(vm, ref_pool3d(x, (2, 2, 2), (2, 2, 2), "VALID", "max"))
    np.testing.assert_allclose(va, ref_pool3d(x, (2, 3, 2), (1, 2, 2), "SAME", "avg"),
                               rtol=1e-5, atol=1e-6)
    layer = tf.layers.MaxPooling3D(2, 1, data_format="channels_first")
    y = layer(np.transpose(x, (0, 4, 1, 2, 3)))
    np.testing.assert_allclose(_init_run(y), np.transpose(
        ref_pool3d(x, (2, 2, 2), (1, 1, 1), "VALID", "max"), (0, 4, 1, 2, 3)))
    with pytest.raises(ValueError, match="pool_size"):
        tf.layers.MaxPooling3D((2, 2), 1)


def test_layers_separable_conv1d():
    x = RNG.uniform(-1, 1, (2, 8, 3)).astype(np.float32)
    y = tf.layers.separable_conv1d(x, 4, 3, strides=2, padding="same", depth_multiplier=2)
    dw, pw, b = tf.global_variables()
    assert (dw.op.name, pw.op.name, b.op.name) == (
        "separable_conv1d/depthwise_kernel", "separable_conv1d/pointwise_kernel",
        "separable_conv1d/bias")
    assert dw.shape.as_list() == [3, 3, 2] and pw.shape.as_list() == [1, 6, 4]
    assert y.shape.as_list() == [2, 4, 4]
    out, dwv, pwv = _init_run([y, dw, pw])
    # reference: depthwise 1-D conv (SAME, stride 2) then a pointwise matmul
    total = max((4 - 1) * 2 + 3 - 8, 0)
    xp = np.pad(x.astype(np.float64), ((0, 0), (total // 2, total - total // 2), (0, 0)))
    depth = np.zeros((2, 4, 3, 2))
    for o in range(4):
        depth[:, o] = np.einsum("nkc,kcm->ncm", xp[:, o * 2:o * 2 + 3], dwv)
    want = depth.reshape(2, 4, 6) @ pwv[0]
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)
    layer = tf.layers.SeparableConv1D(2, 2, data_format="channels_first", use_bias=False)
    yc = layer(np.transpose(x, (0, 2, 1)))
    assert yc.shape.as_list() == [2, 2, 7]


def test_layer_functions_reuse_variables():
    x = tf.ones([1, 3, 3, 3, 2])
    a = tf.layers.conv3d(x, 2, 2, name="a")
    b = tf.layers.conv3d(x, 2, 2, name="a", reuse=True)
    assert [v.op.name for v in tf.global_variables()] == ["a/kernel", "a/bias"]
    va, vb = _init_run([a, b])
    np.testing.assert_array_equal(va, vb)
    with pytest.raises(ValueError, match="a/kernel"):
        tf.layers.conv3d(x, 2, 2, name="a")  # exists, no reuse
