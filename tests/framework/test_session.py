"""Session: running, fetch structures, feeding, pruning, plan caching, liveness, errors."""
import collections
import gc
import weakref

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.backends import default_backend_name
from tfgraph.framework.registry import OpDef, register_op, spec

# --- test-only ops ---------------------------------------------------------------------------
CALLS = collections.Counter()


class _Tracked(np.ndarray):
    """An ndarray subclass: unlike ndarray it supports weak references (liveness tests)."""


@register_op("TestCount")
class _TestCount(OpDef):
    """Identity that counts its executions under its op name."""

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def kernel(self, be, op, ctx):
        name = op.name

        def run(x):
            CALLS[name] += 1
            return x
        return run


@register_op("TestFail")
class _TestFail(OpDef):
    """Raises when executed: proves an op is pruned away."""

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        raise ValueError("TestFail must never run")


@register_op("TestTracked")
class _TestTracked(OpDef):
    """Copies its input into a weak-referenceable array and remembers it."""

    refs = []

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        out = np.array(x).view(_Tracked)
        _TestTracked.refs.append(weakref.ref(out))
        return out


@register_op("TestProbe")
class _TestProbe(OpDef):
    """Records whether the tracked value is still alive when this op runs."""

    alive = []

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        gc.collect()
        _TestProbe.alive.append(_TestTracked.refs[-1]() is not None)
        return np.array(x)


def _op(op_type, x, name=None):
    from tfgraph.framework.constant import make_tensor
    return make_tensor(op_type, [x], name=name)


# --- basics ------------------------------------------------------------------------------------
def test_seed_graph_runs_unchanged():
    a = tf.placeholder(tf.float32, name="a")
    b = tf.placeholder(tf.float32, name="b")
    c = tf.placeholder(tf.float32, name="c")
    d = tf.multiply(a, b, name="mul")
    e = tf.add(c, d, name="add")
    with tf.Session() as sess:
        out = sess.run(e, {a: [1.2, 2.4], b: [1.0, 0.5], c: [0.1, 0.2]})
    np.testing.assert_allclose(out, [1.3, 1.4], rtol=1e-6)
    assert out.dtype == np.float32


def test_fetch_structures_are_preserved():
    Pair = collections.namedtuple("Pair", "x y")
    a = tf.constant(1.0)
    b = tf.constant([2.0, 3.0])
    noop = tf.no_op()
    with tf.Session() as sess:
        r = sess.run({"a": a, "nested": [b, (a, noop)], "pair": Pair(a, b)})
    assert set(r) == {"a", "nested", "pair"}
    assert r["a"] == 1.0 and isinstance(r["a"], np.float32)
    assert isinstance(r["nested"], list) and isinstance(r["nested"][1], tuple)
    np.testing.assert_array_equal(r["nested"][0], [2.0, 3.0])
    assert r["nested"][1][1] is None
    assert isinstance(r["pair"], Pair) and r["pair"].x == 1.0
    with tf.Session() as sess:
        assert sess.run(noop) is None
        assert sess.run("Const:0") == 1.0
        assert sess.run(["Const_1:0", "NoOp"])[1] is None
        assert sess.run(()) == ()
        assert sess.run([]) == []


def test_plan_is_compiled_once_per_signature(monkeypatch):
    x = tf.placeholder(tf.float32, [None])
    y = x * 2.0
    sess = tf.Session()
    compiled = []
    orig = tf.Session._compile

    def counting(self, fetches, keys):
        compiled.append(1)
        return orig(self, fetches, keys)

    monkeypatch.setattr(tf.Session, "_compile", counting)
    for i in range(5):
        sess.run(y, {x: [float(i)]})
    assert len(compiled) == 1
    sess.run([y], {x: [1.0]})
    sess.run([y], {x: [2.0]})
    assert len(compiled) == 2
    assert sess.run(y, {x: [3.0]})[0] == 6.0


def test_only_the_needed_subgraph_runs():
    x = tf.placeholder(tf.float32, [2], name="x")
    needed = _op("TestCount", x, name="needed")
    _op("TestFail", x, name="unrelated")  # never fetched, must never run
    other = _op("TestCount", x, name="other")
    CALLS.clear()
    with tf.Session() as sess:
        sess.run(needed, {x: [1.0, 2.0]})
        sess.run(needed, {x: [1.0, 2.0]})
    assert CALLS["needed"] == 2
    assert CALLS["other"] == 0
    assert other.op.name == "other"


