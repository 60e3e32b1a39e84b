"""tf.metrics *_at_k, sensitivity/specificity and tf.losses.mean_pairwise_squared_error
against NumPy/Python references of TF1's definitions (sets per row, float64 counters)."""
import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.RandomState(7)
SCORES = RNG.rand(10, 6).astype(np.float32)
LABELS = RNG.randint(0, 6, size=(10, 2))
LABELS[2] = [7, 7]  # out of range: always a false negative
LABELS[4] = [1, 1]  # duplicates count once


def top_k(scores, k):
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def counts(labels, preds, class_id=None):
    """Per-row (tp, fp, fn) of label and prediction sets."""
    out = []
    for lab, pred in zip(labels, preds):
        lab, pred = set(lab.tolist()), set(pred.tolist())
        if class_id is not None:
            lab, pred = lab & {class_id}, pred & {class_id}
        out.append((len(lab & pred), len(pred - lab), len(lab - pred)))
    return np.array(out, np.float64)


def run_update(pair, steps=1):
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for _ in range(steps - 1):
            sess.run(pair[1])
        return sess.run(pair[1]), sess.run(pair[0])


@pytest.mark.parametrize("k,class_id", [(1, None), (3, None), (2, 1), (4, 5)])
def test_precision_and_recall_at_k(k, class_id):
    tp, fp, fn = counts(LABELS, top_k(SCORES, k), class_id).sum(0)
    prec = tf.metrics.precision_at_k(LABELS, SCORES, k, class_id=class_id)
    rec = tf.metrics.recall_at_k(LABELS, SCORES, k, class_id=class_id)
    (p_update, p_value), (r_update, r_value) = run_update(prec), run_update(rec)
    np.testing.assert_allclose([p_update, p_value], tp / (tp + fp), rtol=1e-12)
    np.testing.assert_allclose([r_update, r_value], tp / (tp + fn), rtol=1e-12)
    assert prec[0].dtype == tf.float64
    suffix = f"_class{class_id}" if class_id is not None else ""
    names = sorted(v.op.name for v in tf.local_variables())
    assert names == [f"precision_at_{k}{suffix}/false_positive_at_{k}{suffix}",
                     f"precision_at_{k}{suffix}/true_positive_at_{k}{suffix}",
                     f"recall_at_{k}{suffix}/false_negative_at_{k}{suffix}",
                     f"recall_at_{k}{suffix}/true_positive_at_{k}{suffix}"]
    assert set(tf.local_variables()) <= set(tf.get_collection(tf.GraphKeys.METRIC_VARIABLES))


def test_weights_streaming_and_top_k_variants():
    weights = np.arange(10, dtype=np.float32)
    c = counts(LABELS, top_k(SCORES, 2)) * weights[:, None]
    tp, fp, fn = c.sum(0)
    prec = tf.metrics.precision_at_top_k(LABELS, tf.constant(top_k(SCORES, 2)), k=2,
                                         weights=weights)
    rec = tf.metrics.recall_at_top_k(LABELS, tf.constant(top_k(SCORES, 2).astype(np.int32)),
                                     weights=weights)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for _ in range(3):  # three identical batches: same ratios, tripled counts
            sess.run([prec[1], rec[1]])
        np.testing.assert_allclose(sess.run([prec[0], rec[0]]), [tp / (tp + fp), tp / (tp + fn)])
    assert any(v.op.name == "recall_at_k/true_positive_at_k" for v in tf.local_variables())


def test_precision_is_nan_without_any_prediction_of_the_class():
    value, _ = run_update(tf.metrics.precision_at_k(LABELS, SCORES, 1, class_id=99))
    assert np.isnan(value)


def average_precision(labels_rows, preds, sparse=False):
    out = []
    for lab, pred in zip(labels_rows, preds):
        lab_set = set(lab)
        relevant = np.array([p in lab_set for p in pred], np.float64)
        precision = np.cumsum(relevant) / np.arange(1, len(pred) + 1)
        # TF1: the set size for sparse labels, the non-negative entries of a dense row
        n = len(lab_set) if sparse else int(np.sum(np.asarray(lab) >= 0))
        out.append(np.sum(precision * relevant) / min(n, len(pred)))
    return np.array(out)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_average_precision_at_k(k):
    expected = average_precision(LABELS.tolist(), top_k(SCORES, k)).mean()
    update, value = run_update(tf.metrics.average_precision_at_k(LABELS, SCORES, k))
    np.testing.assert_allclose([update, value], expected, rtol=1e-12)
    alias = tf.metrics.sparse_average_precision_at_k(LABELS, SCORES, k, weights=np.ones(10))
    np.testing.assert_allclose(run_update(alias)[0], expected, rtol=1e-12)
    with pytest.raises(ValueError, match="Invalid k=0"):
        tf.metrics.average_precision_at_k(LABELS, SCORES, 0)


def test_sparse_labels():
    indices = [[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]]
    values = np.array([1, 4, 2, 5, 0, 3], np.int64)
    sp = tf.SparseTensor(indices, values, [3, 3])
    rows = [[1, 4], [2], [5, 0, 3]]
    scores = SCORES[:3]
    tp = fn = 0
    for lab, pred in zip(rows, top_k(scores, 3)):
        tp += len(set(lab) & set(pred))
        fn += len(set(lab) - set(pred))
    np.testing.assert_allclose(run_update(tf.metrics.recall_at_k(sp, scores, 3))[0],
                               tp / (tp + fn))
    expected = average_precision(rows, top_k(scores, 2), sparse=True).mean()
    np.testing.assert_allclose(run_update(tf.metrics.average_precision_at_k(sp, scores, 2))[0],
                               expected)


