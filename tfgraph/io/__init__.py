"""`tf.io`: file access (`tf.io.gfile`) and TensorFlow's file formats (`tf.io.write_graph`).

Each submodule listed below exports its public names (`__all__`) here; modules not written
yet are skipped, so other families (TFRecord, parsing) can add themselves to the list.
"""
import importlib as _importlib

from . import gfile  # noqa: F401

__all__ = ["gfile"]
for _name in ("..framework.graph_io",):
    try:
        _mod = _importlib.import_module(_name, __name__)
    except ModuleNotFoundError as _e:  # a module not written yet
        if not _e.name or not _e.name.endswith(_name.lstrip(".")):
            raise
        continue
    for _n in getattr(_mod, "_TF_IO_NAMES", ()):
        globals()[_n] = getattr(_mod, _n)
        __all__.append(_n)
