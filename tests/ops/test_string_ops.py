"""String tensors hold bytes, as in TF1 (constants, feeds, fetches), and the string ops."""
from __future__ import annotations

import numpy as np

import tfgraph as tf


def test_string_constants_and_feeds_hold_bytes():
    p = tf.placeholder(tf.string, [None])
    with tf.Session() as sess:
        assert sess.run(tf.constant("hi")) == b"hi"
        assert sess.run(tf.constant("é")) == "é".encode("utf-8")
        out = sess.run(tf.constant(["a", "bc"]))
        assert out.dtype == object and out.tolist() == [b"a", b"bc"]
        fed = sess.run(p + "!", {p: ["x", b"y", np.str_("z")]})
        assert fed.tolist() == [b"x!", b"y!", b"z!"]


def test_string_ops_values():
    with tf.Session() as sess:
        out = sess.run({
            "join": tf.strings.join(["a", ["b", "c"]], separator="-"),
            "len": tf.strings.length(["abc", "é"]),
            "len8": tf.strings.length(["abc", "é"], unit="UTF8_CHAR"),
            "up": tf.strings.upper(["ab", "Cd"]), "low": tf.strings.lower("AbC"),
            "num": tf.strings.to_number(["1.5", " -2"]),
            "int": tf.string_to_number(["7", "-3"], out_type=tf.int64),
            "sub": tf.strings.substr(["hello", "world"], [1, -3], 3),
            "as": tf.as_string([1.5, 2.0]), "as2": tf.as_string([True, False]),
            "asi": tf.as_string([3], width=3, fill="0"),
            "red": tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=1, separator=","),
            "redall": tf.reduce_join([["a", "b"], ["c", "d"]]),
            "re": tf.strings.regex_replace(["aab", "ba"], "a+", "x"),
            "re1": tf.regex_replace(["aXa"], "a", "y", replace_global=False),
            "strip": tf.string_strip([" x ", "y\n"]),
            "match": tf.strings.regex_full_match(["ab1", "ab"], "[a-z]+\\d"),
        })
    assert out["join"].tolist() == [b"a-b", b"a-c"]
    assert out["len"].tolist() == [3, 2] and out["len8"].tolist() == [3, 1]
    assert out["up"].tolist() == [b"AB", b"CD"] and out["low"] == b"abc"
    np.testing.assert_array_equal(out["num"], np.array([1.5, -2.0], np.float32))
    assert out["int"].dtype == np.int64 and out["int"].tolist() == [7, -3]
    assert out["sub"].tolist() == [b"ell", b"rld"]
    assert out["as"].tolist() == [b"1.500000", b"2.000000"]
    assert out["as2"].tolist() == [b"true", b"false"] and out["asi"].tolist() == [b"003"]
    assert out["red"].tolist() == [b"a,b", b"c,d"] and out["redall"] == b"abcd"
    assert out["re"].tolist() == [b"xb", b"bx"] and out["re1"].tolist() == [b"yXa"]
    assert out["strip"].tolist() == [b"x", b"y"] and out["match"].tolist() == [True, False]


def test_string_op_errors():
    import pytest
    with pytest.raises(TypeError, match="string"):
        tf.strings.upper(tf.constant([1.0]))
    with pytest.raises(ValueError, match="unit"):
        tf.strings.length(["a"], unit="CHAR")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="could not correctly convert"):
            sess.run(tf.strings.to_number(["1x"]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
            sess.run(tf.strings.substr(["ab"], 5, 1))
