"""Canned estimators: TF1's variable names, default optimizers, SUM loss and head metrics
checked against a NumPy forward pass of the checkpointed weights."""
import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.RandomState(0)
X = RNG.randn(120, 4).astype(np.float32)
Y3 = ((X[:, 0] - X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 0.5).astype(np.int64))
Y2 = (X[:, 0] + 0.5 * X[:, 3] > 0).astype(np.int64)
COLS = [tf.feature_column.numeric_column("x", shape=4)]


def train_fn(y, batch_size=20):
    return tf.estimator.inputs.numpy_input_fn({"x": X}, y, batch_size=batch_size,
                                              num_epochs=None, shuffle=True)


def eval_fn(y):
    return tf.estimator.inputs.numpy_input_fn({"x": X}, y, batch_size=40, shuffle=False)


def softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_dnn_classifier_names_metrics_and_predictions(tmp_path):
    est = tf.estimator.DNNClassifier([8, 6], COLS, model_dir=str(tmp_path), n_classes=3,
                                     config=tf.estimator.RunConfig(tf_random_seed=2))
    est.train(train_fn(Y3), steps=30)
    names = est.get_variable_names()
    for layer in ("hiddenlayer_0", "hiddenlayer_1", "logits"):
        assert f"dnn/{layer}/kernel" in names and f"dnn/{layer}/bias" in names
        assert f"dnn/{layer}/kernel/Adagrad" in names  # the default optimizer
    assert est.get_variable_value("dnn/hiddenlayer_0/kernel").shape == (4, 8)
    v = est.get_variable_value
    h = np.maximum(X @ v("dnn/hiddenlayer_0/kernel") + v("dnn/hiddenlayer_0/bias"), 0)
    h = np.maximum(h @ v("dnn/hiddenlayer_1/kernel") + v("dnn/hiddenlayer_1/bias"), 0)
    logits = h @ v("dnn/logits/kernel") + v("dnn/logits/bias")
    probs = softmax(logits.astype(np.float64))
    per_example = -np.log(probs[np.arange(len(Y3)), Y3])
    result = est.evaluate(eval_fn(Y3))
    assert sorted(result) == ["accuracy", "average_loss", "global_step", "loss"]
    np.testing.assert_allclose(result["average_loss"], per_example.mean(), rtol=1e-4)
    # loss: the SUM over each batch of 40, averaged over the 3 batches
    np.testing.assert_allclose(result["loss"], per_example.mean() * 40, rtol=1e-4)
    np.testing.assert_allclose(result["accuracy"], np.mean(logits.argmax(1) == Y3), rtol=1e-6)
    preds = list(est.predict(tf.estimator.inputs.numpy_input_fn({"x": X[:3]}, batch_size=3,
                                                                shuffle=False)))
    assert sorted(preds[0]) == ["all_class_ids", "all_classes", "class_ids", "classes",
                                "logits", "probabilities"]
    np.testing.assert_allclose(np.stack([p["probabilities"] for p in preds]), probs[:3],
                               rtol=1e-4, atol=1e-6)
    assert [p["class_ids"].tolist() for p in preds] == [[int(i)] for i in logits[:3].argmax(1)]
    assert preds[0]["classes"] == [str(preds[0]["class_ids"][0]).encode()]
    assert preds[0]["all_classes"].tolist() == [b"0", b"1", b"2"]


def test_linear_classifier_binary_metrics(tmp_path):
    est = tf.estimator.LinearClassifier(COLS, model_dir=str(tmp_path))
    est.train(train_fn(Y2), steps=40)
    names = est.get_variable_names()
    assert "linear/linear_model/x/weights" in names
    assert "linear/linear_model/bias_weights" in names
    assert any(n.startswith("linear/linear_model/x/weights/Ftrl") for n in names)
    w = est.get_variable_value("linear/linear_model/x/weights")
    b = est.get_variable_value("linear/linear_model/bias_weights")
    assert w.shape == (4, 1) and b.shape == (1,)
    logit = (X @ w + b).ravel().astype(np.float64)
    p = 1 / (1 + np.exp(-logit))
    per_example = -(Y2 * np.log(p) + (1 - Y2) * np.log(1 - p))
    pred = (logit > 0).astype(np.int64)
    result = est.evaluate(eval_fn(Y2))
    assert sorted(result) == ["accuracy", "accuracy_baseline", "auc", "auc_precision_recall",
                              "average_loss", "global_step", "label/mean", "loss", "precision",
                              "prediction/mean", "recall"]
    np.testing.assert_allclose(result["average_loss"], per_example.mean(), rtol=1e-4)
    np.testing.assert_allclose(result["accuracy"], np.mean(pred == Y2), rtol=1e-6)
    tp = np.sum((pred == 1) & (Y2 == 1))
    np.testing.assert_allclose(result["precision"], tp / pred.sum(), rtol=1e-6)
    np.testing.assert_allclose(result["recall"], tp / Y2.sum(), rtol=1e-6)
    np.testing.assert_allclose(result["label/mean"], Y2.mean(), rtol=1e-6)
    np.testing.assert_allclose(result["accuracy_baseline"], max(Y2.mean(), 1 - Y2.mean()),
                               rtol=1e-6)
    np.testing.assert_allclose(result["prediction/mean"], p.mean(), rtol=1e-4)
    assert result["auc"] > 0.9
    pred0 = next(est.predict(tf.estimator.inputs.numpy_input_fn({"x": X[:1]}, batch_size=1,
                                                                shuffle=False)))
    np.testing.assert_allclose(pred0["logistic"], [p[0]], rtol=1e-4)
    np.testing.assert_allclose(pred0["probabilities"], [1 - p[0], p[0]], rtol=1e-4)


