"""tf.metrics: (value, update_op) pairs on LOCAL/METRIC_VARIABLES with TF1's variable names,
streaming values over several batches against NumPy references, errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(6)


def _stream(metric_fn, batches, feeds):
    """Runs update_op once per batch; returns (update results, final value)."""
    value, update = metric_fn
    ups = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for b in batches:
            ups.append(sess.run(update, {k: v for k, v in zip(feeds, b)}))
        return ups, sess.run(value)


def test_accuracy_mean_and_variable_names():
    l, p = tf.placeholder(tf.int64, [None]), tf.placeholder(tf.int64, [None])
    w = tf.placeholder(tf.float32, [None])
    acc = tf.metrics.accuracy(l, p, weights=w)
    names = [v.op.name for v in tf.local_variables()]
    assert names == ["accuracy/total", "accuracy/count"]
    assert tf.get_collection(tf.GraphKeys.METRIC_VARIABLES) == tf.local_variables()
    assert tf.global_variables() == []
    b1 = ([1, 0, 2], [1, 1, 2], [1.0, 1.0, 2.0])
    b2 = ([0, 0], [0, 1], [0.5, 1.0])
    ups, final = _stream(acc, [b1, b2], [l, p, w])
    np.testing.assert_allclose(ups[0], 3.0 / 4.0)
    np.testing.assert_allclose(final, (1 + 2 + 0.5) / (4 + 1.5), rtol=1e-6)
    m = tf.metrics.mean(tf.constant([1.0, 2.0, 6.0]), name="avg")
    assert [v.op.name for v in tf.local_variables()][-2:] == ["avg/total", "avg/count"]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(m[0]) == 0.0  # no data yet: 0, not nan
        sess.run(m[1])
        np.testing.assert_allclose(sess.run(m[1]), 3.0)


def test_error_metrics_stream_like_numpy():
    y, yh = tf.placeholder(tf.float32, [None, 2]), tf.placeholder(tf.float32, [None, 2])
    mae = tf.metrics.mean_absolute_error(y, yh)
    mse = tf.metrics.mean_squared_error(y, yh)
    rmse = tf.metrics.root_mean_squared_error(y, yh)
    mre = tf.metrics.mean_relative_error(y, yh, normalizer=tf.abs(y) + 1.0)
    batches = [(RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))) for _ in range(3)]
    a = np.concatenate([b[0] for b in batches])
    b = np.concatenate([b[1] for b in batches])
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for ba in batches:
            sess.run([mae[1], mse[1], rmse[1], mre[1]], {y: ba[0], yh: ba[1]})
        got = sess.run([mae[0], mse[0], rmse[0], mre[0]])
    np.testing.assert_allclose(got, [np.abs(a - b).mean(), ((a - b) ** 2).mean(),
                                     np.sqrt(((a - b) ** 2).mean()),
                                     (np.abs(a - b) / (np.abs(a) + 1)).mean()], rtol=1e-5)
    assert "root_mean_squared_error/total" in [v.op.name for v in tf.local_variables()]


def test_confusion_counts_precision_recall():
    l, p = tf.placeholder(tf.int32, [None]), tf.placeholder(tf.int32, [None])
    metrics = [tf.metrics.true_positives(l, p), tf.metrics.false_positives(l, p),
               tf.metrics.true_negatives(l, p), tf.metrics.false_negatives(l, p),
               tf.metrics.precision(l, p), tf.metrics.recall(l, p)]
    assert "precision/true_positives/count" in [v.op.name for v in tf.local_variables()]
    labels = RNG.integers(0, 2, 20)
    preds = RNG.integers(0, 2, 20)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(metrics[4][0]) == 0.0
        for i in (0, 10):
            sess.run([m[1] for m in metrics], {l: labels[i:i + 10], p: preds[i:i + 10]})
        tp, fp, tn, fn, prec, rec = sess.run([m[0] for m in metrics])
    L, P = labels.astype(bool), preds.astype(bool)
    assert (tp, fp, tn, fn) == ((L & P).sum(), (~L & P).sum(), (~L & ~P).sum(), (L & ~P).sum())
    np.testing.assert_allclose(prec, tp / (tp + fp), rtol=1e-6)
    np.testing.assert_allclose(rec, tp / (tp + fn), rtol=1e-6)


def _np_auc(labels, scores, n=200, curve="ROC"):
    eps = 1e-7
    th = [0.0 - eps] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1.0 + eps]
    tp = np.array([((scores > t) & labels).sum() for t in th], float)
    fp = np.array([((scores > t) & ~labels).sum() for t in th], float)
    fn = np.array([((scores <= t) & labels).sum() for t in th], float)
    tn = np.array([((scores <= t) & ~labels).sum() for t in th], float)
    rec = (tp + eps) / (tp + fn + eps)
    if curve == "ROC":
        x, y = fp / (fp + tn + eps), rec
    else:
        x, y = rec, (tp + eps) / (tp + fp + eps)
    return np.sum((x[:-1] - x[1:]) * (y[:-1] + y[1:]) / 2)


@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_auc_matches_numpy(curve):
    labels = RNG.integers(0, 2, 40).astype(bool)
    scores = np.clip(labels * 0.3 + RNG.uniform(0, 0.7, 40), 0, 1).astype(np.float32)
    lp, sp = tf.placeholder(tf.bool, [None]), tf.placeholder(tf.float32, [None])
    auc = tf.metrics.auc(lp, sp, curve=curve)
    _, final = _stream(auc, [(labels[:20], scores[:20]), (labels[20:], scores[20:])],
                       [lp, sp])
    np.testing.assert_allclose(final, _np_auc(labels, scores, curve=curve), rtol=1e-4)
    with pytest.raises(ValueError, match="curve"):
        tf.metrics.auc(lp, sp, curve="XY")


def test_thresholds_metrics():
    labels = np.array([1, 0, 1, 1, 0], bool)
    scores = np.array([0.9, 0.6, 0.4, 0.2, 0.1], np.float32)
    th = [0.3, 0.5]
    tp = tf.metrics.true_positives_at_thresholds(labels, scores, th)
    fp = tf.metrics.false_positives_at_thresholds(labels, scores, th)
    prec = tf.metrics.precision_at_thresholds(labels, scores, th)
    rec = tf.metrics.recall_at_thresholds(labels, scores, th)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        sess.run([tp[1], fp[1], prec[1], rec[1]])
        a, b, c, d = sess.run([tp[0], fp[0], prec[0], rec[0]])
    np.testing.assert_array_equal(a, [2, 1])
    np.testing.assert_array_equal(b, [1, 1])
    np.testing.assert_allclose(c, [2 / 3, 1 / 2], rtol=1e-5)
    np.testing.assert_allclose(d, [2 / 3, 1 / 3], rtol=1e-5)


def test_mean_iou_and_per_class_accuracy():
    labels = np.array([0, 0, 1, 1, 2, 2])
    preds = np.array([0, 1, 1, 1, 0, 2])
    iou = tf.metrics.mean_iou(labels, preds, 3)
    pca = tf.metrics.mean_per_class_accuracy(labels, preds, 3)
    assert "mean_iou/total_confusion_matrix" in [v.op.name for v in tf.local_variables()]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        cm, _ = sess.run([iou[1], pca[1]])
        got_iou, got_pca = sess.run([iou[0], pca[0]])
    want_cm = np.zeros((3, 3))
    np.add.at(want_cm, (labels, preds), 1)
    np.testing.assert_array_equal(cm, want_cm)
    inter = np.diag(want_cm)
    union = want_cm.sum(0) + want_cm.sum(1) - inter
    np.testing.assert_allclose(got_iou, (inter / union).mean(), rtol=1e-6)
    np.testing.assert_allclose(got_pca, np.mean([0.5, 1.0, 0.5]), rtol=1e-6)


def test_mean_tensor_cosine_percentage_and_collections():
    v = tf.placeholder(tf.float32, [2, 2])
    mt = tf.metrics.mean_tensor(v, metrics_collections=["mc"], updates_collections=["uc"])
    assert tf.get_collection("mc") == [mt[0]] and tf.get_collection("uc") == [mt[1]]
    pb = tf.metrics.percentage_below(tf.constant([1.0, 5.0, 2.0, 9.0]), 3.0)
    u = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    cd = tf.metrics.mean_cosine_distance(u, np.array([[1.0, 0.0], [1.0, 0.0]], np.float32), 1)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        sess.run(mt[1], {v: [[1, 2], [3, 4]]})
        sess.run(mt[1], {v: [[3, 2], [1, 0]]})
        sess.run([pb[1], cd[1]])
        np.testing.assert_allclose(sess.run(mt[0]), [[2, 2], [2, 2]])
        np.testing.assert_allclose(sess.run(pb[0]), 0.5)
        np.testing.assert_allclose(sess.run(cd[0]), 0.5)
    with pytest.raises(ValueError, match="fully defined"):
        tf.metrics.mean_tensor(tf.placeholder(tf.float32, [None]))
    with pytest.raises(ValueError, match="accuracy"):
        tf.metrics.accuracy(tf.zeros([3]), tf.zeros([4]))
