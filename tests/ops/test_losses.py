"""Cross-entropy ops (fused softmax xent with its backprop output, sparse, sigmoid) and the
tf.losses functions: values against NumPy, stability at +-1000, TF1 reductions, weights,
collections, names and errors."""
import numpy as np
import pytest

import tfgraph as tf


def _np_log_softmax(x):
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


RNG = np.random.default_rng(0)
LOGITS = RNG.normal(size=(4, 5)).astype(np.float32)
PROBS = RNG.uniform(0.1, 1, size=(4, 5)).astype(np.float32)
PROBS /= PROBS.sum(axis=1, keepdims=True)


# --- softmax cross-entropy -----------------------------------------------------------------------
def test_softmax_xent_v2_values_dtype_and_name(run):
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=PROBS, logits=LOGITS)
    assert loss.shape.as_list() == [4] and loss.dtype == tf.float32
    assert loss.name == "softmax_cross_entropy_with_logits/Reshape_2:0"
    fused = tf.get_default_graph().get_operation_by_name("softmax_cross_entropy_with_logits")
    assert fused.type == "SoftmaxCrossEntropyWithLogits" and len(fused.outputs) == 2
    out, backprop = run([loss, fused.outputs[1]])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, -(PROBS * _np_log_softmax(LOGITS.astype(np.float64))).sum(1),
                               rtol=1e-5)
    sm = np.exp(_np_log_softmax(LOGITS.astype(np.float64)))
    np.testing.assert_allclose(backprop, sm - PROBS, rtol=1e-5, atol=1e-6)


def test_softmax_xent_v1_needs_named_args_and_stops_label_gradient(run):
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits(PROBS, LOGITS)
    with pytest.raises(ValueError, match=r"Both labels and logits must be provided\."):
        tf.nn.softmax_cross_entropy_with_logits(labels=PROBS)
    labels, logits = tf.constant(PROBS), tf.constant(LOGITS)
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    assert loss.name == "softmax_cross_entropy_with_logits_sg/Reshape_2:0"
    gl, gx = tf.gradients(loss, [labels, logits])
    assert gl is None
    loss2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    gl2 = tf.gradients(loss2, labels)[0]
    np.testing.assert_allclose(run(gl2), -_np_log_softmax(LOGITS.astype(np.float64)), rtol=1e-5)
    sm = np.exp(_np_log_softmax(LOGITS.astype(np.float64)))
    np.testing.assert_allclose(run(gx), sm - PROBS, rtol=1e-5, atol=1e-6)


def test_softmax_xent_gradient_uses_the_fused_backprop_output():
    logits = tf.constant(LOGITS)
    loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits_v2(labels=PROBS, logits=logits))
    g = tf.gradients(loss, logits)[0]
    fused = tf.get_default_graph().get_operation_by_name("softmax_cross_entropy_with_logits")
    # walk back from the gradient: it must reach the op's backprop output, not a LogSoftmax
    seen, stack, reached_backprop = set(), [g.op], False
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        for t in op.inputs:
            if t is fused.outputs[1]:
                reached_backprop = True
            elif t.op is not fused:
                stack.append(t.op)
    assert reached_backprop
    assert not any(op.type in ("LogSoftmax", "Log") for op in seen)


