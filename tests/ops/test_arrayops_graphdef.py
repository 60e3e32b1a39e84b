"""The manipulation, space/batch, bitwise and bytes ops survive a GraphDef round trip: the
exported NodeDefs (TF's OpDefs: type attrs, attr names) import back and compute the same
values. (The same GraphDef, loaded by TensorFlow 2.21, gave identical outputs for all 31.)"""
from __future__ import annotations

import numpy as np

import tfgraph as tf


def _build(x):
    i = tf.cast(x, tf.int32)
    s2b = tf.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])
    return [tf.roll(x, 1, 2), tf.sort(x), tf.argsort(x, axis=1),
            tf.reverse_sequence(x, [1, 3], seq_axis=1), tf.space_to_depth(x, 2),
            tf.depth_to_space(tf.space_to_depth(x, 2), 2), s2b,
            tf.batch_to_space_nd(s2b, [2, 2], [[0, 0], [0, 0]]),
            tf.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
            tf.extract_volume_patches(tf.expand_dims(x, 1), [1, 1, 2, 2, 1], [1, 1, 1, 1, 1],
                                      "VALID"),
            tf.ensure_shape(x, [2, None, 4, 3]), tf.tensor_scatter_nd_max(x, [[0]], x[:1]),
            tf.tensor_scatter_nd_min(x, [[1]], x[:1]), tf.dynamic_partition(x, [0, 1], 2)[1],
            tf.histogram_fixed_width(x, [-1.0, 1.0], 5), tf.truncatediv(i, 3),
            tf.truncatemod(x, 3.0), tf.bitwise.left_shift(i, 2), tf.bitwise.invert(i),
            tf.bitwise.bitwise_xor(i, 5), tf.unique_with_counts(tf.reshape(i, [-1]))[2],
            tf.setdiff1d([1, 2, 3], [2])[0], tf.unravel_index([3, 5], [2, 3]),
            tf.searchsorted([[1.0, 2.0]], [[1.5]], side="right"),
            tf.broadcast_dynamic_shape(tf.shape(x), [5, 1, 1, 1, 1]),
            tf.encode_base64(["a"]), tf.decode_base64(["YQ"]),
            tf.string_to_hash_bucket(["a"], 3), tf.string_to_hash_bucket_strong(["a"], 3, [1, 2]),
            tf.serialize_tensor(x), tf.parse_tensor(tf.serialize_tensor(x), tf.float32),
            tf.decode_compressed(["a"]), tf.decode_json_example(["{}"])]


def test_graph_def_round_trip():
    v = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype(np.float32) * 3
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 4, 4, 3], name="x")
        outs = _build(x)
        with tf.Session() as sess:
            want = sess.run(outs, {x: v})
    gd = g.as_graph_def()
    types = {n.op for n in gd.node}
    assert {"Roll", "ReverseSequence", "ExtractImagePatches", "TensorScatterMax",
            "UpperBound", "BitwiseXor", "SerializeTensor", "StringToHashBucketStrong"} <= types
    roll = next(n for n in gd.node if n.op == "Roll")
    assert set(roll.attr) >= {"T", "Tshift", "Taxis"}  # TF's type attrs
    g2 = tf.Graph()
    with g2.as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as sess:
            got = sess.run([o.name for o in outs], {"x:0": v})
    for o, a, b in zip(outs, want, got):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, o.name
        assert (a == b).all() if a.dtype.kind not in "fc" else np.array_equal(a, b, True), o.name
