"""RNN cells, static_rnn, dynamic_rnn, bidirectional RNNs: TF1 variable names, NumPy
step references, sequence_length masking, gradients, and TF's own LSTM (variables.npz
loaded into the tfgraph-built dynamic_rnn reproduce io.npz)."""
from __future__ import annotations

import pathlib

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(8)
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "tf-artifacts"


def sig(x):
    return 1 / (1 + np.exp(-x))


def _values(sess):
    return {v.op.name: sess.run(v) for v in tf.global_variables()}


def _run_cell(cell, xs, state_fn):
    inputs = [tf.constant(x) for x in xs]
    outs, state = tf.nn.static_rnn(cell, inputs, dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([outs, state])
        return got, _values(sess)


def test_basic_rnn_and_gru_match_numpy():
    xs = [RNG.normal(size=(2, 3)).astype(np.float32) for _ in range(3)]
    (outs, state), v = _run_cell(tf.nn.rnn_cell.BasicRNNCell(4), xs, None)
    assert sorted(v) == ["rnn/basic_rnn_cell/bias", "rnn/basic_rnn_cell/kernel"]
    h = np.zeros((2, 4))
    for x, o in zip(xs, outs):
        h = np.tanh(np.concatenate([x, h], 1) @ v["rnn/basic_rnn_cell/kernel"]
                    + v["rnn/basic_rnn_cell/bias"])
        np.testing.assert_allclose(o, h, rtol=1e-5, atol=1e-6)
    tf.reset_default_graph()
    (outs, state), v = _run_cell(tf.nn.rnn_cell.GRUCell(4), xs, None)
    assert sorted(v) == ["rnn/gru_cell/candidate/bias", "rnn/gru_cell/candidate/kernel",
                         "rnn/gru_cell/gates/bias", "rnn/gru_cell/gates/kernel"]
    np.testing.assert_array_equal(v["rnn/gru_cell/gates/bias"], np.ones(8))
    h = np.zeros((2, 4))
    for x, o in zip(xs, outs):
        g = sig(np.concatenate([x, h], 1) @ v["rnn/gru_cell/gates/kernel"]
                + v["rnn/gru_cell/gates/bias"])
        r, u = g[:, :4], g[:, 4:]
        c = np.tanh(np.concatenate([x, r * h], 1) @ v["rnn/gru_cell/candidate/kernel"]
                    + v["rnn/gru_cell/candidate/bias"])
        h = u * h + (1 - u) * c
        np.testing.assert_allclose(o, h, rtol=1e-5, atol=1e-6)


def _np_lstm(x, c, h, k, b, fb=1.0, peep=None, clip=None, proj=None):
    z = np.concatenate([x, h], 1) @ k + b
    i, j, f, o = np.split(z, 4, axis=1)
    if peep is None:
        c = sig(f + fb) * c + sig(i) * np.tanh(j)
    else:
        wf, wi, wo = peep
        c = sig(f + fb + wf * c) * c + sig(i + wi * c) * np.tanh(j)
    if clip is not None:
        c = np.clip(c, -clip, clip)
    m = sig(o + peep[2] * c) * np.tanh(c) if peep is not None else sig(o) * np.tanh(c)
    if proj is not None:
        m = m @ proj
    return c, m


def test_basic_lstm_and_lstm_with_peepholes_clip_projection():
    xs = [RNG.normal(size=(2, 3)).astype(np.float32) for _ in range(3)]
    (outs, state), v = _run_cell(tf.nn.rnn_cell.BasicLSTMCell(4, forget_bias=0.5), xs, None)
    c = h = np.zeros((2, 4))
    for x, o in zip(xs, outs):
        c, h = _np_lstm(x, c, h, v["rnn/basic_lstm_cell/kernel"], v["rnn/basic_lstm_cell/bias"],
                        fb=0.5)
        np.testing.assert_allclose(o, h, rtol=1e-5, atol=1e-6)
    assert isinstance(state, tf.nn.rnn_cell.LSTMStateTuple)
    np.testing.assert_allclose(state.c, c, rtol=1e-5, atol=1e-6)
    tf.reset_default_graph()
    cell = tf.nn.rnn_cell.LSTMCell(4, use_peepholes=True, cell_clip=0.3, num_proj=2)
    (outs, state), v = _run_cell(cell, xs, None)
    assert sorted(v) == ["rnn/lstm_cell/bias", "rnn/lstm_cell/kernel",
                         "rnn/lstm_cell/projection/kernel", "rnn/lstm_cell/w_f_diag",
                         "rnn/lstm_cell/w_i_diag", "rnn/lstm_cell/w_o_diag"]
    assert v["rnn/lstm_cell/kernel"].shape == (5, 16)
    c, h = np.zeros((2, 4)), np.zeros((2, 2))
    peep = (v["rnn/lstm_cell/w_f_diag"], v["rnn/lstm_cell/w_i_diag"], v["rnn/lstm_cell/w_o_diag"])
    for x, o in zip(xs, outs):
        c, h = _np_lstm(x, c, h, v["rnn/lstm_cell/kernel"], v["rnn/lstm_cell/bias"], peep=peep,
                        clip=0.3, proj=v["rnn/lstm_cell/projection/kernel"])
        np.testing.assert_allclose(o, h, rtol=1e-5, atol=1e-6)
    assert np.abs(state.c).max() <= 0.3 + 1e-6


def test_dynamic_rnn_equals_static_rnn_and_masks_by_length():
    x = RNG.normal(size=(3, 4, 2)).astype(np.float32)
    lengths = np.array([4, 2, 0])
    cell = tf.nn.rnn_cell.LSTMCell(3)
    dyn_out, dyn_state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
    st_out, st_state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), sequence_length=lengths,
                                        dtype=tf.float32)
    assert [v.op.name for v in tf.global_variables()] == ["rnn/lstm_cell/kernel",
                                                           "rnn/lstm_cell/bias"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        d, ds, s, ss = sess.run([dyn_out, dyn_state, st_out, st_state])
    np.testing.assert_allclose(d, np.stack(s, 1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ds.h, ss.h, rtol=1e-5, atol=1e-6)
    assert (d[1, 2:] == 0).all() and (d[2] == 0).all() and (ds.c[2] == 0).all()
    np.testing.assert_allclose(ds.h[1], d[1, 1], rtol=1e-6)  # state stops at the length


def test_dynamic_rnn_time_major_initial_state_and_errors():
    x = RNG.normal(size=(5, 2, 3)).astype(np.float32)  # [time, batch, depth]
    cell = tf.nn.rnn_cell.GRUCell(4)
    init = tf.constant(RNG.normal(size=(2, 4)).astype(np.float32))
    out, st = tf.nn.dynamic_rnn(cell, x, initial_state=init, time_major=True)
    assert out.shape.as_list()[1:] == [2, 4]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o, s = sess.run([out, st])
    assert o.shape == (5, 2, 4)
    np.testing.assert_allclose(o[-1], s, rtol=1e-6)
    with pytest.raises(ValueError, match="dtype"):
        tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), tf.zeros([1, 2, 3]), scope="other")
    with pytest.raises(ValueError, match="rank"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2, 3]), dtype=tf.float32)


