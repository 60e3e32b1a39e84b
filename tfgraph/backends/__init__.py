"""Backends: where kernels run. Each owns its array module (`be.xp`) and host transfers.

`get_backend(name)` returns the shared instance of "numpy", "cupy" or the test-only "strict"
backend; `default_backend_name()` reads `TFGRAPH_BACKEND` (default "numpy").
"""
from __future__ import annotations

import os
from typing import Dict

from .base import Backend
from .numpy_backend import NumpyBackend

_INSTANCES: Dict[str, Backend] = {}


def get_backend(name: str = "numpy") -> Backend:
    """Returns the backend called `name` ("numpy", "cupy" or "strict"), created on first use.

    Raises:
      ValueError: For an unknown name.
      ImportError/RuntimeError: If "cupy" is asked for and CuPy or a CUDA device is missing.
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
        raise ValueError(f"unknown backend {name!r} (expected 'numpy', 'cupy' or 'strict')")
    _INSTANCES[name] = be
    return be


def default_backend_name() -> str:
    """The backend for CPU ops: `TFGRAPH_BACKEND` if set (tests use "strict"), else "numpy"."""
    return os.environ.get("TFGRAPH_BACKEND", "numpy")


__all__ = ["Backend", "NumpyBackend", "get_backend", "default_backend_name"]
