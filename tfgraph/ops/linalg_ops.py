"""Linear algebra: `tf.einsum`, the diagonal/band ops (`tf.linalg.diag`, `diag_part`,
`set_diag`, `band_part`, `tf.diag`, `tf.trace`), determinants, inverses, solves, Cholesky,
`tf.linalg.cross`, and the `tf.norm` family.

Kernels use `be.xp.linalg` (NumPy's or CuPy's LAPACK/cuSOLVER wrappers), batched over the
leading dimensions; gradients are TF1's (`linalg_grad.py`), built from these same ops so
gradients of gradients work.
"""
from __future__ import annotations

import string as _string
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.ops import convert_to_tensor, graph_of, name_scope
from ..framework.graph import Tensor
from ..framework.registry import OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ._helpers import COMPLEX, FLOATS, NUMERIC, check_dtype
from . import array_ops, math_ops
from ..framework.ops import gen_op as _gen_op, gen_tensor as _gen
from .array_ops import (expand_dims, matrix_diag_part, matrix_set_diag, reshape,
                        shape)

_LINALG_TYPES = FLOATS - {dtypes.float16} | COMPLEX


def _adjoint(x: Tensor) -> Tensor:
    return array_ops.matrix_transpose(x, conjugate=x.dtype.is_complex)


def _square_spec(op: str, a: Tensor, dims_out=None):
    check_dtype(a, _LINALG_TYPES, "input")
    s = a.shape
    if s.ndims is not None:
        if s.ndims < 2:
            raise ValueError(f"{op}: input must be at least rank 2, got shape {s}")
        r, c = s.as_list()[-2:]
        if r is not None and c is not None and r != c:
            raise ValueError(f"{op}: input must be a square matrix, got shape {s}")
    return s


# --- determinants, inverse, solves, Cholesky ----------------------------------------------------
@register_op("MatrixDeterminant")
class MatrixDeterminant(OpDef):
    """The determinant of each innermost square matrix."""

    def infer(self, a):
        s = _square_spec("MatrixDeterminant", a)
        return spec(a.dtype, None if s.ndims is None else s.as_list()[:-2])

    def compute(self, be, a):
        return be.xp.linalg.det(a).astype(a.dtype)

    def gradient(self, op, grad):
        a, det = op.inputs[0], op.outputs[0]
        factor = expand_dims(expand_dims(math_ops.multiply(grad, det), -1), -1)
        return [math_ops.multiply(factor, _adjoint(matrix_inverse(a)))]


@register_op("LogMatrixDeterminant")
class LogMatrixDeterminant(OpDef):
    """(sign, log|det|) of each innermost square matrix."""

    def infer(self, a):
        s = _square_spec("LogMatrixDeterminant", a)
        out = None if s.ndims is None else s.as_list()[:-2]
        return [spec(a.dtype, out), spec(a.dtype, out)]

    def compute(self, be, a):
        sign, logdet = be.xp.linalg.slogdet(a)
        return sign.astype(a.dtype), logdet.astype(a.dtype)

    def gradient(self, op, grad_sign, grad_logdet):
        a = op.inputs[0]
        if grad_logdet is None:
            return [None]
        factor = expand_dims(expand_dims(grad_logdet, -1), -1)
        return [math_ops.multiply(factor, _adjoint(matrix_inverse(a)))]


@register_op("MatrixInverse")
class MatrixInverse(OpDef):
    """The inverse (or adjoint's inverse) of each innermost square matrix."""

    def infer(self, a, *, adjoint=False):
        return spec(a.dtype, _square_spec("MatrixInverse", a))

    def compute(self, be, a, *, adjoint=False):
        xp = be.xp
        if adjoint:
            a = xp.conj(xp.swapaxes(a, -1, -2))
        try:
            return xp.linalg.inv(a).astype(a.dtype)
        except np.linalg.LinAlgError:
            raise ValueError("Input is not invertible.") from None

    def gradient(self, op, grad):
        ainv = op.outputs[0]
        adj = op.attrs.get("adjoint", False)
        g = math_ops.negative(math_ops.matmul(ainv, math_ops.matmul(grad, ainv, adjoint_b=True),
                                              adjoint_a=True))
        return [_adjoint(g) if adj else g]


