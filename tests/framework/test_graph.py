"""Graph, Operation and Tensor: TF1 naming rules, scopes, collections, control deps, finalize."""
import numpy as np
import pytest

import tfgraph as tf


def test_default_op_names_are_uniquified_by_type():
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    c = tf.add(a, b)
    d = tf.add(a, b)
    e = tf.matmul([[1.0]], [[2.0]])
    assert [a.op.name, b.op.name, c.op.name, d.op.name] == ["Const", "Const_1", "Add", "Add_1"]
    assert e.op.name == "MatMul"
    assert c.name == "Add:0"


def test_uniquification_is_case_insensitive_like_tf1():
    a = tf.constant(1.0)
    x = tf.add(a, a)
    y = a + a  # the operator opens an "add" name scope
    assert x.op.name == "Add"
    assert y.op.name == "add_1"


def test_name_scopes_nest_and_reopen_as_suffixed():
    with tf.name_scope("a"):
        with tf.name_scope("b"):
            m = tf.matmul([[1.0]], [[1.0]])
    with tf.name_scope("a"):
        n = tf.constant(1.0, name="c")
    assert m.op.name == "a/b/MatMul"
    assert n.op.name == "a_1/c"


def test_name_scope_yields_scope_string_and_exact_reentry():
    with tf.name_scope("outer") as scope:
        assert scope == "outer/"
    with tf.name_scope(scope):  # a name ending in "/" re-enters exactly
        c = tf.constant(0, name="x")
    with tf.name_scope(None):
        d = tf.constant(0, name="top")
    assert c.op.name == "outer/x"
    assert d.op.name == "top"


def test_explicit_names_in_scope_and_invalid_scope_name():
    with tf.name_scope("layer"):
        t = tf.add(1.0, 2.0, name="sum")
    assert t.op.name == "layer/sum"
    with pytest.raises(ValueError, match=r"'bad name!' is not a valid root scope name"):
        with tf.name_scope("bad name!"):
            pass


def test_get_tensor_and_operation_by_name():
    g = tf.get_default_graph()
    with tf.name_scope("scope"):
        s = tf.add(1.0, 2.0, name="add")
    assert g.get_tensor_by_name("scope/add:0") is s
    assert g.get_operation_by_name("scope/add") is s.op
    with pytest.raises(KeyError, match=r"'scope/nope:0'"):
        g.get_tensor_by_name("scope/nope:0")
    with pytest.raises(ValueError, match="refers to an Operation"):
        g.get_tensor_by_name("scope/add")
    with pytest.raises(KeyError, match=r"'scope/add:3'"):
        g.get_tensor_by_name("scope/add:3")
    assert s.op in g.get_operations()


def test_graph_as_default_and_reset():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1)
        assert tf.get_default_graph() is g
    assert c.graph is g
    assert tf.get_default_graph() is not g
    with g.as_default():
        with pytest.raises(AssertionError, match=r"Do not use tf\.reset_default_graph\(\)"):
            tf.reset_default_graph()
    old = tf.get_default_graph()
    tf.reset_default_graph()
    assert tf.get_default_graph() is not old


def test_inputs_from_another_graph_raise_value_error():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0)
    with g2.as_default():
        b = tf.constant(2.0)
        with pytest.raises(ValueError, match="same graph"):
            tf.add(a, b)


def test_collections():
    tf.add_to_collection("things", 1)
    tf.add_to_collections(["things", "more"], 2)
    assert tf.get_collection("things") == [1, 2]
    assert tf.get_collection("more") == [2]
    ref = tf.get_collection_ref("things")
    ref.append(3)
    assert tf.get_collection("things") == [1, 2, 3]
    with tf.name_scope("s1"):
        v1 = tf.Variable(1.0, name="v")
    v2 = tf.Variable(2.0, name="v")
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [v1, v2]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="s1") == [v1]
    assert tf.trainable_variables() == [v1, v2]


def test_control_dependencies_added_and_cleared():
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    with tf.control_dependencies([a]):
        c = tf.add(b, b)
        with tf.control_dependencies(None):
            d = tf.add(b, b)
        with tf.control_dependencies([c]):
            e = tf.add(b, b)
    assert c.op.control_inputs == [a.op]
    assert d.op.control_inputs == []
    assert set(e.op.control_inputs) == {a.op, c.op}


def test_control_dependency_not_added_to_ops_whose_inputs_are_inside_the_block():
    a = tf.constant(1.0)
    with tf.control_dependencies([a]):
        b = tf.constant(2.0)
        c = tf.add(b, b)
    assert b.op.control_inputs == [a.op]
    assert c.op.control_inputs == []  # ordered after `a` through b already


