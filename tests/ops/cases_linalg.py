"""Finite-difference gradient cases for `ops/linalg_ops.py`."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case


def _well_conditioned(*shapes):
    """Square matrices near 2*I (invertible, not singular along the finite differences)."""
    def values(rng):
        out = []
        for s in shapes:
            v = rng.uniform(-0.4, 0.4, s)
            if len(s) >= 2 and s[-1] == s[-2]:
                v = v + 2.0 * np.eye(s[-1])
            out.append(v)
        return out
    return values


def _spd(x):
    """A symmetric positive definite matrix built from x (so Cholesky's input is valid)."""
    n = x.shape.as_list()[-1]
    return tf.matmul(x, x, transpose_b=True) + n * tf.eye(n, dtype=x.dtype)


CASES = {
    "MatrixDeterminant": [Case(lambda a: tf.linalg.det(a), [(3, 3)], values=_well_conditioned((3, 3))),
                          Case(lambda a: tf.matrix_determinant(a), [(2, 2, 2)],
                               values=_well_conditioned((2, 2, 2)), label="batch")],
    "LogMatrixDeterminant": [Case(lambda a: tf.linalg.slogdet(a)[1], [(3, 3)],
                                  values=_well_conditioned((3, 3)))],
    "MatrixInverse": [Case(lambda a: tf.linalg.inv(a), [(3, 3)], values=_well_conditioned((3, 3)),
                           second_order=True),
                      Case(lambda a: tf.matrix_inverse(a, adjoint=True), [(2, 3, 3)],
                           values=_well_conditioned((2, 3, 3)), label="adjoint")],
    "MatrixSolve": [Case(lambda a, b: tf.linalg.solve(a, b), [(3, 3), (3, 2)],
                         values=_well_conditioned((3, 3), (3, 2))),
                    Case(lambda a, b: tf.matrix_solve(a, b, adjoint=True), [(3, 3), (3, 1)],
                         values=_well_conditioned((3, 3), (3, 1)), label="adjoint")],
    "MatrixTriangularSolve": [
        Case(lambda a, b: tf.linalg.triangular_solve(a, b), [(3, 3), (3, 2)],
             values=_well_conditioned((3, 3), (3, 2))),
        Case(lambda a, b: tf.matrix_triangular_solve(a, b, lower=False, adjoint=True),
             [(3, 3), (3, 2)], values=_well_conditioned((3, 3), (3, 2)), label="upper-adjoint")],
    "Cholesky": [Case(lambda x: tf.cholesky(_spd(x)), [(3, 3)]),
                 Case(lambda x: tf.linalg.cholesky(_spd(x)), [(2, 3, 3)], label="batch")],
    "MatrixBandPart": [Case(lambda x: tf.linalg.band_part(x, 1, 0), [(2, 3, 4)])],
    "Diag": [Case(lambda x: tf.diag(x), [(2, 3)])],
    "DiagPart": [Case(lambda x: tf.diag_part(x), [(2, 3, 2, 3)])],
    "Cross": [Case(lambda a, b: tf.cross(a, b), [(2, 3), (2, 3)])],
    "Einsum": [Case(lambda a, b: tf.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)], second_order=True),
               Case(lambda a, b: tf.einsum("bij,bkj->bik", a, b), [(2, 2, 3), (2, 4, 3)],
                    label="batch"),
               Case(lambda a: tf.einsum("ijk->ki", a), [(2, 3, 4)], label="reduce"),
               Case(lambda a, b: tf.einsum("ij,k", a, b), [(2, 3), (4,)], label="implicit-outer"),
               Case(lambda a, b: tf.einsum("ij,ij->", a, b), [(2, 3), (2, 3)], label="dot")],
}

_IDX = np.array([[0], [2]])
CASES.update({
    "TensorScatterUpdate": [Case(lambda t, u: tf.tensor_scatter_update(t, _IDX, u),
                                 [(3, 2), (2, 2)])],
    "TensorScatterAdd": [Case(lambda t, u: tf.tensor_scatter_add(t, [[0, 1], [2, 0], [0, 1]], u),
                              [(3, 2), (3,)])],
    "TensorScatterSub": [Case(lambda t, u: tf.tensor_scatter_sub(t, _IDX, u), [(3, 2), (2, 2)])],
})
