"""From a `Graph` to what a diagram shows: pruning, the name-scope tree, collapsed scopes,
folded Variables, op series, attached constants and set-aside nodes.

The result is a `View`: plain nodes, nested clusters and aggregated edges, with no Graphviz
in it (`export.py` draws it). The rules are TensorBoard's graph dashboard rules:

- every name scope is a cluster; a scope is drawn as one box (collapsed) when it has more
  than `collapse_threshold` ops, when it is a `gradients` scope or an optimizer's scope, or
  when the caller asks; `expand` opens scopes;
- a Variable `W` (`W`, `W/initial_value`, `W/Assign`, `W/read`, `W/Initializer/...`) is one
  node; an op whose name is also a scope name is drawn inside that scope;
- five or more sibling ops `prefix_N` of one type become one series node `prefix_[1-5]`;
- a constant with a single consumer is drawn as a small circle next to that consumer;
- sink NoOps (`init`, `train`) and very high-degree ops lose their edges ("set aside") so
  they do not tangle the picture;
- beyond TensorBoard: a straight run of `chain_min` or more ops in one scope (each feeding
  only the next) becomes one chain node, so a 10,000-op chain is one box and Graphviz lays
  it out in a second instead of minutes.
"""
from __future__ import annotations

import fnmatch
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

from ..framework.graph import Graph, Operation, Tensor, get_default_graph
from ..framework.traversal import ancestors
from ..util import nest
from . import style

VARIABLE_TYPES = frozenset({"VariableV2", "Variable", "VarHandleOp"})
CONSTANT_TYPES = frozenset({"Const"})
PLACEHOLDER_TYPES = frozenset({"Placeholder", "PlaceholderWithDefault"})
OPTIMIZER_NAMES = ("GradientDescent", "Momentum", "Adam", "RMSProp", "Adagrad", "Adadelta",
                   "Ftrl", "ProximalGradientDescent", "ProximalAdagrad")

_GRADIENTS_SCOPE = re.compile(r"^gradients(_\d+)?$")
# Internals drawn collapsed by default (TensorBoard shows them closed too): dropout's random
# mask, and the samplers that make initial values.
_INTERNAL_SCOPE = re.compile(r"^(dropout\w*|random_uniform|random_normal|truncated_normal|"
                             r"Initializer)(_\d+)?$")
_OPTIMIZER_SCOPE = re.compile(r"^(%s)(_\d+)?$" % "|".join(OPTIMIZER_NAMES))
_SERIES_NAME = re.compile(r"^(.*?)_(\d+)$")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_]")

ExpandArg = Union[None, bool, str, Sequence[str]]


# --- resolving what to draw ---------------------------------------------------------------
def _flatten(x: Any) -> List[Any]:
    """The elements of a fetch/feed argument: a (nested) list, tuple or dict (its values, in
    order) of them, sets of them too; None stands for nothing."""
    out: List[Any] = []
    for e in nest.flatten_in_order(x):
        if isinstance(e, (set, frozenset)):
            out.extend(_flatten(list(e)))
        elif e is not None:
            out.append(e)
    return out


def _graph_of(elements: Sequence[Any]) -> Optional[Graph]:
    for e in elements:
        g = getattr(e, "graph", None)
        if isinstance(g, Graph):
            return g
    return None


def resolve(graph_or_fetches: Any = None, fetches: Any = None, feeds: Any = None
            ) -> Tuple[Graph, List[Operation], List[Tensor]]:
    """Splits the drawing functions' first argument into a graph, fetch ops and fed tensors.

    Args:
      graph_or_fetches: A `Graph`, or fetches (Tensors, Operations, Variables, names, or
        nested lists/dicts of them), or None for the default graph.
      fetches: More fetches (same forms).
      feeds: Fed tensors (Tensors, Variables, tensor names, or a feed_dict whose keys are).

    Returns:
      `(graph, fetch_ops, fed_tensors)`; `fetch_ops` is empty when nothing restricts the graph.

    Raises:
      TypeError, ValueError, KeyError: If a fetch or feed does not name an element of the graph.
    """
    if isinstance(graph_or_fetches, Graph):
        graph, first = graph_or_fetches, []
    else:
        first = _flatten(graph_or_fetches)
        graph = None
    fetch_list = first + _flatten(fetches)
    feed_list = _flatten(list(feeds.keys()) if isinstance(feeds, dict) else feeds)
    if graph is None:
        graph = _graph_of(fetch_list + feed_list) or get_default_graph()
    fetch_ops: List[Operation] = []
    for f in fetch_list:
        e = graph.as_graph_element(f, allow_tensor=True, allow_operation=True)
        op = e if isinstance(e, Operation) else e.op
        if op not in fetch_ops:
            fetch_ops.append(op)
    fed: List[Tensor] = []
    for f in feed_list:
        if isinstance(f, Operation):  # a placeholder op given for its tensor
            f = f.outputs[0]
        fed.append(graph.as_graph_element(f, allow_tensor=True, allow_operation=False))
    return graph, fetch_ops, fed


