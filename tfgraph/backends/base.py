"""The `Backend` interface: an array module plus host<->device transfers and special kernels.

A backend is one device kind: `NumpyBackend` (the host CPU), `CupyBackend` (a CUDA GPU) and
the test-only `StrictBackend` (a pretend device on the CPU that refuses NumPy).  Kernels get
the backend of the op's device as `be` and use only `be.xp` and the helpers defined here, so
the same kernel runs on every backend.  Helpers whose best implementation differs between
NumPy and CuPy (scatter-add, sliding windows, ...) live here, with a portable default that
subclasses may override; add new ones here so every backend gets them.
"""
from __future__ import annotations

import importlib
from typing import Any, Sequence

import numpy as np


class Backend:
    """Where kernels run. Kernels use `be.xp` (NumPy's API) and never NumPy directly.

    Attributes:
      name: "numpy", "cupy", "strict".
      device_type: "CPU" or "GPU" (the TF1 device type this backend serves).
      device_index: The device's index within its type (always 0 for now).
      xp: The array module (numpy, cupy, or a wrapper with the same API).
      is_host: True when arrays are host NumPy arrays (no transfer needed to feed or fetch).

    Random generators (`rng`) follow NumPy's `Generator` API; the methods every backend
    provides are `random(size, dtype)`, `standard_normal(size, dtype)`, `uniform(low, high,
    size)` and `integers(low, high, size, dtype)` (CuPy's Generator has no `normal`).
    """

    name = "base"
    device_type = "CPU"
    device_index = 0
    xp: Any = np
    # True when arrays already are host NumPy arrays (no transfer needed to fetch or feed).
    is_host = True

    @property
    def device_name(self) -> str:
        """The TF1 full device name, e.g. "/job:localhost/replica:0/task:0/device:GPU:0"."""
        from ..framework.device import full_device_name
        return full_device_name(self.device_type, self.device_index)

    # --- transfers ---------------------------------------------------------------------------
    def from_host(self, array: np.ndarray) -> Any:
        """Moves a host NumPy array to this backend's device."""
        return array

    def to_host(self, value: Any) -> np.ndarray:
        """Moves a device array to a host NumPy array."""
        return value

    def asarray(self, value: Any, dtype: Any = None) -> Any:
        """A device array from host data (lists, scalars, NumPy arrays): one host->device copy."""
        return self.from_host(np.asarray(value, dtype=dtype))

    def is_array(self, value: Any) -> bool:
        """True when `value` is an array of this backend's device."""
        return isinstance(value, np.ndarray)

    def synchronize(self) -> None:
        """Waits for the device's queued work to finish (for timing); no-op on the CPU."""

    def rng(self, seed: Any) -> Any:
        """A random generator on this device (NumPy's Generator API), seeded with `seed`."""
        return np.random.default_rng(seed)

    # --- special kernels (portable defaults) ----------------------------------------------
    def scatter_add(self, target: Any, indices: Any, values: Any) -> None:
        """`target[indices] += values`, in place, accumulating repeated indices (np.add.at)."""
        self.xp.add.at(target, indices, values)

    def sliding_window_view(self, x: Any, window_shape: Sequence[int],
                            axis: Sequence[int]) -> Any:
        """A read-only strided view of all windows of `x` (im2col without copying)."""
        return self.xp.lib.stride_tricks.sliding_window_view(x, tuple(window_shape),
                                                             axis=tuple(axis))

    def as_strided(self, x: Any, shape: Sequence[int], strides: Sequence[int]) -> Any:
        """A view of `x` with the given shape and byte strides (read it, never write it)."""
        return self.xp.lib.stride_tricks.as_strided(x, shape=tuple(shape),
                                                    strides=tuple(strides))

    def scipy(self, submodule: str) -> Any:
        """SciPy's `submodule` ("special", "linalg") working on this backend's arrays.

        NumPy arrays use SciPy itself (an optional dependency, imported on first use by the
        kernels that need it: special functions, matrix square roots); CuPy uses
        `cupyx.scipy.<submodule>`. A function that module lacks is the kernel's business
        (see `ops/special_math_ops._scipy_fn`, which falls back to the host).

        Raises:
          ImportError: If SciPy is not installed (naming the extra to install).
        """
        return import_scipy(submodule)

    def __repr__(self) -> str:
        return f"<Backend {self.name} ({self.device_type}:{self.device_index})>"


def import_scipy(submodule: str) -> Any:
    """`scipy.<submodule>`, or an ImportError saying how to install SciPy."""
    try:
        return importlib.import_module(f"scipy.{submodule}")
    except ImportError as e:
        raise ImportError(
            f"this op needs SciPy (scipy.{submodule}), which is not installed: "
            f"pip install scipy (or tfgraph's 'scipy' extra)") from e
