"""The CuPy backend: kernels run on a CUDA GPU; CuPy is imported lazily (optional dependency).

Install with `pip install tfgraph[gpu]`.  Creating the backend fails with an error that says
what is missing: `ImportError` when CuPy is not installed, `RuntimeError` when it is but no
CUDA device (or driver) can be used.
"""
from __future__ import annotations

import importlib
from typing import Any, Optional, Tuple

import numpy as np

from .base import Backend

INSTALL_HINT = "pip install tfgraph[gpu]"

_probe_result: Optional[Tuple[int, str]] = None


def _import_cupy():
    try:
        import cupy  # noqa: WPS433  (optional dependency, imported on first use only)
    except ImportError as e:
        raise ImportError(f"Cannot use /device:GPU:0: CuPy is not installed: {INSTALL_HINT} "
                          f"({e})") from e
    return cupy


def probe() -> Tuple[int, str]:
    """How many CUDA devices CuPy can use, and why none when 0 (cached after the first call).

    Returns:
      `(count, reason)`: `reason` is "" when `count > 0`, else a sentence naming what is
      missing ("CuPy is not installed: pip install tfgraph[gpu]" or "no CUDA device: ...").
    """
    global _probe_result
    if _probe_result is None:
        _probe_result = _probe()
    return _probe_result


def _probe() -> Tuple[int, str]:
    try:
        import cupy
    except ImportError:
        return 0, f"CuPy is not installed: {INSTALL_HINT}"
    except Exception as e:  # noqa: BLE001 - a broken CUDA install can raise anything on import
        return 0, f"CuPy failed to import: {type(e).__name__}: {e}"
    try:
        n = int(cupy.cuda.runtime.getDeviceCount())
    except Exception as e:  # noqa: BLE001 - CUDARuntimeError when no driver/device
        return 0, f"no CUDA device: {e}"
    if n <= 0:
        return 0, "no CUDA device: CuPy found 0 CUDA devices"
    return n, ""


class CupyBackend(Backend):
    """GPU execution with CuPy on CUDA device 0 (pick the GPU with CUDA_VISIBLE_DEVICES).

    Raises:
      ImportError: If CuPy is not installed.
      RuntimeError: If no CUDA device is available.
    """

    name = "cupy"
    device_type = "GPU"
    is_host = False

    def __init__(self) -> None:
        cupy = _import_cupy()
        count, reason = probe()
        if count == 0:
            raise RuntimeError(f"Cannot use /device:GPU:0: {reason}")
        self.xp = cupy
        self._cupy = cupy
        # Bound once: the planner binds these callables into generated code.
        self.from_host = cupy.asarray  # type: ignore[assignment]
        self.to_host = cupy.asnumpy  # type: ignore[assignment]

    def from_host(self, array: np.ndarray) -> Any:  # replaced per instance in __init__
        return self._cupy.asarray(array)

    def to_host(self, value: Any) -> np.ndarray:  # replaced per instance in __init__
        return self._cupy.asnumpy(value)

    def is_array(self, value: Any) -> bool:
        return isinstance(value, self._cupy.ndarray)

    def synchronize(self) -> None:
        self._cupy.cuda.get_current_stream().synchronize()

    def rng(self, seed: Any) -> Any:
        return self._cupy.random.default_rng(seed)

    def scatter_add(self, target: Any, indices: Any, values: Any) -> None:
        # cupyx.scatter_add exists in every CuPy version (ufunc.at only in recent ones).
        import cupyx
        cupyx.scatter_add(target, indices, values)

    def scipy(self, submodule: str) -> Any:
        return importlib.import_module(f"cupyx.scipy.{submodule}")

    def description(self) -> str:
        """The GPU's name and memory, e.g. "NVIDIA H100 80GB HBM3, 79.1 GiB"."""
        props = self._cupy.cuda.runtime.getDeviceProperties(self._cupy.cuda.Device().id)
        name = props.get("name", b"?")
        name = name.decode() if isinstance(name, bytes) else str(name)
        return f"{name}, {props.get('totalGlobalMem', 0) / 2**30:.1f} GiB"
