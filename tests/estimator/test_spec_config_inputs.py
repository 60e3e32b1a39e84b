"""EstimatorSpec's and RunConfig's checks, numpy_input_fn's batches, train_and_evaluate and
export_saved_model (TF1's names, defaults and errors)."""
import os

import numpy as np
import pytest

import tfgraph as tf

MK = tf.estimator.ModeKeys


# --- EstimatorSpec ---------------------------------------------------------------------------
def test_estimator_spec_requires_the_fields_of_its_mode():
    loss = tf.constant(1.0)
    with pytest.raises(ValueError, match="Missing train_op"):
        tf.estimator.EstimatorSpec(MK.TRAIN, loss=loss)
    with pytest.raises(ValueError, match="Missing loss"):
        tf.estimator.EstimatorSpec(MK.EVAL)
    with pytest.raises(ValueError, match="Missing predictions"):
        tf.estimator.EstimatorSpec(MK.PREDICT)
    spec = tf.estimator.EstimatorSpec(MK.EVAL, loss=tf.constant([2.0]))
    assert spec.loss.shape.as_list() == []  # shape [1] is reshaped to a scalar
    assert spec.predictions == {} and spec.eval_metric_ops == {}
    assert spec.training_hooks == () and isinstance(spec.scaffold, tf.train.Scaffold)


def test_estimator_spec_type_and_graph_errors():
    with pytest.raises(ValueError, match="Loss must be scalar"):
        tf.estimator.EstimatorSpec(MK.EVAL, loss=tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="loss must be Tensor"):
        tf.estimator.EstimatorSpec(MK.EVAL, loss=1.0)
    with pytest.raises(TypeError, match="train_op must be Operation or Tensor"):
        tf.estimator.EstimatorSpec(MK.TRAIN, loss=tf.constant(1.0), train_op="step")
    with pytest.raises(TypeError, match=r"predictions\[p\] must be Tensor"):
        tf.estimator.EstimatorSpec(MK.PREDICT, predictions={"p": 3})
    with pytest.raises(TypeError, match="eval_metric_ops must be a dict"):
        tf.estimator.EstimatorSpec(MK.EVAL, loss=tf.constant(1.0), eval_metric_ops=[1])
    with pytest.raises(TypeError, match="for key: acc"):
        tf.estimator.EstimatorSpec(MK.EVAL, loss=tf.constant(1.0),
                                   eval_metric_ops={"acc": tf.constant(1.0)})
    with pytest.raises(TypeError, match="All hooks must be SessionRunHook instances"):
        tf.estimator.EstimatorSpec(MK.EVAL, loss=tf.constant(1.0), training_hooks=[1])
    with pytest.raises(TypeError, match="scaffold must be tf.train.Scaffold"):
        tf.estimator.EstimatorSpec(MK.EVAL, loss=tf.constant(1.0), scaffold="s")
    other = tf.Graph()
    with other.as_default():
        foreign = tf.constant(1.0, name="foreign")
    with pytest.raises(ValueError, match="loss with foreign:0 must be from the default graph"):
        tf.estimator.EstimatorSpec(MK.EVAL, loss=foreign)
    spec = tf.estimator.EstimatorSpec(MK.EVAL, loss=tf.constant(1.0))
    with pytest.raises(ValueError, match="mode of EstimatorSpec cannot be changed"):
        spec._replace(mode=MK.TRAIN)


def test_estimator_spec_default_export_outputs():
    p = tf.constant([[1.0]])
    spec = tf.estimator.EstimatorSpec(MK.PREDICT, predictions={"p": p})
    out = spec.export_outputs["serving_default"]
    assert isinstance(out, tf.estimator.export.PredictOutput) and out.outputs == {"p": p}
    with pytest.raises(ValueError, match="none of them is specified as the default"):
        tf.estimator.EstimatorSpec(MK.PREDICT, predictions=p, export_outputs={
            "a": tf.estimator.export.PredictOutput(p), "b": tf.estimator.export.PredictOutput(p)})
    with pytest.raises(ValueError, match="Classification scores must be a float32 Tensor"):
        tf.estimator.export.ClassificationOutput(scores=tf.constant([1]))