def test_multi_rnn_cell_wrappers_and_bidirectional_names():
    x = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    cell = tf.nn.rnn_cell.MultiRNNCell([
        tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.BasicLSTMCell(4)),
        tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(5), output_keep_prob=1.0)])
    out, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
                     "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
                     "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel",
                     "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias"]
    assert len(state) == 2 and out.shape.as_list()[-1] == 5
    (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.GRUCell(2),
                                                  tf.nn.rnn_cell.GRUCell(2), x,
                                                  sequence_length=[3, 1], dtype=tf.float32)
    bi = [v.op.name for v in tf.global_variables()][4:]
    assert bi[0].startswith("bidirectional_rnn/fw/gru_cell/") and \
        bi[-1].startswith("bidirectional_rnn/bw/gru_cell/")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o, f, b = sess.run([out, fw, bw])
    assert o.shape == (2, 3, 5) and f.shape == b.shape == (2, 3, 2)
    assert (b[1, 1:] == 0).all() and (f[1, 1:] == 0).all()
    with pytest.raises(ValueError, match="keep_prob"):
        tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(2), input_keep_prob=0.0)


def test_gradient_through_dynamic_rnn_matches_finite_differences():
    x = tf.placeholder(tf.float64, [2, 3, 2])
    cell = tf.nn.rnn_cell.BasicLSTMCell(2)
    out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        err = tf.test.compute_gradient_error(x, [2, 3, 2], out, [2, 3, 2],
                                             x_init_value=RNG.normal(size=(2, 3, 2)))
    assert err < 1e-6
    grads = tf.gradients(tf.reduce_sum(out), tf.trainable_variables())
    assert all(g is not None for g in grads)


@pytest.mark.skipif(not (ARTIFACTS / "rnn" / "variables.npz").exists(),
                    reason="../shared/tf-artifacts/rnn is absent")
def test_tensorflows_lstm_reproduces_its_outputs():
    variables = np.load(ARTIFACTS / "rnn" / "variables.npz")
    io = np.load(ARTIFACTS / "rnn" / "io.npz")
    seq = tf.placeholder(tf.float32, [None, 7, 5], name="seq")
    out, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(6, name="lstm"), seq,
                                   dtype=tf.float32)
    assert sorted(v.op.name for v in tf.global_variables()) == sorted(variables.files)
    with tf.Session() as sess:
        for v in tf.global_variables():
            sess.run(v.assign(variables[v.op.name]))
        last, c = sess.run([out[:, -1], state.c], {seq: io["in/seq"]})
    np.testing.assert_allclose(last, io["out/last"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c, io["out/c"], rtol=1e-5, atol=1e-6)