def test_feeding_an_intermediate_tensor_cuts_off_its_producers():
    x = tf.placeholder(tf.float32, [2], name="x")
    h = _op("TestFail", x, name="h")  # would fail if it ran
    y = h * 3.0
    with tf.Session() as sess:
        out = sess.run(y, {h: [1.0, 2.0]})
        np.testing.assert_allclose(out, [3.0, 6.0])
        # the fed tensor itself can be fetched back
        np.testing.assert_allclose(sess.run(h, {h: np.array([5.0, 6.0])}), [5.0, 6.0])


def test_feed_by_name_and_conversion_to_dtype():
    x = tf.placeholder(tf.float32, [None, 2], name="inp")
    y = tf.reduce_sum(x)
    with tf.Session() as sess:
        assert sess.run(y, {"inp:0": [[1, 2], [3, 4]]}) == 10.0
        out = sess.run(x, {x: np.ones((1, 2), np.float64)})
        assert out.dtype == np.float32


@pytest.mark.skipif(default_backend_name() != "numpy",
                    reason="tracks NumPy array lifetimes (weak references to an ndarray subclass)")
def test_values_are_released_after_last_use():
    x = tf.placeholder(tf.float32, [3])
    t = _op("TestTracked", x)
    u = t * 2.0
    p = _op("TestProbe", u)
    _TestTracked.refs.clear()
    _TestProbe.alive.clear()
    with tf.Session() as sess:
        sess.run(p, {x: [1.0, 2.0, 3.0]})
    assert _TestProbe.alive == [False]
    # fetched together with the probe, the value must stay alive
    _TestTracked.refs.clear()
    _TestProbe.alive.clear()
    with tf.Session() as sess:
        sess.run([p, t], {x: [1.0, 2.0, 3.0]})
    assert _TestProbe.alive == [True]


def test_control_dependencies_order_execution():
    v = tf.Variable(0.0, name="counter")
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        read = tf.identity(v.read_value())
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(read) == 1.0
        assert sess.run(read) == 2.0


# TF1's answers (real TF 2.x compat.v1, RefVariable): an op built under a control dependency on
# an assignment reads the variable after it -- on the first run of a fresh session too, and also
# through the variable's snapshot (`v + 0`: TF1's snapshot aliases the variable's buffer).
# `v.value()` itself is the snapshot made with the variable, outside the block: no dependency.
_READS_AFTER_ASSIGN = {
    "read_value": (lambda v: v.read_value(), 5.0),
    "identity": (lambda v: tf.identity(v), 5.0),
    "add_zero": (lambda v: v + 0, 5.0),
    "mul_two": (lambda v: v * 2.0, 10.0),
}


@pytest.mark.parametrize("with_cond", [False, True], ids=["straight", "plan_with_cond"])
@pytest.mark.parametrize("case", sorted(_READS_AFTER_ASSIGN))
def test_read_under_control_dependency_sees_assignment(case, with_cond):
    build, want = _READS_AFTER_ASSIGN[case]
    v = tf.Variable(1.0, name="v")
    a = tf.assign(v, 5.0)
    with tf.control_dependencies([a]):
        r = build(v)
    fetch = [r]
    if with_cond:  # a cond elsewhere in the plan: the control-flow code generator runs it
        p = tf.placeholder(tf.bool, [])
        fetch.append(tf.cond(p, lambda: tf.constant(1.0), lambda: tf.constant(2.0)))
    feed = {p: True} if with_cond else None
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(fetch, feed)[0] == want  # fresh session, first run
        assert sess.run(fetch, feed)[0] == want  # repeated run, cached plan
        sess.run(tf.assign(v, 2.0))
        assert sess.run(fetch, feed)[0] == want
        got_r, got_v = sess.run([r, v])
        assert (got_r, got_v) == (want, 5.0)
        assert sess.run(r + 0) == want


def test_snapshot_fetched_without_dependency_is_not_reassigned():
    v = tf.Variable(1.0, name="v")
    a = tf.assign(v, 5.0)
    with tf.control_dependencies([a]):
        snap = v.value()  # the snapshot made with the variable: no control input (as TF1)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(snap) == 1.0
        sess.run(tf.assign(v, 2.0))
        assert sess.run(snap) == 2.0


def test_chained_assignments_each_seen_by_the_next_read():
    v = tf.Variable([1.0, 2.0], name="v")
    a1 = tf.assign(v, [5.0, 6.0])
    with tf.control_dependencies([a1]):
        doubled = v * 2.0
        a2 = tf.assign(v, doubled + 1.0)
    with tf.control_dependencies([a2]):
        r = tf.identity(v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run([doubled, r]), [[10.0, 12.0], [11.0, 13.0]])
        np.testing.assert_array_equal(sess.run(v), [11.0, 13.0])


