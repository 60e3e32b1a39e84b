"""tf.nn.raw_rnn (checked against a NumPy unrolled RNN and against tf.nn.dynamic_rnn) and the
clear refusals of tf.nn.static_state_saving_rnn / tf.nn.experimental / tf.layers.experimental."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

T, B, D, U = 5, 3, 2, 4


def _loop_fn_factory(cell, ta, seq, with_loop_state=False):
    def loop_fn(time, cell_output, cell_state, loop_state):
        next_state = cell.zero_state(B, tf.float32) if cell_output is None else cell_state
        finished = time >= seq
        nxt = tf.cond(tf.reduce_all(finished), lambda: tf.zeros([B, D]), lambda: ta.read(time))
        if with_loop_state:
            loop_state = tf.constant(0.0) if loop_state is None else loop_state + 1.0
            return finished, nxt, next_state, cell_output, loop_state
        return finished, nxt, next_state, cell_output, None
    return loop_fn


def test_raw_rnn_matches_numpy_and_dynamic_rnn():
    x = np.random.default_rng(0).uniform(-1, 1, (T, B, D)).astype(np.float32)
    lengths = np.array([5, 2, 3])
    seq = tf.constant(lengths, tf.int32)
    ta = tf.TensorArray(tf.float32, size=T).unstack(tf.constant(x))
    cell = tf.nn.rnn_cell.BasicRNNCell(U)
    out_ta, final, loop_state = tf.nn.raw_rnn(cell, _loop_fn_factory(cell, ta, seq, True))
    outputs = out_ta.stack()
    kernel, bias = tf.global_variables()
    assert (kernel.op.name, bias.op.name) == ("rnn/basic_rnn_cell/kernel",
                                              "rnn/basic_rnn_cell/bias")
    dyn_out, dyn_final = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, time_major=True,
                                           dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o, f, ls, k, b, do, df = sess.run([outputs, final, loop_state, kernel, bias, dyn_out,
                                           dyn_final])
    # NumPy: h_t = tanh([x_t, h_{t-1}] @ W + b) while t < length; zeros emitted afterwards
    h = np.zeros((B, U))
    want = np.zeros((T, B, U))
    for t in range(T):
        new = np.tanh(np.concatenate([x[t], h], 1) @ k + b)
        alive = (t < lengths)[:, None]
        h = np.where(alive, new, h)
        want[t] = np.where(alive, new, 0.0)
    np.testing.assert_allclose(o, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(f, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(o, do, rtol=1e-6)
    np.testing.assert_allclose(f, df, rtol=1e-6)
    assert ls == 5.0  # loop_state advanced once per step (5 steps)


def test_raw_rnn_without_loop_state_and_errors():
    x = tf.zeros([T, B, D])
    ta = tf.TensorArray(tf.float32, size=T).unstack(x)
    cell = tf.nn.rnn_cell.GRUCell(U)
    out_ta, final, loop_state = tf.nn.raw_rnn(cell, _loop_fn_factory(cell, ta, tf.constant(2)))
    assert loop_state is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out_ta.stack()).shape == (2, B, U)
    with pytest.raises(TypeError, match="loop_fn"):
        tf.nn.raw_rnn(cell, None)


@pytest.mark.parametrize("ns,name", [("nn", "static_state_saving_rnn"), ("nn", "experimental"),
                                     ("layers", "experimental")])
def test_refused_names_explain(ns, name):
    with pytest.raises(NotImplementedError, match=f"tf.{ns}.{name} is not offered"):
        getattr(getattr(tf, ns), name)
