"""Finite-difference gradient cases for the manipulation, space/batch and patch ops
(ops/manip_ops.py, ops/space_batch_ops.py; see gradcheck.py for the format)."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case


def _distinct(shape, scale=1.0):
    """Values far apart (no ties: max/min and sort gradients are well defined)."""
    def values(rng):
        n = int(np.prod(shape))
        return [rng.permutation(n).reshape(shape) * scale / n + rng.uniform(0, 0.1 / n, shape)]
    return values


_TSM_IDX = np.array([[0, 1], [2, 0], [0, 1]], np.int32)  # a duplicate index

CASES = {
    "Roll": [
        Case(lambda x: tf.roll(x, [1, -2], [0, 1]), [(3, 4)]),
        Case(lambda x: tf.square(tf.roll(x, 2, 1)), [(2, 3)], second_order=True, label="2nd"),
    ],
    "ReverseSequence": [
        Case(lambda x: tf.reverse_sequence(x, [2, 0, 4], seq_axis=1, batch_axis=0),
             [(3, 4, 2)]),
        Case(lambda x: tf.reverse_sequence(x, tf.constant([3, 1], tf.int32), seq_axis=0,
                                           batch_axis=2), [(4, 2, 2)], label="batch-last"),
    ],
    "DynamicPartition": [
        Case(lambda x: tf.dynamic_partition(x, [[0, 2, 1], [2, 2, 0]], 3), [(2, 3, 2)]),
        Case(lambda x: tf.dynamic_partition(x, [1, 1, 0], 2)[1], [(3,)], label="one-output"),
    ],
    "TensorScatterMax": [
        Case(lambda t, u: tf.tensor_scatter_nd_max(t, _TSM_IDX, u), [(3, 2), (3,)],
             values=lambda rng: [rng.permutation(6).reshape(3, 2) / 6.0,
                                 np.array([0.93, 0.5, 0.41])]),
    ],
    "TensorScatterMin": [
        Case(lambda t, u: tf.tensor_scatter_nd_min(t, _TSM_IDX, u), [(3, 2), (3,)],
             values=lambda rng: [rng.permutation(6).reshape(3, 2) / 6.0,
                                 np.array([-0.2, 0.45, 0.05])]),
    ],
    "EnsureShape": [Case(lambda x: tf.ensure_shape(x, [2, None]), [(2, 3)], dynamic=True)],
    # sort/argsort are TopKV2 compositions: their gradient is TopKV2's
    "TopKV2": [Case(lambda x: tf.sort(x, axis=0), [(4, 3)], values=_distinct((4, 3)),
                    label="sort-axis0")],
    "SpaceToDepth": [
        Case(lambda x: tf.space_to_depth(x, 2), [(1, 4, 2, 3)]),
        Case(lambda x: tf.square(tf.space_to_depth(x, 2, data_format="NCHW")), [(1, 2, 4, 2)],
             second_order=True, label="nchw-2nd"),
    ],
    "DepthToSpace": [
        Case(lambda x: tf.depth_to_space(x, 2), [(1, 2, 1, 8)]),
        Case(lambda x: tf.square(tf.depth_to_space(x, 2, data_format="NCHW")), [(1, 4, 1, 2)],
             second_order=True, label="nchw-2nd"),
    ],
    "SpaceToBatchND": [
        Case(lambda x: tf.space_to_batch_nd(x, [2, 2], [[1, 0], [0, 1]]), [(1, 3, 3, 2)]),
        Case(lambda x: tf.square(tf.space_to_batch(x, [[0, 0], [0, 0]], 2)), [(1, 2, 2, 1)],
             second_order=True, label="2d-2nd"),
    ],
    "BatchToSpaceND": [
        Case(lambda x: tf.batch_to_space_nd(x, [2, 2], [[1, 0], [0, 1]]), [(4, 2, 2, 1)]),
        Case(lambda x: tf.batch_to_space_nd(x, [3], [[0, 1]]), [(3, 2, 2)], dynamic=True,
             label="dynamic"),
    ],
    "ExtractImagePatches": [
        Case(lambda x: tf.extract_image_patches(x, [1, 2, 3, 1], [1, 1, 2, 1], [1, 1, 1, 1],
                                                "SAME"), [(2, 3, 5, 2)]),
        Case(lambda x: tf.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 2, 1, 1],
                                                "VALID"), [(1, 4, 3, 1)], dynamic=True,
             label="rates-dynamic"),
        Case(lambda x: tf.square(tf.extract_image_patches(
            x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")), [(1, 3, 3, 1)],
            second_order=True, label="2nd"),
    ],
    "ExtractVolumePatches": [
        Case(lambda x: tf.extract_volume_patches(x, [1, 2, 2, 2, 1], [1, 1, 2, 1, 1], "SAME"),
             [(1, 2, 3, 3, 2)]),
    ],
    # batch_gather and repeat are compositions (GatherV2; Tile and boolean_mask)
    "GatherV2": [Case(lambda p: tf.batch_gather(p, [[2, 0, 2], [1, 1, 0]]), [(2, 3, 2)],
                      label="batch_gather")],
    "Tile": [Case(lambda x: tf.repeat(x, [2, 0, 1], axis=1), [(2, 3)], label="repeat"),
             Case(lambda x: tf.repeat(x, 2), [(2, 2)], label="repeat-flat")],
}
