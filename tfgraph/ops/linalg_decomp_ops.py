"""Matrix decompositions: SVD, QR, self-adjoint eigendecomposition, matrix square root and
least squares (`tf.svd`, `tf.qr`, `tf.self_adjoint_eig`, `tf.matrix_square_root`,
`tf.matrix_solve_ls` and their `tf.linalg` names).

Op types, attributes and output orders are TF1's ("Svd" gives s, u, v with `a = u diag(s)
v^H`; "Qr" gives q, r; "SelfAdjointEigV2" reads the lower triangle). Kernels are
`xp.linalg` (LAPACK through NumPy, cuSOLVER through CuPy), batched over leading dimensions;
the square root is SciPy's `sqrtm` (on the host for CuPy). Gradients are TF1's
(`linalg_grad.py`): SVD (Giles / Townsend), QR (square and deep matrices, and wide ones
by partitioning), SelfAdjointEigV2, MatrixSquareRoot (a Sylvester equation solved as one
Kronecker-sum system). `matrix_solve_ls(fast=True)` is TF1's composition through the
regularized Gramian's Cholesky factor (so it is differentiable, as in TF1); `fast=False` is
the "MatrixSolveLs" op (minimum-norm least squares, no gradient, as in TF1).
"""
from __future__ import annotations

import collections
from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, graph_of, name_scope
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ._helpers import COMPLEX, check_dtype
from .array_ops import (concat, expand_dims, eye, matrix_diag,
                        matrix_diag_part, matrix_set_diag, matrix_transpose, reshape, shape,
                        zeros_like)
from .complex_ops import real
from .linalg_ops import (cholesky, cholesky_solve, matrix_band_part, matrix_solve,
                         matrix_triangular_solve)
from .math_ops import add, cast, matmul, multiply, reciprocal, square, subtract
from .special_math_ops import _scipy_fn

_FLOAT_TYPES = frozenset({dtypes.float32, dtypes.float64}) | COMPLEX
_ALLOWED = (dtypes.float64, dtypes.float32, dtypes.complex64, dtypes.complex128)


def _matrix_dims(op: str, a: Tensor, square: bool = False):
    """The static (batch dims, m, n) of a rank >= 2 input; raises ValueError otherwise."""
    if a.shape.ndims is None:
        return None, None, None
    if a.shape.ndims < 2:
        raise ValueError(f"{op}: Shape must be at least rank 2 but is rank {a.shape.ndims}")
    dims = a.shape.as_list()
    m, n = dims[-2], dims[-1]
    if square and m is not None and n is not None and m != n:
        raise ValueError(f"{op}: Dimensions must be equal, but are {m} and {n} (the input "
                         f"must be a square matrix or a batch of them)")
    return dims[:-2], m, n


def _adjoint(x: Tensor) -> Tensor:
    return matrix_transpose(x, conjugate=True)


def _safe_reciprocal(x: Tensor, epsilon: float = 1e-20) -> Tensor:
    """TF1's `_SafeReciprocal`: x / (x^2 + eps), finite at 0."""
    return multiply(x, reciprocal(add(multiply(x, x), convert_to_tensor(epsilon,
                                                                        dtype=x.dtype))))


