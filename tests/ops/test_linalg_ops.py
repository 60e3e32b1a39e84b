"""`ops/linalg_ops.py` and `tf.linalg`: values against NumPy, float32 kept, errors named;
gradients are in cases_linalg.py."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(2)


def _mats(*shape):
    return (RNG.uniform(-0.5, 0.5, shape) + 2 * np.eye(shape[-1])).astype(np.float32)


def test_det_inv_solve_match_numpy(run):
    a, b = _mats(2, 3, 3), RNG.uniform(-1, 1, (2, 3, 2)).astype(np.float32)
    det, inv, sol, (sign, logabs) = run([tf.linalg.det(a), tf.linalg.inv(a),
                                          tf.linalg.solve(a, b), tf.linalg.slogdet(a)])
    for out in (det, inv, sol, sign, logabs):
        assert out.dtype == np.float32
    np.testing.assert_allclose(det, np.linalg.det(a), rtol=1e-5)
    np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sol, np.linalg.solve(a, b), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(logabs, np.linalg.slogdet(a)[1], rtol=1e-5)
    adj = run(tf.linalg.solve(a, b, adjoint=True))
    np.testing.assert_allclose(adj, np.linalg.solve(np.swapaxes(a, -1, -2), b), rtol=1e-5,
                               atol=1e-6)
    assert tf.linalg.det(a).shape.as_list() == [2]


def test_cholesky_triangular_solve_logdet(run):
    x = RNG.uniform(-1, 1, (3, 3))
    spd = (x @ x.T + 3 * np.eye(3)).astype(np.float32)
    rhs = RNG.uniform(-1, 1, (3, 2)).astype(np.float32)
    chol, tri, up, cs, ld = run([tf.cholesky(spd), tf.linalg.triangular_solve(spd, rhs),
                                  tf.linalg.triangular_solve(spd, rhs, lower=False),
                                  tf.linalg.cholesky_solve(tf.cholesky(spd), rhs),
                                  tf.linalg.logdet(spd)])
    np.testing.assert_allclose(chol, np.linalg.cholesky(spd), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tri, np.linalg.solve(np.tril(spd), rhs), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(up, np.linalg.solve(np.triu(spd), rhs), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(cs, np.linalg.solve(spd, rhs), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ld, np.log(np.linalg.det(spd)), rtol=1e-5)


def test_linalg_errors_name_the_op(run):
    with pytest.raises(ValueError, match="square"):
        tf.linalg.det(tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="rank 2"):
        tf.linalg.inv(tf.zeros([3]))
    with pytest.raises(TypeError, match="MatrixDeterminant"):
        tf.linalg.det(tf.zeros([2, 2], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="MatrixInverse"):
        run(tf.linalg.inv(tf.zeros([2, 2])))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cholesky"):
        run(tf.cholesky(-tf.eye(2)))


def test_band_diag_trace_cross(run):
    x = RNG.uniform(-1, 1, (2, 3, 4)).astype(np.float32)
    band, tr, d, dp, cr = run([
        tf.linalg.band_part(x, 1, 0), tf.trace(x), tf.diag([1.0, 2.0, 3.0]),
        tf.diag_part(np.arange(36, dtype=np.float32).reshape(2, 3, 2, 3)),
        tf.cross([[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]])])
    i, j = np.arange(3)[:, None], np.arange(4)[None, :]
    np.testing.assert_array_equal(band, np.where((i - j <= 1) & (j <= i), x, 0))
    np.testing.assert_allclose(tr, np.trace(x, axis1=-2, axis2=-1), rtol=1e-6)
    np.testing.assert_array_equal(d, np.diag([1.0, 2.0, 3.0]))
    ref = np.arange(36).reshape(6, 6)[np.arange(6), np.arange(6)].reshape(2, 3)
    np.testing.assert_array_equal(dp, ref)
    np.testing.assert_array_equal(cr, np.cross([[1, 2, 3]], [[4, 5, 6]]))
    with pytest.raises(ValueError, match="last dimension must be 3"):
        tf.cross(tf.zeros([2]), tf.zeros([2]))


@pytest.mark.parametrize("eq,shapes", [("ij,jk->ik", [(2, 3), (3, 4)]),
                                        ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
                                        ("ij->ji", [(2, 3)]), ("ii->i", [(3, 3)]),
                                        ("ij,ij->", [(2, 3), (2, 3)]), ("ij,k", [(2, 3), (4,)]),
                                        ("ij,jk", [(2, 3), (3, 2)])])
def test_einsum_matches_numpy(run, eq, shapes):
    xs = [RNG.uniform(-1, 1, s).astype(np.float32) for s in shapes]
    out = run(tf.einsum(eq, *xs))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.einsum(eq, *xs), rtol=1e-5, atol=1e-6)
    assert tf.einsum(eq, *xs).shape.as_list() == list(np.einsum(eq, *xs).shape)


def test_einsum_errors():
    with pytest.raises(ValueError, match="einsum"):
        tf.einsum("ij,jk->ik", tf.zeros([2, 3]), tf.zeros([4, 2]))
    with pytest.raises(ValueError, match="operands"):
        tf.einsum("ij,jk->ik", tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="ellipses"):
        tf.einsum("...ij->...ji", tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="appears in no input"):
        tf.einsum("ij->iz", tf.zeros([2, 3]))


@pytest.mark.parametrize("ord_,axis", [("euclidean", None), (1, None), (np.inf, 1), (3, 0),
                                       ("fro", (0, 1)), (1, (0, 1)), (np.inf, (0, 1))])
def test_norm_matches_numpy(run, ord_, axis):
    x = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)
    out = run(tf.norm(x, ord=ord_, axis=list(axis) if isinstance(axis, tuple) else axis))
    if axis is None:
        ref = np.linalg.norm(x.ravel(), 2 if ord_ == "euclidean" else ord_)
    elif isinstance(axis, tuple):
        ref = np.linalg.norm(x, ord_, axis=axis)
    else:
        ref = np.linalg.norm(x, ord_, axis=axis)
    np.testing.assert_allclose(out, ref, rtol=1e-5)
    with pytest.raises(ValueError, match="ord"):
        tf.norm(x, ord=-1)


def test_reduce_std_variance_euclidean_and_linalg_names(run):
    x = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)
    std, var, en = run([tf.math.reduce_std(x, 1), tf.math.reduce_variance(x),
                         tf.math.reduce_euclidean_norm(x, 0, keepdims=True)])
    np.testing.assert_allclose(std, x.std(1), rtol=1e-5)
    np.testing.assert_allclose(var, x.var(), rtol=1e-5)
    np.testing.assert_allclose(en, np.sqrt((x ** 2).sum(0, keepdims=True)), rtol=1e-5)
    mv = run(tf.linalg.matvec(x, np.ones(4, np.float32)))
    np.testing.assert_allclose(mv, x.sum(1), rtol=1e-5)
    assert tf.linalg.transpose is tf.matrix_transpose and tf.linalg.eye is tf.eye
