"""Conv2D (+ backprops, transpose, depthwise) and pooling: values and gradients against slow
loop-based NumPy references, TF1 geometry (SAME/VALID/explicit, strides, dilations, odd/even
sizes, NHWC/NCHW), first-maximum routing of max-pool gradients, names, shapes and errors."""
import numpy as np
import pytest

import tfgraph as tf


# --- slow references (NHWC, float64) -------------------------------------------------------------
def _same_pads(size, k, s, d):
    dk = (k - 1) * d + 1
    out = -(-size // s)
    total = max((out - 1) * s + dk - size, 0)
    return total // 2, total - total // 2


def _pads(x_shape, w_shape, strides, padding, dilations):
    if padding == "SAME":
        return [_same_pads(x_shape[1], w_shape[0], strides[0], dilations[0]),
                _same_pads(x_shape[2], w_shape[1], strides[1], dilations[1])]
    if padding == "VALID":
        return [(0, 0), (0, 0)]
    return [tuple(padding[1]), tuple(padding[2])]


def ref_conv(x, w, strides, padding, dilations):
    (pt, pb), (pl, pr) = _pads(x.shape, w.shape, strides, padding, dilations)
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    kh, kw, _, f = w.shape
    (sh, sw), (dh, dw) = strides, dilations
    dkh, dkw = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    oh, ow = (xp.shape[1] - dkh) // sh + 1, (xp.shape[2] - dkw) // sw + 1
    out = np.zeros((x.shape[0], oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * sh:i * sh + dkh:dh, j * sw:j * sw + dkw:dw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


def ref_conv_grads(x, w, dy, strides, padding, dilations):
    """(d input, d filter) of sum(conv(x, w) * dy), by the same loops."""
    (pt, pb), (pl, pr) = _pads(x.shape, w.shape, strides, padding, dilations)
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    dxp = np.zeros_like(xp)
    dw_ = np.zeros_like(w)
    kh, kw = w.shape[:2]
    (sh, sw), (dh, dw) = strides, dilations
    dkh, dkw = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    for i in range(dy.shape[1]):
        for j in range(dy.shape[2]):
            rs = slice(i * sh, i * sh + dkh, dh)
            cs = slice(j * sw, j * sw + dkw, dw)
            dxp[:, rs, cs, :] += np.tensordot(dy[:, i, j, :], w, axes=([1], [3]))
            dw_ += np.tensordot(xp[:, rs, cs, :], dy[:, i, j, :], axes=([0], [0]))
    dx = dxp[:, pt:pt + x.shape[1], pl:pl + x.shape[2], :]
    return dx, dw_


def ref_pool(x, k, s, padding, kind):
    kh, kw = k
    sh, sw = s
    if padding == "SAME":
        (pt, pb), (pl, pr) = _same_pads(x.shape[1], kh, sh, 1), _same_pads(x.shape[2], kw, sw, 1)
    else:
        pt = pb = pl = pr = 0
    oh = (x.shape[1] + pt + pb - kh) // sh + 1
    ow = (x.shape[2] + pl + pr - kw) // sw + 1
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = max(i * sh - pt, 0), max(j * sw - pl, 0)
            r1, c1 = min(i * sh - pt + kh, x.shape[1]), min(j * sw - pl + kw, x.shape[2])
            win = x[:, r0:r1, c0:c1, :]
            out[:, i, j, :] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return out


def ref_max_pool_grad(x, dy, k, s, padding):
    """Each output gradient to the FIRST maximum (row-major) of its window."""
    kh, kw = k
    sh, sw = s
    if padding == "SAME":
        (pt, _), (pl, _) = _same_pads(x.shape[1], kh, sh, 1), _same_pads(x.shape[2], kw, sw, 1)
    else:
        pt = pl = 0
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[3]):
            for i in range(dy.shape[1]):
                for j in range(dy.shape[2]):
                    r0, c0 = max(i * sh - pt, 0), max(j * sw - pl, 0)
                    r1, c1 = min(i * sh - pt + kh, x.shape[1]), min(j * sw - pl + kw, x.shape[2])
                    win = x[n, r0:r1, c0:c1, c]
                    a = np.unravel_index(np.argmax(win), win.shape)  # argmax: first maximum
                    dx[n, r0 + a[0], c0 + a[1], c] += dy[n, i, j, c]
    return dx


# --- conv2d --------------------------------------------------------------------------------------
CONV_CONFIGS = [
    # x shape, filter shape, strides, padding, dilations
    ((2, 5, 6, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1)),
    ((2, 5, 6, 3), (3, 3, 3, 4), (1, 1), "VALID", (1, 1)),
    ((1, 7, 8, 2), (3, 2, 2, 3), (2, 2), "SAME", (1, 1)),
    ((1, 8, 7, 2), (2, 3, 2, 3), (2, 2), "VALID", (1, 1)),
    ((2, 6, 6, 1), (4, 4, 1, 2), (1, 2), "SAME", (1, 1)),
    ((1, 9, 8, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2)),
    ((1, 9, 9, 2), (3, 2, 2, 2), (2, 1), "VALID", (2, 3)),
    ((1, 10, 9, 2), (3, 3, 2, 2), (2, 2), "SAME", (2, 2)),
    ((1, 5, 4, 2), (3, 3, 2, 2), (1, 1), [[0, 0], [2, 1], [0, 3], [0, 0]], (1, 1)),
    ((2, 4, 4, 3), (1, 1, 3, 5), (1, 1), "VALID", (1, 1)),
    ((2, 5, 5, 3), (1, 1, 3, 2), (2, 2), "SAME", (1, 1)),
    ((1, 3, 3, 2), (3, 3, 2, 2), (1, 1), "VALID", (1, 1)),
    # 4+ input channels: the window matrix is stored row-major (fewer: transposed)
    ((2, 6, 5, 5), (3, 3, 5, 3), (1, 1), "SAME", (1, 1)),
    ((1, 9, 8, 4), (3, 2, 4, 2), (2, 1), "VALID", (2, 1)),
    # no more output than input channels, stride 1: the input gradient as a full convolution
    ((2, 6, 7, 4), (2, 3, 4, 2), (1, 1), "SAME", (1, 1)),
    ((1, 6, 5, 3), (3, 2, 3, 3), (1, 1), [[0, 0], [1, 2], [1, 0], [0, 0]], (1, 1)),
    ((2, 5, 5, 6), (3, 3, 6, 6), (1, 1), "VALID", (1, 1)),
]


def _ids(configs):
    return [f"{c[0]}-{c[1]}-s{c[2]}-{c[3] if isinstance(c[3], str) else 'explicit'}-d{c[4]}"
            for c in configs]


@pytest.mark.parametrize("xs,ws,strides,padding,dil", CONV_CONFIGS, ids=_ids(CONV_CONFIGS))
def test_conv2d_forward_and_both_backprops_match_reference(run, xs, ws, strides, padding, dil):
    rng = np.random.default_rng(0)
    x = rng.normal(size=xs).astype(np.float32)
    w = rng.normal(size=ws).astype(np.float32)
    ref = ref_conv(x.astype(np.float64), w.astype(np.float64), strides, padding, dil)
    dy = rng.normal(size=ref.shape).astype(np.float32)
    xt, wt = tf.constant(x), tf.constant(w)
    y = tf.nn.conv2d(xt, wt, strides=list(strides), padding=padding, dilations=list(dil))
    assert y.shape.as_list() == list(ref.shape) and y.dtype == tf.float32
    gx, gw = tf.gradients(y, [xt, wt], grad_ys=tf.constant(dy))
    assert gx.op.type == "Conv2DBackpropInput" and gw.op.type == "Conv2DBackpropFilter"
    out, dx, dw = run([y, gx, gw])
    assert out.dtype == dx.dtype == dw.dtype == np.float32
    rdx, rdw = ref_conv_grads(x.astype(np.float64), w.astype(np.float64), dy.astype(np.float64),
                              strides, padding, dil)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dx, rdx, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dw, rdw, rtol=1e-4, atol=1e-4)


def test_input_gradient_form_follows_the_geometry():
    """The input gradient is a full convolution of the padded dy (its geometry: dy's F
    channels in, x's size out, paddings KH-1-top etc.) only for stride and dilation 1, at
    least two input channels and at most six times as many output channels, windows above
    1x1 and paddings below the window."""
    from tfgraph.ops.conv_ops import _full_convolution, make_geometry

    def geometry(x, k, padding="SAME", strides=(1, 1, 1, 1), dilations=(1, 1, 1, 1),
                 explicit=None):
        return make_geometry(x, k[0], k[1], {"strides": list(strides), "padding": padding,
                                             "dilations": list(dilations),
                                             "explicit_paddings": explicit})
    g = geometry((2, 7, 6, 4), (2, 3))  # SAME: top 0, bottom 1, left 1, right 1
    full = _full_convolution(g, 4)
    assert (full.n, full.h, full.w, full.c, full.oh, full.ow) == (2, 7, 6, 4, 7, 6)
    assert (full.pt, full.pb, full.pl, full.pr) == (1, 0, 1, 1)
    assert _full_convolution(g, 24) is not None
    assert _full_convolution(g, 25) is None  # over six times the input channels: col2im
    assert _full_convolution(geometry((2, 7, 6, 1), (2, 3)), 1) is None  # one input channel
    assert _full_convolution(geometry((2, 7, 6, 4), (1, 1)), 2) is None
    assert _full_convolution(geometry((2, 7, 6, 4), (3, 3), strides=(1, 2, 2, 1)), 2) is None
    assert _full_convolution(geometry((2, 7, 6, 4), (3, 3), dilations=(1, 2, 2, 1)), 2) is None
    wide = geometry((1, 5, 4, 2), (3, 3), "EXPLICIT", explicit=[0, 0, 2, 1, 0, 3, 0, 0])
    assert _full_convolution(wide, 2) is None  # a padding as wide as the window


@pytest.mark.parametrize("strides,padding", [((1, 1), "SAME"), ((2, 2), "VALID"),
                                             ((2, 1), [[0, 0], [0, 0], [1, 1], [2, 0]])])
def test_conv2d_nchw_matches_nhwc(run, strides, padding):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 6, 5)).astype(np.float32)  # NCHW
    w = rng.normal(size=(3, 2, 3, 4)).astype(np.float32)
    x_nhwc = x.transpose(0, 2, 3, 1)
    nhwc_pad = padding if isinstance(padding, str) else [padding[0], padding[2], padding[3],
                                                           padding[1]]
    xt, wt = tf.constant(x), tf.constant(w)
    y = tf.nn.conv2d(xt, wt, strides=[1, 1] + list(strides), padding=padding, data_format="NCHW")
    gx, gw = tf.gradients(tf.reduce_sum(y * y), [xt, wt])
    xt2, wt2 = tf.constant(x_nhwc), tf.constant(w)
    y2 = tf.nn.conv2d(xt2, wt2, strides=list(strides), padding=nhwc_pad)
    gx2, gw2 = tf.gradients(tf.reduce_sum(y2 * y2), [xt2, wt2])
    a, b, c, a2, b2, c2 = run([y, gx, gw, y2, gx2, gw2])
    assert y.shape.as_list() == [2, 4] + list(a2.shape[1:3])
    np.testing.assert_allclose(a, a2.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b, b2.transpose(0, 3, 1, 2), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(c, c2, rtol=1e-4, atol=1e-4)


def test_conv2d_static_shapes_names_and_sequences():
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    w = tf.placeholder(tf.float32, [5, 5, 1, 32])
    y = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")
    assert y.op.name == "Conv2D" and y.shape.as_list() == [None, 28, 28, 32]
    assert y.op.get_attr("strides") == [1, 1, 1, 1]
    y2 = tf.nn.conv2d(x, filters=w, strides=2, padding="VALID", name="c2")
    assert y2.op.name == "c2" and y2.shape.as_list() == [None, 12, 12, 32]
    assert y2.op.get_attr("strides") == [1, 2, 2, 1]
    y3 = tf.nn.conv2d(x, w, strides=[3, 2], padding="SAME", dilations=2)
    assert y3.shape.as_list() == [None, 10, 14, 32]
    assert y3.op.get_attr("dilations") == [1, 2, 2, 1]
    y4 = tf.nn.conv2d(x, w, [1, 1, 1, 1], [[0, 0], [1, 1], [2, 2], [0, 0]])
    assert y4.op.get_attr("padding") == "EXPLICIT"
    assert y4.op.get_attr("explicit_paddings") == [0, 0, 1, 1, 2, 2, 0, 0]
    assert y4.shape.as_list() == [None, 26, 28, 32]


def test_conv2d_runs_with_unknown_batch_and_reused_workspaces():
    rng = np.random.default_rng(2)
    x = tf.placeholder(tf.float32, [None, 6, 5, 2])
    w = tf.constant(rng.normal(size=(3, 3, 2, 3)).astype(np.float32))
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    g = tf.gradients(tf.reduce_sum(y), w)[0]
    with tf.Session() as sess:
        for n in (3, 1, 3, 0):  # padded/im2col buffers are reused between runs
            xv = rng.normal(size=(n, 6, 5, 2)).astype(np.float32)
            out, gv = sess.run([y, g], {x: xv})
            ref = ref_conv(xv.astype(np.float64), sess.run(w).astype(np.float64), (1, 1), "SAME",
                           (1, 1))
            np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-4)
            _, rdw = ref_conv_grads(xv.astype(np.float64), sess.run(w).astype(np.float64),
                                    np.ones(ref.shape), (1, 1), "SAME", (1, 1))
            np.testing.assert_allclose(gv, rdw, rtol=1e-4, atol=1e-4)