# --- SVD ------------------------------------------------------------------------------------
@register_op("Svd")
class Svd(OpDef):
    """Singular values (descending) and, with `compute_uv`, the singular vectors."""

    def infer(self, input, *, compute_uv=True, full_matrices=False):  # noqa: A002
        check_dtype(input, _FLOAT_TYPES, "input")
        batch, m, n = _matrix_dims("Svd", input)
        real_dtype = input.dtype.real_dtype
        if batch is None:
            unknown = TensorShape(None)
            return [spec(real_dtype, unknown), spec(input.dtype, unknown),
                    spec(input.dtype, unknown)]
        p = None if m is None or n is None else min(m, n)
        if not compute_uv:
            return [spec(real_dtype, batch + [p]), spec(input.dtype, [0]),
                    spec(input.dtype, [0])]
        return [spec(real_dtype, batch + [p]),
                spec(input.dtype, batch + [m, m if full_matrices else p]),
                spec(input.dtype, batch + [n, n if full_matrices else p])]

    def kernel(self, be, op, ctx):
        xp = be.xp
        compute_uv = op.attrs.get("compute_uv", True)
        full = op.attrs.get("full_matrices", False)
        dt = op.inputs[0].dtype.as_numpy_dtype
        rdt = op.inputs[0].dtype.real_dtype.as_numpy_dtype

        def svd(a):
            m, n = a.shape[-2:]
            if a.size == 0:
                p = min(m, n)
                s = xp.zeros(a.shape[:-2] + (p,), rdt)
                if not compute_uv:
                    return s, xp.zeros((0,), dt), xp.zeros((0,), dt)
                u = xp.zeros(a.shape[:-2] + (m, m if full else p), dt)
                v = xp.zeros(a.shape[:-2] + (n, n if full else p), dt)
                eye_u, eye_v = xp.eye(u.shape[-2], u.shape[-1], dtype=dt), \
                    xp.eye(v.shape[-2], v.shape[-1], dtype=dt)
                return s, u + eye_u, v + eye_v
            if not compute_uv:
                s = xp.linalg.svd(a, compute_uv=False)
                return s.astype(rdt, copy=False), xp.zeros((0,), dt), xp.zeros((0,), dt)
            u, s, vh = xp.linalg.svd(a, full_matrices=full)
            v = xp.conj(xp.swapaxes(vh, -1, -2))
            return (s.astype(rdt, copy=False), u.astype(dt, copy=False),
                    xp.ascontiguousarray(v).astype(dt, copy=False))
        return svd

    def gradient(self, op, grad_s, grad_u, grad_v):
        return [_svd_grad(op, grad_s, grad_u, grad_v)]


def _svd_grad(op, grad_s, grad_u, grad_v) -> Tensor:
    """TF1's SVD gradient (Giles' formulas; Townsend's for reduced matrices)."""
    a = op.inputs[0]
    grad_s = cast(grad_s, a.dtype)
    grad_s_mat = matrix_diag(grad_s)
    if not op.attrs.get("compute_uv", True):
        _, u, v = svd(a, compute_uv=True)
        return matmul(u, matmul(grad_s_mat, v, adjoint_b=True))
    full = op.attrs.get("full_matrices", False)
    dims = a.shape.as_list() if a.shape.ndims is not None else None
    if dims is None or dims[-2] is None or dims[-1] is None:
        raise NotImplementedError("SVD gradient has not been implemented for input with "
                                  f"unknown inner matrix shape (op '{op.name}').")
    m, n = dims[-2], dims[-1]
    s, u, v = op.outputs
    s = cast(s, a.dtype)
    use_adjoint = m > n
    if use_adjoint:  # the gradient of a^H = v s u^H, transposed at the end
        m, n = n, m
        u, v = v, u
        grad_u, grad_v = grad_v, grad_u
    if full and abs(m - n) > 1:
        raise NotImplementedError(
            f"svd gradient is not implemented for abs(m - n) > 1 when full_matrices is True "
            f"(op '{op.name}', m={m}, n={n}).")
    with op.graph.control_dependencies([grad_s, grad_u, grad_v]):
        s_mat = matrix_diag(s)
        s2 = square(s)
        f = matrix_set_diag(_safe_reciprocal(subtract(expand_dims(s2, -2), expand_dims(s2, -1))),
                            zeros_like(s))
        s_inv_mat = matrix_diag(_safe_reciprocal(s))
        v1 = v[..., :, :m]
        grad_v1 = grad_v[..., :, :m]
        u_gu = matmul(u, grad_u, adjoint_a=True)
        v_gv = matmul(v1, grad_v1, adjoint_a=True)
        f_u = multiply(f, u_gu)
        f_v = multiply(f, v_gv)
        term1_nouv = add(add(grad_s_mat, matmul(add(f_u, _adjoint(f_u)), s_mat)),
                         matmul(s_mat, add(f_v, _adjoint(f_v))))
        grad_a = matmul(u, matmul(term1_nouv, v1, adjoint_b=True))
        if m != n:
            gv1t = _adjoint(grad_v1)
            term2_nous = subtract(gv1t, matmul(matmul(gv1t, v1), v1, adjoint_b=True))
            if full:
                v2 = v[..., :, m:n]
                grad_v2 = grad_v[..., :, m:n]
                term2_nous = subtract(term2_nous, matmul(matmul(v1, grad_v2, adjoint_a=True),
                                                         v2, adjoint_b=True))
            grad_a = add(grad_a, matmul(matmul(u, s_inv_mat), term2_nous))
        if a.dtype.is_complex:
            s_shape = shape(s)
            eye_ = eye(s_shape[-1], batch_shape=s_shape[:-1], dtype=a.dtype)
            l_ = multiply(eye_, v_gv)
            term3_nouv = matmul(s_inv_mat, subtract(_adjoint(l_), l_))
            grad_a = add(grad_a, multiply(convert_to_tensor(0.5, dtype=a.dtype),
                                          matmul(u, matmul(term3_nouv, v1, adjoint_b=True))))
        return _adjoint(grad_a) if use_adjoint else grad_a


