"""Device placement: which backend runs each op of a plan (TF1's `tf.device` + ConfigProto rules)."""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

from .backends import Backend, default_backend_name, get_backend
from .framework import errors
from .framework.device import device_type


class Placer:
    """Maps ops to backends for one session.

    Ops pinned to "/device:CPU:*" or unpinned run on the CPU backend (NumPy; the test-only
    strict backend when TFGRAPH_BACKEND=strict).  Ops pinned to a GPU run on CuPy.
    """

    def __init__(self, config: Any = None):
        self.config = config
        self.cpu = get_backend(default_backend_name())

    def backend_for(self, op) -> Backend:
        dt = device_type(op.device)
        if dt in (None, "CPU"):
            return self.cpu
        if dt == "GPU":
            return get_backend("cupy")
        raise errors.InvalidArgumentError(
            None, op, f"Cannot assign a device for operation '{op.name}': unknown device "
                      f"'{op.device}'")

    def place(self, order: Sequence, graph) -> Dict[Any, Backend]:
        return {op: self.backend_for(op) for op in order}

    def list_devices(self) -> List[str]:
        return ["/job:localhost/replica:0/task:0/device:CPU:0"]
