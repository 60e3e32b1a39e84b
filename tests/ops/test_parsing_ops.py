"""parse_example / parse_single_example, decode_raw, decode_csv, read_file/write_file."""
import numpy as np
import pytest

import tfgraph as tf


def _ex(**feats):
    f = {}
    for k, v in feats.items():
        if isinstance(v, tuple) and v[0] == "f":
            f[k] = tf.train.Feature(float_list=tf.train.FloatList(value=v[1]))
        elif isinstance(v, tuple) and v[0] == "i":
            f[k] = tf.train.Feature(int64_list=tf.train.Int64List(value=v[1]))
        else:
            f[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=v))
    return tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString()


def test_parse_single_example_dense_sparse_and_defaults():
    rec = _ex(x=("f", [1.0, 2.0, 3.0, 4.0]), n=("i", [7]), s=[b"a", b"bc"])
    p = tf.parse_single_example(tf.constant(rec), {
        "x": tf.FixedLenFeature([2, 2], tf.float32),
        "n": tf.FixedLenFeature([], tf.int64),
        "s": tf.VarLenFeature(tf.string),
        "missing": tf.FixedLenFeature([2], tf.int64, default_value=[5, 6]),
        "seq": tf.FixedLenSequenceFeature([], tf.float32, allow_missing=True)})
    assert p["x"].shape.as_list() == [2, 2] and p["x"].dtype == tf.float32
    assert p["seq"].shape.as_list() == [None]
    with tf.Session() as sess:
        v = sess.run(p)
    np.testing.assert_array_equal(v["x"], np.array([[1, 2], [3, 4]], np.float32))
    assert v["n"] == 7 and v["n"].dtype == np.int64
    np.testing.assert_array_equal(v["s"].indices, [[0], [1]])
    assert list(v["s"].values) == [b"a", b"bc"] and list(v["s"].dense_shape) == [2]
    np.testing.assert_array_equal(v["missing"], [5, 6])
    assert v["seq"].shape == (0,)


def test_parse_example_batch_varlen_and_sequence_padding():
    recs = [_ex(v=("i", [1, 2, 3]), q=("f", [1, 2, 3, 4])), _ex(v=("i", []), q=("f", [5, 6])),
            _ex(v=("i", [9]), q=("f", []))]
    p = tf.parse_example(tf.constant(recs, dtype=tf.string), {
        "v": tf.VarLenFeature(tf.int64),
        "q": tf.FixedLenSequenceFeature([2], tf.float32, default_value=-1.0)})
    with tf.Session() as sess:
        v, q = sess.run([p["v"], p["q"]])
    np.testing.assert_array_equal(v.indices, [[0, 0], [0, 1], [0, 2], [2, 0]])
    np.testing.assert_array_equal(v.values, [1, 2, 3, 9])
    np.testing.assert_array_equal(v.dense_shape, [3, 3])
    exp = np.full((3, 2, 2), -1, np.float32)
    exp[0] = [[1, 2], [3, 4]]
    exp[1, 0] = [5, 6]
    np.testing.assert_array_equal(q, exp)


def test_missing_required_feature_names_it():
    p = tf.parse_single_example(tf.constant(_ex(a=("i", [1]))),
                                {"label": tf.FixedLenFeature([], tf.int64)})
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Feature: label .*required"):
            sess.run(p["label"])


def test_type_and_size_mismatch_and_bad_record():
    x = tf.placeholder(tf.string, [])
    p = tf.parse_single_example(x, {"a": tf.FixedLenFeature([2], tf.float32)})
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Key: a.*Data types don't match"):
            sess.run(p["a"], {x: _ex(a=("i", [1, 2]))})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Key: a.*Values size: 3"):
            sess.run(p["a"], {x: _ex(a=("f", [1, 2, 3]))})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse example"):
            sess.run(p["a"], {x: b"\xff\xff\xff"})
    with pytest.raises(ValueError, match="Unsupported dtype int32 for feature 'b'"):
        tf.parse_single_example(x, {"b": tf.FixedLenFeature([], tf.int32)})


def test_decode_raw_endianness_and_shapes():
    a = np.arange(6, dtype=np.float32)
    r = tf.decode_raw(tf.constant([a[:3].tobytes(), a[3:].tobytes()]), tf.float32)
    be = tf.decode_raw(tf.constant(np.arange(2, dtype=">i2").tobytes()), tf.int16, little_endian=False)
    assert r.shape.as_list() == [2, None]
    with tf.Session() as sess:
        rv, bv = sess.run([r, be])
    np.testing.assert_array_equal(rv, a.reshape(2, 3))
    assert rv.dtype == np.float32
    np.testing.assert_array_equal(bv, [0, 1])
    bad = tf.decode_raw(tf.constant([b"abcd", b"ab"]), tf.uint8, name="raw")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="same size.*element 1.*'raw'"):
            sess.run(bad)


