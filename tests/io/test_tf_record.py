"""TFRecord files: byte-compatible framing, GZIP/ZLIB, CRC checks, and the files real
TensorFlow wrote (../shared/tf-artifacts/tfrecord)."""
import gzip
import pathlib
import struct

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.lib.io import crc32c

ART = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "tf-artifacts" / "tfrecord"


@pytest.fixture
def art():
    if not ART.is_dir():
        pytest.skip(f"TensorFlow's TFRecord artifacts {ART} are absent")
    return ART


def _parse(recs):
    """Records -> (images, labels, weights, tags padded to 3) with tfgraph's parsing ops."""
    s = tf.placeholder(tf.string, [None])
    p = tf.parse_example(s, {"image_raw": tf.FixedLenFeature([], tf.string),
                             "label": tf.FixedLenFeature([], tf.int64),
                             "weights": tf.FixedLenFeature([3], tf.float32),
                             "tags": tf.VarLenFeature(tf.string)})
    img = tf.reshape(tf.decode_raw(p["image_raw"], tf.uint8), [-1, 28, 28])
    with tf.Session() as sess:
        im, lab, w, tags = sess.run([img, p["label"], p["weights"], p["tags"]], {s: recs})
    padded = np.full((len(recs), 3), "", dtype="<U3")
    for (r, c), v in zip(tags.indices, tags.values):
        padded[r, c] = v.decode()
    return im, lab, w, padded


@pytest.mark.parametrize("fname,options", [
    ("data.tfrecord", None), ("data.tfrecord.gz", "GZIP"),
    ("data.tfrecord.gz", tf.io.TFRecordOptions(tf.io.TFRecordCompressionType.GZIP))])
def test_reads_tensorflows_files(art, fname, options):
    recs = list(tf.io.tf_record_iterator(str(art / fname), options))
    exp = np.load(art / "expected.npz")
    assert len(recs) == 20
    im, lab, w, tags = _parse(recs)
    np.testing.assert_array_equal(im, exp["images"])
    np.testing.assert_array_equal(lab, exp["labels"])
    np.testing.assert_array_equal(w, exp["weights"])
    np.testing.assert_array_equal(tags, exp["tags"])


def test_writer_reproduces_tensorflows_bytes(art, tmp_path):
    """Writing TF's records again gives TF's file byte for byte (framing and both CRCs)."""
    plain = (art / "data.tfrecord").read_bytes()
    recs = list(tf.python_io.tf_record_iterator(str(art / "data.tfrecord")))
    out = tmp_path / "again.tfrecord"
    with tf.python_io.TFRecordWriter(str(out)) as w:
        for r in recs:
            w.write(r)
    assert out.read_bytes() == plain
    gz = tmp_path / "again.tfrecord.gz"
    with tf.io.TFRecordWriter(str(gz), "GZIP") as w:
        for r in recs:
            w.write(r)
    assert gzip.decompress(gz.read_bytes()) == plain  # a gzip stream of the same records
    zl = tmp_path / "again.tfrecord.z"
    with tf.io.TFRecordWriter(str(zl), tf.io.TFRecordOptions("ZLIB")) as w:
        for r in recs:
            w.write(r)
    assert list(tf.io.tf_record_iterator(str(zl), "ZLIB")) == recs


