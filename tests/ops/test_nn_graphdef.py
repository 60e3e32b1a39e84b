"""GraphDef export of the nn stream's op types carries TensorFlow's attributes (the OpDefs
of tf_op_defs.pbtxt), and the exported graph imports back into tfgraph with the same values."""
from __future__ import annotations

import numpy as np

import tfgraph as tf


def _node(gd, name):
    (node,) = [n for n in gd.node if n.name == name]
    return node


def test_exported_nodes_carry_tf_attrs_and_reimport():
    x = tf.placeholder(tf.float32, [1, 4, 4, 4, 2], name="x")
    y = tf.nn.conv3d(x, tf.ones([2, 2, 2, 2, 3]), [1] * 5, "SAME", name="c3")
    p = tf.nn.avg_pool3d(y, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID", name="ap")
    x2 = tf.placeholder(tf.float32, [1, 4, 4, 2], name="x2")
    _, arg = tf.nn.max_pool_with_argmax(x2, 2, 2, "SAME", name="mpa")
    lg = tf.placeholder(tf.float32, [3, 1, 3], name="lg")
    loss = tf.nn.ctc_loss(tf.SparseTensor([[0, 0]], [1], [1, 1]), lg, [3])
    gd = tf.get_default_graph().as_graph_def()
    mpa = _node(gd, "mpa")
    assert mpa.attr["T"].type == 1  # DT_FLOAT
    assert mpa.attr["Targmax"].type == 9  # DT_INT64
    assert list(mpa.attr["ksize"].list.i) == [1, 2, 2, 1]
    assert not mpa.attr["include_batch_in_index"].b
    c3 = _node(gd, "c3")
    assert c3.attr["data_format"].s == b"NDHWC" and list(c3.attr["dilations"].list.i) == [1] * 5
    ctc = _node(gd, loss.op.name)
    assert ctc.attr["ctc_merge_repeated"].b and not ctc.attr["preprocess_collapse_repeated"].b
    rng = np.random.default_rng(0)
    feed = {"x:0": rng.random((1, 4, 4, 4, 2)), "x2:0": rng.random((1, 4, 4, 2)),
            "lg:0": rng.random((3, 1, 3))}
    names = [p.name, arg.name, loss.name]
    with tf.Session() as sess:
        want = sess.run(names, feed)
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as sess:
            got = sess.run(names, feed)
    for a, b in zip(want, got):
        np.testing.assert_array_equal(a, b)
