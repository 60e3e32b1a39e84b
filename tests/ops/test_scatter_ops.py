"""Variable scatter updates, tensor scatters and count_up_to against NumPy; errors named."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

BASE = np.arange(12, dtype=np.float32).reshape(4, 3) + 1.0


@pytest.mark.parametrize("fn,ref", [
    (tf.scatter_update, lambda v, i, u: v.__setitem__(i, u)),
    (tf.scatter_add, lambda v, i, u: np.add.at(v, i, u)),
    (tf.scatter_sub, lambda v, i, u: np.subtract.at(v, i, u)),
    (tf.scatter_mul, lambda v, i, u: np.multiply.at(v, i, u)),
    (tf.scatter_div, lambda v, i, u: np.true_divide.at(v, i, u)),
    (tf.scatter_min, lambda v, i, u: np.minimum.at(v, i, u)),
    (tf.scatter_max, lambda v, i, u: np.maximum.at(v, i, u))])
def test_variable_scatters_touch_only_indexed_rows(fn, ref):
    idx = np.array([2, 0, 2]) if fn is not tf.scatter_update else np.array([2, 0])
    upd = np.random.default_rng(0).uniform(1, 5, (len(idx), 3)).astype(np.float32)
    v = tf.Variable(BASE)
    out = fn(v, idx, upd)
    assert out.op.type == f"Scatter{fn.__name__.split('_')[1].capitalize()}"
    want = BASE.copy()
    ref(want, idx, upd)
    with tf.Session() as sess:
        sess.run(v.initializer)
        got = sess.run(out)
        np.testing.assert_allclose(got, want, rtol=1e-6)
        np.testing.assert_allclose(sess.run(v), want, rtol=1e-6)
        assert got.dtype == np.float32


def test_scatter_nd_on_variables():
    v = tf.Variable(BASE)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(tf.scatter_nd_update(v, [[0, 1], [3, 2]], [-1.0, -2.0]))
        sess.run(tf.scatter_nd_add(v, [[1]], [[10.0, 10.0, 10.0]]))
        got = sess.run(tf.scatter_nd_sub(v, [[2, 0], [2, 0]], [1.0, 1.0]))
    want = BASE.copy()
    want[0, 1], want[3, 2] = -1, -2
    want[1] += 10
    want[2, 0] -= 2
    np.testing.assert_array_equal(got, want)


def test_tensor_scatters_return_new_tensors():
    t = np.zeros((3, 2), np.float32)
    up, add, sub = tf.tensor_scatter_update(t, [[0], [2]], [[1.0, 2.0], [3.0, 4.0]]), \
        tf.tensor_scatter_nd_add(t + 1, [[1, 1], [1, 1]], [5.0, 6.0]), \
        tf.tensor_scatter_sub(t, [[2, 0]], [7.0])
    with tf.Session() as sess:
        a, b, c = sess.run([up, add, sub])
    np.testing.assert_array_equal(a, [[1, 2], [0, 0], [3, 4]])
    np.testing.assert_array_equal(b, [[1, 1], [1, 12], [1, 1]])
    np.testing.assert_array_equal(c, [[0, 0], [0, 0], [-7, 0]])


def test_scatter_errors_name_the_variable():
    v = tf.Variable(BASE, name="table")
    with pytest.raises(ValueError, match="table"):
        tf.scatter_update(v, [0], np.zeros((1, 4), np.float32))
    with pytest.raises(TypeError, match="indices"):
        tf.scatter_add(v, tf.constant([0.0]), np.zeros((1, 3), np.float32))
    with pytest.raises(TypeError, match="Expected a tf.Variable"):
        tf.scatter_add(tf.constant(BASE), [0], np.zeros((1, 3), np.float32))
    with pytest.raises(ValueError, match="exceeds the rank"):
        tf.tensor_scatter_update(tf.zeros([2]), [[0, 0]], [1.0])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value table"):
            sess.run(tf.scatter_add(v, [0], np.zeros((1, 3), np.float32)))
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="not in \\[0, 4\\).*table"):
            sess.run(tf.scatter_sub(v, [0, 4], np.zeros((2, 3), np.float32)))
        np.testing.assert_array_equal(sess.run(v), BASE)  # nothing changed
        with pytest.raises(tf.errors.InvalidArgumentError, match="does not index"):
            sess.run(tf.tensor_scatter_add(tf.zeros([2, 2]), [[2, 0]], [1.0]))


def test_count_up_to():
    c = tf.Variable(0, name="counter")
    step = tf.count_up_to(c, 2)
    with tf.Session() as sess:
        sess.run(c.initializer)
        assert [sess.run(step), sess.run(step)] == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError, match="limit of 2.*counter"):
            sess.run(step)
        assert sess.run(c) == 2
    with pytest.raises(TypeError, match="CountUpTo"):
        tf.count_up_to(tf.Variable(0.0), 3)