def test_framing_by_hand(tmp_path):
    data = b"hello tfrecord"
    path = tmp_path / "x.tfrecord"
    with tf.io.TFRecordWriter(str(path)) as w:
        w.write(data)
        w.write(b"")
    raw = path.read_bytes()
    header = struct.pack("<Q", len(data))
    c = crc32c.crc32c(header)
    masked = (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF
    assert raw[:8] == header and struct.unpack("<I", raw[8:12])[0] == masked
    assert raw[12:12 + len(data)] == data
    assert len(raw) == (12 + len(data) + 4) + 16
    assert list(tf.io.tf_record_iterator(str(path))) == [data, b""]


def test_crc32c_known_values_and_numpy_fallback():
    assert crc32c.crc32c(b"123456789") == 0xE3069283  # the standard CRC-32C check value
    rng = np.random.default_rng(0)
    for n in (0, 1, 100, 70000):
        d = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert crc32c._crc32c_numpy(d) == crc32c.crc32c(d)


def _two_record_file(tmp_path):
    path = tmp_path / "two.tfrecord"
    with tf.io.TFRecordWriter(str(path)) as w:
        w.write(b"a" * 10)
        w.write(b"b" * 20)
    return path


def test_bad_data_crc_names_file_and_offset(tmp_path):
    path = _two_record_file(tmp_path)
    raw = bytearray(path.read_bytes())
    raw[26 + 12 + 3] ^= 0xFF  # a byte of the second record's data (first record: 26 bytes)
    path.write_bytes(bytes(raw))
    it = tf.io.tf_record_iterator(str(path))
    assert next(it) == b"a" * 10
    with pytest.raises(tf.errors.DataLossError, match=r"CRC of its data.*offset 26 in file '.*two.tfrecord'"):
        next(it)


def test_bad_length_crc_and_truncation(tmp_path):
    path = _two_record_file(tmp_path)
    raw = path.read_bytes()
    path.write_bytes(raw[:1] + b"\x7f" + raw[2:])
    with pytest.raises(tf.errors.DataLossError, match=r"CRC of its length.*offset 0 in file"):
        list(tf.io.tf_record_iterator(str(path)))
    path.write_bytes(raw[:-5])
    with pytest.raises(tf.errors.DataLossError, match=r"truncated record.*offset 26 in file '.*two"):
        list(tf.io.tf_record_iterator(str(path)))
    path.write_bytes(raw[:30])
    with pytest.raises(tf.errors.DataLossError, match=r"ends inside its header.*offset 26"):
        list(tf.io.tf_record_iterator(str(path)))


def test_corrupt_gzip_and_missing_file(tmp_path, art):
    bad = tmp_path / "bad.gz"
    raw = (art / "data.tfrecord.gz").read_bytes()
    bad.write_bytes(raw[:len(raw) // 2])
    with pytest.raises(tf.errors.DataLossError, match="bad.gz"):
        list(tf.io.tf_record_iterator(str(bad), "GZIP"))
    with pytest.raises(tf.errors.NotFoundError, match="nope.tfrecord"):
        list(tf.io.tf_record_iterator(str(tmp_path / "nope.tfrecord")))
    with pytest.raises(ValueError, match="compression type 'LZ4'"):
        tf.io.TFRecordWriter(str(tmp_path / "x"), "LZ4")


def test_example_protos_match_tensorflows_wire_format():
    # Bytes printed by TensorFlow 2.21 (tf.compat.v1.train.Example(...).SerializeToString())
    # for the same messages: packed int64/float lists, map entries, SequenceExample fields.
    e = tf.train.Example(features=tf.train.Features(feature={
        "a": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2, 300]))}))
    assert e.SerializeToString() == b"\n\x0f\n\r\n\x01a\x12\x08\x1a\x06\n\x04\x01\x02\xac\x02"
    e = tf.train.Example(features=tf.train.Features(feature={
        "f": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, -2]))}))
    assert e.SerializeToString() == b"\n\x13\n\x11\n\x01f\x12\x0c\x12\n\n\x08\x00\x00\xc0?\x00\x00\x00\xc0"
    s = tf.train.SequenceExample(
        context=tf.train.Features(feature={"b": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"xy"]))}),
        feature_lists=tf.train.FeatureLists(feature_list={"t": tf.train.FeatureList(
            feature=[tf.train.Feature(int64_list=tf.train.Int64List(value=[7]))])}))
    assert s.SerializeToString() == (b"\n\r\n\x0b\n\x01b\x12\x06\n\x04\n\x02xy\x12\x0e\n\x0c\n\x01t"
                                     b"\x12\x07\n\x05\x1a\x03\n\x01\x07")

