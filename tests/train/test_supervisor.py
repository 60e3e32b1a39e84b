"""`tf.train.SessionManager`, `tf.train.Supervisor` and the training-loop helpers
(`basic_train_loop`, `checkpoints_iterator`, `summary_iterator`, `match_filenames_once`,
`maybe_batch*`, `GlobalStepWaiterHook`, `warm_start`/`VocabInfo`, `tf.train.queue_runner`)."""
from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

import tfgraph as tf


def _model():
    step = tf.train.get_or_create_global_step()
    w = tf.Variable(1.0, name="w")
    train = tf.group(tf.assign_add(w, 1.0), tf.assign_add(step, 1))
    return step, w, train


def test_session_manager_prepare_recover_and_wait(tmp_path):
    step, w, train = _model()
    saver = tf.train.Saver()
    sm = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables())
    with pytest.raises(RuntimeError, match="no init_op or init_fn"):
        sm.prepare_session("")
    with pytest.raises(RuntimeError, match=r"did not make model ready.*Variables not "
                                           r"initialized: global_step, w"):
        sm.prepare_session("", init_op=tf.no_op())
    sess = sm.prepare_session("", init_op=tf.global_variables_initializer())
    sess.run(train)
    saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
    sess.close()
    sess, restored = sm.recover_session("", saver=saver, checkpoint_dir=str(tmp_path))
    assert restored and sess.run([w, step]) == [2.0, 1]
    assert saver.last_checkpoints == [str(tmp_path / "model.ckpt-1")]
    sess, restored = sm.recover_session("", saver=saver, checkpoint_dir=str(tmp_path / "none"))
    assert not restored
    # prepare_session prefers the checkpoint over init_op
    sess = sm.prepare_session("", init_op=tf.global_variables_initializer(), saver=saver,
                              checkpoint_dir=str(tmp_path))
    assert sess.run(w) == 2.0
    with pytest.raises(ValueError, match="both checkpoint_dir and"):
        sm.prepare_session("", saver=saver, checkpoint_dir="a",
                           checkpoint_filename_with_path="b")
    waiter = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables(),
                                     recovery_wait_secs=0.01)
    with pytest.raises(tf.errors.DeadlineExceededError, match="not ready after waiting"):
        waiter.wait_for_session("", max_wait_secs=0.05)
    with pytest.raises(ValueError, match="ready_for_local_init_op"):
        tf.train.SessionManager(ready_for_local_init_op=tf.no_op())


def test_supervisor_managed_session_defaults_checkpoints_and_summaries(tmp_path):
    step, w, train = _model()
    tf.summary.scalar("w_value", w)
    logdir = str(tmp_path)
    sv = tf.train.Supervisor(logdir=logdir, save_summaries_secs=3600, save_model_secs=3600)
    assert tf.get_default_graph().finalized
    assert sv.global_step.name == "global_step:0"
    assert sv.save_path == os.path.join(logdir, "model.ckpt")
    written = []
    add_summary = sv.summary_writer.add_summary

    def recording_add_summary(summary, global_step=None):
        pb = tf.Summary.FromString(summary) if isinstance(summary, bytes) else summary
        written.extend(v.tag for v in pb.value)
        add_summary(summary, global_step)
    sv.summary_writer.add_summary = recording_add_summary
    with sv.managed_session() as sess:
        for _ in range(3):
            sess.run(train)
        assert not sv.should_stop()
        deadline = time.time() + 30  # the service threads run once as they start
        while (tf.train.latest_checkpoint(logdir) is None
               or not {"w_value", "global_step/sec"} <= set(written)) and time.time() < deadline:
            time.sleep(0.05)
    assert os.path.basename(tf.train.latest_checkpoint(logdir)).startswith("model.ckpt-")
    assert os.path.exists(os.path.join(logdir, "graph.pbtxt"))
    events = [e for f in sorted(os.listdir(logdir)) if "tfevents" in f
              for e in tf.train.summary_iterator(os.path.join(logdir, f))]
    tags = {v.tag for e in events for v in e.summary.value}
    assert "w_value" in tags and "global_step/sec" in tags
    statuses = [e.session_log.status for e in events if e.HasField("session_log")]
    assert tf.SessionLog.START in statuses and tf.SessionLog.STOP in statuses
    assert any(e.HasField("graph_def") for e in events)


