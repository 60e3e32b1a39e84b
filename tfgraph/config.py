"""`tf.ConfigProto` / `tf.GPUOptions`: the session options tfgraph honours (placement, logging)."""
from __future__ import annotations

from typing import Dict, Optional


class GPUOptions:
    """Accepted for compatibility (`allow_growth`, `per_process_gpu_memory_fraction`, ...)."""

    def __init__(self, allow_growth: bool = False, per_process_gpu_memory_fraction: float = 0.0,
                 visible_device_list: str = "", **kwargs):
        self.allow_growth = allow_growth
        self.per_process_gpu_memory_fraction = per_process_gpu_memory_fraction
        self.visible_device_list = visible_device_list
        self.__dict__.update(kwargs)


class ConfigProto:
    """Session configuration, with TF1's field names.

    Args:
      device_count: e.g. `{'GPU': 0}` to force the CPU, `{'GPU': 1}` to allow one GPU.
      allow_soft_placement: Run ops pinned to a missing device on the CPU instead of failing.
      log_device_placement: Print each op's device once per compiled plan.
      gpu_options: A `GPUOptions` (accepted, not used).
      intra_op_parallelism_threads, inter_op_parallelism_threads: Accepted, not used.
    """

    def __init__(self, device_count: Optional[Dict[str, int]] = None,
                 allow_soft_placement: bool = False, log_device_placement: bool = False,
                 gpu_options: Optional[GPUOptions] = None, intra_op_parallelism_threads: int = 0,
                 inter_op_parallelism_threads: int = 0, **kwargs):
        self.device_count = dict(device_count or {})
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        self.gpu_options = gpu_options or GPUOptions()
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.__dict__.update(kwargs)