@register_op("MatrixSolve")
class MatrixSolve(OpDef):
    """Solves `a @ x = b` (or `adjoint(a) @ x = b`) for each innermost matrix."""

    def infer(self, a, b, *, adjoint=False):
        s = _square_spec("MatrixSolve", a)
        if a.dtype != b.dtype:
            raise TypeError(f"MatrixSolve: matrix and rhs must have the same dtype, got "
                            f"{a.dtype.name} and {b.dtype.name}")
        bs = b.shape
        if bs.ndims is not None and s.ndims is not None:
            if bs.ndims != s.ndims:
                raise ValueError(f"MatrixSolve: matrix {s} and rhs {bs} must have the same rank")
            if not TensorShape(s.as_list()[-1:]).is_compatible_with(bs.as_list()[-2:-1]):
                raise ValueError(f"MatrixSolve: matrix {s} and rhs {bs} do not match")
        return spec(a.dtype, bs)

    def compute(self, be, a, b, *, adjoint=False):
        xp = be.xp
        if adjoint:
            a = xp.conj(xp.swapaxes(a, -1, -2))
        try:
            return xp.linalg.solve(a, b).astype(b.dtype)
        except np.linalg.LinAlgError:
            raise ValueError("Input matrix is not invertible.") from None

    def gradient(self, op, grad):
        a, c = op.inputs[0], op.outputs[0]
        adj = op.attrs.get("adjoint", False)
        grad_b = matrix_solve(a, grad, adjoint=not adj)
        if adj:
            grad_a = math_ops.negative(math_ops.matmul(c, grad_b, adjoint_b=True))
        else:
            grad_a = math_ops.negative(math_ops.matmul(grad_b, c, adjoint_b=True))
        return [grad_a, grad_b]


@register_op("MatrixTriangularSolve")
class MatrixTriangularSolve(OpDef):
    """Solves `a @ x = b` with `a` lower (or upper) triangular; the other triangle is ignored."""

    def infer(self, a, b, *, lower=True, adjoint=False):
        return MatrixSolve.infer(self, a, b)

    def compute(self, be, a, b, *, lower=True, adjoint=False):
        xp = be.xp
        a = xp.tril(a) if lower else xp.triu(a)
        if adjoint:
            a = xp.conj(xp.swapaxes(a, -1, -2))
        try:
            return xp.linalg.solve(a, b).astype(b.dtype)
        except np.linalg.LinAlgError:
            raise ValueError("Input matrix is not invertible.") from None

    def gradient(self, op, grad):
        a, c = op.inputs[0], op.outputs[0]
        lower, adj = op.attrs.get("lower", True), op.attrs.get("adjoint", False)
        grad_b = matrix_triangular_solve(a, grad, lower=lower, adjoint=not adj)
        if adj:
            grad_a = math_ops.negative(math_ops.matmul(c, grad_b, adjoint_b=True))
        else:
            grad_a = math_ops.negative(math_ops.matmul(grad_b, c, adjoint_b=True))
        grad_a = matrix_band_part(grad_a, -1, 0) if lower else matrix_band_part(grad_a, 0, -1)
        return [grad_a, grad_b]


@register_op("Cholesky")
class Cholesky(OpDef):
    """The lower Cholesky factor `l` (`l @ l^H = a`) of each innermost matrix."""

    def infer(self, a):
        return spec(a.dtype, _square_spec("Cholesky", a))

    def compute(self, be, a):
        try:
            return be.xp.linalg.cholesky(a).astype(a.dtype)
        except np.linalg.LinAlgError:
            raise ValueError("Cholesky decomposition was not successful. The input might not "
                             "be valid.") from None

    def gradient(self, op, grad):
        # TF1's formula (Murray 2016): Phi(L^H G) sandwiched by L^-1, symmetrized.
        l = op.outputs[0]
        n = shape(l)[-1]
        eye = array_ops.eye(n, batch_shape=shape(l)[:-2], dtype=l.dtype)
        l_inverse = matrix_triangular_solve(l, eye, lower=True)
        middle = math_ops.matmul(l, grad, adjoint_a=True)
        middle = matrix_set_diag(middle, math_ops.multiply(matrix_diag_part(middle), 0.5))
        middle = matrix_band_part(middle, -1, 0)
        grad_a = math_ops.matmul(math_ops.matmul(l_inverse, middle, adjoint_a=True), l_inverse)
        grad_a = math_ops.add(grad_a, _adjoint(grad_a))
        return [math_ops.multiply(grad_a, 0.5)]


