"""tf.estimator.Estimator with a custom model_fn: the TF1 call flow (a new graph per call,
checkpoints and summaries in model_dir), numbers checked against NumPy, TF1's errors."""
import glob
import os

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.RandomState(0)
X = RNG.randn(120, 3).astype(np.float32)
W = np.array([[1.0], [-2.0], [0.5]], np.float32)
Y = (X @ W + 0.3).astype(np.float32)


def linear_model_fn(features, labels, mode, params):
    pred = tf.layers.dense(features["x"], 1, name="dense")
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"y": pred, "twice": 2.0 * pred})
    loss = tf.losses.mean_squared_error(labels, pred)
    opt = tf.train.GradientDescentOptimizer(params["lr"])
    train_op = opt.minimize(loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(
        mode, loss=loss, train_op=train_op,
        eval_metric_ops={"mae": tf.metrics.mean_absolute_error(labels, pred)})


def train_input(batch_size=20, num_epochs=None):
    return tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=batch_size,
                                              num_epochs=num_epochs, shuffle=True)


def events(folder):
    """{tag: [(step, value)]} of the scalar summaries in folder's event files."""
    out = {}
    for path in glob.glob(os.path.join(folder, "events.out.tfevents.*")):
        for record in tf.io.tf_record_iterator(path):
            e = tf.summary.Event.FromString(record)
            for v in e.summary.value:
                out.setdefault(v.tag, []).append((e.step, v.simple_value))
    return out


@pytest.fixture
def est(tmp_path):
    config = tf.estimator.RunConfig(tf_random_seed=3, save_checkpoints_steps=25,
                                    save_summary_steps=10)
    return tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path), config=config,
                                  params={"lr": 0.1})


def test_mode_keys_are_tf1s():
    assert (tf.estimator.ModeKeys.TRAIN, tf.estimator.ModeKeys.EVAL,
            tf.estimator.ModeKeys.PREDICT) == ("train", "eval", "infer")


def test_train_learns_the_least_squares_weights_and_writes_checkpoints(est, tmp_path):
    est.train(train_input(), steps=60)
    assert est.latest_checkpoint() == os.path.join(str(tmp_path), "model.ckpt-60")
    steps = sorted(int(p.rsplit("-", 1)[1].split(".")[0])
                   for p in glob.glob(str(tmp_path / "model.ckpt-*.index")))
    assert steps == [0, 25, 50, 60]
    assert sorted(est.get_variable_names()) == ["dense/bias", "dense/kernel", "global_step"]
    np.testing.assert_allclose(est.get_variable_value("dense/kernel"), W, atol=1e-3)
    np.testing.assert_allclose(est.get_variable_value("dense/bias"), [0.3], atol=1e-3)
    assert est.get_variable_value("global_step") == 60
    # `steps` counts from the restored step; `max_steps` is absolute
    est.train(train_input(), steps=5)
    assert est.get_variable_value("global_step") == 65
    est.train(train_input(), max_steps=65)  # nothing to do
    assert est.get_variable_value("global_step") == 65
    est.train(train_input(), max_steps=70)
    assert est.get_variable_value("global_step") == 70
    loss_steps = [s for s, _ in events(str(tmp_path))["loss"]]
    assert loss_steps[0] == 1 and len(loss_steps) >= 6  # every ~10 steps, 4 train calls


def test_train_stops_at_the_end_of_the_input(est):
    est.train(train_input(batch_size=50, num_epochs=2))  # 240 rows: 50,50,50,50,40
    assert est.get_variable_value("global_step") == 5


def test_evaluate_returns_metrics_loss_and_global_step(est, tmp_path):
    est.train(train_input(), steps=7)
    kernel, bias = est.get_variable_value("dense/kernel"), est.get_variable_value("dense/bias")
    input_fn = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=50, shuffle=False)
    result = est.evaluate(input_fn)
    assert sorted(result) == ["global_step", "loss", "mae"]
    pred = X @ kernel + bias
    batches = [slice(0, 50), slice(50, 100), slice(100, 120)]
    batch_losses = [np.mean((pred[b] - Y[b]) ** 2) for b in batches]
    np.testing.assert_allclose(result["loss"], np.mean(batch_losses), rtol=1e-5)
    np.testing.assert_allclose(result["mae"], np.mean(np.abs(pred - Y)), rtol=1e-5)
    assert result["global_step"] == 7
    # steps=1: the first batch only; name: summaries in eval_<name>
    one = est.evaluate(input_fn, steps=1, name="first")
    np.testing.assert_allclose(one["loss"], batch_losses[0], rtol=1e-5)
    written = events(str(tmp_path / "eval_first"))
    assert written["loss"] == [(7, pytest.approx(float(one["loss"]), rel=1e-6))]
    assert "mae" in events(str(tmp_path / "eval"))


def test_evaluate_without_a_checkpoint_initializes(tmp_path):
    est = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path / "m"),
                                 params={"lr": 0.1})
    result = est.evaluate(tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=200,
                                                             shuffle=False))
    assert result["global_step"] == 0


