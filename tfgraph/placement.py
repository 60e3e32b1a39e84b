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

6. Host metadata (TF1's HostMemory; decided per plan, `place_host_metadata`): shapes, axes
   and sizes stay in host memory whatever device runs the op.  A tensor is host metadata if
   it is an output listed in its op's `host_outputs` (Shape, Size, ...), an int32/int64 Const
   of at most `HOST_CONST_SIZE` elements, a fed int32/int64 tensor of rank 0 or 1, or an
   output of an op run in host memory.  An op whose OpDef sets `host_memory_ok` runs in host
   memory (NumPy backend) when all its inputs are host metadata -- if they are all small int
   Consts, only when its outputs are ints too (`tf.cast(tf.constant([1, 2]), tf.float32)` is
   data); with `host_memory_ok = "if_consumed_as_metadata"` (Range) also only when every
   consumer in the plan reads the output as metadata: at a `host_inputs` index, or through
   `host_memory_ok` ops whose outputs are read that way, and it is not fetched.

The CPU backend is NumPy, or the test-only strict backend when `TFGRAPH_BACKEND=strict`.
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any, Collection, Dict, List, Optional, Sequence, Set, Tuple

from .backends import Backend, default_backend_name, get_backend, gpu_available
from .framework import errors
from .framework.control_flow_types import NEXT_ITERATION_TYPES
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
        self._soft_reported: Set[str] = set()  # reasons already warned about
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

    def place(self, order: Sequence, graph: Any = None, fed: Collection = (),
              fetched: Collection = ()) -> Dict[Any, Backend]:
        """Places every op of a plan; prints the placement when `log_device_placement` is on.

        Args:
          order: The plan's ops, in a topological order.
          graph: The graph (unused).
          fed: The plan's fed tensors; fetched: its fetched tensors (host metadata, rule 6).

        Returns:
          A dict op -> Backend.

        Raises:
          tf.errors.InvalidArgumentError: If an op cannot be placed (nothing has run then).
        """
        placed = {op: self._place_one(op) for op in order}
        self._report_soft_placement()
        place_host_metadata(order, placed, self.host, fed, fetched)
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
        if od.host_only or _has_strings(op):  # rule 1
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
        """One warning line per reason and session: later plans (eval, summaries) place the
        same ops the same way, and a list of every op helps nobody."""
        if not self._soft_pending:
            return
        pending, self._soft_pending = self._soft_pending, []
        by_reason: Dict[str, List[Tuple[Any, str]]] = {}
        for op, requested, reason in pending:
            by_reason.setdefault(reason, []).append((op, requested))
        for reason, items in by_reason.items():
            if reason in self._soft_reported:
                continue
            self._soft_reported.add(reason)
            requested = sorted({r for _, r in items})
            ran_on = sorted({self._decided[op].device_name.rpartition("/device:")[2]
                             for op, _ in items if op in self._decided})
            names = [op.name for op, _ in items]
            logger.warning("Soft placement: %d op%s pinned to %s ran on %s instead (%s), e.g. "
                           "%s", len(names), "" if len(names) == 1 else "s",
                           ", ".join(requested), ", ".join(ran_on) or "another device",
                           reason, ", ".join(names[:3]) + (", ..." if len(names) > 3 else ""))

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


# --- host metadata (rule 6) -------------------------------------------------------------------
HOST_CONST_SIZE = 1024  # an int Const up to this size counts as host metadata
_INDEX_DTYPES = frozenset({"int32", "int64"})
IF_CONSUMED_AS_METADATA = "if_consumed_as_metadata"


def is_host_input(op, i: int) -> bool:
    """Whether `op`'s kernel reads input `i` in host memory (`host_inputs`, negative from the end)."""
    h = op._op_def.host_inputs
    return i in h or (i - len(op._inputs)) in h


def _small_int_const(t) -> bool:
    if t._op.type != "Const" or t.dtype.name not in _INDEX_DTYPES:
        return False
    n = t.shape.num_elements()
    return n is not None and n <= HOST_CONST_SIZE


def place_host_metadata(order: Sequence, placed: Dict[Any, Backend], host: Backend,
                        fed: Collection = (), fetched: Collection = ()) -> Dict[Any, bool]:
    """Rule 6: moves the plan's shape arithmetic to `host` (in `placed`), in one pass.

    Args:
      order: The plan's ops in a topological order.
      placed: op -> Backend, updated in place.
      host: The host (NumPy) backend.
      fed, fetched: The plan's fed and fetched tensors.

    Returns:
      The host metadata: tensor -> True, or False for a small int Const (it does not make a
      float result metadata).
    """
    meta: Dict[Any, bool] = {t: True for t in fed
                             if t.dtype.name in _INDEX_DTYPES and t.shape.ndims in (0, 1)}
    demanded: Optional[Set] = None
    for op in order:
        od = op._op_def
        outs = op._outputs
        ins = op._inputs
        ok = od.host_memory_ok
        # A loop's Merge: its NextIteration input (a back edge, placed later) is assumed to
        # follow its Enter input (the loop planner converts it at the end of an iteration).
        if ok and ins and not od.ref_inputs and all(t in meta or _small_int_const(t) or
                                                    t._op.type in NEXT_ITERATION_TYPES for t in ins) \
                and (any(meta.get(t, False) for t in ins) or
                     all(t.dtype.name in _INDEX_DTYPES for t in outs)):
            if ok == IF_CONSUMED_AS_METADATA:
                if demanded is None:
                    demanded = _read_as_metadata(order, fed, fetched)
                ok = all(t in demanded for t in outs)
            if ok:
                placed[op] = host
                for t in outs:
                    if t not in fed:
                        meta[t] = True
                continue
        h_out = od.host_outputs
        if h_out:
            for i, t in enumerate(outs):
                if i in h_out and t not in fed:
                    meta[t] = True
    return meta


def _read_as_metadata(order: Sequence, fed: Collection, fetched: Collection) -> Set:
    """Tensors of the plan that are not fetched and that every consumer reads as metadata: at a
    `host_inputs` index, or as an input of a `host_memory_ok` op whose outputs are read so."""
    consumers: Dict[Any, List[Tuple[Any, int]]] = {}
    for op in order:
        refs = op._op_def.ref_inputs
        for i, t in enumerate(op._inputs):
            if i not in refs:
                consumers.setdefault(t, []).append((op, i))
    out: Set = set()
    for op in reversed(order):
        for t in op._outputs:
            if t in fetched or t in fed:
                continue
            if all(is_host_input(c, i) or (c._op_def.host_memory_ok and
                                           all(o in out for o in c._outputs))
                   for c, i in consumers.get(t, ())):
                out.add(t)
    return out


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
           "gpu_device_name", "list_local_devices", "place_host_metadata", "is_host_input",
           "HOST_CONST_SIZE"]
