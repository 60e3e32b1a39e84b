"""Initializers: TF1 op names under get_variable, values, statistics, fans, namespaces."""
import math

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops import init_ops


def _init_value(init, shape, dtype=None):
    """Runs `init(shape)` as the initializer of a fresh get_variable and returns its value."""
    v = tf.get_variable(f"v{len(tf.global_variables())}", shape, dtype=dtype, initializer=init)
    with tf.Session() as sess:
        sess.run(v.initializer)
        return sess.run(v)


def _op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


# --- zeros / ones / constant ------------------------------------------------------------------
def test_zeros_initializer_makes_const_under_initializer_scope():
    w = tf.get_variable("w", [2, 3], initializer=tf.zeros_initializer())
    op = tf.get_default_graph().get_operation_by_name("w/Initializer/zeros")
    assert op.type == "Const"
    assert w.initial_value.op is op
    with tf.Session() as sess:
        sess.run(w.initializer)
        v = sess.run(w)
    assert v.dtype == np.float32
    np.testing.assert_array_equal(v, np.zeros((2, 3)))


def test_zeros_and_ones_dtypes():
    z = _init_value(tf.zeros_initializer(dtype=tf.int32), [3], dtype=tf.int32)
    assert z.dtype == np.int32 and z.tolist() == [0, 0, 0]
    o = _init_value(tf.ones_initializer(), [2, 2])
    assert o.dtype == np.float32
    np.testing.assert_array_equal(o, np.ones((2, 2)))
    o64 = _init_value(tf.ones_initializer(), [2], dtype=tf.float64)
    assert o64.dtype == np.float64
    assert "v2/Initializer/ones" in _op_names()


def test_initializer_called_directly():
    t = tf.ones_initializer()([2, 3], dtype=tf.float16)
    assert t.dtype == tf.float16 and t.shape.as_list() == [2, 3]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(t), np.ones((2, 3), np.float16))


def test_constant_initializer_scalar_list_array():
    np.testing.assert_array_equal(_init_value(tf.constant_initializer(2.5), [2, 2]),
                                  np.full((2, 2), 2.5, np.float32))
    v = _init_value(tf.constant_initializer([1, 2, 3, 4, 5, 6]), [2, 3])
    assert v.dtype == np.float32
    np.testing.assert_array_equal(v, [[1, 2, 3], [4, 5, 6]])
    a = np.arange(6, dtype=np.float64).reshape(3, 2)
    np.testing.assert_array_equal(_init_value(tf.constant_initializer(a), [3, 2]), a)
    # A shorter list is padded with its last value (TF1's tf.constant rule).
    np.testing.assert_array_equal(_init_value(tf.constant_initializer([1, 2]), [4]), [1, 2, 2, 2])
    assert tf.get_default_graph().get_operation_by_name("v0/Initializer/Const").type == "Const"


def test_constant_initializer_errors():
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tf.constant_initializer({"a": 1})
    with pytest.raises(ValueError, match="Too many elements"):
        tf.get_variable("x", [2], initializer=tf.constant_initializer([1, 2, 3]))
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(4,\), got \(2,\)\."):
        tf.constant_initializer([1, 2], verify_shape=True)([4])


def test_constant_initializer_int_dtype():
    v = _init_value(tf.constant_initializer(7, dtype=tf.int32), [3], dtype=tf.int32)
    assert v.dtype == np.int32 and v.tolist() == [7, 7, 7]


# --- glorot -----------------------------------------------------------------------------------
def test_glorot_uniform_op_names_under_get_variable():
    tf.get_variable("w", [2, 3], initializer=tf.glorot_uniform_initializer())
    names = _op_names()
    assert names[:7] == ["w/Initializer/random_uniform/shape", "w/Initializer/random_uniform/min",
                         "w/Initializer/random_uniform/max",
                         "w/Initializer/random_uniform/RandomUniform",
                         "w/Initializer/random_uniform/sub", "w/Initializer/random_uniform/mul",
                         "w/Initializer/random_uniform"]
    g = tf.get_default_graph()
    limit = math.sqrt(6.0 / 5.0)
    assert g.get_operation_by_name("w/Initializer/random_uniform/max").get_attr("value") == \
        pytest.approx(limit)
    assert g.get_operation_by_name("w/Initializer/random_uniform/min").get_attr("value") == \
        pytest.approx(-limit)


