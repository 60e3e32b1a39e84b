"""MetaGraphDef (`.meta` files): `tf.train.export_meta_graph` and `tf.train.import_meta_graph`.

A `MetaGraphDef` (TensorFlow's proto, from tensorboard's compiled copy) holds the graph's
`GraphDef` (see `tfgraph.framework.graph_io`), the Saver's `SaverDef` and the collections:

* collections of Variables (`variables`, `trainable_variables`, `global_step`, ...) as
  serialized `VariableDef`s (the variable, its initializer `W/Assign`, its snapshot `W/read`,
  its initial value), which import turns back into `tf.Variable` objects;
* collections of ops and tensors (`train_op`, `losses`, `summaries`, ...) as `node_list`s of
  names; strings, ints and floats as `bytes_list`/`int64_list`/`float_list`.

Other Python objects in collections (and TF's `cond_context`/`while_context` protos on import)
are skipped with a warning, as TF does for what it cannot serialize.
"""
from __future__ import annotations

import os
import warnings
from typing import Any, Dict, List, Optional

from ..framework import graph_io
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.graph_keys import GraphKeys

# Collections TF stores as VariableDefs (TF's ops.GraphKeys._VARIABLE_COLLECTIONS).
VARIABLE_COLLECTIONS = (GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
                        GraphKeys.LOCAL_VARIABLES, GraphKeys.MODEL_VARIABLES,
                        "moving_average_variables", "global_step", "metric_variables",
                        "concatenated_variables")
_SKIPPED_ON_IMPORT = ("cond_context", "while_context", "savers", "queue_runners")


def _variable_def(v: Any) -> Any:
    pb = graph_io.protos()
    initial = getattr(v, "initial_value", None)
    return pb.variable_pb2.VariableDef(
        variable_name=v.name, initializer_name=v.initializer.name,
        snapshot_name=v.value().name,
        initial_value_name=initial.name if isinstance(initial, Tensor) else "",
        trainable=bool(getattr(v, "trainable", True)), is_resource=False)


def _scoped(name: str, export_scope: Optional[str]) -> Optional[str]:
    if not export_scope:
        return name
    prefix = export_scope.rstrip("/") + "/"
    hat = name.startswith("^")
    bare = name[1:] if hat else name
    if not bare.startswith(prefix):
        return None
    return ("^" if hat else "") + bare[len(prefix):]


def _collection_def(key: str, values: List[Any], export_scope: Optional[str]) -> Any:
    pb = graph_io.protos()
    cd = pb.meta_graph_pb2.CollectionDef()
    from ..ops.variables import Variable
    if values and all(isinstance(v, Variable) for v in values):
        for v in values:
            vd = _variable_def(v)
            if export_scope:
                for f in ("variable_name", "initializer_name", "snapshot_name",
                          "initial_value_name"):
                    val = getattr(vd, f)
                    if val:
                        setattr(vd, f, _scoped(val, export_scope) or val)
            cd.bytes_list.value.append(vd.SerializeToString())
    elif all(isinstance(v, (Operation, Tensor)) for v in values):
        for v in values:
            n = _scoped(v.name, export_scope)
            if n is not None:
                cd.node_list.value.append(n)
    elif all(isinstance(v, (str, bytes)) for v in values):
        cd.bytes_list.value.extend(v.encode("utf-8") if isinstance(v, str) else v for v in values)
    elif all(isinstance(v, bool) is False and isinstance(v, int) for v in values):
        cd.int64_list.value.extend(values)
    elif all(isinstance(v, float) for v in values):
        cd.float_list.value.extend(values)
    elif key == "savers":
        # Saver objects (a MonitoredSession's Scaffold puts its Saver there): the MetaGraph's
        # own saver_def already describes the saver, so the collection is left out quietly.
        return None
    else:
        kinds = sorted({type(v).__name__ for v in values})
        warnings.warn(f"Issue encountered when serializing {key}: collection holds "
                      f"{', '.join(kinds)} objects, which a MetaGraphDef cannot store; skipped")
        return None
    return cd


def create_meta_graph_def(graph: Any = None, saver_def: Any = None,
                          collection_list: Optional[List[str]] = None,
                          clear_devices: bool = False, export_scope: Optional[str] = None,
                          meta_info_def: Any = None, graph_def: Any = None) -> Any:
    """Builds the `MetaGraphDef` of `graph` (default: the default graph)."""
    from .. import __version__
    pb = graph_io.protos()
    graph = graph or get_default_graph()
    mgd = pb.meta_graph_pb2.MetaGraphDef()
    if meta_info_def is not None:
        mgd.meta_info_def.CopyFrom(meta_info_def)
    # TF parses tensorflow_version as a version number (and treats < 1.9 differently):
    # give the TF1 API level tfgraph implements, and say who wrote it in the git version.
    if not mgd.meta_info_def.tensorflow_version:
        mgd.meta_info_def.tensorflow_version = "1.15.0"
        mgd.meta_info_def.tensorflow_git_version = f"tfgraph-{__version__}"
    gd = graph_def if graph_def is not None else graph.as_graph_def()
    if export_scope or clear_devices:
        gd2 = pb.graph_pb2.GraphDef()
        gd2.versions.CopyFrom(gd.versions)
        for node in gd.node:
            if export_scope and _scoped(node.name, export_scope) is None:
                continue
            n = gd2.node.add()
            n.CopyFrom(node)
            if clear_devices:
                n.device = ""
            if export_scope:
                n.name = _scoped(node.name, export_scope)
                del n.input[:]
                n.input.extend(_scoped(i, export_scope) or i for i in node.input)
        gd = gd2
    mgd.graph_def.CopyFrom(gd)
    used = sorted({n.op for n in gd.node})
    for t in used:
        od = graph_io.tf_op_def(t)
        if od is not None:
            mgd.meta_info_def.stripped_op_list.op.append(od)
    if saver_def is not None:
        mgd.saver_def.CopyFrom(saver_def)
    keys = collection_list if collection_list is not None else graph.get_all_collection_keys()
    for key in keys:
        values = graph.get_collection(key)
        if not values or not isinstance(key, str):
            continue
        cd = _collection_def(key, values, export_scope)
        if cd is not None:
            mgd.collection_def[key].CopyFrom(cd)
    return mgd


