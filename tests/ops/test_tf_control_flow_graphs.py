"""Graphs TensorFlow wrote (../shared/tf-artifacts) with TF1's control-flow ops run here and
give TensorFlow's outputs: `control_flow/` (a tf.cond, a tf.while_loop around a Variable and
tf.gradients through both: gradient loops with StackV2/StackPushV2/StackPopV2, f_count/
b_count counters, ControlTrigger), `rnn/` (tf.nn.dynamic_rnn over an LSTMCell: TensorArrays in
a while loop) and `cnn/` (the Switch/Merge of tf.layers.dropout's cond)."""
from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import tfgraph as tf

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "tf-artifacts"


def _load(model: str):
    folder = ARTIFACTS / model
    if not (folder / "frozen.pb").is_file():
        pytest.skip(f"TensorFlow artifacts folder {folder} is absent")
    pytest.importorskip("tensorboard", reason="GraphDef protos need the tensorboard package")
    from tfgraph.framework.graph_io import protos
    gd = protos().graph_pb2.GraphDef.FromString((folder / "frozen.pb").read_bytes())
    manifest = json.loads((folder / "manifest.json").read_text())
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(gd, name="")
    return folder, manifest, g


def _check(folder, manifest, g, io_name):
    io = np.load(folder / io_name)
    feed = {manifest["inputs"][k[3:]]: io[k] for k in io.files if k.startswith("in/")}
    names = sorted(manifest["outputs"])
    with tf.Session(graph=g) as sess:
        got = sess.run([manifest["outputs"][k] for k in names], feed)
    for k, v in zip(names, got):
        want = io["out/" + k]
        assert v.dtype == want.dtype, k
        np.testing.assert_allclose(v, want, rtol=1e-5, atol=1e-6, err_msg=k)


@pytest.mark.parametrize("io_name", ["io.npz", "io_alt.npz"])
def test_tf_cond_while_and_their_gradient_loops(io_name):
    folder, manifest, g = _load("control_flow")
    types = {op.type for op in g.get_operations()}
    assert {"Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond", "StackV2",
            "StackPushV2", "StackPopV2", "ControlTrigger"} <= types
    _check(folder, manifest, g, io_name)


def test_tf_dynamic_rnn_lstm():
    folder, manifest, g = _load("rnn")
    assert "TensorArrayV3" in {op.type for op in g.get_operations()}
    _check(folder, manifest, g, "io.npz")


def test_tf_cnn_with_dropout_cond():
    from tfgraph.framework import registry
    if "FusedBatchNormV3" not in registry.registered_op_types():
        pytest.skip("the cnn graph also needs FusedBatchNormV3 (tf.layers.batch_normalization, "
                    "another issue), not registered yet")
    folder, manifest, g = _load("cnn")
    assert "Switch" in {op.type for op in g.get_operations()}
    _check(folder, manifest, g, "io.npz")


def test_imported_loop_runs_structured_and_many_times():
    """The imported loop is one Python `while` in the plan (no per-iteration planning), and
    one session runs it for several trip counts."""
    folder, manifest, g = _load("control_flow")
    io = np.load(folder / "io.npz")
    x = io["in/x"]
    with tf.Session(graph=g) as sess:
        totals = [sess.run("total:0", {"x:0": x, "n:0": k, "flag:0": True}) for k in (0, 1, 5)]
        src = sess._plan_source("total:0", {"x:0": x, "n:0": 1, "flag:0": True})
    assert src.count("while True:") == 1
    assert len({tuple(t) for t in totals}) == 3


def test_graph_def_round_trip_of_conds_loops_tensor_arrays_and_their_gradients():
    """What tfgraph builds exports as TF1 NodeDefs and imports back to the same results
    (checked against real TensorFlow outside this suite: the exported graph gives the same
    values there too, gradients included)."""
    pytest.importorskip("tensorboard", reason="GraphDef protos need the tensorboard package")
    g1 = tf.Graph()
    with g1.as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        w = tf.placeholder(tf.float32, [3], name="w")

        def body(i, y):
            return i + 1, tf.cond(tf.reduce_sum(y) > 0, lambda: y * w + tf.sin(y),
                                  lambda: tf.cos(y) * y)
        _, y = tf.while_loop(lambda i, y: i < 4, body, [0, x])
        s = tf.scan(lambda a, r: a * r + r, tf.reshape(x, [3, 1]))
        outs = [y, s] + tf.gradients(tf.reduce_sum(y * y) + tf.reduce_sum(s * s), [x, w])
        gd = g1.as_graph_def()
    g2 = tf.Graph()
    with g2.as_default():
        tf.import_graph_def(gd, name="")
    names = [t.name for t in outs]
    for xv in ([0.3, -0.5, 0.8], [-0.3, -0.5, 0.1]):
        feed = {"x:0": np.array(xv, np.float32), "w:0": np.array([0.9, 1.1, -0.7], np.float32)}
        with tf.Session(graph=g1) as s1, tf.Session(graph=g2) as s2:
            for a, b in zip(s1.run(names, feed), s2.run(names, feed)):
                np.testing.assert_array_equal(a, b)
    # TF1's structure, which TensorFlow's executor needs: the idle side of a cond Switch's
    # gradient is zeros of the Switch's input switched to that side (dead with its branch).
    zeros = [op for op in g1.get_operations() if op.type == "ZerosLike" and
             op.inputs[0].op.type == "Switch"]
    assert zeros