@pytest.mark.parametrize("shape,fan_in,fan_out", [([200, 300], 200, 300),
                                                   ([3, 3, 16, 32], 144, 288)])
def test_glorot_uniform_bounds_and_variance(shape, fan_in, fan_out):
    v = _init_value(tf.glorot_uniform_initializer(seed=1), shape)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    assert v.dtype == np.float32 and v.shape == tuple(shape)
    assert np.abs(v).max() <= limit
    assert np.abs(v).max() > 0.99 * limit
    assert v.var() == pytest.approx(limit ** 2 / 3.0, rel=0.03)


def test_glorot_normal_truncated_with_target_variance():
    tf.get_variable("w", [200, 300], initializer=tf.glorot_normal_initializer(seed=2))
    assert "w/Initializer/truncated_normal/TruncatedNormal" in _op_names()
    stddev = tf.get_default_graph().get_operation_by_name("w/Initializer/truncated_normal/stddev")
    assert stddev.get_attr("value") == pytest.approx(math.sqrt(2.0 / 500) / .87962566103423978)
    v = _init_value(tf.glorot_normal_initializer(seed=3), [200, 300])
    assert v.std() == pytest.approx(math.sqrt(2.0 / 500), rel=0.03)
    assert np.abs(v).max() <= 2 * math.sqrt(2.0 / 500) / .87962566103423978


def test_default_get_variable_initializer_is_glorot_uniform():
    v = _init_value(None, [100, 50])
    limit = math.sqrt(6.0 / 150)
    assert np.abs(v).max() <= limit and v.var() == pytest.approx(limit ** 2 / 3, rel=0.05)


# --- variance scaling and friends -------------------------------------------------------------
def test_compute_fans():
    assert init_ops._compute_fans([]) == (1, 1)
    assert init_ops._compute_fans([7]) == (7, 7)
    assert init_ops._compute_fans([4, 9]) == (4, 9)
    assert init_ops._compute_fans([5, 3, 8]) == (15, 40)
    assert init_ops._compute_fans([2, 3, 4, 5]) == (24, 30)


@pytest.mark.parametrize("mode,n", [("fan_in", 400), ("fan_out", 100), ("fan_avg", 250)])
def test_variance_scaling_uniform_modes(mode, n):
    v = _init_value(tf.variance_scaling_initializer(2.0, mode, "uniform", seed=4), [400, 100])
    limit = math.sqrt(3.0 * 2.0 / n)
    assert np.abs(v).max() <= limit
    assert v.var() == pytest.approx(2.0 / n, rel=0.04)


def test_variance_scaling_normal_distributions():
    tn = _init_value(tf.variance_scaling_initializer(seed=5), [300, 200])
    assert tn.std() == pytest.approx(math.sqrt(1.0 / 300), rel=0.03)
    assert np.abs(tn).max() <= 2 * math.sqrt(1.0 / 300) / .87962566103423978
    un = _init_value(tf.variance_scaling_initializer(distribution="untruncated_normal", seed=6),
                     [300, 200])
    assert un.std() == pytest.approx(math.sqrt(1.0 / 300), rel=0.03)
    assert np.abs(un).max() > 3 * math.sqrt(1.0 / 300)  # untruncated: the tails are there
    assert "v1/Initializer/random_normal/RandomStandardNormal" in _op_names()


def test_variance_scaling_errors():
    with pytest.raises(ValueError, match="scale"):
        tf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        tf.variance_scaling_initializer(mode="fan_sum")
    with pytest.raises(ValueError, match="distribution"):
        tf.variance_scaling_initializer(distribution="cauchy")
    with pytest.raises(ValueError, match="floating point"):
        tf.variance_scaling_initializer(dtype=tf.int32)
    with pytest.raises(ValueError, match="floating point"):
        tf.random_normal_initializer(dtype=tf.int32)


@pytest.mark.parametrize("name,scale,dist", [("he_normal", 2.0, "truncated_normal"),
                                              ("he_uniform", 2.0, "uniform"),
                                              ("lecun_normal", 1.0, "truncated_normal"),
                                              ("lecun_uniform", 1.0, "uniform")])
