"""GraphDef both ways: tfgraph graph -> TF NodeDefs -> tfgraph (text and binary files),
import_graph_def's input_map/return_elements/prefix, graph_util, and bad input."""
import os

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.framework import graph_io

F32 = np.float32


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.constant(np.arange(6, dtype=F32).reshape(3, 2), name="w")
    h = tf.nn.relu(tf.matmul(x, w) + tf.constant([0.5, -9.0]), name="h")
    s = tf.reduce_sum(h, axis=1, keepdims=True, name="s")
    y = tf.concat([h, s], axis=1, name="y")
    return x, y


X = np.array([[1, 2, 3], [-1, 0, 4]], F32)


def _reference():
    h = np.maximum(X @ np.arange(6, dtype=F32).reshape(3, 2) + np.array([0.5, -9.0], F32), 0)
    return np.concatenate([h, h.sum(1, keepdims=True)], axis=1)


def test_export_writes_tensorflow_node_defs():
    _model()
    gd = tf.get_default_graph().as_graph_def(add_shapes=True)
    nodes = {n.name: n for n in gd.node}
    mm = nodes["MatMul"]
    assert mm.op == "MatMul" and list(mm.input) == ["x", "w"]
    assert mm.attr["T"].type == 1 and mm.attr["transpose_a"].b is False
    y = nodes["y"]
    assert y.op == "ConcatV2" and y.attr["N"].i == 2 and y.attr["Tidx"].type == 3
    s = nodes["s"]
    assert s.attr["keep_dims"].b is True and s.attr["Tidx"].type == 3
    assert nodes["x"].attr["dtype"].type == 1
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [-1, 3]
    assert [d.size for d in y.attr["_output_shapes"].list.shape[0].dim] == [-1, 3]
    plain = {n.name: n for n in tf.get_default_graph().as_graph_def().node}
    assert tf.get_default_graph().get_operation_by_name("h").node_def == plain["h"]
    assert "_output_shapes" not in plain["h"].attr


@pytest.mark.parametrize("as_text", [True, False])
def test_round_trip_through_a_file_gives_the_same_graph_and_outputs(tmp_path, as_text):
    _model()
    g1 = tf.get_default_graph()
    name = "g.pbtxt" if as_text else "g.pb"
    path = tf.train.write_graph(g1, str(tmp_path / "sub"), name, as_text=as_text)
    assert path == str(tmp_path / "sub" / name) and os.path.exists(path)
    gd = graph_io.read_graph_def(path)
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="")
        assert [(o.name, o.type) for o in g2.get_operations()] == \
            [(o.name, o.type) for o in g1.get_operations()]
        assert g2.as_graph_def() == g1.as_graph_def()
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run("y:0", {"x:0": X}), _reference())


def test_input_map_return_elements_and_prefix():
    _, y = _model()
    gd = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default() as g:
        feed = tf.placeholder(tf.float32, [2, 3], name="feed")
        out, op = tf.import_graph_def(gd, input_map={"x:0": feed},
                                      return_elements=["y:0", "h"])
        assert out.name == "import/y:0" and op.name == "import/h"
        assert out.shape.as_list() == [2, 3]
        again = tf.import_graph_def(gd, return_elements=["y:0"])[0]
        assert again.name == "import_1/y:0"
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(out, {feed: X}), _reference())
        with pytest.raises(ValueError, match="nope"):
            tf.import_graph_def(gd, return_elements=["nope:0"])
        with pytest.raises(ValueError, match="not found in graph_def: \\[zz\\]"):
            tf.import_graph_def(gd, input_map={"zz:0": feed})
        assert len(g.get_operations()) > 0


def test_unknown_op_types_are_all_listed_and_nothing_is_imported():
    gd = tf.GraphDef()
    gd.node.add(name="a", op="Placeholder").attr["dtype"].type = 1
    gd.node.add(name="b", op="FancyOp", input=["a"])
    gd.node.add(name="c", op="OtherOp", input=["b"])
    gd.node.add(name="d", op="FancyOp", input=["c"])
    with pytest.raises(ValueError, match=r"FancyOp \(node 'b'\), OtherOp \(node 'c'\)"):
        tf.import_graph_def(gd)
    assert tf.get_default_graph().get_operations() == []


