"""Default collapsing of internals (dropout masks, initializer samplers) and of the optimizer's
updates into Variables, which otherwise dominate and tangle CNN diagrams."""
import tfgraph as tf
from tfgraph.viz import build_view


def _deep_like():
    x = tf.placeholder(tf.float32, [None, 8], name="x")
    with tf.name_scope("fc1"):
        W = tf.Variable(tf.truncated_normal([8, 4], stddev=0.1), name="W")
        h = tf.nn.relu(tf.matmul(x, W))
    with tf.name_scope("drop"):
        keep = tf.placeholder_with_default(1.0, [], name="keep_prob")
        h = tf.nn.dropout(h, keep_prob=keep)
    loss = tf.reduce_mean(h, name="loss")
    tf.train.AdamOptimizer(0.1).minimize(loss)
    return W


def test_dropout_and_initializer_scopes_are_collapsed_by_default():
    _deep_like()
    view = build_view(tf.get_default_graph())
    groups = {n.path: n for n in view.nodes.values() if n.kind == "group"}
    assert "drop/dropout" in groups and "fc1/truncated_normal" in groups
    assert "drop/dropout" not in view.clusters and "fc1" in view.clusters
    assert not [n for n in view.nodes.values() if n.ops and n.ops[0].type == "RandomUniform"]
    # Asked for, they open; "all" opens everything.
    opened = build_view(tf.get_default_graph(), expand=["drop/dropout", "fc1/truncated_normal"])
    assert "drop/dropout" in opened.clusters and "fc1/truncated_normal" in opened.clusters
    assert "drop/dropout" in build_view(tf.get_default_graph(), expand="all").clusters


def test_optimizer_updates_are_a_label_not_edges_across_the_diagram():
    W = _deep_like()
    view = build_view(tf.get_default_graph())
    adam = next(n for n in view.nodes.values() if n.path == "Adam")
    assert adam.label.endswith("\nupdates 3 variables")  # fc1/W, beta1_power, beta2_power
    assert "fc1/W" in adam.tooltip
    refs = [e for e in view.edges if e.kind == "ref"]
    assert not [e for e in refs if e.dst == adam.id]
    # A plain assign into a Variable keeps its (orange) reference edge.
    W.assign(tf.zeros([8, 4]), name="reset")
    view = build_view(tf.get_default_graph())
    reset = next(n for n in view.nodes.values() if n.path == "reset")
    assert [e.kind for e in view.edges if e.dst == reset.id and e.kind == "ref"] == ["ref"]