def test_he_and_lecun(name, scale, dist):
    init = getattr(tf.initializers, name)(seed=1)
    assert (init.scale, init.mode, init.distribution) == (scale, "fan_in", dist)
    v = _init_value(init, [500, 40])
    assert v.var() == pytest.approx(scale / 500, rel=0.05)


def test_random_initializers_and_seeds():
    n = _init_value(tf.random_normal_initializer(1.0, 0.5, seed=7), [20000])
    assert n.mean() == pytest.approx(1.0, abs=0.02) and n.std() == pytest.approx(0.5, rel=0.03)
    t = _init_value(tf.truncated_normal_initializer(0.0, 0.1, seed=7), [20000])
    assert np.abs(t).max() < 0.2
    u = _init_value(tf.random_uniform_initializer(-2.0, 2.0, seed=7), [20000])
    assert u.min() >= -2.0 and u.max() < 2.0 and u.mean() == pytest.approx(0.0, abs=0.05)
    i = _init_value(tf.random_uniform_initializer(0, 4, dtype=tf.int32), [1000], dtype=tf.int32)
    assert i.dtype == np.int32 and set(i.tolist()) == {0, 1, 2, 3}
    # A seeded initializer gives the same values in a rebuilt graph.
    tf.reset_default_graph()
    n2 = _init_value(tf.random_normal_initializer(1.0, 0.5, seed=7), [20000])
    np.testing.assert_array_equal(n, n2)


def test_uniform_unit_scaling():
    v = _init_value(tf.uniform_unit_scaling_initializer(factor=1.5, seed=2), [300, 10])
    limit = math.sqrt(3.0 / 300) * 1.5
    assert np.abs(v).max() <= limit and np.abs(v).max() > 0.95 * limit


# --- orthogonal / identity --------------------------------------------------------------------
@pytest.mark.parametrize("shape", [[6, 4], [4, 6], [3, 3, 4, 8]])
def test_orthogonal(shape):
    v = _init_value(tf.orthogonal_initializer(gain=2.0, seed=3), shape)
    assert v.dtype == np.float32 and v.shape == tuple(shape)
    m = v.reshape(-1, shape[-1]) / 2.0
    if m.shape[0] >= m.shape[1]:
        np.testing.assert_allclose(m.T @ m, np.eye(m.shape[1]), atol=1e-5)
    else:
        np.testing.assert_allclose(m @ m.T, np.eye(m.shape[0]), atol=1e-5)
    with pytest.raises(ValueError, match="two-dimensional"):
        tf.orthogonal_initializer()([3])


def test_identity_initializer():
    v = _init_value(tf.initializers.identity(gain=3.0), [2, 3])
    np.testing.assert_array_equal(v, 3.0 * np.eye(2, 3))
    with pytest.raises(ValueError, match="2D"):
        tf.initializers.identity()([2, 2, 2])


# --- namespaces and config --------------------------------------------------------------------
def test_initializers_namespace():
    ini = tf.initializers
    assert ini.glorot_uniform is tf.glorot_uniform_initializer
    assert ini.glorot_normal is tf.glorot_normal_initializer
    assert ini.zeros is tf.zeros_initializer and ini.ones is tf.ones_initializer
    assert ini.constant is tf.constant_initializer
    assert ini.random_normal is tf.random_normal_initializer
    assert ini.random_uniform is tf.random_uniform_initializer
    assert ini.truncated_normal is tf.truncated_normal_initializer
    assert ini.variance_scaling is tf.variance_scaling_initializer
    assert ini.orthogonal is tf.orthogonal_initializer
    assert ini.global_variables is tf.global_variables_initializer
    v = tf.Variable(1.0)
    with tf.Session() as sess:
        sess.run(ini.global_variables())
        assert sess.run(v) == 1.0


def test_get_config_round_trip():
    init = tf.variance_scaling_initializer(2.0, "fan_out", "uniform", seed=3)
    again = tf.variance_scaling_initializer.from_config(init.get_config())
    assert (again.scale, again.mode, again.distribution, again.seed, again.dtype) == \
        (2.0, "fan_out", "uniform", 3, tf.float32)
    config = tf.glorot_uniform_initializer(seed=5).get_config()
    g = tf.glorot_uniform_initializer.from_config(config)
    assert g.seed == 5 and g.distribution == "uniform"
