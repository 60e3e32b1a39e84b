"""More of `tf.linalg`: `expm`, `logm`, `pinv`, `matrix_rank`, `normalize`, the tridiagonal
helpers (`tridiagonal_matmul`, `tridiagonal_solve`, `eigh_tridiagonal`) and LU
(`lu`, `lu_solve`, `lu_reconstruct`, `lu_matrix_inverse`).

`pinv`, `matrix_rank`, `normalize` and the LU helpers are TF1's compositions of existing ops
(SVD, norms, gathers, triangular solves). `expm` is one op ("MatrixExponential", SciPy's
scaling-and-squaring Pade kernel) whose gradient is the adjoint Frechet derivative, read off
the exponential of the block matrix `[[A^H, G], [0, A^H]]` (TF1 composes Pade approximants
in the graph instead; the values agree to rounding). `logm` is TF1's "MatrixLogarithm"
(complex only, no gradient). The tridiagonal helpers work on the dense matrix (`O(M^3)`
solves, fine for the sizes graphs use them at).
"""
from __future__ import annotations

import collections
from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, graph_of, name_scope
from ..framework.registry import OpDef, register_op, spec
from ._helpers import COMPLEX, check_dtype
from .array_ops import (boolean_mask, concat, expand_dims, eye, matrix_diag, matrix_diag_part,
                        matrix_set_diag, matrix_transpose, one_hot, ones_like, pad, shape,
                        squeeze, zeros_like)
from .complex_ops import conj, real
from .linalg_decomp_ops import _FLOAT_TYPES, _matrix_dims, self_adjoint_eig, \
    self_adjoint_eigvals, svd
from .linalg_ops import matrix_band_part, matrix_solve, matrix_triangular_solve, norm
from .math_ops import (add, cast, greater, less_equal, logical_and, matmul, multiply, realdiv,
                       reduce_max, reduce_sum, select, subtract)
from .special_math_ops import _scipy_fn


def _per_matrix(be, f, dt):
    """Applies `f` (one matrix -> one matrix) to every matrix of a batch."""
    xp = be.xp

    def run(a):
        if a.size == 0:
            return xp.zeros(a.shape, dt)
        flat = a.reshape((-1,) + a.shape[-2:])
        out = [xp.asarray(f(flat[i])).astype(dt, copy=False) for i in range(flat.shape[0])]
        return xp.stack(out).reshape(a.shape)
    return run


# --- expm / logm -----------------------------------------------------------------------------
@register_op("MatrixExponential")
class MatrixExponential(OpDef):
    """The matrix exponential of square matrices (Pade approximation with scaling and
    squaring)."""

    def infer(self, input):  # noqa: A002
        check_dtype(input, _FLOAT_TYPES, "input")
        _matrix_dims("MatrixExponential", input, square=True)
        return spec(input.dtype, input.shape)

    def kernel(self, be, op, ctx):
        return _per_matrix(be, _scipy_fn(be, "expm", "linalg"),
                           op.inputs[0].dtype.as_numpy_dtype)

    def gradient(self, op, grad):
        # L(expm(A)): dL/dA = the adjoint Frechet derivative at A applied to G, which is the
        # upper-right block of expm([[A^H, G], [0, A^H]]).
        a = op.inputs[0]
        ah = matrix_transpose(a, conjugate=True)
        rank = a.shape.ndims
        n = a.shape.as_list()[-1] if rank is not None else None
        if rank is None or n is None:
            raise NotImplementedError(f"expm gradient needs a statically known matrix size "
                                      f"(op '{op.name}')")
        z = zeros_like(ah)
        big = concat([concat([ah, grad], -1), concat([z, ah], -1)], -2)
        return [expm(big)[..., :n, n:]]


