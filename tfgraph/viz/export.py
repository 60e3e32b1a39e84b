"""Graphviz export: `to_graphviz`, `to_dot`, `render` (SVG/PNG/PDF/DOT files, written atomically).

`to_graphviz` turns the `View` from `grouping.build_view` into a `graphviz.Digraph`: expanded
scopes become nested subgraphs named "cluster_..." (only those draw as boxes), node IDs are
sanitized op names (a ":" would mean a port) and the op names themselves go into labels.
Only `render` to an image format needs Graphviz's `dot` program; DOT source never does.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import graphviz

from ..framework import file_io
from . import style
from .grouping import ExpandArg, Node, View, build_view

INSTALL_HINT = ("install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
                "`sudo dnf install graphviz` (Fedora), `brew install graphviz` (macOS), "
                "`conda install -c conda-forge graphviz` (conda) or `choco install graphviz` "
                "(Windows), then make sure `dot` is on PATH. The `graphviz` Python package "
                "alone is not enough. Without Graphviz you can still write the DOT source: "
                "format=\"dot\" (or `--format dot`).")

# Measured on an expanded 40-layer MLP with Adam (1858 ops, 2400 edges): `dot` spends its time
# placing the virtual nodes of long forward-to-gradient edges and routing splines around
# them; these limits cut an expanded 10-layer graph from 55 s to 1.3 s.
FAST_LAYOUT_SIZE = 600
FAST_LAYOUT_ATTRS = {"nslimit": "1", "nslimit1": "1", "mclimit": "0.3", "splines": "line"}

_FORMAT = re.compile(r"^[a-z0-9_]+(:[a-z0-9_]+)*$")
_SOURCE_FORMATS = ("dot", "gv")


# Graphviz's layout time grows steeply with nodes and open scopes (clusters): measured, 500
# sibling scopes of 3 ops took 22 s and 1,000 took 3 min, while 3,000 nodes without clusters
# took 4 s. Beyond these sizes `render` goes straight to the fully collapsed diagram.
MAX_LAYOUT_NODES = 3000
MAX_LAYOUT_CLUSTERS = 400
LAYOUT_TIMEOUT = 60.0


class GraphTooLargeError(ValueError):
    """A graph too big to lay out in bounded time, even with every name scope collapsed; the
    message says how to draw it (part of it, its DOT source, a longer timeout)."""


class _LayoutTimeout(RuntimeError):
    """`dot` ran past its timeout (and was killed)."""


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's `dot` program is not installed (or not on PATH).

    A subclass of `graphviz.ExecutableNotFound` (a `RuntimeError`), so code that already
    catches the graphviz package's error catches this one.
    """

    def __init__(self, message: str):  # pylint: disable=super-init-not-called
        RuntimeError.__init__(self, message)