def prune(graph: Graph, fetches: Sequence[Any], feeds: Sequence[Any] = ()) -> List[Operation]:
    """The ops a `Session.run(fetches, feed_dict)` would touch, in creation order.

    Ancestors of the fetches through data, reference and control edges, cut at fed tensors:
    the producer of a fed tensor is kept (it marks where the cut is) but its inputs are not
    followed. Unlike the session, inputs taken by reference (the Variable an `Assign`
    updates) are followed, because a diagram should show which Variable is updated.

    Args:
      graph: The `Graph`.
      fetches: Tensors, Operations, Variables or their names.
      feeds: Fed tensors or their names.

    Returns:
      A list of `Operation`s.
    """
    graph, fetch_ops, fed = resolve(graph, fetches, feeds)
    keep = set(ancestors(fetch_ops, cut=set(fed)))  # data, reference and control edges
    for t in fed:  # the cut points that something kept consumes (or that are fetched)
        if t.op in fetch_ops or any(c in keep for c in t.consumers()):
            keep.add(t.op)
    return [op for op in graph.get_operations() if op in keep]


# --- the view -----------------------------------------------------------------------------
@dataclass
class Node:
    """One box/ellipse of the diagram.

    Attributes:
      id: The DOT node ID (letters, digits, underscores: never a colon).
      kind: "op", "placeholder", "const", "variable", "group" (a collapsed scope), "series"
        or "chain" (a folded straight run of ops).
      label: The text shown (lines separated by "\\n").
      scope: The expanded scope whose cluster holds the node ("" for the top level).
      ops: The graph ops the node stands for.
      path: The full name of the op, variable, scope or series the node shows.
      tooltip: Hover text.
      aside: True when the node was set aside (its edges are not drawn).
      fetched, fed: Whether the node holds a fetch / the producer of a fed tensor.
      color: Fill colour override (structure or device colouring), or None.
      colors: Several device colours with their weights, for nodes spanning devices.
    """

    id: str
    kind: str
    label: str
    scope: str
    ops: List[Operation]
    path: str
    tooltip: str = ""
    aside: bool = False
    fetched: bool = False
    fed: bool = False
    color: Optional[str] = None
    colors: List[Tuple[str, float]] = field(default_factory=list)


@dataclass
class Edge:
    """All graph edges of one kind between two visible nodes.

    Attributes:
      src, dst: Node IDs.
      kind: "data", "ref" (an input taken by reference: an assign into a Variable) or
        "control".
      tensors: The distinct tensors carried (empty for control edges).
      count: How many graph edges it stands for.
      tail_scope, head_scope: When set, the edge leaves (enters) the whole cluster of this
        scope rather than the node `src` (`dst`), which is just a node inside it: edges into
        a collapsed scope are drawn once per neighbouring scope, as TensorBoard does.
    """

    src: str
    dst: str
    kind: str
    tensors: List[Tensor]
    count: int
    tail_scope: Optional[str] = None
    head_scope: Optional[str] = None


@dataclass
class Cluster:
    """An expanded name scope: a Graphviz subgraph named "cluster_...".

    Attributes:
      path: The scope's full name ("layer1/dense").
      id: The DOT subgraph name (starts with "cluster").
      label: The scope's last name component.
      color: Fill colour (shared by scopes with the same internal structure).
      children: Nested clusters' paths.
      nodes: IDs of the nodes drawn directly inside.
    """

    path: str
    id: str
    label: str
    color: str
    children: List[str] = field(default_factory=list)
    nodes: List[str] = field(default_factory=list)