def test_regressors_learn_a_linear_target(tmp_path):
    y = (X @ np.array([1.0, -2.0, 0.5, 0.0], np.float32) + 1.0)
    lin = tf.estimator.LinearRegressor(COLS, model_dir=str(tmp_path / "lin"),
                                       optimizer=tf.train.GradientDescentOptimizer(0.002))
    lin.train(train_fn(y), steps=200)
    w = lin.get_variable_value("linear/linear_model/x/weights").ravel()
    np.testing.assert_allclose(w, [1.0, -2.0, 0.5, 0.0], atol=0.05)
    result = lin.evaluate(eval_fn(y))
    pred = X @ lin.get_variable_value("linear/linear_model/x/weights") + \
        lin.get_variable_value("linear/linear_model/bias_weights")
    np.testing.assert_allclose(result["average_loss"], np.mean((pred.ravel() - y) ** 2),
                               rtol=1e-4)
    np.testing.assert_allclose(result["label/mean"], y.mean(), rtol=1e-5)
    np.testing.assert_allclose(result["prediction/mean"], pred.mean(), rtol=1e-4)
    dnn = tf.estimator.DNNRegressor([8], COLS, model_dir=str(tmp_path / "dnn"),
                                    optimizer="Adam")
    dnn.train(train_fn(y), steps=5)
    assert "dnn/hiddenlayer_0/kernel/Adam" in dnn.get_variable_names()
    first = next(dnn.predict(tf.estimator.inputs.numpy_input_fn({"x": X[:1]}, batch_size=1,
                                                                shuffle=False)))
    assert sorted(first) == ["predictions"] and first["predictions"].shape == (1,)


def test_label_vocabulary_and_embedding_columns(tmp_path):
    words = np.array(["cat", "dog", "fish"])[Y3]
    color = tf.feature_column.categorical_column_with_identity("c", 3)
    cols = COLS + [tf.feature_column.embedding_column(color, 2)]
    est = tf.estimator.DNNClassifier([4], cols, model_dir=str(tmp_path), n_classes=3,
                                     label_vocabulary=["cat", "dog", "fish"])
    fn = tf.estimator.inputs.numpy_input_fn({"x": X, "c": Y3}, words, batch_size=30,
                                            num_epochs=None, shuffle=True)
    est.train(fn, steps=3)
    assert est.get_variable_value(
        "dnn/input_from_feature_columns/input_layer/c_embedding/embedding_weights").shape == (3, 2)
    pred = next(est.predict(tf.estimator.inputs.numpy_input_fn({"x": X[:1], "c": Y3[:1]},
                                                               batch_size=1, shuffle=False)))
    assert pred["classes"][0] in (b"cat", b"dog", b"fish")
    bad = tf.estimator.inputs.numpy_input_fn({"x": X[:2], "c": Y3[:2]}, np.array(["cat", "cow"]),
                                             batch_size=2, shuffle=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match="label_vocabulary"):
        est.evaluate(bad)


def test_canned_errors():
    with pytest.raises(ValueError, match="n_classes must be > 1: 1"):
        tf.estimator.DNNClassifier([4], COLS, n_classes=1)
    with pytest.raises(ValueError, match="label_vocabulary has 2 classes but n_classes is 3"):
        tf.estimator.LinearClassifier(COLS, n_classes=3, label_vocabulary=["a", "b"])
    with pytest.raises(ValueError, match="feature_columns must not be empty"):
        tf.estimator.LinearClassifier([])
    est = tf.estimator.DNNClassifier([4], COLS, optimizer="Nesterov")
    with pytest.raises(ValueError, match="Unsupported optimizer name: Nesterov"):
        est.train(train_fn(Y2), steps=1)
    est = tf.estimator.DNNClassifier([4], COLS)
    with pytest.raises(ValueError, match="Labels dtype should be integer"):
        est.train(tf.estimator.inputs.numpy_input_fn({"x": X}, Y2.astype(np.float32),
                                                     shuffle=False), steps=1)
