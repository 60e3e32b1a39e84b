"""Backends: where kernels run. Each owns its array module (`be.xp`) and host transfers.

`get_backend(name)` returns the shared instance of "numpy", "cupy" or the test-only "strict"
backend; `default_backend_name()` reads `TFGRAPH_BACKEND` (default "numpy"): the backend that
serves CPU ops.  `gpu_available()` says whether "cupy" can be used, and why not.
"""
from __future__ import annotations

import os
from typing import Dict, Tuple

from .base import Backend
from .numpy_backend import NumpyBackend

BACKEND_NAMES = ("numpy", "cupy", "strict")
_CPU_BACKENDS = ("numpy", "strict")
_INSTANCES: Dict[str, Backend] = {}


def get_backend(name: str = "numpy") -> Backend:
    """Returns the backend called `name` ("numpy", "cupy" or "strict"), created on first use.

    Args:
      name: The backend's name.

    Returns:
      The shared `Backend` instance.

    Raises:
      ValueError: For an unknown name.
      ImportError: If "cupy" is asked for and CuPy is not installed.
      RuntimeError: If "cupy" is asked for and no CUDA device is available.
    """
    be = _INSTANCES.get(name)
    if be is not None:
        return be
    if name == "numpy":
        be = NumpyBackend()
    elif name == "cupy":
        from .cupy_backend import CupyBackend
        be = CupyBackend()
    elif name == "strict":
        from .strict_backend import StrictBackend
        be = StrictBackend()
    else:
        raise ValueError(f"unknown backend {name!r} (expected one of {', '.join(BACKEND_NAMES)})")
    _INSTANCES[name] = be
    return be


def default_backend_name() -> str:
    """The backend for CPU ops: `TFGRAPH_BACKEND` if set (tests use "strict"), else "numpy".

    Raises:
      ValueError: If `TFGRAPH_BACKEND` names something other than "numpy" or "strict".
    """
    name = os.environ.get("TFGRAPH_BACKEND", "").strip().lower() or "numpy"
    if name not in _CPU_BACKENDS:
        raise ValueError(f"TFGRAPH_BACKEND={name!r}: expected 'numpy' or 'strict' (GPU use is "
                         f"chosen with tf.device / ConfigProto / TFGRAPH_DEVICE=gpu)")
    return name


def gpu_available() -> Tuple[bool, str]:
    """Whether the CuPy backend can run (CuPy installed and a CUDA device present).

    The answer is probed once per process (importing CuPy only here).

    Returns:
      `(available, reason)`: `reason` explains a False ("CuPy is not installed: pip install
      tfgraph[gpu]", "no CUDA device: ..."), and is "" when available.
    """
    from .cupy_backend import probe
    count, reason = probe()
    return count > 0, reason


__all__ = ["Backend", "NumpyBackend", "BACKEND_NAMES", "get_backend", "default_backend_name",
           "gpu_available"]