def test_conv2d_errors():
    x = tf.placeholder(tf.float32, [1, 4, 4, 2])
    w = tf.placeholder(tf.float32, [3, 3, 2, 2])
    with pytest.raises(ValueError, match="Negative dimension"):
        tf.nn.conv2d(x, tf.placeholder(tf.float32, [5, 5, 2, 2]), [1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="batch and depth"):
        tf.nn.conv2d(x, w, [2, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match=r"Value for attr 'padding' of 'same' is not in"):
        tf.nn.conv2d(x, w, [1, 1, 1, 1], "same")
    with pytest.raises(ValueError, match=r'"EXPLICIT" is not a valid value for the'):
        tf.nn.conv2d(x, w, [1, 1, 1, 1], "EXPLICIT")
    with pytest.raises(ValueError, match="batch or depth"):
        tf.nn.conv2d(x, w, [1, 1, 1, 1], [[1, 0], [0, 0], [0, 0], [0, 0]])
    with pytest.raises(ValueError, match=r"'Conv2D_3'"):
        tf.nn.conv2d(x, tf.placeholder(tf.float32, [3, 3, 3, 2]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match=r"strides should be of length 1, 2 or 4 but"):
        tf.nn.conv2d(x, w, [1, 1, 1], "SAME")
    with pytest.raises(ValueError, match=r"'Conv2D_4'"):
        tf.nn.conv2d(tf.placeholder(tf.float32, [4, 4, 2]), w, 1, "SAME")
    with pytest.raises((TypeError, ValueError), match=r"'Placeholder_5:0'"):
        tf.nn.conv2d(x, tf.placeholder(tf.float64, [3, 3, 2, 2]), 1, "SAME")


def test_conv2d_runtime_channel_mismatch_is_invalid_argument():
    x = tf.placeholder(tf.float32, [None, 4, 4, None])
    w = tf.constant(np.ones((3, 3, 2, 1), np.float32))
    y = tf.nn.conv2d(x, w, 1, "SAME")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match=r"'Conv2D'"):
        sess.run(y, {x: np.ones((1, 4, 4, 3), np.float32)})


def test_conv2d_transpose_is_the_adjoint_of_conv2d(run):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 7, 6, 3))
    w = rng.normal(size=(3, 3, 3, 4))
    y_shape = ref_conv(x, w, (2, 2), "SAME", (1, 1)).shape
    yv = rng.normal(size=y_shape)
    t = tf.nn.conv2d_transpose(tf.constant(yv), tf.constant(w), output_shape=[2, 7, 6, 3],
                               strides=[1, 2, 2, 1], padding="SAME")
    assert t.op.type == "Conv2DBackpropInput" and t.op.name == "conv2d_transpose"
    assert t.shape.as_list() == [2, 7, 6, 3] and t.dtype == tf.float64
    tv = run(t)
    lhs = np.sum(ref_conv(x, w, (2, 2), "SAME", (1, 1)) * yv)
    assert np.sum(x * tv) == pytest.approx(lhs, rel=1e-10)
    with pytest.raises(ValueError, match="input channels"):
        tf.nn.conv2d_transpose(tf.constant(yv), tf.constant(w[..., :2]), [2, 7, 6, 3],
                               [1, 2, 2, 1])
    with pytest.raises(ValueError, match="output channels"):
        tf.nn.conv2d_transpose(tf.constant(yv), tf.constant(w), [2, 7, 6, 5], [1, 2, 2, 1])


