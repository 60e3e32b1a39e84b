"""`tf.train.SaverDef`: TF's protobuf class (saver.proto), as `Saver.as_saver_def()` returns it,
`Saver(saver_def=...)` takes it and `.meta` files store it."""
import pathlib

import numpy as np
import pytest

import tfgraph as tf

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "tf-artifacts"
TF_META = ARTIFACTS / "mlp" / "checkpoint" / "model.ckpt.meta"


def test_saver_def_is_the_protobuf_message_with_proto3_defaults():
    sd = tf.train.SaverDef()
    assert sd.DESCRIPTOR.name == "SaverDef"  # tensorboard's copy of saver.proto: same wire
    assert (sd.filename_tensor_name, sd.save_tensor_name, sd.restore_op_name) == ("", "", "")
    assert (sd.max_to_keep, sd.sharded, sd.keep_checkpoint_every_n_hours, sd.version) == \
        (0, False, 0.0, tf.train.SaverDef.LEGACY)
    assert (tf.train.SaverDef.LEGACY, tf.train.SaverDef.V1, tf.train.SaverDef.V2) == (0, 1, 2)
    assert tf.train.SaverDef.CheckpointFormatVersion.Name(2) == "V2"
    with pytest.raises(TypeError, match="positional"):
        tf.train.SaverDef("save/Const:0")


def test_saver_def_serializes_as_tensorflow():
    sd = tf.train.SaverDef(filename_tensor_name="save/Const:0",
                           save_tensor_name="save/control_dependency:0",
                           restore_op_name="save/restore_all", max_to_keep=5,
                           keep_checkpoint_every_n_hours=10000.0, version=tf.train.SaverDef.V2)
    # TF 2.21's tensorflow.compat.v1.train.SaverDef(...).SerializeToString() of the same fields
    tf_bytes = bytes.fromhex(
        "0a0c736176652f436f6e73743a301219736176652f636f6e74726f6c5f646570656e64656e63793a30"
        "1a10736176652f726573746f72655f616c6c20053500401c463802")
    assert sd.SerializeToString() == tf_bytes
    back = tf.train.SaverDef()
    back.ParseFromString(tf_bytes)
    assert back == sd and tf.train.SaverDef.FromString(tf_bytes) == sd


def test_as_saver_def_fields_as_tf1():
    v = tf.Variable(1.0, name="v")
    sd = tf.train.Saver().as_saver_def()
    assert isinstance(sd, tf.train.SaverDef)
    assert (sd.filename_tensor_name, sd.save_tensor_name, sd.restore_op_name) == \
        ("save/Const:0", "save/control_dependency:0", "save/restore_all")
    assert (sd.max_to_keep, sd.sharded, sd.keep_checkpoint_every_n_hours, sd.version) == \
        (5, False, 10000.0, tf.train.SaverDef.V2)
    sd1 = tf.train.Saver([v], max_to_keep=None, keep_checkpoint_every_n_hours=2.5,
                         write_version=tf.train.SaverDef.V1).saver_def
    assert (sd1.restore_op_name, sd1.max_to_keep, sd1.keep_checkpoint_every_n_hours,
            sd1.version) == ("save_1/restore_all", 0, 2.5, tf.train.SaverDef.V1)
    assert tf.train.Saver(var_list=[], allow_empty=True).as_saver_def() is None  # as TF1


@pytest.mark.skipif(not TF_META.is_file(), reason=f"TF artifacts not found at {ARTIFACTS}")
def test_tensorflows_meta_file_saver_def_matches_tfgraphs(tmp_path):
    mgd = tf.MetaGraphDef.FromString(TF_META.read_bytes())
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(str(TF_META))
        assert saver.as_saver_def() == mgd.saver_def
    with tf.Graph().as_default():
        tf.Variable(np.zeros(3, np.float32), name="w")
        mine = tf.train.Saver()
        assert mine.as_saver_def() == mgd.saver_def  # the default Saver's names and settings
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            mine.save(sess, str(tmp_path / "model.ckpt"))
    written = tf.MetaGraphDef.FromString((tmp_path / "model.ckpt.meta").read_bytes())
    assert written.saver_def == mine.as_saver_def()


def test_saver_from_saver_def_reuses_the_ops_and_restores(tmp_path):
    v = tf.Variable([1.0, 2.0], name="v")
    first = tf.train.Saver(max_to_keep=3)
    n_ops = len(tf.get_default_graph().get_operations())
    second = tf.train.Saver(saver_def=first.as_saver_def())
    assert len(tf.get_default_graph().get_operations()) == n_ops  # no new ops
    assert second.as_saver_def() is first.as_saver_def()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = second.save(sess, str(tmp_path / "m"))
        sess.run(tf.assign(v, [0.0, 0.0]))
        second.restore(sess, path)
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])


def test_saver_def_with_an_import_scope_and_to_proto(tmp_path):
    with tf.Graph().as_default():
        with tf.name_scope("outer"):
            tf.Variable(1.0, name="v")
            saver = tf.train.Saver()
        assert saver.as_saver_def().restore_op_name == "outer/save/restore_all"
        stripped = saver.to_proto(export_scope="outer")
        assert (stripped.filename_tensor_name, stripped.restore_op_name) == \
            ("save/Const:0", "save/restore_all")
        assert saver.as_saver_def().restore_op_name == "outer/save/restore_all"  # a copy
        assert saver.to_proto(export_scope="other") is None
        assert saver.to_proto() is saver.as_saver_def()
        again = tf.train.Saver.from_proto(stripped, import_scope="outer")
        assert again.as_saver_def().save_tensor_name == "outer/save/control_dependency:0"


def test_saver_def_argument_errors():
    tf.Variable(1.0, name="v")
    with pytest.raises(ValueError, match="saver_def must be a saver_pb2.SaverDef: save"):
        tf.train.Saver(saver_def="save/restore_all")
    with pytest.raises(ValueError, match="saver_def must specify the save_tensor_name"):
        tf.train.Saver(saver_def=tf.train.SaverDef(filename_tensor_name="save/Const:0"))
    with pytest.raises(ValueError, match="saver_def names elements not in the default graph"):
        tf.train.Saver(saver_def=tf.train.SaverDef(
            filename_tensor_name="nope/Const:0", save_tensor_name="nope/control_dependency:0",
            restore_op_name="nope/restore_all"))
