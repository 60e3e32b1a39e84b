"""The rest of `tf.random`: gamma/poisson (stateful, TF1 seeds) and the stateless ops
(same seed pair -> same values across runs and sessions), fold_in/split; shapes, dtypes,
moments checked statistically with fixed seeds, TF1's errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tfgraph as tf

N = 20000  # samples for the moment checks: a 5-sigma margin stays well under 5%


def _moments(x):
    x = np.asarray(x, np.float64)
    return x.mean(), x.var()


def test_random_gamma_shape_dtype_and_moments(run):
    alpha = np.array([0.5, 2.0, 9.0], np.float32)
    g = tf.random.gamma([N], alpha, beta=[1.0, 2.0, 3.0], seed=3)
    assert g.shape.as_list() == [N, 3] and g.dtype == tf.float32
    assert tf.random_gamma is tf.random.gamma
    v = run(g)
    assert v.dtype == np.float32 and (v > 0).all()
    beta = np.array([1.0, 2.0, 3.0])
    for k in range(3):
        m, var = _moments(v[:, k])
        assert m == pytest.approx(alpha[k] / beta[k], rel=0.05)
        assert var == pytest.approx(alpha[k] / beta[k] ** 2, rel=0.1)
    assert [o.type for o in tf.get_default_graph().get_operations()].count("RandomGamma") == 1


def test_random_gamma_seeded_repeats_across_sessions_and_advances_per_run():
    g = tf.random_gamma([4], 2.0, seed=5, dtype=tf.float64)
    with tf.Session() as s:
        a1, a2 = s.run(g), s.run(g)
    with tf.Session() as s:
        b1 = s.run(g)
    np.testing.assert_array_equal(a1, b1)
    assert not np.array_equal(a1, a2)
    assert a1.dtype == np.float64


def test_random_poisson_shape_dtype_and_moments(run):
    lam = np.array([[0.5, 4.0], [10.0, 30.0]], np.float32)
    p = tf.random.poisson(lam, [N], dtype=tf.int64, seed=1)
    assert p.shape.as_list() == [N, 2, 2] and p.dtype == tf.int64
    assert tf.random_poisson is tf.random.poisson
    v = run(p)
    assert v.dtype == np.int64
    for (i, j), l in np.ndenumerate(lam):
        m, var = _moments(v[:, i, j])
        assert m == pytest.approx(l, rel=0.05) and var == pytest.approx(l, rel=0.1)
    assert run(tf.random.poisson(2.0, [3], seed=2)).dtype == np.float32


def test_random_poisson_rejects_bad_dtype():
    with pytest.raises(TypeError, match="dtype"):
        tf.random.poisson(1.0, [2], dtype=tf.bool)


STATELESS = {
    "uniform": lambda seed: tf.random.stateless_uniform([N], seed, minval=-1.0, maxval=3.0),
    "normal": lambda seed: tf.random.stateless_normal([N], seed, mean=2.0, stddev=3.0),
    "truncated_normal": lambda seed: tf.random.stateless_truncated_normal([N], seed),
    "uniform_int": lambda seed: tf.random.stateless_uniform([N], seed, minval=3, maxval=13,
                                                            dtype=tf.int64),
    "binomial": lambda seed: tf.random.stateless_binomial([N], seed, counts=20.0, probs=0.3),
    "gamma": lambda seed: tf.random.stateless_gamma([N], seed, alpha=3.0, beta=2.0),
    "poisson": lambda seed: tf.random.stateless_poisson([N], seed, lam=6.0),
    "param_truncated": lambda seed: tf.random.stateless_parameterized_truncated_normal(
        [N], seed, means=1.0, stddevs=2.0, minvals=0.0, maxvals=3.0),
    "categorical": lambda seed: tf.random.stateless_categorical(
        [[0.0, np.log(3.0)]], N, seed),
}

# (mean, variance) of each distribution above
_TN_VAR = 1 - 2 * 2 * math.exp(-2) / math.sqrt(2 * math.pi) / math.erf(2 / math.sqrt(2))


def _ptn_moments(mu, sd, lo, hi):
    a, b = (lo - mu) / sd, (hi - mu) / sd
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    z = 0.5 * (math.erf(b / math.sqrt(2)) - math.erf(a / math.sqrt(2)))
    mean = mu + sd * (pdf(a) - pdf(b)) / z
    var = sd ** 2 * (1 + (a * pdf(a) - b * pdf(b)) / z - ((pdf(a) - pdf(b)) / z) ** 2)
    return mean, var


MOMENTS = {
    "uniform": (1.0, 16 / 12), "normal": (2.0, 9.0), "truncated_normal": (0.0, _TN_VAR),
    "uniform_int": (7.5, (10 ** 2 - 1) / 12), "binomial": (6.0, 4.2), "gamma": (1.5, 0.75),
    "poisson": (6.0, 6.0), "param_truncated": _ptn_moments(1.0, 2.0, 0.0, 3.0),
    "categorical": (0.75, 0.1875),
}


@pytest.mark.parametrize("kind", sorted(STATELESS))
def test_stateless_same_seed_same_values_across_sessions(kind):
    seed = tf.placeholder(tf.int64, [2])
    x = STATELESS[kind](seed)
    with tf.Session() as s:
        a = s.run(x, {seed: [1, 2]})
        a_again = s.run(x, {seed: [1, 2]})
        b = s.run(x, {seed: [1, 3]})
    with tf.Session() as s:
        a_new = s.run(x, {seed: [1, 2]})
    np.testing.assert_array_equal(a, a_again)
    np.testing.assert_array_equal(a, a_new)
    assert not np.array_equal(a, b)
    m, var = _moments(a)
    want_m, want_var = MOMENTS[kind]
    assert m == pytest.approx(want_m, abs=0.05 * max(1.0, abs(want_m)))
    assert var == pytest.approx(want_var, rel=0.08)


def test_stateless_shapes_dtypes_and_ranges(run):
    seed = [7, 8]
    u = tf.random.stateless_uniform([2, 3], seed=seed, dtype=tf.float16)
    assert u.shape.as_list() == [2, 3] and u.dtype == tf.float16
    assert u.op.name == "stateless_random_uniform"
    t = tf.random.stateless_truncated_normal([1000], seed, mean=1.0, stddev=0.5,
                                             dtype=tf.float64)
    full = tf.random.stateless_uniform([1000], seed, dtype=tf.uint32, minval=None, maxval=None)
    c = tf.random.stateless_multinomial(tf.zeros([3, 4]), 5, seed, output_dtype=tf.int32)
    assert c.shape.as_list() == [3, 5] and c.dtype == tf.int32
    p = tf.random.stateless_poisson([2, 3], seed, lam=[1.0, 2.0, 3.0], dtype=tf.float32)
    g = tf.random.stateless_gamma([4, 2], seed, alpha=[0.1, 100.0])
    uv, tv, fv, cv, pv, gv = run([u, t, full, c, p, g])
    assert uv.dtype == np.float16 and ((uv >= 0) & (uv < 1)).all()
    assert tv.dtype == np.float64 and (np.abs(tv - 1.0) < 1.0).all()
    assert fv.dtype == np.uint32 and fv.max() > 2 ** 31  # the full unsigned range
    assert ((cv >= 0) & (cv < 4)).all() and pv.shape == (2, 3) and pv.dtype == np.float32
    assert gv.shape == (4, 2) and (gv > 0).all() and gv[:, 1].min() > 50


def test_parameterized_truncated_normal_far_tails_stay_inside(run):
    x = tf.random.stateless_parameterized_truncated_normal(
        [2000, 3], [4, 5], means=0.0, stddevs=1.0, minvals=[6.0, -11.0, 8.0],
        maxvals=[np.inf, -10.0, 8.5])
    v = run(x)
    assert (v[:, 0] >= 6).all() and v[:, 0].mean() == pytest.approx(6.16, abs=0.05)
    assert ((v[:, 1] >= -11) & (v[:, 1] <= -10)).all()
    assert ((v[:, 2] >= 8) & (v[:, 2] <= 8.5)).all()


def test_fold_in_and_split_make_seed_pairs(run):
    seed = tf.constant([3, 4], tf.int64)
    f1, f2, f1b = tf.random.fold_in(seed, 1), tf.random.fold_in(seed, 2), tf.random.fold_in(
        seed, 1)
    sp = tf.random.split(seed, num=3)
    assert f1.shape.as_list() == [2] and f1.dtype == tf.int32
    assert sp.shape.as_list() == [3, 2] and sp.dtype == tf.int64
    a, b, c, s = run([f1, f2, f1b, sp])
    assert a[1] == 1 and b[1] == 2 and a[0] == b[0] == c[0]  # data in slot 1, seed-derived 0
    assert len({tuple(r) for r in s}) == 3
    # new seeds give independent streams
    u = [run(tf.random.stateless_uniform([4], r)) for r in s]
    assert not np.array_equal(u[0], u[1])


def test_stateless_errors_name_the_problem():
    with pytest.raises(ValueError, match="seed must have shape"):
        tf.random.stateless_uniform([2], seed=[1, 2, 3])
    with pytest.raises(TypeError, match="'seed'"):
        tf.random.stateless_normal([2], seed=tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="minval and maxval must be both"):
        tf.random.stateless_uniform([2], seed=[1, 2], dtype=tf.int32)
    with pytest.raises(ValueError, match="Invalid dtype"):
        tf.random.stateless_normal([2], seed=[1, 2], dtype=tf.int32)
    x = tf.random.stateless_uniform([2], [1, 2], minval=5, maxval=5, dtype=tf.int32)
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="minval < maxval"):
            s.run(x)


def test_random_experimental_is_refused_with_advice():
    with pytest.raises(NotImplementedError, match="stateless"):
        tf.random.experimental  # noqa: B018
