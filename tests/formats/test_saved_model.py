"""tf.saved_model: simple_save / SavedModelBuilder write what loader.load reads back (the same
outputs, variables, tags and signatures); TF's sharded Saver graph runs; bad input."""
import os
import pathlib

import numpy as np
import pytest

import tfgraph as tf

F32 = np.float32
X = np.array([[1, 2, 3], [-1, 0.5, 4]], F32)
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "tf-artifacts"


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.arange(6, dtype=F32).reshape(3, 2) / 7, name="w")
    y = tf.nn.softmax(tf.matmul(x, w), name="y")
    return x, w, y


def test_simple_save_then_load_serves_the_same_outputs(tmp_path):
    x, w, y = _model()
    export = str(tmp_path / "model")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, sess.run(w) * 3))
        want = sess.run(y, {x: X})
        tf.saved_model.simple_save(sess, export, inputs={"x": x}, outputs={"y": y})
    assert sorted(os.listdir(export)) == ["saved_model.pb", "variables"]
    assert sorted(os.listdir(os.path.join(export, "variables"))) == [
        "variables.data-00000-of-00001", "variables.index"]
    assert tf.saved_model.contains_saved_model(export)
    with tf.Session(graph=tf.Graph()) as sess:
        mgd = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING], export)
        sig = mgd.signature_def["serving_default"]
        assert sig.method_name == tf.saved_model.PREDICT_METHOD_NAME
        assert sig.inputs["x"].name == "x:0" and sig.outputs["y"].name == "y:0"
        assert [d.size for d in sig.inputs["x"].tensor_shape.dim] == [-1, 3]
        np.testing.assert_allclose(sess.run(sig.outputs["y"].name, {"x:0": X}), want,
                                   rtol=1e-6)
        t = tf.saved_model.utils.get_tensor_from_tensor_info(sig.outputs["y"], sess.graph)
        assert t.name == "y:0"


def test_builder_with_two_tag_sets_text_format_and_main_op(tmp_path):
    x, w, y = _model()
    counter = tf.Variable(0, name="counter", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    export = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        b = tf.saved_model.builder.SavedModelBuilder(export)
        sig = tf.saved_model.signature_def_utils.predict_signature_def({"in": x}, {"out": y})
        b.add_meta_graph_and_variables(sess, ["serve"], {"pred": sig},
                                       main_op=tf.assign(counter, 7).op)
        b.add_meta_graph(["train", "gpu"])
        with pytest.raises(AssertionError, match="already been saved"):
            b.add_meta_graph_and_variables(sess, ["other"])
        path = b.save(as_text=True)
    assert path.endswith("saved_model.pbtxt")
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], export)
        assert sess.run("counter:0") == 7  # the main op ran after the restore
    with tf.Session(graph=tf.Graph()) as sess:
        mgd = tf.saved_model.loader.load(sess, ["gpu", "train"], export)
        assert sorted(mgd.meta_info_def.tags) == ["gpu", "train"]
        np.testing.assert_allclose(sess.run("w:0"), np.arange(6, dtype=F32).reshape(3, 2) / 7)


def test_saved_model_errors(tmp_path):
    x, w, y = _model()
    export = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.saved_model.simple_save(sess, export, {"x": x}, {"y": y})
        with pytest.raises(AssertionError, match="Export directory already exists"):
            tf.saved_model.simple_save(sess, export, {"x": x}, {"y": y})
        with pytest.raises(ValueError, match="outputs cannot be None or empty"):
            tf.saved_model.signature_def_utils.predict_signature_def({"x": x}, {})
        with pytest.raises(ValueError, match="needs a Tensor"):
            tf.saved_model.utils.build_tensor_info(np.ones(2))
    with tf.Session(graph=tf.Graph()) as sess:
        with pytest.raises(RuntimeError, match=r"tags \['train'\] could not be found.*serve"):
            tf.saved_model.loader.load(sess, ["train"], export)
        with pytest.raises(IOError, match="SavedModel file does not exist at: .*nothere"):
            tf.saved_model.loader.load(sess, ["serve"], str(tmp_path / "nothere"))
    pb = os.path.join(export, "saved_model.pb")
    data = open(pb, "rb").read()
    open(pb, "wb").write(data[:len(data) // 3])
    with tf.Session(graph=tf.Graph()) as sess:
        with pytest.raises(tf.errors.DataLossError, match="saved_model.pb"):
            tf.saved_model.loader.load(sess, ["serve"], export)


@pytest.mark.skipif(not ARTIFACTS.is_dir(), reason=f"TF artifacts not found at {ARTIFACTS}")
def test_tensorflows_sharded_saver_graph_saves_and_restores(tmp_path):
    """TF's SavedModel builder uses Saver(sharded=True): StringJoin, StaticRegexFullMatch,
    ShardedFilename, SaveV2 into "<prefix>_temp/part-...", MergeV2Checkpoints."""
    with tf.Session(graph=tf.Graph()) as sess:
        mgd = tf.saved_model.loader.load(sess, ["serve"], str(ARTIFACTS / "mlp" / "saved_model"))
        assert mgd.saver_def.sharded
        saver = tf.train.Saver(saver_def=mgd.saver_def)
        kernel = sess.graph.get_tensor_by_name("hidden/kernel:0")
        want = sess.run(kernel)
        path = saver.save(sess, str(tmp_path / "again"), write_meta_graph=False)
        assert sorted(os.listdir(tmp_path)) == ["again.data-00000-of-00001", "again.index",
                                                "checkpoint"]  # the _temp shard dir is gone
        sess.run(tf.assign(kernel, np.zeros_like(want)))
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(kernel), want)
