"""Random ops: TF1 op structure, static shapes, seed rules, per-session state, distributions."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops import random_ops

N = 100_000


def _op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


# --- graph structure --------------------------------------------------------------------------
def test_random_normal_builds_tf1_ops():
    x = tf.random_normal([2, 3], mean=1.0, stddev=2.0)
    assert _op_names() == ["random_normal/shape", "random_normal/mean", "random_normal/stddev",
                           "random_normal/RandomStandardNormal", "random_normal/mul",
                           "random_normal"]
    assert x.name == "random_normal:0"
    assert x.op.type == "Add"
    rnd = tf.get_default_graph().get_operation_by_name("random_normal/RandomStandardNormal")
    assert rnd.type == "RandomStandardNormal"
    assert rnd.inputs[0].dtype == tf.int32
    assert x.dtype == tf.float32 and x.shape.as_list() == [2, 3]


def test_random_uniform_float_and_int_ops():
    tf.random_uniform([4], -1.0, 1.0, name="u")
    assert _op_names() == ["u/shape", "u/min", "u/max", "u/RandomUniform", "u/sub", "u/mul", "u"]
    i = tf.random_uniform([4], 0, 10, dtype=tf.int64)
    assert i.op.type == "RandomUniformInt" and i.op.name == "random_uniform"
    assert i.dtype == tf.int64
    assert [t.op.name for t in i.op.inputs] == ["random_uniform/shape", "random_uniform/min",
                                                "random_uniform/max"]


def test_truncated_normal_ops_and_second_name():
    tf.truncated_normal([2])
    t2 = tf.truncated_normal([2])
    assert "truncated_normal/TruncatedNormal" in _op_names()
    assert t2.op.name == "truncated_normal_1"


@pytest.mark.parametrize("shape", [[3, 4], (3, 4), tf.TensorShape([3, 4]), np.array([3, 4])])
def test_static_shape_from_python_shapes(shape):
    assert tf.random_normal(shape).shape.as_list() == [3, 4]


def test_static_shape_from_tensors():
    p = tf.placeholder(tf.float32, [None, 5])
    assert tf.random_uniform(tf.shape(p)).shape.as_list() == [None, 5]
    s = tf.placeholder(tf.int32, [3])
    assert tf.random_normal(s).shape.as_list() == [None, None, None]
    n = tf.placeholder(tf.int32, [])
    assert tf.truncated_normal([n, 2]).shape.as_list() == [None, 2]
    assert tf.random_normal([]).shape.as_list() == []
    with tf.Session() as sess:
        v = sess.run(tf.random_normal(tf.shape(p)), {p: np.zeros((7, 5), np.float32)})
        assert v.shape == (7, 5)
        assert sess.run(tf.random_normal([n, 2]), {n: 3}).shape == (3, 2)


def test_bad_shapes_and_dtypes():
    with pytest.raises(TypeError, match=r"'shape' has DataType float32"):
        tf.random_normal(tf.constant([2.0, 3.0]))
    with pytest.raises(ValueError, match=r"'random_normal_1/RandomStandardNormal'"):
        tf.random_normal(tf.constant([[2, 3]]))
    with pytest.raises(ValueError, match=r"'random_normal_2/RandomStandardNormal'"):
        tf.random_normal([-1, 3])
    with pytest.raises(ValueError, match=r"Invalid dtype tf\.int32: expected a floating"):
        tf.random_normal([2], dtype=tf.int32)
    with pytest.raises(ValueError, match="maxval"):
        tf.random_uniform([2], dtype=tf.int32)
    with pytest.raises(ValueError, match=r"Invalid dtype tf\.bool"):
        tf.random_uniform([2], dtype=tf.bool)
    with pytest.raises(ValueError, match=r"Cannot convert a partially known TensorShape"):
        tf.random_normal(tf.TensorShape([None, 2]))


# --- dtypes -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [tf.random_normal, tf.truncated_normal, tf.random_uniform])
@pytest.mark.parametrize("dtype", [tf.float16, tf.float32, tf.float64])
def test_float_dtypes_are_kept(run, fn, dtype):
    v = run(fn([3, 2], dtype=dtype, seed=1))
    assert v.dtype == dtype.np_dtype and v.shape == (3, 2)


def test_scalar_result_is_numpy_scalar(run):
    v = run(tf.random_uniform([], seed=3))
    assert isinstance(v, np.float32) and 0.0 <= v < 1.0


# --- seeds ------------------------------------------------------------------------------------
def test_get_seed_rules():
    g = tf.get_default_graph()
    assert random_ops.get_seed(None) == (None, None)
    assert random_ops.get_seed(7) == (87654321, 7)
    tf.set_random_seed(5)
    assert g.seed == 5
    tf.constant(1.0)
    tf.constant(2.0)
    assert random_ops.get_seed(None) == (5, 2)  # ops created so far
    assert random_ops.get_seed(9) == (5, 9)
    tf.set_random_seed(0)
    assert random_ops.get_seed(0) == (0, 2 ** 31 - 1)  # (0, 0) would mean nondeterministic
    tf.set_random_seed(2 ** 31 + 4)
    assert random_ops.get_seed(2 ** 31) == (5, 1)  # truncated to 31 bits
    assert tf.get_seed is random_ops.get_seed


def test_seed_attrs_on_the_op():
    tf.set_random_seed(11)
    x = tf.random_normal([2], seed=3)
    rnd = x.op.inputs[0].op.inputs[0].op
    assert (rnd.get_attr("seed"), rnd.get_attr("seed2")) == (11, 3)
    y = tf.random_uniform([2])
    r2 = y.op.inputs[0].op.inputs[0].op
    assert (r2.get_attr("seed"), r2.get_attr("seed2")) == (11, 9)  # 9 ops existed before it


def test_same_seeds_same_values_in_new_session_and_runs_differ():
    x = tf.random_normal([5], seed=42)
    with tf.Session() as s1:
        a1, a2 = s1.run(x), s1.run(x)
    with tf.Session() as s2:
        b1, b2 = s2.run(x), s2.run(x)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)


def test_graph_seed_makes_rebuilt_graph_deterministic(run):
    def build_and_run():
        tf.reset_default_graph()
        tf.set_random_seed(1234)
        a = tf.random_uniform([4])
        b = tf.random_normal([4])
        return run([a, b])

    (a1, b1), (a2, b2) = build_and_run(), build_and_run()
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(b1, b2)
    assert not np.allclose(a1, b1)  # two ops in one graph get different op seeds


def test_op_seed_without_graph_seed_is_deterministic(run):
    a = run(tf.random_uniform([6], seed=8))
    tf.reset_default_graph()
    tf.constant(0.0)  # different op count: the op seed alone decides
    b = run(tf.random_uniform([6], seed=8))
    np.testing.assert_array_equal(a, b)
    c = run(tf.random_uniform([6], seed=9))
    assert not np.array_equal(a, c)


def test_no_seed_is_nondeterministic(run):
    x = tf.random_normal([8])
    assert not np.array_equal(run(x), run(x))


def test_one_draw_per_run_for_shared_consumers():
    x = tf.random_uniform([3], seed=1)
    with tf.Session() as sess:
        a, b = sess.run([x, x + 0.0])
    np.testing.assert_allclose(a, b)


# --- distributions ----------------------------------------------------------------------------
def test_random_normal_statistics(run):
    v = run(tf.random_normal([N], mean=2.0, stddev=3.0, seed=1))
    assert v.dtype == np.float32
    assert abs(v.mean() - 2.0) < 0.05
    assert abs(v.std() - 3.0) < 0.05


def test_random_normal_broadcasts_tensor_mean(run):
    v = run(tf.random_normal([N // 10, 2], mean=[0.0, 10.0], stddev=0.5, seed=2))
    np.testing.assert_allclose(v.mean(axis=0), [0.0, 10.0], atol=0.03)


def test_truncated_normal_within_two_stddev(run):
    v = run(tf.truncated_normal([N], mean=-1.0, stddev=2.0, seed=3))
    assert np.all(np.abs(v + 1.0) <= 4.0)
    assert abs(v.mean() + 1.0) < 0.03
    # The std of a unit normal truncated to [-2, 2] is 0.8796.
    assert abs(v.std() / 2.0 - 0.87962566) < 0.01
    assert np.mean(np.abs(v + 1.0) > 3.0) > 0.005  # the tails up to 2 stddev are used


def test_random_uniform_statistics(run):
    v = run(tf.random_uniform([N], minval=-3.0, maxval=5.0, seed=4))
    assert v.min() >= -3.0 and v.max() < 5.0
    assert abs(v.mean() - 1.0) < 0.05
    assert abs(v.var() - 64.0 / 12.0) < 0.1
    w = run(tf.random_uniform([N], seed=5))
    assert w.min() >= 0.0 and w.max() < 1.0 and abs(w.mean() - 0.5) < 0.01


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_random_uniform_int(run, dtype):
    v = run(tf.random_uniform([N // 10], minval=-2, maxval=5, dtype=dtype, seed=6))
    assert v.dtype == dtype.np_dtype
    assert set(np.unique(v).tolist()) == set(range(-2, 5))
    counts = np.bincount(v + 2)
    assert counts.min() > 0.9 * len(v) / 7


def test_random_uniform_int_empty_range_fails_at_run_time():
    x = tf.random_uniform([3], minval=5, maxval=5, dtype=tf.int32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="minval < maxval"):
            sess.run(x)
        # Nothing to draw: no check, as TF1.
        assert sess.run(tf.random_uniform([0], 5, 5, dtype=tf.int32)).shape == (0,)


# --- shuffle and multinomial ------------------------------------------------------------------
def test_random_shuffle_permutes_rows(run):
    data = np.arange(20, dtype=np.float32).reshape(10, 2)
    s = tf.random_shuffle(data, seed=7)
    assert s.op.type == "RandomShuffle" and s.shape.as_list() == [10, 2]
    with tf.Session() as sess:
        runs = [sess.run(s) for _ in range(3)]
    for r in runs:
        assert r.dtype == np.float32
        np.testing.assert_array_equal(r[:, 1] - r[:, 0], 1.0)  # whole rows move
        np.testing.assert_array_equal(np.sort(r[:, 0]), data[:, 0])
    assert not all(np.array_equal(runs[0], r) for r in runs[1:])
    np.testing.assert_array_equal(run(s), runs[0])  # seeded: same first draw in a new session
    assert tf.random.shuffle is tf.random_shuffle


def test_multinomial_frequencies(run):
    with np.errstate(divide="ignore"):  # log(0) = -inf: a class that is never drawn
        logits = np.log(np.array([[0.2, 0.3, 0.5, 0.0], [0.0, 0.0, 0.0, 1.0]], np.float32))
    s = tf.multinomial(logits, 20_000, seed=9)
    assert s.dtype == tf.int64 and s.shape.as_list() == [2, 20_000]
    assert s.op.name == "multinomial/Multinomial"
    v = run(s)
    freq = np.bincount(v[0], minlength=4) / v.shape[1]
    np.testing.assert_allclose(freq, [0.2, 0.3, 0.5, 0.0], atol=0.015)
    assert np.all(v[1] == 3)
    c = tf.random.categorical(tf.constant([[0.0, 0.0]]), 5, dtype=tf.int32, seed=1)
    assert c.dtype == tf.int32 and c.op.name == "categorical/Multinomial"
    assert set(run(c).ravel().tolist()) <= {0, 1}


# --- gradients and namespaces -----------------------------------------------------------------
def test_gradients_flow_through_mean_and_stddev_only():
    mean = tf.constant(1.0)
    std = tf.constant(2.0)
    x = tf.random_normal([1000], mean=mean, stddev=std, seed=1)
    loss = tf.reduce_sum(x)
    gm, gs = tf.gradients(loss, [mean, std])
    with tf.Session() as sess:
        xv, gmv, gsv = sess.run([x, gm, gs])
    assert gmv == pytest.approx(1000.0)
    assert gsv == pytest.approx(float(np.sum((xv - 1.0) / 2.0)), rel=1e-4, abs=1e-2)
    rnd = x.op.inputs[0].op.inputs[0].op
    assert tf.gradients(loss, rnd.inputs[0]) == [None]


def test_random_namespace_aliases():
    assert tf.random.normal is tf.random_normal
    assert tf.random.uniform is tf.random_uniform
    assert tf.random.truncated_normal is tf.truncated_normal
    assert tf.random.multinomial is tf.multinomial
    tf.random.set_random_seed(3)
    assert tf.get_default_graph().seed == 3
    assert not hasattr(tf.random, "set_seed")  # TF2's spelling, not in tf.compat.v1.random
