"""tf.train.MonitoredSession / MonitoredTrainingSession, Scaffold and the standard hooks."""
import logging

import numpy as np
import pytest

import tfgraph as tf


def _model():
    """A one-variable regression: loss = (w - 3)^2, SGD(0.1) with the global step."""
    gs = tf.train.get_or_create_global_step()
    w = tf.Variable(0.0, name="w")
    loss = tf.square(w - 3.0, name="loss")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
    return gs, w, loss, train


def _expected_w(steps):
    w = 0.0
    for _ in range(steps):
        w -= 0.1 * 2 * (w - 3.0)
    return w


class Recorder(tf.train.SessionRunHook):
    def __init__(self, log):
        self.log = log

    def begin(self):
        self.log.append("begin")
        self.seven = tf.constant(7, name="seven")

    def after_create_session(self, session, coord):
        self.log.append(("after_create_session", tf.get_default_graph().finalized))

    def before_run(self, run_context):
        self.log.append("before_run")
        return tf.train.SessionRunArgs({"s": self.seven})

    def after_run(self, run_context, run_values):
        self.log.append(("after_run", int(run_values.results["s"])))

    def end(self, session):
        self.log.append("end")


def test_stop_at_step_hook_stops_at_last_step_and_trains():
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        steps = 0
        with tf.train.MonitoredTrainingSession(
                hooks=[tf.train.StopAtStepHook(num_steps=7)]) as sess:
            while not sess.should_stop():
                sess.run(train)
                steps += 1
            assert sess.should_stop()
        assert steps == 7
        # The graph is un-finalized when the session that finalized it closes.
        assert not tf.get_default_graph().finalized


def test_stop_at_step_last_step_and_argument_errors():
    with pytest.raises(ValueError, match="num_steps or last_step"):
        tf.train.StopAtStepHook()
    with pytest.raises(ValueError, match="Only one of num_steps or last_step"):
        tf.train.StopAtStepHook(num_steps=1, last_step=2)
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        with tf.train.SingularMonitoredSession(
                hooks=[tf.train.StopAtStepHook(last_step=4)]) as sess:
            n = 0
            while not sess.should_stop():
                sess.run(train)
                n += 1
            assert n == 4
            assert sess.raw_session().run(gs) == 4
            np.testing.assert_allclose(sess.raw_session().run(w), _expected_w(4), rtol=1e-6)


def test_stop_at_step_hook_needs_global_step():
    with tf.Graph().as_default():
        tf.Variable(1.0)
        with pytest.raises(RuntimeError, match="Global step should be created"):
            tf.train.MonitoredSession(hooks=[tf.train.StopAtStepHook(num_steps=1)])


def test_checkpoints_restore_in_second_session_and_step_continues(tmp_path):
    ckpt = str(tmp_path / "ckpt")
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=ckpt, save_checkpoint_steps=2, save_summaries_steps=None,
                log_step_count_steps=None,
                hooks=[tf.train.StopAtStepHook(num_steps=5)]) as sess:
            while not sess.should_stop():
                sess.run(train)
        # First save at step 0, then every 2 steps, and at the end (step 5).
        assert tf.train.latest_checkpoint(ckpt).endswith("model.ckpt-5")
        state = tf.train.get_checkpoint_state(ckpt)
        steps = sorted(int(p.rsplit("-", 1)[1]) for p in state.all_model_checkpoint_paths)
        assert steps == [0, 2, 4, 5]
        assert (tmp_path / "ckpt" / "graph.pbtxt").exists()
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=ckpt, save_checkpoint_secs=None, save_summaries_steps=None,
                log_step_count_steps=None,
                hooks=[tf.train.StopAtStepHook(num_steps=3)]) as sess:
            assert sess.run(gs) == 5
            np.testing.assert_allclose(sess.run(w), _expected_w(5), rtol=1e-6)
            while not sess.should_stop():
                sess.run(train)
            assert sess.run(gs) == 8
            np.testing.assert_allclose(sess.run(w), _expected_w(8), rtol=1e-5)


