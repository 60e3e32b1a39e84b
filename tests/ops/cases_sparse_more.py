"""Finite-difference gradient cases for the sparse ops of `ops/sparse_more_ops.py` and the
gradients of SparseToDense / SparseReduceSum / SparseReorder (w.r.t. the values and dense
operands; indices and shapes are closed over)."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case

_IND = np.array([[0, 1], [1, 0], [1, 2], [2, 2]], dtype=np.int64)
_IND_B = np.array([[0, 1], [0, 2], [2, 2]], dtype=np.int64)
_UNSORTED = np.array([[2, 2], [0, 1], [1, 2], [1, 0]], dtype=np.int64)
_IND3 = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 2], [1, 1, 1]], dtype=np.int64)


def _sp(v, ind=_IND, shape=(3, 3)):
    return tf.SparseTensor(ind, v, list(shape))


def _add(a, b):
    return tf.sparse.add(_sp(a), _sp(b, _IND_B)).values


def _slice(v):
    return tf.sparse.slice(_sp(v), [1, 1], [2, 2]).values


def _fill(v, d):
    ind = np.array([[0, 1], [2, 0], [2, 2]], np.int64)
    return tf.sparse.fill_empty_rows(_sp(v, ind), tf.reshape(d, []))[0].values


def _softmax(v):
    return tf.sparse.softmax(_sp(v, _IND3, (2, 2, 3))).values


CASES = {
    "SparseAdd": [Case(_add, [(4,), (3,)])],
    "SparseTensorDenseAdd": [Case(lambda v, d: tf.sparse.add(_sp(v), d), [(4,), (3, 3)])],
    "SparseSlice": [Case(_slice, [(4,)])],
    "SparseFillEmptyRows": [Case(_fill, [(3,), (1,)])],
    "SparseSoftmax": [Case(_softmax, [(4,)]),
                      Case(lambda v: tf.sparse.softmax(_sp(v)).values, [(4,)], label="2d")],
    "SparseDenseCwiseMul": [
        Case(lambda v, d: (_sp(v) * d).values, [(4,), (3, 3)]),
        Case(lambda v, d: (_sp(v) * d).values, [(4,), (3,)], label="broadcast"),
        Case(lambda v, d: (_sp(v) * tf.reshape(d, [])).values, [(4,), (1,)], label="scalar")],
    "SparseDenseCwiseDiv": [
        Case(lambda v, d: (_sp(v) / d).values, [(4,), (3, 3)], low=[-1.0, 1.0], high=[1.0, 2.0]),
        Case(lambda v, d: (_sp(v) / d).values, [(4,), (1, 3)],
             low=[-1.0, 1.0], high=[1.0, 2.0], label="broadcast")],
    "SparseToDense": [
        Case(lambda v, d: tf.sparse_to_dense(_IND, [3, 3], v, tf.reshape(d, [])),
             [(4,), (1,)])],
    "SparseReduceSum": [
        Case(lambda v: tf.sparse.reduce_sum(_sp(v), axis=1), [(4,)]),
        Case(lambda v: tf.sparse.reduce_sum(_sp(v, _IND3, (2, 2, 3)), axis=[0, 2],
                                            keepdims=True), [(4,)], label="keepdims"),
        Case(lambda v: tf.sparse.reduce_sum(_sp(v)), [(4,)], label="all")],
    "SparseSegmentSum": [Case(lambda d: tf.sparse.segment_sum(d, [0, 2, 3, 0], [0, 0, 2, 2]),
                              [(4, 3)])],
    "SparseSegmentMean": [Case(lambda d: tf.sparse.segment_mean(d, [0, 2, 3, 0], [0, 0, 1, 3]),
                               [(4, 2)])],
    "SparseSegmentSqrtN": [Case(lambda d: tf.sparse.segment_sqrt_n(d, [1, 2, 1], [0, 0, 2]),
                                [(3, 2)])],
    "SparseSegmentSumWithNumSegments": [
        Case(lambda d: tf.sparse.segment_sum(d, [0, 1], [1, 1], num_segments=3), [(2, 2)])],
    "SparseSegmentMeanWithNumSegments": [
        Case(lambda d: tf.sparse.segment_mean(d, [0, 1, 1], [0, 1, 1], num_segments=3),
             [(2, 2)])],
    "SparseSegmentSqrtNWithNumSegments": [
        Case(lambda d: tf.sparse.segment_sqrt_n(d, [0, 1, 1], [0, 1, 1], num_segments=3),
             [(2, 2)])],
    # SparseMatMul is float32-only in TF1: checked in float32 with a matching tolerance.
    "SparseMatMul": [
        Case(lambda a, b: tf.sparse_matmul(a, b, a_is_sparse=True), [(2, 3), (3, 2)],
             dtype=tf.float32, atol=2e-2, rtol=2e-2, second_order=True),
        Case(lambda a, b: tf.sparse_matmul(a, b, transpose_a=True), [(3, 2), (3, 2)],
             dtype=tf.float32, atol=2e-2, rtol=2e-2, label="ta"),
        Case(lambda a, b: tf.sparse_matmul(a, b, transpose_b=True, b_is_sparse=True),
             [(2, 3), (2, 3)], dtype=tf.float32, atol=2e-2, rtol=2e-2, label="tb"),
        Case(lambda a, b: tf.sparse_matmul(a, b, transpose_a=True, transpose_b=True),
             [(3, 2), (2, 3)], dtype=tf.float32, atol=2e-2, rtol=2e-2, label="ta_tb")],
    "SparseReorder": [Case(lambda v: tf.sparse.reorder(_sp(v, _UNSORTED)).values, [(4,)])],
}