# --- diagonals and bands ------------------------------------------------------------------------
@register_op("MatrixBandPart")
class MatrixBandPart(OpDef):
    """Keeps `num_lower` subdiagonals and `num_upper` superdiagonals (-1: all) of each
    innermost matrix; zeroes the rest (read in host memory)."""

    host_inputs = (1, 2)

    def infer(self, x, num_lower, num_upper):
        if x.shape.ndims is not None and x.shape.ndims < 2:
            raise ValueError(f"MatrixBandPart: input must be at least rank 2, got {x.shape}")
        return spec(x.dtype, x.shape)

    def compute(self, be, x, num_lower, num_upper):
        xp = be.xp
        m, n = x.shape[-2:]
        lo, up = int(np.asarray(num_lower)), int(np.asarray(num_upper))
        i = np.arange(m)[:, None]
        j = np.arange(n)[None, :]
        keep = np.ones((m, n), bool)
        if lo >= 0:
            keep &= (i - j) <= lo
        if up >= 0:
            keep &= (j - i) <= up
        mask = be.asarray(keep) if not be.is_host else keep
        return xp.where(mask, x, xp.zeros((), x.dtype))

    def gradient(self, op, grad):
        return [matrix_band_part(grad, op.inputs[1], op.inputs[2]), None, None]


@register_op("Diag")
class Diag(OpDef):
    """`tf.diag`: a rank-2k tensor with `diagonal` (rank k) on its diagonal."""

    def infer(self, diagonal):
        s = diagonal.shape
        if s.ndims == 0:
            raise ValueError("Diag: input must be at least rank 1")
        return spec(diagonal.dtype, None if s.ndims is None else s.as_list() * 2)

    def compute(self, be, d):
        xp = be.xp
        n = d.size
        out = xp.zeros((n, n), d.dtype)
        idx = np.arange(n)
        out[idx, idx] = d.reshape(-1)
        return out.reshape(d.shape * 2)

    def gradient(self, op, grad):
        return [diag_part(grad)]


@register_op("DiagPart")
class DiagPart(OpDef):
    """`tf.diag_part`: the diagonal of a rank-2k tensor of shape `s + s`."""

    def infer(self, x):
        s = x.shape
        if s.ndims is None:
            return spec(x.dtype, None)
        if s.ndims == 0 or s.ndims % 2:
            raise ValueError(f"DiagPart: input must have an even rank, got shape {s}")
        k = s.ndims // 2
        a, b = TensorShape(s.as_list()[:k]), TensorShape(s.as_list()[k:])
        if not a.is_compatible_with(b):
            raise ValueError(f"DiagPart: input must have shape s + s, got {s}")
        return spec(x.dtype, a.merge_with(b))

    def compute(self, be, x):
        k = x.ndim // 2
        n = int(np.prod(x.shape[:k], dtype=np.int64))
        idx = np.arange(n)
        return x.reshape(n, n)[idx, idx].reshape(x.shape[:k])

    def gradient(self, op, grad):
        return [diag(grad)]


@register_op("Cross")
class Cross(OpDef):
    """The cross product of 3-vectors along the last axis."""

    def infer(self, a, b):
        check_dtype(a, NUMERIC - COMPLEX, "a")
        if a.dtype != b.dtype:
            raise TypeError(f"Cross: dtypes differ: {a.dtype.name} vs {b.dtype.name}")
        if not a.shape.is_compatible_with(b.shape):
            raise ValueError(f"Cross: shapes must be equal, got {a.shape} and {b.shape}")
        s = a.shape.merge_with(b.shape)
        if s.ndims is not None and s.as_list()[-1] not in (None, 3):
            raise ValueError(f"Cross: the last dimension must be 3, got shape {s}")
        return spec(a.dtype, s)

    def compute(self, be, a, b):
        return be.xp.cross(a, b).astype(a.dtype)

    def gradient(self, op, grad):
        a, b = op.inputs
        return [cross(b, grad), cross(grad, a)]


# --- einsum -------------------------------------------------------------------------------------
def _parse_einsum(equation: str, n: int) -> Tuple[List[str], str]:
    eq = equation.replace(" ", "")
    if "." in eq:
        raise ValueError(f"einsum: ellipses ('...') are not supported, got {equation!r}")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs = eq
        letters = lhs.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    ins = lhs.split(",")
    if len(ins) != n:
        raise ValueError(f"einsum: equation {equation!r} names {len(ins)} operands, got {n}")
    for sub in ins + [out]:
        if any(c not in _string.ascii_letters for c in sub):
            raise ValueError(f"einsum: invalid subscripts in {equation!r}")
    for c in out:
        if not any(c in s for s in ins):
            raise ValueError(f"einsum: output subscript {c!r} appears in no input of "
                             f"{equation!r}")
    return ins, out


