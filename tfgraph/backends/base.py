"""The `Backend` interface: an array module plus host<->device transfers and special kernels."""
from __future__ import annotations

from typing import Any

import numpy as np


class Backend:
    """Where kernels run. Kernels use `be.xp` (NumPy's API) and never NumPy directly.

    Attributes:
      name: "numpy", "cupy", "strict".
      device_type: "CPU" or "GPU" (the TF1 device type this backend serves).
      xp: The array module (numpy, cupy, or a wrapper with the same API).
    """

    name = "base"
    device_type = "CPU"
    xp: Any = np
    # True when arrays already are host NumPy arrays (no transfer needed to fetch or feed).
    is_host = True

    def from_host(self, array: np.ndarray) -> Any:
        """Moves a host NumPy array to this backend's device."""
        return array

    def to_host(self, value: Any) -> np.ndarray:
        """Moves a device array to a host NumPy array."""
        return value

    def asarray(self, value: Any, dtype: Any = None) -> Any:
        """A device array from host data (lists, scalars, NumPy arrays)."""
        return self.from_host(np.asarray(value, dtype=dtype))

    def is_array(self, value: Any) -> bool:
        return isinstance(value, np.ndarray)

    def __repr__(self) -> str:
        return f"<Backend {self.name} ({self.device_type})>"

    def rng(self, seed: Any) -> Any:
        """A random generator on this device (NumPy's Generator API), seeded with `seed`."""
        return np.random.default_rng(seed)
