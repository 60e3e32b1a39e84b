"""`tf.viz`: graph diagrams in TensorBoard's style, exported through Graphviz (SVG, PNG, DOT).

    import tfgraph as tf
    ...build a graph...
    tf.viz.render(tf.get_default_graph(), "graph.svg")          # needs Graphviz's `dot`
    tf.viz.render(train_op, "train.svg", feeds=[x, y_])         # only what train_op runs
    src = tf.viz.to_dot(loss, expand="all")                     # DOT text, no `dot` needed
    tf.viz.summary()                                            # Keras-like model.summary()

`plot_model` / `model_to_dot` are `tf.keras.utils`-style aliases. From the command line:
`python -m tfgraph.viz script.py -o graph.svg` (or `tools/graph2svg.py`); see
docs/graphs/README.md.
"""
from .export import (GraphTooLargeError, GraphvizNotFoundError, INSTALL_HINT, model_to_dot,
                     plot_model, render, to_dot, to_graphviz)
from .grouping import View, build_view, prune
from .table import summary, summary_table

GRAPH_ONLY_ENV = "TFGRAPH_GRAPH_ONLY"

__all__ = ["to_graphviz", "to_dot", "render", "plot_model", "model_to_dot", "prune",
           "build_view", "View", "GraphvizNotFoundError", "GraphTooLargeError", "INSTALL_HINT",
           "GRAPH_ONLY_ENV", "summary", "summary_table"]