@register_op("Einsum")
class Einsum(OpDef):
    """Einstein summation of one or two operands (explicit or implicit output)."""

    def infer(self, *inputs, equation):
        ins, out = _parse_einsum(equation, len(inputs))
        if len(inputs) > 2:
            raise ValueError("einsum: at most two operands are supported")
        sizes = {}
        for t, sub in zip(inputs, ins):
            if inputs[0].dtype != t.dtype:
                raise TypeError(f"einsum: operands must share a dtype, got "
                                f"{inputs[0].dtype.name} and {t.dtype.name}")
            if t.shape.ndims is None:
                continue
            if t.shape.ndims != len(sub):
                raise ValueError(f"einsum: operand {sub!r} of {equation!r} has rank "
                                 f"{t.shape.ndims}")
            for c, d in zip(sub, t.shape.as_list()):
                if d is None:
                    continue
                if sizes.get(c, d) != d and sizes.get(c) != 1 and d != 1:
                    raise ValueError(f"einsum: dimension {c!r} of {equation!r} is "
                                     f"{sizes[c]} and {d}")
                sizes[c] = max(sizes.get(c, d), d)
        check_dtype(inputs[0], NUMERIC, "inputs")
        return spec(inputs[0].dtype, [sizes.get(c) for c in out])

    def compute(self, be, *arrays, equation):
        ins, out = _parse_einsum(equation, len(arrays))
        return be.xp.einsum(",".join(ins) + "->" + out, *arrays).astype(arrays[0].dtype)

    def gradient(self, op, grad):
        equation = op.attrs["equation"]
        ins, out = _parse_einsum(equation, len(op.inputs))
        grads = []
        for i, (x, sub) in enumerate(zip(op.inputs, ins)):
            if len(set(sub)) != len(sub):
                raise LookupError(f"Gradient of Einsum '{op.name}': repeated subscripts in an "
                                  f"operand ({sub!r}) are not supported")
            others = [(t, s) for j, (t, s) in enumerate(zip(op.inputs, ins)) if j != i]
            avail = set(out).union(*[set(s) for _, s in others])
            kept = "".join(c for c in sub if c in avail)
            g = einsum(",".join([out] + [s for _, s in others]) + "->" + kept,
                       grad, *[t for t, _ in others])
            if kept != sub:  # labels summed away in this operand only: broadcast back
                for pos, c in enumerate(sub):
                    if c not in avail:
                        g = expand_dims(g, pos)
                g = math_ops.multiply(g, array_ops.ones_like(x))
            grads.append(g)
        return grads


def einsum(equation: str, *inputs: Any, **kwargs) -> Tensor:
    """Einstein summation (`tf.einsum`, op "Einsum"): e.g. `"ij,jk->ik"` (matmul),
    `"bij,bjk->bik"`, `"ij->ji"`, `"ii->i"`, implicit `"ij,jk"`.

    Args:
      equation: The subscripts; one or two operands, letters only (no `...`).
      *inputs: The operands.
      name: Op name (default "einsum").

    Raises:
      ValueError: For a malformed equation or mismatched dimensions.
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(kwargs)}")
    graph = graph_of(list(inputs))
    with graph.as_default(), graph.name_scope(name or "einsum") as scope:
        ts = [convert_to_tensor(x, name=f"inputs_{i}") for i, x in enumerate(inputs)]
        return graph.create_op("Einsum", ts, {"equation": str(equation).replace(" ", "")},
                               name=scope).outputs[0]


# --- builders -----------------------------------------------------------------------------------
def _one(op_type: str, x: Any, name: Optional[str], arg: str = "input",
         attrs: Optional[dict] = None) -> Tensor:
    return _gen(op_type, name, [(arg, x, None, None)], attrs)


def matrix_determinant(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The determinant of each innermost square matrix (`tf.linalg.det`)."""
    return _one("MatrixDeterminant", input, name)


def log_matrix_determinant(input: Any, name: Optional[str] = None):  # noqa: A002
    """`(sign, log_abs_determinant)` of each innermost square matrix (`tf.linalg.slogdet`)."""
    op = _gen_op("LogMatrixDeterminant", name, [("input", input, None, None)])
    return op.outputs[0], op.outputs[1]