@dataclass
class View:
    """What a diagram shows: nodes, clusters (keyed by scope path; "" is the top level) and edges."""

    graph: Graph
    nodes: Dict[str, Node]
    clusters: Dict[str, Cluster]
    edges: List[Edge]
    devices: List[str]
    num_ops: int

    def node_for(self, name: str) -> Node:
        """The node showing the op, Variable or scope called `name` (a full name)."""
        for node in self.nodes.values():
            if node.path == name or any(op.name == name for op in node.ops):
                return node
        raise KeyError(f"nothing called {name!r} is drawn")


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _leaf(path: str) -> str:
    return path.rpartition("/")[2]


def _prefixes(path: str) -> List[str]:
    """"a/b/c" -> ["a", "a/b", "a/b/c"]."""
    parts = path.split("/") if path else []
    return ["/".join(parts[:i + 1]) for i in range(len(parts))]


class _Ids:
    """DOT IDs from op names: unsafe characters (":" marks a port!) become "_", kept unique."""

    def __init__(self) -> None:
        self._used: Set[str] = set()

    def make(self, prefix: str, name: str) -> str:
        base = prefix + _ID_UNSAFE.sub("_", name)
        ident, i = base, 1
        while ident in self._used:
            ident = f"{base}_{i}"
            i += 1
        self._used.add(ident)
        return ident


def _match_any(path: str, patterns: Sequence[str]) -> bool:
    return any(path == p or fnmatch.fnmatchcase(path, p) for p in patterns)


def _normalize_scopes(arg: Union[None, str, Sequence[str]]) -> List[str]:
    if arg is None or arg is False:
        return []
    if isinstance(arg, str):
        arg = [arg]
    return [s.rstrip("/") for s in arg]


