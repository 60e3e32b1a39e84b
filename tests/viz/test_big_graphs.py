"""Big graphs draw in bounded time: long chains fold into one node, tooltips and labels are
capped below Graphviz's 16,384-character limit, and diagrams too big for a quick layout are
drawn collapsed or refused with advice (issue 13, item 6)."""
import re
import time

import pytest

import tfgraph as tf
from tfgraph import viz
from tfgraph.viz import export, style


def _mixed_chain(n):
    """x -> mul -> add -> mul_1 -> add_1 ... : n ops, each with its own constant."""
    h = tf.placeholder(tf.float32, [None, 4], name="x")
    for i in range(n):
        h = h + 1.0 if i % 2 else h * 2.0
    return h


def _tooltips_and_labels(source):
    return re.findall(r'(?:tooltip|label)="((?:[^"\\]|\\.)*)"', source)


def test_short_runs_stay_ops_and_long_runs_fold_into_one_chain():
    _mixed_chain(9)
    view = viz.build_view(tf.get_default_graph())
    assert not [n for n in view.nodes.values() if n.kind == "chain"]
    tf.reset_default_graph()
    out = _mixed_chain(12)
    view = viz.build_view(tf.get_default_graph())
    (chain,) = [n for n in view.nodes.values() if n.kind == "chain"]
    graph_ops = tf.get_default_graph().get_operations()
    assert len(chain.ops) == len(graph_ops) - 1  # all but x: 12 ops and their 12 constants
    assert chain.label == "mul … add_5\n12 ops in a chain"
    assert "Add×6" in chain.tooltip and "Mul×6" in chain.tooltip
    assert [(e.src, e.dst) for e in view.edges] == [("op_x", chain.id)]
    assert out.op in chain.ops


def test_fetched_ops_and_branches_break_chains():
    h = _mixed_chain(30)  # mul, add, mul_1, ..., add_14
    side = tf.get_default_graph().get_operation_by_name("add_6").outputs[0]
    tf.negative(side, name="branch")  # add_6 now feeds two ops
    view = viz.build_view(tf.get_default_graph(), fetches=[h, "mul_3", "branch"])
    chains = [[op.name for op in n.ops if op.type != "Const"]
              for n in view.nodes.values() if n.kind == "chain"]
    # Runs: mul..add_2 (6 ops, before the fetched mul_3), add_3..add_6 (7, ends at the
    # branch), mul_7..mul_14 (15, before the fetched add_14): only the last has 10 or more.
    assert chains == [[f"{kind}_{i}" for i in range(7, 15) for kind in ("mul", "add")][:15]]
    plain = {n.path for n in view.nodes.values() if n.kind == "op"}
    assert {"mul", "add_2", "mul_3", "add_3", "add_6", "add_14"} <= plain
    unfolded = viz.build_view(tf.get_default_graph(), fetches=[h, "mul_3"], chain_min=0)
    assert not [n for n in unfolded.nodes.values() if n.kind == "chain"]


def test_10000_op_relu_chain_renders_with_capped_tooltips(tmp_path, require_dot):
    h = tf.placeholder(tf.float32, [None, 4], name="x")
    for _ in range(10000):
        h = tf.nn.relu(h)
    start = time.perf_counter()
    source = viz.to_dot()
    assert max(len(t) for t in _tooltips_and_labels(source)) <= style.MAX_TOOLTIP + 40
    path = viz.render(tf.get_default_graph(), tmp_path / "relu.svg")
    assert time.perf_counter() - start < 30
    svg = open(path).read()
    assert svg.rstrip().endswith("</svg>") and "Relu_[1&#45;9999]" in svg
    assert "more characters)" in svg  # the series' tooltip says it was cut


def test_10000_op_mixed_chain_renders_in_seconds(tmp_path, require_dot):
    _mixed_chain(10000)
    start = time.perf_counter()
    path = viz.render(tf.get_default_graph(), tmp_path / "chain.svg")
    assert time.perf_counter() - start < 30  # was more than 9 minutes of `dot`
    svg = open(path).read()
    assert "10000 ops in a chain" in svg and "mul … add_4999" in svg


def test_many_open_scopes_fall_back_to_a_collapsed_diagram(tmp_path, require_dot):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    for i in range(export.MAX_LAYOUT_CLUSTERS + 1):
        with tf.name_scope(f"block{i}"):
            a = tf.nn.relu(x)
            tf.multiply(a, tf.tanh(a))
    with pytest.warns(UserWarning, match="every name scope collapsed: the diagram has 1,204 "
                                         "nodes in 401 open name scopes"):
        path = viz.render(tf.get_default_graph(), tmp_path / "wide.svg")
    svg = open(path).read()
    assert "(every name scope collapsed)" in svg and "cluster_block0" not in svg
    assert svg.count("3 ops") >= 401


def test_a_slow_layout_is_stopped_and_refused_with_advice(tmp_path, require_dot, layer_graph):
    out = tmp_path / "g.svg"
    with pytest.raises(viz.GraphTooLargeError, match=r"within 1e-06 s.*fetches=.*format=\"dot\""):
        with pytest.warns(UserWarning, match="did not lay out"):
            viz.render(layer_graph["graph"], out, timeout=1e-6)
    assert not out.exists()
    assert isinstance(viz.GraphTooLargeError("x"), ValueError)


def test_too_many_nodes_even_collapsed_is_refused(tmp_path, monkeypatch, layer_graph):
    monkeypatch.setattr(export, "MAX_LAYOUT_NODES", 3)
    out = tmp_path / "g.png"
    with pytest.raises(viz.GraphTooLargeError,
                       match=r"graph of \d+ ops: the diagram has \d+ nodes.*still has \d+ "
                             r"nodes. Draw part of it"):
        viz.render(layer_graph["graph"], out)
    assert not out.exists()
    viz.render(layer_graph["graph"], tmp_path / "g.dot")  # DOT source has no limit


def test_long_labels_are_cut_without_breaking_escapes():
    long = "s" * 150 + "\\" * 101
    label = export._cap_label(style.escape(long))
    assert len(label) <= style.MAX_LABEL + 1 and label.endswith("…")
    assert (len(label[:-1]) - len(label[:-1].rstrip("\\"))) % 2 == 0
    assert style.truncate("abc", 5) == "abc"
    assert style.truncate("abcdefgh", 3) == "abc… (5 more characters)"
