"""dtypes and TensorShape: TF1 spellings, NumPy interop, compatibility and merging."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.framework.tensor_shape import broadcast_shapes


@pytest.mark.parametrize("name,np_type", [
    ("float16", np.float16), ("float32", np.float32), ("float64", np.float64),
    ("int8", np.int8), ("int16", np.int16), ("int32", np.int32), ("int64", np.int64),
    ("uint8", np.uint8), ("bool", np.bool_)])
def test_dtype_roundtrip(name, np_type):
    d = getattr(tf, name)
    assert tf.as_dtype(np_type) is d
    assert tf.as_dtype(name) is d
    assert d.as_numpy_dtype is np_type
    assert d == np_type and d == name
    assert repr(d) == f"tf.{name}"


def test_dtype_properties_and_python_types():
    assert tf.float32.is_floating and not tf.int32.is_floating
    assert tf.int32.is_integer and tf.uint8.is_unsigned and tf.bool.is_bool
    assert tf.as_dtype(float) is tf.float32 and tf.as_dtype(int) is tf.int32
    assert tf.as_dtype(bool) is tf.bool and tf.as_dtype(str) is tf.string
    assert tf.float32.max == np.finfo(np.float32).max
    assert tf.float32 != tf.float64
    with pytest.raises(TypeError, match=r"'nonsense'"):
        tf.as_dtype("nonsense")


def test_constant_dtype_defaults_match_tf1():
    assert tf.constant(1.5).dtype is tf.float32
    assert tf.constant([1, 2]).dtype is tf.int32
    assert tf.constant(True).dtype is tf.bool
    assert tf.constant(np.array([1.0])).dtype is tf.float64  # NumPy arrays keep their dtype
    assert tf.constant("hi").dtype is tf.string
    assert tf.constant(1, dtype=tf.float32).dtype is tf.float32
    with pytest.raises(TypeError, match=r"Expected int32, got 1\.5 of type 'float'"):
        tf.constant(1.5, dtype=tf.int32)


def test_constant_shape_fill_and_pad():
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.constant(7, shape=[2, 2])), [[7, 7], [7, 7]])
        np.testing.assert_array_equal(sess.run(tf.constant([1, 2], shape=[4])), [1, 2, 2, 2])
        np.testing.assert_array_equal(sess.run(tf.constant([1, 2, 3, 4], shape=[2, 2])), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match=r"Too many elements provided\. Needed at most"):
        tf.constant([1, 2, 3], shape=[2])


def test_tensor_shape_basics():
    s = tf.TensorShape([None, 784])
    assert s.ndims == 2 and s.as_list() == [None, 784]
    assert s[1].value == 784 and s[0].value is None
    assert int(s[1]) == 784
    assert not s.is_fully_defined()
    assert s.is_compatible_with([32, 784]) and not s.is_compatible_with([32, 10])
    assert s.merge_with([32, None]).as_list() == [32, 784]
    assert s.concatenate([3]).as_list() == [None, 784, 3]
    assert str(s) == "(?, 784)"
    assert s == tf.TensorShape([None, 784])
    assert tf.TensorShape(None).ndims is None
    with pytest.raises(ValueError, match=r"as_list\(\) is not defined on an unknown"):
        tf.TensorShape(None).as_list()
    with pytest.raises(ValueError, match=r"Shapes \(\?, 784\) and \(1, 2\) are not compatible"):
        s.merge_with([1, 2])
    assert tf.TensorShape([2, 3]).num_elements() == 6
    assert tf.dimension_value(s[1]) == 784


@pytest.mark.parametrize("a,b,out", [
    ([2, 3], [3], [2, 3]), ([None, 1], [1, 5], [None, 5]), ([4, 1, 3], [2, 1], [4, 2, 3]),
    ([], [5], [5]), ([None], [None], [None])])
def test_broadcast_shapes(a, b, out):
    assert broadcast_shapes(tf.TensorShape(a), tf.TensorShape(b)).as_list() == out


def test_broadcast_shapes_incompatible():
    assert broadcast_shapes(tf.TensorShape([2, 3]), tf.TensorShape([4])) is None


def test_errors_have_op_and_message():
    e = tf.errors.InvalidArgumentError(None, None, "bad")
    assert isinstance(e, tf.errors.OpError)
    assert e.message == "bad" and e.op is None and e.error_code == tf.errors.INVALID_ARGUMENT
    assert issubclass(tf.errors.NotFoundError, tf.errors.OpError)