# --- RunConfig ---------------------------------------------------------------------------------
def test_run_config_defaults_and_replace():
    c = tf.estimator.RunConfig()
    assert (c.model_dir, c.tf_random_seed, c.save_summary_steps, c.save_checkpoints_steps,
            c.save_checkpoints_secs, c.keep_checkpoint_max, c.log_step_count_steps,
            c.session_config) == (None, None, 100, None, 600, 5, 100, None)
    assert (c.is_chief, c.master, c.num_worker_replicas, c.task_type) == (True, "", 1, "worker")
    steps = c.replace(save_checkpoints_steps=10)
    assert (steps.save_checkpoints_steps, steps.save_checkpoints_secs) == (10, None)
    assert c.save_checkpoints_secs == 600  # a copy
    assert tf.estimator.RunConfig(save_checkpoints_steps=5).save_checkpoints_secs is None
    with pytest.raises(ValueError, match="cannot be both set"):
        tf.estimator.RunConfig(save_checkpoints_steps=5, save_checkpoints_secs=5)
    with pytest.raises(ValueError, match="Replacing master is not supported"):
        c.replace(master="grpc://x")
    with pytest.raises(ValueError, match="tf_random_seed must be integer"):
        tf.estimator.RunConfig(tf_random_seed=1.5)
    with pytest.raises(ValueError, match="session_config must be instance of ConfigProto"):
        tf.estimator.RunConfig(session_config={})
    with pytest.raises(ValueError, match="log_step_count_steps should be > 0"):
        tf.estimator.RunConfig(log_step_count_steps=0)
    with pytest.raises(NotImplementedError, match="train_distribute.*tfgraph.distribute"):
        tf.estimator.RunConfig(train_distribute=object())


# --- numpy_input_fn --------------------------------------------------------------------------
def _run_all(tensors):
    out = []
    with tf.train.MonitoredSession() as sess:
        while not sess.should_stop():
            out.append(sess.run(tensors))
    return out


def test_numpy_input_fn_batches_in_order_with_a_short_last_batch():
    x = {"b": np.arange(5, dtype=np.float32), "a": np.arange(10).reshape(5, 2)}
    y = np.arange(5) * 10
    features, labels = tf.estimator.inputs.numpy_input_fn(x, y, batch_size=2, num_epochs=2,
                                                          shuffle=False)()
    assert sorted(features) == ["a", "b"]
    assert features["a"].shape.as_list() == [None, 2] and features["a"].dtype == tf.int64
    assert features["b"].dtype == tf.float32 and labels.shape.as_list() == [None]
    got = _run_all((features, labels))
    order = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got]), y[order])
    np.testing.assert_array_equal(np.concatenate([g[0]["a"] for g in got]), x["a"][order])
    assert [len(g[1]) for g in got] == [2, 2, 2, 2, 2]


def test_numpy_input_fn_shuffles_each_epoch_and_array_x_is_a_tensor():
    x = np.arange(6, dtype=np.float32)[:, None]
    features = tf.estimator.inputs.numpy_input_fn(x, batch_size=4, num_epochs=2,
                                                  shuffle=True)()
    assert isinstance(features, tf.Tensor)
    got = np.concatenate(_run_all(features)).ravel()
    assert [len(got[:6]), len(got[6:])] == [6, 6]
    assert sorted(got[:6]) == list(range(6)) and sorted(got[6:]) == list(range(6))


def test_numpy_input_fn_repeats_forever_and_dict_y():
    tf.set_random_seed(1)
    features, labels = tf.estimator.inputs.numpy_input_fn(
        {"x": np.arange(3)}, {"y1": np.arange(3), "y2": -np.arange(3)}, batch_size=2,
        num_epochs=None, shuffle=False)()
    with tf.train.MonitoredSession() as sess:
        values = [sess.run(labels) for _ in range(4)]
    np.testing.assert_array_equal(np.concatenate([v["y2"] for v in values]),
                                  -np.array([0, 1, 2, 0, 1, 2, 0, 1]))


def test_numpy_input_fn_errors():
    x = {"a": np.arange(4)}
    with pytest.raises(ValueError, match="shuffle must be provided and explicitly set as boolean"):
        tf.estimator.inputs.numpy_input_fn(x)
    with pytest.raises(TypeError, match="x must be a dict or array; got list"):
        tf.estimator.inputs.numpy_input_fn([1, 2], shuffle=False)()
    with pytest.raises(ValueError, match="x cannot be an empty dict"):
        tf.estimator.inputs.numpy_input_fn({}, shuffle=False)()
    with pytest.raises(ValueError, match="Length of tensors in x and y is mismatched"):
        tf.estimator.inputs.numpy_input_fn(x, np.arange(3), shuffle=False)()
    with pytest.raises(ValueError, match="1 duplicate keys are found in both x and y"):
        tf.estimator.inputs.numpy_input_fn(x, {"a": np.arange(4)}, shuffle=False)()
    with pytest.raises(NotImplementedError, match="pandas_input_fn is not offered.*numpy"):
        tf.estimator.inputs.pandas_input_fn


