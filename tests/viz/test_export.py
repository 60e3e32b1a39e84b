"""DOT text, SVG rendering, the missing-Graphviz error and atomic writes."""
import os
import re
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest

import tfgraph as tf
from tfgraph import viz

SVG = "{http://www.w3.org/2000/svg}"
_NODE_STMT = re.compile(r"^\s*([^\s\[\]]+) \[", re.M)
_EDGE_STMT = re.compile(r"^\s*(\S+) -> (\S+)", re.M)


def _svg_groups(path):
    """{class: [(title, [texts])]} of the SVG's <g> elements."""
    root = ET.parse(path).getroot()
    out = {}
    for g in root.iter(SVG + "g"):
        title = g.find(SVG + "title")
        texts = [t.text for t in g.iter(SVG + "text")]
        out.setdefault(g.get("class"), []).append((title.text if title is not None else None,
                                                   texts, g))
    return out


def _edge_lines(source, src_label_id):
    return [line for line in source.splitlines() if f"{src_label_id} ->" in line]


def test_tf_viz_namespace():
    assert tf.viz.render is viz.render and tf.viz.to_dot is viz.to_dot
    assert tf.viz.plot_model and tf.viz.model_to_dot


def test_dot_ids_have_no_colons_and_names_go_in_labels(layer_graph):
    with tf.name_scope("odd.scope-1"):
        tf.identity(layer_graph["x"], name="x.copy-2")
    source = viz.to_dot(expand="all")
    ids = _NODE_STMT.findall(source) + [x for pair in _EDGE_STMT.findall(source) for x in pair]
    assert ids and not [i for i in ids if ":" in i or "." in i or "-" in i]
    assert "subgraph cluster_odd_scope_1 {" in source
    assert 'label="x.copy-2"' in source and 'label="odd.scope-1"' in source


def test_dot_has_scope_clusters_shapes_and_dashed_control_edges(layer_graph):
    source = viz.to_dot(layer_graph["graph"], set_aside=False, legend=False)
    assert "rankdir=BT" in source
    assert "subgraph cluster_layer1 {" in source and "label=layer1" in source
    (x_edge,) = _edge_lines(source, "op_x")[:1]
    assert 'label="?×784"' in x_edge and "dashed" not in x_edge
    init_edges = [line for line in source.splitlines() if "-> op_init" in line]
    assert len(init_edges) == 2 and all("style=dashed" in line for line in init_edges)
    assert 'label="2 int32"' in source  # dtype shown where not float32
    edge_lines = [ln for ln in source.splitlines() if " -> " in ln]
    assert len(edge_lines) > 10 and not [ln for ln in edge_lines if "float32" in ln]
    assert 'rankdir=LR' in viz.to_dot(layer_graph["graph"], rankdir="LR")
    with pytest.raises(ValueError, match="rankdir"):
        viz.to_dot(layer_graph["graph"], rankdir="up")


def test_reference_edges_are_orange(layer_graph):
    layer_graph["W"].assign(np.ones([784, 10], np.float32), name="set_W")
    source = viz.to_dot(legend=False)
    (line,) = [ln for ln in source.splitlines() if "var_layer1_W -> op_set_W" in ln]
    assert 'color="#FFB74D"' in line


def test_collapsed_groups_show_tensor_count(layer_graph):
    source = viz.to_dot(collapse_threshold=3, legend=False)
    (line,) = [ln for ln in source.splitlines() if "grp_layer1 -> grp_gradients" in ln]
    crossing = {t for op in layer_graph["graph"].get_operations()
                if op.name.startswith("gradients/") for t in op.inputs
                if t.op.name.startswith("layer1/")}
    assert f'label="{len(crossing)} tensors"' in line
    assert 'grp_layer1 [label="layer1\n10 ops"' in source


def test_render_svg_is_well_formed_with_clusters_and_labels(layer_graph, tmp_path, require_dot):
    path = viz.render(layer_graph["graph"], tmp_path / "layer.svg")
    assert path == str(tmp_path / "layer.svg")
    groups = _svg_groups(path)
    clusters = {title: texts for title, texts, _ in groups["cluster"]}
    assert clusters["cluster_layer1"] == ["layer1"]
    assert "cluster_legend" in clusters
    nodes = {title: texts for title, texts, _ in groups["node"]}
    assert nodes["var_layer1_W"] == ["W", "784×10"]
    assert nodes["op_layer1_MatMul"] == ["MatMul"]
    assert nodes["grp_gradients"][0] == "gradients"
    assert not [t for t in nodes if t.endswith(("read", "Assign", "initial_value"))]
    edges = {title: (texts, g) for title, texts, g in groups["edge"]}
    assert edges["op_x->op_layer1_MatMul"][0] == ["?×784"]
    assert os.listdir(tmp_path) == ["layer.svg"]