# --- variables ---------------------------------------------------------------------------------
def test_variables_live_in_the_session():
    v = tf.Variable([1.0, 2.0], name="v")
    upd = v.assign_add([1.0, 1.0])
    s1, s2 = tf.Session(), tf.Session()
    s1.run(tf.global_variables_initializer())
    s2.run(tf.global_variables_initializer())
    s1.run(upd)
    np.testing.assert_array_equal(s1.run(v), [2.0, 3.0])
    np.testing.assert_array_equal(s2.run(v), [1.0, 2.0])
    s1.run(v.assign([9.0, 9.0]))
    s1.run(tf.assign_sub(v, [1.0, 2.0]))
    np.testing.assert_array_equal(s1.run(v), [8.0, 7.0])


def test_fetched_variable_value_is_not_changed_by_later_updates():
    v = tf.Variable([1.0, 2.0])
    upd = v.assign_add([10.0, 10.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        before = sess.run(v)
        sess.run(upd)
        np.testing.assert_array_equal(before, [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(v), [11.0, 12.0])


def test_fetched_constant_cannot_corrupt_the_graph():
    c = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        out = sess.run(c)
        with pytest.raises(ValueError, match=r"read\-only"):
            out[0] = 5.0
        np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])


def test_uninitialized_variable_raises_failed_precondition_naming_it():
    v = tf.Variable([1.0], name="weights")
    y = v * 2.0
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value weights"):
            sess.run(y)
        assert list(sess.run(tf.report_uninitialized_variables())) == ["weights"]
        sess.run(tf.variables_initializer([v]))
        assert sess.run(y)[0] == 2.0
        assert sess.run(tf.is_variable_initialized(v))


def test_variable_load_eval_and_interactive_session():
    v = tf.Variable(np.zeros(3, np.float32))
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        tf.global_variables_initializer().run()
        v.load([1.0, 2.0, 3.0])
        np.testing.assert_array_equal(v.eval(), [1.0, 2.0, 3.0])
        np.testing.assert_array_equal((v * 2.0).eval(), [2.0, 4.0, 6.0])
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_assign_validates_shape():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])


# --- errors ------------------------------------------------------------------------------------
def test_missing_feed_message_matches_tf1():
    images = tf.placeholder(tf.float32, [None, 784], name="images")
    y = images * 2.0
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(y)
    assert ("You must feed a value for placeholder tensor 'images' with dtype float32 and "
            "shape [?,784]") in str(e.value)
    assert e.value.op is images.op


def test_bad_feed_shape_raises_value_error_naming_tensor_and_shapes():
    x = tf.placeholder(tf.float32, [None, 784], name="images")
    v = tf.Variable(0.0)
    y = tf.reduce_sum(x) + v
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(ValueError) as e:
            sess.run([y, v.assign(5.0)], {x: np.zeros((3, 10), np.float32)})
        assert "Cannot feed value of shape (3, 10) for Tensor 'images:0', which has shape '(?, 784)'" \
            in str(e.value)
        assert sess.run(v) == 0.0  # nothing ran: the assign did not happen
        with pytest.raises(ValueError, match=r"'images:0'"):
            sess.run(y, {x: np.zeros(784, np.float32)})


def test_unconvertible_feed_value_names_the_tensor():
    x = tf.placeholder(tf.float32, [2], name="inp")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="inp:0"):
            sess.run(x * 1.0, {x: ["a", "b"]})


def test_fetch_errors():
    g2 = tf.Graph()
    with g2.as_default():
        other = tf.constant(1.0)
    c = tf.constant(2.0)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="not an element of this graph"):
            sess.run(other)
        with pytest.raises(TypeError, match="invalid type"):
            sess.run(3)
        with pytest.raises(TypeError, match="invalid type"):
            sess.run(None)
        with pytest.raises(ValueError, match=r"'missing:0'"):
            sess.run("missing:0")
        with pytest.raises(TypeError, match="feed_dict key"):
            sess.run(c, {"Const": 1.0})
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(c)


def test_kernel_failure_is_reported_with_the_op_name():
    x = tf.placeholder(tf.float32, [None])
    y = tf.reshape(x, [2, 2], name="to_square")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(y, {x: [1.0, 2.0, 3.0]})
    assert "to_square" in str(e.value)
    assert e.value.op is y.op


