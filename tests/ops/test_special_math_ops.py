"""Special functions (`ops/special_math_ops.py`): values against SciPy, float32/float16 kept,
TF1's op types, names and shape rules, errors naming the op."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops.special_math_ops import igamma_grad_a

sp = pytest.importorskip("scipy.special")

X = np.array([[0.1, 0.5, 1.3], [2.2, 0.7, 3.9]])

UNARY = [  # (tf function, op type, scipy reference, inputs)
    (tf.erf, "Erf", sp.erf, X - 1.5),
    (tf.erfc, "Erfc", sp.erfc, X - 1.5),
    (tf.math.erfinv, "Erfinv", sp.erfinv, X / 4.0 - 0.5),
    (tf.math.ndtri, "Ndtri", sp.ndtri, X / 4.0),
    (tf.lgamma, "Lgamma", sp.gammaln, X - 1.2),
    (tf.digamma, "Digamma", sp.psi, X),
    (tf.math.bessel_i0, "BesselI0", sp.i0, X - 1.0),
    (tf.math.bessel_i0e, "BesselI0e", sp.i0e, X - 1.0),
    (tf.math.bessel_i1, "BesselI1", sp.i1, X - 1.0),
    (tf.math.bessel_i1e, "BesselI1e", sp.i1e, X - 1.0),
    (tf.math.special.bessel_j0, "BesselJ0", sp.j0, X),
    (tf.math.special.bessel_j1, "BesselJ1", sp.j1, X),
    (tf.math.special.bessel_y0, "BesselY0", sp.y0, X),
    (tf.math.special.bessel_y1, "BesselY1", sp.y1, X),
    (tf.math.special.bessel_k0, "BesselK0", sp.k0, X),
    (tf.math.special.bessel_k0e, "BesselK0e", sp.k0e, X),
    (tf.math.special.bessel_k1, "BesselK1", sp.k1, X),
    (tf.math.special.bessel_k1e, "BesselK1e", sp.k1e, X),
    (tf.math.special.dawsn, "Dawsn", sp.dawsn, X - 1.0),
    (tf.math.special.expint, "Expint", sp.expi, X),
    (tf.math.special.fresnel_cos, "FresnelCos", lambda v: sp.fresnel(v)[1], X - 1.0),
    (tf.math.special.fresnel_sin, "FresnelSin", lambda v: sp.fresnel(v)[0], X - 1.0),
    (tf.math.special.spence, "Spence", sp.spence, X),
]


@pytest.mark.parametrize("fn,op_type,ref,x", UNARY, ids=[u[1] for u in UNARY])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_matches_scipy_and_keeps_dtype(run, fn, op_type, ref, x, dtype):
    t = fn(tf.constant(x.astype(dtype)))
    assert t.op.type == op_type and t.op.name == op_type and t.dtype == tf.as_dtype(dtype)
    out = run(t)
    assert out.dtype == dtype
    tol = 2e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, ref(x.astype(dtype)), rtol=tol, atol=tol)


def test_float16_stays_float16(run):
    x = np.array([0.25, 1.5], np.float16)
    out = run([tf.erf(x), tf.lgamma(x), tf.math.bessel_i1e(x)])
    for o, ref in zip(out, (sp.erf, sp.gammaln, sp.i1e)):
        assert o.dtype == np.float16
        np.testing.assert_allclose(o, ref(x.astype(np.float32)).astype(np.float16), rtol=1e-3)


def test_expint_is_nan_for_negative_x_as_tf1(run):
    out = run(tf.math.special.expint(tf.constant([-1.0, 0.0, 1.0])))
    assert np.isnan(out[0]) and out[1] == -np.inf
    np.testing.assert_allclose(out[2], sp.expi(1.0), rtol=1e-6)


def test_erfcinv_is_tf1s_composition(run):
    x = np.array([0.1, 0.5, 1.0, 1.7], np.float32)
    t = tf.math.erfcinv(x)
    types = [op.type for op in tf.get_default_graph().get_operations()]
    assert "Ndtri" in types and t.name.startswith("erfcinv/") and t.dtype == tf.float32
    np.testing.assert_allclose(run(t), sp.erfcinv(x), rtol=1e-5)


def test_binary_functions_broadcast_and_match_scipy(run):
    a = np.array([[0.5], [2.0]])
    x = np.array([0.3, 1.0, 4.0])
    out = run([tf.igamma(a, x), tf.igammac(a, x), tf.zeta(a + 1.5, x),
               tf.math.igamma(tf.constant(a, tf.float32), x.astype(np.float32))])
    np.testing.assert_allclose(out[0], sp.gammainc(a, x), rtol=1e-12)
    np.testing.assert_allclose(out[1], sp.gammaincc(a, x), rtol=1e-12)
    np.testing.assert_allclose(out[2], sp.zeta(a + 1.5, x), rtol=1e-12)
    assert out[0].shape == (2, 3) and out[3].dtype == np.float32
    np.testing.assert_allclose(out[3], sp.gammainc(a, x), rtol=1e-5)


def test_binary_ops_use_tf1_names_and_types():
    a = tf.constant([1.0, 2.0])
    for fn, op_type in ((tf.igamma, "Igamma"), (tf.igammac, "Igammac"), (tf.zeta, "Zeta"),
                        (tf.polygamma, "Polygamma")):
        t = fn(a, 2.0)
        assert t.op.type == op_type and t.op.name == op_type and t.dtype == tf.float32
    t = tf.igamma(a, a, name="p")
    assert t.op.name == "p"


def test_polygamma_matches_scipy_and_is_nan_for_bad_orders(run):
    n = np.array([0.0, 1.0, 2.0, 3.0, 1.5, -1.0])
    x = np.array([0.7, 1.3, 2.0, 5.0, 2.0, 2.0])
    out = run(tf.polygamma(n, x))
    np.testing.assert_allclose(out[:4], sp.polygamma(n[:4].astype(int), x[:4]), rtol=1e-12)
    assert np.isnan(out[4:]).all()


def test_betainc_values_and_tf1_shape_rule(run):
    a = np.array([0.5, 1.0, 2.0])
    b = np.array([1.5, 2.0, 0.7])
    out = run([tf.betainc(a, b, 0.4), tf.betainc(2.0, 3.0, np.array([[0.2], [0.9]]))])
    np.testing.assert_allclose(out[0], sp.betainc(a, b, 0.4), rtol=1e-12)
    assert out[1].dtype == np.float32  # the first input, a Python float, sets the dtype
    np.testing.assert_allclose(out[1], sp.betainc(2.0, 3.0, [[0.2], [0.9]]), rtol=1e-6)
    with pytest.raises(ValueError, match="Betainc"):
        tf.betainc(tf.ones([3]), tf.ones([2]), 0.5)


def test_betainc_inconsistent_run_time_shapes_name_the_op(run):
    a = tf.placeholder(tf.float32, [None])
    t = tf.betainc(a, tf.ones([2]), 0.5, name="bi")
    with pytest.raises(tf.errors.InvalidArgumentError, match="bi"):
        run(t, {a: np.ones(3)})


def test_lbeta_is_tf1s_composition(run):
    x = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]])
    t = tf.lbeta(x)
    assert t.shape.as_list() == [2] and t.name.startswith("lbeta/")
    ref = sp.gammaln(x).sum(-1) - sp.gammaln(x.sum(-1))
    np.testing.assert_allclose(run(t), ref, rtol=1e-12)


def test_igamma_grad_a_matches_finite_differences(run):
    a = np.array([0.3, 1.0, 2.5, 10.0])
    x = np.array([0.5, 2.0, 1.0, 12.0])
    h = 1e-6
    ref = (sp.gammainc(a + h, x) - sp.gammainc(a - h, x)) / (2 * h)
    t = igamma_grad_a(a, x)
    assert t.op.type == "IgammaGradA"
    np.testing.assert_allclose(run(t), ref, rtol=1e-6)


@pytest.mark.parametrize("fn", [tf.erf, tf.lgamma, tf.math.bessel_i0])
def test_integer_inputs_are_refused_naming_the_op(fn):
    with pytest.raises(TypeError, match="int32"):
        fn(tf.constant([1, 2]))


def test_igamma_dtype_mismatch_is_refused():
    with pytest.raises(TypeError, match="Igamma"):
        tf.igamma(tf.constant([1.0]), tf.constant([1.0], tf.float64))


def test_namespaces_expose_tf1_names():
    for n in ("erf", "erfc", "lgamma", "digamma", "igamma", "igammac", "betainc", "lbeta",
              "polygamma", "zeta"):
        assert getattr(tf, n) is getattr(tf.math, n)
    for n in ("bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e"):
        assert getattr(tf.math, n) is getattr(tf.math.special, n)
    assert not [n for n in dir(tf.math.special) if not n.startswith("_")
                and n not in tf.math.special.__all__]