def logdet(matrix: Any, name: Optional[str] = None) -> Tensor:
    """The log-determinant of Hermitian positive definite matrices (`tf.linalg.logdet`):
    `2 * sum(log(diag(cholesky(matrix))))`."""
    with name_scope(name, "logdet", [matrix]):
        chol = cholesky(matrix)
        return math_ops.multiply(2.0, math_ops.reduce_sum(
            math_ops.log(matrix_diag_part(chol)), axis=[-1]))


def matrix_inverse(input: Any, adjoint: bool = False,  # noqa: A002
                   name: Optional[str] = None) -> Tensor:
    """The inverse of each innermost square matrix (`tf.linalg.inv`)."""
    return _one("MatrixInverse", input, name, attrs={"adjoint": bool(adjoint)})


def matrix_solve(matrix: Any, rhs: Any, adjoint: bool = False,
                 name: Optional[str] = None) -> Tensor:
    """Solves `matrix @ x = rhs` (`tf.linalg.solve`)."""
    return _gen("MatrixSolve", name, [("matrix", matrix, None, None), ("rhs", rhs, None, None)],
                {"adjoint": bool(adjoint)})


def matrix_triangular_solve(matrix: Any, rhs: Any, lower: bool = True, adjoint: bool = False,
                            name: Optional[str] = None) -> Tensor:
    """Solves `matrix @ x = rhs` for triangular `matrix` (`tf.linalg.triangular_solve`)."""
    return _gen("MatrixTriangularSolve", name,
                [("matrix", matrix, None, None), ("rhs", rhs, None, None)],
                {"lower": bool(lower), "adjoint": bool(adjoint)})