def build_view(graph_or_fetches: Any = None, *, fetches: Any = None, feeds: Any = None,
               expand: ExpandArg = None, collapse: Union[None, str, Sequence[str]] = None,
               collapse_threshold: int = 40, fold_variables: bool = True, series_min: int = 5,
               attach_constants: bool = True, set_aside: bool = True, high_degree: int = 16,
               color_by: Optional[str] = "structure", chain_min: int = 10) -> View:
    """Groups a graph for drawing (see the module docstring and `export.to_graphviz`).

    Returns:
      A `View`.

    Raises:
      ValueError: If `color_by` is not "structure", "device" or None.
    """
    if color_by not in ("structure", "device", None):
        raise ValueError(f"color_by must be 'structure', 'device' or None, not {color_by!r}")
    graph, fetch_ops, fed = resolve(graph_or_fetches, fetches, feeds)
    if fetch_ops:
        ops = prune(graph, fetch_ops, fed)
    else:
        ops = graph.get_operations()
    selected = set(ops)
    fed_ops = {t.op for t in fed}
    fetch_set = set(fetch_ops)

    # 1. The scope tree. An op whose name is also a scope (a Variable, or "Adam" beside
    #    "Adam/update_W") lives inside that scope.
    scopes: Set[str] = set()
    for op in ops:
        scopes.update(_prefixes(_parent(op.name)))
        if op.type in VARIABLE_TYPES:
            scopes.add(op.name)
    home = {op: (op.name if op.name in scopes else _parent(op.name)) for op in ops}
    owner = {op.name: op for op in ops if op.name in scopes}
    variable_scopes = {s for s, o in owner.items() if o.type in VARIABLE_TYPES}
    # Scope sizes for the collapse threshold count a folded Variable (with its slots and
    # initializers) as one op: that is what the diagram will show.
    counts: Counter = Counter()
    folded_away: Set[Operation] = set()  # inside a folded Variable, not the Variable itself
    for op in ops:
        prefixes = _prefixes(home[op])
        if fold_variables:
            folded = next((p for p in prefixes if p in variable_scopes), None)
            if folded is not None and op.name != folded:
                folded_away.add(op)
                continue
        for p in prefixes:
            counts[p] += 1

    # 2. Which scopes are drawn as one node.
    expand_all = expand is True or expand == "all"
    expand_list = [] if expand_all or expand in (None, True, False) else _normalize_scopes(expand)
    collapse_list = _normalize_scopes(collapse)
    opened: Set[str] = set()  # listed scopes and their ancestors (needed to show them)
    for s in scopes:
        if _match_any(s, expand_list):
            opened.update(_prefixes(s))

    def is_variable_scope(s: str) -> bool:
        return s in variable_scopes

    def is_collapsed(s: str) -> bool:
        if s in opened:
            return False
        if _match_any(s, collapse_list):
            return True
        if is_variable_scope(s):
            return fold_variables
        if expand_all:
            return False
        leaf = _leaf(s)
        if _GRADIENTS_SCOPE.match(leaf) or _OPTIMIZER_SCOPE.match(leaf):
            return True
        return counts[s] > collapse_threshold

    # Initializer subgraphs (`tf.truncated_normal(...)` feeding `tf.Variable`): scopes whose
    # results go only into folded Variables.
    initializer_scopes: Set[str] = set()
    if fold_variables:
        members: Dict[str, Set[Operation]] = defaultdict(set)
        for op in ops:
            for p in _prefixes(home[op]):
                members[p].add(op)
        for s, inside in members.items():
            if s in variable_scopes or s in opened:
                continue
            outside = {c for op in inside for t in op.outputs for c in t.consumers()
                       if c in selected and c not in inside}
            if outside and outside <= folded_away:
                initializer_scopes.add(s)

    def is_collapsed_by_default(s: str) -> bool:
        if s in opened or expand_all:
            return is_collapsed(s)
        return is_collapsed(s) or s in initializer_scopes or bool(_INTERNAL_SCOPE.match(_leaf(s)))

    collapsed = {s: is_collapsed_by_default(s) for s in scopes}

    def collapsed_ancestor(op: Operation) -> Optional[str]:
        for p in _prefixes(home[op]):
            if collapsed[p]:
                return p
        return None

    hidden_in = {op: collapsed_ancestor(op) for op in ops}

    # 3. Visible nodes.
    ids = _Ids()
    nodes: Dict[str, Node] = {}
    vis: Dict[Operation, str] = {}
    group_node: Dict[str, str] = {}
    for op in ops:
        g = hidden_in[op]
        if g is None:
            continue
        if g not in group_node:
            var_owner = owner.get(g) if is_variable_scope(g) else None
            kind = "variable" if var_owner is not None else "group"
            nid = ids.make("var_" if kind == "variable" else "grp_", g)
            group_node[g] = nid
            nodes[nid] = Node(nid, kind, "", _parent(g), [], g)
        nodes[group_node[g]].ops.append(op)
        vis[op] = group_node[g]

    plain = [op for op in ops if hidden_in[op] is None]
    consumers: Dict[Operation, Set[Operation]] = defaultdict(set)
    has_control: Set[Operation] = set()
    for op in ops:
        for t in op.inputs:
            if t.op in selected:
                consumers[t.op].add(op)
        for c in op.control_inputs:
            if c in selected:
                has_control.update((c, op))

    def attachable(op: Operation) -> bool:
        return (attach_constants and op.type in CONSTANT_TYPES and len(consumers[op]) == 1
                and op not in has_control and op not in fetch_set and op not in fed_ops)

    # Series: five or more siblings "prefix_N" of one type in one expanded scope.
    series_of: Dict[Operation, Tuple[str, str, str]] = {}
    if series_min and series_min > 1:
        buckets: Dict[Tuple[str, str, str], List[Operation]] = defaultdict(list)
        for op in plain:
            if op.name in owner or op in fetch_set or op in fed_ops or attachable(op):
                continue
            m = _SERIES_NAME.match(_leaf(op.name))
            if m:
                buckets[(home[op], m.group(1), op.type)].append(op)
        for key, members in buckets.items():
            if len(members) >= series_min:
                for op in members:
                    series_of[op] = key
    series_node: Dict[Tuple[str, str, str], str] = {}
    for op in plain:
        key = series_of.get(op)
        if key is not None:
            if key not in series_node:
                scope, prefix, _ = key
                path = (scope + "/" if scope else "") + prefix + "_[]"
                nid = ids.make("ser_", path)
                series_node[key] = nid
                nodes[nid] = Node(nid, "series", "", scope, [], path)
            nodes[series_node[key]].ops.append(op)
            vis[op] = series_node[key]
            continue
        if op.type in PLACEHOLDER_TYPES:
            kind = "placeholder"
        elif op.type in CONSTANT_TYPES:
            kind = "const"
        else:
            kind = "op"
        nid = ids.make("op_", op.name)
        nodes[nid] = Node(nid, kind, style.escape(_leaf(op.name)), home[op], [op], op.name,
                          fetched=op in fetch_set, fed=op in fed_ops)
        vis[op] = nid
    # Constants with one consumer sit in their consumer's cluster.
    for op in plain:
        nid = vis[op]
        if nodes[nid].kind == "const" and attachable(op):
            (consumer,) = consumers[op]
            target = nodes[vis[consumer]]
            if target.kind in ("op", "series", "placeholder"):
                nodes[nid].scope = target.scope
    _unwrap_trivial_scopes(nodes, owner)

    # 4. Aggregated edges between visible nodes.
    data: Dict[Tuple[str, str, str], List] = {}
    for op in ops:
        dst = vis[op]
        refs = op.op_def.ref_inputs
        for i, t in enumerate(op.inputs):
            if t.op not in selected:
                continue
            src = vis[t.op]
            if src == dst:
                continue
            kind = "ref" if i in refs else "data"
            entry = data.setdefault((src, dst, kind), [[], 0])
            if t not in entry[0]:
                entry[0].append(t)
            entry[1] += 1
        for c in op.control_inputs:
            if c not in selected or vis[c] == dst:
                continue
            entry = data.setdefault((vis[c], dst, "control"), [[], 0])
            entry[1] += 1
    edges = [Edge(s, d, k, ts, n) for (s, d, k), (ts, n) in data.items()]
    if chain_min and chain_min > 1:
        edges = _fold_chains(nodes, edges, chain_min, ids)

    # 5. Labels and tooltips; edges into collapsed scopes merged per scope; sink NoOps
    #    (init, train) and very high-degree nodes set aside.
    _describe(nodes, owner)
    if set_aside:
        edges = _set_aside(nodes, edges, high_degree, ("op",))
    edges = _lift_group_edges(nodes, edges)
    edges = _drop_updates_into_groups(nodes, edges)
    if set_aside:
        edges = _set_aside(nodes, edges, high_degree, ("group",))

    # 6. Clusters and colours.
    devices = sorted({style.device_kind(op.device) for op in ops})
    clusters = _clusters(nodes, scopes, [op for op in ops if op not in folded_away], home, ids,
                         color_by == "structure")
    _colour(nodes, clusters, color_by, devices)
    return View(graph, nodes, clusters, edges, devices, len(ops))


