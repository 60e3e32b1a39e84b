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
  that must not depend on the thread count (`sum_slices` adds their partial sums in
  order).  NumPy releases the GIL inside its copies,
  loops and BLAS calls, so the parts run truly in parallel.
- `matmul(be, a, b)` splits a product by rows of `a`; `rows(be, fn, x, *more)` an
  in-place elementwise pass by rows of `x`; parts take small products from `part_dot`.
- During a split the calling thread is held on the CPU it runs on and the helpers run on
  the others (Linux; the caller's own affinity mask comes back when the split ends), so
  that the scheduler cannot put two parts on one core (`_hold_caller`).

The thread count is `threads.CONTROLLER.threads` (the cores other processes leave free, or
`TFGRAPH_NUM_THREADS`); outside such plans, for work under `MIN_BYTES` (a hand-off to a
sleeping thread costs tens to hundreds of microseconds), inside a part (no nested hand-offs
that could wait on each other) and on other backends (the GPU has its own parallelism, the
strict test backend checks kernels, not speed) everything runs on the calling thread.
"""
from __future__ import annotations

import ctypes
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Tuple

from .threads import CONTROLLER

# Below this many bytes touched, one thread is faster than a hand-off to another.
MIN_BYTES = 1 << 20

_pool: Optional[ThreadPoolExecutor] = None
_pool_size = 0
_pool_pid = os.getpid()
_pool_lock = threading.Lock()
_inside = threading.local()


def _load_getcpu() -> Optional[Callable[[], int]]:
    """glibc's `sched_getcpu` (the CPU the calling thread runs on), where there is one."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        fn = ctypes.CDLL(None).sched_getcpu
    except (OSError, AttributeError):
        return None
    fn.restype, fn.argtypes = ctypes.c_int, []
    return fn if fn() >= 0 else None


# Keeping the parts on different CPUs.  Each GIL hand-off between the caller and a helper
# wakes the sleeping thread, and Linux places a woken thread on its waker's CPU when it can;
# after the process sat idle (a pause between steps, the benchmark's 0.3 s before a turn)
# both threads then took turns on one core for tens of milliseconds (the CNN's first step
# after a pause: 66-68 ms against 43-48 for the next ones, the parts' CPUs logged).  So
# during a split the caller is held on the CPU it runs on (its own mask restored when the
# split ends) and a helper runs anywhere but there: first steps 48-50 ms, LeNet's steps
# 7-22% faster in runs alternated with and without.
_getcpu = _load_getcpu()
_cpus: Optional[frozenset] = None  # the process's CPUs when the pool was made


def _leave_cpu(cpu: int) -> None:
    """Lets the calling helper thread run anywhere but on `cpu` (a no-op when it already
    does): the kernel moves it at once if it is there."""
    mask = getattr(_inside, "mask", None)
    if mask is not None and cpu not in mask:
        return
    others = _cpus - {cpu} if _cpus else None
    if others:
        try:
            os.sched_setaffinity(0, others)
            _inside.mask = others
        except OSError:  # the CPUs were restricted under us (cpuset): leave it to the kernel
            _inside.mask = None


def _hold_caller() -> Tuple[int, Optional[set]]:
    """(the caller's CPU, its previous affinity mask) after holding it on that CPU for a
    split; (-1, None) where CPUs cannot be told apart."""
    if _getcpu is None or not _cpus or len(_cpus) < 2:
        return -1, None
    cpu = _getcpu()
    try:
        held = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return -1, None
    return cpu, held


def _release_caller(held: Optional[set]) -> None:
    if held is not None:
        try:
            os.sched_setaffinity(0, held)
        except OSError:
            pass


def _executor(helpers: int) -> ThreadPoolExecutor:
    global _pool, _pool_size, _pool_pid, _cpus
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
            if _getcpu is not None and _cpus is None:
                _cpus = frozenset(os.sched_getaffinity(0))
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
    cpu, held = _hold_caller()
    errors: List[BaseException] = []
    try:
        futures = [pool.submit(_part, body, bounds[i], bounds[i + 1], cpu)
                   for i in range(1, k)]
        try:
            _part(body, bounds[0], bounds[1])
        except BaseException as e:  # noqa: BLE001 - re-raised once the other parts stopped
            errors.append(e)
        for f in futures:
            try:
                f.result()
            except BaseException as e:  # noqa: BLE001
                errors.append(e)
    finally:
        _release_caller(held)
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


def sum_slices(parts: Dict[int, Any]) -> Any:
    """The sum of per-slice results keyed by their slice's start (`parallel_slices` bodies
    storing partial sums), added in slice order: the same bits on any thread count."""
    starts = sorted(parts)
    total = parts[starts[0]]
    for s in starts[1:]:
        total = total + parts[s]
    return total


def _part(body: Callable[[int, int], Any], start: int, stop: int, caller_cpu: int = -1) -> None:
    if caller_cpu >= 0:
        _leave_cpu(caller_cpu)
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
