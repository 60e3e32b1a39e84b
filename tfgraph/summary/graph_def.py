"""The TensorBoard protocol buffers and GraphDef export, for the summary writers.

They live in `tfgraph.framework.graph_io` (TensorFlow's GraphDef both ways); this module
re-exports what `tf.summary` uses, under the names it has always had.
"""
from ..framework.graph_io import (as_graph_def, attr_value, dtype_enum,  # noqa: F401
                                  make_tensor_proto, node_def, protos, shape_proto)

__all__ = []