def _fold_chains(nodes: Dict[str, Node], edges: List[Edge], chain_min: int,
                 ids: _Ids) -> List[Edge]:
    """Replaces each straight run of at least `chain_min` plain op nodes in one scope by one
    "chain" node and returns the edges between what is left.

    A link u -> v of a run: u's only edge is a data edge to v, and v's only edge in (besides
    constants that feed nothing else) comes from u. The constants hanging on a run fold into
    it too. Fetched, fed and set-aside ops never fold.
    """
    ins: Dict[str, List[Edge]] = defaultdict(list)
    outs: Dict[str, List[Edge]] = defaultdict(list)
    for e in edges:
        outs[e.src].append(e)
        ins[e.dst].append(e)

    def foldable(nid: str) -> bool:
        n = nodes[nid]
        return n.kind == "op" and not (n.fetched or n.fed or n.aside)

    def hanging_const(nid: str) -> bool:
        return nodes[nid].kind == "const" and not ins[nid] and len(outs[nid]) == 1

    nxt: Dict[str, str] = {}
    for u in nodes:
        if not foldable(u) or len(outs[u]) != 1 or outs[u][0].kind != "data":
            continue
        v = outs[u][0].dst
        if not foldable(v) or nodes[v].scope != nodes[u].scope:
            continue
        if sum(1 for e in ins[v] if not hanging_const(e.src)) == 1:
            nxt[u] = v
    hanging = {nid for nid in nodes if hanging_const(nid)}
    linked = set(nxt.values())
    heads = [u for u in nxt if u not in linked]
    remap: Dict[str, str] = {}
    for head in heads:
        run = [head]
        while run[-1] in nxt:
            run.append(nxt[run[-1]])
        if len(run) < chain_min:
            continue
        first = nodes[head]
        cid = ids.make("chain_", first.path)
        chain = Node(cid, "chain", "", first.scope, [], first.path)
        for nid in run:
            for member in [*(e.src for e in ins[nid] if e.src in hanging), nid]:
                chain.ops.extend(nodes.pop(member).ops)
                remap[member] = cid
        nodes[cid] = chain
    if not remap:
        return edges
    merged: Dict[Tuple[str, str, str], Edge] = {}
    for e in edges:
        src, dst = remap.get(e.src, e.src), remap.get(e.dst, e.dst)
        if src == dst:
            continue
        m = merged.get((src, dst, e.kind))
        if m is None:
            merged[(src, dst, e.kind)] = Edge(src, dst, e.kind, list(e.tensors), e.count)
        else:
            m.tensors.extend(t for t in e.tensors if t not in m.tensors)
            m.count += e.count
    return list(merged.values())