def test_conv2d_backprop_ops_standalone(run):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(1, 5, 5, 2)).astype(np.float32)
    w = rng.normal(size=(3, 3, 2, 3)).astype(np.float32)
    dy = rng.normal(size=(1, 3, 3, 3)).astype(np.float32)
    dx = tf.nn.conv2d_backprop_input([1, 5, 5, 2], w, dy, [1, 2, 2, 1], "SAME")
    dw = tf.nn.conv2d_backprop_filter(x, [3, 3, 2, 3], dy, [1, 2, 2, 1], "SAME")
    assert dx.shape.as_list() == [1, 5, 5, 2] and dw.shape.as_list() == [3, 3, 2, 3]
    rdx, rdw = ref_conv_grads(x.astype(np.float64), w.astype(np.float64), dy.astype(np.float64),
                              (2, 2), "SAME", (1, 1))
    a, b = run([dx, dw])
    np.testing.assert_allclose(a, rdx, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(b, rdw, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match=r"'Conv2DBackpropInput_1'"):
        tf.nn.conv2d_backprop_input([1, 5, 5, 2], w, dy, [1, 1, 1, 1], "SAME")


def test_depthwise_conv2d_matches_per_channel_conv(run):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 6, 5, 3))
    w = rng.normal(size=(3, 2, 3, 2))
    y = tf.nn.depthwise_conv2d(x, w, [1, 2, 1, 1], "SAME")
    assert y.shape.as_list() == [2, 3, 5, 6] and y.op.type == "DepthwiseConv2dNative"
    out = run(y)
    for c in range(3):
        for m in range(2):
            ref = ref_conv(x[..., c:c + 1], w[:, :, c:c + 1, m:m + 1], (2, 1), "SAME", (1, 1))
            np.testing.assert_allclose(out[..., c * 2 + m], ref[..., 0], rtol=1e-10)


