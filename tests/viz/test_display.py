"""Reprs: the Session names its graph, devices and state; a Variable's repr agrees with its
dtype; Graph shows its diagram in Jupyter (SVG), Tensor and Operation an HTML card."""
import re

import numpy as np

import tfgraph as tf
from tfgraph import _display


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    W = tf.Variable(np.zeros([3, 1], np.float32), name="W")
    b = tf.Variable(0.0, name="b")
    return x, W, b, tf.add(tf.matmul(x, W), b, name="y")


def test_session_repr_names_graph_devices_and_state():
    x, W, b, y = _model()
    sess = tf.Session()
    n = len(tf.get_default_graph().get_operations())
    assert re.fullmatch(rf"<tf.Session: graph of {n} ops at 0x[0-9a-f]+, devices CPU:0(, GPU:0)?, "
                        r"open, 0 of 2 variables initialized>", repr(sess)), repr(sess)
    sess.run(W.initializer)
    assert repr(sess).endswith("open, 1 of 2 variables initialized>")
    sess.close()
    assert repr(sess).endswith(", closed>")
    assert "InteractiveSession" in repr(tf.InteractiveSession())
    tf.get_default_session().close()


def test_variable_repr_matches_its_dtype():
    _, W, _, _ = _model()
    assert W.dtype == tf.float32
    assert repr(W) == "<tf.Variable 'W:0' shape=(3, 1) dtype=float32>"


def test_graph_rich_display_is_its_diagram(require_dot):
    _model()
    g = tf.get_default_graph()
    bundle = g._repr_mimebundle_()
    assert bundle["text/plain"] == repr(g)
    svg = bundle["image/svg+xml"]
    assert svg.lstrip().startswith("<?xml") and svg.rstrip().endswith("</svg>")
    assert ">MatMul</text>" in svg and "Legend" not in svg
    assert g._repr_svg_() == svg
    assert tf.Graph()._repr_svg_() is None  # nothing to draw: the notebook shows the text


def test_graph_display_falls_back_to_text_without_graphviz(monkeypatch):
    _model()
    monkeypatch.setenv("PATH", "")
    assert tf.get_default_graph()._repr_mimebundle_().keys() == {"text/plain"}


def test_tensor_and_operation_html_cards():
    x, W, b, y = _model()
    card = y._repr_html_()
    assert "<code>y:0</code>" in card and "(?, 1)" in card and "float32" in card
    assert "y (Add)" in card and "(not pinned)" in card
    op_card = y.op._repr_html_()
    assert "<code>y</code>" in op_card and "MatMul:0, b/read:0" in op_card
    with tf.device("/cpu:0"):
        z = tf.identity(x, name="z")
    assert "<code>z</code>" in z.op._repr_html_() and "/device:CPU:0" in z._repr_html_()
    assert _display.DISPLAY_TIMEOUT <= 10
