"""tf.TensorArray and map_fn/scan/foldl/foldr: values against NumPy, gradients, TF1 errors,
and a dynamic_rnn-style loop built from while_loop + TensorArray."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf


def test_tensor_array_write_read_stack_gather_concat_split_size():
    ta = tf.TensorArray(tf.float32, size=3)
    ta = ta.write(0, [1.0, 2.0]).write(2, [5.0, 6.0]).write(1, tf.constant([3.0, 4.0]))
    assert ta.element_shape.as_list() == [2]
    st = ta.stack()
    assert st.shape.as_list() == [None, 2]  # as TF1: the size is not static
    tb = tf.TensorArray(tf.int32, size=4, clear_after_read=False).unstack(
        tf.constant([[1], [2], [3], [4]]))
    g = tb.gather([3, 0])
    r = tb.read(2)
    tc = tf.TensorArray(tf.float32, size=2, infer_shape=False).split(
        tf.constant([1.0, 2.0, 3.0]), [1, 2])
    cat = tc.concat()
    grow = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(3, 7.0)
    with tf.Session() as sess:
        a, b, c, d, e, f = sess.run([st, g, r, cat, grow.size(), grow.read(3)])
        np.testing.assert_array_equal(a, [[1, 2], [3, 4], [5, 6]])
        assert a.dtype == np.float32
        np.testing.assert_array_equal(b, [[4], [1]])
        np.testing.assert_array_equal(c, [3])
        np.testing.assert_array_equal(d, [1, 2, 3])
        assert e == 4 and f == 7.0


def test_tensor_array_run_time_errors_name_the_array():
    idx = tf.placeholder(tf.int32, [])
    ta = tf.TensorArray(tf.float32, size=2, tensor_array_name="arr").write(0, 1.0)
    twice = ta.write(idx, 2.0)
    unread = tf.TensorArray(tf.float32, size=2, tensor_array_name="arr2").write(0, 1.0).read(1)
    ta3 = tf.TensorArray(tf.float32, size=1, tensor_array_name="arr3").write(0, 1.0)
    read_twice = [ta3.read(0), ta3.read(0)]
    with tf.Session() as sess:
        assert sess.run(twice.read(1), {idx: 1}) == 2.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="arr: .*already been written"):
            sess.run(twice.flow, {idx: 0})
        with pytest.raises(tf.errors.InvalidArgumentError, match="not resizeable and size is: 2"):
            sess.run(twice.flow, {idx: 5})
        with pytest.raises(tf.errors.InvalidArgumentError, match="arr2: .*not yet been written"):
            sess.run(unread)
        with pytest.raises(tf.errors.InvalidArgumentError, match="cleared after a previous read"):
            sess.run(read_twice)
    with pytest.raises(TypeError, match="float32 but Op is trying to write dtype int32"):
        tf.TensorArray(tf.float32, size=1).write(0, tf.constant(1))
    with pytest.raises(ValueError, match="Inconsistent shapes"):
        tf.TensorArray(tf.float32, size=2).write(0, [1.0]).write(1, [1.0, 2.0])


def test_map_fn_nested_and_dtype():
    x = tf.placeholder(tf.float32, [None, 3])
    sq = tf.map_fn(lambda r: r * r, x)
    pair = tf.map_fn(lambda p: (p[0] + p[1], tf.reduce_sum(p[0])), (x, x * 2.0),
                     dtype=(tf.float32, tf.float32))
    lens = tf.map_fn(lambda r: tf.cast(tf.reduce_sum(tf.cast(r > 0, tf.int32)), tf.int64), x,
                     dtype=tf.int64)
    assert sq.shape.as_list() == [None, 3]
    assert sq.op.name.startswith("map/")
    xv = np.array([[1, -2, 3], [0.5, 0.5, -1]], np.float32)
    with tf.Session() as sess:
        a, (b, c), d = sess.run([sq, pair, lens], {x: xv})
        np.testing.assert_allclose(a, xv * xv)
        np.testing.assert_allclose(b, xv * 3)
        np.testing.assert_allclose(c, xv.sum(1))
        np.testing.assert_array_equal(d, [2, 2])
        assert sess.run(sq, {x: np.zeros((0, 3), np.float32)}).shape == (0, 3)


def test_scan_foldl_foldr_against_numpy():
    x = tf.placeholder(tf.float64, [5, 2])
    cum = tf.scan(lambda a, r: a + r, x)
    rev = tf.scan(lambda a, r: a * 0.5 + r, x, initializer=tf.zeros([2], tf.float64),
                  reverse=True)
    both = tf.scan(lambda a, r: (a[0] + r, a[1] * r), x, initializer=(tf.zeros([2], tf.float64),
                                                                         tf.ones([2], tf.float64)))
    fl = tf.foldl(lambda a, r: a * 2.0 + r, x)
    fr = tf.foldr(lambda a, r: a * 2.0 + r, x, initializer=tf.zeros([2], tf.float64))
    xv = np.arange(10.0).reshape(5, 2) / 10.0
    want_rev, a = [], np.zeros(2)
    for r in xv[::-1]:
        a = a * 0.5 + r
        want_rev.append(a)
    want_fl = xv[0]
    for r in xv[1:]:
        want_fl = want_fl * 2 + r
    want_fr = np.zeros(2)
    for r in xv[::-1]:
        want_fr = want_fr * 2 + r
    with tf.Session() as sess:
        c, rv, (s, p), l_, r_ = sess.run([cum, rev, both, fl, fr], {x: xv})
        np.testing.assert_allclose(c, np.cumsum(xv, 0))
        np.testing.assert_allclose(rv, want_rev[::-1])
        np.testing.assert_allclose(s, np.cumsum(xv, 0))
        np.testing.assert_allclose(p, np.cumprod(xv, 0))
        np.testing.assert_allclose(l_, want_fl)
        np.testing.assert_allclose(r_, want_fr)


def test_functional_gradients_match_finite_differences():
    x = tf.placeholder(tf.float64, [4, 3])
    loss = (tf.reduce_sum(tf.map_fn(lambda r: tf.reduce_sum(tf.sin(r) * r), x)) +
            tf.reduce_sum(tf.square(tf.scan(lambda a, r: a * r + r, x))) +
            tf.reduce_sum(tf.foldr(lambda a, r: tf.tanh(a + r), x)))
    xv = np.random.default_rng(3).uniform(-1, 1, (4, 3))
    with tf.Session():
        err = tf.test.compute_gradient_error(x, [4, 3], loss, [], x_init_value=xv)
    assert err < 1e-6


def test_errors_for_bad_functional_input():
    with pytest.raises(TypeError, match="fn must be callable"):
        tf.map_fn(3, tf.constant([1.0]))
    with pytest.raises(ValueError, match="1\\+ dimensional"):
        tf.map_fn(lambda v: v, tf.constant(1.0))
    with pytest.raises(ValueError, match="same first dimension"):
        tf.map_fn(lambda p: p[0], (tf.zeros([2]), tf.zeros([3])))


def test_dynamic_rnn_style_loop_with_weights_trains():
    # What tf.nn.dynamic_rnn builds: a while loop over time reading inputs from a
    # TensorArray, carrying the state, writing outputs to a TensorArray.
    rng = np.random.default_rng(0)
    T, B, D, H = 4, 3, 2, 5
    xs = tf.placeholder(tf.float32, [T, B, D])
    w = tf.Variable(rng.normal(0, 0.3, (D + H, H)).astype(np.float32))
    inputs = tf.TensorArray(tf.float32, size=T).unstack(xs)
    outs = tf.TensorArray(tf.float32, size=T)

    def step(t, h, o):
        h = tf.tanh(tf.matmul(tf.concat([inputs.read(t), h], 1), w))
        return t + 1, h, o.write(t, h)
    _, h, outs = tf.while_loop(lambda t, h, o: t < T, step, (0, tf.zeros([B, H]), outs))
    y = outs.stack()
    loss = tf.reduce_mean(tf.square(y - 0.5))
    step_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    xv = rng.normal(0, 1, (T, B, D)).astype(np.float32)

    def ref(wv):
        hv = np.zeros((B, H), np.float32)
        ys = []
        for t in range(T):
            hv = np.tanh(np.concatenate([xv[t], hv], 1) @ wv)
            ys.append(hv)
        return np.stack(ys)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {xs: xv}), ref(sess.run(w)), rtol=1e-5,
                                   atol=1e-6)
        first = sess.run(loss, {xs: xv})
        for _ in range(20):
            sess.run(step_op, {xs: xv})
        assert sess.run(loss, {xs: xv}) < first * 0.9