def test_softmax_xent_stable_at_plus_minus_1000(run):
    logits = tf.constant([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    labels = tf.constant([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    g = tf.gradients(tf.reduce_sum(loss), logits)[0]
    lv, gv = run([loss, g])
    np.testing.assert_allclose(lv, [2000.0, 1.3132616], rtol=1e-6)
    e = np.exp(-1.0)
    np.testing.assert_allclose(gv, [[1, -1, 0], [0, 1 / (1 + e), e / (1 + e) - 1]], atol=1e-6)
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 2], logits=logits)
    gs = tf.gradients(tf.reduce_sum(sparse), logits)[0]
    sv, gsv = run([sparse, gs])
    np.testing.assert_allclose(sv, lv, rtol=1e-6)
    np.testing.assert_allclose(gsv, gv, atol=1e-6)
    sig = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    gsig = tf.gradients(tf.reduce_sum(sig), logits)[0]
    sgv, gsgv = run([sig, gsig])
    assert np.all(np.isfinite(sgv)) and np.all(np.isfinite(gsgv))
    np.testing.assert_allclose(sgv, [[1000, 1000, np.log(2)], [0, 1000, 0]], rtol=1e-6)


def test_softmax_xent_rank3_and_axis(run):
    x = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    p = RNG.uniform(size=(2, 3, 4)).astype(np.float32)
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=x)
    assert loss.shape.as_list() == [2, 3]
    np.testing.assert_allclose(run(loss), -(p * _np_log_softmax(x.astype(np.float64))).sum(-1),
                               rtol=1e-5)
    if hasattr(tf, "transpose"):
        l1 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=x, axis=1)
        ref = -(np.moveaxis(p, 1, -1) * _np_log_softmax(
            np.moveaxis(x, 1, -1).astype(np.float64))).sum(-1)
        np.testing.assert_allclose(run(l1), ref, rtol=1e-5)


def test_softmax_xent_shape_mismatch():
    with pytest.raises(ValueError, match=r"'softmax_cross_entropy_with_logits/Reshape_1'"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=np.zeros((4, 3), np.float32),
                                                   logits=LOGITS)


# --- sparse --------------------------------------------------------------------------------------
def test_sparse_xent_values_name_and_int64_labels(run):
    labels = np.array([0, 4, 2, 1], np.int64)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=LOGITS)
    assert loss.name == "SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits:0"
    assert loss.op.type == "SparseSoftmaxCrossEntropyWithLogits" and loss.shape.as_list() == [4]
    ref = -_np_log_softmax(LOGITS.astype(np.float64))[np.arange(4), labels]
    out = run(loss)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ref, rtol=1e-5)


def test_sparse_xent_rank3_and_errors(run):
    x = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    lab = np.array([[0, 1, 3], [2, 2, 0]], np.int32)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=x)
    assert loss.shape.as_list() == [2, 3]
    ref = -np.take_along_axis(_np_log_softmax(x.astype(np.float64)), lab[..., None], -1)[..., 0]
    np.testing.assert_allclose(run(loss), ref, rtol=1e-5)
    with pytest.raises(ValueError, match="Rank mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=LOGITS)
    with pytest.raises(ValueError, match="Shape mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1, 2], logits=LOGITS)
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sparse_softmax_cross_entropy_with_logits([0, 1, 2, 3], LOGITS)


def test_sparse_xent_out_of_range_label_is_invalid_argument():
    labels = tf.placeholder(tf.int32, [None])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=LOGITS)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="5 which is outside"):
            sess.run(loss, {labels: [0, 5, 1, 1]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"op 'SparseSoftmaxCrossEntropyWithLogits/"):
            sess.run(loss, {labels: [0, -1, 1, 1]})


# --- sigmoid / weighted --------------------------------------------------------------------------
def test_sigmoid_xent_values_and_name(run):
    z = (RNG.uniform(size=(4, 5)) > 0.5).astype(np.float32)
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=LOGITS)
    assert loss.name == "logistic_loss:0" and loss.dtype == tf.float32
    x = LOGITS.astype(np.float64)
    ref = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
    np.testing.assert_allclose(run(loss), ref, rtol=1e-5)
    with pytest.raises(ValueError, match=r"logits and labels must have the same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=z[:2], logits=LOGITS)
    with pytest.raises(ValueError, match=r"Only call `sigmoid_cross_entropy_with_logits`"):
        tf.nn.sigmoid_cross_entropy_with_logits(z, LOGITS)


def test_weighted_cross_entropy_with_logits(run):
    z = (RNG.uniform(size=(4, 5)) > 0.5).astype(np.float32)
    loss = tf.nn.weighted_cross_entropy_with_logits(targets=z, logits=LOGITS, pos_weight=3.0)
    x = LOGITS.astype(np.float64)
    sig = 1 / (1 + np.exp(-x))
    ref = -(3.0 * z * np.log(sig) + (1 - z) * np.log(1 - sig))
    np.testing.assert_allclose(run(loss), ref, rtol=1e-5)


# --- tf.losses -----------------------------------------------------------------------------------
P = np.array([[0.5, 1.0], [2.0, -1.0], [0.0, 3.0]], np.float32)
L = np.array([[1.0, 1.0], [0.0, 0.0], [0.5, 1.0]], np.float32)


def test_mean_squared_error_default_reduction_name_and_collection(run):
    loss = tf.losses.mean_squared_error(L, P)
    assert loss.name == "mean_squared_error/value:0" and loss.shape.as_list() == []
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]
    assert tf.losses.get_losses() == [loss]
    v = run(loss)
    assert isinstance(v, np.float32)
    assert v == pytest.approx(np.mean((P - L) ** 2), rel=1e-6)


