"""tf.nn compositions (moment statistics, log_poisson_loss, loss scalers, silu, pool_v2):
values against NumPy, TF1 names/defaults, gradients through the composition, and errors."""
import math

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.RandomState(7)
X = RNG.randn(3, 4, 5).astype(np.float32)


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_sufficient_statistics_and_normalize_moments_match_numpy():
    with tf.Graph().as_default():
        x = tf.constant(X)
        counts, m_ss, v_ss, shift = tf.nn.sufficient_statistics(x, [0, 2])
        assert shift is None and counts.dtype == tf.float32
        assert m_ss.op.name == "sufficient_statistics/mean_ss"
        assert v_ss.op.name == "sufficient_statistics/var_ss"
        mean, var = tf.nn.normalize_moments(counts, m_ss, v_ss, None)
        assert mean.op.name == "normalize/mean" and var.op.name == "normalize/variance"
        c, m, v = _run([counts, mean, var])
    assert c == 15
    np.testing.assert_allclose(m, X.mean(axis=(0, 2)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v, X.var(axis=(0, 2)), rtol=1e-4, atol=1e-6)


def test_sufficient_statistics_with_shift_keepdims_and_dynamic_shape():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [None, 4, 5])
        counts, m_ss, v_ss, shift = tf.nn.sufficient_statistics(p, [0], shift=0.5,
                                                                keepdims=True)
        assert m_ss.shape.as_list() == [1, 4, 5]
        mean, var = tf.nn.normalize_moments(counts, m_ss, v_ss, shift)
        c, ms, m, v = _run([counts, m_ss, mean, var], {p: X})
    assert c == 3
    np.testing.assert_allclose(ms, (X - 0.5).sum(0, keepdims=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(m, X.mean(0, keepdims=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v, X.var(0, keepdims=True), rtol=1e-4, atol=1e-5)


def test_weighted_moments_matches_numpy_and_keeps_float16():
    w = RNG.rand(3, 4, 1).astype(np.float32)
    wb = np.broadcast_to(w, X.shape)
    ref_mean = (wb * X).sum(1) / wb.sum(1)
    ref_var = (wb * (X - ref_mean[:, None, :]) ** 2).sum(1) / wb.sum(1)
    with tf.Graph().as_default():
        mean, var = tf.nn.weighted_moments(tf.constant(X), [1], tf.constant(w))
        assert mean.shape.as_list() == [3, 5]
        m16, v16 = tf.nn.weighted_moments(tf.constant(X.astype(np.float16)), [1], w,
                                          keep_dims=True)
        assert m16.dtype == tf.float16 and m16.shape.as_list() == [3, 1, 5]
        m, v, h = _run([mean, var, v16])
    np.testing.assert_allclose(m, ref_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v, ref_var, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(h[:, 0, :], ref_var, rtol=1e-2, atol=1e-2)


def test_log_poisson_loss_plain_and_full():
    t = np.array([0.0, 0.5, 1.0, 2.0, 7.0], np.float32)
    li = np.array([0.1, -0.3, 0.0, 1.2, 2.0], np.float32)
    plain = np.exp(li) - li * t
    with np.errstate(divide="ignore", invalid="ignore"):
        stirling = t * np.log(t) - t + 0.5 * np.log(2 * math.pi * t)
    full = plain + np.where((t >= 0) & (t <= 1), 0.0, stirling)
    with tf.Graph().as_default():
        a = tf.nn.log_poisson_loss(tf.constant(t), tf.constant(li))
        b = tf.nn.log_poisson_loss(t, li, compute_full_loss=True)
        assert a.op.name.startswith("log_poisson_loss/")
        ra, rb = _run([a, b])
    np.testing.assert_allclose(ra, plain, rtol=1e-5)
    np.testing.assert_allclose(rb, full, rtol=1e-5)


def test_log_poisson_loss_gradient_wrt_log_input():
    t = np.array([1.0, 2.0, 3.0], np.float32)
    li = np.array([0.2, -0.1, 0.7], np.float32)
    with tf.Graph().as_default():
        x = tf.constant(li)
        loss = tf.reduce_sum(tf.nn.log_poisson_loss(tf.constant(t), x))
        (g,) = _run(tf.gradients(loss, [x]))
    np.testing.assert_allclose(g, np.exp(li) - t, rtol=1e-5)


def test_log_poisson_loss_shape_mismatch_names_the_inputs():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="same shape.*preds:0, counts:0"):
            tf.nn.log_poisson_loss(tf.zeros([3], name="counts"), tf.zeros([4], name="preds"))


def test_compute_average_loss_and_scale_regularization_loss():
    loss = np.array([1.0, 2.0, 3.0, 6.0], np.float32)
    sw = np.array([1.0, 0.0, 2.0, 0.5], np.float32)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [None])
        a = tf.nn.compute_average_loss(p)
        b = tf.nn.compute_average_loss(p, sample_weight=sw, global_batch_size=8)
        r = tf.nn.scale_regularization_loss([tf.constant(1.5), tf.constant(2.0)])
        assert a.dtype == tf.float32 and r.dtype == tf.float32
        ra, rb, rr = _run([a, b, r], {p: loss})
        assert _run(a, {p: np.zeros([0], np.float32)}) == 0.0
    assert ra == pytest.approx(loss.sum() / 4)
    assert rb == pytest.approx((loss * sw).sum() / 8)
    assert rr == pytest.approx(3.5)


def test_silu_is_swish_and_takes_beta():
    x = np.linspace(-4, 4, 9).astype(np.float32)
    with tf.Graph().as_default():
        xt = tf.constant(x)
        s1 = tf.nn.silu(xt)
        s2 = tf.nn.silu(xt, beta=2.0)
        (g,) = tf.gradients(tf.reduce_sum(s2), [xt])
        r1, r2, rg = _run([s1, s2, g])
    sig = 1 / (1 + np.exp(-2 * x))
    np.testing.assert_allclose(r1, x / (1 + np.exp(-x)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r2, x * sig, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rg, sig + 2 * x * sig * (1 - sig), rtol=1e-4, atol=1e-6)


def test_pool_v2_dispatches_on_rank():
    x4 = RNG.randn(2, 4, 4, 3).astype(np.float32)
    x3 = RNG.randn(2, 6, 3).astype(np.float32)
    with tf.Graph().as_default():
        m4 = tf.nn.max_pool_v2(x4, 2, 2, "VALID")
        a4 = tf.nn.avg_pool_v2(x4, [2, 2], [2, 2], "VALID")
        assert m4.op.type == "MaxPool" and a4.op.type == "AvgPool"
        m3 = tf.nn.max_pool_v2(x3, 2, 2, "VALID")
        a3 = tf.nn.avg_pool_v2(x3, 3, 3, "VALID")
        r = _run([m4, a4, m3, a3])
    blocks = x4.reshape(2, 2, 2, 2, 2, 3)
    np.testing.assert_allclose(r[0], blocks.max(axis=(2, 4)), rtol=1e-6)
    np.testing.assert_allclose(r[1], blocks.mean(axis=(2, 4)), rtol=1e-5)
    np.testing.assert_allclose(r[2], x3.reshape(2, 3, 2, 3).max(2), rtol=1e-6)
    np.testing.assert_allclose(r[3], x3.reshape(2, 2, 3, 3).mean(2), rtol=1e-5)


def test_pool_v2_refuses_rank_5_naming_the_input():
    with tf.Graph().as_default():
        x = tf.zeros([1, 2, 2, 2, 1], name="vol")
        with pytest.raises(ValueError, match="max_pool_v2.*vol"):
            tf.nn.max_pool_v2(x, 2, 2, "VALID")
        with pytest.raises(ValueError, match="avg_pool_v2.*vol"):
            tf.nn.avg_pool_v2(x, 2, 2, "VALID")


@pytest.mark.parametrize("padding,strides", [("SAME", 1), ("VALID", 2)])
def test_depthwise_backprops_are_adjoints_of_the_forward_conv(padding, strides):
    # <dy, conv(x, w)> is bilinear: its gradients w.r.t. x and w are the two backprops, so
    # sum(bp_input(dy) * x) and sum(bp_filter(x, dy) * w) both equal sum(dy * conv(x, w)).
    x = RNG.randn(2, 5, 5, 3).astype(np.float32)
    w = RNG.randn(3, 3, 3, 2).astype(np.float32)
    st = [1, strides, strides, 1]
    with tf.Graph().as_default():
        y = tf.nn.depthwise_conv2d_native(x, w, st, padding)
        dy = tf.constant(RNG.randn(*y.shape.as_list()).astype(np.float32))
        bi = tf.nn.depthwise_conv2d_backprop_input(list(x.shape), w, dy, st, padding)
        bf = tf.nn.depthwise_conv2d_native_backprop_filter(x, list(w.shape), dy, st, padding)
        assert bi.op.name == "DepthwiseConv2dNativeBackpropInput"
        assert bf.op.type == "DepthwiseConv2dNativeBackpropFilter"
        assert bi.shape.as_list() == list(x.shape) and bf.shape.as_list() == list(w.shape)
        ry, rdy, rbi, rbf = _run([y, dy, bi, bf])
    ref = float((rdy * ry).sum())
    assert float((rbi * x).sum()) == pytest.approx(ref, rel=1e-4)
    assert float((rbf * w).sum()) == pytest.approx(ref, rel=1e-4)


def test_depthwise_backprop_input_bad_padding_names_it():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="padding"):
            tf.nn.depthwise_conv2d_native_backprop_input([1, 4, 4, 1], tf.zeros([2, 2, 1, 1]),
                                                         tf.zeros([1, 4, 4, 1]), [1, 1, 1, 1],
                                                         "BOGUS")
