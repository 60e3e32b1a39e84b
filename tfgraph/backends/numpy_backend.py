"""The NumPy backend: kernels run on the CPU on plain NumPy arrays."""
from __future__ import annotations

import numpy as np

from .base import Backend


class NumpyBackend(Backend):
    """CPU execution with NumPy; host transfers are free (values are NumPy arrays already)."""

    name = "numpy"
    device_type = "CPU"
    xp = np
    is_host = True

    def from_host(self, array):
        return array

    def to_host(self, value):
        return value