def test_decode_csv_types_defaults_quotes_and_errors():
    recs = tf.constant(["1,2.5,\"a,b\",7", ",,x,", "3,4,y,8"])
    cols = tf.io.decode_csv(recs, [[0], [0.0], [""], tf.constant([], tf.int64)], name="csv")
    assert [c.dtype for c in cols] == [tf.int32, tf.float32, tf.string, tf.int64]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Field 3 is required.*record 1"):
            sess.run(cols)
    cols = tf.decode_csv(tf.constant(["1,2.5,\"a,b\",7", ",,x,9"]), [[-1], [0.5], ["d"], [0]],
                         select_cols=None)
    with tf.Session() as sess:
        a, b, c, d = sess.run(cols)
    np.testing.assert_array_equal(a, [1, -1])
    np.testing.assert_array_equal(b, np.array([2.5, 0.5], np.float32))
    assert list(c) == [b"a,b", b"x"]
    np.testing.assert_array_equal(d, [7, 9])
    bad = tf.decode_csv(tf.constant(["1,2"]), [[0]], name="csv2")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 1 fields but have 2.*csv2"):
            sess.run(bad)
    bad = tf.decode_csv(tf.constant(["x"]), [[0]], name="csv3")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="not a valid int32: 'x'.*csv3"):
            sess.run(bad)


def test_read_write_and_matching_files(tmp_path):
    path = str(tmp_path / "sub" / "f.bin")
    w = tf.io.write_file(path, tf.constant(b"\x00abc"))
    r = tf.read_file(path)
    m = tf.io.matching_files(str(tmp_path / "sub" / "*.bin"))
    missing = tf.io.read_file(str(tmp_path / "nope.txt"), name="rf")
    with tf.Session() as sess:
        sess.run(w)
        assert sess.run(r) == b"\x00abc"
        assert list(sess.run(m)) == [path.encode()]
        with pytest.raises(tf.errors.NotFoundError, match="nope.txt.*'rf'"):
            sess.run(missing)


def test_matching_files_sorts_across_patterns(tmp_path):
    for n in ("a1", "b1", "a2"):
        (tmp_path / n).write_bytes(b"")
    m = tf.io.matching_files([str(tmp_path / "b*"), str(tmp_path / "a*")])
    with tf.Session() as sess:  # TF1: [a1, a2, b1], one sort over all matches
        assert list(sess.run(m)) == [str(tmp_path / n).encode() for n in ("a1", "a2", "b1")]


def test_parse_single_sequence_example():
    F = tf.train
    seq = F.SequenceExample(
        context=F.Features(feature={"length": F.Feature(int64_list=F.Int64List(value=[3]))}),
        feature_lists=F.FeatureLists(feature_list={
            "tokens": F.FeatureList(feature=[F.Feature(int64_list=F.Int64List(value=[v]))
                                             for v in (5, 7, 9)]),
            "vec": F.FeatureList(feature=[F.Feature(float_list=F.FloatList(value=[i, -i]))
                                          for i in (1.0, 2.0, 3.0)]),
            "words": F.FeatureList(feature=[F.Feature(bytes_list=F.BytesList(value=w))
                                            for w in ([b"a", b"b"], [], [b"c"])])}))
    ctx, sq = tf.io.parse_single_sequence_example(
        tf.constant(seq.SerializeToString()),
        context_features={"length": tf.FixedLenFeature([], tf.int64),
                          "lang": tf.FixedLenFeature([], tf.string, default_value="en")},
        sequence_features={"tokens": tf.FixedLenSequenceFeature([], tf.int64),
                           "vec": tf.FixedLenSequenceFeature([2], tf.float32),
                           "words": tf.VarLenFeature(tf.string),
                           "absent": tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True)})
    assert sq["vec"].shape.as_list() == [None, 2]
    with tf.Session() as sess:
        c, s = sess.run([ctx, sq])
    assert c["length"] == 3 and c["lang"] == b"en"
    np.testing.assert_array_equal(s["tokens"], [5, 7, 9])
    np.testing.assert_array_equal(s["vec"], np.array([[1, -1], [2, -2], [3, -3]], np.float32))
    np.testing.assert_array_equal(s["words"].indices, [[0, 0], [0, 1], [2, 0]])
    assert list(s["words"].values) == [b"a", b"b", b"c"] and list(s["words"].dense_shape) == [3, 2]
    assert s["absent"].shape == (0,)
    missing = tf.io.parse_single_sequence_example(
        tf.constant(seq.SerializeToString()),
        sequence_features={"nope": tf.FixedLenSequenceFeature([], tf.int64)}, name="seq")[1]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Feature list 'nope' is required"):
            sess.run(missing)
