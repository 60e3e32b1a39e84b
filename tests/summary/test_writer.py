"""FileWriter: event files read back by TensorBoard's own EventAccumulator (scalars,
histograms, the graph), TFRecord framing checked byte by byte, queueing, close/reopen, and
the GraphDef export."""
import os
import socket
import struct
import warnings

import numpy as np
import pytest

import tfgraph as tf

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
from tensorboard.compat.proto import event_pb2, graph_pb2, summary_pb2  # noqa: E402

F32 = np.float32


def _accumulate(logdir):
    acc = event_accumulator.EventAccumulator(
        str(logdir), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0, "images": 0})
    acc.Reload()
    return acc


def _crc32c(data):
    """Bitwise CRC-32C (Castagnoli), independent of the implementation under test."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def _masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _read_records(path):
    """Parses a TFRecord file, checking both CRCs of every record."""
    data = open(path, "rb").read()
    out, pos = [], 0
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (hcrc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        assert hcrc == _masked(_crc32c(header))
        body = data[pos + 12:pos + 12 + length]
        (bcrc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
        assert bcrc == _masked(_crc32c(body))
        out.append(event_pb2.Event.FromString(body))
        pos += 16 + length
    return out


def _summary(tag, value):
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])


def _event_files(logdir):
    return sorted(os.path.join(logdir, f) for f in os.listdir(logdir) if "tfevents" in f)


def test_scalars_and_histograms_read_back_by_tensorboard(tmp_path):
    x = tf.placeholder(tf.float32, [None], name="x")
    with tf.name_scope("train"):
        tf.summary.scalar("loss", tf.reduce_mean(x))
    tf.summary.histogram("values", x)
    merged = tf.summary.merge_all()
    feeds = [np.array([1.0, 3.0], F32), np.array([-2.0, 4.0, 7.0], F32), np.array([0.5], F32)]
    with tf.Session() as sess:
        with tf.summary.FileWriter(str(tmp_path)) as writer:
            for step, value in zip((0, 10, 20), feeds):
                writer.add_summary(sess.run(merged, {x: value}), global_step=step)
    acc = _accumulate(tmp_path)
    assert acc.Tags()["scalars"] == ["train/loss"]
    scalars = acc.Scalars("train/loss")
    assert [(e.step, e.value) for e in scalars] == [(0, 2.0), (10, 3.0), (20, 0.5)]
    histos = acc.Histograms("values")
    assert [h.step for h in histos] == [0, 10, 20]
    h = histos[1].histogram_value
    assert (h.min, h.max, h.num, h.sum, h.sum_squares) == (-2.0, 7.0, 3.0, 9.0, 69.0)
    assert sum(h.bucket) == 3


def test_graph_written_at_construction_is_tensorboards_graph(tmp_path):
    a = tf.placeholder(tf.float32, [None, 3], name="a")
    w = tf.Variable(np.ones((3, 2), F32), name="w")
    with tf.control_dependencies([w.initializer]):
        tf.matmul(a, w, name="y")
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        writer.close()
    gd = _accumulate(tmp_path).Graph()
    nodes = {n.name: n for n in gd.node}
    assert list(nodes) == [op.name for op in tf.get_default_graph().get_operations()]
    assert nodes["y"].op == "MatMul"
    assert list(nodes["y"].input) == ["a", "w/read", "^w/Assign"]
    init = nodes["w/initial_value"]
    assert init.op == "Const" and init.attr["dtype"].type == 1  # DT_FLOAT
    content = np.frombuffer(init.attr["value"].tensor.tensor_content, "<f4")
    np.testing.assert_array_equal(content, np.ones(6, F32))
    assert [d.size for d in nodes["a"].attr["shape"].shape.dim] == [-1, 3]
    assert [d.size for d in nodes["y"].attr["_output_shapes"].list.shape[0].dim] == [-1, 2]


def test_graph_def_export_method_and_add_graph_errors(tmp_path):
    tf.constant([b"s", b"t"], name="strings")
    tf.constant(3, name="three")
    gd = tf.get_default_graph().as_graph_def()
    assert isinstance(gd, graph_pb2.GraphDef)
    nodes = {n.name: n for n in gd.node}
    assert list(nodes["strings"].attr["value"].tensor.string_val) == [b"s", b"t"]
    assert "_output_shapes" not in nodes["three"].attr
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_graph(gd, global_step=5)  # a GraphDef is accepted too
        with pytest.raises(TypeError, match="must be an instance of `Graph`"):
            writer.add_graph("graph")
        with pytest.raises(ValueError, match="not both"):
            writer.add_graph(tf.get_default_graph(), graph_def=gd)
    events = _read_records(_event_files(tmp_path)[0])
    graph_events = [e for e in events if e.graph_def]
    assert len(graph_events) == 1 and graph_events[0].step == 5
    assert graph_pb2.GraphDef.FromString(graph_events[0].graph_def) == gd


def test_event_file_name_framing_and_first_event(tmp_path, monkeypatch):
    from tfgraph.summary import writer as writer_mod

    class FrozenTime:  # both writers open their file in the same second
        @staticmethod
        def time():
            return 1700000000.75

    monkeypatch.setattr(writer_mod, "time", FrozenTime)
    w1 = tf.summary.FileWriter(str(tmp_path), filename_suffix=".v1")
    w2 = tf.summary.FileWriter(str(tmp_path), filename_suffix=".v1")  # no clobbering
    w1.add_summary(_summary("t", 1.0), 3)
    w1.close()
    w2.close()
    host = socket.gethostname()
    assert [os.path.basename(f) for f in _event_files(tmp_path)] == [
        f"events.out.tfevents.1700000000.{host}.v1", f"events.out.tfevents.1700000001.{host}.v1"]
    events = _read_records(_event_files(tmp_path)[0])
    assert events[0].file_version == "brain.Event:2"
    assert events[1].step == 3 and events[1].summary.value[0].simple_value == 1.0
    assert events[1].wall_time == 1700000000.75
    assert len(_read_records(_event_files(tmp_path)[1])) == 1


def test_events_are_queued_until_max_queue_or_flush(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=3, flush_secs=1000)
    path = _event_files(tmp_path)[0]
    summ = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="q", simple_value=0.0)])
    writer.add_summary(summ, 1)
    writer.add_summary(summ, 2)
    assert len(_read_records(path)) == 1  # only the file_version event so far
    writer.add_summary(summ, 3)  # the queue is full: written
    assert len(_read_records(path)) == 4
    writer.add_summary(summ, 4)
    writer.flush()
    assert [e.step for e in _read_records(path)] == [0, 1, 2, 3, 4]
    writer.close()


def test_close_drops_events_with_a_warning_and_reopen_starts_a_new_file(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path))
    summ = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="c", simple_value=1.0)])
    writer.close()
    with pytest.warns(UserWarning, match="closed FileWriter"):
        writer.add_summary(summ, 1)
    assert len(_read_records(_event_files(tmp_path)[0])) == 1
    writer.reopen()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        writer.add_summary(summ, 2)
    writer.close()
    files = _event_files(tmp_path)
    assert len(files) == 2
    assert [e.step for e in _read_records(files[1])][1:] == [2]
    assert writer.get_logdir() == str(tmp_path)


def test_plugin_metadata_is_kept_only_on_the_first_value_of_a_tag(tmp_path):
    t = tf.summary.text("note", tf.constant("hi"))
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as writer:
        for step in range(2):
            writer.add_summary(sess.run(t), step)
    events = [e for e in _read_records(_event_files(tmp_path)[0]) if e.HasField("summary")]
    assert events[0].summary.value[0].metadata.plugin_data.plugin_name == "text"
    assert not events[1].summary.value[0].HasField("metadata")
    assert list(_accumulate(tmp_path).Tensors("note")[1].tensor_proto.string_val) == [b"hi"]


def test_summary_proto_classes_are_exported_and_accepted(tmp_path):
    s = tf.summary.Summary(value=[tf.summary.Summary.Value(tag="manual", simple_value=4.5)])
    assert isinstance(s, tf.summary.Summary) and isinstance(s, summary_pb2.Summary)
    assert not isinstance(b"bytes", tf.summary.Summary)
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_session_log(tf.summary.SessionLog(status=tf.summary.SessionLog.START), 7)
        writer.add_summary(s, np.int64(7))
        with pytest.raises(TypeError, match="serialized Summary bytes"):
            writer.add_summary(3.0)
    assert [(e.step, e.value) for e in _accumulate(tmp_path).Scalars("manual")] == [(7, 4.5)]
    assert s.value[0].tag == "manual"  # the caller's proto is not modified


def test_file_writer_cache_shares_one_writer_per_logdir(tmp_path):
    a = tf.summary.FileWriterCache.get(str(tmp_path))
    assert tf.summary.FileWriterCache.get(str(tmp_path)) is a
    tf.summary.FileWriterCache.clear()
    assert tf.summary.FileWriterCache.get(str(tmp_path)) is not a
    tf.summary.FileWriterCache.clear()


def test_missing_tensorboard_gives_an_install_hint(monkeypatch):
    import sys
    from tfgraph.framework import graph_io
    monkeypatch.setattr(graph_io, "_PROTOS", None)
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto.event_pb2", None)
    with pytest.raises(ImportError, match=r"pip install tfgraph\[tensorboard\]"):
        tf.summary.FileWriter("/nonexistent-never-created")


def test_a_dropped_writer_still_writes_its_pending_events(tmp_path):
    import gc
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=100, flush_secs=1000)
    writer.add_summary(_summary("d", 2.0), 9)
    del writer
    gc.collect()
    assert [e.step for e in _read_records(_event_files(tmp_path)[0])] == [0, 9]


def test_crc32c_matches_a_byte_table_reference_on_short_and_chunked_inputs():
    from tfgraph.summary.writer import crc32c
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)

    def reference(data):
        crc = 0xFFFFFFFF
        for b in data:
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
        return crc ^ 0xFFFFFFFF

    assert crc32c(b"123456789") == 0xE3069283  # the standard check value
    rng = np.random.RandomState(5)
    for n in (0, 1, 65535, 65536 + 4096 * 3 + 7, 200003):  # the last two take the NumPy path
        data = rng.randint(0, 256, n).astype(np.uint8).tobytes()
        assert crc32c(data) == reference(data), n
