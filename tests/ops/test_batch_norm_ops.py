"""FusedBatchNorm{,V2,V3} and their gradient ops against NumPy references (TF's CPU semantics:
training outputs the unbiased batch variance, reserve spaces keep the biased one)."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.backends import default_backend_name

F32 = np.float32
RNG = np.random.default_rng(3)
X = RNG.normal(1.0, 2.0, (4, 3, 5, 2)).astype(F32)
SCALE = np.array([0.5, 2.0], F32)
OFFSET = np.array([-1.0, 0.25], F32)


def _ref(x, mean, var, eps=1e-3, axes=(0, 1, 2), bshape=(1, 1, 1, -1)):
    return (x - mean.reshape(bshape)) / np.sqrt(var.reshape(bshape) + eps) * \
        SCALE.reshape(bshape) + OFFSET.reshape(bshape)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_training_normalizes_with_batch_statistics(data_format):
    x = X if data_format == "NHWC" else X.transpose(0, 3, 1, 2)
    axes = (0, 1, 2) if data_format == "NHWC" else (0, 2, 3)
    bshape = (1, 1, 1, -1) if data_format == "NHWC" else (1, -1, 1, 1)
    y, m, v = tf.nn.fused_batch_norm(x, SCALE, OFFSET, epsilon=1e-3, data_format=data_format)
    assert y.op.type == "FusedBatchNormV3" and y.dtype == tf.float32
    with tf.Session() as sess:
        got_y, got_m, got_v, r1, r2 = sess.run([y, m, v] + y.op.outputs[3:5])
    mean, var = X.mean((0, 1, 2)), X.var((0, 1, 2))
    n = X.size // 2
    np.testing.assert_allclose(got_y, _ref(x, mean, var, axes=axes, bshape=bshape),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_m, mean, rtol=1e-5)
    np.testing.assert_allclose(got_v, var * n / (n - 1), rtol=1e-5)  # unbiased
    np.testing.assert_allclose(r2, var, rtol=1e-5)  # biased, for the gradient
    np.testing.assert_allclose(r1, mean, rtol=1e-5)


def test_inference_and_running_average():
    mean, var = np.array([0.5, -1.0], F32), np.array([2.0, 0.5], F32)
    y, m, v = tf.nn.fused_batch_norm(X, SCALE, OFFSET, mean, var, epsilon=1e-3,
                                     is_training=False)
    y2, m2, v2 = tf.nn.fused_batch_norm(X, SCALE, OFFSET, mean, var, epsilon=1e-3,
                                        exponential_avg_factor=0.25)
    with tf.Session() as sess:
        got = sess.run([y, m, v, m2, v2])
    np.testing.assert_allclose(got[0], _ref(X, mean, var), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got[1], mean)
    np.testing.assert_array_equal(got[2], var)
    n = X.size // 2
    np.testing.assert_allclose(got[3], 0.75 * mean + 0.25 * X.mean((0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(got[4], 0.75 * var + 0.25 * X.var((0, 1, 2)) * n / (n - 1),
                               rtol=1e-5)


def test_gradients_match_the_composite_formula():
    x = tf.constant(X.astype(np.float64))
    s, o = tf.constant(SCALE.astype(np.float64)), tf.constant(OFFSET.astype(np.float64))
    y = tf.nn.fused_batch_norm(x, s, o, epsilon=1e-3)[0]
    dy = RNG.normal(size=X.shape)
    gx, gs, go = tf.gradients(y, [x, s, o], grad_ys=tf.constant(dy))
    assert gx.op.type == "FusedBatchNormGradV3"
    with tf.Session() as sess:
        got = sess.run([gx, gs, go])
    xd = X.astype(np.float64)
    mean, var = xd.mean((0, 1, 2)), xd.var((0, 1, 2))
    xhat = (xd - mean) / np.sqrt(var + 1e-3)
    n = xd.size // 2
    d_off, d_sc = dy.sum((0, 1, 2)), (dy * xhat).sum((0, 1, 2))
    dx = SCALE / np.sqrt(var + 1e-3) / n * (n * dy - d_off - xhat * d_sc)
    np.testing.assert_allclose(got[0], dx, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(got[1], d_sc, rtol=1e-10)
    np.testing.assert_allclose(got[2], d_off, rtol=1e-10)


def test_bad_inputs_name_the_problem():
    with pytest.raises(ValueError,
                       match="`mean` and `variance` must be a 1D tensor when `is_training`"):
        tf.nn.fused_batch_norm(X, SCALE, OFFSET, is_training=False)
    with pytest.raises(ValueError, match="must have 2 elements"):
        tf.nn.fused_batch_norm(X, np.ones(3, F32), OFFSET)
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.fused_batch_norm(X, SCALE, OFFSET, data_format="NWHC")
    with pytest.raises(TypeError, match="int32"):
        tf.nn.fused_batch_norm(X.astype(np.int32), SCALE, OFFSET)


def _bn_values(x_val, dy_val, data_format):
    """Training and inference outputs of FusedBatchNormV3 and both modes' gradients."""
    tf.reset_default_graph()
    c = x_val.shape[3 if data_format == "NHWC" else 1]
    x = tf.constant(x_val)
    scale = tf.constant(np.linspace(0.5, 2.0, c).astype(F32))
    offset = tf.constant(np.linspace(-1.0, 1.0, c).astype(F32))
    mean = tf.constant(np.linspace(-0.5, 0.5, c).astype(F32))
    var = tf.constant(np.linspace(0.5, 3.0, c).astype(F32))
    train = tf.nn.fused_batch_norm(x, scale, offset, epsilon=1e-3, data_format=data_format)
    infer = tf.nn.fused_batch_norm(x, scale, offset, mean, var, epsilon=1e-3,
                                   is_training=False, data_format=data_format)
    dy = tf.constant(dy_val)
    grads = tf.gradients(train[0], [x, scale, offset], grad_ys=dy) + \
        tf.gradients(infer[0], [x, scale, offset], grad_ys=dy)
    with tf.Session() as sess:
        return sess.run(list(train) + [infer[0]] + grads)


def test_nhwc_kernels_match_the_general_path_and_any_split(split_on_two_threads):
    """The NHWC kernels ((N*H, W*C) rows, sums as products with ones, fixed row slices) give
    what the general NCHW path gives, and the same bits however many threads share the
    slices."""
    x = RNG.normal(1.0, 2.0, (16, 6, 5, 8)).astype(F32)
    dy = RNG.normal(size=x.shape).astype(F32)
    nhwc = _bn_values(x, dy, "NHWC")
    nchw = _bn_values(x.transpose(0, 3, 1, 2), dy.transpose(0, 3, 1, 2), "NCHW")
    names = ["y", "mean", "variance", "inference y", "dx", "d_scale", "d_offset",
             "inference dx", "inference d_scale", "inference d_offset"]
    for name, a, b in zip(names, nhwc, nchw):
        assert a.dtype == np.float32, name
        if a.ndim == 4:
            b = b.transpose(0, 2, 3, 1)
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5, err_msg=name)
    parts = split_on_two_threads()
    split = _bn_values(x, dy, "NHWC")
    if default_backend_name() == "numpy":  # (other backends are not split)
        assert len(parts) >= 8  # the kernels' passes ran in two parts
    for name, a, b in zip(names, nhwc, split):
        np.testing.assert_array_equal(b, a, err_msg=name)
