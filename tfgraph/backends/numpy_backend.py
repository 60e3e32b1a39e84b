"""The NumPy backend: kernels run on the host CPU on plain NumPy arrays."""
from __future__ import annotations

from typing import Any

import numpy as np

from .base import Backend


class NumpyBackend(Backend):
    """CPU execution with NumPy; host transfers are free (values are NumPy arrays already)."""

    name = "numpy"
    device_type = "CPU"
    xp = np
    is_host = True

    def from_host(self, array: Any) -> Any:
        return array

    def to_host(self, value: Any) -> Any:
        return value
