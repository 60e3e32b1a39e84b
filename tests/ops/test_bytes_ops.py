"""String hashing, fingerprints, base64, decompression, JSON Examples, serialize/parse_tensor,
make_tensor_proto/make_ndarray and timestamp.

Hash references: the bucket values of TensorFlow's own tests
(python/kernel_tests/strings_ops/string_to_hash_bucket_op_test.py: ['a', 'b', 'c', 'd'] into
10 buckets, checked against TF 2.21's tensorflow.compat.v1 too), SipHash-2-4's published test
vector, and protobuf/zlib/base64 round trips computed here with the standard library."""
from __future__ import annotations

import base64
import gzip
import struct
import time
import zlib

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops import bytes_ops

ABCD = [b"a", b"b", b"c", b"d"]


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_legacy_and_strong_hash_buckets_match_tf():
    h = tf.string_to_hash_bucket(ABCD, 10)
    s = tf.string_to_hash_bucket_strong(ABCD, 10, [98765, 132])
    assert h.op.type == "StringToHashBucket" and h.dtype == tf.int64
    assert s.op.type == "StringToHashBucketStrong" and s.op.get_attr("key") == [98765, 132]
    gh, gs = run([h, s])
    np.testing.assert_array_equal(gh, [8, 0, 7, 9])  # TF's Hash64('a') = 2996632905371535868
    np.testing.assert_array_equal(gs, [4, 2, 8, 5])
    assert bytes_ops.hash64(b"a") == 2996632905371535868
    np.testing.assert_array_equal(run(tf.strings.to_hash_bucket(ABCD, 1)), [0, 0, 0, 0])


def test_siphash_published_vector():
    # SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e
    k0, k1 = struct.unpack("<QQ", bytes(range(16)))
    assert bytes_ops.siphash24(k0, k1, bytes(range(15))) == 0xA129CA6149BE45E5


def test_fast_hash_buckets_and_fingerprint_match_tf():
    pytest.importorskip("farmhash", reason="pyfarmhash (the 'hash' extra) is not installed")
    f = tf.strings.to_hash_bucket_fast(ABCD, 10)
    assert f.op.type == "StringToHashBucketFast"
    np.testing.assert_array_equal(run(f), [9, 2, 2, 5])  # Fingerprint64('a') % 10 == 9
    fp = tf.fingerprint(tf.constant([b"a", b"b"]))
    assert fp.op.type == "Fingerprint" and fp.dtype == tf.uint8 and fp.shape.as_list() == [2, 8]
    got = run(fp)
    # TF: Fingerprint64('a') = 12917804110809363939, little endian
    np.testing.assert_array_equal(got[0], np.frombuffer(struct.pack("<Q", 12917804110809363939),
                                                        np.uint8))
    # numbers: the row's bytes; strings of a row: the fingerprint of their fingerprints
    import farmhash
    x = np.arange(6, dtype=np.int32).reshape(3, 2)
    want = [struct.pack("<Q", farmhash.fingerprint64(r.tobytes())) for r in x]
    assert [bytes(r) for r in run(tf.fingerprint(x))] == want
    rows = [[b"ab", b"c"], [b"", b"zz"]]
    want = [struct.pack("<Q", farmhash.fingerprint64(b"".join(
        struct.pack("<Q", farmhash.fingerprint64(v)) for v in r))) for r in rows]
    assert [bytes(r) for r in run(tf.fingerprint(rows))] == want


def test_hash_and_fingerprint_errors():
    with pytest.raises(TypeError, match="StringToHashBucketFast"):
        tf.string_to_hash_bucket_fast(tf.constant([1, 2]), 10)
    with pytest.raises(ValueError, match="key"):
        tf.string_to_hash_bucket_strong(ABCD, 10, [1])
    with pytest.raises(ValueError, match="rank"):
        tf.fingerprint(tf.constant(3.5))
    with pytest.raises(ValueError, match="md5"):
        tf.fingerprint([1, 2], method="md5")


def test_base64_web_safe():
    data = [b"hi?>", b"\xff\xfe\xfd", b"", b"abcd"]
    enc = tf.encode_base64(data)
    assert enc.op.type == "EncodeBase64"
    got = run(enc)
    assert list(got) == [base64.urlsafe_b64encode(d).rstrip(b"=") for d in data]
    assert list(run(tf.io.encode_base64(data, pad=True))) == [base64.urlsafe_b64encode(d)
                                                             for d in data]
    dec = tf.decode_base64(tf.concat([enc, tf.io.encode_base64(data, pad=True)], 0))
    assert list(run(dec)) == data + data
    with pytest.raises(tf.errors.InvalidArgumentError, match="db"):
        run(tf.decode_base64([b"a$bc"], name="db"))


def test_decode_compressed():
    data = [b"hello " * 20, b""]
    z = tf.decode_compressed([zlib.compress(d) for d in data], compression_type="ZLIB")
    g = tf.io.decode_compressed([gzip.compress(d) for d in data], compression_type="GZIP")
    raw = tf.decode_compressed(data)
    assert z.op.type == "DecodeCompressed"
    assert [list(v) for v in run([z, g, raw])] == [data] * 3
    with pytest.raises(tf.errors.DataLossError, match="bad"):
        run(tf.decode_compressed([b"garbage"], "ZLIB", name="bad"))
    with pytest.raises(ValueError, match="compression_type"):
        tf.decode_compressed(data, "BZ2")


