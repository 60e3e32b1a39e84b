"""TF1's top-level aliases and small compositions (`ops/misc_api.py`), `tf.dtypes`,
`tf.debugging` and `tf.errors` helpers: values against NumPy, TF1 names, errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf


def test_arg_max_arg_min_floor_div_accumulate_n(run):
    x = np.array([[1, 5, 2], [7, 0, 3]], np.float32)
    am, an, fd, acc = run([tf.arg_max(x, 1), tf.arg_min(x, 0), tf.floor_div(7, -2),
                            tf.math.accumulate_n([x, x, x])])
    assert am.tolist() == [1, 0] and am.dtype == np.int64 and an.tolist() == [0, 1, 0]
    assert fd == -4 and tf.floor_div(7, 2).op.type == "FloorDiv"
    np.testing.assert_array_equal(acc, 3 * x)
    with pytest.raises(ValueError, match="inputs"):
        tf.math.accumulate_n([])
    with pytest.raises(TypeError, match="tensor_dtype"):
        tf.math.accumulate_n([x], tensor_dtype=tf.int32)


def test_parallel_stack_and_complex_casts(run):
    out = run(tf.parallel_stack([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(out, [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="fully defined"):
        tf.parallel_stack([tf.placeholder(tf.float32, [None])])
    c = run(tf.to_complex64([1.0, 2.0]))
    assert c.dtype == np.complex64 and c.tolist() == [1 + 0j, 2 + 0j]


def test_static_helpers():
    assert tf.is_tensor(tf.constant(1)) and tf.is_tensor(tf.Variable(1.0))
    assert not tf.is_tensor(np.ones(2)) and tf.is_symbolic_tensor(tf.constant(1))
    assert tf.debugging.is_numeric_tensor(tf.constant(1.0))
    assert not tf.debugging.is_numeric_tensor(tf.constant("a"))
    np.testing.assert_array_equal(tf.get_static_value(tf.shape(tf.zeros([2, 3]))), [2, 3])
    assert tf.get_static_value(tf.placeholder(tf.float32)) is None
    assert tf.broadcast_static_shape([2, 1], [3]).as_list() == [2, 3]
    with pytest.raises(ValueError, match="Incompatible shapes"):
        tf.broadcast_static_shape([2], [3])
    assert tf.dimension_at_index([4, None], 0).value == 4
    assert tf.dimension_at_index(tf.TensorShape(None), 3).value is None
    assert not tf.executing_eagerly_outside_functions() and not tf.control_flow_v2_enabled()
    tf.disable_control_flow_v2()
    tf.disable_resource_variables()


def test_tables_initializer_is_a_named_no_op(run):
    init = tf.tables_initializer()
    assert init.name == "init_all_tables" and init.type == "NoOp"
    assert run(init) is None


def test_make_template_shares_variables_across_calls():
    def scale(x):
        v = tf.get_variable("v", [2], initializer=tf.constant_initializer([2.0, 3.0]))
        return x * v
    t = tf.make_template("scale", scale)
    a, b = t(tf.constant([1.0, 1.0])), t(tf.constant([2.0, 0.5]))
    assert [v.name for v in tf.global_variables()] == ["scale/v:0"]
    assert a.op.name == "scale/mul" and b.op.name == "scale_1/mul"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run([a, b]), [[2.0, 3.0], [4.0, 1.5]])
    t2 = tf.make_template("scale", scale)
    t2(tf.constant([1.0, 1.0]))
    assert "scale_1/v:0" in [v.name for v in tf.global_variables()]


def test_op_scope_and_colocate_with(run):
    with tf.op_scope([], "outer", "default"):
        c = tf.constant(1.0, name="c")
    assert c.op.name == "outer/c"
    with tf.colocate_with(c.op):
        d = tf.identity(c)
    assert run(d) == 1.0


def test_monotonic_predicates_and_saturate_cast(run):
    assert run(tf.math.is_non_decreasing([1, 2, 2])) and not run(
        tf.math.is_strictly_increasing([1, 2, 2]))
    assert run(tf.debugging.is_strictly_increasing([[1, 2], [3, 4]]))
    assert run(tf.math.is_non_decreasing(tf.zeros([0])))
    with pytest.raises(TypeError, match="numeric"):
        tf.math.is_non_decreasing(tf.constant(["a"]))
    out = run(tf.dtypes.saturate_cast([300.0, -5.0, 3.7], tf.uint8))
    assert out.dtype == np.uint8 and out.tolist() == [255, 0, 3]
    assert run(tf.saturate_cast(np.array([70000], np.int32), tf.int16)).tolist() == [32767]


def test_dtypes_namespace(run):
    assert tf.dtypes.float32 is tf.float32 and tf.dtypes.as_dtype("int64") is tf.int64
    assert run(tf.dtypes.cast([1.7], tf.int32)).tolist() == [1]
    with pytest.raises(NotImplementedError, match="tf.dtypes.bfloat16 is not offered"):
        tf.dtypes.bfloat16


def test_errors_code_helpers():
    assert tf.errors.exception_type_from_error_code(tf.errors.NOT_FOUND) is tf.errors.NotFoundError
    assert tf.errors.error_code_from_exception_type(tf.errors.AbortedError) == tf.errors.ABORTED
    with pytest.raises(KeyError, match="ValueError"):
        tf.errors.error_code_from_exception_type(ValueError)
    with tf.errors.raise_exception_on_not_ok_status():
        pass
    assert tf.OpError is tf.errors.OpError
    assert tf.get_logger().name == "tensorflow"
