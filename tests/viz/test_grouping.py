"""Grouping rules: scopes, collapsing, Variables, series, constants, set-aside, pruning, colours."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.viz import build_view, prune
from tfgraph.viz import style


def _kinds(view):
    return sorted((n.kind, n.path) for n in view.nodes.values())


def test_layer1_cluster_holds_folded_variables_and_matmul(layer_graph):
    view = build_view(layer_graph["graph"])
    layer1 = view.clusters["layer1"]
    assert layer1.id.startswith("cluster") and layer1.label == "layer1"
    inside = {view.nodes[n].path: view.nodes[n].kind for n in layer1.nodes}
    assert inside == {"layer1/W": "variable", "layer1/b": "variable",
                      "layer1/MatMul": "op", "layer1/add": "op"}


def test_variable_quartet_is_one_node(layer_graph):
    view = build_view(layer_graph["graph"])
    node = view.node_for("layer1/W")
    assert node.kind == "variable"
    assert sorted(op.name for op in node.ops) == [
        "layer1/W", "layer1/W/Assign", "layer1/W/initial_value", "layer1/W/read"]
    for name in ("layer1/W/read", "layer1/W/Assign", "layer1/W/initial_value"):
        assert view.node_for(name) is node
    assert node.label == "W\n784×10"
    # Consumers of W/read get their edge from the Variable node.
    matmul = view.node_for("layer1/MatMul")
    (edge,) = [e for e in view.edges if e.dst == matmul.id and e.src == node.id]
    assert edge.kind == "data" and [t.name for t in edge.tensors] == ["layer1/W/read:0"]


def test_expanding_a_variable_shows_its_ops(layer_graph):
    view = build_view(layer_graph["graph"], expand=["layer1/W"])
    assert view.clusters["layer1/W"].label == "W"
    labels = {view.nodes[n].label for n in view.clusters["layer1/W"].nodes}
    assert {"W", "Assign", "read"} <= labels  # the VariableV2 op is drawn inside its scope
    assert view.node_for("layer1/b").kind == "variable"


def test_gradients_scope_collapsed_by_default_and_expandable(layer_graph):
    graph = layer_graph["graph"]
    grad_ops = [op for op in graph.get_operations() if op.name.startswith("gradients/")]
    opts = dict(attach_constants=False, series_min=0)
    collapsed = build_view(graph, **opts)
    group = collapsed.node_for("gradients")
    assert group.kind == "group" and group.label == f"gradients\n{len(grad_ops)} ops"
    assert len(group.ops) == len(grad_ops)
    expanded = build_view(graph, expand=["gradients"], **opts)
    assert all(n.path != "gradients" or n.kind != "group" for n in expanded.nodes.values())
    # Every gradient op becomes its own node instead of the one group box.
    assert len(expanded.nodes) - len(collapsed.nodes) == len(grad_ops) - 1
    assert "gradients/layer1/MatMul_grad" in expanded.clusters
    assert build_view(graph, expand="all", **opts).nodes.keys() == expanded.nodes.keys()


def test_threshold_collapses_big_scopes_with_op_count(layer_graph):
    # For the threshold a folded Variable counts as one op: layer1 shows 4 nodes.
    assert "layer1" in build_view(layer_graph["graph"], collapse_threshold=4).clusters
    view = build_view(layer_graph["graph"], collapse_threshold=3)
    node = view.node_for("layer1")
    assert node.kind == "group" and node.label == "layer1\n10 ops"
    assert "layer1" not in view.clusters
    unfolded = build_view(layer_graph["graph"], collapse_threshold=9, fold_variables=False)
    assert unfolded.node_for("layer1").kind == "group"  # 10 ops when Variables are unfolded
    assert "layer1" in build_view(layer_graph["graph"], collapse_threshold=9).clusters
    # The tensors between the collapsed scope and the loss are counted on the edge.
    (edge,) = [e for e in view.edges if e.src == node.id and e.dst == view.node_for("sub").id]
    assert len(edge.tensors) == 1
    to_grads = [e for e in view.edges if e.src == node.id
                and e.dst == view.node_for("gradients").id]
    crossing = {t for op in layer_graph["graph"].get_operations()
                if op.name.startswith("gradients/") for t in op.inputs
                if t.op.name.startswith("layer1/")}
    assert len(crossing) >= 3 and set(to_grads[0].tensors) == crossing
    assert build_view(layer_graph["graph"], collapse=["layer*"]).node_for("layer1").kind == "group"
    assert "layer1" in build_view(layer_graph["graph"], collapse=["layer*"],
                                  expand=["layer1"]).clusters


def test_optimizer_scopes_collapse_by_default():
    a = tf.placeholder(tf.float32, [2], name="a")
    with tf.name_scope("Adam"):
        tf.square(a)
        tf.negative(a)
    with tf.name_scope("Momentum_1"):
        tf.square(a)
    with tf.name_scope("Adamant"):
        tf.square(a)
    view = build_view(tf.get_default_graph())
    assert view.node_for("Adam").kind == "group"
    assert view.node_for("Momentum_1").kind == "group"
    assert "Adamant" in view.clusters


def test_series_of_five_siblings_merges():
    a = tf.placeholder(tf.float32, [3, 3], name="a")
    with tf.name_scope("block"):
        outs = [tf.matmul(a, a) for _ in range(6)]  # MatMul, MatMul_1 ... MatMul_5
    view = build_view(tf.get_default_graph())
    series = view.node_for("block/MatMul_3")
    assert series.kind == "series" and series.label == "MatMul_[1-5]\n5 × MatMul"
    assert view.node_for("block/MatMul").kind == "op"
    (edge,) = [e for e in view.edges if e.dst == series.id]
    assert edge.count == 10 and len(edge.tensors) == 1
    assert len(build_view(tf.get_default_graph(), series_min=0).nodes) == len(view.nodes) + 4
    assert outs


def test_constant_is_attached_to_its_single_consumer():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    two = tf.constant(2.0, name="two")
    shared = tf.constant(1.0, name="shared")
    with tf.name_scope("s"):
        y = tf.multiply(x, two)
        z = tf.add(y, shared)
    tf.subtract(z, shared)
    view = build_view(tf.get_default_graph())
    node = view.node_for("two")
    assert node.kind == "const" and node.scope == "s" and node.label == "2"
    assert view.node_for("shared").scope == ""  # two consumers: stays where it was built
    assert build_view(tf.get_default_graph(), attach_constants=False).node_for("two").scope == ""


def test_init_noop_is_set_aside(layer_graph):
    view = build_view(layer_graph["graph"])
    init = view.node_for("init")
    assert init.aside and "2 inputs not drawn" in init.label
    assert not [e for e in view.edges if init.id in (e.src, e.dst)]
    kept = build_view(layer_graph["graph"], set_aside=False)
    init = kept.node_for("init")
    edges = [e for e in kept.edges if e.dst == init.id]
    assert not init.aside and {e.kind for e in edges} == {"control"} and len(edges) == 2


def test_high_degree_op_is_set_aside():
    hub = tf.placeholder(tf.float32, [2], name="hub")
    scale = tf.identity(hub, name="scale")
    for i in range(5):
        tf.multiply(scale, float(i + 1), name=f"use{i}x")
    # `scale` has 6 neighbours: hub and the five consumers.
    view = build_view(tf.get_default_graph(), high_degree=5)
    assert view.node_for("scale").aside
    assert "1 input, 5 outputs not drawn" in view.node_for("scale").label
    assert not build_view(tf.get_default_graph(), high_degree=6).node_for("scale").aside


def test_control_and_reference_edges(layer_graph):
    W = layer_graph["W"]
    delta = tf.constant(np.ones([784, 10], np.float32), name="delta")
    with tf.control_dependencies([layer_graph["init"]]):
        step = W.assign_add(delta, name="step")
    view = build_view(tf.get_default_graph(), set_aside=False)
    var, step_node = view.node_for("layer1/W"), view.node_for(step.op.name)
    kinds = {e.kind for e in view.edges if e.dst == step_node.id}
    assert kinds == {"ref", "data", "control"}
    (ref,) = [e for e in view.edges if e.kind == "ref"]
    assert ref.src == var.id and ref.tensors[0].name == "layer1/W:0"


def test_prune_to_fetches_and_feeds(layer_graph):
    g, loss = layer_graph["graph"], layer_graph["loss"]
    names = {op.name for op in prune(g, [loss])}
    assert "loss" in names and "layer1/W" in names
    assert not any(n.startswith("gradients") or n == "init" for n in names)
    cut = {op.name for op in prune(g, [loss], feeds=[layer_graph["y"]])}
    assert "layer1/add" in cut and "layer1/MatMul" not in cut and "x" not in cut
    view = build_view(loss, feeds=[layer_graph["y"]])
    assert view.node_for("layer1/add").fed and "(fed)" in view.node_for("layer1/add").label
    assert view.node_for("loss").fetched
    assert build_view(g, fetches="loss:0").num_ops == len(names)


def test_structure_colours_shared_by_identical_scopes():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    h = x
    for name in ("dense1", "dense2"):
        with tf.name_scope(name):
            W = tf.Variable(np.ones([4, 4], np.float32), name="W")
            h = tf.matmul(h, W)
    with tf.name_scope("head"):
        out = tf.reduce_sum(h)
    view = build_view(tf.get_default_graph())
    c1, c2, head = (view.clusters[s].color for s in ("dense1", "dense2", "head"))
    assert c1 == c2 and c1 in style.STRUCTURE_PALETTE
    assert head == style.SCOPE_FILL
    plain = build_view(tf.get_default_graph(), color_by=None)
    assert plain.clusters["dense1"].color == style.SCOPE_FILL
    assert out is not None


def test_color_by_device():
    with tf.device("/gpu:0"):
        a = tf.placeholder(tf.float32, [2], name="a")
    with tf.device("/cpu:0"):
        b = tf.square(a, name="b")
    tf.negative(b, name="c")
    view = build_view(tf.get_default_graph(), color_by="device")
    assert view.devices == ["CPU:0", "GPU:0", "unplaced"]
    assert view.node_for("a").color == style.DEVICE_COLORS["GPU"]
    assert view.node_for("b").color == style.DEVICE_COLORS["CPU"]
    assert view.node_for("c").color == style.UNPLACED_COLOR
    with pytest.raises(ValueError, match="color_by"):
        build_view(tf.get_default_graph(), color_by="rainbow")


def test_shape_labels():
    assert style.shape_label(tf.TensorShape([None, 784])) == "?×784"
    assert style.shape_label(tf.TensorShape([]), tf.int32) == "scalar int32"
    assert style.shape_label(tf.TensorShape(None), tf.float32) == "unknown"
    assert style.shape_label(tf.TensorShape([3]), tf.float32, always_dtype=True) == "3 float32"
    assert style.format_ids([5, 1, 2, 3, 9, 10]) == "1-3,5,9-10"


def test_edges_into_a_collapsed_scope_are_merged_per_scope(layer_graph):
    view = build_view(layer_graph["graph"])
    grads = view.node_for("gradients")
    from_layer1 = [e for e in view.edges if e.dst == grads.id and e.tail_scope == "layer1"]
    (edge,) = from_layer1
    assert view.nodes[edge.src].scope == "layer1" and edge.head_scope is None
    crossing = {t for op in layer_graph["graph"].get_operations()
                if op.name.startswith("gradients/") for t in op.inputs
                if t.op.name.startswith("layer1/")}
    assert set(edge.tensors) == crossing
    # Top-level ops keep their own edges.
    assert [e for e in view.edges if e.dst == grads.id and e.src == view.node_for("x").id]


def test_collapsed_scope_with_many_neighbours_is_set_aside():
    x = tf.placeholder(tf.float32, [2], name="x")
    outs = []
    for i in range(6):
        with tf.name_scope(f"part{i}"):
            outs.append(tf.square(x))
    with tf.name_scope("sink"):
        total = tf.add_n(outs)
        tf.negative(total)
    view = build_view(tf.get_default_graph(), collapse=["sink"], high_degree=5)
    sink = view.node_for("sink")
    assert sink.aside and "6 inputs not drawn" in sink.label
    assert not [e for e in view.edges if e.dst == sink.id]
    assert not build_view(tf.get_default_graph(), collapse=["sink"]).node_for("sink").aside


def test_op_alone_in_its_scope_is_not_boxed():
    x = tf.placeholder(tf.float32, [None, 10], name="x")
    with tf.name_scope("acc"):
        tf.argmax(x, 1)  # "acc/ArgMax" with its constant "acc/ArgMax/dimension"
    view = build_view(tf.get_default_graph())
    assert view.node_for("acc/ArgMax").scope == "acc"
    assert view.node_for("acc/ArgMax/dimension").scope == "acc"
    assert "acc/ArgMax" not in view.clusters and "acc" in view.clusters


def test_distinct_repeated_structures_get_distinct_colours():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    for name in ("sq1", "sq2", "neg1", "neg2"):
        with tf.name_scope(name):
            (tf.square if name.startswith("sq") else tf.negative)(x)
            tf.identity(x)
    clusters = build_view(tf.get_default_graph()).clusters
    assert clusters["sq1"].color == clusters["sq2"].color != clusters["neg1"].color
    assert clusters["neg1"].color == clusters["neg2"].color
