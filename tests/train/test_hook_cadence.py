"""When TF1's step-driven hooks fire: `SecondOrStepTimer` and `SummarySaverHook`'s steps.

The expected steps were recorded with TensorFlow 2.21's `tensorflow.compat.v1` running the same
programs (SecondOrStepTimer: triggers when step >= last triggered step + every_steps).
"""
import pytest

import tfgraph as tf


def _timeline(d):
    """(step, kind) of every event but the file version, in file order."""
    out = []
    for f in sorted(d.glob("events.out.tfevents.*")):
        for e in tf.train.summary_iterator(str(f)):
            kind = e.WhichOneof("what")
            if kind == "summary":
                kind = ",".join(sorted(v.tag for v in e.summary.value))
            if kind != "file_version":
                out.append((e.step, kind))
    return out


def _run_hook(tmp_path, runs, increment=1, **hook_kwargs):
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        x = tf.Variable(1.0, name="v")
        train = tf.assign_add(gs, increment) if increment else tf.assign_add(x, 1.0)
        hook = tf.train.SummarySaverHook(output_dir=str(tmp_path),
                                         summary_op=tf.summary.scalar("x", x), **hook_kwargs)
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for _ in range(runs):
                sess.run(train)
    return [(step, kind) for step, kind in _timeline(tmp_path) if kind != "graph_def"]


def test_summary_saver_hook_save_steps_10_writes_at_1_11_21(tmp_path):
    got = _run_hook(tmp_path, 30, save_steps=10)
    assert got == [(1, "session_log"), (1, "x"), (11, "x"), (21, "x")]


def test_summary_saver_hook_counts_the_step_the_train_op_reaches(tmp_path):
    # A train op adding 2 per run: TF1 writes at 2, 8, 14 (next trigger at >= last + 3).
    assert _run_hook(tmp_path, 7, increment=2, save_steps=3) == [
        (2, "session_log"), (2, "x"), (8, "x"), (14, "x")]


def test_summary_saver_hook_without_step_increment_writes_once(tmp_path):
    assert _run_hook(tmp_path, 7, increment=0, save_steps=3) == [(0, "session_log"), (0, "x")]


@pytest.mark.parametrize("kwargs", [{"save_secs": 0}, {"save_steps": 0}])
def test_summary_saver_hook_every_zero_writes_every_step(tmp_path, kwargs):
    got = _run_hook(tmp_path, 4, **kwargs)
    assert got == [(1, "session_log"), (1, "x"), (2, "x"), (3, "x"), (4, "x")]


def test_monitored_training_session_summaries_step_counter_and_checkpoints(tmp_path):
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        tf.summary.scalar("x", tf.Variable(1.0, name="v"))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(
            tf.square(tf.Variable(2.0, name="w")), global_step=gs)
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path), save_summaries_steps=10, save_checkpoint_steps=10,
                log_step_count_steps=10, hooks=[tf.train.StopAtStepHook(last_step=35)]) as sess:
            while not sess.should_stop():
                sess.run(train)
    summaries = [(s, k) for s, k in _timeline(tmp_path) if k in ("x", "global_step/sec")]
    assert summaries == [(1, "x"), (11, "global_step/sec"), (11, "x"), (21, "global_step/sec"),
                         (21, "x"), (31, "global_step/sec"), (31, "x")]
    assert sorted(p.name for p in tmp_path.glob("*.index")) == [
        "model.ckpt-0.index", "model.ckpt-10.index", "model.ckpt-20.index",
        "model.ckpt-30.index", "model.ckpt-35.index"]


@pytest.mark.parametrize("kwargs", [{"every_secs": 0}, {"every_secs": -1.0}, {"every_steps": 0},
                                    {"every_steps": -2}])
def test_second_or_step_timer_zero_or_negative_triggers_at_every_new_step(kwargs):
    timer = tf.train.SecondOrStepTimer(**kwargs)
    fired = []
    for step in (0, 0, 1, 2, 2, 5):
        if timer.should_trigger_for_step(step):
            fired.append((step, timer.update_last_triggered_step(step)[1]))
    assert fired == [(0, None), (1, 1), (2, 1), (5, 3)]
    assert timer.last_triggered_step() == 5


def test_second_or_step_timer_every_steps_and_errors():
    timer = tf.train.SecondOrStepTimer(every_steps=10)
    assert timer.should_trigger_for_step(1)
    assert timer.update_last_triggered_step(1) == (None, None)
    assert [s for s in range(2, 25) if timer.should_trigger_for_step(s)] == list(range(11, 25))
    with pytest.raises(ValueError, match="Either every_secs or every_steps should be provided"):
        tf.train.SecondOrStepTimer()
    with pytest.raises(ValueError, match="Can not provide both every_secs and every_steps"):
        tf.train.SecondOrStepTimer(every_secs=1, every_steps=1)
