"""tfgraph: TensorFlow 1.x graph mode (`tf.compat.v1`) on NumPy and CuPy.

Replace `import tensorflow.compat.v1 as tf` with `import tfgraph as tf`: build a graph of
placeholders, Variables and ops, then run it in a `tf.Session` with `feed_dict`.
"""
__version__ = "0.1.0"

from .framework import dtypes as _dtypes_module
from .framework.dtypes import (DType, as_dtype, bool, complex64, complex128, double, float16,
                               float32, float64, half, int8, int16, int32, int64, string, uint8,
                               uint16, uint32, uint64)
from .framework import errors
from .framework.tensor_shape import Dimension, TensorShape, dimension_value
from .framework.graph import Graph, Operation, Tensor, get_default_graph, reset_default_graph
from .framework.graph_keys import GraphKeys
from .framework.registry import NotDifferentiable, NoGradient, RegisterGradient, register_op, OpDef
from .framework.constant import (constant, convert_to_tensor, name_scope,
                                 register_tensor_conversion_function)
from .framework.device import DeviceSpec
from .config import ConfigProto, GPUOptions
from .session import InteractiveSession, Session, get_default_session

from .ops.array_ops import *  # noqa: F401,F403
from .ops.math_ops import *  # noqa: F401,F403
from .ops.state_ops import *  # noqa: F401,F403
from .ops.variables import *  # noqa: F401,F403
from .ops.control_flow_ops import *  # noqa: F401,F403
from .ops.control_flow_ops import tuple_ as tuple  # noqa: F401  (tf.tuple)
from .ops import overloads as _overloads  # noqa: F401  (installs Tensor operators)
from . import _display as _display_hooks  # Jupyter reprs: Graph diagram, Tensor/Operation cards
_display_hooks.install()
from .ops import extra_modules as _extra  # noqa: F401
from .gradients import gradients, hessians, UnconnectedGradients
from .framework.graph_io import import_graph_def, GRAPH_DEF_VERSION  # noqa: F401
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0

from ._namespaces import *  # noqa: F401,F403  (tf.nn, tf.train, tf.layers, ... and late ops)
from ._namespaces import LAZY_NAMESPACES as _LAZY_NAMESPACES


_PROTO_CLASSES = {"GraphDef": ("graph_pb2", "GraphDef"), "NodeDef": ("node_def_pb2", "NodeDef"),
                  "AttrValue": ("attr_value_pb2", "AttrValue"),
                  "NameAttrList": ("attr_value_pb2", "NameAttrList"),
                  "MetaGraphDef": ("meta_graph_pb2", "MetaGraphDef"),
                  "TensorInfo": ("meta_graph_pb2", "TensorInfo"),
                  # frame stream (issue 16): Session.run options and summary/event messages
                  "RunOptions": ("config_pb2", "RunOptions"),
                  "RunMetadata": ("config_pb2", "RunMetadata"),
                  "GraphOptions": ("config_pb2", "GraphOptions"),
                  "OptimizerOptions": ("config_pb2", "OptimizerOptions"),
                  "HistogramProto": ("summary_pb2", "HistogramProto"),
                  "SummaryMetadata": ("summary_pb2", "SummaryMetadata"),
                  "LogMessage": ("event_pb2", "LogMessage")}


def __getattr__(name: str):
    """Loads the heavier namespaces (`tf.summary`, `tf.viz`, ...) on first use."""
    if name in _LAZY_NAMESPACES:
        import importlib
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    if name in ("Summary", "Event", "SessionLog"):  # TF1's top-level protobuf aliases
        from . import summary
        return getattr(summary, name)
    if name in _PROTO_CLASSES:  # tf.GraphDef, tf.NodeDef, ...: TensorFlow's protobuf classes
        from .framework.graph_io import protos
        module, cls = _PROTO_CLASSES[name]
        return getattr(getattr(protos(), module), cls)
    from ._unsupported import TABLES
    if name in TABLES["tf"]:
        raise NotImplementedError(f"tf.{name} is not offered by tfgraph: {TABLES['tf'][name]}")
    raise AttributeError(f"module 'tfgraph' has no attribute {name!r}")


def get_collection(key: str, scope=None) -> list:
    """`tf.get_collection`: a copy of the default graph's collection `key`."""
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list:
    """`tf.get_collection_ref`: the default graph's collection list itself."""
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name: str, value) -> None:
    """`tf.add_to_collection`."""
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value) -> None:
    """`tf.add_to_collections`."""
    get_default_graph().add_to_collections(names, value)


def device(device_name_or_function):
    """`with tf.device("/gpu:0"):` places the ops built inside (see README "Running on a GPU")."""
    return get_default_graph().device(device_name_or_function)


def container(container_name):
    """Accepted for compatibility; variables live in the session."""
    import contextlib
    return contextlib.nullcontext()


def disable_eager_execution() -> None:
    """No-op: tfgraph is always in graph mode."""


def disable_v2_behavior() -> None:
    """No-op: tfgraph always behaves as TF1."""


def executing_eagerly() -> "bool":
    return False


VERSION = __version__  # tfgraph's version (TF1 gives TensorFlow's here)
OpError = errors.OpError


def get_logger():
    """`tf.get_logger`: the "tensorflow" logger that `tf.logging` writes to."""
    from .logging import _get_logger
    return _get_logger()