def test_render_control_edges_dashed_in_svg(tmp_path, require_dot):
    a = tf.placeholder(tf.float32, [2], name="a")
    first = tf.square(a, name="first")
    with tf.control_dependencies([first]):
        second = tf.negative(a, name="second")
    path = viz.render(second, tmp_path / "c.svg", legend=False)
    edges = {title: g for title, _, g in _svg_groups(path)["edge"]}
    dashed = {t for t, g in edges.items()
              if any(p.get("stroke-dasharray") for p in g.iter(SVG + "path"))}
    assert dashed == {"op_first->op_second"}
    assert "op_a->op_second" in edges


def test_render_png_and_dot_formats(layer_graph, tmp_path, require_dot):
    png = viz.render(layer_graph["graph"], tmp_path / "g.png")
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    dot_path = viz.render(layer_graph["graph"], tmp_path / "g.gv", format="dot")
    with open(dot_path, encoding="utf-8") as f:
        assert f.read() == viz.to_dot(layer_graph["graph"])
    out = viz.plot_model(layer_graph["loss"], to_file=str(tmp_path / "m.svg"), dpi=72)
    ET.parse(out)
    assert 'dpi=72' in viz.model_to_dot(layer_graph["loss"], dpi=72).source


def test_missing_dot_raises_install_hint_and_writes_nothing(layer_graph, tmp_path,
                                                           monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin-here"))
    with pytest.raises(viz.GraphvizNotFoundError) as info:
        viz.render(layer_graph["graph"], out / "g.svg")
    msg = str(info.value)
    assert "install Graphviz" in msg and "sudo apt-get install graphviz" in msg
    assert "brew install graphviz" in msg and 'format="dot"' in msg
    assert isinstance(info.value, graphviz.ExecutableNotFound)
    assert os.listdir(out) == []
    # DOT source needs no Graphviz program.
    viz.render(layer_graph["graph"], out / "g.dot")
    assert os.listdir(out) == ["g.dot"]


def test_failed_render_keeps_old_file(layer_graph, tmp_path, require_dot):
    path = tmp_path / "g.svg"
    path.write_text("old contents")
    with pytest.raises(RuntimeError, match="dot -Tnosuchformat"):
        viz.render(layer_graph["graph"], path, format="nosuchformat")
    assert path.read_text() == "old contents"
    assert os.listdir(tmp_path) == ["g.svg"]
    with pytest.raises(ValueError, match="format"):
        viz.render(layer_graph["graph"], path, format="svg; rm -rf")


def test_device_legend(tmp_path):
    with tf.device("/gpu:0"):
        tf.placeholder(tf.float32, [2], name="a")
    source = viz.to_dot(color_by="device")
    assert "legend_dev_GPU_0" in source and 'fillcolor="#FFB74D"' in source


def test_merged_edges_are_drawn_to_the_cluster_border(layer_graph):
    source = viz.to_dot(layer_graph["graph"])
    lines = [ln for ln in source.splitlines() if "-> grp_gradients" in ln and "ltail" in ln]
    assert len(lines) == 1 and "ltail=cluster_layer1" in lines[0]
    assert "compound=true" in source


def test_fast_layout_for_big_diagrams(layer_graph, monkeypatch):
    assert "splines" not in viz.to_dot(layer_graph["graph"])
    fast = viz.to_dot(layer_graph["graph"], fast_layout=True)
    assert "splines=line" in fast and "nslimit=1" in fast
    view = viz.build_view(layer_graph["graph"])
    size = len(view.nodes) + len(view.edges)
    monkeypatch.setattr(viz.export, "FAST_LAYOUT_SIZE", size)
    assert "splines" not in viz.to_dot(layer_graph["graph"])
    monkeypatch.setattr(viz.export, "FAST_LAYOUT_SIZE", size - 1)
    assert "splines=line" in viz.to_dot(layer_graph["graph"])