def test_predict_yields_single_examples_or_batches(est):
    est.train(train_input(), steps=3)
    kernel, bias = est.get_variable_value("dense/kernel"), est.get_variable_value("dense/bias")
    input_fn = tf.estimator.inputs.numpy_input_fn({"x": X[:5]}, batch_size=2, shuffle=False)
    preds = list(est.predict(input_fn))
    assert len(preds) == 5 and sorted(preds[0]) == ["twice", "y"]
    np.testing.assert_allclose(np.stack([p["y"] for p in preds]), X[:5] @ kernel + bias,
                               rtol=1e-5)
    only = list(est.predict(input_fn, predict_keys=["twice"]))
    assert sorted(only[0]) == ["twice"]
    batches = list(est.predict(input_fn, yield_single_examples=False))
    assert [b["y"].shape for b in batches] == [(2, 1), (2, 1), (1, 1)]
    with pytest.raises(ValueError, match="Expected to run at least one output"):
        list(est.predict(input_fn, predict_keys=["nope"]))


def test_input_fn_may_return_a_dataset_and_take_params(tmp_path):
    def input_fn(params):
        ds = tf.data.Dataset.from_tensor_slices(({"x": X}, Y))
        return ds.repeat().batch(params["batch"])

    def model_fn(features, labels, mode, params):
        assert features["x"].shape.as_list() == [None, 3]
        return linear_model_fn(features, labels, mode, {"lr": 0.1})

    est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path), params={"batch": 30})
    est.train(input_fn, steps=4)
    assert est.get_variable_value("global_step") == 4


def test_model_fn_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="must include features argument"):
        tf.estimator.Estimator(lambda x, labels: None)
    with pytest.raises(ValueError, match="does not include params argument"):
        tf.estimator.Estimator(lambda features, labels, mode: None, params={"a": 1})
    with pytest.raises(ValueError, match="not expected args: \\['extra'\\]"):
        tf.estimator.Estimator(lambda features, extra: None)
    with pytest.raises(ValueError, match="model_fn must be provided"):
        tf.estimator.Estimator(None)
    est = tf.estimator.Estimator(lambda features, mode: "not a spec", model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="model_fn should return an EstimatorSpec"):
        est.train(lambda: {"x": tf.constant(X)}, steps=1)
    with pytest.raises(ValueError, match="does not take labels"):
        est.train(lambda: ({"x": tf.constant(X)}, tf.constant(Y)), steps=1)


def test_train_argument_errors(est):
    with pytest.raises(ValueError, match="Can not provide both steps and max_steps"):
        est.train(train_input(), steps=1, max_steps=2)
    with pytest.raises(ValueError, match="Must specify steps > 0, given: 0"):
        est.train(train_input(), steps=0)
    with pytest.raises(ValueError, match="Must specify max_steps > 0"):
        est.train(train_input(), max_steps=-1)
    with pytest.raises(TypeError, match="Hooks must be a SessionRunHook"):
        est.train(train_input(), steps=1, hooks=["nope"])
    with pytest.raises(ValueError, match="Could not find trained model in model_dir"):
        est.get_variable_value("dense/kernel")
    assert est.latest_checkpoint() is None


def test_model_dir_rules(tmp_path):
    fn = linear_model_fn
    est = tf.estimator.Estimator(fn, params={"lr": 1.0})
    assert os.path.isdir(est.model_dir)  # a temporary folder
    config = tf.estimator.RunConfig(model_dir=str(tmp_path / "a"))
    assert tf.estimator.Estimator(fn, config=config, params={}).model_dir == str(tmp_path / "a")
    with pytest.raises(ValueError, match="`model_dir` are set both in constructor and"):
        tf.estimator.Estimator(fn, model_dir=str(tmp_path / "b"), config=config, params={})
    with pytest.raises(ValueError, match="config must be an instance of `RunConfig`"):
        tf.estimator.Estimator(fn, config={"model_dir": "x"}, params={})


def test_hooks_and_saving_listeners_run(est):
    class Count(tf.train.SessionRunHook):
        runs = 0

        def after_run(self, run_context, run_values):
            Count.runs += 1

    class Listen(tf.train.CheckpointSaverListener):
        saved = []

        def after_save(self, session, global_step_value):
            Listen.saved.append(global_step_value)

    est.train(train_input(), steps=30, hooks=[Count()], saving_listeners=[Listen()])
    assert Count.runs == 30
    assert Listen.saved == [0, 25, 30]


def test_warm_start_from_another_model_dir(est, tmp_path):
    est.train(train_input(), steps=40)
    warm = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path / "warm"),
                                  params={"lr": 0.0}, warm_start_from=est.model_dir)
    warm.train(train_input(), steps=1)
    np.testing.assert_allclose(warm.get_variable_value("dense/kernel"),
                               est.get_variable_value("dense/kernel"))
    assert warm.get_variable_value("global_step") == 1  # not a trainable variable