def svd(tensor: Any, full_matrices: bool = False, compute_uv: bool = True,
        name: Optional[str] = None):
    """Singular value decomposition of one matrix or a batch (`tf.svd`, `tf.linalg.svd`, op
    "Svd"): `tensor = u @ diag(s) @ adjoint(v)`.

    Args:
      tensor: A `[..., M, N]` float32/float64/complex tensor.
      full_matrices: Return `[..., M, M]` / `[..., N, N]` singular vectors instead of
        `[..., M, P]` / `[..., N, P]` (P = min(M, N)).
      compute_uv: Compute the singular vectors too.
      name: Op name (default "Svd").

    Returns:
      `s` (`[..., P]`, descending, of the real dtype) if `compute_uv` is False, else
      `(s, u, v)` (note: `v`, not NumPy's `adjoint(v)`).
    """
    graph = graph_of([tensor])
    with graph.as_default(), name_scope(name, "Svd", [tensor]) as scope:
        x = convert_to_tensor(tensor, name="input")
        op = graph.create_op("Svd", [x], {"compute_uv": bool(compute_uv),
                                          "full_matrices": bool(full_matrices)}, name=scope)
        s, u, v = op.outputs
        return (s, u, v) if compute_uv else s


# --- QR -------------------------------------------------------------------------------------
QrOutput = collections.namedtuple("Qr", ["q", "r"])


@register_op("Qr")
class Qr(OpDef):
    """QR decomposition (Householder): `a = q r`, q with orthonormal columns, r upper
    triangular."""

    def infer(self, input, *, full_matrices=False):  # noqa: A002
        check_dtype(input, _FLOAT_TYPES, "input")
        batch, m, n = _matrix_dims("Qr", input)
        if batch is None:
            return [spec(input.dtype, TensorShape(None))] * 2
        p = None if m is None or n is None else min(m, n)
        if full_matrices:
            return [spec(input.dtype, batch + [m, m]), spec(input.dtype, batch + [m, n])]
        return [spec(input.dtype, batch + [m, p]), spec(input.dtype, batch + [p, n])]

    def kernel(self, be, op, ctx):
        xp = be.xp
        mode = "complete" if op.attrs.get("full_matrices", False) else "reduced"
        dt = op.inputs[0].dtype.as_numpy_dtype

        def qr(a):
            if a.size == 0:
                m, n = a.shape[-2:]
                k = m if mode == "complete" else min(m, n)
                return (xp.zeros(a.shape[:-2] + (m, k), dt) + xp.eye(m, k, dtype=dt),
                        xp.zeros(a.shape[:-2] + (k, n), dt))
            q, r = xp.linalg.qr(a, mode=mode)
            return q.astype(dt, copy=False), r.astype(dt, copy=False)
        return qr

    def gradient(self, op, dq, dr):
        return [_qr_grad(op, dq, dr)]


def _triangular_solve_right(x: Tensor, r: Tensor) -> Tensor:
    """x @ adjoint(inverse(r)) for an upper-triangular r."""
    return _adjoint(matrix_triangular_solve(r, _adjoint(x), lower=False, adjoint=False))


