"""tf.train.Saver and checkpoint files: round trips, the `checkpoint` state file, max_to_keep,
all-or-nothing restores with TF1's error classes, crash safety, and exact training resumption."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.train import checkpoint_management as cm

F32 = np.float32
W_INIT = np.arange(6, dtype=F32).reshape(2, 3) / F32(7)
B_INIT = np.array([1.5, -2.5, 3.25], F32)


def _two_vars(w=W_INIT, b=B_INIT):
    return tf.Variable(w, name="W"), tf.Variable(b, name="b")


def _files(d):
    return sorted(os.listdir(d))


# --- saving ------------------------------------------------------------------------------------
def test_save_writes_tf_v2_checkpoint_keyed_by_variable_name(tmp_path):
    w, b = _two_vars()
    step = tf.Variable(7, name="global_step", trainable=False)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=100)
    assert path == str(tmp_path / "model.ckpt-100")
    assert _files(tmp_path) == ["checkpoint", "model.ckpt-100.data-00000-of-00001",
                                "model.ckpt-100.index", "model.ckpt-100.meta"]
    # The data file is the tensors' little-endian bytes back to back, in key order.
    data = (tmp_path / "model.ckpt-100.data-00000-of-00001").read_bytes()
    assert data == W_INIT.tobytes() + B_INIT.tobytes() + np.int32(7).tobytes()
    reader = tf.train.NewCheckpointReader(path)
    assert reader.get_variable_to_shape_map() == {"W": [2, 3], "b": [3], "global_step": []}
    assert reader.get_variable_to_dtype_map() == {"W": tf.float32, "b": tf.float32,
                                                  "global_step": tf.int32}
    np.testing.assert_array_equal(reader.get_tensor("W"), W_INIT)
    assert reader.get_tensor("W").dtype == np.float32
    assert reader.get_tensor("global_step").shape == () and reader.get_tensor("global_step") == 7
    assert step.op.name == "global_step"


def test_checkpoint_files_follow_the_umask(tmp_path):
    _two_vars()
    saver = tf.train.Saver()
    old = os.umask(0o022)
    try:
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(tmp_path / "m"))
        os.umask(0o027)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(tmp_path / "n"))
    finally:
        os.umask(old)
    for f in ("m.index", "m.data-00000-of-00001", "m.meta"):
        assert os.stat(tmp_path / f).st_mode & 0o777 == 0o644, f
    for f in ("n.index", "n.data-00000-of-00001", "n.meta", "checkpoint"):  # rewritten last
        assert os.stat(tmp_path / f).st_mode & 0o777 == 0o640, f


def test_old_npz_checkpoints_are_still_read(tmp_path):
    prefix = str(tmp_path / "old")
    cm.write_npz_checkpoint(prefix, {"W": W_INIT, "b": B_INIT})
    assert tf.train.checkpoint_exists(prefix)
    assert tf.train.list_variables(prefix) == [("W", [2, 3]), ("b", [3])]
    w, b = _two_vars(np.zeros((2, 3), F32), np.zeros(3, F32))
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(w), W_INIT)
        np.testing.assert_array_equal(sess.run(b), B_INIT)


def test_saver_ops_and_saver_def_use_tf1_names():
    _two_vars()
    s1 = tf.train.Saver()
    s2 = tf.train.Saver(name="my_saver")
    s3 = tf.train.Saver()
    assert s1.saver_def.filename_tensor_name == "save/Const:0"
    assert s1.saver_def.save_tensor_name == "save/control_dependency:0"
    assert s1.saver_def.restore_op_name == "save/restore_all"
    assert s2.saver_def.restore_op_name == "my_saver/restore_all"
    assert s3.saver_def.restore_op_name == "save_1/restore_all"
    g = tf.get_default_graph()
    assert g.get_operation_by_name("save/SaveV2").type == "SaveV2"
    assert g.get_operation_by_name("save/RestoreV2").type == "RestoreV2"
    assert g.get_operation_by_name("save/filename/input").type == "Const"


def test_restore_into_fresh_graph_without_initializing(tmp_path):
    with tf.Graph().as_default():
        _two_vars()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = saver.save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default():
        w, b = _two_vars(np.zeros((2, 3), F32), np.zeros(3, F32))
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, path)  # no initializer run: restore alone makes them usable
            wv, bv = sess.run([w, b])
    np.testing.assert_array_equal(wv, W_INIT)
    np.testing.assert_array_equal(bv, B_INIT)


def test_restore_through_saver_def_names_like_tf1(tmp_path):
    w, b = _two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
        sess.run(tf.assign(w, np.full((2, 3), 9.0, F32)))
        sd = saver.saver_def
        sess.run(sd.restore_op_name, {sd.filename_tensor_name: path})
        np.testing.assert_array_equal(sess.run(w), W_INIT)


def test_var_list_dict_renames_keys_and_list_selects(tmp_path):
    w, b = _two_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        p1 = tf.train.Saver({"layer/kernel": w}).save(sess, str(tmp_path / "a"))
        p2 = tf.train.Saver([b]).save(sess, str(tmp_path / "b"))
    assert tf.train.list_variables(p1) == [("layer/kernel", [2, 3])]
    assert tf.train.list_variables(p2) == [("b", [3])]
    np.testing.assert_array_equal(tf.train.load_variable(p1, "layer/kernel"), W_INIT)
    reader = tf.train.NewCheckpointReader(p2)
    assert reader.has_tensor("b") and not reader.has_tensor("W")
    assert reader.get_variable_to_dtype_map() == {"b": tf.float32}


def test_global_step_may_be_a_variable_and_padded(tmp_path):
    _two_vars()
    gs = tf.Variable(42, name="global_step", trainable=False)
    saver = tf.train.Saver(pad_step_number=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"), global_step=gs)
    assert path == str(tmp_path / "m-00000042")


def test_save_errors(tmp_path):
    _two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value W"):
            saver.save(sess, str(tmp_path / "m"))
        assert _files(tmp_path) == []  # nothing half-written
        sess.run(tf.global_variables_initializer())
        with pytest.raises(ValueError, match="Parent directory of .* doesn't exist"):
            saver.save(sess, str(tmp_path / "nope" / "m"))
        with pytest.raises(ValueError, match="must not contain path components"):
            saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
        with pytest.raises(TypeError, match="'sess' must be a Session"):
            saver.save("not a session", str(tmp_path / "m"))


def test_no_variables_and_duplicates():
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    empty = tf.train.Saver(allow_empty=True)
    with tf.Session() as sess:
        assert empty.save(sess, "/nonexistent/dir/m") is None
    w, _ = _two_vars()
    with pytest.raises(ValueError, match="two variables have the same name: W"):
        tf.train.Saver([w, w])
    with pytest.raises(TypeError, match="not a Variable"):
        tf.train.Saver([tf.constant(1.0)])


def test_saver_on_finalized_graph_raises_like_tf1():
    _two_vars()
    tf.get_default_graph().finalize()
    with pytest.raises(RuntimeError, match="finalized"):
        tf.train.Saver()


# --- the checkpoint state file -------------------------------------------------------------------
def test_state_file_text_and_latest_checkpoint(tmp_path):
    _two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in (10, 20):
            saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
    d = str(tmp_path)
    assert (tmp_path / "checkpoint").read_text() == (
        f'model_checkpoint_path: "{d}/model.ckpt-20"\n'
        f'all_model_checkpoint_paths: "{d}/model.ckpt-10"\n'
        f'all_model_checkpoint_paths: "{d}/model.ckpt-20"\n')
    assert tf.train.latest_checkpoint(d) == f"{d}/model.ckpt-20"
    state = tf.train.get_checkpoint_state(d)
    assert state.model_checkpoint_path == f"{d}/model.ckpt-20"
    assert state.all_model_checkpoint_paths == [f"{d}/model.ckpt-10", f"{d}/model.ckpt-20"]
    assert tf.train.checkpoint_exists(f"{d}/model.ckpt-10")
    assert not tf.train.checkpoint_exists(f"{d}/model.ckpt-30")
    assert tf.train.latest_checkpoint(str(tmp_path / "empty")) is None
    assert tf.train.get_checkpoint_state(str(tmp_path / "empty")) is None


def test_relative_save_dir_writes_relative_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("run")
    _two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert saver.save(sess, "run/m", global_step=1) == "run/m-1"
    assert (tmp_path / "run" / "checkpoint").read_text() == (
        'model_checkpoint_path: "m-1"\nall_model_checkpoint_paths: "m-1"\n')
    assert tf.train.latest_checkpoint("run") == os.path.join("run", "m-1")


def test_state_file_escapes_and_parses_tricky_paths(tmp_path):
    tricky = str(tmp_path / 'we"ird\\dir ü' / "m-1")
    cm.update_checkpoint_state(str(tmp_path), tricky, [tricky],
                               all_model_checkpoint_timestamps=[1.5], last_preserved_timestamp=0.25)
    text = (tmp_path / "checkpoint").read_text()
    assert '\\"' in text and "\\\\" in text and "\\303\\274" in text  # protobuf text escaping
    state = cm.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == tricky
    assert state.all_model_checkpoint_paths == [tricky]
    assert state.all_model_checkpoint_timestamps == [1.5]
    assert state.last_preserved_timestamp == 0.25


def test_max_to_keep_deletes_oldest_files(tmp_path):
    _two_vars()
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(1, 5):
            saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert saver.last_checkpoints == [str(tmp_path / "m-3"), str(tmp_path / "m-4")]
    assert _files(tmp_path) == ["checkpoint", "m-3.data-00000-of-00001", "m-3.index", "m-3.meta",
                                "m-4.data-00000-of-00001", "m-4.index", "m-4.meta"]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.all_model_checkpoint_paths == saver.last_checkpoints


def test_max_to_keep_none_keeps_everything_and_hours_rule_preserves(tmp_path):
    _two_vars()
    keep_all = tf.train.Saver(max_to_keep=None)
    # keep_checkpoint_every_n_hours=0: every checkpoint falls due, so none is deleted.
    hourly = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=0.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(3):
            keep_all.save(sess, str(tmp_path / "a"), global_step=step)
            hourly.save(sess, str(tmp_path / "b"), global_step=step, latest_filename="ckpt_b")
    names = _files(tmp_path)
    assert all(f"a-{i}.index" in names and f"b-{i}.index" in names for i in range(3))
    assert keep_all.last_checkpoints == []  # TF1 does not track them without max_to_keep
    assert hourly.last_checkpoints == [str(tmp_path / "b-2")]
    assert tf.train.latest_checkpoint(str(tmp_path), "ckpt_b") == str(tmp_path / "b-2")


def test_recover_last_checkpoints_then_max_to_keep_applies(tmp_path):
    _two_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = tf.train.Saver(max_to_keep=None)
        paths = [first.save(sess, str(tmp_path / "m"), global_step=i) for i in range(2)]
        second = tf.train.Saver(max_to_keep=2)
        second.recover_last_checkpoints(paths + [str(tmp_path / "missing")])
        assert second.last_checkpoints == paths
        second.save(sess, str(tmp_path / "m"), global_step=2)
    assert not tf.train.checkpoint_exists(paths[0])
    assert tf.train.checkpoint_exists(paths[1])


# --- restore validation: all or nothing ---------------------------------------------------------
def _save_graph(tmp_path, build):
    with tf.Graph().as_default():
        build()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return saver.save(sess, str(tmp_path / "ckpt"))


def _restore_expect(path, build, error, pattern):
    """Restores `path` into a graph from `build` after initializing; checks the error and that
    every variable still holds its initial value."""
    with tf.Graph().as_default():
        variables = build()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = sess.run(variables)
            with pytest.raises(error, match=pattern) as info:
                saver.restore(sess, path)
            after = sess.run(variables)
    for x, y in zip(before, after):
        np.testing.assert_array_equal(x, y)
    return info.value


def test_restore_missing_variable_is_not_found_and_changes_nothing(tmp_path):
    path = _save_graph(tmp_path, lambda: _two_vars())

    def build():
        a = tf.Variable(np.ones(3, F32), name="a")  # restored first (sorted): must stay 1s
        w, b = _two_vars(np.zeros((2, 3), F32), np.zeros(3, F32))
        m = tf.Variable(np.zeros(3, F32), name="W/Adam")
        return [a, w, b, m]

    err = _restore_expect(path, build, tf.errors.NotFoundError,
                          "Key W/Adam not found in checkpoint")
    assert "Restoring from checkpoint failed" in str(err)
    assert err.op is not None and err.op.name == "save/RestoreV2"


def test_restore_shape_mismatch_names_variable_and_both_shapes(tmp_path):
    path = _save_graph(tmp_path, lambda: _two_vars())

    def build():
        w = tf.Variable(np.zeros((2, 3), F32), name="W")
        b = tf.Variable(np.zeros(4, F32), name="b")
        return [w, b]

    err = _restore_expect(path, build, tf.errors.InvalidArgumentError, r"variable 'b'")
    assert "variable 'b' has shape [4] in the graph" in str(err)
    assert "checkpoint value 'b' has shape [3]" in str(err)
    assert "mismatch between the current graph" in str(err)


def test_restore_with_reshape_accepts_same_number_of_elements(tmp_path):
    path = _save_graph(tmp_path, lambda: _two_vars())
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros((3, 2), F32), name="W")
        tf.Variable(np.zeros(3, F32), name="b")
        saver = tf.train.Saver(reshape=True)
        with tf.Session() as sess:
            saver.restore(sess, path)
            np.testing.assert_array_equal(sess.run(w), W_INIT.reshape(3, 2))


def test_restore_dtype_mismatch_is_invalid_argument(tmp_path):
    path = _save_graph(tmp_path, lambda: _two_vars())

    def build():
        w = tf.Variable(np.zeros((2, 3), np.float64), name="W")
        b = tf.Variable(np.zeros(3, F32), name="b")
        return [w, b]

    err = _restore_expect(path, build, tf.errors.InvalidArgumentError, "expected dtype float64")
    assert "'W'" in str(err) and "float32" in str(err)


def test_restore_of_corrupt_data_is_data_loss_and_changes_nothing(tmp_path):
    path = _save_graph(tmp_path, lambda: _two_vars())
    data = path + ".data-00000-of-00001"
    raw = open(data, "rb").read()
    fresh = lambda: list(_two_vars(np.zeros((2, 3), F32), np.zeros(3, F32)))  # noqa: E731
    # A data file of another save under the same name: the checksums no longer match.
    open(data, "wb").write(raw[:8] + b"\x00\x01\x02\x03" + raw[12:])
    _restore_expect(path, fresh, tf.errors.DataLossError, "checksum mismatch for tensor 'W'")
    open(data, "wb").write(raw[:20])  # truncated
    _restore_expect(path, fresh, tf.errors.DataLossError, "ckpt.data-00000-of-00001")
    os.remove(data)
    _restore_expect(path, fresh, tf.errors.DataLossError,
                    "data file .*ckpt.data-00000-of-00001 is missing")
    open(data, "wb").write(raw)
    index = open(path + ".index", "rb").read()
    open(path + ".index", "wb").write(index[:-5])  # truncated index
    _restore_expect(path, fresh, tf.errors.DataLossError, r"ckpt\.index")
    open(path + ".index", "wb").write(index[:30] + bytes([index[30] ^ 0xFF]) + index[31:])
    _restore_expect(path, fresh, tf.errors.DataLossError, "bad checksum")


def test_restore_missing_checkpoint_raises_like_tf1(tmp_path):
    _two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="The passed save_path is not a valid checkpoint: "):
            saver.restore(sess, str(tmp_path / "nothing"))
        with pytest.raises(ValueError, match="Can't load save_path when it is None"):
            saver.restore(sess, None)
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files"):
        tf.train.NewCheckpointReader(str(tmp_path / "nothing"))


# --- crash safety ---------------------------------------------------------------------------------
def test_crash_mid_save_keeps_previous_checkpoint_and_index(tmp_path, monkeypatch):
    w, b = _two_vars()
    saver = tf.train.Saver()
    real = cm._write_temp
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        good = saver.save(sess, str(tmp_path / "m"), global_step=1)
        state_before = (tmp_path / "checkpoint").read_text()
        sess.run(tf.assign(w, np.full((2, 3), 5.0, F32)))

        def failing(path, write):
            if path.endswith(".index"):
                raise OSError("disk full (injected)")
            return real(path, write)
        monkeypatch.setattr(cm, "_write_temp", failing)
        with pytest.raises(tf.errors.UnknownError, match="disk full"):
            saver.save(sess, str(tmp_path / "m"), global_step=2)
        with pytest.raises(tf.errors.UnknownError, match="disk full"):
            saver.save(sess, str(tmp_path / "m-1"))  # same prefix overwritten
        monkeypatch.undo()
        assert _files(tmp_path) == ["checkpoint", "m-1.data-00000-of-00001", "m-1.index",
                                    "m-1.meta"]  # no temporary files
        assert (tmp_path / "checkpoint").read_text() == state_before
        assert tf.train.latest_checkpoint(str(tmp_path)) == good
        assert not tf.train.checkpoint_exists(str(tmp_path / "m-2"))
        saver.restore(sess, good)
        np.testing.assert_array_equal(sess.run(w), W_INIT)


def _values_at(prefix):
    r = tf.train.NewCheckpointReader(prefix)
    return {k: r.get_tensor(k) for k in r.get_variable_to_shape_map()}


@pytest.mark.parametrize("fail_at", range(18))
def test_overwriting_a_prefix_survives_a_crash_at_every_step(tmp_path, monkeypatch, fail_at):
    """Issue 13.1: a save over an existing prefix stops at each of its file operations in
    turn (as a crash there would); what is on disk must restore the old or the new values."""
    prefix = str(tmp_path / "m")
    old = {"W": W_INIT, "b": B_INIT}
    new = {"W": W_INIT + 1, "b": B_INIT * 2}
    cm.write_checkpoint(prefix, old)
    calls = []

    def crash(real):
        def f(*args, **kwargs):
            calls.append(real.__name__)
            if len(calls) == fail_at + 1:
                raise KeyboardInterrupt("crash (injected)")
            return real(*args, **kwargs)
        return f
    import tempfile
    for mod, name in ((os, "replace"), (os, "link"), (os, "unlink"), (os, "fsync"),
                      (tempfile, "mkstemp")):
        monkeypatch.setattr(mod, name, crash(getattr(mod, name)))
    try:
        cm.write_checkpoint(prefix, new)
        crashed = False
    except KeyboardInterrupt:
        crashed = True
    monkeypatch.undo()
    # Every file operation of the save gets its turn to fail: a save makes at most 18.
    assert crashed or fail_at >= len(calls) and len(calls) <= 18
    got = _values_at(prefix)
    assert any(all(np.array_equal(got[k], v[k]) for k in v) for v in (old, new)), got
    # The next save cleans up and succeeds; nothing else is left in the directory.
    cm.write_checkpoint(prefix, new)
    got = _values_at(prefix)
    assert all(np.array_equal(got[k], new[k]) for k in new)
    assert _files(tmp_path) == ["m.data-00000-of-00001", "m.index"]


def test_kill_9_while_saving_over_one_prefix_never_loses_the_checkpoint(tmp_path):
    """A process saving the same prefix in a loop is killed (SIGKILL) at random moments;
    each time, what is on disk restores to one of the saved values."""
    import signal
    import time
    script = textwrap.dedent(f"""
        import sys, numpy as np
        sys.path.insert(0, {os.getcwd()!r})
        from tfgraph.train import checkpoint_management as cm
        i = 0
        print("ready", flush=True)
        while True:
            i += 1
            cm.write_checkpoint({str(tmp_path / "m")!r},
                                {{"v": np.full(200000, i, np.float32), "i": np.int64(i)}})
    """)
    rng = np.random.default_rng(0)
    for trial in range(3):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(0.15 + 0.2 * rng.random())
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = _values_at(str(tmp_path / "m"))  # must not raise
        assert got["v"].shape == (200000,) and np.all(got["v"] == got["i"]), trial


def test_atomic_write_replaces_whole_file_or_nothing(tmp_path):
    target = tmp_path / "f.txt"
    cm.atomic_write_string_to_file(str(target), "old")

    def bad(f):
        f.write(b"new but partial")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match=r"boom"):
        cm.atomic_write(str(target), bad)
    assert target.read_text() == "old"
    assert _files(tmp_path) == ["f.txt"]


# --- exact resumption ----------------------------------------------------------------------------
_rng = np.random.RandomState(0)
X_DATA = _rng.randn(16, 5).astype(F32)
Y_DATA = _rng.randn(16, 2).astype(F32)
W1_0 = (_rng.randn(5, 8) * 0.3).astype(F32)
W2_0 = (_rng.randn(8, 2) * 0.3).astype(F32)


def _build_mlp(optimizer):
    """A small MLP (square activation) trained on fixed data; returns (train, loss, saver)."""
    x, y = tf.constant(X_DATA), tf.constant(Y_DATA)
    w1 = tf.Variable(W1_0, name="W1")
    b1 = tf.Variable(np.zeros(8, F32), name="b1")
    w2 = tf.Variable(W2_0, name="W2")
    b2 = tf.Variable(np.zeros(2, F32), name="b2")
    h = tf.square(tf.matmul(x, w1) + b1)
    loss = tf.reduce_mean(tf.square(tf.matmul(h, w2) + b2 - y))
    gs = tf.train.get_or_create_global_step()
    opt = (tf.train.AdamOptimizer(0.01) if optimizer == "adam"
           else tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True))
    train = opt.minimize(loss, global_step=gs)
    return train, loss, tf.train.Saver()


def _all_values(sess):
    return {v.op.name: sess.run(v) for v in tf.global_variables()}


@pytest.mark.parametrize("optimizer", ["adam", "momentum"])
def test_resume_matches_uninterrupted_training_bit_for_bit(tmp_path, optimizer):
    n, m = 5, 4
    with tf.Graph().as_default():
        train, loss, _ = _build_mlp(optimizer)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            straight_losses = [sess.run([train, loss])[1] for _ in range(n + m)]
            straight = _all_values(sess)
    with tf.Graph().as_default():
        train, loss, saver = _build_mlp(optimizer)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first_losses = [sess.run([train, loss])[1] for _ in range(n)]
            path = saver.save(sess, str(tmp_path / "model.ckpt"),
                              global_step=tf.train.get_global_step())
    assert path.endswith(f"model.ckpt-{n}")
    saved = dict(tf.train.list_variables(path))
    slot_names = {"adam": ["W1/Adam", "W1/Adam_1", "beta1_power", "beta2_power"],
                  "momentum": ["W1/Momentum", "b2/Momentum"]}[optimizer]
    assert all(k in saved for k in slot_names + ["global_step"])
    with tf.Graph().as_default():
        train, loss, saver = _build_mlp(optimizer)
        with tf.Session() as sess:
            saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
            assert sess.run(tf.train.get_global_step()) == n
            resumed_losses = [sess.run([train, loss])[1] for _ in range(m)]
            resumed = _all_values(sess)
    assert first_losses + resumed_losses == straight_losses
    assert sorted(resumed) == sorted(straight)
    for name in straight:
        np.testing.assert_array_equal(resumed[name], straight[name], err_msg=name)
        assert resumed[name].dtype == straight[name].dtype


def test_restore_in_a_new_process(tmp_path):
    with tf.Graph().as_default():
        w = tf.Variable(W_INIT, name="dense/kernel")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(tf.assign(w, W_INIT * F32(3)))
            path = saver.save(sess, str(tmp_path / "m"), global_step=3)
    script = textwrap.dedent(f"""
        import numpy as np, tfgraph as tf
        w = tf.Variable(np.zeros((2, 3), np.float32), name="dense/kernel")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, tf.train.latest_checkpoint({str(tmp_path)!r}))
            np.save({str(tmp_path / "out.npy")!r}, sess.run(w))
    """)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=120)
    out = np.load(tmp_path / "out.npy")
    np.testing.assert_array_equal(out, W_INIT * F32(3))
    assert out.dtype == np.float32
    assert path == str(tmp_path / "m-3")


def test_saved_meta_graph_restores_without_the_model_code(tmp_path):
    w, b = _two_vars()
    y = tf.add(tf.reduce_sum(w, axis=0), b, name="y")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
        want = sess.run(y)
    with tf.Graph().as_default() as g:
        restorer = tf.train.import_meta_graph(path + ".meta")
        assert [v.op.name for v in tf.global_variables()] == ["W", "b"]
        assert [v.op.name for v in tf.trainable_variables()] == ["W", "b"]
        with tf.Session() as sess:
            restorer.restore(sess, path)
            np.testing.assert_array_equal(sess.run("y:0"), want)
            np.testing.assert_array_equal(sess.run(tf.global_variables()[0]), W_INIT)
        assert g.get_operation_by_name("save/RestoreV2").type == "RestoreV2"
    with pytest.raises(IOError, match="nothing.meta does not exist"):
        tf.train.import_meta_graph(str(tmp_path / "nothing.meta"))


def test_import_meta_graph_under_a_scope_with_devices_cleared(tmp_path):
    with tf.device("/cpu:0"):
        w, b = _two_vars()
    tf.add(tf.reduce_sum(w, axis=0), b, name="y")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default() as g:
        tf.constant(0.0, name="other")
        restorer = tf.train.import_meta_graph(path + ".meta", import_scope="model",
                                              clear_devices=True)
        assert g.get_operation_by_name("model/W").device == ""
        assert [v.op.name for v in tf.global_variables()] == ["model/W", "model/b"]
        with tf.Session() as sess:
            restorer.restore(sess, path)
            np.testing.assert_allclose(sess.run("model/y:0"), W_INIT.sum(0) + B_INIT)
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(path + ".meta")
        assert g.get_operation_by_name("W").device.endswith("CPU:0")