def test_nan_tensor_hook_raises_or_requests_stop():
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        x = tf.placeholder(tf.float32, [], name="x")
        loss = tf.sqrt(x, name="loss")
        inc = tf.assign_add(gs, 1)
        with tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(loss)]) as sess:
            sess.run(inc, feed_dict={x: 4.0})
            with pytest.raises(tf.train.NanLossDuringTrainingError, match="NaN loss"):
                sess.run(inc, feed_dict={x: -1.0})
        with tf.train.MonitoredSession(
                hooks=[tf.train.NanTensorHook(loss, fail_on_nan_loss=False)]) as sess:
            sess.run(inc, feed_dict={x: 4.0})
            assert not sess.should_stop()
            sess.run(inc, feed_dict={x: -1.0})
            assert sess.should_stop()


def test_logging_tensor_hook_logs_every_n_iter(caplog):
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        seen = []
        hook = tf.train.LoggingTensorHook({"step": gs, "loss": loss}, every_n_iter=3,
                                          formatter=lambda v: seen.append(dict(v)) or "x")
        plain = tf.train.LoggingTensorHook([loss], every_n_iter=2)
        with caplog.at_level(logging.INFO, logger="tfgraph.train"):
            with tf.train.MonitoredSession(hooks=[hook, plain]) as sess:
                for _ in range(7):
                    sess.run(train)
        # Logged at iterations 0, 3, 6 (the loss is computed before that iteration's update).
        assert len(seen) == 3 and all(set(v) == {"step", "loss"} for v in seen)
        np.testing.assert_allclose([v["loss"] for v in seen],
                                   [(_expected_w(i) - 3) ** 2 for i in (0, 3, 6)], rtol=1e-5)
        lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("loss:0")]
        assert len(lines) == 4  # iterations 0, 2, 4, 6
        assert lines[0].startswith("loss:0 = 9.0")
    with pytest.raises(ValueError, match="every_n_iter"):
        tf.train.LoggingTensorHook([loss])


def test_hook_call_order_and_request_stop():
    log = []

    class Stopper(tf.train.SessionRunHook):
        def after_run(self, run_context, run_values):
            if run_values.results is None and len(log) > 6:
                run_context.request_stop()

    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        sess = tf.train.MonitoredSession(hooks=[Recorder(log), Stopper()])
        assert log == ["begin", ("after_create_session", True)]
        while not sess.should_stop():
            sess.run(train)
        sess.close()
        assert log[2:] == ["before_run", ("after_run", 7)] * 3 + ["end"]
        assert not tf.get_default_graph().finalized
        with pytest.raises(RuntimeError, match="closed MonitoredSession"):
            sess.run(train)


def test_end_not_called_after_an_error():
    log = []
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        with pytest.raises(ZeroDivisionError):
            with tf.train.MonitoredSession(hooks=[Recorder(log)]) as sess:
                sess.run(train)
                1 / 0
        assert "end" not in log


def test_feed_fn_hook_feeds_and_conflicting_feed_is_refused():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2], name="x")
        y = x * 2.0
        values = iter([np.array([1.0, 2.0], np.float32), np.array([3.0, 4.0], np.float32)])
        hook = tf.train.FeedFnHook(lambda: {x: next(values)})
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            np.testing.assert_array_equal(sess.run(y), [2.0, 4.0])
            np.testing.assert_array_equal(sess.run(y), [6.0, 8.0])
            with pytest.raises(RuntimeError, match="Same tensor is fed"):
                sess.run(y, feed_dict={x: np.zeros(2, np.float32)})


def test_out_of_range_from_dataset_ends_the_loop_cleanly():
    log = []
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        it = tf.data.Dataset.from_tensor_slices(np.arange(5, dtype=np.float32)).batch(2) \
            .make_one_shot_iterator()
        batch = it.get_next()
        total = tf.Variable(0.0, name="total")
        step = tf.group(tf.assign_add(total, tf.reduce_sum(batch)), tf.assign_add(gs, 1))
        seen = 0
        with tf.train.MonitoredSession(hooks=[Recorder(log)]) as sess:
            while not sess.should_stop():
                sess.run(step)
                seen += 1
        assert seen == 3  # batches [0,1], [2,3], [4]; the 4th run raises OutOfRangeError
        assert log[-1] == "end"  # end() runs after OutOfRangeError, as in TF1
        assert log.count(("after_run", 7)) == 3 and log.count("before_run") == 4


