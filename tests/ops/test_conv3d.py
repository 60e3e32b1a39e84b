"""3-D convolution and pooling (`tf.nn.conv3d`, conv3d_transpose, conv3d_backprop_filter(_v2),
max_pool3d, avg_pool3d) against direct NumPy loops; TF1's op types, shapes and errors."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tfgraph as tf


def _run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def _pads(size, k, s, d, padding):
    dk = (k - 1) * d + 1
    if padding == "VALID":
        return (size - dk) // s + 1, 0
    out = -(-size // s)
    return out, max((out - 1) * s + dk - size, 0) // 2


def ref_conv3d(x, w, strides=(1, 1, 1), padding="VALID", dil=(1, 1, 1)):
    """Direct loop: y[n, o..., f] = sum over window taps and channels."""
    n, *size, c = x.shape
    k = w.shape[:3]
    geo = [_pads(size[i], k[i], strides[i], dil[i], padding) for i in range(3)]
    out = [g[0] for g in geo]
    y = np.zeros([n] + out + [w.shape[4]])
    for o in itertools.product(*(range(v) for v in out)):
        for t in itertools.product(*(range(v) for v in k)):
            pos = [o[i] * strides[i] - geo[i][1] + t[i] * dil[i] for i in range(3)]
            if all(0 <= pos[i] < size[i] for i in range(3)):
                y[(slice(None),) + o] += x[:, pos[0], pos[1], pos[2], :] @ w[t]
    return y


def ref_pool3d(x, k, s, padding, kind):
    n, *size, c = x.shape
    geo = [_pads(size[i], k[i], s[i], 1, padding) for i in range(3)]
    out = [g[0] for g in geo]
    y = np.zeros([n] + out + [c])
    for o in itertools.product(*(range(v) for v in out)):
        lo = [max(o[i] * s[i] - geo[i][1], 0) for i in range(3)]
        hi = [min(o[i] * s[i] - geo[i][1] + k[i], size[i]) for i in range(3)]
        win = x[:, lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2], :]
        y[(slice(None),) + o] = win.max(axis=(1, 2, 3)) if kind == "max" else \
            win.mean(axis=(1, 2, 3))
    return y


RNG = np.random.default_rng(0)


@pytest.mark.parametrize("strides,padding,dil", [
    ((1, 1, 1), "VALID", (1, 1, 1)), ((2, 1, 2), "SAME", (1, 1, 1)),
    ((1, 2, 1), "VALID", (1, 1, 1)), ((1, 1, 1), "SAME", (2, 1, 2))])
def test_conv3d_matches_loops(strides, padding, dil):
    x = RNG.standard_normal((2, 5, 4, 6, 3)).astype(np.float32)
    w = RNG.standard_normal((2, 3, 2, 3, 4)).astype(np.float32)
    y = tf.nn.conv3d(x, w, [1, *strides, 1], padding, dilations=[1, *dil, 1])
    assert y.op.type == "Conv3D" and y.op.name == "Conv3D"
    got = _run(y)
    assert got.dtype == np.float32
    want = ref_conv3d(x.astype(np.float64), w.astype(np.float64), strides, padding, dil)
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_conv3d_ncdhw_and_filters_alias():
    x = RNG.standard_normal((1, 4, 5, 4, 2))
    w = RNG.standard_normal((3, 2, 2, 2, 3))
    y = tf.nn.conv3d(np.transpose(x, (0, 4, 1, 2, 3)), filters=w, strides=[1, 1, 1, 2, 1],
                     padding="SAME", data_format="NCDHW")
    assert y.shape.as_list() == [1, 3, 4, 3, 4]
    want = ref_conv3d(x, w, (1, 2, 1), "SAME")
    np.testing.assert_allclose(_run(y), np.transpose(want, (0, 4, 1, 2, 3)), atol=1e-10)


def test_conv3d_backprops_and_transpose():
    x = RNG.standard_normal((2, 4, 5, 3, 2))
    w = RNG.standard_normal((2, 3, 2, 2, 3))
    xt = tf.constant(x)
    wt = tf.constant(w)
    y = tf.nn.conv3d(xt, wt, [1, 2, 1, 1, 1], "SAME")
    dy = RNG.standard_normal(y.shape.as_list())
    gx, gw = tf.gradients(y, [xt, wt], grad_ys=tf.constant(dy))
    assert gx.op.type == "Conv3DBackpropInputV2" and gw.op.type == "Conv3DBackpropFilterV2"
    bf = tf.nn.conv3d_backprop_filter(xt, [2, 3, 2, 2, 3], dy, [1, 2, 1, 1, 1], "SAME")
    bf2 = tf.nn.conv3d_backprop_filter_v2(xt, [2, 3, 2, 2, 3], dy, [1, 2, 1, 1, 1], "SAME")
    tr = tf.nn.conv3d_transpose(dy, w, [2, 4, 5, 3, 2], [1, 2, 1, 1, 1], "SAME")
    assert tr.op.name == "conv3d_transpose" and tr.shape.as_list() == [2, 4, 5, 3, 2]
    # references: the adjoint identities <conv(x, w), dy> = <x, gx> = <w, gw>, checked
    # entry by entry through unit vectors on a small filter
    vgx, vgw, vbf, vbf2, vtr = _run([gx, gw, bf, bf2, tr])
    want_gw = np.zeros_like(w)
    for idx in itertools.product(*(range(v) for v in w.shape)):
        e = np.zeros_like(w)
        e[idx] = 1.0
        want_gw[idx] = (ref_conv3d(x, e, (2, 1, 1), "SAME") * dy).sum()
    np.testing.assert_allclose(vgw, want_gw, atol=1e-9)
    np.testing.assert_allclose(vbf, want_gw, atol=1e-9)
    np.testing.assert_allclose(vbf2, want_gw, atol=1e-9)
    want_gx = np.zeros_like(x)
    for idx in itertools.product(*(range(v) for v in x.shape)):
        e = np.zeros_like(x)
        e[idx] = 1.0
        want_gx[idx] = (ref_conv3d(e, w, (2, 1, 1), "SAME") * dy).sum()
    np.testing.assert_allclose(vgx, want_gx, atol=1e-9)
    np.testing.assert_allclose(vtr, want_gx, atol=1e-9)


@pytest.mark.parametrize("k,s,padding", [((2, 2, 2), (2, 2, 2), "VALID"),
                                         ((3, 2, 3), (2, 1, 2), "SAME"),
                                         ((1, 3, 2), (1, 2, 1), "VALID")])
def test_pool3d_matches_loops(k, s, padding):
    x = RNG.standard_normal((2, 5, 4, 5, 3)).astype(np.float32)
    mp = tf.nn.max_pool3d(x, [1, *k, 1], [1, *s, 1], padding)
    ap = tf.nn.avg_pool3d(x, [1, *k, 1], [1, *s, 1], padding)
    assert (mp.op.type, ap.op.type) == ("MaxPool3D", "AvgPool3D")
    vm, va = _run([mp, ap])
    assert vm.dtype == np.float32 and va.dtype == np.float32
    np.testing.assert_allclose(vm, ref_pool3d(x, k, s, padding, "max"), rtol=1e-6)
    np.testing.assert_allclose(va, ref_pool3d(x, k, s, padding, "avg"), rtol=1e-5, atol=1e-6)
    assert mp.shape.as_list() == list(vm.shape)


def test_pool3d_ncdhw():
    x = RNG.standard_normal((1, 4, 4, 6, 2))
    xc = np.transpose(x, (0, 4, 1, 2, 3))
    y = tf.nn.max_pool3d(xc, [1, 1, 2, 2, 3], [1, 1, 2, 2, 3], "VALID", data_format="NCDHW")
    assert y.shape.as_list() == [1, 2, 2, 2, 2]
    np.testing.assert_allclose(_run(y), np.transpose(
        ref_pool3d(x, (2, 2, 3), (2, 2, 3), "VALID", "max"), (0, 4, 1, 2, 3)))


def test_max_pool3d_gradient_goes_to_every_tied_maximum():
    # TF's CPU MaxPool3DGrad gives each window's gradient to every input equal to the max
    x = tf.constant(np.ones((1, 3, 3, 3, 1), np.float32))
    y = tf.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID")
    g = _run(tf.gradients(y, x)[0]).reshape(3, 3, 3)
    counts = np.zeros((3, 3, 3))
    for o in itertools.product(range(2), repeat=3):
        counts[o[0]:o[0] + 2, o[1]:o[1] + 2, o[2]:o[2] + 2] += 1
    np.testing.assert_array_equal(g, counts)


def test_avg_pool3d_gradient_spreads_over_unpadded_inputs():
    x = tf.constant(np.zeros((1, 3, 1, 1, 1)))
    y = tf.nn.avg_pool3d(x, [1, 2, 1, 1, 1], [1, 2, 1, 1, 1], "SAME")
    g = tf.gradients(y, x, grad_ys=tf.constant(np.array([2.0, 3.0]).reshape(1, 2, 1, 1, 1)))[0]
    np.testing.assert_allclose(_run(g).ravel(), [1.0, 1.0, 3.0])


def test_conv3d_errors():
    x = tf.ones([1, 4, 4, 4, 2])
    with pytest.raises(ValueError, match="Depth of input"):
        tf.nn.conv3d(x, tf.ones([2, 2, 2, 3, 3]), [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="strides"):
        tf.nn.conv3d(x, tf.ones([2, 2, 2, 2, 3]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="batch and depth"):
        tf.nn.conv3d(x, tf.ones([2, 2, 2, 2, 3]), [2, 1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.conv3d(x, tf.ones([2, 2, 2, 2, 3]), [1, 1, 1, 1, 1], "SAME", data_format="NHWC")
    with pytest.raises(ValueError, match="padding"):
        tf.nn.conv3d(x, tf.ones([2, 2, 2, 2, 3]), [1, 1, 1, 1, 1], "FULL")
    with pytest.raises(ValueError, match="Negative dimension"):
        tf.nn.conv3d(x, tf.ones([5, 2, 2, 2, 3]), [1, 1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="Pooling"):
        tf.nn.max_pool3d(x, [2, 2, 2, 2, 1], [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(TypeError, match="input"):
        tf.nn.max_pool3d(tf.ones([1, 2, 2, 2, 1], tf.int32), [1, 1, 1, 1, 1], [1] * 5, "SAME")
    with pytest.raises(ValueError, match="output_shape"):
        tf.nn.conv3d_transpose(tf.ones([1, 2, 2, 2, 3]), tf.ones([2, 2, 2, 4, 3]),
                               [1, 4, 4, 4, 5], [1, 2, 2, 2, 1])
    with pytest.raises(ValueError, match="input channels"):
        tf.nn.conv3d_transpose(tf.ones([1, 2, 2, 2, 2]), tf.ones([2, 2, 2, 4, 3]),
                               [1, 4, 4, 4, 4], [1, 2, 2, 2, 1])


def test_conv3d_dynamic_batch():
    x = tf.placeholder(tf.float32, [None, 3, 3, 3, 1])
    y = tf.nn.conv3d(x, tf.ones([2, 2, 2, 1, 1]), [1, 1, 1, 1, 1], "VALID")
    assert y.shape.as_list() == [None, 2, 2, 2, 1]
    v = _run(y, {x: np.ones((2, 3, 3, 3, 1), np.float32)})
    np.testing.assert_allclose(v, np.full((2, 2, 2, 2, 1), 8.0))
