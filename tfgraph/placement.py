"""Device placement: which backend runs each op of a plan (TF1's `tf.device` + ConfigProto rules).

The rules, applied once per op and session when a plan is compiled (before anything runs):

1. Ops that only have a host kernel (`OpDef.host_only = True`: file I/O, summaries, ...) and
   ops with string inputs or outputs run on the host CPU (NumPy), whatever their device says.
2. An op that takes a variable by reference (`Assign`, optimizer updates) runs where the
   variable lives, whatever its own device says (TF1 colocates them too).
3. An op pinned with `tf.device` runs there: "/cpu:0" on the CPU backend, "/gpu:0" on CuPy.
   Job, replica and task fields are ignored (every op runs in this process).
4. An unpinned op runs on the session's default device: the GPU when CuPy and a CUDA device
   are available and the ConfigProto does not say `device_count={'GPU': 0}`, as in TF1;
   otherwise the CPU.  The environment variable `TFGRAPH_DEVICE` overrides the default:
   `cpu` puts unpinned ops on the CPU, `gpu` on the GPU (an error, or the CPU with soft
   placement, when there is none), `auto` (or unset) is the rule above.
5. An op pinned to a device that does not exist (a GPU when there is none, "/gpu:1",
   "/cpu:1", "/device:TPU:0") raises `tf.errors.InvalidArgumentError` naming the op and the
   device, unless `allow_soft_placement=True`: then it runs on the GPU (for "/gpu:N") or the
   CPU, and a warning lists such ops once (logger "tfgraph").

The CPU backend is NumPy, or the test-only strict backend when `TFGRAPH_BACKEND=strict`.
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .backends import Backend, default_backend_name, get_backend, gpu_available
from .framework import errors
from .framework.device import full_device_name, parse_device

logger = logging.getLogger("tfgraph")

ENV_DEVICE = "TFGRAPH_DEVICE"
_DEVICE_MODES = ("auto", "cpu", "gpu")
# What TF1 reports as the CPU's memory limit in `list_devices()`.
_CPU_MEMORY_LIMIT = 268435456


def default_device_mode() -> str:
    """The default device for unpinned ops from `TFGRAPH_DEVICE`: "auto", "cpu" or "gpu".

    Raises:
      ValueError: If `TFGRAPH_DEVICE` holds anything else.
    """
    mode = os.environ.get(ENV_DEVICE, "").strip().lower() or "auto"
    if mode not in _DEVICE_MODES:
        raise ValueError(f"{ENV_DEVICE}={mode!r}: expected one of {', '.join(_DEVICE_MODES)}")
    return mode


class DeviceAttributes:
    """One device of a session, as TF1's `Session.list_devices()` describes it.

    Attributes:
      name: The full device name ("/job:localhost/replica:0/task:0/device:GPU:0").
      device_type: "CPU" or "GPU".
      memory_limit_bytes: The device's memory.
      incarnation: Always 0 (one process).
    """

    def __init__(self, name: str, device_type: str, memory_limit_bytes: int, incarnation: int = 0):
        self.name = name
        self.device_type = device_type
        self.memory_limit_bytes = memory_limit_bytes
        self.incarnation = incarnation

    def __repr__(self) -> str:
        return (f"_DeviceAttributes({self.name}, {self.device_type}, {self.memory_limit_bytes}, "
                f"{self.incarnation})")


class Placer:
    """Maps ops to backends for one session (see the module docstring for the rules).

    Args:
      config: The session's `tf.ConfigProto`, or None.

    Raises:
      ValueError: If `TFGRAPH_DEVICE` or `TFGRAPH_BACKEND` holds an unknown value.
    """

    def __init__(self, config: Any = None):
        self.config = config
        self.cpu: Backend = get_backend(default_backend_name())
        self.host: Backend = get_backend("numpy")
        self.soft_placement = bool(getattr(config, "allow_soft_placement", False))
        self.log_placement = bool(getattr(config, "log_device_placement", False))
        self.mode = default_device_mode()
        max_devices = getattr(config, "max_devices", None)
        self._gpu_limit: Optional[int] = max_devices("GPU") if max_devices else None
        self._decided: Dict[Any, Backend] = {}
        self._soft_pending: List[Tuple[Any, str, str]] = []  # (op, requested, reason)
        self._gpu: Optional[Backend] = None
        if self.log_placement:
            self._log_device_mapping()

    # --- which devices exist ------------------------------------------------------------
    def gpu_status(self) -> Tuple[bool, str]:
        """Whether this session may use a GPU, and why not: `(available, reason)`."""
        if self._gpu_limit == 0:
            return False, "the session's ConfigProto sets device_count={'GPU': 0}"
        return gpu_available()

    def gpu(self) -> Backend:
        """The CuPy backend (created on first use; applies `gpu_options` memory limits)."""
        if self._gpu is None:
            be = get_backend("cupy")
            fraction = getattr(getattr(self.config, "gpu_options", None),
                               "per_process_gpu_memory_fraction", 0.0)
            if fraction and 0.0 < fraction <= 1.0:
                be.xp.get_default_memory_pool().set_limit(fraction=fraction)
            self._gpu = be
        return self._gpu

    def list_devices(self) -> List[DeviceAttributes]:
        """The session's devices: the CPU, and GPU:0 when one is available."""
        out = [DeviceAttributes(full_device_name("CPU", 0), "CPU", _CPU_MEMORY_LIMIT)]
        if self.gpu_status()[0]:
            be = self.gpu()
            total = 0
            try:
                total = int(be.xp.cuda.Device().mem_info[1])
            except Exception:  # noqa: BLE001 - the limit is informative only
                pass
            out.append(DeviceAttributes(full_device_name("GPU", 0), "GPU", total))
        return out

    def device_names(self) -> List[str]:
        return [d.name for d in self.list_devices()]

    # --- placing ------------------------------------------------------------------------
    def backend_for(self, op) -> Backend:
        """The backend that runs `op` in this session (decided once, then remembered).

        Raises:
          tf.errors.InvalidArgumentError: If `op` is pinned to a device that does not exist
            and soft placement is off.
        """
        be = self._place_one(op)
        self._report_soft_placement()
        return be

    def place(self, order: Sequence, graph: Any = None) -> Dict[Any, Backend]:
        """Places every op of a plan; prints the placement when `log_device_placement` is on.

        Args:
          order: The plan's ops.
          graph: The graph (unused; placement depends on each op only).

        Returns:
          A dict op -> Backend.

        Raises:
          tf.errors.InvalidArgumentError: If an op cannot be placed (nothing has run then).
        """
        placed = {op: self._place_one(op) for op in order}
        self._report_soft_placement()
        if self.log_placement:
            lines = [f"{op.name}: ({op.type}): {be.device_name}" for op, be in placed.items()]
            if lines:
                sys.stderr.write("\n".join(lines) + "\n")
                sys.stderr.flush()
        return placed

    def _place_one(self, op) -> Backend:
        be = self._decided.get(op)
        if be is None:
            be = self._decide(op)
            self._decided[op] = be
        return be

    def _decide(self, op) -> Backend:
        od = op._op_def
        if getattr(od, "host_only", False) or _has_strings(op):  # rule 1
            return self.host
        refs = od.ref_inputs
        if refs:  # rule 2: with the variable (`ref_inputs` may be any container of indices)
            for i, t in enumerate(op._inputs):
                if i in refs:
                    return self._place_one(t._op)
        try:
            fields = parse_device(op.device)
        except ValueError as e:
            raise errors.InvalidArgumentError(
                None, op, f"Malformed device specification '{op.device}' in node '{op.name}': "
                          f"{e}\n\t [[node {op.name}]]") from None
        dtype, index = fields["device_type"], fields["device_index"]
        if dtype is None:  # rule 4
            if self.mode == "cpu":
                return self.cpu
            if self.mode == "auto":
                return self.gpu() if self.gpu_status()[0] else self.cpu
            dtype, index, requested = "GPU", "0", f"/device:GPU:0 (from {ENV_DEVICE}=gpu)"
        else:
            requested = op.device
        # rules 3 and 5
        first = index in (None, "*", "0")
        if dtype == "CPU":
            if first:
                return self.cpu
            return self._missing(op, requested, "this process has one CPU device, CPU:0", self.cpu)
        if dtype == "GPU":
            ok, reason = self.gpu_status()
            if not ok:
                return self._missing(op, requested, f"no GPU devices available: {reason}", self.cpu)
            if first:
                return self.gpu()
            return self._missing(op, requested, "tfgraph uses one GPU per process, GPU:0 (choose "
                                 "it with CUDA_VISIBLE_DEVICES)", self.gpu())
        return self._missing(op, requested, f"tfgraph has no {dtype} devices", self.cpu)

    def _missing(self, op, requested: str, reason: str, fallback: Backend) -> Backend:
        if self.soft_placement:
            self._soft_pending.append((op, requested, reason))
            return fallback
        available = ", ".join(self.device_names())
        raise errors.InvalidArgumentError(
            None, op,
            f"Cannot assign a device for operation '{op.name}': Operation was explicitly "
            f"assigned to {requested} but available devices are [ {available} ]. Make sure the "
            f"device specification refers to a valid device ({reason}; or pass "
            f"config=tf.ConfigProto(allow_soft_placement=True) to the Session).\n"
            f"\t [[node {op.name}]]")

    def _report_soft_placement(self) -> None:
        if not self._soft_pending:
            return
        pending, self._soft_pending = self._soft_pending, []
        by_reason: Dict[str, List[str]] = {}
        for op, requested, reason in pending:
            by_reason.setdefault(reason, []).append(f"{op.name} ({requested} -> "
                                                    f"{self._decided[op].device_name})"
                                                    if op in self._decided else op.name)
        for reason, names in by_reason.items():
            shown = ", ".join(names[:10])
            if len(names) > 10:
                shown += f", ... ({len(names) - 10} more)"
            logger.warning("Soft placement: %d op(s) pinned to a device that does not exist run "
                           "elsewhere (%s): %s", len(names), reason, shown)

    def _log_device_mapping(self) -> None:
        ok, _ = self.gpu_status()
        if ok:
            be = self.gpu()
            desc = be.description() if hasattr(be, "description") else "CUDA device 0"
            text = f"Device mapping:\n{full_device_name('GPU', 0)} -> device: 0, name: {desc}\n"
        else:
            text = "Device mapping: no known devices.\n"
        sys.stderr.write(text)
        sys.stderr.flush()


def _has_strings(op) -> bool:
    for t in op._inputs:
        if t.dtype.name == "string":
            return True
    for t in op._outputs:
        if t.dtype.name == "string":
            return True
    return False


# --- TF1 helpers: tf.test.is_gpu_available / gpu_device_name, device_lib.list_local_devices ---
def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """True when CuPy and a CUDA device are available (`tf.test.is_gpu_available`)."""
    return gpu_available()[0]


def gpu_device_name() -> str:
    """"/device:GPU:0" when a GPU is available, else "" (`tf.test.gpu_device_name`)."""
    return "/device:GPU:0" if gpu_available()[0] else ""


def list_local_devices(session_config: Any = None) -> List[DeviceAttributes]:
    """The devices a session with `session_config` would use (`device_lib.list_local_devices`)."""
    return Placer(session_config).list_devices()


__all__ = ["Placer", "DeviceAttributes", "ENV_DEVICE", "default_device_mode", "is_gpu_available",
           "gpu_device_name", "list_local_devices"]
