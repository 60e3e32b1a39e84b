"""tf.nn.lrn, max_pool_with_argmax, dilation2d/erosion2d, fractional_max/avg_pool and
batch_norm_with_global_normalization against direct NumPy loops; TF1 op types and errors."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(3)


def _run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def ref_lrn(x, r, bias, alpha, beta):
    out = np.empty_like(x, dtype=np.float64)
    depth = x.shape[-1]
    for d in range(depth):
        lo, hi = max(0, d - r), min(depth, d + r + 1)
        s = (x[..., lo:hi].astype(np.float64) ** 2).sum(-1)
        out[..., d] = x[..., d] / (bias + alpha * s) ** beta
    return out


@pytest.mark.parametrize("r,bias,alpha,beta", [(5, 1.0, 1.0, 0.5), (2, 2.0, 1e-2, 0.75),
                                               (0, 1.0, 0.5, 1.0)])
def test_lrn_matches_loops(r, bias, alpha, beta):
    x = RNG.standard_normal((2, 3, 2, 7)).astype(np.float32)
    y = tf.nn.lrn(x, r, bias, alpha, beta)
    assert y.op.type == "LRN" and y.op.name == "LRN"
    got = _run(y)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref_lrn(x, r, bias, alpha, beta), rtol=1e-5, atol=1e-6)
    assert tf.nn.local_response_normalization is tf.nn.lrn


def test_lrn_gradient_matches_numeric_and_types():
    x = RNG.standard_normal((1, 2, 2, 5))
    xt = tf.constant(x.astype(np.float32))
    dy = RNG.standard_normal(x.shape).astype(np.float32)
    g = tf.gradients(tf.nn.lrn(xt, 1, 1.5, 0.3, 0.6), xt, grad_ys=dy)[0]
    assert g.op.type == "LRNGrad"
    eps = 1e-6
    num = np.zeros_like(x)
    for idx in itertools.product(*(range(v) for v in x.shape)):
        e = np.zeros_like(x)
        e[idx] = eps
        num[idx] = ((ref_lrn(x + e, 1, 1.5, 0.3, 0.6) - ref_lrn(x - e, 1, 1.5, 0.3, 0.6))
                    * dy).sum() / (2 * eps)
    np.testing.assert_allclose(_run(g), num, rtol=1e-4, atol=1e-5)
    with pytest.raises(TypeError, match="LRN"):
        tf.nn.lrn(tf.ones([1, 2, 2, 3], tf.float64))
    with pytest.raises(ValueError, match="rank"):
        tf.nn.lrn(tf.ones([2, 3]))


def ref_argmax_pool(x, k, s, padding, include_batch):
    n, h, w, c = x.shape
    if padding == "SAME":
        oh, ow = -(-h // s[0]), -(-w // s[1])
        pt = max((oh - 1) * s[0] + k[0] - h, 0) // 2
        pl = max((ow - 1) * s[1] + k[1] - w, 0) // 2
    else:
        oh, ow, pt, pl = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1, 0, 0
    out = np.zeros((n, oh, ow, c))
    arg = np.zeros((n, oh, ow, c), np.int64)
    for b, i, j, ch in itertools.product(range(n), range(oh), range(ow), range(c)):
        best, where = -np.inf, -1
        for di, dj in itertools.product(range(k[0]), range(k[1])):
            y, xx = i * s[0] - pt + di, j * s[1] - pl + dj
            if 0 <= y < h and 0 <= xx < w and x[b, y, xx, ch] > best:
                best = x[b, y, xx, ch]
                where = ((b * h + y) * w + xx) * c + ch if include_batch else \
                    (y * w + xx) * c + ch
        out[b, i, j, ch], arg[b, i, j, ch] = best, where
    return out, arg


@pytest.mark.parametrize("k,s,padding,batch", [((2, 2), (2, 2), "VALID", False),
                                               ((3, 2), (2, 1), "SAME", True),
                                               ((2, 3), (1, 2), "SAME", False)])
def test_max_pool_with_argmax(k, s, padding, batch):
    x = RNG.standard_normal((2, 5, 4, 3)).astype(np.float32)
    x[0, 0, 1, 0] = x[0, 0, 0, 0]  # a tie: the first maximum wins
    out, arg = tf.nn.max_pool_with_argmax(x, [1, *k, 1], [1, *s, 1], padding,
                                          include_batch_in_index=batch)
    assert out.op.type == "MaxPoolWithArgmax" and arg.dtype == tf.int64
    vo, va = _run([out, arg])
    want_o, want_a = ref_argmax_pool(x, k, s, padding, batch)
    np.testing.assert_allclose(vo, want_o)
    np.testing.assert_array_equal(va, want_a)
    # the gradient scatters into the argmax positions
    xt = tf.constant(x)
    o2, _ = tf.nn.max_pool_with_argmax(xt, [1, *k, 1], [1, *s, 1], padding,
                                       include_batch_in_index=batch, Targmax=tf.int32)
    dy = RNG.standard_normal(vo.shape).astype(np.float32)
    g = _run(tf.gradients(o2, xt, grad_ys=dy)[0])
    want = np.zeros(x.size)
    flat = want_a if batch else want_a + (np.arange(2) * x[0].size).reshape(-1, 1, 1, 1)
    np.add.at(want, flat.ravel(), dy.ravel())
    np.testing.assert_allclose(g, want.reshape(x.shape), rtol=1e-6)


def test_max_pool_with_argmax_errors():
    x = tf.ones([1, 4, 4, 1])
    with pytest.raises(ValueError, match="NHWC"):
        tf.nn.max_pool_with_argmax(x, 2, 2, "SAME", data_format="NCHW")
    with pytest.raises(ValueError, match="batch"):
        tf.nn.max_pool_with_argmax(x, [2, 2, 2, 1], [1, 1, 1, 1], "SAME")
    with pytest.raises(TypeError, match="Targmax"):
        tf.nn.max_pool_with_argmax(x, 2, 2, "SAME", Targmax=tf.float32)


def ref_dilation(x, f, s, r, padding):
    n, h, w, c = x.shape
    fh, fw, _ = f.shape
    dh, dw = (fh - 1) * r[0] + 1, (fw - 1) * r[1] + 1
    if padding == "SAME":
        oh, ow = -(-h // s[0]), -(-w // s[1])
        pt = max((oh - 1) * s[0] + dh - h, 0) // 2
        pl = max((ow - 1) * s[1] + dw - w, 0) // 2
    else:
        oh, ow, pt, pl = (h - dh) // s[0] + 1, (w - dw) // s[1] + 1, 0, 0
    out = np.full((n, oh, ow, c), -np.inf)
    for i, j, di, dj in itertools.product(range(oh), range(ow), range(fh), range(fw)):
        y, xx = i * s[0] - pt + di * r[0], j * s[1] - pl + dj * r[1]
        if 0 <= y < h and 0 <= xx < w:
            out[:, i, j] = np.maximum(out[:, i, j], x[:, y, xx] + f[di, dj])
    return out


@pytest.mark.parametrize("s,r,padding", [((1, 1), (1, 1), "SAME"), ((2, 1), (1, 2), "VALID"),
                                         ((1, 2), (2, 1), "SAME")])
def test_dilation_and_erosion(s, r, padding):
    x = RNG.standard_normal((2, 6, 5, 2))
    f = RNG.standard_normal((2, 3, 2))
    y = tf.nn.dilation2d(x, f, [1, *s, 1], [1, *r, 1], padding)
    assert y.op.type == "Dilation2D"
    np.testing.assert_allclose(_run(y), ref_dilation(x, f, s, r, padding))
    e = tf.nn.erosion2d(x, f, [1, *s, 1], [1, *r, 1], padding)
    # TF1's structure: Neg(Dilation2D(Neg(value), reverse(kernel)))
    assert e.op.name == "erosion2d/Neg_1" and e.op.inputs[0].op.name == "erosion2d"
    np.testing.assert_allclose(_run(e), -ref_dilation(-x, f[::-1, ::-1], s, r, padding))


def test_dilation_gradients_route_to_the_winner():
    x = np.array([[1.0, 5.0, 2.0], [0.0, 3.0, 4.0]]).reshape(1, 2, 3, 1)
    f = np.array([[0.0, 1.0]]).reshape(1, 2, 1)
    xt, ft = tf.constant(x), tf.constant(f)
    y = tf.nn.dilation2d(xt, ft, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    # windows (x0+0, x1+1): row0: max(1, 6)=6 @x1 ; max(5, 3)=5 @x1 ; row1: max(0,4)=4 @x1;
    # max(3, 5)=5 @x2
    np.testing.assert_allclose(_run(y).ravel(), [6, 5, 4, 5])
    gx, gf = tf.gradients(y, [xt, ft], grad_ys=np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 2, 1))
    assert gx.op.type == "Dilation2DBackpropInput" and gf.op.type == "Dilation2DBackpropFilter"
    vx, vf = _run([gx, gf])
    np.testing.assert_allclose(vx.ravel(), [0, 3, 0, 0, 3, 4])
    np.testing.assert_allclose(vf.ravel(), [2, 8])
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.nn.dilation2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 3]), [1] * 4, [1] * 4, "SAME")
    with pytest.raises(ValueError, match="strides"):
        tf.nn.dilation2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 2]), [2, 1, 1, 1], [1] * 4,
                         "SAME")


def _ref_fractional(x, rows, cols, overlapping, kind):
    n, h, w, c = x.shape
    out = np.zeros((n, len(rows) - 1, len(cols) - 1, c))
    for i, j in itertools.product(range(len(rows) - 1), range(len(cols) - 1)):
        r1 = min(rows[i + 1] + (1 if overlapping else 0), h)
        c1 = min(cols[j + 1] + (1 if overlapping else 0), w)
        win = x[:, rows[i]:r1, cols[j]:c1]
        out[:, i, j] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return out


@pytest.mark.parametrize("pseudo,overlapping", [(False, False), (True, False), (False, True),
                                                (True, True)])
def test_fractional_pools(pseudo, overlapping):
    x = RNG.standard_normal((2, 9, 10, 2))
    for fn, kind in ((tf.nn.fractional_max_pool, "max"), (tf.nn.fractional_avg_pool, "avg")):
        y, rows, cols = fn(x, [1.0, 1.44, 1.73, 1.0], pseudo, overlapping, deterministic=True,
                           seed=3, seed2=4)
        assert y.shape.as_list() == [2, 6, 5, 2] and rows.dtype == tf.int64
        vy, vr, vc = _run([y, rows, cols])
        assert vr[0] == 0 and vr[-1] == 9 and vc[0] == 0 and vc[-1] == 10
        # every step is floor(ratio) or floor(ratio) + 1 rows (TF's sequence rule)
        assert set(np.diff(vr)) <= {1, 2} and set(np.diff(vc)) <= {1, 2}
        np.testing.assert_allclose(vy, _ref_fractional(x, vr, vc, overlapping, kind))
        # deterministic: the same regions in another session
        np.testing.assert_array_equal(_run(rows), vr)


def test_fractional_random_regions_change_between_runs_and_errors():
    x = tf.constant(RNG.standard_normal((1, 20, 20, 1)))
    _, rows, _ = tf.nn.fractional_max_pool(x, [1.0, 1.5, 1.5, 1.0])
    with tf.Session() as sess:
        seen = {tuple(sess.run(rows)) for _ in range(8)}
    assert len(seen) > 1
    with pytest.raises(ValueError, match="seed"):
        tf.nn.fractional_max_pool(x, [1.0, 1.5, 1.5, 1.0], seed=1)
    with pytest.raises(ValueError, match="batch nor channel"):
        tf.nn.fractional_avg_pool(x, [2.0, 1.5, 1.5, 1.0])
    with pytest.raises(ValueError, match="smaller than 1"):
        tf.nn.fractional_avg_pool(x, [1.0, 0.5, 1.5, 1.0])


def test_fractional_gradients():
    x = RNG.permutation(2 * 7 * 6).reshape(1, 7, 6, 2).astype(np.float64)
    xt = tf.constant(x)
    y, rows, cols = tf.nn.fractional_max_pool(xt, [1.0, 1.5, 1.4, 1.0], overlapping=True,
                                              deterministic=True, seed=1, seed2=1)
    ya, ra, ca = tf.nn.fractional_avg_pool(xt, [1.0, 1.5, 1.4, 1.0], True, True,
                                           deterministic=True, seed=2, seed2=1)
    dy = RNG.standard_normal(y.shape.as_list())
    gm = tf.gradients(y, xt, grad_ys=dy)[0]
    ga = tf.gradients(ya, xt, grad_ys=dy)[0]
    assert gm.op.type == "FractionalMaxPoolGrad" and ga.op.type == "FractionalAvgPoolGrad"
    vgm, vga, vr, vc, var, vac = _run([gm, ga, rows, cols, ra, ca])
    want_m, want_a = np.zeros_like(x), np.zeros_like(x)
    for i, j in itertools.product(range(len(vr) - 1), range(len(vc) - 1)):
        r1, c1 = min(vr[i + 1] + 1, 7), min(vc[j + 1] + 1, 6)
        for ch in range(2):
            win = x[0, vr[i]:r1, vc[j]:c1, ch]
            a, b = np.unravel_index(np.argmax(win), win.shape)
            want_m[0, vr[i] + a, vc[j] + b, ch] += dy[0, i, j, ch]
    for i, j in itertools.product(range(len(var) - 1), range(len(vac) - 1)):
        r1, c1 = min(var[i + 1] + 1, 7), min(vac[j + 1] + 1, 6)
        cnt = (r1 - var[i]) * (c1 - vac[j])
        want_a[0, var[i]:r1, vac[j]:c1] += dy[0, i, j] / cnt
    np.testing.assert_allclose(vgm, want_m)
    np.testing.assert_allclose(vga, want_a)


def test_batch_norm_with_global_normalization():
    x = RNG.standard_normal((4, 3))
    m, v = RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)
    beta, gamma = RNG.standard_normal(3), RNG.standard_normal(3)
    y = tf.nn.batch_norm_with_global_normalization(x, m, v, beta, gamma, 1e-3, True)
    np.testing.assert_allclose(_run(y), (x - m) / np.sqrt(v + 1e-3) * gamma + beta)
    y2 = tf.nn.batch_norm_with_global_normalization(input=x, mean=m, variance=v, beta=beta,
                                                    gamma=gamma, variance_epsilon=1e-3,
                                                    scale_after_normalization=False)
    np.testing.assert_allclose(_run(y2), (x - m) / np.sqrt(v + 1e-3) + beta)