def to_graphviz(graph_or_fetches: Any = None, *, fetches: Any = None, feeds: Any = None,
                expand: ExpandArg = None, collapse: Union[None, str, Sequence[str]] = None,
                collapse_threshold: int = 40, fold_variables: bool = True, series_min: int = 5,
                chain_min: int = 10, attach_constants: bool = True, set_aside: bool = True,
                high_degree: int = 16,
                show_shapes: bool = True, show_dtype: bool = False,
                color_by: Optional[str] = "structure", rankdir: str = "BT",
                legend: bool = True, title: Optional[str] = None,
                fast_layout: Optional[bool] = None) -> graphviz.Digraph:
    """Draws a graph in TensorBoard's style as a `graphviz.Digraph`.

    Name scopes become nested clusters; big scopes, `gradients` and optimizer scopes
    (GradientDescent, Momentum, Adam, RMSProp, Adagrad) are collapsed into one box showing the
    op count; each Variable is one node; data edges carry the static shape ("?×784"), control
    edges are dashed and reference edges (assigns into Variables) orange.

    Args:
      graph_or_fetches: A `tf.Graph`; or fetches (Tensors, Operations, Variables, names, or
        lists/dicts of them) to draw only their ancestors; None: the default graph.
      fetches: More fetches; when any are given only their ancestors are drawn (the graph a
        `Session.run` of them would execute).
      feeds: Fed tensors (or a feed_dict): pruning stops there, as in `Session.run`.
      expand: None: automatic (the rules above); "all" or True: open every name scope;
        a list of scope names or glob patterns ("conv*", "gradients/layer1") to open (their
        parents open too), the rest automatic. A Variable's name opens that Variable.
      collapse: Scope names or glob patterns always drawn collapsed.
      collapse_threshold: Scopes with more ops than this are collapsed automatically.
      fold_variables: Draw each Variable (with its Assign/read/initial_value) as one node.
      series_min: Siblings `prefix_N` of one type are merged into one series node when there
        are at least this many (0 disables).
      chain_min: A straight run of at least this many ops in one scope, each feeding only
        the next, is drawn as one "chain" node (0 disables).
      attach_constants: Draw a constant with a single consumer next to that consumer.
      set_aside: Drop the edges of sink NoOps (`init`, `train`) and of ops with more than
        `high_degree` neighbours, so they do not tangle the picture.
      high_degree: See `set_aside` (0 disables the degree rule).
      show_shapes: Label data edges with their static shape.
      show_dtype: Also show float32 on edges (other dtypes are always shown).
      color_by: "structure" (scopes with the same structure share a colour), "device" (fill
        by the ops' device: CPU, GPU, unplaced) or None.
      rankdir: Graphviz rank direction: "BT" (bottom to top, as TensorBoard), "TB", "LR", "RL".
      legend: Add a legend of node and edge kinds.
      title: A title shown above the diagram.
      fast_layout: Bound Graphviz's layout effort (iteration limits, straight edges) so
        diagrams of thousands of nodes lay out in seconds to a minute rather than hours;
        None: only when the diagram has more than `FAST_LAYOUT_SIZE` nodes and edges.

    Returns:
      A `graphviz.Digraph` (call `.source` for the DOT text, or `render` it).

    Raises:
      ValueError: If `rankdir` or `color_by` is not one of the values above.
      TypeError, KeyError: If a fetch or feed is not an element of the graph.
    """
    return _view_and_graphviz(
        graph_or_fetches, fetches=fetches, feeds=feeds, expand=expand, collapse=collapse,
        collapse_threshold=collapse_threshold, fold_variables=fold_variables,
        series_min=series_min, chain_min=chain_min, attach_constants=attach_constants,
        set_aside=set_aside,
        high_degree=high_degree, show_shapes=show_shapes, show_dtype=show_dtype,
        color_by=color_by, rankdir=rankdir, legend=legend, title=title,
        fast_layout=fast_layout)[1]


def _view_and_graphviz(graph_or_fetches: Any = None, *, show_shapes: bool = True,
                       show_dtype: bool = False, color_by: Optional[str] = "structure",
                       rankdir: str = "BT", legend: bool = True, title: Optional[str] = None,
                       fast_layout: Optional[bool] = None, dpi: Optional[int] = None,
                       **view_kwargs: Any) -> Tuple[View, graphviz.Digraph]:
    """`to_graphviz`, also returning the `View` drawn (render checks its size)."""
    if rankdir not in ("BT", "TB", "LR", "RL"):
        raise ValueError(f"rankdir must be 'BT', 'TB', 'LR' or 'RL', not {rankdir!r}")
    view = build_view(graph_or_fetches, color_by=color_by, **view_kwargs)
    dot = view_to_graphviz(view, show_shapes=show_shapes, show_dtype=show_dtype,
                           rankdir=rankdir, legend=legend, title=title,
                           device_legend=color_by == "device", fast_layout=fast_layout)
    if dpi is not None:
        dot.graph_attr["dpi"] = str(dpi)
    return view, dot