def test_eval_without_default_session_raises():
    c = tf.constant(1.0)
    with pytest.raises(ValueError, match="No default session"):
        c.eval()


def test_session_graph_argument_and_default_graph_inside_with():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(4.0)
    with tf.Session(graph=g) as sess:
        assert tf.get_default_graph() is g
        assert sess.run(c) == 4.0
        assert c.eval() == 4.0


def test_make_callable():
    x = tf.placeholder(tf.float32, [None])
    y = x * 3.0
    with tf.Session() as sess:
        f = sess.make_callable(y, [x])
        np.testing.assert_allclose(f(np.array([1.0, 2.0], np.float32)), [3.0, 6.0])


def test_placeholder_with_default():
    d = tf.placeholder_with_default(tf.constant([1.0, 2.0]), shape=[None])
    y = d * 2.0
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y), [2.0, 4.0])
        np.testing.assert_allclose(sess.run(y, {d: [5.0]}), [10.0])


def test_control_input_added_later_reorders_and_cycles_are_reported():
    v = tf.Variable(0.0)
    read = v.read_value()  # created before the update...
    upd = tf.assign_add(v, 5.0)
    read.op._add_control_input(upd.op)  # ...but made to run after it
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(read) == 5.0
        a = tf.identity(tf.constant(1.0), name="a")
        b = tf.identity(a, name="b")
        a.op._add_control_input(b.op)
        with pytest.raises(tf.errors.InvalidArgumentError, match="cycle"):
            sess.run(b)


def test_kernels_return_nan_and_inf_silently_like_tf1():
    import warnings
    x = tf.constant([-1.0, 0.0, 4.0])
    with tf.Session() as sess, warnings.catch_warnings(record=True) as caught:
        root, log = sess.run([tf.sqrt(x), tf.log(x)])
    assert np.isnan(root[0]) and root[2] == 2.0 and log[1] == -np.inf
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []


def test_concurrent_runs_from_threads_are_consistent():
    import threading
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)

        def work():
            for _ in range(200):
                sess.run(inc)
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sess.run(v) == 800.0


def test_single_piece_split_and_unstack_return_arrays():
    p = tf.placeholder(tf.float32, [1, 2])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.split(p, 1)[0], {p: np.ones((1, 2))}), [[1, 1]])
        np.testing.assert_array_equal(sess.run(tf.unstack(p)[0] + 1, {p: np.ones((1, 2))}), [2, 2])


def test_fetching_a_fed_placeholders_op_returns_none():
    p = tf.placeholder(tf.float32, [2])
    q = p * 2.0
    with tf.Session() as sess:
        out, none = sess.run([q, p.op], {p: [1.0, 2.0]})
    np.testing.assert_array_equal(out, [2.0, 4.0])
    assert none is None


def test_float_scalar_arithmetic_takes_numpy_scalar_math_with_the_same_results():
    """0-d float feeds are used as given when they are NumPy scalars of the feed's dtype, and
    Add/Sub/Mul/RealDiv of two 0-d floats run through NumPy's scalar arithmetic: results
    (values, dtype, inf on division by zero) equal the ufuncs'."""
    a, b, c = (tf.placeholder(tf.float32, [], name=n) for n in "abc")
    v = tf.placeholder(tf.float32, [3], name="v")
    e = (c + a * b) / (a - b)
    mixed = a * v                                       # scalar x vector keeps the ufunc
    with tf.Session() as sess:
        for av, bv, cv in [(1.5, 2.0, 0.5), (3.0, 3.0, 1.0), (-2.0, 7.25, 1e30)]:
            A, B, C = np.float32(av), np.float32(bv), np.float32(cv)
            with np.errstate(divide="ignore"):
                A0, B0, C0 = (np.asarray(x) for x in (A, B, C))   # 0-d arrays: the ufuncs
                want = np.true_divide(np.add(C0, np.multiply(A0, B0)), np.subtract(A0, B0))
                got = sess.run(e, {a: A, b: B, c: C})
                got64 = sess.run(e, {a: float(av), b: np.float64(bv), c: [cv][0]})
            assert got.dtype == np.float32 and got64.dtype == np.float32
            np.testing.assert_array_equal(got, want)
            np.testing.assert_array_equal(got64, want)
        r = sess.run(mixed, {a: np.float32(2), v: np.arange(3, dtype=np.float32)})
        assert r.dtype == np.float32 and r.tolist() == [0.0, 2.0, 4.0]
        with pytest.raises(ValueError, match="a:0"):
            sess.run(e, {a: np.ones(2, np.float32), b: np.float32(1), c: np.float32(1)})
