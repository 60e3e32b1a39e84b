"""Files written by real TensorFlow (../shared/tf-artifacts): frozen graphs, whole graphs,
checkpoints and meta graphs load in tfgraph and give the outputs TensorFlow computed."""
import json
import pathlib

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.framework import graph_io
from tfgraph.train import tf_checkpoint
from tfgraph.saved_model import saved_model_io

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "tf-artifacts"
MODELS = ["mlp", "cnn", "control_flow", "rnn"]
pytestmark = pytest.mark.skipif(not ARTIFACTS.is_dir(),
                                reason=f"TF artifacts not found at {ARTIFACTS}")


def _manifest(model):
    return json.loads((ARTIFACTS / model / "manifest.json").read_text())


def _skip_unsupported(graph_def):
    try:
        graph_io.check_supported(graph_def.node)
    except ValueError as e:  # ops another part of tfgraph adds (control flow, ...)
        pytest.skip(f"needs op types tfgraph does not have yet: {e}")


def _run_outputs(model, sess, io_name="io.npz", prefix=""):
    man = _manifest(model)
    io = np.load(ARTIFACTS / model / io_name)
    feeds = {prefix + t: io["in/" + k] for k, t in man["inputs"].items()}
    got = sess.run({k: prefix + t for k, t in man["outputs"].items()}, feeds)
    for k in man["outputs"]:
        np.testing.assert_allclose(got[k], io["out/" + k], rtol=1e-5, atol=1e-6, err_msg=k)
    return got


@pytest.mark.parametrize("model", MODELS)
def test_frozen_graph_gives_tensorflows_outputs(model):
    gd = graph_io.read_graph_def(str(ARTIFACTS / model / "frozen.pb"))
    _skip_unsupported(gd)
    tf.import_graph_def(gd, name="")
    with tf.Session() as sess:
        _run_outputs(model, sess)


@pytest.mark.parametrize("model", MODELS)
def test_checkpoint_holds_the_variables_and_reencodes_to_the_same_bytes(model):
    prefix = str(ARTIFACTS / model / "checkpoint" / "model.ckpt")
    want = np.load(ARTIFACTS / model / "variables.npz")
    reader = tf.train.NewCheckpointReader(prefix)
    assert sorted(reader.get_variable_to_shape_map()) == sorted(want.files)
    for name in want.files:
        got = reader.get_tensor(name)
        assert got.dtype == want[name].dtype and got.shape == want[name].shape, name
        np.testing.assert_array_equal(got, want[name])
    # tfgraph's writer produces TensorFlow's bytes exactly (index table and data file).
    values = {k: reader.get_tensor(k) for k in want.files}
    index, data = tf_checkpoint.encode_bundle(values, reader.get_variable_to_dtype_map())
    assert index == open(prefix + ".index", "rb").read()
    assert data == open(prefix + ".data-00000-of-00001", "rb").read()


@pytest.mark.parametrize("model", MODELS)
def test_import_meta_graph_then_restore_gives_tensorflows_outputs(model):
    d = ARTIFACTS / model / "checkpoint"
    meta = graph_io.parse_proto_file(str(d / "model.ckpt.meta"),
                                     graph_io.protos().meta_graph_pb2.MetaGraphDef)
    _skip_unsupported(meta.graph_def)
    saver = tf.train.import_meta_graph(str(d / "model.ckpt.meta"))
    want = np.load(ARTIFACTS / model / "variables.npz")
    assert sorted(v.op.name for v in tf.global_variables()) == sorted(want.files)
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(str(d)))
        for v in tf.global_variables():
            np.testing.assert_array_equal(sess.run(v), want[v.op.name])
        _run_outputs(model, sess)


