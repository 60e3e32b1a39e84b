"""tf.while_loop: values against NumPy loops, TF1 naming, structures, shape invariants,
maximum_iterations, captures and variables, nesting with tf.cond, gradients, and errors."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import tfgraph as tf


def _np_loop(x, w, n):
    for _ in range(n):
        x = np.tanh(x @ w) + x
    return x


def test_while_values_and_tf1_names():
    n = tf.placeholder(tf.int32, [], name="n")
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    w = tf.constant(np.linspace(-0.5, 0.5, 9).reshape(3, 3).astype(np.float32))
    i, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, tf.tanh(tf.matmul(y, w)) + y),
                         [0, x])
    names = [op.name for op in tf.get_default_graph().get_operations()]
    for name in ("while/Enter", "while/Enter_1", "while/Merge", "while/Less/Enter",
                 "while/LoopCond", "while/Switch_1", "while/Identity", "while/add",
                 "while/MatMul/Enter", "while/NextIteration", "while/Exit", "while/Exit_1"):
        assert name in names, name
    g = tf.get_default_graph()
    assert g.get_operation_by_name("while/Enter").get_attr("frame_name") == "while/while_context"
    assert g.get_operation_by_name("while/MatMul/Enter").get_attr("is_constant") is True
    assert y.name == "while/Exit_1:0" and y.shape.as_list() == [2, 3]
    xv = np.arange(6, dtype=np.float32).reshape(2, 3) / 6.0
    with tf.Session() as sess:
        for k in (0, 1, 5):
            iv, yv = sess.run([i, y], {n: k, x: xv})
            assert iv == k
            assert yv.dtype == np.float32
            np.testing.assert_allclose(yv, _np_loop(xv, w.op.get_attr("value"), k), rtol=1e-5)


def test_while_nested_structures_and_single_var():
    Pair = collections.namedtuple("Pair", "count total")
    out = tf.while_loop(lambda p, d: p.count < 4,
                        lambda p, d: (Pair(p.count + 1, p.total + tf.cast(p.count, tf.float32)),
                                      {"a": d["a"] * 2, "b": d["b"] - 1}),
                        (Pair(tf.constant(0), tf.constant(0.0)),
                         {"a": tf.constant(1), "b": tf.constant([5, 6])}))
    single = tf.while_loop(lambda v: v < 100, lambda v: v * 3, tf.constant(1))
    listed = tf.while_loop(lambda v: v < 100, lambda v: [v * 3], [tf.constant(1)])
    same = tf.while_loop(lambda v: v < 100, lambda v: [v * 3], [tf.constant(1)],
                         return_same_structure=True)
    assert isinstance(out[0], Pair) and isinstance(same, list)
    with tf.Session() as sess:
        p, d = sess.run(out)
        assert p.count == 4 and p.total == 6.0 and d["a"] == 16
        np.testing.assert_array_equal(d["b"], [1, 2])
        assert sess.run(single) == 243 and sess.run(listed) == 243


def test_shape_invariants_and_shape_errors():
    x = tf.constant([[1.0, 2.0]])
    grow = tf.while_loop(lambda a: tf.shape(a)[0] < 4, lambda a: tf.concat([a, a * 2.0], 0),
                         [x], shape_invariants=[tf.TensorShape([None, 2])])
    assert grow.shape.as_list() == [None, 2]
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(grow), [[1, 2], [2, 4], [2, 4], [4, 8]])
    with pytest.raises(ValueError, match=r"Input tensor 'Const_1:0' enters the loop with shape "
                                         r"\(1, 2\), but has shape \(2, 2\)"):
        tf.while_loop(lambda a: tf.shape(a)[0] < 4, lambda a: tf.concat([a, a], 0),
                      [tf.constant([[1.0, 2.0]])])
    with pytest.raises(TypeError, match="enters the loop as int32 but the body returns float32"):
        tf.while_loop(lambda a: a < 4, lambda a: tf.cast(a, tf.float32), [tf.constant(1)])
    with pytest.raises(ValueError, match="same structure"):
        tf.while_loop(lambda a, b: a < 4, lambda a, b: a + 1, [tf.constant(1), tf.constant(2)])
    with pytest.raises(TypeError, match="cond must be callable"):
        tf.while_loop(1, lambda a: a, [tf.constant(1)])
    with pytest.raises(TypeError, match="must return a bool"):
        tf.while_loop(lambda a: a, lambda a: a, [tf.constant(1)])
    with pytest.raises(ValueError, match="not compatible with the initial shape"):
        tf.while_loop(lambda a: a[0] < 1, lambda a: a, [tf.constant([1, 2])],
                      shape_invariants=[tf.TensorShape([3])])


def test_maximum_iterations_stops_the_loop():
    n = tf.placeholder(tf.int32, [])
    r = tf.while_loop(lambda v: v < 1000, lambda v: v + 1, [tf.constant(0)],
                      maximum_iterations=n)
    two = tf.while_loop(lambda a, b: a < 5, lambda a, b: (a + 1, b * 2),
                        (tf.constant(0), tf.constant(1)), maximum_iterations=10)
    with tf.Session() as sess:
        assert sess.run(r, {n: 7}) == 7
        assert sess.run(r, {n: 0}) == 0
        assert sess.run(two) == (5, 32)


def test_captures_and_variables_in_body():
    v = tf.Variable(0.0)
    k = tf.placeholder(tf.float32, [])

    def body(i, acc):
        upd = tf.assign_add(v, k)  # a variable assigned every iteration
        with tf.control_dependencies([upd]):
            return i + 1, acc + v.read_value() * 1.0
    i, acc = tf.while_loop(lambda i, acc: i < 3, body, [0, 0.0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(acc, {k: 2.0}) == 2.0 + 4.0 + 6.0
        assert sess.run(v) == 6.0
        assert sess.run(acc, {k: 1.0}) == 7.0 + 8.0 + 9.0


def test_nested_loops_cond_in_loop_and_loop_in_cond():
    n = tf.placeholder(tf.int32, [])

    def outer_body(i, total):
        _, inner = tf.while_loop(lambda j, s: j < i, lambda j, s: (j + 1, s + j), [0, 0])
        total = tf.cond(tf.equal(i % 2, 0), lambda: total + inner, lambda: total - inner)
        return i + 1, total
    _, total = tf.while_loop(lambda i, t: i < n, outer_body, [0, 0])
    p = tf.placeholder(tf.bool, [])
    in_cond = tf.cond(p, lambda: tf.while_loop(lambda v: v < n, lambda v: v * 2, [1]),
                      lambda: tf.constant(-1))

    def ref(nv):
        t = 0
        for i in range(nv):
            s = sum(range(i))
            t = t + s if i % 2 == 0 else t - s
        return t
    with tf.Session() as sess:
        for nv in (0, 1, 4, 7):
            assert sess.run(total, {n: nv}) == ref(nv)
        assert sess.run(in_cond, {p: True, n: 20}) == 32
        assert sess.run(in_cond, {p: False, n: 20}) == -1


def test_kernel_error_inside_loop_names_op_and_session_survives():
    x = tf.placeholder(tf.float32, [None])
    out = tf.while_loop(lambda i, a: i < 2,
                        lambda i, a: (i + 1, tf.reshape(a, [2, -1])[0] * 1.0), [0, x],
                        shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(out[1], {x: np.arange(8.0)}), [0, 1])
        with pytest.raises(tf.errors.InvalidArgumentError, match="while/Reshape"):
            sess.run(out[1], {x: np.arange(3.0)})
        np.testing.assert_allclose(sess.run(out[1], {x: np.arange(4.0)}), [0])


def test_while_gradients_match_finite_differences():
    x = tf.placeholder(tf.float64, [2, 2])
    w = tf.placeholder(tf.float64, [2, 2])
    n = tf.placeholder(tf.int32, [])
    _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, tf.tanh(tf.matmul(y, w)) + y),
                         [0, x])
    loss = tf.reduce_sum(y * y)
    gx, gw = tf.gradients(loss, [x, w])
    rng = np.random.default_rng(0)
    xv, wv = rng.uniform(-0.5, 0.5, (2, 2)), rng.uniform(-0.5, 0.5, (2, 2))
    with tf.Session() as sess:
        for nv in (0, 1, 4):
            ax, aw = sess.run([gx, gw], {x: xv, w: wv, n: nv})
            f = lambda a, b: (_np_loop(a, b, nv) ** 2).sum()  # noqa: E731
            for val, arg in ((ax, 0), (aw, 1)):
                num = np.zeros((2, 2))
                for idx in np.ndindex(2, 2):
                    d = np.zeros((2, 2))
                    d[idx] = 1e-6
                    args_p = [xv + d, wv] if arg == 0 else [xv, wv + d]
                    args_m = [xv - d, wv] if arg == 0 else [xv, wv - d]
                    num[idx] = (f(*args_p) - f(*args_m)) / 2e-6
                np.testing.assert_allclose(val, num, rtol=1e-6, atol=1e-8)


def test_gradient_of_loop_with_cond_using_loop_invariants():
    x = tf.placeholder(tf.float64, [3])
    _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.sin(y) * x), [0, x])
    err = None
    with tf.Session():
        err = tf.test.compute_gradient_error(x, [3], y, [3],
                                             x_init_value=np.array([0.3, -0.7, 1.1]))
    assert err < 1e-5


def test_optimizer_minimizes_loss_computed_in_loop():
    w = tf.Variable(0.5)
    x0 = tf.constant(1.0)
    _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * w), [0, x0])  # y = w^3
    loss = tf.square(y - 8.0)
    step = tf.train.GradientDescentOptimizer(0.002).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(400):
            sess.run(step)
        assert abs(sess.run(w) - 2.0) < 1e-3


def test_back_prop_false_stops_gradients():
    x = tf.placeholder(tf.float32, [])
    y = tf.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, [x], back_prop=False)
    assert tf.gradients(y, x) == [None]


def _numeric_grad(f, v, eps=1e-6):
    return np.array([(f(v + e) - f(v - e)) / (2 * eps) for e in np.eye(v.size) * eps])


def test_gradients_of_nested_loops_cond_in_loop_and_loop_in_cond():
    x = tf.placeholder(tf.float64, [3])
    w = tf.placeholder(tf.float64, [3])
    p = tf.placeholder(tf.bool, [])

    def outer(i, y):
        _, z = tf.while_loop(lambda j, z: j < 2, lambda j, z: (j + 1, tf.sin(z) * y + z), [0, y])
        return i + 1, z * 0.9
    _, nested = tf.while_loop(lambda i, y: i < 2, outer, [0, x])

    def body(i, y):  # the cond's branches use values of the loop and of the branch
        return i + 1, tf.cond(tf.reduce_sum(y) > 0, lambda: y * w + tf.sin(y),
                              lambda: tf.cos(y) * y)
    _, with_cond = tf.while_loop(lambda i, y: i < 4, body, [0, x])
    in_cond = tf.cond(p, lambda: tf.while_loop(lambda k, v: k < 3,
                                               lambda k, v: (k + 1, v * x), [0, x])[1],
                      lambda: x * 2.0)
    g_nested = tf.gradients(tf.reduce_sum(nested), x)[0]
    g_cond = tf.gradients(tf.reduce_sum(with_cond * with_cond), [x, w])
    g_in = tf.gradients(tf.reduce_sum(in_cond), x)[0]

    def f_nested(v):
        y = v
        for _ in range(2):
            z = y
            for _ in range(2):
                z = np.sin(z) * y + z
            y = z * 0.9
        return y.sum()

    def f_cond(v, wv):
        y = v
        for _ in range(4):
            y = y * wv + np.sin(y) if y.sum() > 0 else np.cos(y) * y
        return (y * y).sum()
    wv = np.array([0.9, 1.1, -0.7])
    with tf.Session() as sess:
        for xv in (np.array([0.3, -0.5, 0.8]), np.array([-0.3, -0.5, 0.1])):
            feed = {x: xv, w: wv, p: True}
            np.testing.assert_allclose(sess.run(g_nested, feed), _numeric_grad(f_nested, xv),
                                       rtol=1e-6)
            gx, gw = sess.run(g_cond, feed)
            np.testing.assert_allclose(gx, _numeric_grad(lambda v: f_cond(v, wv), xv),
                                       rtol=1e-5, atol=1e-8)
            np.testing.assert_allclose(gw, _numeric_grad(lambda v: f_cond(xv, v), wv),
                                       rtol=1e-5, atol=1e-8)
            np.testing.assert_allclose(sess.run(g_in, feed), 4 * xv ** 3, rtol=1e-10)
            np.testing.assert_allclose(sess.run(g_in, {x: xv, p: False}), [2.0] * 3)


def test_stop_gradient_and_growing_tensor_array_in_loops():
    x = tf.placeholder(tf.float64, [2])
    _, y = tf.while_loop(lambda i, y: i < 3,
                         lambda i, y: (i + 1, y * tf.stop_gradient(y) + y), [0, x])
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    ta = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
    _, ta = tf.while_loop(lambda i, t: i < 4,
                          lambda i, t: (i + 1, t.write(i, x * tf.cast(i, tf.float64))), (0, ta))
    st = ta.stack()
    g2 = tf.gradients(tf.reduce_sum(st * st), x)[0]
    xv = np.array([0.5, -0.2])
    want_y, want_g = xv.copy(), np.ones(2)
    for _ in range(3):  # stop_gradient: d(y*y+y)/dy counts y + 1 only
        want_g, want_y = want_g * (want_y + 1), want_y * want_y + want_y
    with tf.Session() as sess:
        yv, gv, sv, g2v = sess.run([y, g, st, g2], {x: xv})
    np.testing.assert_allclose(yv, want_y)
    np.testing.assert_allclose(gv, want_g)
    np.testing.assert_allclose(sv, [xv * k for k in range(4)])
    np.testing.assert_allclose(g2v, sum(2 * xv * k * k for k in range(4)))


def test_a_value_inside_a_loop_is_not_fetchable():
    _, y = tf.while_loop(lambda i, y: i < 2, lambda i, y: (i + 1, y * 2.0), [0, 1.0])
    inner = tf.get_default_graph().get_tensor_by_name("while/mul:0")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="'while/mul' has been marked as not fetchable"):
            sess.run(inner)
        assert sess.run(y) == 4.0