def _qr_grad_square_and_deep(q, r, dq, dr):
    qdq = matmul(q, dq, adjoint_a=True)
    qdq_ = subtract(qdq, _adjoint(qdq))
    rdr = matmul(r, dr, adjoint_b=True)
    rdr_ = subtract(rdr, _adjoint(rdr))
    tril = matrix_band_part(add(qdq_, rdr_), -1, 0)
    grad_a = matmul(q, add(dr, _triangular_solve_right(tril, r)))
    grad_b = _triangular_solve_right(subtract(dq, matmul(q, qdq)), r)
    ret = add(grad_a, grad_b)
    if q.dtype.is_complex:
        m = subtract(rdr, _adjoint(qdq))
        eyem = matrix_set_diag(zeros_like(m), matrix_diag_part(m))
        correction = subtract(eyem, cast(real(eyem), q.dtype))
        ret = add(ret, _triangular_solve_right(matmul(q, _adjoint(correction)), r))
    return ret


def _qr_grad(op, dq, dr) -> Tensor:
    """TF1's QR gradient (square or deep matrices; wide ones by partitioning a = [x, y])."""
    q, r = op.outputs
    qd, rd = q.shape.as_list() if q.shape.ndims else None, r.shape.as_list() if \
        r.shape.ndims else None
    if rd is None or rd[-2] is None or rd[-1] is None:
        raise NotImplementedError(f"QrGrad not implemented with dynamic shapes (op "
                                  f"'{op.name}').")
    if rd[-2] > rd[-1] and qd[-2] == qd[-1]:
        raise NotImplementedError(f"QrGrad not implemented when nrows > ncols and "
                                  f"full_matrices is true (op '{op.name}').")
    num_rows, num_cols = qd[-2], rd[-1]
    if num_rows >= num_cols:
        return _qr_grad_square_and_deep(q, r, dq, dr)
    a = op.inputs[0]
    y = a[..., :, num_rows:]
    u = r[..., :, :num_rows]
    dv = dr[..., :, num_rows:]
    du = dr[..., :, :num_rows]
    dy = matmul(q, dv)
    dx = _qr_grad_square_and_deep(q, u, add(dq, matmul(y, dv, adjoint_b=True)), du)
    return concat([dx, dy], axis=-1)


