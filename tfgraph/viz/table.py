"""`tf.viz.summary`: a Keras `model.summary()`-style table of a graph's model.

One row per top-level name scope (a `tf.layers` layer, a hand-made `conv1` scope, `loss`) or
top-level op of the model, in the order they were built: the op types inside, the shape of
what leaves the scope, and the number of values of the Variables in it. The training
machinery (`gradients`, optimizer scopes, `save`, `init`, summaries) is left out, and so is
optimizer state (slots such as `W/Adam`, `beta1_power`, `global_step`): the footer counts it
separately, so the totals are the model's parameters as Keras reports them.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Set

from ..framework.graph import Graph, Operation, Tensor
from ..framework.graph_keys import GraphKeys
from .grouping import OPTIMIZER_NAMES, VARIABLE_TYPES, resolve

_MACHINERY = re.compile(r"^(gradients|save|init|report_uninitialized_variables|%s)(_\d+)?$"
                        % "|".join(OPTIMIZER_NAMES))
# Op types that say nothing about what a scope computes.
_BORING = frozenset({"Const", "Identity", "NoOp", "Shape", "Pack", "StridedSlice", "Fill",
                     "Assign", "Reshape", "ExpandDims", "Squeeze", "Cast"})
_SUMMARY = re.compile(r"Summary(V2)?$")


@dataclass
class Row:
    """One line of the table: a top-level scope or op."""

    name: str
    ops: List[Operation] = field(default_factory=list)
    variables: List[Any] = field(default_factory=list)

    def types(self) -> str:
        """The distinct interesting op types, in order ("Conv2D, BiasAdd, Relu")."""
        seen: "OrderedDict[str, None]" = OrderedDict()
        var_names = {v.op.name for v in self.variables}
        for op in self.ops:
            if op.type in VARIABLE_TYPES:
                continue  # the Params column shows them
            if op.type not in _BORING and not any(op.name.startswith(n + "/")
                                                    for n in var_names):
                seen.setdefault(op.type, None)
        if not seen and self.ops:  # a Variable, or a scope of "boring" ops (flatten: Reshape)
            seen.setdefault("Variable" if self.variables else self.ops[-1].type, None)
        return ", ".join(seen)


def _top(name: str) -> str:
    return name.split("/", 1)[0]


def _is_machinery(op: Operation) -> bool:
    if _MACHINERY.match(_top(op.name)) or _SUMMARY.search(op.type) or op.type == "MergeSummary":
        return True
    # A summary's tag constant, an initializer's value: constants only machinery consumes.
    consumers = [c for t in op.outputs for c in t.consumers()]
    return op.type == "Const" and bool(consumers) and all(map(_is_machinery, consumers))


def _under(name: str, scopes: Set[str]) -> bool:
    """Whether `name` lies inside one of `scopes` (full names)."""
    parts = name.split("/")
    return any("/".join(parts[:i]) in scopes for i in range(1, len(parts)))


def _shape_text(t: Tensor) -> str:
    shape = t.shape
    if shape.ndims is None:
        return "unknown"
    dims = ["None" if d is None else str(d) for d in shape.as_list()]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _num(v: Any) -> int:
    """Number of values in Variable `v` (0 when its shape is not fully known)."""
    return v.shape.num_elements() or 0


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.2f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return ""  # unreachable


def model_variables(graph: Graph) -> List[Any]:
    """The global Variables that are the model's: trainable ones, and non-trainable ones
    (batch-norm moving statistics) that something outside the training machinery reads;
    not optimizer slots (`W/Adam`), accumulators (`beta1_power`) or the global step."""
    all_vars = graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
    names = {v.op.name for v in all_vars}
    steps = {v.op.name for v in graph.get_collection(GraphKeys.GLOBAL_STEP)}
    out = []
    for v in all_vars:
        name = v.op.name
        if v.trainable:
            out.append(v)
            continue
        if name in steps or any(name.startswith(n + "/") for n in names if n != name):
            continue
        readers = [c for t in v.op.outputs for c in t.consumers()]
        readers += [c for r in readers if r.name == name + "/read"
                    for t in r.outputs for c in t.consumers()]
        if any(not _is_machinery(c) and not c.name.startswith(name + "/") for c in readers):
            out.append(v)
    return out


def summary_rows(graph_or_fetches: Any = None) -> List[Row]:
    """The rows of `summary`: one per top-level scope or op of the model, in build order."""
    graph, fetch_ops, _ = resolve(graph_or_fetches)
    variables = model_variables(graph)
    var_ops = {v.op: v for v in variables}
    keep: Optional[Set[Operation]] = None
    if fetch_ops:
        from .grouping import prune
        keep = set(prune(graph, fetch_ops))
    init_only = _initializer_ops(graph)
    rows: "OrderedDict[str, Row]" = OrderedDict()
    state = ({v.op.name for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)}
             - {v.op.name for v in variables})
    for op in graph.get_operations():
        if _is_machinery(op) or op in init_only or (keep is not None and op not in keep):
            continue
        # Optimizer state lives beside the model (W/Adam, beta1_power): leave it out.
        if op.type in VARIABLE_TYPES and op not in var_ops:
            continue
        if state and _under(op.name, state):
            continue
        top = _top(op.name)
        if top == op.name and op.type in ("Const", "NoOp") and top not in rows:
            continue  # loose constants and group NoOps: not part of what the model computes
        row = rows.setdefault(top, Row(top))
        row.ops.append(op)
        if op in var_ops:
            row.variables.append(var_ops[op])
    return [r for r in rows.values() if r.ops]


def _initializer_ops(graph: Graph) -> Set[Operation]:
    """Ops that only compute initial values (`tf.truncated_normal([5, 5, 1, 32])` given to a
    `tf.Variable`, `tf.zeros(...)`): everything they feed is inside a Variable (its Assign)
    or another such op. Not part of what the model computes."""
    var_names = {v.op.name for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)}
    out: Set[Operation] = set()
    for op in reversed(graph.get_operations()):  # consumers come after their inputs
        if op.type in VARIABLE_TYPES or op.name in var_names or _under(op.name, var_names):
            continue
        consumers = [c for t in op.outputs for c in t.consumers()]
        if consumers and all(c in out or _under(c.name, var_names) for c in consumers):
            out.add(op)
    return out


def _output(row: Row, graph_ops: Set[Operation]) -> Optional[Tensor]:
    """What leaves the row's scope for the rest of the model (the last such tensor), else
    the last op's first output; a Variable row's value."""
    inside = set(row.ops)
    var_names = {v.op.name for v in row.variables}
    if len(row.ops) == 1 or row.name in var_names:
        op = row.ops[0]
        return op.outputs[0] if op.outputs else None
    leaving = None
    for op in row.ops:
        if op.type in VARIABLE_TYPES or any(op.name.startswith(n + "/") for n in var_names):
            continue
        for t in op.outputs:
            if any(c not in inside and c in graph_ops for c in t.consumers()):
                leaving = t
    if leaving is not None:
        return leaving
    for op in reversed(row.ops):
        if op.outputs and op.type not in VARIABLE_TYPES:
            return op.outputs[0]
    return None


def summary_table(graph_or_fetches: Any = None, line_length: int = 88) -> str:
    """The text of `summary` (see there)."""
    graph, _, _ = resolve(graph_or_fetches)
    rows = summary_rows(graph_or_fetches)
    model_ops = {op for r in rows for op in r.ops}
    widths = [24, 34, 18]
    header = ("Scope / op", "Types", "Output shape", "Params")
    lines = []

    def line(cells) -> str:
        name, types, shape, params = cells
        types = types if len(types) <= widths[1] - 1 else types[:widths[1] - 2] + "…"
        text = f"{name:<{widths[0]}}{types:<{widths[1]}}{shape:<{widths[2]}}{params:>10}"
        return text

    rule = "_" * line_length
    lines += [rule, line(header), "=" * line_length]
    trainable = non_trainable = 0
    trainable_bytes = non_trainable_bytes = 0
    for r in rows:
        out = _output(r, model_ops)
        n = sum(_num(v) for v in r.variables)
        name = r.name if len(r.name) < widths[0] else r.name[:widths[0] - 2] + "…"
        lines.append(line((name, r.types(), _shape_text(out) if out is not None else "",
                           f"{n:,}")))
        for v in r.variables:
            size = _num(v) * v.dtype.base_dtype.size
            if v.trainable:
                trainable += _num(v)
                trainable_bytes += size
            else:
                non_trainable += _num(v)
                non_trainable_bytes += size
    lines.append("=" * line_length)
    total = trainable + non_trainable
    lines.append(f"Total params: {total:,} ({_bytes(trainable_bytes + non_trainable_bytes)})")
    lines.append(f"Trainable params: {trainable:,} ({_bytes(trainable_bytes)})")
    lines.append(f"Non-trainable params: {non_trainable:,} ({_bytes(non_trainable_bytes)})")
    model = {v.op for v in model_variables(graph)}
    others = [v for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES) if v.op not in model]
    if others:
        count = sum(_num(v) for v in others)
        names = ", ".join(v.op.name for v in others[:2]) + (", ..." if len(others) > 2 else "")
        lines.append(f"Not counted: {count:,} values of optimizer state ({names})")
    lines.append(rule)
    return "\n".join(lines)


def summary(graph_or_fetches: Any = None, print_fn: Optional[Callable[[str], Any]] = None,
            line_length: int = 88) -> None:
    """Prints a Keras `model.summary()`-style table of a graph's model.

        tf.viz.summary()                  # the default graph
        tf.viz.summary(logits)            # only what `logits` depends on

    One row per top-level name scope or op of the model, in build order, with the op types
    inside, the static shape of what leaves the scope (`(None, 256)`) and its number of
    parameters (values of its Variables); then the total, trainable and non-trainable
    parameter counts with their sizes. The training machinery (gradients, optimizer,
    saver, initializers, summaries) and optimizer state (slots, `beta1_power`,
    `global_step`) are left out of the rows and totals; a last line counts that state.

    Args:
      graph_or_fetches: A `tf.Graph` (None: the default graph), or fetches: then only their
        ancestors are listed.
      print_fn: Called with each line (default `print`), as in Keras.
      line_length: Width of the rules.
    """
    text = summary_table(graph_or_fetches, line_length=line_length)
    for ln in text.split("\n"):
        (print_fn or print)(ln)
