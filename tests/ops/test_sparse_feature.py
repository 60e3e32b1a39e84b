"""`tf.SparseFeature` / `tf.io.SparseFeature` in `tf.parse_example` and
`parse_single_example`: index and value features merged as TF1 does (`sparse_merge`)."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

pytest.importorskip("google.protobuf")


def _example(ix, iy, val):
    f = tf.train.Feature
    return tf.train.Example(features=tf.train.Features(feature={
        "ix": f(int64_list=tf.train.Int64List(value=ix)),
        "iy": f(int64_list=tf.train.Int64List(value=iy)),
        "val": f(float_list=tf.train.FloatList(value=val))})).SerializeToString()


ROWS = [([3, 1], [0, 2], [0.5, 1.5]), ([], [], []), ([4], [1], [2.5])]
DATA = [_example(*r) for r in ROWS]


def _dense(v):
    d = np.zeros(v.dense_shape, v.values.dtype)
    d[tuple(v.indices.T)] = v.values
    return d


def test_one_index_key():
    out = tf.parse_example(DATA, {"sp": tf.SparseFeature("ix", "val", tf.float32, 5)})
    assert list(out) == ["sp"] and isinstance(out["sp"], tf.SparseTensor)
    assert out["sp"].indices.op.name == "SparseMerge/SparseReorder"
    with tf.Session() as s:
        r = s.run(out)["sp"]
    want = np.zeros([3, 5], np.float32)
    for b, (ix, _, val) in enumerate(ROWS):
        want[b, ix] = val
    np.testing.assert_array_equal(_dense(r), want)
    assert r.values.dtype == np.float32
    # Row-major order after the merge (the Example listed index 3 before 1).
    np.testing.assert_array_equal(r.indices, [[0, 1], [0, 3], [2, 4]])


def test_two_index_keys_and_a_shared_varlen_feature():
    feats = {"sp": tf.io.SparseFeature(["ix", "iy"], "val", tf.float32, [5, 3]),
             "ix": tf.VarLenFeature(tf.int64)}
    out = tf.parse_example(DATA, feats)
    assert sorted(out) == ["ix", "sp"]
    with tf.Session() as s:
        r = s.run(out)
    want = np.zeros([3, 5, 3], np.float32)
    for b, (ix, iy, val) in enumerate(ROWS):
        want[b, ix, iy] = val
    np.testing.assert_array_equal(_dense(r["sp"]), want)
    np.testing.assert_array_equal(r["ix"].values, [3, 1, 4])


def test_single_example_and_conflicts():
    out = tf.parse_single_example(DATA[0], {"sp": tf.SparseFeature("ix", "val", tf.float32, 5)})
    with tf.Session() as s:
        r = s.run(out)["sp"]
    np.testing.assert_array_equal(_dense(r), [0, 1.5, 0, 0.5, 0])
    with pytest.raises(ValueError, match="Conflicting type for feature 'ix'"):
        tf.parse_example(DATA, {"sp": tf.SparseFeature("ix", "val", tf.float32, 5),
                                "ix": tf.FixedLenFeature([1], tf.int64)})
    with pytest.raises(ValueError, match="SparseFeature 'sp' needs index_key"):
        tf.parse_example(DATA, {"sp": tf.SparseFeature(None, "val", tf.float32, 5)})
