"""The work-buffer pool of the CPU/GPU kernels: scratch arrays (im2col matrices, zero-bordered
padded inputs, optimizer temporaries) borrowed for one kernel call and reused across runs.

Allocating a fresh 40 MB buffer costs as much as filling it (page faults), so reusing them
is a large part of the convolutions' speed; optimizer updates borrow their temporaries here
instead of allocating one per term.
"""
from __future__ import annotations

import collections
import contextlib
import threading
from typing import Any, Iterator, List, Tuple

import numpy as np


class WorkspacePool:
    """Reusable scratch arrays keyed by (backend, purpose, shape, dtype), least recently used
    evicted beyond `max_bytes`.

    A kernel borrows a buffer for the duration of one call and gives it back; concurrent runs
    of the same plan simply get different buffers.  Buffers tagged as padded inputs keep their
    border (zeros, or the -inf of max pooling) between uses because only the interior is
    rewritten; the tag names the fill value.
    """

    def __init__(self, max_bytes: int = 768 << 20):
        self.max_bytes = max_bytes
        self._free: "collections.OrderedDict[tuple, List[Any]]" = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def borrow(self, be, tag: str, shape: Tuple[int, ...], dtype: Any,
               zeroed: bool = False, fill: Any = None) -> Iterator[Any]:
        """Yields an array of `shape`/`dtype` (contents undefined unless `zeroed` or `fill`
        is given, in which case a new buffer starts filled with 0 or `fill` and a reused one
        is returned as its last user left it)."""
        key, buf = self.take(be, tag, shape, dtype, zeroed, fill)
        try:
            yield buf
        finally:
            self.give(key, buf)

    def take(self, be, tag: str, shape: Tuple[int, ...], dtype: Any,
             zeroed: bool = False, fill: Any = None) -> Tuple[tuple, Any]:
        """`(key, buffer)`: a pooled buffer (or a new one) owned by the caller until `give`."""
        key = (be.name, tag, tuple(shape), np.dtype(dtype).str)
        buf = None
        with self._lock:
            lst = self._free.get(key)
            if lst:
                buf = lst.pop()
                self._bytes -= buf.nbytes
                if not lst:  # no empty lists kept: eviction takes the first key's oldest
                    del self._free[key]
        if buf is None:
            if fill is not None:
                buf = be.xp.full(shape, fill, dtype)
            else:
                buf = be.xp.zeros(shape, dtype) if zeroed else be.xp.empty(shape, dtype)
        return key, buf

    def give(self, key: tuple, buf: Any) -> None:
        """Returns a buffer obtained from `take` to the pool."""
        if buf.nbytes > self.max_bytes:
            return
        with self._lock:
            self._free.setdefault(key, []).append(buf)
            self._free.move_to_end(key)
            self._bytes += buf.nbytes
            while self._bytes > self.max_bytes and self._free:
                k, lst = next(iter(self._free.items()))
                old = lst.pop(0)
                self._bytes -= old.nbytes
                if not lst:
                    del self._free[k]

    def clear(self) -> None:
        """Drops every pooled buffer."""
        with self._lock:
            self._free.clear()
            self._bytes = 0


WORKSPACE = WorkspacePool()
