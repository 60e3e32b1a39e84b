"""framework/traversal.py: ancestors with cut points (session, diagrams, gradients) and
descendants."""
import tfgraph as tf
from tfgraph.framework.traversal import ancestors, descendants


def _names(ops):
    return sorted(op.name for op in ops)


def test_ancestors_cut_at_fed_tensors_and_refs():
    x = tf.placeholder(tf.float32, [], name="x")
    v = tf.Variable(1.0, name="v")
    a = tf.add(x, 1.0, name="a")
    b = tf.multiply(a, v, name="b")
    upd = tf.assign_add(v, b, name="upd")
    everything = ancestors([upd.op])
    assert {"x", "a", "b", "v", "v/read", "upd"} <= set(_names(everything))
    fed = ancestors([b.op], cut={a})
    assert "x" not in _names(fed) and "a" not in _names(fed) and "v/read" in _names(fed)
    no_refs = ancestors([upd.op], follow_refs=False, cut={b})
    assert _names(no_refs) == ["upd"]  # the variable is bound by reference, b is fed


def test_ancestors_control_edges_and_within():
    a = tf.constant(1.0, name="a")
    c = tf.constant(2.0, name="c")
    with tf.control_dependencies([c]):
        d = tf.identity(a, name="d")
    assert _names(ancestors([d.op])) == ["a", "c", "d"]
    assert _names(ancestors([d.op], control=False)) == ["a", "d"]
    assert _names(ancestors([d.op], skip_control=lambda op: op.name == "c")) == ["a", "d"]
    assert _names(ancestors([d.op], within={d.op})) == ["d"]


def test_descendants_follow_consumers():
    a = tf.constant(1.0, name="a")
    b = tf.square(a, name="b")
    c = tf.negative(b, name="c")
    tf.constant(3.0, name="other")
    assert _names(descendants([a.op])) == ["a", "b", "c"]
    assert _names(descendants([c.op])) == ["c"]


def test_deep_chain_needs_no_recursion():
    t = tf.constant(0.0)
    for _ in range(3000):
        t = tf.identity(t)
    assert len(ancestors([t.op])) == 3001
