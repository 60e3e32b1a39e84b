"""Variable scopes and get_variable: TF1 naming, reuse, inheritance, errors, regularizers."""
import numpy as np
import pytest

import tfgraph as tf


def _value(v):
    with tf.Session() as sess:
        sess.run(v.initializer)
        return sess.run(v)


# --- naming -----------------------------------------------------------------------------------
def test_root_scope():
    scope = tf.get_variable_scope()
    assert scope.name == "" and scope.reuse is False and scope.original_name_scope == ""
    w = tf.get_variable("w", [2])
    assert w.name == "w:0" and w.op.name == "w"
    assert w in tf.global_variables() and w in tf.trainable_variables()


def test_nested_scopes_name_variables_and_ops():
    with tf.variable_scope("foo") as foo:
        assert foo.name == "foo" and foo.original_name_scope == "foo/"
        with tf.variable_scope("bar") as bar:
            v = tf.get_variable("v", [1])
            c = tf.constant(1.0, name="c")
        assert bar.name == "foo/bar" and bar.original_name_scope == "foo/bar/"
    assert v.name == "foo/bar/v:0"
    assert c.name == "foo/bar/c:0"
    assert tf.get_variable_scope().name == ""


def test_get_variable_ignores_name_scope():
    with tf.variable_scope("foo"):
        with tf.name_scope("ns"):
            w = tf.get_variable("w", [2])
            c = tf.constant(0.0, name="c")
    assert w.name == "foo/w:0"
    assert c.name == "foo/ns/c:0"
    assert w.initial_value.op.name == "foo/w/Initializer/random_uniform"


def test_reopened_scope_opens_new_name_scope_but_same_variable_names():
    with tf.variable_scope("foo"):
        w = tf.get_variable("w", [2])
    with tf.variable_scope("foo", reuse=True) as scope:
        w2 = tf.get_variable("w", [2])
        c = tf.constant(1.0, name="c")
    assert w2 is w
    assert c.name == "foo_1/c:0"
    assert scope.original_name_scope == "foo_1/"
    with tf.variable_scope("foo"):
        u = tf.get_variable("u", [1])
        d = tf.add(c, 1.0, name="d")
    assert u.name == "foo/u:0" and d.name == "foo_2/d:0"


def test_reentering_scope_object():
    with tf.variable_scope("foo") as foo:
        w = tf.get_variable("w", [2])
    with tf.variable_scope("other"):
        with tf.variable_scope(foo, reuse=True) as again:
            assert again.name == "foo"
            assert again.original_name_scope == "foo/"
            assert tf.get_variable("w", [2]) is w
            c = tf.constant(0.0, name="c")
    # TF1: jumping to a scope object opens a name scope called after its last component,
    # relative to the current name scope and uniquified.
    assert c.name == "other/foo/c:0"
    with tf.variable_scope(foo):
        v = tf.get_variable("v", [1])
        d = tf.constant(0.0, name="d")
    assert v.name == "foo/v:0"
    assert d.name == "foo_1/d:0"


def test_same_variable_scope_object_entered_twice():
    vs = tf.variable_scope("blk")
    with vs as s1:
        a = tf.get_variable("a", [1])
    with vs as s2:
        assert s2.name == s1.name == "blk"
        assert s2.original_name_scope == "blk/"
        c = tf.constant(0.0, name="c")
        s2.reuse_variables()
        assert tf.get_variable("a", [1]) is a
    assert c.name == "blk_1/c:0"  # the name scope is opened anew


def test_default_name_is_uniquified():
    names = []
    for _ in range(3):
        with tf.variable_scope(None, default_name="dense"):
            names.append(tf.get_variable("kernel", [2, 2]).name)
    assert names == ["dense/kernel:0", "dense_1/kernel:0", "dense_2/kernel:0"]


def test_default_name_counts_reset_when_parent_reopened():
    with tf.variable_scope("net"):
        with tf.variable_scope(None, default_name="layer"):
            k = tf.get_variable("k", [1])
    with tf.variable_scope("net", reuse=True):
        with tf.variable_scope(None, default_name="layer"):
            k2 = tf.get_variable("k", [1])
    assert k.name == "net/layer/k:0"
    assert k2 is k


def test_auxiliary_name_scope_false():
    with tf.name_scope("outer"):
        with tf.variable_scope("vs", auxiliary_name_scope=False):
            w = tf.get_variable("w", [1])
            c = tf.constant(0.0, name="c")
    assert w.name == "vs/w:0"
    assert c.name == "outer/c:0"


