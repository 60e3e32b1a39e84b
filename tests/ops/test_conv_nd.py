"""Rank-generic `tf.nn` builders: convolution, conv_transpose, conv1d_transpose,
atrous_conv2d_transpose, pool, with_space_to_batch (NumPy loop references from
test_conv3d.py, with singleton spatial axes for the 1-D and 2-D forms)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tfgraph as tf
from test_conv3d import _run, ref_conv3d

RNG = np.random.default_rng(1)


def ref_conv(x, w, strides, padding, dil):
    """N-D (N = 1, 2, 3) convolution via the 3-D loop reference (leading singleton axes)."""
    n = x.ndim - 2
    xe = x.reshape((x.shape[0],) + (1,) * (3 - n) + x.shape[1:])
    we = w.reshape((1,) * (3 - n) + w.shape)
    pad = (1,) * (3 - n)
    y = ref_conv3d(xe, we, pad + tuple(strides), padding, pad + tuple(dil))
    return y.reshape((y.shape[0],) + y.shape[1 + 3 - n:])


def ref_pool_valid(x, window, dil, kind):
    """Dilated VALID N-D pooling, stride 1, by direct loops."""
    n = x.ndim - 2
    out = [x.shape[1 + i] - (window[i] - 1) * dil[i] for i in range(n)]
    y = np.zeros([x.shape[0]] + out + [x.shape[-1]])
    for o in itertools.product(*(range(v) for v in out)):
        taps = [x[(slice(None),) + tuple(o[i] + t[i] * dil[i] for i in range(n))]
                for t in itertools.product(*(range(v) for v in window))]
        y[(slice(None),) + o] = np.max(taps, axis=0) if kind == "MAX" else np.mean(taps, axis=0)
    return y


@pytest.mark.parametrize("shape,fshape,strides,dil,padding", [
    ((2, 9, 3), (3, 3, 2), [2], [1], "SAME"),
    ((1, 7, 8, 2), (3, 2, 2, 3), [1, 1], [2, 3], "SAME"),
    ((1, 7, 8, 2), (3, 2, 2, 3), [2, 1], [1, 1], "VALID"),
    ((1, 5, 6, 5, 1), (2, 2, 3, 1, 2), [1, 1, 1], [2, 1, 1], "VALID"),
])
def test_convolution_dispatches_by_rank(shape, fshape, strides, dil, padding):
    x, w = RNG.standard_normal(shape), RNG.standard_normal(fshape)
    y = tf.nn.convolution(x, w, padding, strides=strides, dilation_rate=dil)
    assert y.op.name.startswith("convolution")
    np.testing.assert_allclose(_run(y), ref_conv(x, w, strides, padding, dil), atol=1e-10)


def test_convolution_channels_first_and_errors():
    x, w = RNG.standard_normal((1, 6, 5, 2)), RNG.standard_normal((2, 2, 2, 3))
    y = tf.nn.convolution(np.transpose(x, (0, 3, 1, 2)), filters=w, padding="SAME",
                          data_format="NCHW", dilations=[2, 1])
    np.testing.assert_allclose(_run(y), np.transpose(ref_conv(x, w, [1, 1], "SAME", [2, 1]),
                                                     (0, 3, 1, 2)), atol=1e-10)
    with pytest.raises(ValueError, match="strides > 1 not supported"):
        tf.nn.convolution(x, w, "SAME", strides=[2, 2], dilation_rate=[2, 2])
    with pytest.raises(ValueError, match="rank 3, 4 or 5"):
        tf.nn.convolution(np.ones((1, 2)), np.ones((2, 2)), "SAME")
    with pytest.raises(ValueError, match="dilation_rate"):
        tf.nn.convolution(x, w, "SAME", dilation_rate=[0, 1])


def _adjoint(forward, x_shape, dy):
    """Input gradient of `forward` (a NumPy function) by unit vectors."""
    g = np.zeros(x_shape)
    for idx in itertools.product(*(range(v) for v in x_shape)):
        e = np.zeros(x_shape)
        e[idx] = 1.0
        g[idx] = (forward(e) * dy).sum()
    return g


def test_conv1d_and_conv_transpose_are_adjoints():
    w = RNG.standard_normal((3, 2, 4))  # [width, out_channels, in_channels]
    dy = RNG.standard_normal((2, 4, 4))
    y = tf.nn.conv1d_transpose(dy, w, [2, 7, 2], 2, padding="SAME")
    assert y.op.name == "conv1d_transpose" and y.shape.as_list() == [2, 7, 2]
    want = _adjoint(lambda e: ref_conv(e, w, [2], "SAME", [1]), (2, 7, 2), dy)
    np.testing.assert_allclose(_run(y), want, atol=1e-10)
    y2 = tf.nn.conv_transpose(dy, w, [2, 7, 2], [2], padding="SAME")
    np.testing.assert_allclose(_run(y2), want, atol=1e-10)
    yc = tf.nn.conv1d_transpose(np.transpose(dy, (0, 2, 1)), w, [2, 2, 7], 2,
                                data_format="NCW")
    np.testing.assert_allclose(_run(yc), np.transpose(want, (0, 2, 1)), atol=1e-10)
    w2 = RNG.standard_normal((2, 2, 2, 3))
    dy2 = RNG.standard_normal((1, 3, 3, 3))
    y3 = tf.nn.conv_transpose(dy2, w2, [1, 5, 6, 2], [2, 2], padding="SAME")
    assert y3.op.type == "Conv2DBackpropInput"
    np.testing.assert_allclose(
        _run(y3), _adjoint(lambda e: ref_conv(e, w2, [2, 2], "SAME", [1, 1]), (1, 5, 6, 2), dy2),
        atol=1e-10)
    w3 = RNG.standard_normal((2, 2, 2, 1, 2))
    dy3 = RNG.standard_normal((1, 2, 2, 2, 2))
    y4 = tf.nn.conv_transpose(dy3, w3, [1, 4, 4, 4, 1], 2, padding="VALID")
    assert y4.op.type == "Conv3DBackpropInputV2"
    np.testing.assert_allclose(
        _run(y4), _adjoint(lambda e: ref_conv(e, w3, [2] * 3, "VALID", [1] * 3), (1, 4, 4, 4, 1),
                           dy3), atol=1e-10)
    with pytest.raises(ValueError, match="length 3, 4 or 5"):
        tf.nn.conv_transpose(dy2, w2, [1, 5], [2, 2])
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.conv1d_transpose(dy, w, [2, 7, 2], 2, data_format="NHWC")


@pytest.mark.parametrize("rate,padding", [(1, "SAME"), (2, "SAME"), (3, "VALID")])
def test_atrous_conv2d_transpose(rate, padding):
    w = RNG.standard_normal((3, 2, 2, 3))  # [h, w, out_channels, in_channels]
    fwd = tf.nn.atrous_conv2d(tf.constant(np.zeros((1, 8, 9, 2))), w, rate, padding)
    dy = RNG.standard_normal(fwd.shape.as_list())
    y = tf.nn.atrous_conv2d_transpose(dy, w, [1, 8, 9, 2], rate, padding)
    assert y.op.name == "atrous_conv2d_transpose"
    want = _adjoint(lambda e: ref_conv(e, np.transpose(w, (0, 1, 2, 3)), [1, 1], padding,
                                       [rate, rate]), (1, 8, 9, 2), dy)
    np.testing.assert_allclose(_run(y), want, atol=1e-10)
    with pytest.raises(ValueError, match="rate"):
        tf.nn.atrous_conv2d_transpose(dy, w, [1, 8, 9, 2], 0, padding)
    with pytest.raises(ValueError, match="output_shape"):
        tf.nn.atrous_conv2d_transpose(dy, w, [1, 8, 9, 5], rate, padding)


@pytest.mark.parametrize("shape,window,dil,kind", [
    ((2, 9, 2), [2], [3], "MAX"), ((1, 7, 8, 2), [2, 3], [2, 2], "AVG"),
    ((1, 7, 8, 2), [2, 2], [1, 1], "MAX"), ((1, 5, 6, 5, 1), [2, 2, 2], [2, 1, 2], "MAX")])
def test_pool_dilated_valid(shape, window, dil, kind):
    x = RNG.standard_normal(shape)
    y = tf.nn.pool(x, window, kind, "VALID", dilation_rate=dil)
    np.testing.assert_allclose(_run(y), ref_pool_valid(x, window, dil, kind), atol=1e-12)
    xt = tf.constant(x)
    g = tf.gradients(tf.reduce_sum(tf.nn.pool(xt, window, kind, "VALID", dilation_rate=dil)),
                     xt)[0]
    assert g.shape.as_list() == list(shape)


def test_pool_strides_names_and_errors():
    x = RNG.standard_normal((1, 6, 6, 2))
    y = tf.nn.pool(x, [3, 3], "MAX", "SAME", strides=[2, 2])
    assert y.op.type == "MaxPool" and y.op.name == "max_pool"
    np.testing.assert_allclose(_run(y), _run(tf.nn.max_pool(x, 3, 2, "SAME")))
    ya = tf.nn.pool(np.transpose(x, (0, 3, 1, 2)), [2, 2], "AVG", "VALID", strides=[2, 1],
                    data_format="NCHW")
    assert ya.op.name == "avg_pool"
    np.testing.assert_allclose(_run(ya), np.transpose(_run(tf.nn.avg_pool(x, [2, 2], [2, 1],
                                                                          "VALID")),
                                                      (0, 3, 1, 2)))
    with pytest.raises(ValueError, match="SAME padding"):
        tf.nn.pool(x, [2, 2], "MAX", "SAME", dilation_rate=[2, 2])
    with pytest.raises(ValueError, match="strides > window_shape"):
        tf.nn.pool(x, [2, 2], "MAX", "SAME", strides=[3, 1])
    with pytest.raises(ValueError, match="pooling is not supported"):
        tf.nn.pool(x, [2, 2], "MIN", "SAME")
    with pytest.raises(ValueError, match="num_spatial_dims"):
        tf.nn.pool(x, [], "MAX", "SAME")


def test_with_space_to_batch_same_padding_matches_dilated_conv():
    x = RNG.standard_normal((2, 7, 9, 2))
    w = RNG.standard_normal((3, 3, 2, 2))
    xt = tf.placeholder(tf.float64, [None, 7, 9, 2])

    def op(inp, num_spatial_dims, padding):
        assert num_spatial_dims == 2 and padding == "VALID"
        return tf.nn.conv2d(inp, w, 1, padding)
    y = tf.nn.with_space_to_batch(xt, [2, 3], "SAME", op, filter_shape=[3, 3])
    assert y.shape.as_list() == [None, 7, 9, 2] and y.op.type == "BatchToSpaceND"
    assert y.op.inputs[0].op.inputs[0].op.type == "SpaceToBatchND"
    np.testing.assert_allclose(_run(y, {xt: x}), ref_conv(x, w, [1, 1], "SAME", [2, 3]),
                               atol=1e-10)
    # channels first: spatial dims 2 and 3, the channel axis is not blocked
    yc = tf.nn.with_space_to_batch(np.transpose(x, (0, 3, 1, 2)), [2, 3], "VALID",
                                   lambda inp, n, p: tf.nn.conv2d(inp, w, 1, p,
                                                                  data_format="NCHW"),
                                   data_format="NCHW")
    np.testing.assert_allclose(_run(yc), np.transpose(ref_conv(x, w, [1, 1], "VALID", [2, 3]),
                                                      (0, 3, 1, 2)), atol=1e-10)
    # rate 1 calls the op directly with the given padding
    seen = []
    tf.nn.with_space_to_batch(x, [1, 1], "SAME", lambda i, n, p: seen.append(p) or i)
    assert seen == ["SAME"]
    with pytest.raises(ValueError, match="filter_shape"):
        tf.nn.with_space_to_batch(x, [2, 2], "SAME", op)
    with pytest.raises(ValueError, match="spatial_dims"):
        tf.nn.with_space_to_batch(x, [2, 2], "VALID", op, spatial_dims=[2, 1])


def test_tf_conv_and_backprop_v2():
    x, w = RNG.standard_normal((1, 6, 5, 2)), RNG.standard_normal((3, 2, 2, 3))
    y = tf.conv(x, w, [1, 1, 2, 1], "SAME")
    np.testing.assert_allclose(_run(y), ref_conv(x, w, [1, 2], "SAME", [1, 1]), atol=1e-10)
    y1 = tf.conv(np.transpose(x[:, 0], (0, 2, 1)), w[0], [1, 1, 1], "VALID",
                 data_format="CHANNELS_FIRST", dilations=[1, 1, 2])
    np.testing.assert_allclose(_run(y1), np.transpose(ref_conv(x[:, 0], w[0], [1], "VALID", [2]),
                                                      (0, 2, 1)), atol=1e-10)
    x3, w3 = RNG.standard_normal((1, 3, 4, 3, 1)), RNG.standard_normal((2, 2, 2, 1, 2))
    np.testing.assert_allclose(_run(tf.conv(x3, w3, [1] * 5, "VALID")),
                               ref_conv(x3, w3, [1] * 3, "VALID", [1] * 3), atol=1e-10)
    ye = tf.conv(x, w, [1, 1, 1, 1], "EXPLICIT", explicit_paddings=[0, 0, 1, 1, 0, 2, 0, 0])
    np.testing.assert_allclose(_run(ye), ref_conv(np.pad(x, ((0, 0), (1, 1), (0, 2), (0, 0))),
                                                  w, [1, 1], "VALID", [1, 1]), atol=1e-10)
    with pytest.raises(ValueError, match="groups"):
        tf.conv(x, w, [1] * 4, "SAME", groups=2)
    xt, wt = tf.constant(x), tf.constant(w)
    yy = tf.nn.conv2d(xt, wt, 1, "SAME")
    dy = RNG.standard_normal(yy.shape.as_list())
    gx, gw = tf.gradients(yy, [xt, wt], grad_ys=dy)
    bf = tf.conv2d_backprop_filter_v2(x, w, dy, [1, 1, 1, 1], "SAME")
    bi = tf.conv2d_backprop_input_v2(x, w, dy, [1, 1, 1, 1], "SAME")
    vgx, vgw, vbf, vbi = _run([gx, gw, bf, bi])
    np.testing.assert_allclose(vbf, vgw, atol=1e-10)
    np.testing.assert_allclose(vbi, vgx, atol=1e-10)