def test_bad_nodes_and_files_give_clear_errors(tmp_path):
    gd = tf.GraphDef()
    gd.node.add(name="a", op="Identity", input=["missing"])
    with pytest.raises(ValueError, match="'a'.*'missing' is not a node"):
        tf.import_graph_def(gd)
    _model()
    good = tf.get_default_graph().as_graph_def().SerializeToString()
    bad = tmp_path / "trunc.pb"
    bad.write_bytes(good[:len(good) // 2])
    with pytest.raises(tf.errors.DataLossError, match="trunc.pb"):
        graph_io.read_graph_def(str(bad))
    with pytest.raises(tf.errors.NotFoundError, match="none.pb"):
        graph_io.read_graph_def(str(tmp_path / "none.pb"))
    with pytest.raises(TypeError, match="GraphDef"):
        tf.import_graph_def("not a graph")


def test_freeze_extract_and_remove_training_nodes():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.ones((3, 2), F32), name="w")
    y = tf.identity(tf.matmul(x, w), name="y")
    tf.identity(y, name="unused")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, np.full((3, 2), 2.0, F32)))
        frozen = tf.graph_util.convert_variables_to_constants(
            sess, sess.graph.as_graph_def(), ["y"])
    ops = {n.name: n.op for n in frozen.node}
    assert ops["w"] == "Const" and "unused" not in ops and "w/Assign" not in ops
    sub = tf.graph_util.extract_sub_graph(frozen, ["w/read"])
    assert [n.name for n in sub.node] == ["w", "w/read"]
    with pytest.raises(AssertionError, match="nothere is not in graph"):
        tf.graph_util.extract_sub_graph(frozen, ["nothere"])
    with pytest.raises(TypeError, match="must be a list"):
        tf.graph_util.extract_sub_graph(frozen, "y")
    pruned = tf.graph_util.remove_training_nodes(frozen, protected_nodes=["y"])
    names = [n.name for n in pruned.node]
    assert "w/read" not in names and "y" in names
    assert list(next(n for n in pruned.node if n.name == "MatMul").input) == ["x", "w"]
    for g_def in (frozen, pruned):
        with tf.Graph().as_default():
            tf.import_graph_def(g_def, name="")
            with tf.Session() as sess:
                np.testing.assert_allclose(sess.run("y:0", {"x:0": X}),
                                           X @ np.full((3, 2), 2.0, F32))


def test_strings_and_scalars_round_trip_through_attrs():
    s = tf.constant(["ab", "c"], name="s")
    i = tf.constant(np.int64(2) ** 40, name="i")
    gd = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as sess:
            got_s, got_i = sess.run(["s:0", "i:0"])
    assert list(got_s) == [b"ab", b"c"] and got_i == 2 ** 40 and got_i.dtype == np.int64
    assert s.dtype == tf.string and i.dtype == tf.int64


def test_report_uninitialized_variables_exports_as_tf_ops_and_reimports():
    a = tf.Variable(1.0, name="a")
    tf.Variable(2.0, name="b")
    report = tf.report_uninitialized_variables()
    assert report.op.type == "ReportUninitialized"  # tfgraph's one-op form
    gd = tf.get_default_graph().as_graph_def()
    types = {n.name: n.op for n in gd.node}
    name = report.op.name
    assert types[name] == "GatherV2" and types[name + "/IsVariableInitialized"] == \
        "IsVariableInitialized" and types[name + "/names"] == "Const"
    assert all(graph_io.tf_op_def(t) is not None for t in types.values())
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as sess:
            assert list(sess.run(name + ":0")) == [b"a", b"b"]
            sess.run("a/Assign")
            assert list(sess.run(name + ":0")) == [b"b"]
    assert a.op.name == "a"
