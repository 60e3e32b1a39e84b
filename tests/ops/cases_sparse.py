"""Finite-difference gradient cases for `ops/sparse_ops.py` (w.r.t. values and dense b)."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case

_IND = np.array([[0, 1], [1, 0], [1, 2], [2, 2]], dtype=np.int64)


def _mm(adj_a, adj_b):
    def build(v, b):
        sp = tf.SparseTensor(_IND, v, [3, 3])
        return tf.sparse.sparse_dense_matmul(sp, b, adjoint_a=adj_a, adjoint_b=adj_b)
    return build


CASES = {
    "SparseTensorDenseMatMul": [
        Case(_mm(False, False), [(4,), (3, 2)]),
        Case(_mm(True, False), [(4,), (3, 2)], label="adjoint_a"),
        Case(_mm(False, True), [(4,), (2, 3)], label="adjoint_b"),
        Case(_mm(True, True), [(4,), (2, 3)], label="adjoint_both"),
    ],
}