def _unwrap_trivial_scopes(nodes: Dict[str, Node], owner: Dict[str, Operation]) -> None:
    """Draws an op that is alone in its own scope with its constants ("ArgMax" with
    "ArgMax/dimension", "zeros" with "zeros/Const") in the parent scope, without a box."""
    by_scope: Dict[str, List[Node]] = defaultdict(list)
    for node in nodes.values():
        by_scope[node.scope].append(node)
    content_below: Set[str] = set()  # scopes holding a non-empty scope (filled deepest first)

    def mark(scope: str) -> None:
        content_below.update(_prefixes(_parent(scope)) if scope else ())

    for scope in sorted(by_scope, key=lambda s: s.count("/"), reverse=True):
        members = by_scope[scope]
        if not members:
            continue
        op = owner.get(scope)
        if (not scope or op is None or scope in content_below
                or not any(n.ops == [op] for n in members)
                or any(n.kind != "const" and n.ops != [op] for n in members)):
            mark(scope)
            continue
        parent = _parent(scope)
        for n in members:
            n.scope = parent
        by_scope[parent].extend(members)
        by_scope[scope] = []
        mark(parent)


def _set_aside(nodes: Dict[str, Node], edges: List[Edge], high_degree: int,
               kinds: Tuple[str, ...]) -> List[Edge]:
    """Marks sink NoOps and nodes with more than `high_degree` neighbours (among `kinds`) as
    set aside, notes what was dropped in their label, and returns the edges left."""
    def tail(e: Edge) -> str:
        return "cluster:" + e.tail_scope if e.tail_scope is not None else e.src

    def head(e: Edge) -> str:
        return "cluster:" + e.head_scope if e.head_scope is not None else e.dst

    neighbours: Dict[str, Set[str]] = defaultdict(set)
    out_edges: Counter = Counter()
    control_in: Counter = Counter()
    for e in edges:
        neighbours[tail(e)].add(head(e))
        neighbours[head(e)].add(tail(e))
        out_edges[tail(e)] += 1
        if e.kind == "control":
            control_in[head(e)] += e.count
    aside: Set[str] = set()
    for nid, node in nodes.items():
        if node.kind not in kinds or node.fetched or node.fed or node.aside:
            continue
        sink_noop = (node.kind == "op" and node.ops[0].type == "NoOp" and out_edges[nid] == 0
                     and control_in[nid] >= 2)
        if sink_noop or (high_degree and len(neighbours[nid]) > high_degree):
            node.aside = True
            aside.add(nid)
    if not aside:
        return edges

    def name(key: str) -> str:
        return key[len("cluster:"):] if key.startswith("cluster:") else nodes[key].path

    for nid in aside:
        node = nodes[nid]
        ins = sorted({name(tail(e)) for e in edges if head(e) == nid})
        outs = sorted({name(head(e)) for e in edges if tail(e) == nid})
        note = []
        if ins:
            note.append(f"{len(ins)} input{'s' if len(ins) != 1 else ''}")
        if outs:
            note.append(f"{len(outs)} output{'s' if len(outs) != 1 else ''}")
        if note:
            node.label += "\n(" + ", ".join(note) + " not drawn)"
        node.tooltip += ("; set aside; inputs: " + ", ".join(ins) if ins else "; set aside") + \
            ("; outputs: " + ", ".join(outs) if outs else "")
    return [e for e in edges if head(e) not in aside and tail(e) not in aside]