@pytest.mark.parametrize("xs,k,strides,padding", [
    ((3, 7, 6, 4), (3, 3), (1, 1), "SAME"), ((2, 8, 7, 3), (3, 2), (2, 1), "VALID"),
    ((2, 7, 7, 5), (3, 3), (2, 2), "SAME"), ((2, 5, 6, 2), (1, 1), (1, 1), "VALID")])
def test_depthwise_multiplier_one_and_its_gradients_match_per_channel_convs(run, xs, k, strides,
                                                                            padding):
    """Channel multiplier 1 (MobileNet's; rows of OW*C values, the batch split): forward,
    input and filter gradients against per-channel convolution references."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=xs)
    w = rng.normal(size=k + (xs[3], 1))
    xt, wt = tf.constant(x), tf.constant(w)
    y = tf.nn.depthwise_conv2d(xt, wt, [1, *strides, 1], padding)
    dy = rng.normal(size=y.shape.as_list())
    gx, gw = tf.gradients(y, [xt, wt], grad_ys=tf.constant(dy))
    assert gx.op.type == "DepthwiseConv2dNativeBackpropInput"
    out, dx, dw = run([y, gx, gw])
    for c in range(xs[3]):
        xc, wc = x[..., c:c + 1], w[:, :, c:c + 1, :]
        np.testing.assert_allclose(out[..., c:c + 1], ref_conv(xc, wc, strides, padding, (1, 1)),
                                   rtol=1e-10, atol=1e-12)
        rdx, rdw = ref_conv_grads(xc, wc, dy[..., c:c + 1], strides, padding, (1, 1))
        np.testing.assert_allclose(dx[..., c:c + 1], rdx, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dw[:, :, c:c + 1, :], rdw, rtol=1e-10, atol=1e-12)


# --- pooling -------------------------------------------------------------------------------------
POOL_CONFIGS = [
    ((2, 4, 6, 3), (2, 2), (2, 2), "VALID"),
    ((2, 5, 7, 3), (2, 2), (2, 2), "VALID"),
    ((2, 5, 7, 3), (2, 2), (2, 2), "SAME"),
    ((1, 6, 6, 2), (3, 3), (2, 2), "SAME"),
    ((1, 6, 7, 2), (3, 3), (2, 2), "VALID"),
    ((1, 5, 5, 2), (3, 2), (1, 1), "SAME"),
    ((1, 7, 5, 1), (2, 3), (3, 2), "SAME"),
    ((1, 4, 4, 2), (1, 1), (2, 2), "VALID"),
]


@pytest.mark.parametrize("xs,k,s,padding", POOL_CONFIGS,
                         ids=[f"{c[0]}-k{c[1]}-s{c[2]}-{c[3]}" for c in POOL_CONFIGS])
def test_pooling_forward_and_gradients_match_reference(run, xs, k, s, padding):
    rng = np.random.default_rng(6)
    x = rng.permutation(int(np.prod(xs))).reshape(xs).astype(np.float32) * 0.25
    xt = tf.constant(x)
    mp = tf.nn.max_pool(xt, [1, *k, 1], [1, *s, 1], padding)
    ap = tf.nn.avg_pool(xt, [1, *k, 1], [1, *s, 1], padding)
    ref_m = ref_pool(x.astype(np.float64), k, s, padding, "max")
    ref_a = ref_pool(x.astype(np.float64), k, s, padding, "avg")
    assert mp.shape.as_list() == list(ref_m.shape) == ap.shape.as_list()
    dy = rng.normal(size=ref_m.shape).astype(np.float32)
    gm = tf.gradients(mp, xt, grad_ys=tf.constant(dy))[0]
    ga = tf.gradients(ap, xt, grad_ys=tf.constant(dy))[0]
    assert gm.op.type == "MaxPoolGrad" and ga.op.type == "AvgPoolGrad"
    m, a, dm, da = run([mp, ap, gm, ga])
    assert m.dtype == a.dtype == dm.dtype == da.dtype == np.float32
    np.testing.assert_array_equal(m, ref_m)
    np.testing.assert_allclose(a, ref_a, rtol=1e-6)
    np.testing.assert_allclose(dm, ref_max_pool_grad(x, dy, k, s, padding), rtol=1e-6)
    # avg-pool gradient: the adjoint of avg pooling
    probe = rng.normal(size=xs)
    assert np.sum(probe * da) == pytest.approx(
        np.sum(ref_pool(probe, k, s, padding, "avg") * dy), rel=1e-5)


@pytest.mark.parametrize("k,s", [((2, 2), (2, 2)), ((3, 3), (1, 1)), ((2, 2), (1, 1))])
def test_max_pool_gradient_goes_to_first_maximum_on_ties(run, k, s):
    x = np.zeros((1, 4, 4, 1), np.float32)
    x[0, 0, 1, 0] = x[0, 1, 0, 0] = x[0, 2, 1, 0] = 5.0  # ties inside the windows
    xt = tf.constant(x)
    y = tf.nn.max_pool(xt, [1, *k, 1], [1, *s, 1], "VALID")
    g = run(tf.gradients(y, xt)[0])
    dy = np.ones(y.shape.as_list())
    np.testing.assert_array_equal(g, ref_max_pool_grad(x, dy, k, s, "VALID"))
    if k == (2, 2) and s == (2, 2):
        # the top-left window ties 5 at (0,1) and (1,0): the first in row-major order wins;
        # all-zero windows route to their top-left corner
        np.testing.assert_array_equal(g[0, :, :, 0], [[0, 1, 1, 0], [0, 0, 0, 0], [0, 1, 1, 0],
                                                      [0, 0, 0, 0]])


@pytest.mark.parametrize("xs", [(3, 6, 8, 5), (2, 4, 4, 64), (3, 6, 8, 32), (1, 2, 2, 1),
                                (2, 6, 2, 3)])
def test_max_pool_grad_of_tiling_2x2_windows_with_many_ties(run, xs):
    # 2x2 windows with stride 2 that tile the input run a row-wise kernel (32+ channels: one
    # pass per window offset): every tie pattern inside a window (values 0..2) must still
    # route to the first maximum
    rng = np.random.default_rng(8)
    x = rng.integers(0, 3, xs).astype(np.float32)
    x[0, 0, 0, 0] = np.nan  # a NaN window: equal to no pixel, no gradient (as before)
    xt = tf.constant(x)
    y = tf.nn.max_pool(xt, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    dy = rng.normal(size=y.shape.as_list()).astype(np.float32)
    g = run(tf.gradients(y, xt, grad_ys=tf.constant(dy))[0])
    want = ref_max_pool_grad(np.nan_to_num(x, nan=-1.0), dy, (2, 2), (2, 2), "VALID")
    want[0, :2, :2, 0] = 0.0
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, want)
    # NCHW: the same values through the transposed views
    xc = tf.constant(x.transpose(0, 3, 1, 2))
    yc = tf.nn.max_pool(xc, [1, 1, 2, 2], [1, 1, 2, 2], "VALID", data_format="NCHW")
    gc = run(tf.gradients(yc, xc, grad_ys=tf.constant(dy.transpose(0, 3, 1, 2)))[0])
    np.testing.assert_array_equal(gc, want.transpose(0, 3, 1, 2))


def test_pool_nchw_and_names_and_int_ksize(run):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 3, 5, 6)).astype(np.float32)
    xt = tf.constant(x)
    y = tf.nn.max_pool(xt, 2, 2, "SAME", data_format="NCHW")
    assert y.op.name == "MaxPool" and y.shape.as_list() == [2, 3, 3, 3]
    assert y.op.get_attr("ksize") == [1, 1, 2, 2]
    a = tf.nn.avg_pool(xt, [1, 1, 3, 3], [1, 1, 2, 2], "VALID", data_format="NCHW")
    out, av = run([y, a])
    np.testing.assert_array_equal(out, ref_pool(x.transpose(0, 2, 3, 1), (2, 2), (2, 2), "SAME",
                                                "max").transpose(0, 3, 1, 2))
    np.testing.assert_allclose(av, ref_pool(x.transpose(0, 2, 3, 1).astype(np.float64), (3, 3),
                                            (2, 2), "VALID", "avg").transpose(0, 3, 1, 2),
                               rtol=1e-5)
    assert tf.nn.max_pool2d(xt, 2, 2, "VALID").op.name == "MaxPool2d"
    assert tf.nn.avg_pool2d(xt, 2, 2, "VALID").op.name == "AvgPool2D"
    assert tf.nn.avg_pool(xt, 2, 2, "VALID").op.type == "AvgPool"


def test_avg_pool_same_excludes_padding(run):
    x = np.ones((1, 3, 3, 1), np.float32)
    np.testing.assert_array_equal(run(tf.nn.avg_pool(x, 2, 2, "SAME")), np.ones((1, 2, 2, 1)))


def test_max_pool_int_and_negative_values(run):
    x = -np.arange(1, 17, dtype=np.int32).reshape(1, 4, 4, 1)
    out = run(tf.nn.max_pool(tf.constant(x), 3, 2, "SAME"))
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, ref_pool(x, (3, 3), (2, 2), "SAME", "max").astype(np.int32))


def test_pool_errors():
    x = tf.placeholder(tf.float32, [1, 4, 4, 1])
    with pytest.raises(ValueError, match="batch"):
        tf.nn.max_pool(x, [2, 2, 2, 1], [1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="Negative dimension"):
        tf.nn.max_pool(x, 5, 1, "VALID")
    with pytest.raises(ValueError, match=r"Value for attr 'padding' of 'valid' is not"):
        tf.nn.avg_pool(x, 2, 2, "valid")
    with pytest.raises(ValueError, match=r"ksize cannot be zero\."):
        tf.nn.max_pool(x, 0, 1, "VALID")
    with pytest.raises(ValueError, match=r"ksize should be of length 1, 2 or 4 but was 3"):
        tf.nn.max_pool(x, [2, 2, 2], 1, "VALID")


def test_max_pool_second_order_routes_like_first_order(run):
    x = tf.constant(np.random.default_rng(8).permutation(16).reshape(1, 4, 4, 1).astype(np.float64))
    y = tf.nn.max_pool(x, 2, 2, "VALID")
    g = tf.gradients(y, x)[0]
    v = tf.constant(np.arange(16, dtype=np.float64).reshape(1, 4, 4, 1))
    gg = tf.gradients(tf.reduce_sum(g * v), x)[0]
    assert run(gg).sum() == 0.0  # max pooling is piecewise linear in x


@pytest.mark.parametrize("channels", [2, 5])  # window matrix stored transposed / row-major
@pytest.mark.parametrize("chunk_bytes", [1, 3000, 1 << 30])  # 1 image, a few, whole batch
def test_conv_and_filter_gradient_by_window_matrix_chunks(monkeypatch, channels, chunk_bytes):
    from tfgraph.ops import conv_ops
    monkeypatch.setattr(conv_ops, "_IM2COL_CHUNK_BYTES", chunk_bytes)
    rng = np.random.default_rng(9)
    xv = rng.normal(size=(7, 6, 5, channels)).astype(np.float32)
    wv = rng.normal(size=(3, 3, channels, 4)).astype(np.float32)
    dyv = rng.normal(size=(7, 3, 3, 4)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 6, 5, channels])
    w = tf.constant(wv)
    y = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME")
    dw = tf.gradients(y, w, grad_ys=tf.constant(dyv))[0]
    with tf.Session() as sess:
        got_y, got_dw = sess.run([y, dw], {x: xv})
    ref_y = ref_conv(xv.astype(np.float64), wv.astype(np.float64), (2, 2), "SAME", (1, 1))
    ref_dw = ref_conv_grads(xv.astype(np.float64), wv.astype(np.float64),
                            dyv.astype(np.float64), (2, 2), "SAME", (1, 1))[1]
    np.testing.assert_allclose(got_y, ref_y, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_dw, ref_dw, rtol=1e-5, atol=1e-5)


def test_workspace_pool_reuses_buffers_and_evicts_beyond_its_budget():
    from tfgraph.backends import get_backend
    from tfgraph.kernels.workspace import WorkspacePool
    be = get_backend("numpy")
    pool = WorkspacePool(max_bytes=1000)
    with pool.borrow(be, "a", (10, 10), np.float32) as b1:   # 400 bytes
        b1[...] = 7
    with pool.borrow(be, "a", (10, 10), np.float32) as b2:
        assert b2 is b1  # reused, contents left as they were
        with pool.borrow(be, "a", (10, 10), np.float32) as b3:
            assert b3 is not b1  # in use: a second buffer
    with pool.borrow(be, "b", (10, 10), np.float32, zeroed=True) as z:
        assert not z.any()
    assert pool._bytes <= 1000  # three 400-byte buffers given back: the oldest was evicted
    with pool.borrow(be, "big", (100, 100), np.float32):
        pass
    assert pool._bytes <= 1000  # larger than the whole budget: never kept


def test_workspace_pool_evicts_past_a_key_whose_buffers_are_all_borrowed():
    """A key whose only buffer is out must not stay as an empty entry: eviction, which takes
    the oldest key's oldest buffer, failed on it (IndexError in the Deep MNIST example)."""
    from tfgraph.backends import get_backend
    from tfgraph.kernels.workspace import WorkspacePool
    be = get_backend("numpy")
    pool = WorkspacePool(max_bytes=1000)
    with pool.borrow(be, "a", (10, 10), np.float32):    # 400 bytes, given back: key "a" oldest
        pass
    key, held = pool.take(be, "a", (10, 10), np.float32)  # "a" now has no free buffer
    with pool.borrow(be, "b", (10, 10), np.float32), pool.borrow(be, "c", (10, 10), np.float32):
        pass
    with pool.borrow(be, "d", (10, 10), np.float32):     # over budget: evicts "b", not "a"
        pass
    pool.give(key, held)
    assert pool._bytes <= 1000
    assert all(pool._free.values())  # no empty lists left behind