def export_meta_graph(filename: Optional[str] = None, meta_info_def: Any = None,
                      graph_def: Any = None, saver_def: Any = None,
                      collection_list: Optional[List[str]] = None, as_text: bool = False,
                      graph: Any = None, export_scope: Optional[str] = None,
                      clear_devices: bool = False, clear_extraneous_savers: bool = False,
                      strip_default_attrs: bool = False, save_debug_info: bool = False,
                      **kwargs: Any) -> Any:
    """Writes (if `filename`) and returns the graph's `MetaGraphDef` (`tf.train.export_meta_graph`).

    Args:
      filename: The `.meta` file to write (binary, or text with `as_text`); None: only return.
      meta_info_def, graph_def, saver_def: Parts to use instead of the graph's own.
      collection_list: Collections to export (default: all).
      as_text: Write the text format.
      graph: The graph (default: the default graph).
      export_scope: Export only this name scope, with the scope stripped from names.
      clear_devices: Drop device placements.
      clear_extraneous_savers, strip_default_attrs, save_debug_info: Accepted for
        compatibility.

    Returns:
      The `MetaGraphDef`.
    """
    mgd = create_meta_graph_def(graph, saver_def, collection_list, clear_devices, export_scope,
                                meta_info_def, graph_def)
    if filename:
        from .checkpoint_management import atomic_write
        pb = graph_io.protos()
        data = pb.text_format.MessageToString(mgd).encode("utf-8") if as_text \
            else mgd.SerializeToString()
        dirname = os.path.dirname(filename)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        atomic_write(filename, lambda f: f.write(data))
    return mgd


def read_meta_graph_file(filename: str) -> Any:
    """Reads a `MetaGraphDef` from a binary or text `.meta` file.

    Raises:
      IOError: If the file does not exist (TF1's message).
      tf.errors.DataLossError: If it is corrupt or truncated (naming the file).
    """
    if not os.path.exists(filename):
        raise IOError(f"File {filename} does not exist.")
    return graph_io.parse_proto_file(filename, graph_io.protos().meta_graph_pb2.MetaGraphDef)


def _import_collections(mgd: Any, graph: Any, prefix: str, created_vars: Dict[str, Any]) -> None:
    from ..ops.variables import Variable
    pb = graph_io.protos()
    for key in sorted(mgd.collection_def):
        cd = mgd.collection_def[key]
        kind = cd.WhichOneof("kind")
        if key in _SKIPPED_ON_IMPORT:
            continue
        if kind == "bytes_list" and key in VARIABLE_COLLECTIONS:
            for raw in cd.bytes_list.value:
                vd = pb.variable_pb2.VariableDef.FromString(raw)
                name = prefix + vd.variable_name
                v = created_vars.get(name)
                if v is None:
                    v = Variable._from_graph_elements(
                        graph.get_tensor_by_name(name),
                        graph.get_operation_by_name(prefix + vd.initializer_name),
                        graph.get_tensor_by_name(prefix + vd.snapshot_name),
                        graph.get_tensor_by_name(prefix + vd.initial_value_name)
                        if vd.initial_value_name else None,
                        trainable=vd.trainable)
                    created_vars[name] = v
                graph.add_to_collection(key, v)
        elif kind == "node_list":
            for n in cd.node_list.value:
                graph.add_to_collection(key, graph.as_graph_element(prefix + n))
        elif kind == "bytes_list":
            for b in cd.bytes_list.value:
                try:
                    graph.add_to_collection(key, b.decode("utf-8"))
                except UnicodeDecodeError:
                    warnings.warn(f"Collection {key} holds binary protos tfgraph cannot "
                                  f"interpret; skipped")
                    break
        elif kind == "int64_list":
            for v in cd.int64_list.value:
                graph.add_to_collection(key, int(v))
        elif kind == "float_list":
            for v in cd.float_list.value:
                graph.add_to_collection(key, float(v))


def import_meta_graph_def(meta_graph_or_file: Any, clear_devices: bool = False,
                         import_scope: Optional[str] = None, **kwargs: Any) -> Any:
    """Imports a MetaGraphDef's graph and collections into the default graph.

    The engine of `tf.train.import_meta_graph` (`saver.py`, which builds the returned Saver).

    Returns:
      `(meta_graph_def, prefix)`: the proto and the prefix given to imported names.
    """
    pb = graph_io.protos()
    if isinstance(meta_graph_or_file, pb.meta_graph_pb2.MetaGraphDef):
        mgd = meta_graph_or_file
    else:
        mgd = read_meta_graph_file(os.fspath(meta_graph_or_file))
    graph = get_default_graph()
    if import_scope:
        with graph.name_scope(import_scope) as scope:
            prefix = scope
    else:
        prefix = ""
    graph_io.import_graph_def(mgd.graph_def, input_map=kwargs.get("input_map"),
                              return_elements=kwargs.get("return_elements"),
                              name=prefix, clear_devices=clear_devices)
    _import_collections(mgd, graph, prefix, {})
    return mgd, prefix


__all__: List[str] = []