def test_scaffold_defaults_and_final_ops_and_summaries(tmp_path):
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        tf.summary.scalar("mse", loss)
        scaffold = tf.train.Scaffold()
        final = tf.train.FinalOpsHook(w)
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path), scaffold=scaffold, save_summaries_steps=2,
                save_checkpoint_secs=None, hooks=[final, tf.train.StopAtStepHook(last_step=3)]
        ) as sess:
            while not sess.should_stop():
                sess.run(train)
        assert scaffold.init_op.name == "init"
        assert scaffold.ready_op.name == "report_uninitialized_variables:0"
        assert scaffold.summary_op is not None
        assert isinstance(scaffold.saver, tf.train.Saver)
        np.testing.assert_allclose(final.final_ops_values, _expected_w(3), rtol=1e-6)
        events = list(tmp_path.glob("events.out.tfevents.*"))
        assert events
        tags = {}
        for record in tf.io.tf_record_iterator(str(events[0])):
            e = tf.summary.Event.FromString(record)
            for v in e.summary.value:
                tags.setdefault(v.tag, []).append(e.step)
        assert tags["mse"] == [1, 3]  # steps 0 and 2 summarized, written at the new step
        assert tags.get("global_step/sec", []) == []  # fewer than 100 steps


def test_timer_and_hook_argument_errors():
    with pytest.raises(ValueError, match="every_secs or every_steps"):
        tf.train.SecondOrStepTimer()
    with pytest.raises(ValueError, match="scaffold or summary_op"):
        tf.train.SummarySaverHook(save_steps=1)
    timer = tf.train.SecondOrStepTimer(every_steps=3)
    assert timer.should_trigger_for_step(0)
    timer.update_last_triggered_step(0)
    assert [timer.should_trigger_for_step(s) for s in (0, 1, 2, 3)] == [False, False, False, True]


def test_step_counter_hook_writes_steps_per_sec(tmp_path):
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        hook = tf.train.StepCounterHook(every_n_steps=2, output_dir=str(tmp_path))
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for _ in range(5):
                sess.run(train)
        tf.summary.FileWriterCache.get(str(tmp_path)).flush()
        (event_file,) = tmp_path.glob("events.out.tfevents.*")
        rates = {}
        for record in tf.io.tf_record_iterator(str(event_file)):
            e = tf.summary.Event.FromString(record)
            for v in e.summary.value:
                rates[e.step] = v.simple_value
        # The first trigger only starts the clock; later ones write a positive rate.
        assert sorted(rates) == [3, 5]
        assert all(r > 0 for r in rates.values())


def test_run_step_fn_runs_with_hooks_and_stops():
    log = []
    with tf.Graph().as_default():
        gs, w, loss, train = _model()

        def step_fn(step_context):
            value = step_context.run_with_hooks(loss)
            if step_context.session.run(gs) >= 0:
                step_context.request_stop()
            return value

        with tf.train.MonitoredSession(hooks=[Recorder(log)]) as sess:
            np.testing.assert_allclose(sess.run_step_fn(step_fn), 9.0)
            assert sess.should_stop()
        assert log[2:] == ["before_run", ("after_run", 7), "end"]


def test_init_that_leaves_a_variable_uninitialized_is_refused():
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        scaffold = tf.train.Scaffold(init_op=tf.variables_initializer([gs]))
        with pytest.raises(RuntimeError, match="not make model ready.*Variables not "
                                               "initialized: w"):
            tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=scaffold))
        assert not tf.get_default_graph().finalized
        with pytest.raises(TypeError, match="copy_from_scaffold"):
            tf.train.Scaffold(copy_from_scaffold=object())
