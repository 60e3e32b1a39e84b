"""`tf.ConfigProto` / `tf.GPUOptions`: the session options tfgraph honours (placement, logging).

Honoured (see `tfgraph.placement`):

* `device_count={'GPU': 0}`: the session sees no GPU (everything runs on the CPU; ops pinned
  to a GPU need `allow_soft_placement`).
* `allow_soft_placement=True`: ops pinned to a device that does not exist run on the CPU.
* `log_device_placement=True`: each op's device is printed (stderr) once per compiled plan.
* `gpu_options.per_process_gpu_memory_fraction`: caps CuPy's memory pool.

The other TF1 fields are accepted and stored, so TF1 scripts run unchanged; an unknown field
raises `ValueError`, as TF1's protocol buffers do.
"""
from __future__ import annotations

from typing import Any, Dict, Optional


class _AnyOptions:
    """A TF1 options message tfgraph does not use: any field can be set and read back."""

    def __init__(self, **fields: Any):
        self.__dict__.update(fields)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        sub = _AnyOptions()  # nested messages: config.graph_options.optimizer_options.x = ...
        self.__dict__[name] = sub
        return sub

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__dict__!r})"


def _check_fields(message: str, known: frozenset, kwargs: Dict[str, Any]) -> None:
    for k in kwargs:
        if k not in known:
            raise ValueError(f'Protocol message {message} has no "{k}" field.')


class GPUOptions:
    """GPU options of a session (`tf.GPUOptions`), with TF1's field names.

    Args:
      per_process_gpu_memory_fraction: When in (0, 1], caps the GPU memory the session's
        CuPy memory pool may hold to this fraction of the device's memory.
      allow_growth: Accepted (CuPy's memory pool always grows on demand).
      visible_device_list: Accepted; choose the GPU with `CUDA_VISIBLE_DEVICES` instead.
      **kwargs: Other TF1 `GPUOptions` fields (`allocator_type`, `force_gpu_compatible`, ...),
        accepted and stored.

    Raises:
      ValueError: For a field TF1's `GPUOptions` does not have.
    """

    _FIELDS = frozenset({"per_process_gpu_memory_fraction", "allow_growth", "allocator_type",
                         "deferred_deletion_bytes", "visible_device_list",
                         "polling_active_delay_usecs", "polling_inactive_delay_msecs",
                         "force_gpu_compatible", "experimental"})

    def __init__(self, per_process_gpu_memory_fraction: float = 0.0, allow_growth: bool = False,
                 visible_device_list: str = "", **kwargs: Any):
        _check_fields("GPUOptions", self._FIELDS, kwargs)
        self.per_process_gpu_memory_fraction = float(per_process_gpu_memory_fraction)
        self.allow_growth = bool(allow_growth)
        self.visible_device_list = visible_device_list
        self.allocator_type = kwargs.pop("allocator_type", "")
        self.force_gpu_compatible = bool(kwargs.pop("force_gpu_compatible", False))
        self.experimental = kwargs.pop("experimental", None) or _AnyOptions()
        self.__dict__.update(kwargs)

    def __repr__(self) -> str:
        return (f"GPUOptions(per_process_gpu_memory_fraction="
                f"{self.per_process_gpu_memory_fraction}, allow_growth={self.allow_growth}, "
                f"visible_device_list={self.visible_device_list!r})")


class ConfigProto:
    """Session configuration (`tf.ConfigProto`), with TF1's field names.

    Args:
      device_count: Maximum number of devices of each type, e.g. `{'GPU': 0}` to force the
        CPU. Types not listed are unlimited. Keys are matched case-insensitively.
      allow_soft_placement: Run ops pinned to a device that does not exist (a GPU on a machine
        without one, "/gpu:1" with one GPU) on an available device instead of raising
        `tf.errors.InvalidArgumentError`.
      log_device_placement: Print each op's device once per compiled plan, to stderr, as
        "name: (Type): /job:localhost/replica:0/task:0/device:CPU:0".
      gpu_options: A `GPUOptions`.
      intra_op_parallelism_threads, inter_op_parallelism_threads: Accepted, not used.
      **kwargs: Other TF1 `ConfigProto` fields (`graph_options`, `operation_timeout_in_ms`,
        ...), accepted and stored.

    Raises:
      ValueError: For a field TF1's `ConfigProto` does not have.
    """

    _FIELDS = frozenset({"use_per_session_threads", "session_inter_op_thread_pool",
                         "placement_period", "device_filters", "graph_options",
                         "operation_timeout_in_ms", "rpc_options", "cluster_def",
                         "isolate_session_state", "share_cluster_devices_in_session",
                         "experimental"})

    def __init__(self, device_count: Optional[Dict[str, int]] = None,
                 allow_soft_placement: bool = False, log_device_placement: bool = False,
                 gpu_options: Optional[GPUOptions] = None, intra_op_parallelism_threads: int = 0,
                 inter_op_parallelism_threads: int = 0, **kwargs: Any):
        _check_fields("ConfigProto", self._FIELDS, kwargs)
        self.device_count: Dict[str, int] = {str(k): int(v)
                                             for k, v in (device_count or {}).items()}
        self.allow_soft_placement = bool(allow_soft_placement)
        self.log_device_placement = bool(log_device_placement)
        self.gpu_options = gpu_options if gpu_options is not None else GPUOptions()
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.graph_options = kwargs.pop("graph_options", None) or _AnyOptions()
        self.experimental = kwargs.pop("experimental", None) or _AnyOptions()
        self.operation_timeout_in_ms = kwargs.pop("operation_timeout_in_ms", 0)
        self.device_filters = list(kwargs.pop("device_filters", ()))
        self.__dict__.update(kwargs)

    def max_devices(self, device_type: str) -> Optional[int]:
        """The `device_count` limit for `device_type` ("GPU", "CPU"), or None when unlimited."""
        want = device_type.upper()
        for k, v in self.device_count.items():
            if k.upper() == want:
                return v
        return None

    def __repr__(self) -> str:
        parts = []
        if self.device_count:
            parts.append(f"device_count={self.device_count!r}")
        if self.allow_soft_placement:
            parts.append("allow_soft_placement=True")
        if self.log_device_placement:
            parts.append("log_device_placement=True")
        if self.gpu_options.per_process_gpu_memory_fraction or self.gpu_options.allow_growth:
            parts.append(f"gpu_options={self.gpu_options!r}")
        return f"ConfigProto({', '.join(parts)})"


__all__ = ["ConfigProto", "GPUOptions"]