def _drop_updates_into_groups(nodes: Dict[str, Node], edges: List[Edge]) -> List[Edge]:
    """Drops the reference edges from Variables into a collapsed scope (an optimizer's
    updates, a saver's restores) and says in the scope's label how many Variables it
    updates: drawn, they loop across the whole diagram to every Variable."""
    updated: Dict[str, List[str]] = defaultdict(list)
    kept: List[Edge] = []
    # A Variable node also holds its slots (W/Adam): count the Variables drawn.
    drawn_as = {op: n.path for n in nodes.values() if n.kind == "variable" for op in n.ops}
    for e in edges:
        if (e.kind == "ref" and nodes[e.src].kind == "variable"
                and nodes[e.dst].kind == "group" and e.head_scope is None):
            updated[e.dst].extend(drawn_as.get(t.op, t.op.name) for t in e.tensors)
        else:
            kept.append(e)
    for nid, names in updated.items():
        node, names = nodes[nid], sorted(set(names))
        node.label += f"\nupdates {len(names)} variable{'s' if len(names) != 1 else ''}"
        node.tooltip += "; updates " + ", ".join(names)
    return kept


def _lift_group_edges(nodes: Dict[str, Node], edges: List[Edge]) -> List[Edge]:
    """Merges the edges between a collapsed scope and the ops of another scope into one edge
    per scope (drawn to that scope's border).

    An edge is lifted to the children of the two endpoints' lowest common scope. Besides
    matching TensorBoard, this keeps layouts of big graphs fast: without it every op of every
    layer sends its own long edge to `gradients`, and Graphviz's cost grows with the number
    of ranks those edges cross.
    """
    merged: Dict[Tuple[str, str, str], Edge] = {}
    out: List[Edge] = []
    for e in edges:
        src, dst = nodes[e.src], nodes[e.dst]
        if src.kind != "group" and dst.kind != "group":
            out.append(e)
            continue
        s_parts = src.scope.split("/") if src.scope else []
        d_parts = dst.scope.split("/") if dst.scope else []
        common = 0
        while common < min(len(s_parts), len(d_parts)) and s_parts[common] == d_parts[common]:
            common += 1
        tail = "/".join(s_parts[:common + 1]) if len(s_parts) > common else None
        head = "/".join(d_parts[:common + 1]) if len(d_parts) > common else None
        key = (tail or e.src, head or e.dst, e.kind)
        m = merged.get(key)
        if m is None:
            m = merged[key] = Edge(e.src, e.dst, e.kind, list(e.tensors), e.count, tail, head)
            out.append(m)
        else:
            m.tensors.extend(t for t in e.tensors if t not in m.tensors)
            m.count += e.count
    return out


