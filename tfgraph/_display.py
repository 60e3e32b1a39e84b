"""Rich display in Jupyter/IPython: a Graph shows its diagram (SVG), a Tensor and an Operation
a small HTML card (name, type, shape, dtype, device, inputs, consumers).

Installed onto the framework classes by `tfgraph/__init__.py`, like `ops.overloads` installs
the operators: the framework stays below `tf.viz` in the import order, and graphviz and
networkx load only when a diagram is first displayed.
"""
from __future__ import annotations

import html
from typing import Any, Dict, Iterable, Optional

from .framework.graph import Graph, Operation, Tensor

#: Seconds Graphviz may spend on a diagram shown in a notebook; past it (or without
#: Graphviz) the notebook shows the text repr instead.
DISPLAY_TIMEOUT = 10.0


def graph_svg(graph: Graph) -> Optional[str]:
    """The graph's TensorBoard-style diagram as SVG text; None when it cannot be drawn here
    (no Graphviz, an empty graph, or too big to lay out within `DISPLAY_TIMEOUT` s)."""
    if not graph.get_operations():
        return None
    import warnings

    from .viz import export
    try:
        view, dot = export._view_and_graphviz(graph, legend=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "drawn collapsed": the title says so
            data = export._lay_out(graph, view, dot, "svg", DISPLAY_TIMEOUT, {"legend": False})
    except (RuntimeError, ValueError):  # GraphvizNotFoundError, GraphTooLargeError, dot errors
        return None
    return data.decode("utf-8")


def _graph_repr_svg_(self: Graph) -> Optional[str]:
    return graph_svg(self)


def _graph_repr_mimebundle_(self: Graph, include: Any = None, exclude: Any = None
                            ) -> Dict[str, str]:
    bundle = {"text/plain": repr(self)}
    svg = graph_svg(self)
    if svg is not None:
        bundle["image/svg+xml"] = svg
    return bundle


def _names(items: Iterable[Any], limit: int = 8) -> str:
    items = list(items)
    text = ", ".join(html.escape(getattr(i, "name", str(i))) for i in items[:limit])
    if len(items) > limit:
        text += f", … ({len(items) - limit} more)"
    return text or "—"


def _card(title: str, rows: Dict[str, str]) -> str:
    cells = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{k}</th>"
                    f"<td style='text-align:left'>{v}</td></tr>" for k, v in rows.items())
    return f"<div><b>{title}</b><table>{cells}</table></div>"


def _tensor_repr_html_(self: Tensor) -> str:
    return _card(f"tf.Tensor <code>{html.escape(self.name)}</code>", {
        "shape": html.escape(str(self.shape)),
        "dtype": self.dtype.name,
        "made by": f"{html.escape(self.op.name)} ({self.op.type})",
        "consumers": _names(self.consumers()),
        "device": html.escape(self.device or "(not pinned)"),
    })


def _operation_repr_html_(self: Operation) -> str:
    outputs = ", ".join(f"{html.escape(t.name)} {html.escape(str(t.shape))} {t.dtype.name}"
                        for t in self.outputs[:8]) or "—"
    return _card(f"tf.Operation <code>{html.escape(self.name)}</code>", {
        "type": self.type,
        "inputs": _names(self.inputs),
        "control inputs": _names(self.control_inputs),
        "outputs": outputs,
        "device": html.escape(self.device or "(not pinned)"),
    })


def install() -> None:
    """Gives Graph, Tensor and Operation their rich reprs."""
    Graph._repr_svg_ = _graph_repr_svg_
    Graph._repr_mimebundle_ = _graph_repr_mimebundle_
    Tensor._repr_html_ = _tensor_repr_html_
    Operation._repr_html_ = _operation_repr_html_
