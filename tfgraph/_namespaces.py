"""The TF1 sub-namespaces (`tf.nn`, `tf.train`, `tf.layers`, `tf.losses`, ...) and the
public functions of op families defined outside the core modules.

Light namespaces are imported with `tfgraph`; heavy or optional ones (`tf.summary` needs
tensorboard's protos, `tf.viz` graphviz and networkx, `tf.distribute` mpi4py, `tf.datasets`
urllib/ssl, `tf.test` unittest) load on first attribute access (`LAZY_NAMESPACES`), so
`import tfgraph` stays fast and small.
"""
import importlib as _importlib

__all__ = []
for _family in ("ops.random_ops", "ops.init_ops", "ops.variable_scope", "ops.nn_ops",
                "ops.parsing_ops", "ops.io_ops", "framework.sparse_tensor", "ops.data_flow_ops",
                "ops.cond_v1", "ops.logging_ops", "ops.script_ops", "ops.while_v1",
                "ops.tensor_array_ops", "ops.functional_ops", "ops.stitch_ops"):
    _mod = _importlib.import_module(f"{__package__}.{_family}")
    for _n in getattr(_mod, "__all__", []):
        globals()[_n] = getattr(_mod, _n)
        __all__.append(_n)

# The API-surface families (issue 16), on their own line to keep merges of the list above easy.
for _family in ("ops.more_math_ops", "ops.segment_ops", "ops.clip_ops", "ops.misc_api",
                "ops.linalg_ops", "ops.scatter_ops", "ops.string_ops", "ops.sparse_ops"):
    _mod = _importlib.import_module(f"{__package__}.{_family}")
    for _n in getattr(_mod, "__all__", []):
        globals()[_n] = getattr(_mod, _n)
        __all__.append(_n)

# Issue 16's later streams, one reserved line each (blank-line separated so that parallel
# edits merge cleanly): a stream puts its ops modules on its own line.
_STREAM_FAMILIES = (
    # sparse-grad
    "ops.indexed_slices_ops", "ops.more_random_ops",

    # sparse-ops
    "ops.sparse_more_ops", "ops.sparse_segment_ops", "ops.sparse_serialize_ops",
    "ops.sparse_misc_ops",

    # mathfn
    "ops.special_math_ops", "ops.complex_ops", "ops.math_rest_ops", "ops.fft_ops",
    "ops.linalg_decomp_ops",

    # arrayops
    "ops.manip_ops", "ops.space_batch_ops", "ops.bytes_ops",

    # frame
    "ops.check_ops", "ops.frame_api",

    # nn

    # estimator

)
for _family in _STREAM_FAMILIES:
    _mod = _importlib.import_module(f"{__package__}.{_family}")
    for _n in getattr(_mod, "__all__", []):
        globals()[_n] = getattr(_mod, _n)
        __all__.append(_n)

for _ns in ("nn", "train", "layers", "losses", "initializers", "random", "math", "compat",
            "logging", "app", "io", "python_io", "image", "queue", "nest", "gfile",
            "graph_util"):
    globals()[_ns] = _importlib.import_module(f"{__package__}.{_ns}")
    __all__.append(_ns)
for _ns in ("dtypes", "debugging", "linalg", "metrics", "strings", "sparse"):  # API-surface namespaces (issue 16)
    globals()[_ns] = _importlib.import_module(f"{__package__}.{_ns}")
    __all__.append(_ns)
for _ns in ("manip", "bitwise"):  # arrayops (issue 16)
    globals()[_ns] = _importlib.import_module(f"{__package__}.{_ns}")
    __all__.append(_ns)

# mathfn: TF1's FFT namespaces.
for _ns in ("signal", "spectral"):
    globals()[_ns] = _importlib.import_module(f"{__package__}.{_ns}")
    __all__.append(_ns)

LAZY_NAMESPACES = ("summary", "test", "contrib", "viz", "distribute", "datasets", "data", "saved_model",
                   "estimator", "feature_column")

# TF1 spells these with names that are Python keywords or builtins.
from .ops.logging_ops import print_v2 as print  # noqa: E402,F401,A001  (tf.print)
__all__.append("print")

from .ops.image_ops import random_crop  # noqa: E402,F401  (tf.random_crop)
__all__.append("random_crop")

from . import sets  # noqa: E402,F401  (tf.sets: the sparse-ops stream's namespace)
__all__.append("sets")

# frame stream (issue 16): tf.version, tf.resource_loader, tf.audio; tf.flags (absl) loads on
# first use.
for _ns in ("version", "resource_loader", "audio"):
    globals()[_ns] = _importlib.import_module(f"{__package__}.{_ns}")
    __all__.append(_ns)
LAZY_NAMESPACES += ("flags",)