def test_finalize_prevents_new_ops():
    tf.constant(1.0)
    g = tf.get_default_graph()
    g.finalize()
    assert g.finalized
    with pytest.raises(RuntimeError, match="finalized"):
        tf.constant(2.0)


def test_variable_builds_tf1_quartet():
    v = tf.Variable(np.zeros((2, 3), np.float32), name="W")
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["W/initial_value", "W", "W/Assign", "W/read"]
    assert v.name == "W:0"
    assert v.op.type == "VariableV2"
    assert v.initializer.name == "W/Assign"
    assert v.value().name == "W/read:0"
    assert v.shape.as_list() == [2, 3]
    assert v.dtype == tf.float32
    init = tf.global_variables_initializer()
    assert init.name == "init" and init.type == "NoOp"
    assert init.control_inputs == [v.initializer]


def test_variable_from_tensor_keeps_initializer_op_name():
    r = tf.zeros([2]) if hasattr(tf, "zeros") else tf.constant([0.0, 0.0], name="zeros")
    v = tf.Variable(r, name="b")
    assert v.initial_value is r
    assert tf.get_default_graph().get_operation_by_name("b/Assign").inputs[1] is r


def test_tensor_is_not_a_bool_nor_iterable():
    t = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match=r"Using a `tf\.Tensor` as a Python `bool` is"):
        bool(t)
    with pytest.raises(TypeError, match=r"'Const:0'"):
        iter(t)
    assert (t == t) is True  # identity semantics, as TF1
    assert (t == tf.constant([1.0, 2.0])) is False


def test_tensor_repr_and_shape_api():
    x = tf.placeholder(tf.float32, [None, 784], name="images")
    assert x.name == "images:0"
    assert x.shape.as_list() == [None, 784]
    assert x.get_shape()[1].value == 784
    assert str(x.shape) == "(?, 784)"
    assert "images:0" in repr(x)
    x.set_shape([32, 784])
    assert x.shape.as_list() == [32, 784]
    with pytest.raises(ValueError, match=r"'images:0'"):
        x.set_shape([32, 10])


def test_matmul_shape_mismatch_names_both_shapes_and_op():
    a = tf.placeholder(tf.float32, [None, 784])
    b = tf.placeholder(tf.float32, [100, 10])
    with pytest.raises(ValueError) as e:
        tf.matmul(a, b)
    msg = str(e.value)
    assert "784" in msg and "100" in msg and "MatMul" in msg


def test_broadcast_mismatch_raises_at_build_time():
    a = tf.placeholder(tf.float32, [3, 4])
    b = tf.placeholder(tf.float32, [5])
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(5,\)|3, 4"):
        tf.add(a, b)


def test_gradient_override_map_and_register_gradient():
    @tf.RegisterGradient("TestDoubleGrad")
    def _double(op, grad):
        return [grad * 2.0]

    x = tf.constant(3.0)
    g = tf.get_default_graph()
    with g.gradient_override_map({"Identity": "TestDoubleGrad"}):
        y = tf.identity(x)
    dx, = tf.gradients(y, x)
    with tf.Session() as sess:
        assert sess.run(dx) == pytest.approx(2.0)
    with pytest.raises(KeyError, match=r"'TestDoubleGrad'"):
        tf.RegisterGradient("TestDoubleGrad")(_double)


def test_operation_node_def_and_attrs():
    x = tf.placeholder(tf.float32, [2], name="x")
    assert x.op.get_attr("dtype") == tf.float32
    with pytest.raises(ValueError, match=r"Operation 'x' has no attr named 'nope'\."):
        x.op.get_attr("nope")
    with tf.control_dependencies([x]):
        y = tf.identity(tf.constant(1.0), name="y")
    nd = y.op.node_def  # TF's NodeDef proto
    assert nd.name == "y" and nd.op == "Identity"
    assert list(nd.input) == ["Const"]
    assert nd.attr["T"].type == 1  # DT_FLOAT, derived from the input's dtype as TF does
    assert list(y.op.inputs[0].op.node_def.input) == ["^x"]


def test_exact_scope_names_are_marked_used():
    a = tf.constant(1.0, name="foo/")
    b = tf.constant(2.0, name="foo")
    assert (a.op.name, b.op.name) == ("foo", "foo_1")
    assert tf.get_default_graph().get_operation_by_name("foo") is a.op
    with pytest.raises(ValueError, match="Duplicate node name"):
        tf.constant(3.0, name="foo/")
