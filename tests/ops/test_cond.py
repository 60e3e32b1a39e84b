"""tf.cond, tf.case and the run-time check/print ops: values against NumPy, TF1 naming, only
the taken branch running, gradients, and the errors for bad input."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import tfgraph as tf


def test_cond_values_and_only_taken_branch_runs():
    x = tf.placeholder(tf.float32, [3])
    p = tf.placeholder(tf.bool, [])
    v = tf.Variable(0.0)
    outside = tf.assign_add(tf.Variable(0.0, name="counter"), 1.0)  # built outside: always runs
    out = tf.cond(p, lambda: x * 2.0 + outside * 0.0, lambda: tf.assign_add(v, 1.0) + x)
    xv = np.array([1.0, -2.0, 3.5], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        r = sess.run(out, {x: xv, p: True})
        np.testing.assert_allclose(r, xv * 2.0)
        assert r.dtype == np.float32
        assert sess.run(v) == 0.0  # the false branch's assign did not run
        np.testing.assert_allclose(sess.run(out, {x: xv, p: False}), xv + 1.0)
        np.testing.assert_allclose(sess.run(out, {x: xv, p: False}), xv + 2.0)
        assert sess.run(v) == 2.0


def test_cond_ops_outside_branches_run_whatever_the_predicate():
    p = tf.placeholder(tf.bool, [])
    c = tf.Variable(0.0)
    inc = tf.assign_add(c, 1.0)
    out = tf.cond(p, lambda: inc * 2.0, lambda: tf.constant(5.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out, {p: False}) == 5.0
        assert sess.run(c) == 1.0  # inc was used by a branch but built outside: it ran
        assert sess.run(out, {p: True}) == 4.0


def test_cond_tf1_names():
    x = tf.placeholder(tf.float32, [2], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    out = tf.cond(p, lambda: x * 2.0, lambda: tf.nn.relu(x))
    names = [op.name for op in tf.get_default_graph().get_operations()]
    for n in ("cond/Switch", "cond/switch_t", "cond/switch_f", "cond/pred_id", "cond/mul",
              "cond/mul/Switch", "cond/Relu/Switch", "cond/Merge"):
        assert n in names
    assert out.name == "cond/Merge:0"
    ops = tf.get_default_graph()
    assert ops.get_operation_by_name("cond/mul/Switch").type == "Switch"
    assert ops.get_operation_by_name("cond/Merge").inputs[1].name == "cond/mul:0"  # (false, true)
    out2 = tf.cond(p, lambda: x, lambda: x, name="second")
    assert out2.name == "second/Merge:0"


def test_cond_nested_structures_and_strict():
    p = tf.placeholder(tf.bool, [])
    Pair = collections.namedtuple("Pair", "a b")
    out = tf.cond(p, lambda: {"k": Pair(tf.constant(1), tf.constant([1.0, 2.0])),
                              "z": tf.constant(3.0)},
                  lambda: {"k": Pair(tf.constant(2), tf.constant([3.0, 4.0])),
                           "z": tf.constant(4.0)})
    assert isinstance(out["k"], Pair)
    single = tf.cond(p, lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)])
    kept = tf.cond(p, lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)], strict=True)
    assert isinstance(single, tf.Tensor) and isinstance(kept, list)
    with tf.Session() as sess:
        r = sess.run(out, {p: False})
        assert r["k"].a == 2 and r["z"] == 4.0
        np.testing.assert_allclose(r["k"].b, [3.0, 4.0])
        assert sess.run(single, {p: True}) == 1.0


def test_nested_cond_and_case_values():
    x = tf.placeholder(tf.float32, [])
    out = tf.cond(x > 0, lambda: tf.cond(x > 10, lambda: x * 100.0, lambda: x * 10.0),
                  lambda: -x)
    c = tf.case([(x < -5, lambda: tf.constant(-5.0)), (x < 0, lambda: tf.constant(-1.0))],
                default=lambda: tf.constant(1.0))
    d = tf.case({x > 100.0: lambda: tf.constant(7.0)}, default=lambda: x)
    with tf.Session() as sess:
        for xv, want, want_c in ((20.0, 2000.0, 1.0), (2.0, 20.0, 1.0), (-3.0, 3.0, -1.0),
                                 (-9.0, 9.0, -5.0)):
            assert sess.run([out, c], {x: xv}) == [np.float32(want), np.float32(want_c)]
        assert sess.run(d, {x: 3.0}) == 3.0 and sess.run(d, {x: 300.0}) == 7.0


def test_case_without_default_and_exclusive_fail_at_run_time():
    x = tf.placeholder(tf.int32, [])
    c = tf.case([(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))])
    e = tf.case([(x < 5, lambda: tf.constant(1)), (x < 10, lambda: tf.constant(2))],
                default=lambda: tf.constant(0), exclusive=True)
    with tf.Session() as sess:
        assert sess.run(c, {x: 3}) == 1 and sess.run(c, {x: -3}) == -1
        with pytest.raises(tf.errors.InvalidArgumentError, match="None of the conditions"):
            sess.run(c, {x: 0})
        assert sess.run(e, {x: 7}) == 2
        with pytest.raises(tf.errors.InvalidArgumentError, match="exclusive=True"):
            sess.run(e, {x: 1})


def test_cond_bad_input_errors():
    p = tf.placeholder(tf.bool, [])
    with pytest.raises(ValueError, match="same structure"):
        tf.cond(p, lambda: (tf.constant(1.0), tf.constant(2.0)), lambda: tf.constant(1.0),
                name="mismatch")
    with pytest.raises(TypeError, match="float32.*int32|int32.*float32"):
        tf.cond(p, lambda: tf.constant(1.0), lambda: tf.constant(1), name="dtypes")
    with pytest.raises(TypeError, match="true_fn must be callable"):
        tf.cond(p, 1.0, lambda: 1.0)
    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        tf.cond(True, lambda: 1.0, lambda: 2.0)
    with pytest.raises(TypeError, match="pred must be a bool"):
        tf.cond(tf.constant(1), lambda: 1.0, lambda: 2.0)
    with pytest.raises(TypeError, match="pred_fn_pairs"):
        tf.case(3)


def test_fetching_a_dead_branch_tensor_fails_and_session_stays_usable():
    p = tf.placeholder(tf.bool, [])
    inner = []

    def true_fn():
        inner.append(tf.constant(4.0) * 2.0)
        return inner[0]
    out = tf.cond(p, true_fn, lambda: tf.constant(1.0))
    with tf.Session() as sess:
        assert sess.run(inner[0], {p: True}) == 8.0
        with pytest.raises(tf.errors.InvalidArgumentError, match=inner[0].name):
            sess.run(inner[0], {p: False})
        assert sess.run(out, {p: False}) == 1.0


def test_cond_gradients_per_branch_and_second_order():
    x = tf.placeholder(tf.float64, [3])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.reduce_sum(x * x * x), lambda: tf.reduce_sum(tf.sin(x)))
    g = tf.gradients(y, x)[0]
    h = tf.gradients(tf.reduce_sum(g), x)[0]
    assert any(op.name.startswith("gradients/cond/Merge_grad/cond_grad")
               for op in tf.get_default_graph().get_operations())
    xv = np.array([0.5, 1.0, -2.0])
    with tf.Session() as sess:
        gv, hv = sess.run([g, h], {x: xv, p: True})
        np.testing.assert_allclose(gv, 3 * xv ** 2)
        np.testing.assert_allclose(hv, 6 * xv)
        gv, hv = sess.run([g, h], {x: xv, p: False})
        np.testing.assert_allclose(gv, np.cos(xv))
        np.testing.assert_allclose(hv, -np.sin(xv))
        err = tf.test.compute_gradient_error(x, [3], y, [], x_init_value=xv,
                                             extra_feed_dict={p: False})
        assert err < 1e-6


def test_cond_gradient_of_unused_input_is_zero_in_the_other_branch():
    x = tf.placeholder(tf.float32, [2])
    w = tf.placeholder(tf.float32, [2])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: x * w, lambda: x * 3.0)
    gx, gw = tf.gradients(tf.reduce_sum(y), [x, w])
    with tf.Session() as sess:
        a = sess.run([gx, gw], {x: [1, 2], w: [5, 6], p: False})
        np.testing.assert_allclose(a[0], [3, 3])
        np.testing.assert_allclose(a[1], [0, 0])
        b = sess.run([gx, gw], {x: [1, 2], w: [5, 6], p: True})
        np.testing.assert_allclose(b[0], [5, 6])
        np.testing.assert_allclose(b[1], [1, 2])


def test_optimizer_minimizes_through_cond():
    w = tf.Variable([1.0, -1.0])
    p = tf.placeholder(tf.bool, [])
    loss = tf.cond(p, lambda: tf.reduce_sum(tf.square(w - 3.0)), lambda: tf.reduce_sum(w * 0.0))
    step = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(30):
            sess.run(step, {p: True})
        np.testing.assert_allclose(sess.run(w), [3.0, 3.0], atol=1e-4)


# --- Assert, Print, tf.print, check_numerics, tuple, identity_n ---------------------------------
def test_assert_fails_with_message_and_data():
    x = tf.placeholder(tf.int32, [3])
    check = tf.Assert(tf.reduce_all(x > 0), ["x must be positive:", x], name="positive")
    with tf.control_dependencies([check]):
        y = tf.identity(x * 2)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1, 2, 3]}), [2, 4, 6])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"assertion failed: \[x must be positive:\] \[1 -2 3\]") as e:
            sess.run(y, {x: [1, -2, 3]})
        assert e.value.op.name == "positive"
        assert sess.run(y, {x: [4, 5, 6]})[0] == 8  # still usable


def test_assert_inside_untaken_branch_does_not_fire():
    x = tf.placeholder(tf.float32, [])

    def checked():
        with tf.control_dependencies([tf.Assert(x > 0, [x])]):
            return tf.sqrt(x)
    y = tf.cond(x > 0, checked, lambda: tf.constant(0.0))
    with tf.Session() as sess:
        assert sess.run(y, {x: 4.0}) == 2.0
        assert sess.run(y, {x: -4.0}) == 0.0


def test_print_passes_value_and_writes_stderr(capfd):
    x = tf.placeholder(tf.float32, [4])
    y = tf.Print(x, [x, tf.reduce_sum(x)], message="vals: ", first_n=2, summarize=2)
    with tf.Session() as sess:
        for _ in range(3):
            np.testing.assert_allclose(sess.run(y, {x: [1, 2, 3, 4]}), [1, 2, 3, 4])
    err = capfd.readouterr().err
    assert err.count("vals: [1 2...][10]") == 2  # first_n=2


def test_print_in_untaken_branch_prints_nothing(capfd):
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.Print(tf.constant(1.0), [tf.constant(7)], message="TAKEN"),
                lambda: tf.constant(2.0))
    with tf.Session() as sess:
        assert sess.run(y, {p: False}) == 2.0
        assert "TAKEN" not in capfd.readouterr().err
        assert sess.run(y, {p: True}) == 1.0
        assert "TAKEN[7]" in capfd.readouterr().err


def test_tf_print_to_streams(capfd):
    import sys
    x = tf.constant([[1, 2], [3, 4]])
    op = tf.print("x is", x, "sum", tf.reduce_sum(x), output_stream=sys.stdout)
    op2 = tf.print("err", 1.5)
    with tf.Session() as sess:
        sess.run([op, op2])
    out = capfd.readouterr()
    assert "x is [[1 2]\n [3 4]] sum 10" in out.out
    assert "err 1.5" in out.err


def test_check_numerics_names_the_tensor():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.check_numerics(tf.log(x), "log of x")
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: [1.0, np.e]}), [0.0, 1.0], rtol=1e-6)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"log of x : Tensor had Inf "
                                                                 r"values \(tensor 'Log:0'\)"):
            sess.run(y, {x: [0.0, 1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="NaN"):
            sess.run(y, {x: [-1.0, 1.0]})
    with pytest.raises(TypeError, match="float"):
        tf.check_numerics(tf.constant([1]), "ints")


def test_add_check_numerics_ops():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.sqrt(x, name="root")
    checks = tf.add_check_numerics_ops()
    with tf.Session() as sess:
        sess.run([y, checks], {x: [1.0, 4.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="root:0"):
            sess.run([y, checks], {x: [-1.0, 4.0]})
    tf.cond(tf.constant(True), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="not compatible with TensorFlow control flow"):
        tf.add_check_numerics_ops()


def test_tuple_and_identity_n():
    a = tf.constant(1.0)
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    t = tf.tuple([a, a * 2.0], control_inputs=[inc])
    assert [x.name for x in t] == ["tuple/control_dependency:0", "tuple/control_dependency_1:0"]
    n = tf.identity_n([a, tf.constant([1, 2])])
    assert [x.name for x in n] == ["IdentityN:0", "IdentityN:1"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(t) == [1.0, 2.0]
        assert sess.run(v) == 1.0  # the gate ran the control input
        r = sess.run(n)
        assert r[0] == 1.0 and list(r[1]) == [1, 2]


# --- py_func -----------------------------------------------------------------------------------
def test_py_func_values_and_dtypes():
    x = tf.placeholder(tf.float32, [3])
    y = tf.py_func(lambda a: (a * 2).astype(np.float32), [x], tf.float32)
    s, m = tf.py_func(lambda a: [a.sum(), a.max()], [x], [tf.float32, tf.float32], name="stats")
    n = tf.numpy_function(lambda a: np.int64(a.size), [x], tf.int64)
    assert y.op.type == "PyFunc" and s.op.name == "stats"
    with tf.Session() as sess:
        r = sess.run([y, s, m, n], {x: [1, 2, 3]})
        np.testing.assert_allclose(r[0], [2, 4, 6])
        assert r[1] == 6.0 and r[2] == 3.0 and r[3] == 3


def test_py_func_exception_names_op_with_traceback_and_session_survives():
    x = tf.placeholder(tf.float32, [])

    def boom(a):
        if a < 0:
            raise RuntimeError("negative input")
        if a == 0:
            raise ValueError("zero input")
        return a

    y = tf.py_func(boom, [x], tf.float32, name="boom")
    wrong = tf.py_func(lambda a: a.astype(np.float64), [x], tf.float32, name="wrong")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.UnknownError, match="negative input") as e:
            sess.run(y, {x: -1.0})
        assert "Traceback" in str(e.value) and "in boom" in str(e.value)
        assert "boom" in str(e.value) and e.value.op.name == "boom"
        with pytest.raises(tf.errors.InvalidArgumentError, match="zero input"):
            sess.run(y, {x: 0.0})
        assert sess.run(y, {x: 2.0}) == 2.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="float64, but expects float32"):
            sess.run(wrong, {x: 1.0})


def test_py_func_has_no_gradient():
    x = tf.placeholder(tf.float32, [])
    y = tf.py_func(lambda a: a, [x], tf.float32)
    assert tf.gradients(y, x) == [None]


def test_variable_assigned_then_read_in_a_branch():
    v = tf.Variable(1.0)
    p = tf.placeholder(tf.bool, [])

    def assign_then_read():
        with tf.control_dependencies([tf.assign(v, 7.0)]):
            return v.read_value() * 1.0
    c = tf.cond(p, assign_then_read, lambda: tf.constant(0.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(c, {p: False}) == 0.0 and sess.run(v) == 1.0
        assert sess.run(c, {p: True}) == 7.0


def test_py_func_gradient_through_gradient_override_map():
    @tf.RegisterGradient("CflowTestSquareGrad")
    def _square_grad(op, grad):
        return [grad * 2.0 * op.inputs[0]]
    x = tf.placeholder(tf.float32, [2])
    with tf.get_default_graph().gradient_override_map({"PyFunc": "CflowTestSquareGrad"}):
        y = tf.py_func(lambda a: a * a, [x], tf.float32)
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    with tf.Session() as sess:
        yv, gv = sess.run([y, g], {x: [3.0, -1.0]})
    np.testing.assert_allclose(yv, [9.0, 1.0])
    np.testing.assert_allclose(gv, [6.0, -2.0])


def test_smart_cond_builds_a_cond_only_for_a_run_time_predicate():
    from tfgraph.ops.cond_v1 import smart_cond
    x = tf.constant(2.0)
    assert smart_cond(True, lambda: x * 3.0, lambda: x).op.type == "Mul"
    assert smart_cond(tf.constant(False), lambda: x * 3.0, lambda: x) is x
    p = tf.placeholder(tf.bool, [])
    y = smart_cond(p, lambda: x * 3.0, lambda: x)
    assert y.op.type == "Merge"
    with tf.Session() as sess:
        assert sess.run(y, {p: True}) == 6.0 and sess.run(y, {p: False}) == 2.0
    with pytest.raises(TypeError, match="pred must be a bool"):
        smart_cond("yes", lambda: x, lambda: x)