def view_to_graphviz(view: View, *, show_shapes: bool = True, show_dtype: bool = False,
                     rankdir: str = "BT", legend: bool = True, title: Optional[str] = None,
                     device_legend: bool = False,
                     fast_layout: Optional[bool] = None) -> graphviz.Digraph:
    """Emits a grouped `View` as a `graphviz.Digraph` (see `to_graphviz` for the arguments)."""
    graph_attr = {"rankdir": rankdir, "compound": "true", "newrank": "true",
                  "fontname": style.FONT, "fontsize": "11", "nodesep": "0.3",
                  "ranksep": "0.35", "bgcolor": "white", "outputorder": "edgesfirst"}
    if fast_layout is None:
        fast_layout = len(view.nodes) + len(view.edges) > FAST_LAYOUT_SIZE
    if fast_layout:
        graph_attr.update(FAST_LAYOUT_ATTRS)
    if title:
        graph_attr.update(label=style.escape(title), labelloc="t", fontsize="14")
    dot = graphviz.Digraph(
        name="tfgraph", graph_attr=graph_attr,
        node_attr={"fontname": style.FONT, "fontsize": "10", "height": "0.3", "margin": "0.05,0.02"},
        edge_attr={"fontname": style.FONT, "fontsize": "8", "arrowsize": "0.6",
                   "color": style.DATA_EDGE, "fontcolor": "#616161"})

    # Cluster labels follow the rank direction: "b" puts them on top when ranks grow upward.
    label_top = "b" if rankdir == "BT" else "t"

    def emit(container: graphviz.Digraph, path: str) -> None:
        cluster = view.clusters[path]
        for nid in cluster.nodes:
            node = view.nodes[nid]
            container.node(nid, _cap_label(node.label), **_node_attrs(node))
        for child_path in cluster.children:
            child = view.clusters[child_path]
            with container.subgraph(name=child.id) as sub:
                sub.attr(label=_cap_label(child.label), style="rounded,filled",
                         fillcolor=style.lighten(child.color, 0.55), color=style.SCOPE_OUTLINE,
                         fontname=style.FONT, fontsize="10", labeljust="l",
                         labelloc=label_top,
                         tooltip=style.escape(style.truncate(child.path, style.MAX_TOOLTIP)))
                emit(sub, child_path)

    emit(dot, "")
    for e in view.edges:
        attrs = _edge_attrs(e, show_shapes, show_dtype)
        if e.tail_scope is not None:
            attrs["ltail"] = view.clusters[e.tail_scope].id
        if e.head_scope is not None:
            attrs["lhead"] = view.clusters[e.head_scope].id
        dot.edge(e.src, e.dst, **attrs)
    if legend:
        _legend(dot, view if device_legend else None,
                chains=any(n.kind == "chain" for n in view.nodes.values()))
    return dot


def _cap_label(label: str) -> str:
    """An (already escaped) label cut to `style.MAX_LABEL` characters, never mid-escape."""
    if len(label) <= style.MAX_LABEL:
        return label
    cut = label[:style.MAX_LABEL]
    if (len(cut) - len(cut.rstrip("\\"))) % 2:  # an escaping backslash lost its partner
        cut = cut[:-1]
    return cut + "…"


def _node_attrs(node: Node) -> Dict[str, str]:
    attrs = dict(style.NODE_STYLES[node.kind])
    if node.colors and attrs["shape"] in ("box", "ellipse", "circle"):
        wedge = "striped" if attrs["shape"] == "box" else "wedged"
        attrs["style"] = wedge
        attrs["fillcolor"] = ":".join(f"{c};{w:.2f}" for c, w in node.colors)
    elif node.color:
        attrs["fillcolor"] = node.color
    if node.fetched:
        attrs.update(penwidth="2.5", color="#212121")
    if node.fed:
        attrs["style"] += ",dashed"
        attrs["penwidth"] = "2"
    if node.aside:
        attrs["style"] += ",dashed"
        attrs["fontcolor"] = "#757575"
    if node.tooltip:
        attrs["tooltip"] = style.escape(style.truncate(node.tooltip, style.MAX_TOOLTIP))
    return attrs