def test_decode_json_example_feeds_parse_example():
    js = ['{"features": {"feature": {"a": {"floatList": {"value": [1.5, 2]}}, '
          '"b": {"bytesList": {"value": ["eHl6"]}}}}}']
    ser = tf.decode_json_example(js)
    assert ser.op.type == "DecodeJSONExample"
    parsed = tf.parse_single_example(ser[0], {"a": tf.FixedLenFeature([2], tf.float32),
                                              "b": tf.FixedLenFeature([], tf.string)})
    out = run(parsed)
    np.testing.assert_array_equal(out["a"], [1.5, 2.0])
    assert out["b"] == b"xyz"
    with pytest.raises(tf.errors.InvalidArgumentError, match="json"):
        run(tf.decode_json_example(["not json"], name="json"))


@pytest.mark.parametrize("value", [
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array(7, np.int32),
    np.array([True, False]), np.array([[b"ab", b""], [b"c", b"de"]], dtype=object),
    np.array([1 + 2j], np.complex64), np.arange(4, dtype=np.uint16)])
def test_serialize_and_parse_tensor_round_trip(value):
    ser = tf.serialize_tensor(value)
    assert ser.op.type == "SerializeTensor" and ser.dtype == tf.string and ser.shape.ndims == 0
    dt = tf.string if value.dtype == object else tf.as_dtype(value.dtype)
    back = tf.parse_tensor(ser, dt)
    assert back.op.type == "ParseTensor" and back.shape.ndims is None
    s, b = run([ser, back])
    np.testing.assert_array_equal(b, value)
    if value.dtype in (np.float32, np.int32) and value.size > 1:
        # tensor_content in both (make_tensor_proto writes bool/complex/uint16 as *_val)
        assert s == tf.make_tensor_proto(value).SerializeToString()


def test_serialize_tensor_bytes_are_tfs():
    # TF1's SerializeTensor: dtype, shape, then the values as raw little-endian bytes
    from tfgraph.framework.graph_io import protos
    pb = protos().tensor_pb2
    s = run(tf.serialize_tensor(tf.constant(7)))
    proto = pb.TensorProto()
    proto.ParseFromString(s)
    assert proto.dtype == 3 and proto.tensor_content == struct.pack("<i", 7)
    assert s == b"\x08\x03\x12\x00\"\x04\x07\x00\x00\x00"


def test_parse_tensor_errors():
    ser = tf.serialize_tensor([1.0, 2.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Type mismatch"):
        run(tf.parse_tensor(ser, tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="pt"):
        run(tf.parse_tensor(b"\xff\xff\xff", tf.float32, name="pt"))


def test_make_tensor_proto_and_make_ndarray():
    p = tf.make_tensor_proto(np.array([[1, 2], [3, 4]], np.int32))
    assert p.dtype == 3 and p.tensor_content == np.array([1, 2, 3, 4], "<i4").tobytes()
    s = tf.make_tensor_proto(5.0)
    assert s.dtype == 1 and list(s.float_val) == [5.0] and not s.tensor_content
    assert tf.make_tensor_proto([1, 2, 3]).dtype == 3  # Python ints: int32, as TF
    b = tf.make_tensor_proto(np.array([True, False]))
    assert list(b.bool_val) == [True, False] and not b.tensor_content
    short = tf.make_tensor_proto([1, 2], shape=[3])
    assert list(short.int_val) == [1, 2]
    np.testing.assert_array_equal(tf.make_ndarray(short), [1, 2, 2])
    strs = tf.make_tensor_proto(["a", b"b"])
    assert strs.dtype == 7 and list(strs.string_val) == [b"a", b"b"]
    np.testing.assert_array_equal(tf.make_ndarray(tf.make_tensor_proto(
        np.array([0.5, 1.5], np.float16))), np.array([0.5, 1.5], np.float16))
    with pytest.raises(ValueError, match="Too many elements"):
        tf.make_tensor_proto([1, 2, 3], shape=[2])
    with pytest.raises(TypeError, match="shape"):
        tf.make_tensor_proto([1, 2], shape=[3], verify_shape=True)
    with pytest.raises(TypeError, match="int32"):
        tf.make_tensor_proto([1.5], dtype=tf.int32)
    np.testing.assert_array_equal(tf.make_ndarray(tf.make_tensor_proto([2.0], dtype=tf.int64)),
                                  [2])
    with pytest.raises(TypeError, match="TensorProto"):
        tf.make_ndarray([1, 2])
    # a proto made here is a Const's value as TF builds it
    c = tf.constant(tf.make_ndarray(tf.make_tensor_proto(np.eye(2, dtype=np.float32))))
    np.testing.assert_array_equal(run(c), np.eye(2))


def test_timestamp():
    t = tf.timestamp()
    assert t.op.type == "Timestamp" and t.dtype == tf.float64 and t.shape.ndims == 0
    before = time.time()
    with tf.Session() as sess:
        a = sess.run(t)
        b = sess.run(t)
    assert before <= a <= b <= time.time()
