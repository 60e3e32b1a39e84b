"""Complex numbers (`ops/complex_ops.py`): tf.complex/real/imag/conj/angle/abs with TF1's
dtypes, names and rules for real inputs; complex64/complex128 through constants,
placeholders, feeds and variables."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RE = np.array([[1.0, -2.0, 0.0], [0.5, -0.25, 3.0]])
IM = np.array([0.5, -1.5, 2.0])


@pytest.mark.parametrize("dtype,cdtype", [(np.float32, np.complex64),
                                          (np.float64, np.complex128)])
def test_complex_parts_angle_abs_conj(run, dtype, cdtype):
    z = tf.complex(RE.astype(dtype), IM.astype(dtype))
    assert z.op.type == "Complex" and z.op.name == "Complex" and z.dtype == tf.as_dtype(cdtype)
    assert z.shape.as_list() == [2, 3]
    ts = [z, tf.real(z), tf.imag(z), tf.angle(z), tf.abs(z), tf.conj(z)]
    assert [t.op.type for t in ts[1:]] == ["Real", "Imag", "Angle", "ComplexAbs", "Conj"]
    assert [t.dtype for t in ts[1:]] == [tf.as_dtype(dtype)] * 4 + [tf.as_dtype(cdtype)]
    out = run(ts)
    ref = RE.astype(dtype) + 1j * IM.astype(dtype)
    for o, r in zip(out, [ref, ref.real, ref.imag, np.angle(ref), np.abs(ref), np.conj(ref)]):
        assert o.dtype == r.astype(o.dtype).dtype and o.shape == (2, 3)
        np.testing.assert_allclose(o, r, rtol=1e-6)
    assert out[1].dtype == dtype and out[0].dtype == cdtype


def test_real_inputs_follow_tf1(run):
    x = tf.constant([-1.5, 0.0, 2.0])
    assert tf.real(x) is x and tf.conj(x) is x
    i, a = tf.imag(x), tf.angle(x)
    np.testing.assert_array_equal(run([i, a]), np.array([[0, 0, 0], [np.pi, 0, 0]], np.float32))
    assert i.dtype == tf.float32 and a.dtype == tf.float32


def test_complex_refuses_mismatched_or_integer_parts():
    with pytest.raises(TypeError, match="real and imag have incorrect types: float32 float64"):
        tf.complex(tf.constant(1.0), tf.constant(1.0, tf.float64))
    with pytest.raises(TypeError, match="int32"):
        tf.complex(tf.constant(1), tf.constant(2))


def test_non_numeric_inputs_are_refused_naming_the_tensor():
    s = tf.constant(["a"], name="words")
    for fn in (tf.real, tf.imag, tf.angle):
        with pytest.raises(TypeError, match="words"):
            fn(s)
    with pytest.raises(TypeError, match="words"):
        tf.conj(s)


def test_complex_values_through_feeds_placeholders_and_variables(run):
    p64 = tf.placeholder(tf.complex64, [2])
    p128 = tf.placeholder(tf.complex128, [None])
    v = tf.Variable(np.array([1 + 1j, 2 - 3j], np.complex64), name="cv")
    c = tf.constant([1 + 2j])
    assert c.dtype == tf.complex128 and v.dtype.base_dtype == tf.complex64
    y = tf.real(p64 * v) + tf.imag(v)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run([y, tf.conj(p128), c], {p64: [1j, 2], p128: np.array([3 - 4j])})
    np.testing.assert_allclose(out[0], np.real(np.array([1j, 2]) * [1 + 1j, 2 - 3j]) + [1, -3])
    assert out[0].dtype == np.float32
    np.testing.assert_array_equal(out[1], [3 + 4j])
    assert out[1].dtype == np.complex128 and out[2].dtype == np.complex128


def test_gradients_of_real_losses_through_complex_values(run):
    a = tf.constant([3.0, -1.0])
    b = tf.constant([4.0, 2.0])
    z = tf.complex(a, b)
    ga, gb = tf.gradients(tf.reduce_sum(tf.abs(z)), [a, b])
    r = np.hypot([3.0, -1.0], [4.0, 2.0])
    out = run([ga, gb])
    np.testing.assert_allclose(out[0], np.array([3.0, -1.0]) / r, rtol=1e-6)
    np.testing.assert_allclose(out[1], np.array([4.0, 2.0]) / r, rtol=1e-6)
    (gz,) = tf.gradients(tf.reduce_sum(tf.real(z)), [z])
    assert gz.dtype == tf.complex64
    np.testing.assert_array_equal(run(gz), [1, 1])
