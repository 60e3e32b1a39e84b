"""TF1's error classes and messages for user mistakes that used to surface from deep inside
(issue 13, item 7): unconvertible constants, invalid op names, bad feed values, unhashable
fetches, run-time shape mismatches. Each error names the value, tensor or op, and changes
nothing."""
import re

import numpy as np
import pytest

import tfgraph as tf


# --- constants --------------------------------------------------------------------------------
def test_constant_none_is_rejected():
    with pytest.raises(ValueError, match="None values not supported"):
        tf.constant(None)
    c = tf.constant(1.0)
    with pytest.raises(ValueError, match="None values not supported"):
        tf.add(c, None)
    with pytest.raises(ValueError, match="None values not supported"):
        tf.constant(None, tf.float32)
    assert [op.name for op in tf.get_default_graph().get_operations()] == ["Const"]


@pytest.mark.parametrize("value", [2**70, 2**64, object(), [1, "a"], ["a", 1], [1, None], {}],
                         ids=["2**70", "2**64", "object", "int-str", "str-int", "int-None", "dict"])
def test_constant_of_unsupported_elements_is_a_type_error(value):
    with pytest.raises(TypeError, match=r"Failed to convert elements of " + re.escape(repr(value))):
        tf.constant(value)
    assert tf.get_default_graph().get_operations() == []


def test_constants_tf1_accepts_keep_their_dtype():
    assert tf.constant(2**40).dtype == tf.int64
    assert tf.constant(2**63).dtype == tf.uint64
    assert tf.constant([b"a", "b"]).dtype == tf.string
    assert tf.constant(np.array([b"x", b"yz"], object)).dtype == tf.string
    big = tf.constant(2**70, tf.float32)
    assert big.dtype == tf.float32
    with tf.Session() as sess:
        assert sess.run(big) == np.float32(2.0**70)


# --- op names ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["a:0", "bad name!", "_x", "-x", "a b", "é"])
def test_invalid_op_names_are_rejected(name):
    with pytest.raises(ValueError, match=re.escape(f"'{name}' is not a valid node name")):
        tf.constant(1.0, name=name)
    with pytest.raises(ValueError, match=re.escape(f"'{name}' is not a valid node name")):
        tf.placeholder(tf.float32, name=name)
    with pytest.raises(ValueError, match=re.escape(f"'{name}' is not a valid root scope name")):
        tf.Variable(1.0, name=name)
    with pytest.raises(ValueError, match=re.escape(f"'{name}' is not a valid root scope name")):
        tf.name_scope(name).__enter__()
    # Nothing was added and no name was used up.
    assert tf.get_default_graph().get_operations() == []
    assert tf.constant(1.0).name == "Const:0"


def test_valid_op_names_as_tf1():
    assert tf.constant(1.0, name="ok.x").name == "ok.x:0"
    assert tf.constant(1.0, name="a/b").name == "a/b:0"
    assert tf.constant(1.0, name="9lives-x>y").name == "9lives-x>y:0"
    with tf.name_scope("outer"):
        # Inside a scope, a leading "_" is fine (TF1's scope regex), for ops and scopes.
        assert tf.constant(1.0, name="_x").name == "outer/_x:0"
        with tf.name_scope("_inner") as scope:
            assert scope == "outer/_inner/"
        with pytest.raises(ValueError, match=re.escape("'b c' is not a valid scope name")):
            tf.name_scope("b c").__enter__()


def test_fetching_a_tensor_name_cannot_reach_another_op():
    a = tf.constant(1.0, name="a")
    with pytest.raises(ValueError, match="'a:0' is not a valid node name"):
        tf.constant(2.0, name="a:0")
    with tf.Session() as sess:
        assert sess.run("a:0") == 1.0
        assert sess.run(a) == 1.0


# --- feeds ------------------------------------------------------------------------------------
def test_feeding_an_int_too_big_for_int32_names_the_tensor_and_suggests_int64():
    p = tf.placeholder(tf.int32, [], name="p")
    p2 = tf.placeholder(tf.int32, [2], name="p2")
    with tf.Session() as sess:
        with pytest.raises(TypeError, match=r"1099511627776 .*'p:0'.*int64"):
            sess.run(p + 1, {p: 2**40})
        with pytest.raises(TypeError, match=r"not compatible with Tensor type int32 of tensor "
                                            r"'p2:0'.*int64"):
            sess.run(p2, {p2: [1, 2**40]})
        f = sess.make_callable(p + 1, [p])
        with pytest.raises(TypeError, match=r"'p:0'.*int64"):
            f(2**40)
        assert sess.run(p + 1, {p: 2**31 - 2}) == 2**31 - 1


