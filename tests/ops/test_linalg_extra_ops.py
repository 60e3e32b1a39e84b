"""More of tf.linalg (`ops/linalg_extra_ops.py`): expm, logm, pinv, matrix_rank, normalize,
tridiagonal helpers and LU, against NumPy/SciPy (the values were also checked against
TensorFlow 2.21's tf.compat.v1 when written: LU factors and permutations are identical)."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

sla = pytest.importorskip("scipy.linalg")
RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 4, 4))


def test_expm_and_logm(run):
    e = tf.linalg.expm(A)
    assert e.op.type == "MatrixExponential" and e.shape.as_list() == [2, 4, 4]
    z = (np.eye(3) + 0.3 * RNG.standard_normal((3, 3))).astype(np.complex64)
    out = run([e, tf.linalg.expm(A[0].astype(np.float32)), tf.linalg.logm(z)])
    np.testing.assert_allclose(out[0], np.stack([sla.expm(m) for m in A]), rtol=1e-10)
    assert out[1].dtype == np.float32
    np.testing.assert_allclose(out[2], sla.logm(z), atol=1e-5)
    with pytest.raises(TypeError, match="float64"):
        tf.linalg.logm(A)


def test_pinv_matrix_rank_normalize(run):
    a = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 1.0]])
    low = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]])
    n, nv = tf.linalg.normalize(a, axis=0)
    out = run([tf.linalg.pinv(a), tf.linalg.matrix_rank(np.stack([a, a * 0])),
               tf.linalg.matrix_rank(low), n, nv, tf.linalg.pinv(low)])
    np.testing.assert_allclose(out[0], np.linalg.pinv(a), atol=1e-12)
    np.testing.assert_array_equal(out[1], [2, 0])
    assert out[1].dtype == np.int32 and out[2] == 1
    np.testing.assert_allclose(out[3], a / np.linalg.norm(a, axis=0, keepdims=True))
    np.testing.assert_allclose(out[5], np.linalg.pinv(low), atol=1e-12)


def test_tridiagonal_helpers(run):
    sup, main, sub = RNG.standard_normal((3, 5))
    dense = np.diag(main) + np.diag(sup[:-1], 1) + np.diag(sub[1:], -1)
    rhs = RNG.standard_normal((5, 2))
    compact = np.stack([sup, main, sub])
    out = run([tf.linalg.tridiagonal_matmul(compact, rhs),
               tf.linalg.tridiagonal_matmul((sup, main, sub), rhs, diagonals_format="sequence"),
               tf.linalg.tridiagonal_solve(compact, rhs),
               tf.linalg.tridiagonal_solve(dense, rhs[:, 0], diagonals_format="matrix"),
               tf.linalg.tridiagonal_solve(compact, rhs.T, transpose_rhs=True)])
    np.testing.assert_allclose(out[0], dense @ rhs, atol=1e-12)
    np.testing.assert_allclose(out[1], dense @ rhs, atol=1e-12)
    np.testing.assert_allclose(out[2], np.linalg.solve(dense, rhs), atol=1e-10)
    np.testing.assert_allclose(out[3], np.linalg.solve(dense, rhs[:, 0]), atol=1e-10)
    np.testing.assert_allclose(out[4], np.linalg.solve(dense, rhs), atol=1e-10)
    with pytest.raises(ValueError, match="diagonals_format"):
        tf.linalg.tridiagonal_matmul(compact, rhs, diagonals_format="bogus")


def test_eigh_tridiagonal(run):
    alpha, beta = np.array([1.0, 2.0, 3.0, 0.5]), np.array([0.5, -0.25, 1.0])
    dense = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
    ref = np.linalg.eigvalsh(dense)
    e, v = tf.linalg.eigh_tridiagonal(alpha, beta, eigvals_only=False)
    out = run([tf.linalg.eigh_tridiagonal(alpha, beta), e, v,
               tf.linalg.eigh_tridiagonal(alpha, beta, select="i", select_range=[1, 2]),
               tf.linalg.eigh_tridiagonal(alpha, beta, select="v", select_range=[0.0, 2.5])])
    np.testing.assert_allclose(out[0], ref, atol=1e-12)
    np.testing.assert_allclose(out[2] @ np.diag(out[1]) @ out[2].T, dense, atol=1e-12)
    np.testing.assert_allclose(out[3], ref[1:3], atol=1e-12)
    np.testing.assert_allclose(out[4], ref[(ref > 0.0) & (ref <= 2.5)], atol=1e-12)


def test_lu_family(run):
    lu, p = tf.linalg.lu(A)
    assert lu.op.type == "Lu" and p.dtype == tf.int32 and p.shape.as_list() == [2, 4]
    b = RNG.standard_normal((2, 4, 3))
    out = run([lu, p, tf.linalg.lu_reconstruct(lu, p), tf.linalg.lu_solve(lu, p, b),
               tf.linalg.lu_matrix_inverse(lu, p)])
    for i in range(2):
        pm, low, up = sla.lu(A[i])
        np.testing.assert_allclose(np.tril(out[0][i], -1) + np.eye(4), low, atol=1e-12)
        np.testing.assert_allclose(np.triu(out[0][i]), up, atol=1e-12)
        np.testing.assert_allclose(A[i][out[1][i]], low @ up, atol=1e-12)
    np.testing.assert_allclose(out[2], A, atol=1e-12)
    np.testing.assert_allclose(out[3], np.linalg.solve(A, b), atol=1e-10)
    np.testing.assert_allclose(out[4], np.linalg.inv(A), atol=1e-10)
    assert tf.linalg.lu(A, output_idx_type=tf.int64).p.dtype == tf.int64


def test_linear_operators_are_refused_with_advice():
    with pytest.raises(NotImplementedError,
                       match="tf.linalg.LinearOperatorDiag is not offered.*dense matrix"):
        tf.linalg.LinearOperatorDiag  # noqa: B018
    with pytest.raises(NotImplementedError, match="conjugate_gradient"):
        tf.linalg.experimental  # noqa: B018
    with pytest.raises(AttributeError):
        tf.linalg.no_such_name  # noqa: B018