def expm(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The matrix exponential of one square matrix or a batch (`tf.linalg.expm`).

    Args:
      input: A `[..., M, M]` float32/float64/complex tensor.
      name: Name scope (default "matrix_exponential").
    """
    graph = graph_of([input])
    with graph.as_default(), name_scope(name, "matrix_exponential", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return graph.create_op("MatrixExponential", [x], name=scope).outputs[0]


@register_op("MatrixLogarithm")
class MatrixLogarithm(OpDef):
    """The principal matrix logarithm of complex square matrices (no gradient, as TF1)."""

    def infer(self, input):  # noqa: A002
        check_dtype(input, COMPLEX, "input")
        _matrix_dims("MatrixLogarithm", input, square=True)
        return spec(input.dtype, input.shape)

    def kernel(self, be, op, ctx):
        logm_ = _scipy_fn(be, "logm", "linalg")
        return _per_matrix(be, lambda m: logm_(m), op.inputs[0].dtype.as_numpy_dtype)


def logm(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The principal logarithm of complex square matrices (`tf.linalg.logm`, op
    "MatrixLogarithm"; complex64/complex128 only, as TF1)."""
    graph = graph_of([input])
    with graph.as_default(), graph.name_scope(name or "MatrixLogarithm") as scope:
        x = convert_to_tensor(input, name="input")
        return graph.create_op("MatrixLogarithm", [x], name=scope).outputs[0]


# --- compositions over the SVD ---------------------------------------------------------------
def matrix_rank(a: Any, tol: Any = None, validate_args: bool = False,
                name: Optional[str] = None) -> Tensor:
    """The number of singular values above `tol` (`tf.linalg.matrix_rank`; default tol:
    `eps * max(M, N) * max(s)`), as an int32 tensor of the batch shape."""
    with name_scope(name, "matrix_rank", [a, tol]):
        a = convert_to_tensor(a, name="a")
        s = svd(a, compute_uv=False)
        if tol is None:
            dims = a.shape.as_list()[-2:] if a.shape.ndims is not None else [None, None]
            if None in dims:
                raise ValueError("matrix_rank: the matrix dimensions must be known when tol "
                                 "is not given")
            eps = np.finfo(a.dtype.real_dtype.as_numpy_dtype).eps
            tol = multiply(convert_to_tensor(eps * max(dims), dtype=s.dtype),
                           reduce_max(s, axis=-1, keepdims=True))
        else:
            tol = convert_to_tensor(tol, dtype=s.dtype, name="tol")
        return reduce_sum(cast(greater(s, tol), dtypes.int32), axis=-1)


def pinv(a: Any, rcond: Any = None, validate_args: bool = False,
         name: Optional[str] = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse through the SVD (`tf.linalg.pinv`): singular values
    below `rcond * max(s)` (default `10 * max(M, N) * eps`) count as zero."""
    with name_scope(name, "pinv", [a, rcond]):
        a = convert_to_tensor(a, name="a")
        dt = a.dtype.as_numpy_dtype
        if rcond is None:
            dims = a.shape.as_list()[-2:] if a.shape.ndims is not None else [None, None]
            if None in dims:
                raise ValueError("pinv: the matrix dimensions must be known when rcond is "
                                 "not given")
            rcond = 10.0 * max(dims) * np.finfo(dt).eps
        s, u, v = svd(a, full_matrices=False, compute_uv=True)
        rcond = convert_to_tensor(rcond, dtype=s.dtype, name="rcond")
        cutoff = multiply(rcond, reduce_max(s, axis=-1))
        # Small singular values become inf, so 1/s is 0 without NaN gradients.
        s = select(greater(s, expand_dims(cutoff, -1)), s,
                   multiply(convert_to_tensor(np.inf, dtype=s.dtype), zeros_like(s) + 1))
        return matmul(realdiv(v, cast(expand_dims(s, -2), a.dtype)), u, adjoint_b=True)


def normalize(tensor: Any, ord: Any = "euclidean", axis: Any = None,  # noqa: A002
              name: Optional[str] = None):
    """`(tensor / norm, norm)` with `tf.norm`'s `ord` and `axis` (`tf.linalg.normalize`)."""
    with name_scope(name, "normalize", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        n = cast(norm(tensor, ord, axis, keepdims=True), tensor.dtype)
        return realdiv(tensor, n), n


# --- tridiagonal -----------------------------------------------------------------------------
def _compact_parts(diagonals: Any, diagonals_format: str, what: str):
    """(superdiag, main, subdiag) `[..., M]` tensors of TF1's three diagonal formats; for the
    "matrix" format returns the matrix itself as the first element and None, None."""
    if diagonals_format == "compact":
        d = convert_to_tensor(diagonals, name="diagonals")
        if d.shape.ndims is not None and (d.shape.ndims < 2 or
                                          d.shape.as_list()[-2] not in (3, None)):
            raise ValueError(f"{what}: expected diagonals of shape [..., 3, M], got {d.shape}")
        return d[..., 0, :], d[..., 1, :], d[..., 2, :]
    if diagonals_format == "sequence":
        if not isinstance(diagonals, (list, tuple)) or len(diagonals) != 3:
            raise ValueError(f"{what}: expected a list of three diagonals (super, main, sub)")
        return tuple(convert_to_tensor(t, name="diagonals") for t in diagonals)
    if diagonals_format == "matrix":
        return convert_to_tensor(diagonals, name="diagonals"), None, None
    raise ValueError(f"{what}: unrecognized diagonals_format: {diagonals_format}")


def _dense_tridiagonal(sup: Tensor, main: Tensor, sub: Tensor) -> Tensor:
    """The `[..., M, M]` matrix with `sup[..., :-1]` above, `main` on and `sub[..., 1:]`
    below the diagonal."""
    rank = main.shape.ndims
    if rank is None:
        raise ValueError("tridiagonal: the diagonals' rank must be known")
    outer = [[0, 0]] * (rank - 1)
    upper = pad(matrix_diag(sup[..., :-1]), outer + [[0, 1], [1, 0]])
    lower = pad(matrix_diag(sub[..., 1:]), outer + [[1, 0], [0, 1]])
    return add(add(matrix_diag(main), upper), lower)


def tridiagonal_matmul(diagonals: Any, rhs: Any, diagonals_format: str = "compact",
                       name: Optional[str] = None) -> Tensor:
    """`T @ rhs` for a tridiagonal T given by its diagonals (`tf.linalg.tridiagonal_matmul`;
    formats "compact" `[..., 3, M]` (super, main, sub), "sequence" or "matrix")."""
    with name_scope(name, "tridiagonal_matmul", [rhs]):
        sup, main, sub = _compact_parts(diagonals, diagonals_format, "tridiagonal_matmul")
        rhs = convert_to_tensor(rhs, name="rhs")
        if main is None:
            t = matrix_band_part(sup, 1, 1)
        else:
            t = _dense_tridiagonal(sup, main, sub)
        return matmul(t, rhs)


def tridiagonal_solve(diagonals: Any, rhs: Any, diagonals_format: str = "compact",
                      transpose_rhs: bool = False, conjugate_rhs: bool = False,
                      name: Optional[str] = None, partial_pivoting: bool = True,
                      perturb_singular: bool = False) -> Tensor:
    """Solves `T x = rhs` for a tridiagonal T (`tf.linalg.tridiagonal_solve`): the dense
    matrix is built and solved with partial pivoting (`MatrixSolve`), so it is
    differentiable. `rhs` is `[..., M, K]` or `[..., M]` (`[..., K, M]` with
    `transpose_rhs`).

    Raises:
      NotImplementedError: For `perturb_singular=True`.
    """
    if perturb_singular:
        raise NotImplementedError("tridiagonal_solve(perturb_singular=True) is not offered; "
                                  "regularize the diagonal yourself")
    with name_scope(name, "tridiagonal_solve", [rhs]):
        sup, main, sub = _compact_parts(diagonals, diagonals_format, "tridiagonal_solve")
        t = matrix_band_part(sup, 1, 1) if main is None else _dense_tridiagonal(sup, main, sub)
        rhs = convert_to_tensor(rhs, name="rhs")
        if transpose_rhs:
            rhs = matrix_transpose(rhs)
        if conjugate_rhs:
            rhs = conj(rhs)
        vector = rhs.shape.ndims is not None and t.shape.ndims is not None and \
            rhs.shape.ndims == t.shape.ndims - 1
        if vector:
            rhs = expand_dims(rhs, -1)
        x = matrix_solve(t, rhs)
        return squeeze(x, [-1]) if vector else x


def eigh_tridiagonal(alpha: Any, beta: Any, eigvals_only: bool = True, select: str = "a",
                     select_range: Any = None, tol: Any = None, name: Optional[str] = None):
    """Eigenvalues (and eigenvectors) of the Hermitian tridiagonal matrix with diagonal
    `alpha` `[n]` and off-diagonal `beta` `[n - 1]` (`tf.linalg.eigh_tridiagonal`).

    Args:
      alpha, beta: The diagonals (`beta` may be complex).
      eigvals_only: Return only the eigenvalues.
      select: "a" (all), "i" (indices `select_range = [lo, hi]`, inclusive) or "v" (values in
        `(lo, hi]`; eigenvalues only).
      select_range, tol: As TF1 (`tol` is accepted and ignored: LAPACK's accuracy is used).
      name: Name scope.
    """
    with name_scope(name, "eigh_tridiagonal", [alpha, beta]):
        alpha = convert_to_tensor(alpha, name="alpha")
        beta = convert_to_tensor(beta, name="beta")
        if alpha.shape.ndims != 1 or beta.shape.ndims != 1:
            raise ValueError("eigh_tridiagonal: alpha and beta must be vectors")
        dt = beta.dtype if beta.dtype.is_complex else alpha.dtype
        a = cast(alpha, dt)
        # Hermitian: beta above the diagonal, conj(beta) below.
        zero = zeros_like(beta[:1])
        t = _dense_tridiagonal(concat([beta, zero], 0), a, concat([zero, conj(beta)], 0))
        if eigvals_only:
            e = self_adjoint_eigvals(t)
            v = None
        else:
            e, v = self_adjoint_eig(t)
        if e.dtype.is_complex:
            e = real(e)
        if select == "a":
            pass
        elif select == "i":
            lo, hi = int(select_range[0]), int(select_range[1])
            e = e[lo:hi + 1]
            if v is not None:
                v = v[:, lo:hi + 1]
        elif select == "v":
            if not eigvals_only:
                raise NotImplementedError("eigh_tridiagonal(select='v') returns eigenvalues "
                                          "only here; use select='i' for eigenvectors")
            lo, hi = (convert_to_tensor(r, dtype=e.dtype) for r in select_range)
            e = boolean_mask(e, logical_and(greater(e, lo), less_equal(e, hi)))
        else:
            raise ValueError(f"eigh_tridiagonal: select must be 'a', 'i' or 'v', got {select!r}")
        return e if eigvals_only else (e, v)


# --- LU --------------------------------------------------------------------------------------
LuOutput = collections.namedtuple("Lu", ["lu", "p"])


@register_op("Lu")
class Lu(OpDef):
    """LU decomposition with partial pivoting: `a[..., p, :] = L U`, L unit lower and U upper
    triangular, packed into one matrix; `p` the row permutation."""

    def infer(self, input, *, output_idx_type=dtypes.int32):  # noqa: A002
        check_dtype(input, _FLOAT_TYPES, "input")
        batch, m, n = _matrix_dims("Lu", input, square=True)
        idx = dtypes.as_dtype(output_idx_type)
        if batch is None:
            return [spec(input.dtype, input.shape), spec(idx, None)]
        return [spec(input.dtype, input.shape), spec(idx, batch + [m])]

    def kernel(self, be, op, ctx):
        xp = be.xp
        lu_factor = _scipy_fn(be, "lu_factor", "linalg")
        dt = op.inputs[0].dtype.as_numpy_dtype
        it = op.outputs[1].dtype.as_numpy_dtype

        def lu(a):
            n = a.shape[-1]
            flat = a.reshape((-1, n, n))
            lus, perms = [], []
            for i in range(flat.shape[0]):
                packed, piv = lu_factor(flat[i])
                piv = be.to_host(piv) if not isinstance(piv, np.ndarray) else piv
                perm = np.arange(n)
                for r, s in enumerate(np.asarray(piv).tolist()):  # LAPACK's row swaps
                    perm[r], perm[s] = perm[s], perm[r]
                lus.append(packed.astype(dt, copy=False))
                perms.append(perm)
            if not lus:
                return xp.zeros(a.shape, dt), xp.zeros(a.shape[:-1], it)
            p = be.asarray(np.stack(perms).astype(it).reshape(a.shape[:-1]))
            return xp.stack(lus).reshape(a.shape), p
        return lu

    def gradient(self, op, grad_lu, grad_p):
        # TF1's formula: a[p] = L U, so d(a[p]) = L^-H (tril(L^H dL, -1) + triu(dU U^H)) U^-H,
        # where dL/dU are the strictly-lower/upper parts of the packed gradient.
        lower, upper = _unpack_lu(op.outputs[0])
        l_grad = _strictly_lower(grad_lu)
        u_grad = matrix_band_part(grad_lu, 0, -1)
        middle = add(_strictly_lower(matmul(lower, l_grad, adjoint_a=True)),
                     matrix_band_part(matmul(u_grad, upper, adjoint_b=True), 0, -1))
        x = matrix_triangular_solve(lower, middle, lower=True, adjoint=True)
        x = _adjoint(matrix_triangular_solve(upper, _adjoint(x), lower=False, adjoint=False))
        return [_permute_rows(x, op.outputs[1], inverse=True)]


def _adjoint(x: Tensor) -> Tensor:
    return matrix_transpose(x, conjugate=True)


def _strictly_lower(x: Tensor) -> Tensor:
    return subtract(matrix_band_part(x, -1, 0), matrix_band_part(x, 0, 0))


def _unpack_lu(lower_upper: Tensor):
    """(L with its unit diagonal, U) of a packed LU matrix."""
    lower = matrix_set_diag(matrix_band_part(lower_upper, -1, 0),
                            ones_like(matrix_diag_part(lower_upper)))
    return lower, matrix_band_part(lower_upper, 0, -1)


def _permute_rows(x: Tensor, perm: Tensor, inverse: bool = False) -> Tensor:
    """`x[..., perm, :]` (or the inverse permutation's rows), batched, as a product with
    the one-hot permutation matrix (differentiable in x)."""
    n = x.shape.as_list()[-2] if x.shape.ndims is not None else None
    depth = n if n is not None else shape(x)[-2]
    p = one_hot(perm, depth, dtype=x.dtype)
    return matmul(p, x, transpose_a=inverse)


def lu(input: Any, output_idx_type: Any = dtypes.int32,  # noqa: A002
       name: Optional[str] = None) -> LuOutput:
    """The LU decomposition with partial pivoting of square matrices (`tf.linalg.lu`, op
    "Lu"): returns `(lu, p)` with L (unit diagonal, below) and U (on and above) packed in
    `lu`, and `input[..., p, :] == L @ U`."""
    graph = graph_of([input])
    with graph.as_default(), graph.name_scope(name or "Lu") as scope:
        x = convert_to_tensor(input, name="input")
        op = graph.create_op("Lu", [x], {"output_idx_type": dtypes.as_dtype(output_idx_type)},
                             name=scope)
        return LuOutput(*op.outputs)


def lu_reconstruct(lower_upper: Any, perm: Any, validate_args: bool = False,
                   name: Optional[str] = None) -> Tensor:
    """The matrix `a` of an `lu(a)` result (`tf.linalg.lu_reconstruct`)."""
    with name_scope(name, "lu_reconstruct", [lower_upper, perm]):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        perm = convert_to_tensor(perm, name="perm")
        lower, upper = _unpack_lu(lower_upper)
        return _permute_rows(matmul(lower, upper), perm, inverse=True)


def lu_solve(lower_upper: Any, perm: Any, rhs: Any, validate_args: bool = False,
             name: Optional[str] = None) -> Tensor:
    """Solves `a x = rhs` from `lu(a)` (`tf.linalg.lu_solve`)."""
    with name_scope(name, "lu_solve", [lower_upper, perm, rhs]):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        perm = convert_to_tensor(perm, name="perm")
        rhs = convert_to_tensor(rhs, name="rhs", dtype=lower_upper.dtype)
        lower, upper = _unpack_lu(lower_upper)
        permuted = _permute_rows(rhs, perm)
        y = matrix_triangular_solve(lower, permuted, lower=True)
        return matrix_triangular_solve(upper, y, lower=False)


def lu_matrix_inverse(lower_upper: Any, perm: Any, validate_args: bool = False,
                      name: Optional[str] = None) -> Tensor:
    """The inverse of `a` from `lu(a)` (`tf.linalg.lu_matrix_inverse`)."""
    with name_scope(name, "lu_matrix_inverse", [lower_upper, perm]):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        s = shape(lower_upper)
        ident = eye(s[-1], batch_shape=s[:-2], dtype=lower_upper.dtype)
        return lu_solve(lower_upper, perm, ident)
