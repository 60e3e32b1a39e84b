"""`tf.custom_gradient`, `tf.grad_pass_through`, `tf.py_function`, `tf.init_scope` and
`tf.switch_case` (ops/frame_api.py): values, gradients against finite differences and known
values, TF1's errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf


@tf.custom_gradient
def _log1pexp(x):
    e = tf.exp(x)

    def grad(dy):
        return dy * (1 - 1 / (1 + e))
    return tf.log(1 + e), grad


def test_custom_gradient_matches_finite_differences():
    x = tf.placeholder(tf.float64, [4])
    y = _log1pexp(x)
    dx, = tf.gradients(tf.reduce_sum(y * [1.0, 2.0, 3.0, 4.0]), x)
    xv = np.array([-2.0, -0.5, 0.3, 1.7])
    h = 1e-6
    with tf.Session() as sess:
        got = sess.run(dx, {x: xv})
        fd = (sess.run(y, {x: xv + h}) - sess.run(y, {x: xv - h})) / (2 * h)
    np.testing.assert_allclose(got, fd * [1, 2, 3, 4], rtol=1e-6)
    assert y.op.type == "IdentityN"


def test_custom_gradient_is_what_grad_fn_says():
    @tf.custom_gradient
    def clip_grad(x, y):
        def grad(dz):
            return tf.clip_by_value(dz, -0.5, 0.5), dz * 0.0 + 7.0
        return x * y, grad

    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    z = clip_grad(a, b)
    ga, gb = tf.gradients(z * [2.0, 0.25], [a, b])
    with tf.Session() as sess:
        zv, gav, gbv = sess.run([z, ga, gb])
    np.testing.assert_array_equal(zv, [3, 8])
    np.testing.assert_array_equal(gav, [0.5, 0.25])
    np.testing.assert_array_equal(gbv, [7, 7])


def test_custom_gradient_with_variables_and_optimizer():
    w = tf.Variable(2.0, name="w")

    @tf.custom_gradient
    def scaled(x):
        def grad(dy, variables=None):
            assert [v.op.name for v in variables] == ["w"]
            return dy * 10.0, [dy * 100.0]
        return x * w, grad

    x = tf.constant(3.0)
    z = scaled(x)
    gx, gw = tf.gradients(z, [x, w])
    step = tf.train.GradientDescentOptimizer(0.01).minimize(z)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run([z, gx, gw]) == [6.0, 10.0, 100.0]
        sess.run(step)
        assert sess.run(w) == pytest.approx(1.0)  # 2 - 0.01 * 100

    @tf.custom_gradient
    def no_variables_kwarg(x):
        return x * w, lambda dy: dy
    with pytest.raises(TypeError, match="must accept keyword argument 'variables'.*w"):
        no_variables_kwarg(x)


def test_custom_gradient_errors():
    @tf.custom_gradient
    def f(x, scale=2.0):
        return x * scale, lambda dy: dy
    with pytest.raises(ValueError, match="keywords arguments"):
        f(tf.constant(1.0), scale=3.0)

    @tf.custom_gradient
    def two_grads(x):
        return x * 2.0, lambda dy: (dy, dy)
    y = two_grads(tf.constant(1.0))
    with pytest.raises(ValueError, match="returned 2 gradients for 1 inputs"):
        tf.gradients(y, y.op.inputs[1])


def test_grad_pass_through_is_straight_through():
    x = tf.constant([1.4, 2.6, -0.7])
    y = tf.grad_pass_through(tf.round)(x)
    g, = tf.gradients(tf.reduce_sum(y * [1.0, 2.0, 3.0]), x)
    with tf.Session() as sess:
        yv, gv = sess.run([y, g])
    np.testing.assert_array_equal(yv, [1, 3, -1])
    np.testing.assert_array_equal(gv, [1, 2, 3])


def test_py_function_values_numpy_method_and_errors():
    seen = []

    def f(a, b):
        seen.append((type(a).__name__, a.numpy().dtype))
        return a.numpy() * 2, int(np.sum(b))

    a = tf.placeholder(tf.float32, [None])
    x, y = tf.py_function(f, [a, tf.constant([3, 4])], [tf.float32, tf.int32], name="pf")
    s = tf.py_function(lambda t: t.numpy() + b"!", [tf.constant("hi")], tf.string)
    plain = tf.py_function(lambda t: t + 1, [tf.constant(1.5)], tf.float32)
    noop = tf.py_function(lambda: seen.append("ran"), [], [])
    bad = tf.py_function(lambda t: np.int64(1), [tf.constant(1)], tf.int32, name="bad")
    assert x.op.type == "EagerPyFunc" and x.op.name == "pf" and x.shape.ndims is None
    with tf.Session() as sess:
        xv, yv, sv, pv = sess.run([x, y, s, plain], {a: [1.0, 2.0]})
        sess.run(noop)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"int64, but expects int32\n.*node bad"):
            sess.run(bad)
    np.testing.assert_array_equal(xv, [2, 4])
    assert yv == 7 and sv == b"hi!" and pv == 2.5
    assert seen[0] == ("EagerArray", np.float32) and seen[-1] == "ran"


def test_init_scope_lifts_out_of_cond_and_control_deps():
    c = tf.placeholder(tf.bool, [])
    g = tf.get_default_graph()
    lifted = []

    def branch():
        with tf.init_scope():
            lifted.append(tf.constant(5.0, name="lifted"))
        inside = tf.constant(1.0, name="inside")
        return lifted[0] + inside

    gate = tf.no_op(name="gate")
    with tf.control_dependencies([gate]):
        with tf.init_scope():
            free = tf.constant(0.0, name="free")
    out = tf.cond(c, branch, lambda: tf.constant(0.0))
    assert lifted[0].op.name == "cond/lifted"  # the name scope is kept
    assert g._op_cf_context.get(lifted[0].op) is None
    assert g._op_cf_context.get(g.get_operation_by_name("cond/inside")) is not None
    assert free.op.control_inputs == []
    assert tf.Session().run(out, {c: True}) == 6.0


def test_switch_case_branches_default_and_errors():
    i = tf.placeholder(tf.int32, [])
    calls = []

    def branch(k):
        def fn():
            calls.append(k)
            return tf.constant(k * 10)
        return fn

    with_default = tf.switch_case(i, [branch(0), branch(1)], default=lambda: tf.constant(-1))
    as_dict = tf.switch_case(i, {1: lambda: tf.constant(1.5), 0: lambda: tf.constant(0.5)})
    pairs = tf.switch_case(i, [(0, lambda: (tf.constant(1), tf.constant("a"))),
                               (1, lambda: (tf.constant(2), tf.constant("b")))])
    side = tf.Variable(0, name="side")

    def bump():
        return tf.assign_add(side, 1)
    effect = tf.switch_case(i, [lambda: tf.identity(side), bump])
    with tf.Session() as sess:
        sess.run(side.initializer)
        got = {k: sess.run([with_default, as_dict], {i: k}) for k in (0, 1, 2, -3)}
        assert sess.run(pairs, {i: 1}) == (2, b"b")
        sess.run(effect, {i: 0})
        assert sess.run(side) == 0  # the branch not taken did not run
        sess.run(effect, {i: 1})
        assert sess.run(side) == 1
    assert got == {0: [0, 0.5], 1: [10, 1.5], 2: [-1, 1.5], -3: [-1, 1.5]}
    with pytest.raises(TypeError, match="'branch_index' must be a Tensor"):
        tf.switch_case(1, [branch(0)])
    with pytest.raises(TypeError, match="integer Tensor"):
        tf.switch_case(tf.constant(1.0), [branch(0)])
    with pytest.raises(TypeError, match="int64 not in list of allowed values: int32"):
        tf.switch_case(tf.constant(1, tf.int64), [branch(0), branch(1)])
    with pytest.raises(ValueError, match=r"contiguous range of \[0 to 2\) but found \{0,2\}"):
        tf.switch_case(i, {0: branch(0), 2: branch(2)})
    with pytest.raises(TypeError, match="must be callable"):
        tf.switch_case(i, [(0, branch(0)), (1, 3)])
    with pytest.raises(ValueError, match="at least one"):
        tf.switch_case(i, [])


def test_cond_branch_ops_and_control_deps_on_outer_tensors_run():
    """A branch returning an op runs it, and `control_dependencies` inside a branch also
    orders ops whose inputs come from outside the cond (through the branch's Switch)."""
    p = tf.placeholder(tf.bool, [])
    v = tf.Variable(0, name="v")
    outer = tf.constant(5)
    q = tf.FIFOQueue(4, [tf.int32], shapes=[[]])
    as_op = tf.cond(p, lambda: tf.assign_add(v, 1).op, tf.no_op)
    enq = tf.cond(p, lambda: q.enqueue([outer]), tf.no_op)

    def gated():
        bump = tf.assign_add(v, 10)
        with tf.control_dependencies([bump]):
            return tf.identity(outer)
    through = tf.cond(p, gated, lambda: outer)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(as_op, {p: True})
        assert sess.run(v) == 1
        sess.run(as_op, {p: False})
        assert sess.run(v) == 1
        assert sess.run(through, {p: True}) == 5 and sess.run(v) == 11
        sess.run(enq, {p: True})
        sess.run(enq, {p: False})
        assert sess.run(q.size()) == 1
