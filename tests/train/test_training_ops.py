"""The `Apply*` update ops: in-place updates of variables and slots, shape/dtype rules, errors."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops import training_ops

F32 = np.float32


def _var(value, name):
    return tf.Variable(np.asarray(value, dtype=F32), name=name)


def _run_updates(update, n, variables):
    """Runs `update` n times; returns the fetched results and the final variable values."""
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        outs = [sess.run(update) for _ in range(n)]
        return outs, sess.run(variables)


def test_apply_gradient_descent_updates_in_place_and_returns_new_value():
    w = _var([[1.0, 2.0], [3.0, 4.0]], "W")
    delta = np.array([[0.5, -1.0], [2.0, 0.25]], F32)
    out = training_ops.apply_gradient_descent(w, F32(0.1), delta)
    assert out.op.type == "ApplyGradientDescent" and out.op.name == "ApplyGradientDescent"
    assert out.dtype == tf.float32 and out.shape.as_list() == [2, 2]
    assert [t.name for t in out.op.inputs][0] == "W:0"  # the reference, not W/read
    outs, final = _run_updates(out, 3, w)
    expected = np.array([[1.0, 2.0], [3.0, 4.0]], F32)
    for got in outs:
        expected = expected - delta * F32(0.1)
        np.testing.assert_allclose(got, expected, rtol=1e-6)
        assert got.dtype == np.float32
    np.testing.assert_allclose(final, expected, rtol=1e-6)
    # Fetched results are copies: a later update did not change the first one.
    assert not np.allclose(outs[0], outs[2])


def test_apply_momentum_plain_and_nesterov():
    g = np.array([1.0, -2.0, 0.5], F32)
    lr, mu = F32(0.1), F32(0.9)
    for nesterov in (False, True):
        tf.reset_default_graph()
        w, acc = _var([1.0, 1.0, 1.0], "w"), _var([0.0, 0.0, 0.0], "acc")
        up = training_ops.apply_momentum(w, acc, lr, g, mu, use_nesterov=nesterov)
        assert up.op.get_attr("use_nesterov") is nesterov
        _, (wv, av) = _run_updates(up, 3, [w, acc])
        ew, ea = np.ones(3, F32), np.zeros(3, F32)
        for _ in range(3):
            ea = ea * mu + g
            ew = ew - (g * lr + ea * mu * lr if nesterov else ea * lr)
        np.testing.assert_allclose(av, ea, rtol=1e-6)
        np.testing.assert_allclose(wv, ew, rtol=1e-6)


def test_apply_adam_uses_bias_corrected_rate():
    w, m, v = _var([0.5, -0.5], "w"), _var([0.0, 0.0], "m"), _var([0.0, 0.0], "v")
    g = np.array([0.2, -0.4], F32)
    b1p, b2p = F32(0.9 ** 2), F32(0.999 ** 2)  # as if at step 2
    up = training_ops.apply_adam(w, m, v, b1p, b2p, F32(0.01), F32(0.9), F32(0.999),
                                 F32(1e-8), g)
    _, (wv, mv, vv) = _run_updates(up, 1, [w, m, v])
    # TF1 forms 1 - beta in the variable's dtype: float32(1 - 0.999) is 0.00099998713.
    em = (F32(1) - F32(0.9)) * g
    ev = (F32(1) - F32(0.999)) * g * g
    lr_t = 0.01 * np.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2)
    np.testing.assert_allclose(mv, em, rtol=1e-6)
    np.testing.assert_allclose(vv, ev, rtol=1e-5)
    np.testing.assert_allclose(wv, np.array([0.5, -0.5]) - lr_t * em / (np.sqrt(ev) + 1e-8),
                               rtol=1e-6)
    assert wv.dtype == np.float32


def test_apply_rms_prop_and_centered():
    g = np.array([0.3, -1.2], F32)
    w, ms, mom = _var([1.0, 2.0], "w"), _var([1.0, 1.0], "ms"), _var([0.0, 0.0], "mom")
    up = training_ops.apply_rms_prop(w, ms, mom, F32(0.01), F32(0.9), F32(0.5), F32(1e-10), g)
    _, (wv, msv, momv) = _run_updates(up, 2, [w, ms, mom])
    ew, ems, emom = np.array([1.0, 2.0]), np.ones(2), np.zeros(2)
    for _ in range(2):
        ems = 0.9 * ems + 0.1 * g * g
        emom = 0.5 * emom + 0.01 * g / np.sqrt(ems + 1e-10)
        ew = ew - emom
    np.testing.assert_allclose(msv, ems, rtol=1e-6)
    np.testing.assert_allclose(momv, emom, rtol=1e-5)
    np.testing.assert_allclose(wv, ew, rtol=1e-6)

    tf.reset_default_graph()
    w, mg = _var([1.0, 2.0], "w"), _var([0.0, 0.0], "mg")
    ms, mom = _var([1.0, 1.0], "ms"), _var([0.0, 0.0], "mom")
    up = training_ops.apply_centered_rms_prop(w, mg, ms, mom, F32(0.01), F32(0.9), F32(0.0),
                                              F32(1e-10), g)
    assert up.op.type == "ApplyCenteredRMSProp"
    _, (wv, mgv) = _run_updates(up, 2, [w, mg])
    ew, ems, emg = np.array([1.0, 2.0]), np.ones(2), np.zeros(2)
    for _ in range(2):
        ems = 0.9 * ems + 0.1 * g * g
        emg = 0.9 * emg + 0.1 * g
        ew = ew - 0.01 * g / np.sqrt(ems - emg * emg + 1e-10)
    np.testing.assert_allclose(mgv, emg, rtol=1e-6)
    np.testing.assert_allclose(wv, ew, rtol=1e-6)


def test_apply_adagrad():
    g = np.array([[0.5, -1.0]], F32)
    w, acc = _var([[1.0, 1.0]], "w"), _var([[0.1, 0.1]], "acc")
    up = training_ops.apply_adagrad(w, acc, F32(0.2), g)
    _, (wv, av) = _run_updates(up, 3, [w, acc])
    ew, ea = np.ones((1, 2)), np.full((1, 2), 0.1)
    for _ in range(3):
        ea = ea + g * g
        ew = ew - 0.2 * g / np.sqrt(ea)
    np.testing.assert_allclose(av, ea, rtol=1e-6)
    np.testing.assert_allclose(wv, ew, rtol=1e-6)


def test_update_ops_keep_float64_variables_float64():
    w = tf.Variable(np.array([1.0, 2.0]), name="w")  # a NumPy float64 array stays float64
    assert w.dtype == tf.float64
    up = training_ops.apply_gradient_descent(w, 0.1, np.array([1.0, 1.0]))
    _, wv = _run_updates(up, 1, w)
    assert wv.dtype == np.float64
    np.testing.assert_allclose(wv, [0.9, 1.9], rtol=1e-15)


def test_uninitialized_variable_or_slot_raises_failed_precondition_naming_it():
    w, acc = _var([1.0], "w"), _var([0.1], "accum")
    up = training_ops.apply_adagrad(w, acc, F32(0.1), np.array([1.0], F32))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value w"):
            sess.run(up)
        sess.run(w.initializer)
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match="uninitialized value accum") as info:
            sess.run(up)
        assert info.value.op is up.op


def test_static_shape_and_dtype_checks():
    w = _var([[1.0, 2.0]], "w")
    with pytest.raises(ValueError, match="delta"):
        training_ops.apply_gradient_descent(w, F32(0.1), np.zeros((2, 1), F32))
    with pytest.raises(ValueError, match="rank 0"):
        training_ops.apply_gradient_descent(w, np.array([0.1], F32), np.zeros((1, 2), F32))
    with pytest.raises(TypeError, match="float64"):
        training_ops.apply_gradient_descent(w, tf.constant(0.1, tf.float64),
                                            np.zeros((1, 2), F32))
    with pytest.raises(TypeError, match="Variable"):
        training_ops.apply_gradient_descent(tf.constant([[1.0, 2.0]]), F32(0.1),
                                            np.zeros((1, 2), F32))
    acc = _var([1.0, 2.0, 3.0], "acc")
    with pytest.raises(ValueError, match="accum"):
        training_ops.apply_adagrad(w, acc, F32(0.1), np.zeros((1, 2), F32))


def test_run_time_shape_mismatch_is_invalid_argument():
    w = _var([1.0, 2.0], "w")
    g = tf.placeholder(tf.float32, [None])
    up = training_ops.apply_gradient_descent(w, F32(0.1), g)
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
            sess.run(up, {g: np.ones(3, F32)})
        np.testing.assert_allclose(sess.run(up, {g: np.ones(2, F32)}), [0.9, 1.9], rtol=1e-6)


def test_update_ops_have_no_gradient():
    w = _var([1.0, 2.0], "w")
    x = tf.constant([1.0, 1.0])
    up = training_ops.apply_gradient_descent(w, F32(0.1), x)
    assert tf.gradients(up, x) == [None]
