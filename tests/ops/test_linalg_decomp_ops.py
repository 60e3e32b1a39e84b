"""Matrix decompositions (`ops/linalg_decomp_ops.py`): SVD, QR, self-adjoint eigen
decomposition, matrix square root and least squares against NumPy/SciPy, batched, with TF1's
op types, shapes, dtypes and errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf
from gradcheck import check_gradient

RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 4, 3))
SYM = RNG.standard_normal((2, 3, 3))
SYM = SYM + np.swapaxes(SYM, -1, -2)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3), (2, 2, 5)])
@pytest.mark.parametrize("full", [False, True])
def test_svd_reconstructs_and_matches_numpy(run, shape, full):
    a = RNG.standard_normal(shape)
    s, u, v = tf.svd(a, full_matrices=full)
    m, n = shape[-2:]
    p = min(m, n)
    assert s.op.type == "Svd" and s.shape.as_list() == list(shape[:-2]) + [p]
    assert u.shape.as_list() == list(shape[:-2]) + [m, m if full else p]
    assert v.shape.as_list() == list(shape[:-2]) + [n, n if full else p]
    sv, uv, vv = run([s, u, v])
    np.testing.assert_allclose(sv, np.linalg.svd(a, compute_uv=False), atol=1e-12)
    rec = (uv[..., :, :p] * sv[..., None, :]) @ np.swapaxes(vv[..., :, :p], -1, -2)
    np.testing.assert_allclose(rec, a, atol=1e-12)
    eye_u = np.swapaxes(uv, -1, -2) @ uv
    np.testing.assert_allclose(eye_u, np.broadcast_to(np.eye(uv.shape[-1]), eye_u.shape),
                               atol=1e-12)


def test_svd_values_only_float32_and_complex(run):
    s = tf.linalg.svd(A.astype(np.float32), compute_uv=False)
    assert isinstance(s, tf.Tensor) and s.dtype == tf.float32
    z = (A + 1j * A[..., ::-1, :]).astype(np.complex64)
    sz, uz, vz = tf.svd(z)
    assert sz.dtype == tf.float32 and uz.dtype == tf.complex64
    out = run([s, sz, uz, vz])
    assert out[0].dtype == np.float32
    np.testing.assert_allclose(out[0], np.linalg.svd(A, compute_uv=False), rtol=1e-5)
    rec = (out[2] * out[1][..., None, :]) @ np.conj(np.swapaxes(out[3], -1, -2))
    np.testing.assert_allclose(rec, z, atol=1e-5)


@pytest.mark.parametrize("full", [False, True])
def test_qr_matches_numpy(run, full):
    q, r = tf.qr(A, full_matrices=full)
    assert q.op.type == "Qr" and q.op.name == "Qr"
    assert q.shape.as_list() == [2, 4, 4 if full else 3]
    assert r.shape.as_list() == [2, 4 if full else 3, 3]
    qv, rv = run(tf.linalg.qr(A, full_matrices=full))
    nq, nr = np.linalg.qr(A, mode="complete" if full else "reduced")
    np.testing.assert_allclose(qv, nq, atol=1e-12)
    np.testing.assert_allclose(rv, nr, atol=1e-12)
    np.testing.assert_allclose(qv @ rv, A, atol=1e-12)


def test_self_adjoint_eig_reads_the_lower_triangle(run):
    lower = np.tril(SYM) + np.triu(RNG.standard_normal((3, 3)), 1)  # garbage above
    e, v = tf.self_adjoint_eig(lower)
    assert e.op.type == "SelfAdjointEigV2" and e.op.name == "self_adjoint_eig"
    assert e.shape.as_list() == [2, 3] and v.shape.as_list() == [2, 3, 3]
    ev, vv, vals = run([e, v, tf.linalg.eigvalsh(lower)])
    np.testing.assert_allclose(ev, np.linalg.eigvalsh(SYM), atol=1e-12)
    np.testing.assert_allclose(vals, ev, atol=1e-12)
    np.testing.assert_allclose(vv @ (ev[..., :, None] * np.swapaxes(vv, -1, -2)), SYM,
                               atol=1e-12)
    assert tf.self_adjoint_eigvals(SYM).op.get_attr("compute_v") is False


def test_eig_of_a_non_square_matrix_is_refused():
    with pytest.raises(ValueError, match="SelfAdjointEigV2"):
        tf.self_adjoint_eig(tf.zeros([3, 4]))
    with pytest.raises(ValueError, match="MatrixSquareRoot"):
        tf.matrix_square_root(tf.zeros([3, 4]))
    with pytest.raises(ValueError, match="Svd"):
        tf.svd(tf.zeros([3]))
    with pytest.raises(TypeError, match="int32"):
        tf.qr(tf.zeros([3, 3], tf.int32))


def test_matrix_square_root(run):
    spd = SYM @ np.swapaxes(SYM, -1, -2) + np.eye(3)
    r = tf.matrix_square_root(spd.astype(np.float32))
    assert r.op.type == "MatrixSquareRoot" and r.dtype == tf.float32
    out = run([r, tf.linalg.sqrtm(spd)])
    assert out[0].dtype == np.float32
    np.testing.assert_allclose(out[0] @ out[0], spd, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(out[1] @ out[1], spd, atol=1e-10)
    neg = run(tf.linalg.sqrtm(-np.eye(2)))  # no real square root
    assert np.isnan(neg).all()


def test_lstsq_fast_and_robust_paths(run):
    b = RNG.standard_normal((2, 4, 2))
    ref = np.stack([np.linalg.lstsq(A[i], b[i], rcond=None)[0] for i in range(2)])
    lam = 0.5
    ridge = np.linalg.solve(np.swapaxes(A, -1, -2) @ A + lam * np.eye(3),
                            np.swapaxes(A, -1, -2) @ b)
    wide = RNG.standard_normal((2, 5))
    rhs = RNG.standard_normal((2, 1))
    min_norm = np.linalg.lstsq(wide, rhs, rcond=None)[0]
    ts = [tf.matrix_solve_ls(A, b), tf.linalg.lstsq(A, b, l2_regularizer=lam),
          tf.matrix_solve_ls(A, b, l2_regularizer=lam, fast=False), tf.linalg.lstsq(wide, rhs),
          tf.matrix_solve_ls(wide, rhs, fast=False)]
    assert ts[0].name.startswith("matrix_solve_ls/") and ts[2].op.type == "MatrixSolveLs"
    out = run(ts)
    np.testing.assert_allclose(out[0], ref, atol=1e-10)
    np.testing.assert_allclose(out[1], ridge, atol=1e-10)
    np.testing.assert_allclose(out[2], ref, atol=1e-10)  # fast=False ignores l2, as TF1
    np.testing.assert_allclose(out[3], min_norm, atol=1e-10)
    np.testing.assert_allclose(out[4], min_norm, atol=1e-10)
    assert out[0].shape == (2, 3, 2)


def test_lstsq_fast_path_is_differentiable():
    b = RNG.standard_normal((4, 2))
    check_gradient(lambda a, y: tf.matrix_solve_ls(a, y, l2_regularizer=0.1),
                   [RNG.standard_normal((4, 3)), b])


def test_lstsq_errors():
    with pytest.raises(ValueError, match="MatrixSolveLs"):
        tf.matrix_solve_ls(tf.zeros([4, 3]), tf.zeros([3, 1]), fast=False)
    with pytest.raises(NotImplementedError, match="complex128"):
        tf.matrix_solve_ls(tf.zeros([2, 2], tf.complex128), tf.zeros([2, 1], tf.complex128),
                           l2_regularizer=0.1)


def test_svd_gradient_needs_static_inner_dims():
    a = tf.placeholder(tf.float64, [None, None])
    s, u, v = tf.svd(a)
    with pytest.raises(NotImplementedError, match="unknown inner matrix shape"):
        tf.gradients(tf.reduce_sum(u), [a])


def test_namespaces():
    assert tf.linalg.svd is tf.svd and tf.linalg.qr is tf.qr
    assert tf.linalg.eigh is tf.self_adjoint_eig and tf.linalg.eigvalsh is tf.self_adjoint_eigvals
    assert tf.linalg.sqrtm is tf.matrix_square_root and tf.linalg.lstsq is tf.matrix_solve_ls