def _edge_attrs(e, show_shapes: bool, show_dtype: bool) -> Dict[str, str]:
    if e.kind == "control":
        attrs = {"style": "dashed", "color": style.CONTROL_EDGE, "arrowhead": "normal"}
        if e.count > 1:
            attrs["label"] = f"{e.count} control"
        attrs["tooltip"] = "control dependency"
        return attrs
    attrs = {"penwidth": str(style.edge_width(t.shape for t in e.tensors))}
    if e.kind == "ref":
        attrs["color"] = style.REF_EDGE
    if len(e.tensors) > 1:
        attrs["label"] = f"{len(e.tensors)} tensors"
    elif show_shapes and e.tensors:
        t = e.tensors[0]
        attrs["label"] = style.shape_label(t.shape, t.dtype, always_dtype=show_dtype)
    names = ", ".join(t.name for t in e.tensors[:20])
    if len(e.tensors) > 20:
        names += f", ... ({len(e.tensors) - 20} more)"
    attrs["tooltip"] = style.escape(style.truncate(names, style.MAX_TOOLTIP))
    return attrs


def _legend(dot: graphviz.Digraph, device_view: Optional[View], chains: bool = False) -> None:
    with dot.subgraph(name="cluster_legend") as lg:
        lg.attr(label="Legend", style="rounded", color=style.OP_OUTLINE, fontname=style.FONT,
                fontsize="10", labeljust="l")
        ids = {}
        for kind, text in style.LEGEND_NODES:
            ids[kind] = f"legend_{kind}"
            attrs = dict(style.NODE_STYLES[kind])
            if kind == "const":
                attrs["xlabel"] = "Constant"
            lg.node(ids[kind], text, **attrs)
        lg.node("legend_assign", "Assign", **style.NODE_STYLES["op"])
        lg.edge(ids["placeholder"], ids["op"], label="?×784")
        lg.edge(ids["const"], ids["op"])
        lg.edge(ids["variable"], "legend_assign", label="reference", color=style.REF_EDGE)
        lg.edge(ids["op"], ids["group"], label="control", style="dashed",
                color=style.CONTROL_EDGE)
        lg.edge(ids["group"], ids["series"], label="3 tensors")
        if chains:  # only where the diagram has one: most never do
            lg.node("legend_chain", "first … last\nN ops in a chain",
                    **style.NODE_STYLES["chain"])
        if device_view is not None:
            for dev in device_view.devices:
                lg.node(f"legend_dev_{re.sub(r'[^A-Za-z0-9_]', '_', dev)}", dev, shape="box",
                        style="filled", fillcolor=style.device_color(dev, device_view.devices),
                        color=style.OP_OUTLINE)


def to_dot(graph_or_fetches: Any = None, **kwargs: Any) -> str:
    """The DOT source of `to_graphviz(graph_or_fetches, **kwargs)` (needs no Graphviz program).

    Returns:
      The DOT text.
    """
    return to_graphviz(graph_or_fetches, **kwargs).source