def test_labels_rank_must_match():
    with pytest.raises(ValueError, match="Unexpected labels shape"):
        tf.metrics.recall_at_k(np.zeros((10, 2, 2), np.int64), SCORES, 2)
    with pytest.raises(ValueError, match="labels must be an integer tensor"):
        tf.metrics.recall_at_k(np.zeros((10, 2), np.float32), SCORES, 2)


# --- sensitivity / specificity ----------------------------------------------------------------
BIN_LABELS = RNG.rand(60) > 0.4
BIN_PREDS = np.clip(RNG.rand(60) * 0.6 + BIN_LABELS * 0.3, 0, 1).astype(np.float32)


def confusion(thresholds, weights):
    pos = BIN_PREDS[None, :] > np.array(thresholds)[:, None]
    lab = BIN_LABELS[None, :]
    w = weights[None, :]
    return ((pos & lab) * w).sum(1), ((~pos & lab) * w).sum(1), \
        ((~pos & ~lab) * w).sum(1), ((pos & ~lab) * w).sum(1)


def thresholds(n, last):
    return [-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [last]


@pytest.mark.parametrize("specificity,n,weighted", [(0.7, 200, False), (0.5, 20, True)])
def test_sensitivity_at_specificity(specificity, n, weighted):
    w = RNG.rand(60).astype(np.float32) if weighted else np.ones(60, np.float32)
    tp, fn, tn, fp = confusion(thresholds(n, 1 + 1e-7), w)
    i = np.argmin(np.abs(tn / (tn + fp + 1e-7) - specificity))
    expected = tp[i] / (tp[i] + fn[i] + 1e-7)
    pair = tf.metrics.sensitivity_at_specificity(BIN_LABELS, BIN_PREDS, specificity,
                                                 weights=w if weighted else None,
                                                 num_thresholds=n)
    np.testing.assert_allclose(run_update(pair), expected, rtol=1e-5)
    assert "sensitivity_at_specificity/true_positives" in [v.op.name
                                                           for v in tf.local_variables()]


@pytest.mark.parametrize("sensitivity,n", [(0.8, 200), (1.0, 7)])
def test_specificity_at_sensitivity_takes_the_last_of_ties(sensitivity, n):
    tp, fn, tn, fp = confusion(thresholds(n, 1 - 1e-7), np.ones(60, np.float32))
    distance = np.abs(tp / (tp + fn + 1e-7) - sensitivity)
    i = np.nonzero(distance == distance.min())[0][-1]
    expected = tn[i] / (tn[i] + fp[i] + 1e-7)
    pair = tf.metrics.specificity_at_sensitivity(BIN_LABELS, BIN_PREDS, sensitivity,
                                                 num_thresholds=n)
    np.testing.assert_allclose(run_update(pair), expected, rtol=1e-5)


def test_operating_point_errors():
    with pytest.raises(ValueError, match="`specificity` must be in the range"):
        tf.metrics.sensitivity_at_specificity(BIN_LABELS, BIN_PREDS, 1.5)
    with pytest.raises(ValueError, match="`sensitivity` must be in the range"):
        tf.metrics.specificity_at_sensitivity(BIN_LABELS, BIN_PREDS, -0.1)


# --- mean_pairwise_squared_error -------------------------------------------------------------
def pairwise_reference(labels, preds, weights):
    total = 0.0
    for l, p, w in zip(labels.reshape(len(labels), -1), preds.reshape(len(preds), -1),
                       np.broadcast_to(weights, (len(labels),) + (1,) * (labels.ndim - 1))
                       .reshape(len(labels))):
        n = len(l)
        d = p - l
        pairs = [(d[i] - d[j]) ** 2 for i in range(n) for j in range(n) if i != j]
        total += w * np.mean(pairs)
    return total


@pytest.mark.parametrize("weights", [1.0, np.array([[[1.0]], [[0.0]], [[2.5]]], np.float32)])
def test_mean_pairwise_squared_error(weights):
    labels = RNG.randn(3, 4, 2).astype(np.float32)
    preds = RNG.randn(3, 4, 2).astype(np.float32)
    loss = tf.losses.mean_pairwise_squared_error(labels, preds, weights)
    assert loss.dtype == tf.float32 and loss in tf.losses.get_losses()
    with tf.Session() as sess:
        got = sess.run(loss)
    np.testing.assert_allclose(got, pairwise_reference(labels, preds, weights), rtol=1e-5)
    offset = tf.losses.mean_pairwise_squared_error(labels, labels + 3.0)  # offsets cancel
    with tf.Session() as sess:
        assert abs(sess.run(offset)) < 1e-4
    with pytest.raises(ValueError, match="Argument `labels` must not be None"):
        tf.losses.mean_pairwise_squared_error(None, preds)
    with pytest.raises(ValueError, match="incompatible with labels shape"):
        tf.losses.mean_pairwise_squared_error(labels, preds[:, :2])