def test_feeding_a_tensor_as_a_value_is_a_type_error():
    q = tf.placeholder(tf.float32, [3], name="q")
    p = tf.placeholder(tf.int32, [], name="p")
    c = tf.constant([1.0, 2.0, 3.0], name="c")
    v = tf.Variable([1.0, 2.0, 3.0], name="v")
    s = tf.constant(1.0, name="s")
    msg = r"The value of a feed cannot be a tf.Tensor object.*'{}'.*key.*'{}'"
    with tf.Session() as sess:
        with pytest.raises(TypeError, match=msg.format("c:0", "q:0")):
            sess.run(q, {q: c})
        with pytest.raises(TypeError, match=msg.format("Const:0", "p:0")):
            sess.run(p, {p: tf.constant(3)})
        with pytest.raises(TypeError, match=msg.format("v:0", "q:0")):
            sess.run(q, {q: v})
        with pytest.raises(TypeError, match=r"The value of a feed cannot be a tf.Tensor .*'s:0'"):
            sess.run(q, {q: [s, s, s]})
        np.testing.assert_array_equal(sess.run(q, {q: [4, 5, 6]}), [4, 5, 6])


def test_feeding_none_names_the_tensor():
    p = tf.placeholder(tf.int32, [], name="p")
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="Cannot feed value for tensor 'p:0'"):
            sess.run(p, {p: None})


# --- fetches ----------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda c: np.ones(3), lambda c: {c}, lambda c: [c, np.ones(2)],
                                  lambda c: {"k": {c}}],
                         ids=["ndarray", "set", "list-with-ndarray", "dict-with-set"])
def test_unhashable_fetches_name_the_fetch_and_its_type(make):
    c = tf.constant(1.0, name="c")
    fetch = make(c)
    with tf.Session() as sess:
        with pytest.raises(TypeError, match=r"Fetch argument .* has invalid type <class "
                                            r"'(numpy.ndarray|set)'>, must be a string or Tensor"):
            sess.run(fetch)
        assert sess.run(c) == 1.0  # the session still works


def test_none_fetch():
    c = tf.constant(1.0, name="c")
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="Fetch argument None has invalid type"):
            sess.run([c, None])


# --- run-time shape errors --------------------------------------------------------------------
def test_runtime_broadcast_error_names_both_shapes_and_the_op():
    a = tf.placeholder(tf.float32, [None], name="a")
    b = tf.placeholder(tf.float32, [None], name="b")
    s = tf.add(a, b, name="my_add")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Incompatible shapes: \[5\] vs. \[3\] in op 'my_add' \(Add\) "
                                 r"with inputs 'a:0' \[5\], 'b:0' \[3\]") as info:
            sess.run(s, {a: np.ones(5), b: np.ones(3)})
        assert info.value.op is s.op
        assert "remapped" not in str(info.value) and "default" not in str(info.value)


def test_runtime_xent_batch_mismatch_names_both_sizes():
    logits = tf.placeholder(tf.float32, [None, 4], name="logits")
    labels = tf.placeholder(tf.float32, [None, 4], name="labels")
    xent = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, name="xent")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"logits and labels must be broadcastable: logits_size=\[5,4\] "
                                 r"labels_size=\[3,4\]") as info:
            sess.run(xent, {logits: np.ones((5, 4)), labels: np.ones((3, 4))})
        assert "'xent'" in str(info.value) and "[5,4]" in str(info.value)
        # A batch of 1 still broadcasts, as in TF1.
        got = sess.run(xent, {logits: np.zeros((5, 4)), labels: np.full((1, 4), 0.25)})
        np.testing.assert_allclose(got, np.full(5, np.log(4.0), np.float32), rtol=1e-6)


def test_runtime_matmul_error_names_the_inputs_shapes():
    m1 = tf.placeholder(tf.float32, [None, None], name="m1")
    m2 = tf.placeholder(tf.float32, [None, None], name="m2")
    mm = tf.matmul(m1, m2, name="mm")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"op 'mm' \(MatMul\) with inputs 'm1:0' \[2,3\], 'm2:0' \[4,2\]"):
            sess.run(mm, {m1: np.ones((2, 3)), m2: np.ones((4, 2))})


def test_string_feeds_hold_bytes_and_refuse_tensors_and_numbers():
    s = tf.placeholder(tf.string, [], name="s")
    q = tf.placeholder(tf.string, [2], name="q")
    c = tf.constant("a", name="c")
    with tf.Session() as sess:
        assert sess.run(s, {s: "a"}) == b"a"
        assert sess.run(s, {s: b"a\x00"}) == b"a\x00"
        assert sess.run(q, {q: np.array(["x", "é"])}).tolist() == [b"x", "é".encode()]
        with pytest.raises(TypeError, match=r"The value of a feed cannot be a tf.Tensor .*'c:0'"):
            sess.run(s, {s: c})
        with pytest.raises(TypeError, match=r"The value of a feed cannot be a tf.Tensor .*'q:0'"):
            sess.run(q, {q: [c, c]})
        with pytest.raises(TypeError, match=r"Cannot feed value for tensor 's:0' of dtype string"):
            sess.run(s, {s: 3})