def render(graph_or_fetches: Any, path: Union[str, os.PathLike], format: Optional[str] = None,
           *, timeout: Optional[float] = LAYOUT_TIMEOUT, **kwargs: Any) -> str:
    """Draws a graph (see `to_graphviz`) into the file `path`, in bounded time.

    The file is written atomically: to a temporary file beside `path`, renamed into place
    only when complete, so a failed render leaves no half-written file (and keeps an older
    one). `path` is used as given (no extension is appended); missing folders are created.

    Big graphs: Graphviz's layout time grows steeply with the number of nodes and of name
    scopes drawn open. When the diagram has more than `MAX_LAYOUT_NODES` nodes or
    `MAX_LAYOUT_CLUSTERS` open scopes, or `dot` does not finish within `timeout` seconds,
    the diagram is drawn again with every name scope collapsed (a warning says so); if that
    is still too big, `GraphTooLargeError` says what to do instead.

    Args:
      graph_or_fetches: As for `to_graphviz`.
      path: The output file.
      format: "svg", "png", "pdf", "dot" or any other Graphviz output format; default: the
        extension of `path` ("cnn.png" -> png), else "svg". "dot"/"gv" write the DOT source
        and need no Graphviz program (nor any size limit).
      timeout: Seconds one `dot` layout may take (None: no limit).
      **kwargs: Options of `to_graphviz`.

    Returns:
      `path` as a string.

    Raises:
      GraphvizNotFoundError: If the format needs Graphviz's `dot` and it is not installed.
      GraphTooLargeError: If even the collapsed diagram is too big or too slow to lay out.
      RuntimeError: If `dot` fails.
      ValueError: If `format` is not a format name.
    """
    path = os.fspath(path)
    fmt = (format or os.path.splitext(path)[1].lstrip(".") or "svg").lower()
    if not _FORMAT.match(fmt):
        raise ValueError(f"not a Graphviz output format: {fmt!r}")
    view, dot = _view_and_graphviz(graph_or_fetches, **kwargs)
    if fmt in _SOURCE_FORMATS:
        data = dot.source.encode("utf-8")
    else:
        data = _lay_out(graph_or_fetches, view, dot, fmt, timeout, kwargs)
    atomic_write(path, data)
    return path


def _size(view: View) -> str:
    clusters = len(view.clusters) - 1
    return (f"{len(view.nodes):,} nodes" + (f" in {clusters:,} open name scopes"
                                             if clusters else ""))


def _lay_out(graph_or_fetches: Any, view: View, dot: graphviz.Digraph, fmt: str,
             timeout: Optional[float], kwargs: Dict[str, Any]) -> bytes:
    """`dot -T<fmt>` of `dot`, falling back to a fully collapsed diagram (see `render`)."""
    if len(view.nodes) > MAX_LAYOUT_NODES or len(view.clusters) - 1 > MAX_LAYOUT_CLUSTERS:
        why = (f"the diagram has {_size(view)}, more than Graphviz lays out quickly "
               f"({MAX_LAYOUT_NODES:,} nodes, {MAX_LAYOUT_CLUSTERS:,} open scopes)")
    else:
        try:
            return run_dot(dot.source, fmt, timeout=timeout)
        except _LayoutTimeout:
            why = f"Graphviz did not lay out its {_size(view)} within {timeout:g} s"
    simple = dict(kwargs, expand=None, collapse_threshold=0,
                  title=((kwargs.get("title") or "") + " (every name scope collapsed)").strip())
    view2, dot2 = _view_and_graphviz(graph_or_fetches, **simple)
    advice = ("Draw part of it (fetches=[...]; `--fetch NAME` on the command line), fold "
              "less (chain_min, series_min), give `dot` more time (timeout=...), or write "
              "the DOT source (format=\"dot\", `--format dot`) and lay it out with another "
              "Graphviz program, e.g. `sfdp -Tsvg graph.dot -o graph.svg`.")
    if len(view2.nodes) > MAX_LAYOUT_NODES:
        raise GraphTooLargeError(f"cannot draw this graph of {view.num_ops:,} ops: {why}, and "
                                 f"with every name scope collapsed it still has "
                                 f"{len(view2.nodes):,} nodes. {advice}")
    warnings.warn(f"drawing every name scope collapsed: {why}. To see inside a scope, draw "
                  "it alone (fetches=...) or expand just it (expand=[...]) with a longer "
                  "timeout.", stacklevel=3)
    try:
        return run_dot(dot2.source, fmt, timeout=timeout)
    except _LayoutTimeout:
        raise GraphTooLargeError(
            f"cannot draw this graph of {view.num_ops:,} ops: {why}, and its collapsed "
            f"diagram ({_size(view2)}) did not lay out within {timeout:g} s either. "
            f"{advice}") from None


