"""tfgraph's own kernel threads: the batch of a convolutional plan's kernels split over them.

BLAS spreads matrix products over the cores; everything between the products (window copies,
strided gradient adds, pooling, bias and activation passes: a third of a convolutional net's
step) ran on one core.  Threading it as well only pays without BLAS threads: OpenBLAS's idle
threads spin for about 0.1 s after every product, on the very core the split work needs.  So
a plan holding an op declared `batch_parallel` runs with BLAS at one thread
(`threads.ThreadController.use_own_threads`) and its kernels split their work here:

- `parallel_for(be, n, body, nbytes)` runs `body(start, stop)` on one contiguous part of the
  batch range [0, n) per thread, the calling thread taking the first part; bodies write
  disjoint memory.  `parallel_slices` calls the body on fixed slices instead, for results
  that must not depend on the thread count.  NumPy releases the GIL inside its copies,
  loops and BLAS calls, so the parts run truly in parallel.
- `matmul(be, a, b)` splits a product by rows of `a`; `rows(be, fn, x, *more)` an
  in-place elementwise pass by rows of `x`; parts take small products from `part_dot`.

The thread count is `threads.CONTROLLER.threads` (the cores other processes leave free, or
`TFGRAPH_NUM_THREADS`); outside such plans, for work under `MIN_BYTES` (a hand-off to a
sleeping thread costs tens to hundreds of microseconds), inside a part (no nested hand-offs
that could wait on each other) and on other backends (the GPU has its own parallelism, the
strict test backend checks kernels, not speed) everything runs on the calling thread.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, List, Optional

from .threads import CONTROLLER

# Below this many bytes touched, one thread is faster than a hand-off to another.
MIN_BYTES = 1 << 20

_pool: Optional[ThreadPoolExecutor] = None
_pool_size = 0
_pool_pid = os.getpid()
_pool_lock = threading.Lock()
_inside = threading.local()


def _executor(helpers: int) -> ThreadPoolExecutor:
    global _pool, _pool_size, _pool_pid
    with _pool_lock:
        if _pool_pid != os.getpid():
            # a forked child inherits the pool object but not its threads: parts handed to
            # it would never run, so the child makes its own
            _pool, _pool_size, _pool_pid = None, 0, os.getpid()
        if _pool is None or _pool_size < helpers:
            if _pool is not None:
                _pool.shutdown(wait=False)  # its idle threads end; queued parts still run
            _pool = ThreadPoolExecutor(max_workers=helpers, thread_name_prefix="tfgraph-kernel")
            _pool_size = helpers
        return _pool


def threads_for(be: Any, nbytes: int) -> int:
    """How many threads `parallel_for` would use for work touching `nbytes` on `be`."""
    if not CONTROLLER.own_threads or be.name != "numpy" or nbytes < MIN_BYTES or \
            getattr(_inside, "active", False):
        return 1
    return CONTROLLER.threads


def parallel_for(be: Any, n: int, body: Callable[[int, int], Any], nbytes: int) -> None:
    """Runs `body(start, stop)` over contiguous parts of [0, n), one per thread.

    Args:
      be: The kernel's backend (only "numpy" is split).
      n: The length of the range (usually the batch size).
      body: Does the work of [start, stop); its return value is ignored.  Parts must write
        disjoint memory.
      nbytes: About how many bytes the whole work reads and writes (decides whether a split
        pays).

    Raises whatever a part raised (the first part's exception first), after all parts ended.
    """
    k = min(threads_for(be, nbytes), n)
    if k < 2:
        body(0, n)
        return
    bounds = [n * i // k for i in range(k + 1)]
    pool = _executor(k - 1)
    futures = [pool.submit(_part, body, bounds[i], bounds[i + 1]) for i in range(1, k)]
    errors: List[BaseException] = []
    try:
        _part(body, bounds[0], bounds[1])
    except BaseException as e:  # noqa: BLE001 - re-raised once the other parts stopped
        errors.append(e)
    for f in futures:
        try:
            f.result()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
    if errors:
        raise errors[0]


def parallel_slices(be: Any, n: int, body: Callable[[int, int], Any], nbytes: int,
                    slices: int = 8) -> None:
    """Runs `body(start, stop)` once for each of `slices` fixed contiguous slices of [0, n),
    the slices shared out over tfgraph's threads.

    What each call sees does not depend on how many threads ran: a kernel that sums
    per-call results (the convolution filter gradient) gives the same bits on one thread
    or two, loaded machine or idle.  Other backends take the range in one call.
    """
    m = max(1, min(slices, n)) if be.name == "numpy" else 1
    bounds = [n * i // m for i in range(m + 1)]

    def run(a: int, b: int) -> None:
        for i in range(a, b):
            body(bounds[i], bounds[i + 1])
    parallel_for(be, m, run, nbytes)


def _part(body: Callable[[int, int], Any], start: int, stop: int) -> None:
    _inside.active = True
    try:
        body(start, stop)
    finally:
        _inside.active = False


def part_dot(xp: Any, a: Any, b: Any) -> Any:
    """`a @ b` for a 1-D or 2-D `a` and a 2-D `b`, for use inside parts: NumPy's matmul
    keeps the GIL when the product has at most 500 elements, so parts computing small
    products (a filter gradient's 25x6 slice sums, per-channel sums of narrow images) ran
    one at a time; `dot` releases it around every BLAS call (LeNet's first filter
    gradient: 1.5 -> 0.9 ms on 2 threads)."""
    return xp.dot(a, b)


# Products under this many multiply-adds stay whole (a hand-off costs about as much).
MIN_MATMUL_MACS = 1 << 22


def matmul(be: Any, a: Any, b: Any) -> Any:
    """`a @ b` for 2-D operands; while tfgraph's own threads are in use (BLAS then runs on
    one thread, see `ThreadController.use_own_threads`), big products are split by rows of
    `a` over them."""
    xp = be.xp
    m = a.shape[0] if a.ndim == 2 else 0
    if not CONTROLLER.own_threads or be.name != "numpy" or b.ndim != 2 or m < 32 or \
            m * a.shape[1] * b.shape[1] < MIN_MATMUL_MACS:
        return xp.matmul(a, b)
    out = xp.empty((m, b.shape[1]), dtype=xp.result_type(a.dtype, b.dtype))
    parallel_for(be, m, lambda s, e: xp.matmul(a[s:e], b, out=out[s:e]), 1 << 30)
    return out


def rows(be: Any, fn: Callable[..., Any], x: Any, *more: Any) -> Any:
    """Runs the in-place elementwise `fn(x, *more)` over row blocks of `x` and of the
    same-shaped `more` (their first axis) on tfgraph's threads when they are in use and `x`
    is big, else once on the whole arrays; returns `x`."""
    if x.ndim == 0 or threads_for(be, 2 * x.nbytes) < 2:
        fn(x, *more)
        return x
    parallel_for(be, x.shape[0], lambda s, e: fn(x[s:e], *(m[s:e] for m in more)),
                 2 * x.nbytes)
    return x
