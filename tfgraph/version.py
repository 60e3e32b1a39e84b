"""`tf.version`: version numbers (TF1's `tf.version.VERSION`, `GRAPH_DEF_VERSION`, ...).

`VERSION` is tfgraph's own version (as `tf.VERSION`); the GraphDef versions are those of the
graphs tfgraph writes. The C++ build fields (`GIT_VERSION`, `COMPILER_VERSION`) do not apply.
"""
from ._unsupported import TF_BUILD as _TF_BUILD
from ._unsupported import refusing_getattr as _refusing_getattr
from .framework.graph_io import GRAPH_DEF_VERSION

VERSION = __import__("tfgraph").__version__
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0

__all__ = ["VERSION", "GRAPH_DEF_VERSION", "GRAPH_DEF_VERSION_MIN_CONSUMER",
           "GRAPH_DEF_VERSION_MIN_PRODUCER"]

__getattr__ = _refusing_getattr("tf.version", __name__,
                                {"GIT_VERSION": _TF_BUILD, "COMPILER_VERSION": _TF_BUILD})
