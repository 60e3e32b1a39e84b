"""C allocator settings for training loops (glibc only).

A training step allocates the same large arrays every run (activations, gradients) and frees
them at their last use.  glibc serves blocks above its mmap threshold (128 kB, raised
dynamically up to 32 MB) with fresh `mmap`s and returns freed heap tops to the OS beyond its
trim threshold, so every step page-faults its arrays in again: on the CNN benchmark 41k minor
faults per 6 steps and ~10% of the step's CPU time.  TF1 avoids this with its own allocator.
`tune_allocator()` (called when the first Session is made) raises both thresholds so that
freed blocks are reused by the next step; the peak resident size is unchanged (the same
blocks are reused, VmHWM 147 -> 149 MB on the CNN), but up to `TRIM_MB` of freed memory may
stay mapped between steps.  `TFGRAPH_MALLOC_TUNING=0` turns it off.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

MMAP_MB = 64    # blocks below this come from the reusable heap (im2col buffers are ~40 MB)
TRIM_MB = 256   # free memory kept at the heap top before it is returned to the OS

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done = False


def tune_allocator() -> bool:
    """Raises glibc's mmap and trim thresholds once per process; True if applied."""
    global _done
    if _done:
        return False
    _done = True
    if not sys.platform.startswith("linux") or \
            os.environ.get("TFGRAPH_MALLOC_TUNING", "").strip() == "0":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_MB << 20)) and \
        bool(mallopt(_M_TRIM_THRESHOLD, TRIM_MB << 20))
