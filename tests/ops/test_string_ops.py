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
