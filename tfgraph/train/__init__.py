"""`tf.train`: optimizers, learning-rate schedules, the global step, and checkpoints (Saver).

Each submodule lists its public names in `__all__`; they are all exported here.
"""
import importlib as _importlib

__all__ = []
for _name in ("optimizer", "gradient_descent", "momentum", "adam", "rmsprop", "adagrad",
              "learning_rate_decay", "training_util", "saver", "checkpoint_management",
              "moving_averages", "session_hooks", "coordinator", "queue_runner", "input",
              "checkpoint_utils", "checkpoint_ops", "basic_session_run_hooks",
              "monitored_session"):
    try:
        _mod = _importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _e:  # a submodule not written yet
        if _e.name != f"{__name__}.{_name}":
            raise
        continue
    for _n in getattr(_mod, "__all__", []):
        globals()[_n] = getattr(_mod, _n)
        __all__.append(_n)

from ..framework.graph_io import write_graph  # noqa: E402,F401  (tf.train.write_graph)
__all__.append("write_graph")

_EXAMPLE_PROTOS = ("Example", "SequenceExample", "Features", "Feature", "FeatureList",
                   "FeatureLists", "BytesList", "FloatList", "Int64List")


def __getattr__(name: str):
    """`tf.train.Example` & co.: protobuf classes, built on first use (needs protobuf)."""
    if name in _EXAMPLE_PROTOS:
        from ..lib import example_pb2
        return getattr(example_pb2, name)
    if name == "SaverDef":  # TF's protobuf class (tensorboard's saver_pb2)
        from .saver import _saver_def_class
        return _saver_def_class()
    raise AttributeError(f"module 'tfgraph.train' has no attribute {name!r}")


# --- TF1's names only (issue 16) ---------------------------------------------------------------
# Public in their modules for tfgraph's own use, but not names of TF1's tf.train.
for _n in ("CheckpointReader", "CheckpointState", "meta_graph_filename"):
    if _n in __all__:
        __all__.remove(_n)
        del globals()[_n]

from .._reexport import hide_submodules as _hide_submodules  # noqa: E402
from .._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

_hide_submodules(__name__)
_refuse = _refusing_getattr("tf.train", __name__, _TABLES["tf.train"])
_proto_getattr = __getattr__


def __getattr__(name: str):  # noqa: F811
    """TF1's protobuf classes (above); names tfgraph does not offer raise NotImplementedError
    saying what to use instead."""
    if name in _EXAMPLE_PROTOS or name == "SaverDef":
        return _proto_getattr(name)
    return _refuse(name)

# The remaining optimizers (issue 16), loaded after the listing above.
from .more_optimizers import (AdadeltaOptimizer, AdagradDAOptimizer,  # noqa: E402,F401
                              FtrlOptimizer, ProximalAdagradOptimizer,
                              ProximalGradientDescentOptimizer)
__all__ += ["AdadeltaOptimizer", "AdagradDAOptimizer", "FtrlOptimizer",
            "ProximalAdagradOptimizer", "ProximalGradientDescentOptimizer"]
from .more_schedules import (cosine_decay_restarts, linear_cosine_decay,  # noqa: E402,F401
                             noisy_linear_cosine_decay, piecewise_constant_decay)
__all__ += ["cosine_decay_restarts", "linear_cosine_decay", "noisy_linear_cosine_decay",
            "piecewise_constant_decay"]

# frame stream (issue 16): Supervisor/SessionManager, training-loop helpers, warm-starting, the
# maybe_* batchers (in input.py) and the tf.train.queue_runner module.
from .supervisor import SessionManager, Supervisor  # noqa: E402,F401
from .training_loops import (GlobalStepWaiterHook, VocabInfo, basic_train_loop,  # noqa: E402,F401
                             checkpoints_iterator, match_filenames_once, summary_iterator,
                             warm_start)
from .input import (maybe_batch, maybe_batch_join, maybe_shuffle_batch,  # noqa: E402,F401
                    maybe_shuffle_batch_join)
from . import queue_runner_ns as _queue_runner_ns  # noqa: E402

globals()["queue_runner"] = _queue_runner_ns  # a module attribute _NamespacePackage would skip
__all__ += ["SessionManager", "Supervisor", "GlobalStepWaiterHook", "VocabInfo",
            "basic_train_loop", "checkpoints_iterator", "match_filenames_once",
            "summary_iterator", "warm_start", "maybe_batch", "maybe_batch_join",
            "maybe_shuffle_batch", "maybe_shuffle_batch_join", "queue_runner"]