def test_atrous_and_separable_conv2d(run):
    rng = np.random.default_rng(10)
    x = rng.normal(size=(1, 7, 6, 2))
    w = rng.normal(size=(3, 3, 2, 2))
    a = tf.nn.atrous_conv2d(x, w, rate=2, padding="SAME")
    np.testing.assert_allclose(run(a), ref_conv(x, w, (1, 1), "SAME", (2, 2)), rtol=1e-10)
    with pytest.raises(ValueError, match=r"rate 0 cannot be less than one"):
        tf.nn.atrous_conv2d(x, w, rate=0, padding="SAME")
    dw = rng.normal(size=(3, 3, 2, 2))
    pw = rng.normal(size=(1, 1, 4, 3))
    s = tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "VALID")
    assert s.op.name == "separable_conv2d" and s.shape.as_list() == [1, 5, 4, 3]
    depth = np.concatenate([ref_conv(x[..., c:c + 1], dw[:, :, c:c + 1, :], (1, 1), "VALID", (1, 1))
                            for c in range(2)], axis=-1)
    np.testing.assert_allclose(run(s), depth @ pw[0, 0], rtol=1e-10)
    with pytest.raises(ValueError, match=r"pointwise_filter must be \[1, 1, in, out\],"):
        tf.nn.separable_conv2d(x, dw, rng.normal(size=(2, 2, 4, 3)), [1, 1, 1, 1], "VALID")