@pytest.mark.parametrize("reduction,expected", [
    ("weighted_sum_by_nonzero_weights", lambda sq, w: (sq * w).sum() / 4.0),
    ("weighted_sum", lambda sq, w: (sq * w).sum()),
    ("weighted_mean", lambda sq, w: (sq * w).sum() / w.sum()),
    ("weighted_sum_over_batch_size", lambda sq, w: (sq * w).sum() / sq.size),
    ("none", lambda sq, w: sq * w),
])
def test_reductions_with_per_example_weights(run, reduction, expected):
    w = np.array([[2.0], [0.0], [0.5]], np.float32)  # broadcast over 2 columns: 4 nonzero
    loss = tf.losses.mean_squared_error(L, P, weights=w, reduction=reduction)
    np.testing.assert_allclose(run(loss), expected((P - L) ** 2, np.broadcast_to(w, P.shape)),
                               rtol=1e-6)


def test_reduction_keys_and_validation():
    R = tf.losses.Reduction
    assert R.SUM_BY_NONZERO_WEIGHTS == R.SUM_OVER_NONZERO_WEIGHTS
    assert R.SUM_BY_NONZERO_WEIGHTS == "weighted_sum_by_nonzero_weights"
    assert set(R.all()) >= {R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE}
    with pytest.raises(ValueError, match=r"Invalid Reduction Key bogus\."):
        tf.losses.mean_squared_error(L, P, reduction="bogus")


def test_zero_weights_give_zero_loss_and_bad_weights_raise(run):
    loss = tf.losses.absolute_difference(L, P, weights=0.0)
    assert run(loss) == 0.0
    with pytest.raises(ValueError, match=r"weights can not be broadcast to values\."):
        tf.losses.absolute_difference(L, P, weights=np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"Shapes \(3, 3\) and \(3, 2\) are incompatible"):
        tf.losses.absolute_difference(L, np.ones((3, 3), np.float32))
    with pytest.raises(ValueError, match=r"labels must not be None\."):
        tf.losses.mean_squared_error(None, P)


def test_absolute_huber_log_hinge_cosine(run):
    ad = tf.losses.absolute_difference(L, P, weights=2.0)
    hu = tf.losses.huber_loss(L, P, delta=1.0)
    prob = np.array([[0.9, 0.2], [0.4, 0.7]], np.float32)
    lab = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    ll = tf.losses.log_loss(lab, prob)
    hi = tf.losses.hinge_loss(lab, P[:2])
    u = np.array([[0.6, 0.8], [1.0, 0.0]], np.float32)
    cd = tf.losses.cosine_distance(u, np.array([[0.0, 1.0], [1.0, 0.0]], np.float32), axis=1)
    a, h, l, hv, c = run([ad, hu, ll, hi, cd])
    e = np.abs(P - L).astype(np.float64)
    assert a == pytest.approx(2 * e.sum() / e.size, rel=1e-6)
    assert h == pytest.approx(np.where(e <= 1, 0.5 * e ** 2, e - 0.5).mean(), rel=1e-6)
    eps = 1e-7
    ref_ll = -(lab * np.log(prob + eps) + (1 - lab) * np.log(1 - prob + eps)).mean()
    assert l == pytest.approx(ref_ll, rel=1e-5)
    assert hv == pytest.approx(np.maximum(0, 1 - (2 * lab - 1) * P[:2]).mean(), rel=1e-6)
    assert c == pytest.approx(np.mean([1 - 0.8, 0.0]), rel=1e-6)
    assert len(tf.losses.get_losses()) == 5


