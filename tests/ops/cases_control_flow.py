"""Finite-difference gradient cases for control flow (tf.cond, tf.while_loop) and the
pass-through ops (CheckNumerics, IdentityN, Print); see gradcheck.py for the format."""
from __future__ import annotations

import tfgraph as tf
from gradcheck import Case


def _cond(x, y):
    # Both branches use both inputs; the predicate depends on the data (true at the seed).
    pred = tf.reduce_sum(x) < 100.0
    return tf.cond(pred, lambda: tf.sin(x) * y, lambda: x + y)


def _cond_false(x, y):
    return tf.cond(tf.reduce_sum(x) > 100.0, lambda: tf.sin(x) * y, lambda: x * y * y)


def _while(x, w):
    # y <- tanh(y @ w) + y, three times: gradients through the stacks and the captured w.
    _, y = tf.while_loop(lambda i, y: i < 3,
                         lambda i, y: (i + 1, tf.tanh(tf.matmul(y, w)) + y), [0, x])
    return y


def _while_nested_vars(x):
    out = tf.while_loop(lambda v: v["i"] < 2,
                        lambda v: {"i": v["i"] + 1, "a": v["a"] * tf.cos(v["b"]),
                                   "b": v["b"] + v["a"]},
                        [{"i": tf.constant(0), "a": x, "b": x * 0.5}])
    return out["a"] + out["b"]


CASES = {
    "Switch": [Case(_cond, [(2, 3), (2, 3)], second_order=True, label="true_branch"),
               Case(_cond_false, [(2, 3), (2, 3)], second_order=True, label="false_branch")],
    "Merge": [Case(_cond, [(3,), (3,)])],
    "Enter": [Case(_while, [(2, 2), (2, 2)], low=-0.5, high=0.5)],
    "Exit": [Case(_while_nested_vars, [(3,)])],
    "NextIteration": [Case(_while, [(1, 3), (3, 3)], low=-0.5, high=0.5)],
    "CheckNumerics": [Case(lambda x: tf.check_numerics(x * x, "x squared"), [(2, 3)],
                           second_order=True)],
    "IdentityN": [Case(lambda a, b: tf.identity_n([a * b, tf.sin(b)]), [(2,), (2,)])],
    "Print": [Case(lambda x: tf.Print(x * 2.0, [x], first_n=0), [(3,)])],
}


def _ta_roundtrip(x):
    # unstack -> read/write in a loop -> stack, plus gather/concat/split outside loops
    ta = tf.TensorArray(tf.float64, size=3).unstack(x)
    out = tf.TensorArray(tf.float64, size=3)
    _, out = tf.while_loop(lambda i, o: i < 3, lambda i, o: (i + 1, o.write(i, ta.read(i) * 2.0)),
                           (0, out))
    g = tf.TensorArray(tf.float64, size=3).scatter([2, 0, 1], x).gather([1, 2])
    c = tf.TensorArray(tf.float64, size=2).split(tf.reshape(x, [-1]), [4, 2]).concat()
    st = out.stack()
    return [st * st, g, tf.sin(c)]


CASES.update({
    "TensorArrayReadV3": [Case(_ta_roundtrip, [(3, 2)], label="loop")],
    "TensorArrayWriteV3": [Case(lambda x: tf.TensorArray(tf.float64, size=2).write(
        0, x).write(1, x * x).stack(), [(3,)])],
    "TensorArrayGatherV3": [Case(_ta_roundtrip, [(3, 2)])],
    "TensorArrayScatterV3": [Case(lambda x: tf.TensorArray(tf.float64, size=2).unstack(
        tf.tanh(x)).read(1), [(2, 3)])],
    "TensorArrayConcatV3": [Case(_ta_roundtrip, [(3, 2)], label="concat")],
    "TensorArraySplitV3": [Case(_ta_roundtrip, [(3, 2)], label="split")],
})

CASES.update({
    "DynamicStitch": [Case(lambda a, b: tf.dynamic_stitch([[0, 2], [[1], [3]]], [a, b]),
                           [(2, 3), (2, 1, 3)], second_order=True)],
    "ParallelDynamicStitch": [Case(lambda a: tf.get_default_graph().create_op(
        "ParallelDynamicStitch", [tf.constant([1, 0]), a], {"N": 1}).outputs[0], [(2, 2)])],
})
