"""`tf.summary`: TensorBoard summaries (scalar, histogram, image, merge) and `FileWriter`.

Each submodule lists its public names in `__all__`; they are all exported here.
"""
import importlib as _importlib

__all__ = []
_SUBMODULES = ("summary_ops", "writer")
for _name in _SUBMODULES:
    try:
        _mod = _importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _e:  # a submodule not written yet
        if _e.name != f"{__name__}.{_name}":
            raise
        continue
    for _n in getattr(_mod, "__all__", []):
        globals()[_n] = getattr(_mod, _n)
        __all__.append(_n)

# frame stream (issue 16): tf.summary.audio and the v2-summary leftovers.
from .audio_summary import __all__ as _audio_all  # noqa: E402
from . import audio_summary as _audio_summary  # noqa: E402

for _n in _audio_all:
    globals()[_n] = getattr(_audio_summary, _n)
    __all__.append(_n)

# The submodules are implementation; the namespace shows TF1's names only.
from .._reexport import hide_submodules as _hide_submodules  # noqa: E402

_hide_submodules(__name__)