def test_supervisor_restores_and_basic_train_loop(tmp_path):
    logdir = str(tmp_path)
    with tf.Graph().as_default():
        step, w, train = _model()
        sv = tf.train.Supervisor(logdir=logdir, save_model_secs=0, save_summaries_secs=0)
        with sv.managed_session() as sess:
            sess.run(train)
            sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
    with tf.Graph().as_default():
        step, w, train = _model()
        sv = tf.train.Supervisor(logdir=logdir, save_model_secs=0, save_summaries_secs=0)
        calls = []

        def train_step(sess, k):
            calls.append(sess.run(w))
            sess.run(train)
            if len(calls) == 3:
                sv.request_stop()
        tf.train.basic_train_loop(sv, train_step, args=[1])
        assert calls == [2.0, 3.0, 4.0]  # restored w=2 from the checkpoint


def test_managed_session_reraises_errors_but_not_out_of_range():
    _model()
    sv = tf.train.Supervisor(logdir=None)
    with pytest.raises(ValueError, match="boom"):
        with sv.managed_session():
            raise ValueError("boom")
    with sv.managed_session():
        raise tf.errors.OutOfRangeError(None, None, "input done")
    assert sv.should_stop()
    with pytest.raises(RuntimeError, match="summary writer"):
        sv.summary_computed(None, b"")


def test_supervisor_non_chief_cannot_start_services():
    _model()
    sv = tf.train.Supervisor(is_chief=False, logdir=None)
    with pytest.raises(RuntimeError, match="Only chief supervisor"):
        sv.start_standard_services(None)


def test_checkpoints_iterator_yields_new_checkpoints(tmp_path):
    step, w, train = _model()
    saver = tf.train.Saver()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, str(tmp_path / "m"), global_step=1)
    seen = []
    timeouts = []

    def timeout_fn():
        timeouts.append(1)
        if len(timeouts) == 1:
            saver.save(sess, str(tmp_path / "m"), global_step=2)
            return False
        return True
    for path in tf.train.checkpoints_iterator(str(tmp_path), timeout=0.5,
                                              timeout_fn=timeout_fn):
        seen.append(os.path.basename(path))
    assert seen == ["m-1", "m-2"] and len(timeouts) == 2
    assert list(tf.train.checkpoints_iterator(str(tmp_path / "empty"), timeout=0.1)) == []


def test_match_filenames_once(tmp_path):
    for n in ("a.txt", "b.txt", "c.csv"):
        (tmp_path / n).write_text("x")
    files = tf.train.match_filenames_once(str(tmp_path / "*.txt"))
    assert files.op.name == "matching_filenames"
    assert files in tf.local_variables() and files not in tf.global_variables()
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        got = sess.run(files)
    assert [os.path.basename(f.decode()) for f in got] == ["a.txt", "b.txt"]


def _drain(tensor, n):
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        out = [sess.run(tensor) for _ in range(n)]
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)
    return out


def test_maybe_batch_scalar_and_vector_keep_input():
    counter = tf.Variable(0, name="counter")
    with tf.control_dependencies([tf.assign_add(counter, 1)]):
        value = tf.identity(counter)
    # keep only even values (the scalar decides per enqueue)
    kept = tf.train.maybe_batch([value], tf.equal(value % 2, 0), batch_size=3)
    vals = tf.constant(np.arange(6, dtype=np.int32))
    vec = tf.train.maybe_batch(vals, tf.equal(vals % 3, 0), batch_size=2, enqueue_many=True)
    sess_init = tf.Session()
    with tf.Session() as sess:
        sess.run(counter.initializer)
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        b = sess.run(kept)
        v = sess.run(vec)
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)
    sess_init.close()
    assert b.shape == (3,) and all(x % 2 == 0 for x in b) and list(b) == sorted(b)
    assert list(v) == [0, 3]
    with pytest.raises(ValueError, match="enqueue_many is False"):
        tf.train.maybe_batch(vals, tf.greater(vals, 0), batch_size=2)
    sb = tf.train.maybe_shuffle_batch([vals], 2, capacity=20, min_after_dequeue=0,
                                      keep_input=True, enqueue_many=True, seed=1)
    assert sb.shape.as_list() == [2]
    j = tf.train.maybe_batch_join([[vals], [vals * 10]], tf.constant(True), 4, enqueue_many=True)
    sj = tf.train.maybe_shuffle_batch_join([[vals]], 2, 10, 0, tf.constant(True),
                                           enqueue_many=True)
    assert j.shape.as_list() == [4] and sj.shape.as_list() == [2]


