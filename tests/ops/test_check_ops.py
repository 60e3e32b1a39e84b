"""TF1's assertions (`ops/check_ops.py`): run-time failures as InvalidArgumentError naming the
op and tensors with TF1's message, static checks at build time, TF1's op names."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf


def _gated(check, x):
    """`x` evaluated after `check` (the TF1 idiom)."""
    with tf.control_dependencies([check]):
        return tf.identity(x)


def test_binary_asserts_pass_and_fail_at_run_time():
    x = tf.placeholder(tf.float32, [3], name="x")
    y = tf.constant([1.0, 2.0, 3.0])
    cases = [(tf.assert_equal, [1, 2, 3], [1, 2, 4], "=="),
             (tf.assert_none_equal, [0, 0, 0], [0, 2, 0], "!="),
             (tf.assert_less, [0, 1, 2], [0, 2, 3], "<"),
             (tf.assert_less_equal, [1, 2, 3], [1, 2, 4], "<="),
             (tf.assert_greater, [2, 3, 4], [2, 2, 4], ">"),
             (tf.assert_greater_equal, [1, 2, 3], [1, 1, 3], ">=")]
    checks = [(fn(x, y), ok, bad, sym) for fn, ok, bad, sym in cases]
    with tf.Session() as sess:
        for (check, ok, bad, sym), (fn, *_) in zip(checks, cases):
            assert check.type == "Assert" and check.name.startswith(fn.__name__)
            np.testing.assert_array_equal(sess.run(_gated(check, x), {x: ok}), ok)
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=rf"Condition x {sym} y did not hold element-wise:\] "
                                     r"\[x \(x:0\) = \] \[.*\] \[y \(.*\) = \] \[1 2 3\]"):
                sess.run(check, {x: bad})


def test_assert_message_data_summarize_and_broadcast():
    x = tf.placeholder(tf.int32, [None], name="vals")
    a = tf.assert_equal(x, 7, message="all sevens", summarize=2, name="sevens")
    b = tf.assert_less(x, 10, data=["custom", x], summarize=1)
    with tf.Session() as sess:
        sess.run([a, b], {x: [7, 7, 7]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"\[all sevens\] \[Condition x == y.*\[7 8\.\.\.\].*sevens"):
            sess.run(a, {x: [7, 8, 9]})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[custom\] \[9\.\.\.\]"):
            sess.run(b, {x: [9, 10]})
        sess.run(a, {x: np.zeros(0, np.int32)})  # empty: trivially true


def test_unary_asserts_names_and_messages():
    x = tf.placeholder(tf.float32, [None], name="x")
    checks = {"assert_negative": (tf.assert_negative(x), [-1, -2], [-1, 0], "< 0"),
              "assert_positive": (tf.assert_positive(x, message="pos"), [1, 2], [1, 0], "> 0"),
              "assert_non_negative": (tf.assert_non_negative(x), [0, 2], [0, -1], ">= 0"),
              "assert_non_positive": (tf.assert_non_positive(x), [0, -2], [0, 1], "<= 0")}
    assert checks["assert_positive"][0].name == "assert_positive/assert_less/Assert"
    assert checks["assert_negative"][0].name == "assert_negative/assert_less/Assert"
    with tf.Session() as sess:
        for name, (check, ok, bad, sym) in checks.items():
            sess.run(check, {x: ok})
            with pytest.raises(tf.errors.InvalidArgumentError, match=rf"{sym}.*x \(x:0\)"):
                sess.run(check, {x: bad})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[pos\.  \]"):
            sess.run(checks["assert_positive"][0], {x: [-3.0]})


def test_static_failure_of_constants_raises_at_build_time():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"static\nCondition x == y did not hold element-wise:\nx \(.*\) = "
                             r"\n\[1 2\]"):
        tf.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]), message="static")
    ok = tf.assert_less(tf.constant([1, 2]), 3)  # statically true: still an op to depend on
    assert ok.type == "Assert"
    x = tf.constant(1.0)
    assert tf.assert_equal(x, x).type == "NoOp"


def test_assert_near_default_and_explicit_tolerances():
    x = tf.placeholder(tf.float32, [2], name="x")
    default = tf.assert_near(x, [1.0, 2.0])
    loose = tf.assert_near(x, [1.0, 2.0], rtol=0.0, atol=0.1)
    eps32 = np.finfo(np.float32).eps
    with tf.Session() as sess:
        sess.run(default, {x: [1.0, 2.0 + 4 * eps32]})  # within 10 eps (rtol*|y| + atol)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"not equal to tolerance.*"
                                                                 r"x \(x:0\)"):
            sess.run(default, {x: [1.0, 2.001]})
        sess.run(loose, {x: [1.05, 1.95]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="assert_near_1/Assert"):
            sess.run(loose, {x: [1.2, 2.0]})
    with pytest.raises(TypeError, match="assert_near.*int32"):
        tf.assert_near(tf.constant([1]), [1])


def test_rank_asserts_static_and_dynamic():
    x = tf.placeholder(tf.float32, [3], name="x")
    assert tf.assert_rank(x, 1).name == "assert_rank/static_checks_determined_all_ok"
    assert tf.assert_rank_at_least(x, 1).type == "NoOp"
    assert tf.assert_rank_in(x, [0, 1]).type == "NoOp"
    with pytest.raises(ValueError, match=r"Tensor x:0 must have rank 2\.  Received rank 1, "
                                         r"shape \(3,\)"):
        tf.assert_rank(x, 2)
    with pytest.raises(ValueError, match=r"m\.  Tensor x:0 must have rank at least 2"):
        tf.assert_rank_at_least(x, 2, message="m")
    with pytest.raises(ValueError, match=r"Tensor x:0 must have rank in \(0, 2\)"):
        tf.assert_rank_in(x, [0, 2])
    with pytest.raises(ValueError, match="Rank must be a scalar"):
        tf.assert_rank(x, [1])
    with pytest.raises(TypeError, match="must be of type"):
        tf.assert_rank(x, tf.constant(1, tf.int64))
    u = tf.placeholder(tf.float32, name="u")  # unknown rank: checked when run
    r2, r_ge, r_in = tf.assert_rank(u, 2), tf.assert_rank_at_least(u, 2), \
        tf.assert_rank_in(u, [1, 3])
    rank_t = tf.placeholder(tf.int32, name="want")
    r_dyn = tf.assert_rank(u, rank_t)
    with tf.Session() as sess:
        sess.run([r2, r_ge], {u: np.zeros((2, 2))})
        sess.run(r_in, {u: np.zeros(4)})
        sess.run(r_dyn, {u: np.zeros((1, 1, 1)), rank_t: 3})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Tensor u:0 must have rank\] \[2\] \[Received shape: \] "
                                 r"\[3\]"):
            sess.run(r2, {u: np.zeros(3)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="at least"):
            sess.run(r_ge, {u: np.zeros(3)})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"rank in\] \[1\] \[3\]"):
            sess.run(r_in, {u: np.zeros((2, 2))})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Rank must be a scalar"):
            sess.run(r_dyn, {u: np.zeros(3), rank_t: [1, 1]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="must have rank"):
            sess.run(r_dyn, {u: np.zeros(3), rank_t: 2})


def test_dtype_and_scalar_asserts():
    x = tf.placeholder(tf.float32, [3], name="x")
    i = tf.constant(1)
    assert tf.assert_integer(i).name == "assert_integer/statically_determined_was_integer"
    with pytest.raises(TypeError, match=r'Expected "x" to be integer type.  Found: x:0'):
        tf.assert_integer(x)
    assert tf.assert_type(x, tf.float32).name == \
        "assert_type/statically_determined_correct_type"
    with pytest.raises(TypeError, match=r"x:0 must be of type tf.int32; got tf.float32"):
        tf.assert_type(x, tf.int32)
    s = tf.constant(2.0)
    assert tf.assert_scalar(s) is s
    with pytest.raises(ValueError, match=r"Expected scalar shape for x:0, saw shape: \(3,\)"):
        tf.assert_scalar(x)
    assert tf.assert_same_float_dtype([x, tf.constant(1.0)]) == tf.float32
    assert tf.assert_same_float_dtype(None, tf.float64) == tf.float64
    assert tf.assert_same_float_dtype() == tf.float32
    with pytest.raises(ValueError, match="must be of the same type"):
        tf.assert_same_float_dtype([x, tf.constant(1.0, tf.float64)])
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.assert_same_float_dtype([i])
    tf.assert_proper_iterable([1, 2])
    tf.assert_proper_iterable((t for t in [x]))
    for bad in (x, np.ones(2), b"ab", "ab"):
        with pytest.raises(TypeError, match="proper"):
            tf.assert_proper_iterable(bad)
    with pytest.raises(TypeError, match="iterable"):
        tf.assert_proper_iterable(3)


def test_assert_shapes_symbolic_sizes():
    a = tf.placeholder(tf.float32, [None, 3], name="a")
    b = tf.placeholder(tf.float32, [None], name="b")
    c = tf.placeholder(tf.float32, [2, 5, 3], name="c")
    check = tf.debugging.assert_shapes([(a, ("N", "D")), (b, ("N",)), (c, (..., "D"))])
    assert check.type == "NoOp"
    with tf.Session() as sess:
        sess.run(check, {a: np.zeros((4, 3)), b: np.zeros(4), c: np.zeros((2, 5, 3))})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Specified by tensor a:0 dimension 0\] \[Tensor b:0 "
                                 r"dimension\] \[0\] \[must have size\] \[4\]"):
            sess.run(check, {a: np.zeros((4, 3)), b: np.zeros(5), c: np.zeros((2, 5, 3))})
    with pytest.raises(ValueError, match=r"Specified explicitly.  Tensor c:0 dimension 0 "
                                         r"must have size 3.  Received size 2"):
        tf.debugging.assert_shapes({c: (3, 5, 3)})
    d = tf.placeholder(tf.float32, [2, 4], name="d")
    with pytest.raises(ValueError, match=r"Specified by tensor a:0 dimension 1.  Tensor d:0 "
                                         r"dimension -1 must have size 3.  Received size 4"):
        tf.debugging.assert_shapes([(a, ("N", "D")), (d, ("*", "D"))])
    with pytest.raises(ValueError, match="must have rank 2"):
        tf.debugging.assert_shapes([(c, ("N", "D"))])
    with pytest.raises(ValueError, match="only allowed as the first entry"):
        tf.debugging.assert_shapes([(c, ("N", ...))])
    assert "assert_shapes" not in dir(tf)  # TF1 has it in tf.debugging only


def test_verify_tensor_all_finite_and_assert_all_finite():
    x = tf.placeholder(tf.float32, [2], name="x")
    checked = tf.verify_tensor_all_finite(x, "bad input")
    assert checked.name == "VerifyFinite/control_dependency:0"
    other = tf.debugging.assert_all_finite(x, "again")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(checked, {x: [1, 2]}), [1, 2])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"bad input : Tensor had NaN values \(tensor 'x:0'\)"):
            sess.run(checked, {x: [1, np.nan]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="again : Tensor had Inf"):
            sess.run(other, {x: [np.inf, 1]})


def test_assert_variables_initialized():
    assert tf.assert_variables_initialized() is None
    v = tf.Variable(1.0, name="v")
    w = tf.Variable([1.0, 2.0], name="w")
    check = tf.assert_variables_initialized()
    one = tf.assert_variables_initialized([w])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            sess.run(check)
        sess.run(v.initializer)
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value w"):
            sess.run(one)
        sess.run(w.initializer)
        np.testing.assert_array_equal(sess.run(check), [0, 1])
        assert sess.run(one) == 1


def test_debugging_namespace_has_the_assertions():
    for name in ("assert_equal", "assert_shapes", "assert_all_finite", "assert_rank_in",
                 "assert_same_float_dtype", "assert_proper_iterable", "Assert"):
        assert callable(getattr(tf.debugging, name)), name
    with pytest.raises(NotImplementedError, match="tf.debugging.experimental"):
        tf.debugging.experimental  # noqa: B018