def test_softmax_cross_entropy_loss_smoothing_and_weights(run):
    onehot = np.eye(5, dtype=np.float32)[[0, 4, 2, 1]]
    w = np.array([1.0, 0.0, 2.0, 1.0], np.float32)
    loss = tf.losses.softmax_cross_entropy(onehot, LOGITS, weights=w, label_smoothing=0.1)
    assert loss.name == "softmax_cross_entropy_loss/value:0"
    smooth = onehot * 0.9 + 0.1 / 5
    per = -(smooth * _np_log_softmax(LOGITS.astype(np.float64))).sum(1)
    assert run(loss) == pytest.approx((per * w).sum() / 3.0, rel=1e-5)
    logits = tf.constant(LOGITS)
    l2 = tf.losses.softmax_cross_entropy(onehot, logits)
    g = tf.gradients(l2, logits)[0]
    sm = np.exp(_np_log_softmax(LOGITS.astype(np.float64)))
    np.testing.assert_allclose(run(g), (sm - onehot) / 4.0, rtol=1e-5, atol=1e-7)


def test_sparse_softmax_cross_entropy_loss_squeezes_labels(run):
    labels = np.array([[0], [4], [2], [1]], np.int32)
    w = np.array([[1.0], [2.0], [0.0], [1.0]], np.float32)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, LOGITS, weights=w)
    assert loss.name == "sparse_softmax_cross_entropy_loss/value:0"
    per = -_np_log_softmax(LOGITS.astype(np.float64))[np.arange(4), labels[:, 0]]
    assert run(loss) == pytest.approx((per * w[:, 0]).sum() / 3.0, rel=1e-5)


def test_sigmoid_cross_entropy_loss_with_smoothing(run):
    z = (RNG.uniform(size=(4, 5)) > 0.5).astype(np.float32)
    loss = tf.losses.sigmoid_cross_entropy(z, LOGITS, label_smoothing=0.2)
    zs = z * 0.8 + 0.1
    x = LOGITS.astype(np.float64)
    ref = (np.maximum(x, 0) - x * zs + np.log1p(np.exp(-np.abs(x)))).mean()
    assert run(loss) == pytest.approx(ref, rel=1e-5)


def test_total_and_regularization_losses(run):
    assert run(tf.losses.get_regularization_loss()) == 0.0
    with pytest.raises(ValueError, match=r"No losses found in collection\."):
        tf.losses.get_total_loss()
    a = tf.losses.mean_squared_error(L, P)
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.25))
    b = tf.losses.absolute_difference(L, P, loss_collection=None)
    assert tf.losses.get_losses() == [a]
    total = tf.losses.get_total_loss()
    assert total.name == "total_loss:0"
    reg = tf.losses.get_regularization_loss()
    av, tv, rv, _ = run([a, total, reg, b])
    assert tv == pytest.approx(av + 0.25, rel=1e-6) and rv == pytest.approx(0.25)
    assert run(tf.losses.get_total_loss(add_regularization_losses=False)) == pytest.approx(av)


def test_losses_cast_inputs_to_float32(run):
    loss = tf.losses.mean_squared_error(np.array([1, 2]), np.array([1.0, 4.0]))
    assert loss.dtype == tf.float32 and run(loss) == pytest.approx(2.0)