@pytest.mark.parametrize("model", MODELS)
def test_whole_text_graph_imports_under_a_prefix(model):
    gd = graph_io.read_graph_def(str(ARTIFACTS / model / "graph.pbtxt"))
    _skip_unsupported(gd)
    tf.import_graph_def(gd)  # default prefix "import/"
    g = tf.get_default_graph()
    assert len(g.get_operations()) == len(gd.node)
    assert all(op.name.startswith("import/") for op in g.get_operations())
    saver = tf.train.Saver(saver_def=tf.train.SaverDef(
        filename_tensor_name="import/save/Const:0",
        save_tensor_name="import/save/control_dependency:0",
        restore_op_name="import/save/restore_all"))
    with tf.Session() as sess:
        saver.restore(sess, str(ARTIFACTS / model / "checkpoint" / "model.ckpt"))
        _run_outputs(model, sess, prefix="import/")


def test_mlp_checkpoint_restores_into_the_model_rebuilt_with_tfgraph_code():
    images = tf.placeholder(tf.float32, [None, 784], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    hidden = tf.layers.dense(images, 128, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, 10, name="logits")
    probs = tf.nn.softmax(logits, name="probs")
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    step = tf.train.get_or_create_global_step()
    tf.train.AdamOptimizer(1e-3).minimize(loss, global_step=step)
    want = np.load(ARTIFACTS / "mlp" / "variables.npz")
    assert sorted(v.op.name for v in tf.global_variables()) == sorted(want.files)
    io = np.load(ARTIFACTS / "mlp" / "io.npz")
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, str(ARTIFACTS / "mlp" / "checkpoint" / "model.ckpt"))
        for v in tf.global_variables():
            np.testing.assert_array_equal(sess.run(v), want[v.op.name])
        got = sess.run(probs, {images: io["in/images"].reshape(-1, 784)})
    np.testing.assert_allclose(got, io["out/probs"], rtol=1e-5, atol=1e-6)


def test_init_from_checkpoint_maps_a_tf_scope_onto_new_names():
    images = tf.placeholder(tf.float32, [None, 784], name="images")
    with tf.variable_scope("student"):
        hidden = tf.layers.dense(images, 128, activation=tf.nn.relu, name="hidden")
    other = tf.Variable(np.ones(3, np.float32), name="other")
    tf.train.init_from_checkpoint(str(ARTIFACTS / "mlp" / "checkpoint"),
                                  {"hidden/": "student/hidden/"})
    want = np.load(ARTIFACTS / "mlp" / "variables.npz")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel = tf.get_default_graph().get_tensor_by_name("student/hidden/kernel:0")
        np.testing.assert_array_equal(sess.run(kernel), want["hidden/kernel"])
        np.testing.assert_array_equal(sess.run(other), np.ones(3, np.float32))
        assert hidden.shape.as_list() == [None, 128]
    with pytest.raises(ValueError, match="Tensor nothere is not found"):
        tf.train.init_from_checkpoint(str(ARTIFACTS / "mlp" / "checkpoint"),
                                      {"nothere": "other"})
    with pytest.raises(ValueError, match="Shape of variable other:0"):
        tf.train.init_from_checkpoint(str(ARTIFACTS / "mlp" / "checkpoint"),
                                      {"logits/bias": "other"})


@pytest.mark.parametrize("model", MODELS)
def test_tensorflow_saved_model_loads_and_serves_the_same_outputs(model):
    sm = saved_model_io.read_saved_model(str(ARTIFACTS / model / "saved_model"))
    _skip_unsupported(sm.meta_graphs[0].graph_def)
    with tf.Session(graph=tf.Graph()) as sess:
        mgd = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING],
                                         str(ARTIFACTS / model / "saved_model"))
        sig = mgd.signature_def[tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY]
        assert sig.method_name == "tensorflow/serving/predict"
        man, io = _manifest(model), np.load(ARTIFACTS / model / "io.npz")
        feeds = {sig.inputs[k].name: io["in/" + k] for k in man["inputs"]}
        got = sess.run({k: sig.outputs[k].name for k in sig.outputs}, feeds)
        for k in sig.outputs:
            np.testing.assert_allclose(got[k], io["out/" + k], rtol=1e-5, atol=1e-6)
        want = np.load(ARTIFACTS / model / "variables.npz")
        for v in tf.global_variables():
            np.testing.assert_array_equal(sess.run(v), want[v.op.name])
