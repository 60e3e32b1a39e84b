"""Finite-difference gradient cases for the array ops (see gradcheck.py for the format).

Linear ops are also checked composed with `tf.square` and `second_order=True`, which
differentiates their gradient functions (StridedSliceGrad, Pad, UnsortedSegmentSum, ...).
"""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case
from tfgraph.ops.array_ops import strided_slice_grad


def _op(op_type, inputs, attrs=None):
    """Builds an op directly (for internal op types without a public builder)."""
    g = inputs[0].graph
    return g.create_op(op_type, [tf.convert_to_tensor(i) for i in inputs], attrs or {},
                       name=op_type).outputs[0]


_IDS = np.array([2, 0, 2, -1, 1, 2], dtype=np.int32)  # duplicates and a dropped negative id
_ND_IDX = np.array([[0, 1], [2, 0], [0, 1], [1, 3]], dtype=np.int32)  # one duplicate pair
_SS_MASKS = dict(begin_mask=0, end_mask=2, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=1)

CASES = {
    "Identity": [Case(lambda x: tf.identity(x), [(2, 3)])],
    "PlaceholderWithDefault": [Case(lambda x: tf.placeholder_with_default(x, [2, None]), [(2, 3)])],
    "Reshape": [
        Case(lambda x: tf.reshape(x, [3, -1]), [(2, 3)]),
        Case(lambda x: tf.reshape(x, [-1]), [(2, 3)], dynamic=True, label="dynamic"),
        Case(lambda x: tf.square(tf.reshape(x, [6])), [(2, 3)], second_order=True, label="2nd"),
    ],
    "Pack": [
        Case(lambda a, b: tf.stack([a, b], axis=1), [(2, 3), (2, 3)]),
        Case(lambda a, b: tf.stack([a, b, a]), [(3,), (3,)], dynamic=True, label="dynamic"),
    ],
    "Unpack": [
        Case(lambda x: tf.unstack(x, axis=1), [(2, 3)]),
        Case(lambda x: tf.unstack(x)[1], [(3, 2)], label="one-output"),
    ],
    "Fill": [Case(lambda v: tf.fill([2, 3], v), [()])],
    "BroadcastTo": [
        Case(lambda x: tf.broadcast_to(x, [2, 3, 4]), [(3, 1)]),
        Case(lambda x: tf.broadcast_to(x, [2, 3]), [(3,)], dynamic=True, label="dynamic"),
    ],
    "MatrixDiag": [Case(lambda d: tf.matrix_diag(d), [(2, 3)])],
    "MatrixDiagPart": [
        Case(lambda x: tf.matrix_diag_part(x), [(2, 3, 3)]),
        Case(lambda x: tf.matrix_diag_part(x), [(3, 2)], label="rect"),
    ],
    "MatrixSetDiag": [Case(lambda x, d: tf.matrix_set_diag(x, d), [(2, 3, 4), (2, 3)])],
    "Transpose": [
        Case(lambda x: tf.transpose(x, [1, 2, 0]), [(2, 3, 4)]),
        Case(lambda x: tf.transpose(x), [(2, 3)], dynamic=True, label="dynamic"),
        Case(lambda x: tf.square(tf.transpose(x)), [(2, 3)], second_order=True, label="2nd"),
    ],
    "ConjugateTranspose": [Case(lambda x: _op("ConjugateTranspose", [x, [1, 0]]), [(2, 3)])],
    "ExpandDims": [
        Case(lambda x: tf.expand_dims(x, 1), [(2, 3)]),
        Case(lambda x: tf.expand_dims(x, -1), [(2, 3)], dynamic=True, label="dynamic"),
    ],
    "Squeeze": [
        Case(lambda x: tf.squeeze(x), [(2, 1, 3, 1)]),
        Case(lambda x: tf.squeeze(x, [1]), [(2, 1, 3)], label="axis"),
    ],
    "ConcatV2": [
        Case(lambda a, b, c: tf.concat([a, b, c], 1), [(2, 1), (2, 3), (2, 2)]),
        Case(lambda a, b: tf.concat([a, b], -1), [(2, 2), (2, 3)], dynamic=True, label="dynamic"),
        Case(lambda a, b: tf.square(tf.concat([a, b], 0)), [(1, 2), (2, 2)], second_order=True,
             label="2nd"),
    ],
    "Split": [
        Case(lambda x: tf.split(x, 3, axis=1), [(2, 6)]),
        Case(lambda x: tf.split(x, 2)[1], [(4, 2)], label="one-output"),
    ],
    "SplitV": [
        Case(lambda x: tf.split(x, [1, -1, 2], axis=1), [(2, 6)]),
        Case(lambda x: tf.split(x, [3, 1])[0], [(4, 2)], dynamic=True, label="dynamic"),
    ],
    "Tile": [
        Case(lambda x: tf.tile(x, [2, 1, 3]), [(2, 3, 1)]),
        Case(lambda x: tf.tile(x, [3, 2]), [(2, 2)], dynamic=True, label="dynamic"),
        Case(lambda x: tf.square(tf.tile(x, [2, 1])), [(2, 2)], second_order=True, label="2nd"),
    ],
    "Pad": [
        Case(lambda x: tf.pad(x, [[1, 0], [2, 1]]), [(2, 3)]),
        Case(lambda x: tf.pad(x, [[0, 2], [1, 1]]), [(2, 3)], dynamic=True, label="dynamic"),
        Case(lambda x: tf.square(tf.pad(x, [[1, 1]])), [(3,)], second_order=True, label="2nd"),
    ],
    "PadV2": [Case(lambda x: tf.pad(x, [[1, 1], [0, 2]], constant_values=2.5), [(2, 3)])],
    "MirrorPad": [
        Case(lambda x: tf.pad(x, [[1, 2], [2, 1]], mode="REFLECT"), [(3, 4)]),
        Case(lambda x: tf.pad(x, [[2, 1], [0, 3]], mode="SYMMETRIC"), [(3, 4)], label="symmetric"),
        Case(lambda x: tf.square(tf.pad(x, [[2, 2]], mode="reflect")), [(4,)], second_order=True,
             label="2nd"),
    ],
    "MirrorPadGrad": [
        Case(lambda g: _op("MirrorPadGrad", [g, np.array([[1, 2], [2, 1]], np.int32)],
                           {"mode": "REFLECT"}), [(6, 7)]),
        Case(lambda g: _op("MirrorPadGrad", [g, np.array([[2, 1], [0, 3]], np.int32)],
                           {"mode": "SYMMETRIC"}), [(6, 7)], label="symmetric"),
    ],
    "Slice": [
        Case(lambda x: tf.slice(x, [1, 0], [2, -1]), [(3, 4)]),
        Case(lambda x: tf.slice(x, [0, 1], [-1, 2]), [(3, 4)], dynamic=True, label="dynamic"),
        Case(lambda x: tf.square(tf.slice(x, [1], [2])), [(4,)], second_order=True, label="2nd"),
    ],
    "StridedSlice": [
        Case(lambda x: x[1:, ::-2], [(3, 5)]),
        Case(lambda x: x[..., 1, tf.newaxis], [(2, 3, 4)], label="ellipsis-newaxis"),
        Case(lambda x: x[-1, :3:2], [(3, 5)], dynamic=True, label="dynamic"),
        Case(lambda x: tf.square(x[1:3]), [(4, 2)], second_order=True, label="2nd"),
    ],
    "StridedSliceGrad": [
        Case(lambda dy: strided_slice_grad([3, 5], [1, 1], [0, 0], [1, 2], dy, **_SS_MASKS),
             [(2,)]),
    ],
    "ReverseV2": [
        Case(lambda x: tf.reverse(x, [0, 2]), [(2, 3, 2)]),
        Case(lambda x: tf.reverse(x, [-1]), [(2, 3)], dynamic=True, label="dynamic"),
    ],
    "GatherV2": [
        Case(lambda p: tf.gather(p, [2, 0, 2, 2]), [(3, 2)], label="duplicates"),
        Case(lambda p: tf.gather(p, [[1, 0], [1, 1]], axis=1), [(2, 3, 2)], label="axis1"),
        Case(lambda p: tf.gather(p, [0, 1, 0], axis=-1), [(2, 2)], dynamic=True, label="dynamic"),
        Case(lambda p: tf.square(tf.gather(p, [1, 1, 0])), [(2, 2)], second_order=True,
             label="2nd"),
    ],
    "UnsortedSegmentSum": [
        Case(lambda d: tf.unsorted_segment_sum(d, _IDS, 4), [(6, 2)]),
        Case(lambda d: tf.unsorted_segment_sum(d, _IDS.reshape(2, 3), 3), [(2, 3)], label="2d-ids"),
    ],
    "GatherNd": [
        Case(lambda p: tf.gather_nd(p, _ND_IDX), [(3, 4)]),
        Case(lambda p: tf.gather_nd(p, _ND_IDX[:, :1]), [(3, 2)], label="slices"),
    ],
    "ScatterNd": [Case(lambda u: tf.scatter_nd(_ND_IDX, u, [3, 4]), [(4,)])],
}