# --- reuse ------------------------------------------------------------------------------------
def test_create_twice_fails_with_tf1_message():
    with tf.variable_scope("foo"):
        tf.get_variable("w", [2])
    with pytest.raises(ValueError) as e:
        with tf.variable_scope("foo"):
            tf.get_variable("w", [2])
    assert str(e.value).startswith(
        "Variable foo/w already exists, disallowed. Did you mean to set reuse=True or "
        "reuse=tf.AUTO_REUSE in VarScope?")


def test_reuse_missing_fails_with_tf1_message():
    with pytest.raises(ValueError) as e:
        with tf.variable_scope("foo", reuse=True):
            tf.get_variable("w", [2])
    assert str(e.value) == ("Variable foo/w does not exist, or was not created with "
                            "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                            "VarScope?")


def test_shape_and_dtype_mismatch_on_reuse():
    with tf.variable_scope("foo"):
        tf.get_variable("w", [2])
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError) as e:
            tf.get_variable("w", [3])
        assert str(e.value) == ("Trying to share variable foo/w, but specified shape (3,) and "
                                "found shape (2,).")
        with pytest.raises(ValueError,
                           match="specified dtype float64 and found dtype float32_ref."):
            tf.get_variable("w", [2], dtype=tf.float64)
        assert tf.get_variable("w").shape.as_list() == [2]  # no shape given: any shape matches