def plot_model(graph_or_fetches: Any = None, to_file: str = "model.png",
               show_shapes: bool = True, show_dtype: bool = False,
               show_layer_names: bool = True, rankdir: str = "BT", expand_nested: bool = False,
               dpi: Optional[int] = None, **kwargs: Any) -> str:
    """`tf.keras.utils.plot_model`-style alias of `render` for graphs.

    Args:
      graph_or_fetches: As for `to_graphviz` (a Graph or fetches, not a Keras model).
      to_file: The output file; its extension picks the format.
      show_shapes, show_dtype, rankdir: As for `to_graphviz`.
      show_layer_names: Accepted for compatibility (op names are always shown).
      expand_nested: True opens every name scope (`expand="all"`).
      dpi: Resolution of bitmap output.
      **kwargs: Other options of `to_graphviz`.

    Returns:
      The path written.
    """
    if expand_nested:
        kwargs.setdefault("expand", "all")
    fmt = os.path.splitext(os.fspath(to_file))[1].lstrip(".").lower() or "png"
    return render(graph_or_fetches, to_file, fmt, show_shapes=show_shapes,
                  show_dtype=show_dtype, rankdir=rankdir, dpi=dpi, **kwargs)


def model_to_dot(graph_or_fetches: Any = None, show_shapes: bool = True,
                 show_dtype: bool = False, show_layer_names: bool = True, rankdir: str = "BT",
                 expand_nested: bool = False, dpi: Optional[int] = None,
                 **kwargs: Any) -> graphviz.Digraph:
    """`tf.keras.utils.model_to_dot`-style alias of `to_graphviz` (see `plot_model`)."""
    if expand_nested:
        kwargs.setdefault("expand", "all")
    return _view_and_graphviz(graph_or_fetches, show_shapes=show_shapes,
                              show_dtype=show_dtype, rankdir=rankdir, dpi=dpi, **kwargs)[1]


def dot_executable() -> str:
    """The path of Graphviz's `dot` program.

    Raises:
      GraphvizNotFoundError: If `dot` is not on PATH, with installation instructions.
    """
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(
            "Graphviz's `dot` program was not found on PATH; it is needed to render "
            "graph diagrams to images. To fix it, " + INSTALL_HINT)
    return exe


def run_dot(source: str, fmt: str, timeout: Optional[float] = None) -> bytes:
    """Lays out DOT `source` with Graphviz's `dot` and returns the `fmt` output bytes.

    Args:
      source: DOT text.
      fmt: A Graphviz output format.
      timeout: Seconds `dot` may run (None: no limit); past it `dot` is killed.

    Raises:
      GraphvizNotFoundError: If `dot` is not installed.
      RuntimeError: If `dot` fails (its error message is included) or runs past `timeout`.
    """
    exe = dot_executable()
    try:
        proc = subprocess.run([exe, f"-T{fmt}"], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:  # subprocess.run has killed `dot`
        raise _LayoutTimeout(f"Graphviz `dot -T{fmt}` ran past {timeout:g} s") from e
    except FileNotFoundError as e:  # removed between the lookup and the call
        raise GraphvizNotFoundError(
            f"Graphviz's `dot` program could not be run ({e}). To fix it, " + INSTALL_HINT
        ) from e
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"Graphviz `dot -T{fmt}` failed (exit {proc.returncode}): {err}")
    return proc.stdout


def atomic_write(path: Union[str, os.PathLike], data: bytes) -> None:
    """Writes `data` to `path` atomically (framework.file_io.atomic_write: mode per umask,
    fsync'ed), creating missing folders first."""
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    file_io.atomic_write(path, lambda f: f.write(data))