def _describe(nodes: Dict[str, Node], owner: Dict[str, Operation]) -> None:
    for node in nodes.values():
        if node.kind == "group":
            n = len(node.ops)
            node.label = f"{style.escape(_leaf(node.path))}\n{n} op{'s' if n != 1 else ''}"
            types = Counter(op.type for op in node.ops).most_common(6)
            node.tooltip = f"{node.path} ({n} ops): " + ", ".join(f"{t}×{c}" for t, c in types)
        elif node.kind == "variable":
            var = owner[node.path]
            shape = var.outputs[0].shape
            dims = style.shape_label(shape, var.outputs[0].dtype)
            node.label = f"{style.escape(_leaf(node.path))}\n{dims}"
            node.tooltip = (f"Variable {node.path} {dims} ({len(node.ops)} ops: "
                            + ", ".join(_leaf(op.name) if op is not var else op.type
                                        for op in node.ops[:8]) + ")")
        elif node.kind == "chain":
            chain_ops = [op for op in node.ops if op.type not in CONSTANT_TYPES]
            first, last = chain_ops[0], chain_ops[-1]
            types = Counter(op.type for op in chain_ops).most_common(4)
            node.label = (f"{style.escape(_leaf(first.name))} … {style.escape(_leaf(last.name))}"
                          f"\n{len(chain_ops)} ops in a chain")
            node.tooltip = (f"chain of {len(chain_ops)} ops from {first.name} to {last.name}: "
                            + ", ".join(f"{t}×{c}" for t, c in types)
                            + (", ..." if len(types) == 4 else ""))
        elif node.kind == "series":
            ids = [int(_SERIES_NAME.match(_leaf(op.name)).group(2)) for op in node.ops]
            prefix = _leaf(node.path)[:-3]
            node.label = (f"{style.escape(prefix)}_[{style.format_ids(ids)}]\n"
                          f"{len(ids)} × {node.ops[0].type}")
            node.tooltip = ", ".join(op.name for op in node.ops)
        else:
            op = node.ops[0]
            outs = ", ".join(style.shape_label(t.shape, t.dtype) for t in op.outputs)
            dev = f" on {op.device}" if op.device else ""
            node.tooltip = f"{op.name} ({op.type}{dev})" + (f" -> {outs}" if outs else "")
            if node.kind == "const":
                node.label = style.short_value(op.attrs.get("value")) or ""
            if node.fed:
                node.label += "\n(fed)"


def _signature(path: str, ops: Iterable[Operation]) -> str:
    """Internal structure of a scope: relative op names (digits dropped) and types."""
    n = len(path) + 1
    return "|".join(sorted(re.sub(r"_\d+$", "", op.name[n:]) + ":" + op.type for op in ops))


def _clusters(nodes: Dict[str, Node], scopes: Set[str], ops: Sequence[Operation],
              home: Dict[Operation, str], ids: _Ids, by_structure: bool) -> Dict[str, Cluster]:
    """The clusters of the expanded scopes holding nodes, coloured by structure (`ops` are
    the ops that count for a scope's structure: folded Variables' internals are left out)."""
    clusters: Dict[str, Cluster] = {"": Cluster("", "root", "", style.SCOPE_FILL)}

    def ensure(path: str) -> Cluster:
        if path not in clusters:
            parent = ensure(_parent(path))
            clusters[path] = Cluster(path, ids.make("cluster_", path), style.escape(_leaf(path)),
                                     style.SCOPE_FILL)
            parent.children.append(path)
        return clusters[path]

    for nid, node in nodes.items():
        ensure(node.scope).nodes.append(nid)
    # Scopes (drawn expanded or collapsed) with the same structure share a colour.
    members: Dict[str, List[Operation]] = defaultdict(list)
    for op in ops:
        for p in _prefixes(home[op]):
            members[p].append(op)
    groups = {n.path: n for n in nodes.values() if n.kind == "group"}
    candidates = [s for s in scopes if s in clusters or s in groups]
    sigs = {s: _signature(s, members[s]) for s in candidates}
    repeats = Counter(sigs.values())
    # Palette slots in order of the first scope (by name) of each repeated structure, so
    # different structures get different colours while the palette lasts.
    slots: Dict[str, int] = {}
    for s in sorted(candidates):
        if repeats[sigs[s]] > 1 and sigs[s] not in slots:
            slots[sigs[s]] = len(slots)
    for s in candidates:
        shared = by_structure and sigs[s] in slots
        color = style.structure_color(slots.get(sigs[s], 0), shared)
        if s in clusters:
            clusters[s].color = color
        if s in groups and shared:
            groups[s].color = color
    return clusters


def _colour(nodes: Dict[str, Node], clusters: Dict[str, Cluster], color_by: Optional[str],
            devices: List[str]) -> None:
    """Device colouring: each node filled with its ops' device colour (striped when mixed)."""
    if color_by != "device":
        return
    for node in nodes.values():
        kinds = Counter(style.device_kind(op.device) for op in node.ops)
        total = sum(kinds.values())
        if len(kinds) == 1:
            node.color = style.device_color(next(iter(kinds)), devices)
        else:
            node.colors = [(style.device_color(k, devices), c / total)
                           for k, c in sorted(kinds.items())]
            node.color = style.device_color(kinds.most_common(1)[0][0], devices)
    for c in clusters.values():
        c.color = style.SCOPE_FILL