def qr(input: Any, full_matrices: bool = False, name: Optional[str] = None):  # noqa: A002
    """QR decomposition of one matrix or a batch (`tf.qr`, `tf.linalg.qr`, op "Qr").

    Args:
      input: A `[..., M, N]` float32/float64/complex tensor.
      full_matrices: Return the full `[..., M, M]` q and `[..., M, N]` r instead of the
        reduced `[..., M, P]` q and `[..., P, N]` r (P = min(M, N)).
      name: Op name (default "Qr").

    Returns:
      `(q, r)` (a namedtuple with fields `q`, `r`).
    """
    graph = graph_of([input])
    with graph.as_default(), name_scope(name, "Qr", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        op = graph.create_op("Qr", [x], {"full_matrices": bool(full_matrices)}, name=scope)
        return QrOutput(*op.outputs)


# --- self-adjoint eigendecomposition ---------------------------------------------------------
@register_op("SelfAdjointEigV2")
class SelfAdjointEigV2(OpDef):
    """Eigenvalues (ascending) and, with `compute_v`, eigenvectors of self-adjoint matrices
    (only the lower triangle is read)."""

    def infer(self, input, *, compute_v=True):  # noqa: A002
        check_dtype(input, _FLOAT_TYPES, "input")
        batch, m, n = _matrix_dims("SelfAdjointEigV2", input, square=True)
        if batch is None:
            return [spec(input.dtype, TensorShape(None)), spec(input.dtype, TensorShape(None))]
        k = m if m is not None else n
        # TF1's op gives eigenvalues of the input's dtype (complex for complex input).
        return [spec(input.dtype, batch + [k]),
                spec(input.dtype, batch + [k, k] if compute_v else [0])]

    def kernel(self, be, op, ctx):
        xp = be.xp
        compute_v = op.attrs.get("compute_v", True)
        dt = op.inputs[0].dtype.as_numpy_dtype

        def eigh(a):
            if a.size == 0:
                e = xp.zeros(a.shape[:-1], dt)
                return e, (xp.zeros(a.shape, dt) if compute_v else xp.zeros((0,), dt))
            if not compute_v:
                return xp.linalg.eigvalsh(a).astype(dt), xp.zeros((0,), dt)
            e, v = xp.linalg.eigh(a)
            return e.astype(dt), v.astype(dt, copy=False)
        return eigh

    def gradient(self, op, grad_e, grad_v):
        e = op.outputs[0]
        with op.graph.control_dependencies([grad_e, grad_v]):
            if op.attrs.get("compute_v", True):
                v = op.outputs[1]
                f = matrix_set_diag(reciprocal(subtract(expand_dims(e, -2), expand_dims(e, -1))),
                                    zeros_like(e))
                grad_a = matmul(v, matmul(add(matrix_diag(grad_e),
                                              multiply(f, matmul(v, grad_v, adjoint_a=True))),
                                          v, adjoint_b=True))
            else:
                _, v = self_adjoint_eig(op.inputs[0])
                grad_a = matmul(v, matmul(matrix_diag(grad_e), v, adjoint_b=True))
            # The op reads the lower triangle only: symmetrize, keep the lower triangle.
            grad_a = matrix_band_part(add(grad_a, _adjoint(grad_a)), -1, 0)
            grad_a = matrix_set_diag(grad_a, multiply(convert_to_tensor(0.5, dtype=grad_a.dtype),
                                                      matrix_diag_part(grad_a)))
            return [grad_a]


def _self_adjoint(tensor: Any, compute_v: bool, name: Optional[str], default: str):
    graph = graph_of([tensor])
    with graph.as_default(), name_scope(name, default, [tensor]) as scope:
        x = convert_to_tensor(tensor, name="input")
        return graph.create_op("SelfAdjointEigV2", [x], {"compute_v": compute_v},
                               name=scope).outputs


def self_adjoint_eig(tensor: Any, name: Optional[str] = None):
    """Eigen decomposition of self-adjoint matrices (`tf.self_adjoint_eig`,
    `tf.linalg.eigh`, op "SelfAdjointEigV2"); only the lower triangle is read.

    Args:
      tensor: A `[..., N, N]` float32/float64/complex tensor.
      name: Op name (default "self_adjoint_eig").

    Returns:
      `(e, v)`: the eigenvalues `[..., N]` in ascending order and the eigenvectors
      `[..., N, N]` (column `i` belongs to `e[..., i]`).
    """
    e, v = _self_adjoint(tensor, True, name, "self_adjoint_eig")
    return e, v


def self_adjoint_eigvals(tensor: Any, name: Optional[str] = None) -> Tensor:
    """The eigenvalues of self-adjoint matrices, ascending (`tf.self_adjoint_eigvals`,
    `tf.linalg.eigvalsh`, op "SelfAdjointEigV2" with compute_v=False)."""
    return _self_adjoint(tensor, False, name, "self_adjoint_eigvals")[0]


eigh = self_adjoint_eig
eigvalsh = self_adjoint_eigvals


# --- matrix square root ----------------------------------------------------------------------
@register_op("MatrixSquareRoot")
class MatrixSquareRoot(OpDef):
    """The principal square root of square matrices (SciPy's Schur method)."""

    def infer(self, input):  # noqa: A002
        check_dtype(input, _FLOAT_TYPES, "input")
        _matrix_dims("MatrixSquareRoot", input, square=True)
        return spec(input.dtype, input.shape)

    def kernel(self, be, op, ctx):
        xp = be.xp
        sqrtm = _scipy_fn(be, "sqrtm", "linalg")
        dt = op.inputs[0].dtype.as_numpy_dtype
        is_real = not op.inputs[0].dtype.is_complex

        def one(m):
            r = sqrtm(m)
            r = r[0] if isinstance(r, tuple) else r  # older SciPy: (sqrtm, errest)
            if is_real and xp.iscomplexobj(r):
                # No real square root (a negative eigenvalue): NaN, as TF1's real kernel.
                bad = xp.abs(r.imag).max() > 1e-6 * max(float(xp.abs(r).max()), 1.0)
                r = r.real + (xp.nan if bad else 0)
            return r.astype(dt, copy=False)

        def matrix_square_root(a):
            if a.size == 0:
                return xp.zeros(a.shape, dt)
            flat = a.reshape((-1,) + a.shape[-2:])
            return xp.stack([one(flat[i]) for i in range(flat.shape[0])]).reshape(a.shape)
        return matrix_square_root

    def gradient(self, op, grad):
        # a = r r, so da = r dr + dr r; the adjoint: solve r^H x + x r^H = grad for x,
        # one Kronecker-sum system per matrix (TF1 solves the same Sylvester equation).
        r = op.outputs[0]
        rt = _adjoint(r)
        s = shape(r)
        n = s[-1]
        batch = s[:-2]
        eye_ = eye(n, batch_shape=batch, dtype=r.dtype)
        # K[i, j, k, l] = rt[i, k] delta[j, l] + delta[i, k] rt[l, j]
        k1 = multiply(expand_dims(expand_dims(rt, -2), -1),
                      expand_dims(expand_dims(eye_, -3), -2))
        k2 = multiply(expand_dims(expand_dims(eye_, -2), -1),
                      expand_dims(expand_dims(matrix_transpose(rt), -3), -2))
        nn = n * n
        ksum = reshape(add(k1, k2), concat([batch, [nn, nn]], 0))
        vec_grad = reshape(grad, concat([batch, [nn, 1]], 0))
        return [reshape(matrix_solve(ksum, vec_grad), s)]


def matrix_square_root(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The principal square root of one square matrix or a batch (`tf.matrix_square_root`,
    `tf.linalg.sqrtm`, op "MatrixSquareRoot"): `r @ r == input`.

    Args:
      input: A `[..., N, N]` float32/float64/complex tensor.
      name: Op name (default "MatrixSquareRoot").

    Returns:
      A tensor like `input` (NaN for a real matrix without a real square root).
    """
    graph = graph_of([input])
    with graph.as_default(), graph.name_scope(name or "MatrixSquareRoot") as scope:
        x = convert_to_tensor(input, name="input")
        return graph.create_op("MatrixSquareRoot", [x], name=scope).outputs[0]


sqrtm = matrix_square_root


# --- least squares ---------------------------------------------------------------------------
@register_op("MatrixSolveLs")
class MatrixSolveLs(OpDef):
    """Least-squares solutions of `matrix @ x = rhs`; `fast=False`: minimum-norm solutions
    (complete orthogonal decomposition; l2_regularizer ignored, as in TF1)."""

    def infer(self, matrix, rhs, l2_regularizer, *, fast=True):
        check_dtype(matrix, _FLOAT_TYPES, "matrix")
        if rhs.dtype != matrix.dtype:
            raise TypeError(f"MatrixSolveLs: rhs has type {rhs.dtype.name} that does not "
                            f"match type {matrix.dtype.name} of matrix")
        batch, m, n = _matrix_dims("MatrixSolveLs", matrix)
        rb, rm, k = _matrix_dims("MatrixSolveLs", rhs)
        if m is not None and rm is not None and m != rm:
            raise ValueError(f"MatrixSolveLs: matrix has {m} rows but rhs has {rm}")
        if batch is None or rb is None:
            return spec(matrix.dtype, TensorShape(None))
        return spec(matrix.dtype, batch + [n, k])

    def kernel(self, be, op, ctx):
        xp = be.xp
        fast = op.attrs.get("fast", True)
        dt = op.inputs[0].dtype.as_numpy_dtype

        def matrix_solve_ls(a, b, l2):
            if a.shape[:-2] != b.shape[:-2]:
                raise ValueError(f"matrix batch shape {a.shape[:-2]} and rhs batch shape "
                                 f"{b.shape[:-2]} differ")
            n, k = a.shape[-1], b.shape[-1]
            out = xp.zeros(a.shape[:-2] + (n, k), dt)
            if out.size == 0 or a.shape[-2] == 0:
                return out
            fa = a.reshape((-1,) + a.shape[-2:])
            fb = b.reshape((-1,) + b.shape[-2:])
            lam = float(l2)
            rows = []
            for i in range(fa.shape[0]):
                if fast and lam:
                    # min |a x - b|^2 + lam |x|^2: least squares on [a; sqrt(lam) I].
                    aa = xp.concatenate([fa[i], xp.eye(n, dtype=dt) * dt(np.sqrt(lam))])
                    bb = xp.concatenate([fb[i], xp.zeros((n, k), dt)])
                    rows.append(xp.linalg.lstsq(aa, bb, rcond=None)[0])
                else:
                    rows.append(xp.linalg.lstsq(fa[i], fb[i], rcond=None)[0])
            return xp.stack(rows).astype(dt, copy=False).reshape(out.shape)
        return matrix_solve_ls


NotDifferentiable("MatrixSolveLs")


def _regularized_gramian_cholesky(matrix: Tensor, l2_regularizer: Any, first_kind: bool):
    gramian = matmul(matrix, matrix, adjoint_a=first_kind, adjoint_b=not first_kind)
    if isinstance(l2_regularizer, Tensor) or l2_regularizer != 0:
        s = shape(matrix)
        small = s[-1] if first_kind else s[-2]
        identity = eye(small, batch_shape=s[:-2], dtype=matrix.dtype)
        lam = l2_regularizer if not isinstance(l2_regularizer, Tensor) else cast(
            l2_regularizer, matrix.dtype)
        gramian = add(gramian, multiply(convert_to_tensor(lam, dtype=matrix.dtype)
                                        if not isinstance(lam, Tensor) else lam, identity))
    return cholesky(gramian)


def matrix_solve_ls(matrix: Any, rhs: Any, l2_regularizer: Any = 0.0, fast: bool = True,
                    name: Optional[str] = None) -> Tensor:
    """Solves `matrix @ x = rhs` in the least-squares sense, with optional L2
    regularization (`tf.matrix_solve_ls`, `tf.linalg.lstsq`).

    Args:
      matrix: A `[..., M, N]` float tensor.
      rhs: A `[..., M, K]` tensor of the same dtype.
      l2_regularizer: The regularization weight (used when `fast`).
      fast: True: TF1's normal-equations composition through the Cholesky factor of
        `matrix^H matrix + l2 I` (or `matrix matrix^H + l2 I` when M < N), differentiable;
        False: the op "MatrixSolveLs" (minimum-norm solution, robust to rank deficiency,
        no gradient; l2_regularizer ignored), as in TF1.
      name: Name scope (default "matrix_solve_ls").

    Returns:
      A `[..., N, K]` tensor.

    Raises:
      NotImplementedError: For complex128 with a non-zero regularizer (as TF1).
    """
    graph = graph_of([matrix, rhs])
    with graph.as_default():
        matrix = convert_to_tensor(matrix, name="matrix")
        if matrix.dtype == dtypes.complex128 and not isinstance(l2_regularizer, Tensor) and \
                l2_regularizer != 0:
            raise NotImplementedError("matrix_solve_ls is currently disabled for complex128 "
                                      "and l2_regularizer != 0 due to poor accuracy.")
        if fast:
            with name_scope(name, "matrix_solve_ls", [matrix, rhs, l2_regularizer]):
                rhs = convert_to_tensor(rhs, dtype=matrix.dtype, name="rhs")
                _, m, n = _matrix_dims("matrix_solve_ls", matrix)
                if m is None or n is None:
                    raise ValueError("matrix_solve_ls(fast=True) needs the matrix's inner "
                                     "dimensions statically known; pass fast=False")
                if m >= n:
                    chol = _regularized_gramian_cholesky(matrix, l2_regularizer, True)
                    return cholesky_solve(chol, matmul(matrix, rhs, adjoint_a=True))
                chol = _regularized_gramian_cholesky(matrix, l2_regularizer, False)
                return matmul(matrix, cholesky_solve(chol, rhs), adjoint_a=True)
        with graph.name_scope(name or "MatrixSolveLs") as scope:
            rhs = convert_to_tensor(rhs, dtype=matrix.dtype, name="rhs")
            l2 = convert_to_tensor(l2_regularizer, dtype=dtypes.float64, name="l2_regularizer")
            return graph.create_op("MatrixSolveLs", [matrix, rhs, l2], {"fast": bool(fast)},
                                   name=scope).outputs[0]


lstsq = matrix_solve_ls

# Top-level TF1 names; tf.linalg picks eigh, eigvalsh, lstsq, qr, sqrtm, svd by name.
__all__ = ["matrix_solve_ls", "matrix_square_root", "qr", "self_adjoint_eig",
           "self_adjoint_eigvals", "svd"]
