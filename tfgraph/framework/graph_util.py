"""`tf.graph_util`: GraphDef surgery (freezing variables, extracting and pruning subgraphs).

These work on `GraphDef` protos (see `graph_io`), as TF1's do: `convert_variables_to_constants`
reads the variables' values from a session and writes them into the GraphDef as `Const` nodes
("freezing", what `frozen.pb` files are made with).
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Sequence, Set

from . import graph_io

_VARIABLE_OPS = ("VariableV2", "Variable", "VarHandleOp", "TemporaryVariable")


def _node_name(s: str) -> str:
    s = s[1:] if s.startswith("^") else s
    name, sep, idx = s.rpartition(":")
    return name if sep and idx.isdigit() else s


def extract_sub_graph(graph_def: Any, dest_nodes: Sequence[str]) -> Any:
    """The part of `graph_def` the nodes `dest_nodes` depend on (data and control inputs).

    Args:
      graph_def: A `GraphDef`.
      dest_nodes: Node names (not tensor names) to keep with their ancestors.

    Returns:
      A new `GraphDef` with those nodes, in their original order.

    Raises:
      TypeError: If `graph_def` is not a GraphDef or `dest_nodes` is a string.
      AssertionError: If a name in `dest_nodes` is not a node of the graph (TF1's error).
    """
    pb = graph_io.protos()
    if not isinstance(graph_def, pb.graph_pb2.GraphDef):
        raise TypeError("graph_def must be a graph_pb2.GraphDef proto.")
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be a list.")
    by_name = {n.name: n for n in graph_def.node}
    for d in dest_nodes:
        assert d in by_name, f"{d} is not in graph"
    keep: Set[str] = set()
    stack = list(dest_nodes)
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        stack.extend(_node_name(i) for i in by_name[name].input if _node_name(i) in by_name)
    out = pb.graph_pb2.GraphDef()
    out.versions.CopyFrom(graph_def.versions)
    out.library.CopyFrom(graph_def.library)
    out.node.extend(copy.deepcopy(n) for n in graph_def.node if n.name in keep)
    return out


def convert_variables_to_constants(sess: Any, input_graph_def: Any,
                                   output_node_names: Sequence[str],
                                   variable_names_whitelist: Optional[Sequence[str]] = None,
                                   variable_names_blacklist: Optional[Sequence[str]] = None
                                   ) -> Any:
    """Freezes a graph: the subgraph of `output_node_names` with variables made `Const`s.

    Args:
      sess: A session holding the variables' values.
      input_graph_def: The `GraphDef` (e.g. `sess.graph.as_graph_def()`).
      output_node_names: Node names of the outputs to keep.
      variable_names_whitelist: Convert only these variables (node names).
      variable_names_blacklist: Leave these variables as variables.

    Returns:
      The frozen `GraphDef`.
    """
    pb = graph_io.protos()
    sub = extract_sub_graph(input_graph_def, output_node_names)
    names = [n.name for n in sub.node if n.op in _VARIABLE_OPS and
             (variable_names_whitelist is None or n.name in variable_names_whitelist) and
             (not variable_names_blacklist or n.name not in variable_names_blacklist)]
    values = dict(zip(names, sess.run([n + ":0" for n in names]))) if names else {}
    out = pb.graph_pb2.GraphDef()
    out.versions.CopyFrom(sub.versions)
    out.library.CopyFrom(sub.library)
    for node in sub.node:
        new = out.node.add()
        if node.name in values:
            dtype = node.attr["dtype"]
            new.op = "Const"
            new.name = node.name
            new.attr["dtype"].CopyFrom(dtype)
            new.attr["value"].tensor.CopyFrom(
                graph_io.make_tensor_proto(values[node.name],
                                           graph_io.dtype_from_enum(dtype.type)))
            if node.device:
                new.device = node.device
        else:
            new.CopyFrom(node)
            if node.op == "Identity" and "_class" in node.attr:
                del new.attr["_class"]  # colocation with a variable that is now a Const
    return out


def remove_training_nodes(input_graph: Any, protected_nodes: Optional[Sequence[str]] = None
                          ) -> Any:
    """Removes nodes only training needs: `CheckNumerics` and pass-through `Identity` nodes.

    Nodes in `protected_nodes` (and Identity nodes with control inputs, or named as control
    inputs by others) are kept; consumers of a removed node read its input instead.
    """
    pb = graph_io.protos()
    protected = set(protected_nodes or ())
    controlled = {_node_name(i) for n in input_graph.node for i in n.input if i.startswith("^")}
    removable: Dict[str, str] = {}
    for n in input_graph.node:
        if n.name in protected or n.name in controlled:
            continue
        data_inputs = [i for i in n.input if not i.startswith("^")]
        if n.op in ("CheckNumerics", "Identity") and len(data_inputs) == 1 and \
                len(data_inputs) == len(n.input):
            removable[n.name] = data_inputs[0]

    def resolve(inp: str) -> str:
        hat = inp.startswith("^")
        name = inp[1:] if hat else inp
        seen = set()
        while _node_name(name) in removable and _node_name(name) not in seen:
            seen.add(_node_name(name))
            base, idx = _node_name(name), name[len(_node_name(name)):]
            if idx not in ("", ":0"):
                break
            name = removable[base]
        return ("^" + _node_name(name)) if hat else name

    out = pb.graph_pb2.GraphDef()
    out.versions.CopyFrom(input_graph.versions)
    out.library.CopyFrom(input_graph.library)
    for n in input_graph.node:
        if n.name in removable:
            continue
        new = out.node.add()
        new.CopyFrom(n)
        del new.input[:]
        new.input.extend(resolve(i) for i in n.input)
    return out


def must_run_on_cpu(node: Any, pin_variables_on_cpu: bool = False) -> bool:
    """True for nodes TF1 pins to the CPU (string ops, and variables when asked)."""
    if isinstance(node, str):
        return False
    op = getattr(node, "type", None) or getattr(node, "op", "")
    if op in _VARIABLE_OPS:
        return pin_variables_on_cpu
    if op in ("Placeholder", "PlaceholderWithDefault", "Const"):
        attr = getattr(node, "attr", {})
        return "dtype" in attr and attr["dtype"].type == graph_io.DTYPE_ENUM["string"]
    return False


def tensor_shape_from_node_def_name(graph: Any, input_name: str) -> Any:
    """The static shape of tensor `input_name` ("x" meaning "x:0") in `graph`."""
    if ":" not in input_name:
        input_name += ":0"
    return graph.get_tensor_by_name(input_name).shape


def import_graph_def(*args: Any, **kwargs: Any) -> Any:
    """`tf.graph_util.import_graph_def`: the same as `tf.import_graph_def`."""
    return graph_io.import_graph_def(*args, **kwargs)


__all__: List[str] = ["convert_variables_to_constants", "extract_sub_graph",
                      "remove_training_nodes", "must_run_on_cpu",
                      "tensor_shape_from_node_def_name", "import_graph_def"]