def cholesky(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """The lower Cholesky factor of each innermost matrix (`tf.linalg.cholesky`)."""
    return _one("Cholesky", input, name)


def cholesky_solve(chol: Any, rhs: Any, name: Optional[str] = None) -> Tensor:
    """Solves `A x = rhs` given `chol = cholesky(A)` (`tf.linalg.cholesky_solve`)."""
    with name_scope(name, "cholesky_solve", [chol, rhs]):
        y = matrix_triangular_solve(chol, rhs, adjoint=False, lower=True)
        return matrix_triangular_solve(chol, y, adjoint=True, lower=True)


def matrix_band_part(input: Any, num_lower: Any, num_upper: Any,  # noqa: A002
                     name: Optional[str] = None) -> Tensor:
    """Keeps a band of each innermost matrix (`tf.linalg.band_part`); -1 keeps a whole
    triangle: `band_part(x, -1, 0)` is the lower triangle."""
    return _gen("MatrixBandPart", name, [("input", input, None, None),
                                         ("num_lower", num_lower, None, dtypes.int64),
                                         ("num_upper", num_upper, None, dtypes.int64)])


def diag(diagonal: Any, name: Optional[str] = None) -> Tensor:
    """`tf.diag`: a rank-2k tensor with `diagonal` on its diagonal (`[a, b] -> [[a, 0], [0, b]]`)."""
    return _one("Diag", diagonal, name, arg="diagonal")


def diag_part(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """`tf.diag_part`: the diagonal of a tensor of shape `s + s`."""
    return _one("DiagPart", input, name)


def trace(x: Any, name: Optional[str] = None) -> Tensor:
    """The sum of the main diagonal of each innermost matrix (`tf.trace`)."""
    with name_scope(name, "Trace", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return math_ops.reduce_sum(matrix_diag_part(x), [-1], name=scope)


def cross(a: Any, b: Any, name: Optional[str] = None) -> Tensor:
    """The cross product of 3-vectors along the last axis (`tf.linalg.cross`)."""
    return _gen("Cross", name, [("a", a, None, None), ("b", b, None, None)])


def adjoint(matrix: Any, name: str = "adjoint") -> Tensor:
    """The conjugate transpose of each innermost matrix (`tf.linalg.adjoint`)."""
    with name_scope(name, "adjoint", [matrix]):
        matrix = convert_to_tensor(matrix, name="matrix")
        return array_ops.matrix_transpose(matrix, conjugate=True)


def matvec(a: Any, b: Any, transpose_a: bool = False, adjoint_a: bool = False,
           a_is_sparse: bool = False, b_is_sparse: bool = False,
           name: Optional[str] = None) -> Tensor:
    """Matrix-vector product `a @ b` for a batch of vectors `b` (`tf.linalg.matvec`)."""
    with name_scope(name, "MatVec", [a, b]):
        b = convert_to_tensor(b, name="b")
        out = math_ops.matmul(a, expand_dims(b, -1), transpose_a=transpose_a,
                              adjoint_a=adjoint_a)
        return array_ops.squeeze(out, axis=-1)


def norm(tensor: Any, ord: Any = "euclidean", axis: Any = None,  # noqa: A002
         keepdims: Optional[bool] = None, name: Optional[str] = None,
         keep_dims: Optional[bool] = None) -> Tensor:
    """Vector and matrix norms (`tf.norm`): `ord` is "euclidean"/2, 1, np.inf, any p > 0 for
    vectors, or "fro"/"euclidean", 1, np.inf for matrices (`axis` a pair).

    Raises:
      ValueError: For an unsupported `ord`/`axis` combination (as TF1).
    """
    keepdims = bool(keepdims if keepdims is not None else keep_dims)
    is_matrix = isinstance(axis, (list, tuple)) and len(axis) == 2
    if isinstance(axis, (list, tuple)) and len(axis) not in (1, 2):
        raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, "
                         f"got {axis}")
    if is_matrix:
        if ord not in ("fro", "euclidean", 1, 2, np.inf):
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, "
                             f"2, inf], got {ord}")
    elif not (ord in ("euclidean", "fro") or (isinstance(ord, (int, float)) and ord > 0)):
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    if is_matrix and ord == 2:
        raise ValueError("tf.norm: the spectral matrix norm (ord=2) needs an SVD, which "
                         "tfgraph does not offer; use ord='fro'")
    with name_scope(name, "norm", [tensor]):
        x = convert_to_tensor(tensor, name="tensor")
        ax = axis if axis is None or isinstance(axis, (list, tuple)) else [axis]
        if ord in ("euclidean", "fro") or (not is_matrix and ord == 2):
            out = math_ops.sqrt(math_ops.reduce_sum(math_ops.square(x), ax, keepdims=True))
        elif is_matrix:
            rows, cols = axis
            a = math_ops.abs(x)
            if ord == 1:  # max column sum
                out = math_ops.reduce_max(math_ops.reduce_sum(a, [rows], keepdims=True), [cols],
                                          keepdims=True)
            else:  # inf: max row sum
                out = math_ops.reduce_max(math_ops.reduce_sum(a, [cols], keepdims=True), [rows],
                                          keepdims=True)
        elif ord == np.inf:
            out = math_ops.reduce_max(math_ops.abs(x), ax, keepdims=True)
        elif ord == 1:
            out = math_ops.reduce_sum(math_ops.abs(x), ax, keepdims=True)
        else:
            p = float(ord)
            out = math_ops.pow(math_ops.reduce_sum(math_ops.pow(math_ops.abs(x), p), ax,
                                                   keepdims=True), 1.0 / p)
        if not keepdims:
            out = array_ops.squeeze(out, ax) if ax is not None else reshape(out, [])
        return out


def reduce_euclidean_norm(input_tensor: Any, axis: Any = None, keepdims: Optional[bool] = None,
                          name: Optional[str] = None) -> Tensor:
    """`tf.math.reduce_euclidean_norm`: `sqrt(sum(x**2))` over `axis`."""
    with name_scope(name, "reduce_euclidean_norm", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        return math_ops.sqrt(math_ops.reduce_sum(math_ops.square(x), axis,
                                                 keepdims=bool(keepdims)))


def reduce_variance(input_tensor: Any, axis: Any = None, keepdims: Optional[bool] = None,
                    name: Optional[str] = None) -> Tensor:
    """`tf.math.reduce_variance`: the (biased) variance over `axis`."""
    with name_scope(name, "reduce_variance", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        mean = math_ops.reduce_mean(x, axis, keepdims=True)
        return math_ops.reduce_mean(math_ops.square(math_ops.subtract(x, mean)), axis,
                                    keepdims=bool(keepdims))


def reduce_std(input_tensor: Any, axis: Any = None, keepdims: Optional[bool] = None,
               name: Optional[str] = None) -> Tensor:
    """`tf.math.reduce_std`: the (biased) standard deviation over `axis`."""
    with name_scope(name, "reduce_std", [input_tensor]):
        return math_ops.sqrt(reduce_variance(input_tensor, axis, keepdims))


del Sequence
# Top-level TF1 names; tf.linalg / tf.math pick the others (adjoint, logdet, ...) by name.
__all__ = ["cholesky", "cholesky_solve", "cross", "diag", "diag_part", "einsum",
           "matrix_band_part", "matrix_determinant", "matrix_inverse", "matrix_solve",
           "matrix_triangular_solve", "norm", "trace"]
