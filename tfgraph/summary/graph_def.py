"""GraphDef export (`graph.as_graph_def()`) and the TensorBoard protocol buffers, imported lazily.

The protocol buffer classes come from the optional `tensorboard` package (`pip install
tfgraph[tensorboard]`); `protos()` imports them on first use and explains how to install them.

A node of the exported `GraphDef` carries the op's name, type, device, its inputs in TF1's
spelling ("x" for output 0, "x:1", "^ctrl" for control inputs) and its attributes: DTypes
become `type`, TensorShapes `shape`, NumPy arrays (a Const's `value`) `tensor`, Python scalars
and strings `i`/`f`/`b`/`s`, lists `list`; anything else is written as its `repr` string.
With `add_shapes=True` each node also gets `_output_shapes`, which TensorBoard's graph tab uses
to label edges.
"""
from __future__ import annotations

import importlib
import types
from typing import Any, Optional

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.tensor_shape import TensorShape

_INSTALL_HINT = ("TensorBoard support (tf.summary, FileWriter, GraphDef export) needs the "
                 "'tensorboard' package: pip install tfgraph[tensorboard]")
_PROTOS: Optional[types.SimpleNamespace] = None

# TensorFlow's DataType enum (tensorflow/core/framework/types.proto).
_DTYPE_ENUM = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
               "string": 7, "complex64": 8, "int64": 9, "bool": 10, "uint16": 17,
               "complex128": 18, "float16": 19, "uint32": 22, "uint64": 23}


def protos() -> types.SimpleNamespace:
    """The TensorBoard protobuf modules (`event_pb2`, `summary_pb2`, `graph_pb2`, ...).

    Raises:
      ImportError: If tensorboard is not installed (the message says how to install it).
    """
    global _PROTOS
    if _PROTOS is None:
        names = ("event_pb2", "summary_pb2", "graph_pb2", "node_def_pb2", "attr_value_pb2",
                 "tensor_pb2", "tensor_shape_pb2", "types_pb2", "meta_graph_pb2")
        try:
            mods = {n: importlib.import_module(f"tensorboard.compat.proto.{n}") for n in names}
        except ImportError as e:
            raise ImportError(f"{_INSTALL_HINT} ({e})") from e
        _PROTOS = types.SimpleNamespace(**mods)
    return _PROTOS


def dtype_enum(dtype: Any) -> int:
    """TensorFlow's `DataType` enum value for a dtype (DT_FLOAT = 1, ...)."""
    return _DTYPE_ENUM[_dtypes.as_dtype(dtype).name]


def shape_proto(shape: Any):
    """A `TensorShapeProto` (unknown rank: `unknown_rank`; unknown dimension: size -1)."""
    pb = protos().tensor_shape_pb2
    shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if shape.ndims is None:
        return pb.TensorShapeProto(unknown_rank=True)
    return pb.TensorShapeProto(dim=[pb.TensorShapeProto.Dim(size=-1 if d is None else d)
                                    for d in shape.as_list()])


def make_tensor_proto(value: Any, dtype: Any = None):
    """A `TensorProto` of a host NumPy value (numbers in `tensor_content`, strings `string_val`)."""
    pb = protos().tensor_pb2
    arr = np.asarray(value)
    dt = _dtypes.as_dtype(dtype if dtype is not None else arr.dtype)
    proto = pb.TensorProto(dtype=dtype_enum(dt), tensor_shape=shape_proto(list(arr.shape)))
    if dt is _dtypes.string:
        proto.string_val.extend(v.encode("utf-8") if isinstance(v, str) else bytes(v)
                                for v in arr.ravel())
    else:
        little_endian = dt.np_dtype.newbyteorder("<")
        proto.tensor_content = np.ascontiguousarray(arr, dtype=little_endian).tobytes()
    return proto


def _list_value(items: Any, av) -> Any:
    lv = av.ListValue()
    for x in items:
        if isinstance(x, _dtypes.DType):
            lv.type.append(dtype_enum(x))
        elif isinstance(x, TensorShape):
            lv.shape.append(shape_proto(x))
        elif isinstance(x, (bool, np.bool_)):
            lv.b.append(bool(x))
        elif isinstance(x, (int, np.integer)):
            lv.i.append(int(x))
        elif isinstance(x, (float, np.floating)):
            lv.f.append(float(x))
        elif isinstance(x, str):
            lv.s.append(x.encode("utf-8"))
        elif isinstance(x, bytes):
            lv.s.append(x)
        else:
            lv.s.append(repr(x).encode("utf-8"))
    return lv


def attr_value(value: Any):
    """An `AttrValue` for a Python attribute value (see the module docstring); None: skip it."""
    av = protos().attr_value_pb2.AttrValue
    if value is None:
        return None
    if isinstance(value, _dtypes.DType):
        return av(type=dtype_enum(value))
    if isinstance(value, TensorShape):
        return av(shape=shape_proto(value))
    if isinstance(value, np.ndarray):
        return av(tensor=make_tensor_proto(value))
    if isinstance(value, (bool, np.bool_)):
        return av(b=bool(value))
    if isinstance(value, (int, np.integer)):
        v = int(value)
        return av(i=v) if -2**63 <= v < 2**63 else av(s=str(v).encode())
    if isinstance(value, (float, np.floating)):
        return av(f=float(value))
    if isinstance(value, str):
        return av(s=value.encode("utf-8"))
    if isinstance(value, bytes):
        return av(s=value)
    if isinstance(value, (list, tuple)):
        return av(list=_list_value(value, av))
    try:
        dt = _dtypes.as_dtype(value)  # a NumPy dtype or type given as an attribute
        return av(type=dtype_enum(dt))
    except (TypeError, KeyError):
        pass
    return av(s=repr(value).encode("utf-8"))


def node_def(op: Any, add_shapes: bool = False):
    """The `NodeDef` of one `Operation`."""
    pb = protos()
    nd = op.node_def
    node = pb.node_def_pb2.NodeDef(name=nd["name"], op=nd["op"], input=nd["input"],
                                   device=nd["device"] or "")
    for key, value in nd["attr"].items():
        a = attr_value(value)
        if a is not None:
            node.attr[key].CopyFrom(a)
    if add_shapes:
        av = pb.attr_value_pb2.AttrValue
        node.attr["_output_shapes"].CopyFrom(
            av(list=av.ListValue(shape=[shape_proto(t.shape) for t in op.outputs])))
    return node


def as_graph_def(graph: Any, add_shapes: bool = False):
    """The `GraphDef` protocol buffer of a tfgraph `Graph` (TF1's `graph.as_graph_def()`).

    Args:
      graph: A `tf.Graph`.
      add_shapes: Add the `_output_shapes` attribute to every node.

    Returns:
      A `tensorboard.compat.proto.graph_pb2.GraphDef`.

    Raises:
      ImportError: If tensorboard is not installed.
    """
    pb = protos()
    gd = pb.graph_pb2.GraphDef()
    gd.versions.producer = 27  # TF 1.x GraphDef version; readers only check it is set
    gd.node.extend(node_def(op, add_shapes) for op in graph.get_operations())
    return gd


__all__ = []