# --- train_and_evaluate, export --------------------------------------------------------------
def _model_fn(features, labels, mode):
    logits = tf.layers.dense(features["x"], 2, name="logits")
    classes = tf.argmax(logits, 1)
    if mode == MK.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"classes": classes,
                                                             "probabilities":
                                                                 tf.nn.softmax(logits)})
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = tf.train.AdamOptimizer(0.1).minimize(loss, tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops={
        "accuracy": tf.metrics.accuracy(labels, classes)})


X2 = np.random.RandomState(1).randn(100, 2).astype(np.float32)
Y2 = (X2[:, 0] + X2[:, 1] > 0).astype(np.int64)


def test_train_and_evaluate_evaluates_after_checkpoints(tmp_path):
    config = tf.estimator.RunConfig(save_checkpoints_steps=20, tf_random_seed=0)
    est = tf.estimator.Estimator(_model_fn, model_dir=str(tmp_path), config=config)
    train_spec = tf.estimator.TrainSpec(tf.estimator.inputs.numpy_input_fn(
        {"x": X2}, Y2, batch_size=10, num_epochs=None, shuffle=True), max_steps=50)
    eval_spec = tf.estimator.EvalSpec(tf.estimator.inputs.numpy_input_fn(
        {"x": X2}, Y2, batch_size=100, shuffle=False), steps=None, throttle_secs=0)
    metrics, exports = tf.estimator.train_and_evaluate(est, train_spec, eval_spec)
    assert metrics["global_step"] == 50 and metrics["accuracy"] > 0.9 and exports == []
    eval_steps = sorted({e.step for e in _events(str(tmp_path / "eval"))})
    assert eval_steps == [20, 40, 50]
    with pytest.raises(TypeError, match="`input_fn` must be callable"):
        tf.estimator.TrainSpec("nope")
    with pytest.raises(ValueError, match="Must specify max_steps > 0"):
        tf.estimator.TrainSpec(lambda: None, max_steps=0)
    with pytest.raises(ValueError, match="Must specify throttle_secs >= 0"):
        tf.estimator.EvalSpec(lambda: None, throttle_secs=-1)
    with pytest.raises(TypeError, match="`train_spec` must have type"):
        tf.estimator.train_and_evaluate(est, eval_spec, eval_spec)


def _events(folder):
    import glob
    out = []
    for path in glob.glob(os.path.join(folder, "events.out.tfevents.*")):
        out += [tf.summary.Event.FromString(r) for r in tf.io.tf_record_iterator(path)]
    return [e for e in out if e.summary.value]


def test_export_saved_model_serves_the_predictions(tmp_path):
    est = tf.estimator.Estimator(_model_fn, model_dir=str(tmp_path / "m"))
    fn = tf.estimator.export.build_raw_serving_input_receiver_fn(
        {"x": tf.placeholder(tf.float32, [None, 2])})
    with pytest.raises(ValueError, match="Couldn't find trained model at"):
        est.export_saved_model(str(tmp_path / "export"), fn)
    est.train(tf.estimator.inputs.numpy_input_fn({"x": X2}, Y2, batch_size=20, shuffle=True),
              steps=5)
    path = est.export_saved_model(str(tmp_path / "export"), fn)
    assert isinstance(path, bytes) and os.path.basename(path).isdigit()
    expected = [p["probabilities"] for p in est.predict(tf.estimator.inputs.numpy_input_fn(
        {"x": X2[:4]}, batch_size=4, shuffle=False))]
    with tf.Graph().as_default(), tf.Session() as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], path.decode())
        sig = meta.signature_def["serving_default"]
        assert sorted(sig.inputs) == ["x"] and sorted(sig.outputs) == ["classes", "probabilities"]
        probs = sess.run(sig.outputs["probabilities"].name,
                         {sig.inputs["x"].name: X2[:4]})
    np.testing.assert_allclose(probs, np.stack(expected), rtol=1e-5)


def test_refused_estimator_names_give_advice():
    with pytest.raises(NotImplementedError, match="tf.estimator.BoostedTreesClassifier is not "
                                                  "offered.*scikit-learn"):
        tf.estimator.BoostedTreesClassifier
    with pytest.raises(AttributeError):
        tf.estimator.NoSuchThing
    assert tf.estimator.StopAtStepHook is tf.train.StopAtStepHook
