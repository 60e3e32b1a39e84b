"""Framework names of `tf` from the frame stream (issue 16): protobuf option classes,
`tf.compat` helpers, `tf.version`, `tf.flags`/`tf.app.run`, `tf.resource_loader`,
`tf.summary` leftovers, `tf.initializers.tables_initializer` and the refusals."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tfgraph as tf

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_protobuf_classes_are_tensorflows():
    opts = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE, timeout_in_ms=5)
    meta = tf.RunMetadata()
    assert tf.RunOptions.FromString(opts.SerializeToString()).timeout_in_ms == 5
    gopts = tf.GraphOptions(optimizer_options=tf.OptimizerOptions(
        opt_level=tf.OptimizerOptions.L0))
    assert gopts.optimizer_options.opt_level == tf.OptimizerOptions.L0
    config = tf.ConfigProto(graph_options=gopts)
    x = tf.placeholder(tf.float32, [2])
    with tf.Session(config=config) as sess:  # TF1 scripts pass these to run(): accepted
        out = sess.run(x * 2, {x: [1, 2]}, options=opts, run_metadata=meta)
    np.testing.assert_array_equal(out, [2, 4])
    h = tf.HistogramProto(min=0.0, max=1.0, num=3)
    assert tf.Summary(value=[tf.Summary.Value(tag="h", histo=h)]).value[0].histo.num == 3
    assert tf.SummaryMetadata(display_name="d").display_name == "d"
    assert tf.LogMessage(level=tf.LogMessage.WARN, message="m").level == tf.LogMessage.WARN
    with pytest.raises(ValueError, match="no_such"):
        tf.RunOptions(no_such=1)


def test_compat_leftovers():
    assert tf.compat.as_str_any(b"caf\xc3\xa9") == "café" and tf.compat.as_str_any(3) == "3"
    assert tf.compat.path_to_str(pathlib.Path("/a/b")) == "/a/b"
    assert tf.compat.path_to_str(7) == 7
    assert isinstance(np.int8(1), tf.compat.integral_types)
    assert not isinstance(1.5, tf.compat.integral_types)
    assert isinstance(np.float16(1), tf.compat.real_types) and isinstance(1j, tf.compat.complex_types)
    assert tf.compat.bytes_or_text_types == (bytes, str)
    assert tf.compat.dimension_at_index(tf.TensorShape([2, None]), 1).value is None
    assert tf.compat.dimension_at_index([2, 3], 0).value == 2
    assert tf.compat.forward_compatible(2019, 1, 1)
    assert not tf.compat.forward_compatible(2100, 1, 1)
    with tf.compat.forward_compatibility_horizon(2100, 1, 2):
        assert tf.compat.forward_compatible(2100, 1, 1)
        assert not tf.compat.forward_compatible(2100, 1, 2)
    assert not tf.compat.forward_compatible(2100, 1, 1)
    assert tf.compat.v1 is tf
    with pytest.raises(NotImplementedError, match="tf.compat.v2"):
        tf.compat.v2  # noqa: B018


def test_version_and_tables_initializer():
    assert tf.version.VERSION == tf.VERSION == tf.__version__
    assert tf.version.GRAPH_DEF_VERSION == tf.GRAPH_DEF_VERSION
    with pytest.raises(NotImplementedError, match="tf.version.GIT_VERSION"):
        tf.version.GIT_VERSION  # noqa: B018
    init = tf.initializers.tables_initializer()
    assert init.type == "NoOp" and init.name == "init_all_tables"
    tf.Session().run(init)


def test_resource_loader(tmp_path):
    here = os.path.dirname(os.path.abspath(__file__))
    assert tf.resource_loader.get_data_files_path() == here
    assert tf.resource_loader.get_path_to_datafile("x.txt") == os.path.join(here, "x.txt")
    assert tf.resource_loader.get_root_dir_with_all_resources() == here
    assert tf.resource_loader.load_resource("framework/tf_op_defs.pbtxt").startswith(b"# TensorFlow")
    with pytest.raises(IOError):
        tf.resource_loader.load_resource("no/such/file")
    assert tf.resource_loader.readahead_file_path("/a/b") == "/a/b"


def test_flags_and_app_run_parse_the_command_line(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import tfgraph as tf
        flags = tf.app.flags
        flags.DEFINE_integer("steps", 10, "number of steps")
        flags.DEFINE_string(flag_name="mode", default_value="train", docstring="old names")
        FLAGS = flags.FLAGS

        def main(argv):
            print("steps", FLAGS.steps, "mode", FLAGS.mode, "rest", argv[1:])
            return 3

        if __name__ == "__main__":
            assert tf.flags is tf.app.flags
            tf.app.run()
    """))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    res = subprocess.run([sys.executable, str(script), "--steps=7", "extra"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 3, res.stderr
    assert "steps 7 mode train rest ['extra']" in res.stdout
    res = subprocess.run([sys.executable, str(script), "--steps=x"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert res.returncode != 0 and "steps" in res.stderr


def test_summary_v2_leftovers():
    assert tf.summary.all_v2_summary_ops() == []
    with pytest.raises(ValueError, match="session"):
        tf.summary.initialize()
    with tf.Session() as sess:
        tf.summary.initialize(session=sess)
    node = tf.NodeDef(op="TensorSummary")
    node.attr["description"].s = b'{"typeHint": "image"}'
    assert tf.summary.get_summary_description(node).type_hint == "image"
    with pytest.raises(ValueError, match="Const"):
        tf.summary.get_summary_description(tf.NodeDef(op="Const"))


@pytest.mark.parametrize("path", ["experimental", "distributions", "LMDBReader",
                                  "train.experimental"])
def test_refused_names_give_advice(path):
    obj = tf
    *parents, last = path.split(".")
    for p in parents:
        obj = getattr(obj, p)
    with pytest.raises(NotImplementedError, match=rf"tf\.{path} is not offered"):
        getattr(obj, last)