def test_global_step_waiter_hook_waits_for_the_step():
    step = tf.train.get_or_create_global_step()
    bump = tf.assign_add(step, 1)
    hook = tf.train.GlobalStepWaiterHook(wait_until_step=3)
    with tf.train.MonitoredSession(hooks=[hook]) as sess:
        raw = sess._tf_sess() if hasattr(sess, "_tf_sess") else None

        def other_worker():
            time.sleep(0.2)
            for _ in range(3):
                (raw or sess.raw_session()).run(bump)
        t = threading.Thread(target=other_worker)
        t.start()
        first = sess.run(step)  # the hook holds this run until the "worker" reached step 3
        t.join()
        assert first >= 3
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match="Global step should be created"):
            tf.train.GlobalStepWaiterHook(1).begin()


def _save_checkpoint(path, values):
    with tf.Graph().as_default():
        vs = [tf.Variable(v, name=n) for n, v in values.items()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return tf.train.Saver(vs).save(sess, path)


def test_warm_start_regex_lists_and_renames(tmp_path):
    ckpt = _save_checkpoint(str(tmp_path / "old"), {
        "dense/kernel": np.full((2, 2), 5.0, np.float32), "dense/bias": np.ones(2, np.float32),
        "other": np.float32(7.0), "old_name": np.float32(9.0)})
    k = tf.Variable(np.zeros((2, 2), np.float32), name="dense/kernel")
    b = tf.Variable(np.zeros(2, np.float32), name="dense/bias")
    o = tf.Variable(0.0, name="other")
    n = tf.Variable(0.0, name="new_name")
    frozen = tf.Variable(0.0, name="dense/frozen_stat", trainable=False)
    tf.train.warm_start(ckpt, vars_to_warm_start="dense/",
                        var_name_to_prev_var_name={})
    tf.train.warm_start(ckpt, vars_to_warm_start=[n],
                        var_name_to_prev_var_name={"new_name": "old_name"})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kv, bv, ov, nv, fv = sess.run([k, b, o, n, frozen])
    np.testing.assert_array_equal(kv, 5.0)
    np.testing.assert_array_equal(bv, 1.0)
    assert ov == 0.0 and nv == 9.0 and fv == 0.0  # "other" not matched; non-trainable skipped
    with pytest.raises(ValueError, match="var_name_to_prev_var_name that were not used.*typo"):
        tf.train.warm_start(ckpt, vars_to_warm_start="dense/kernel",
                            var_name_to_prev_var_name={"typo": "x"})
    with pytest.raises(ValueError, match="must be all `Variable` or all `str`"):
        tf.train.warm_start(ckpt, vars_to_warm_start=["dense", k])
    with pytest.raises(ValueError, match="must be a `list` or `str`"):
        tf.train.warm_start(ckpt, vars_to_warm_start=3)


def test_warm_start_with_vocab_remaps_rows(tmp_path):
    ckpt = _save_checkpoint(str(tmp_path / "old"), {
        "emb": np.array([[1, 1], [2, 2], [3, 3]], np.float32)})
    (tmp_path / "old_vocab.txt").write_text("apple\nbanana\ncherry\n")
    (tmp_path / "new_vocab.txt").write_text("cherry\ndate\napple\n")
    emb = tf.Variable(np.zeros((4, 2), np.float32), name="emb")
    info = tf.train.VocabInfo(new_vocab=str(tmp_path / "new_vocab.txt"), new_vocab_size=3,
                              num_oov_buckets=1, old_vocab=str(tmp_path / "old_vocab.txt"),
                              backup_initializer=tf.constant_initializer(-1.0))
    assert info.axis == 0 and info.old_vocab_size == -1
    tf.train.warm_start(ckpt, vars_to_warm_start=None, var_name_to_vocab_info={"emb": info})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(emb)
    np.testing.assert_array_equal(got, [[3, 3], [-1, -1], [1, 1], [-1, -1]])
    with pytest.raises(ValueError, match="axis argument are 0 and 1"):
        tf.train.VocabInfo("a", 1, 0, "b", axis=2)


def test_queue_runner_module_names():
    assert tf.train.queue_runner.QueueRunner is tf.train.QueueRunner
    assert tf.train.queue_runner.add_queue_runner is tf.train.add_queue_runner
    assert tf.train.queue_runner.start_queue_runners is tf.train.start_queue_runners
    assert sorted(n for n in dir(tf.train.queue_runner) if not n.startswith("_")) == \
        ["QueueRunner", "add_queue_runner", "start_queue_runners"]