def test_auto_reuse():
    def net():
        with tf.variable_scope("net", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", [3])
    a, b = net(), net()
    assert a is b
    assert len(tf.global_variables()) == 1
    assert repr(tf.AUTO_REUSE) == "<_ReuseMode.AUTO_REUSE: 1>"


def test_reuse_is_inherited_and_false_does_not_turn_it_off():
    with tf.variable_scope("a"):
        with tf.variable_scope("b"):
            w = tf.get_variable("w", [1])
    with tf.variable_scope("a", reuse=True) as a:
        assert a.reuse is True
        with tf.variable_scope("b", reuse=False) as b:
            assert b.reuse is True
            assert tf.get_variable("w", [1]) is w


def test_reuse_variables():
    with tf.variable_scope("s") as scope:
        w = tf.get_variable("w", [2])
        scope.reuse_variables()
        assert scope.reuse is True
        assert tf.get_variable("w", [2]) is w
        assert tf.get_variable_scope() is scope


def test_reuse_root_scope():
    w = tf.get_variable("w", [2])
    with tf.variable_scope(tf.get_variable_scope(), reuse=True) as root:
        assert root.name == ""
        assert tf.get_variable("w", [2]) is w
        c = tf.constant(0.0, name="c")
    assert c.name == "c:0"


def test_variable_scope_argument_errors():
    with pytest.raises(TypeError, match="name_or_scope is required"):
        tf.variable_scope(None)
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with tf.variable_scope(None, default_name="d", reuse=True):
            pass
    with pytest.raises(ValueError, match="reuse parameter"):
        tf.variable_scope("x", reuse="yes")
    with pytest.raises(TypeError, match="must be a string or VariableScope"):
        with tf.variable_scope(3):
            pass
    assert tf.get_variable_scope().name == ""  # failed entries leave no scope behind
    assert tf.get_default_graph().get_name_scope() == ""


# --- defaults from the scope ------------------------------------------------------------------
def test_scope_initializer_is_inherited_and_overridable():
    with tf.variable_scope("s", initializer=tf.constant_initializer(3.0)):
        a = tf.get_variable("a", [2])
        with tf.variable_scope("inner"):
            b = tf.get_variable("b", [1])
        c = tf.get_variable("c", [1], initializer=tf.constant_initializer(-1.0))
    np.testing.assert_array_equal(_value(a), [3.0, 3.0])
    np.testing.assert_array_equal(_value(b), [3.0])
    np.testing.assert_array_equal(_value(c), [-1.0])


def test_scope_dtype_and_set_initializer():
    with tf.variable_scope("d", dtype=tf.float64) as scope:
        v = tf.get_variable("v", [2])
        scope.set_initializer(tf.constant_initializer(5.0))
        u = tf.get_variable("u", [2])
    assert v.dtype == tf.float64 and _value(v).dtype == np.float64
    np.testing.assert_array_equal(_value(u), [5.0, 5.0])


def test_default_initializer_by_dtype():
    i = tf.get_variable("i", [3], dtype=tf.int32)
    b = tf.get_variable("b", [2], dtype=tf.bool)
    assert _value(i).tolist() == [0, 0, 0] and _value(i).dtype == np.int32
    assert _value(b).tolist() == [False, False]
    assert tf.get_default_graph().get_operation_by_name("i/Initializer/zeros").type == "Const"
    f = _value(tf.get_variable("f", [10, 10]))
    assert f.dtype == np.float32 and np.abs(f).max() <= np.sqrt(6.0 / 20) and f.std() > 0.1


# --- initializer forms ------------------------------------------------------------------------
def test_initializer_values_and_tensors():
    v = tf.get_variable("v", initializer=[1.0, 2.0])
    assert v.initial_value.op.name == "v/initial_value"
    np.testing.assert_array_equal(_value(v), [1.0, 2.0])
    t = tf.constant([[1, 2]], name="t")
    w = tf.get_variable("w", initializer=t)
    assert w.dtype == tf.int32 and w.shape.as_list() == [1, 2]
    assert w.initial_value is t
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape."):
        tf.get_variable("x", [2], initializer=t)
    with pytest.raises(ValueError, match="Initializer type .* and explicit dtype .* don't match"):
        tf.get_variable("y", initializer=t, dtype=tf.float32)


def test_initializer_class_and_no_arg_callable():
    z = tf.get_variable("z", [2], initializer=tf.zeros_initializer)  # the class itself
    np.testing.assert_array_equal(_value(z), [0.0, 0.0])
    f = tf.get_variable("f", initializer=lambda: tf.ones([3]), validate_shape=True)
    assert f.shape.as_list() == [3]
    assert f.initial_value.op.name.startswith("f/Initializer/")
    k = tf.get_variable("k", [2], initializer=lambda shape, dtype: tf.fill(shape, 4.0))
    np.testing.assert_array_equal(_value(k), [4.0, 4.0])  # no partition_info argument
    with pytest.raises(ValueError, match="The initializer passed is not valid"):
        tf.get_variable("g")  # no shape, default initializer needs one


def test_trainable_collections_and_local_variables():
    a = tf.get_variable("a", [1], trainable=False)
    b = tf.get_variable("b", [1], collections=["mine", tf.GraphKeys.GLOBAL_VARIABLES])
    loc = tf.get_local_variable("loc", [2])
    assert a in tf.global_variables() and a not in tf.trainable_variables()
    assert b in tf.get_collection("mine") and b in tf.trainable_variables()
    assert loc in tf.local_variables()
    assert loc not in tf.global_variables() and loc not in tf.trainable_variables()


def test_scope_collections():
    with tf.variable_scope("m") as m:
        w = tf.get_variable("w", [1])
        n = tf.get_variable("n", [1], trainable=False)
    tf.get_variable("mm", [1])  # "mm" does not start with "m/"
    assert m.global_variables() == [w, n]
    assert m.trainable_variables() == [w]


# --- regularizers and custom getters ----------------------------------------------------------
def test_regularizer_loss_collected():
    def l2(v):
        return tf.multiply(0.5, tf.reduce_sum(v * v), name="l2")

    with tf.variable_scope("foo"):
        with tf.name_scope("ignored"):
            w = tf.get_variable("w", initializer=[1.0, 2.0], regularizer=l2)
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1
    assert losses[0].name == "foo/w/Regularizer/l2:0"
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(losses[0]) == pytest.approx(2.5)


def test_scope_regularizer_and_no_regularizer():
    with tf.variable_scope("r", regularizer=lambda v: tf.reduce_sum(v)):
        tf.get_variable("a", [2])
        tf.get_variable("b", [2], regularizer=tf.no_regularizer)
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [t.name for t in losses] == ["r/a/Regularizer/Sum:0"]


def test_custom_getters_chain():
    calls = []

    def outer(getter, name, *args, **kwargs):
        calls.append(("outer", name))
        return getter(name, *args, **kwargs)

    def inner(getter, name, *args, **kwargs):
        calls.append(("inner", name))
        kwargs["trainable"] = False
        return getter(name, *args, **kwargs)

    with tf.variable_scope("o", custom_getter=outer):
        with tf.variable_scope("i", custom_getter=inner):
            v = tf.get_variable("v", [1])
    assert v.name == "o/i/v:0"
    assert calls == [("inner", "o/i/v"), ("outer", "o/i/v")]
    assert v not in tf.trainable_variables()
    with pytest.raises(ValueError, match="not callable"):
        tf.get_variable("x", [1], custom_getter=3)


# --- graphs -----------------------------------------------------------------------------------
def test_store_is_per_graph():
    tf.get_variable("w", [1])
    g = tf.Graph()
    with g.as_default():
        w2 = tf.get_variable("w", [1])  # no clash: another graph's store
        assert tf.get_variable_scope().name == ""
    assert w2.graph is g


def test_values_select_the_graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0)
    with tf.variable_scope("s", values=[x]):
        w = tf.get_variable("w", [1])
    assert w.graph is g and w.name == "s/w:0"
    assert tf.get_default_graph() is not g


def test_variable_op_scope_alias():
    x = tf.constant(1.0)
    with tf.variable_op_scope([x], None, default_name="op") as scope:
        assert scope.name == "op"
