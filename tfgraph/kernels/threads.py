"""How many threads the CPU kernels use.

NumPy's BLAS (OpenBLAS, or MKL) runs matrix products on as many threads as the machine has
cores.  When another process keeps a core busy, those threads compete with it: a product
split in two waits for its slower half, and OpenBLAS's idle threads spin for a while after
each call, taking time from everyone (measured on 2 cores with one busy-loop process:
training steps 3-10x slower with 2 BLAS threads, 1.0-1.6x with 1).  TF1 has the same
problem to a lesser degree (its own thread pool, about 2x).

`ThreadController` sizes the BLAS pool to the cores other processes leave free.  Every
`Session.run` calls `tick()`, which costs one clock read; at most every `sample` seconds it
reads the machine's busy time (/proc/stat, ~20 us) and this process's CPU time: others' load
= machine busy - ours.  Only samples in which this process kept at least `active` of a core
busy count: a program that runs in bursts with pauses between them (a benchmark taking turns
with other programs, an interactive session) must not judge the cores by what others did
while it paused.  Once the counted samples add up to `first_window` seconds (then `window`,
and `first_window` again after a change), their mean load decides the pool size; it changes
(via threadpoolctl) only when the free cores cross a threshold, with hysteresis so that it
does not flap.  Where /proc/stat or threadpoolctl is missing nothing is changed.
`TFGRAPH_NUM_THREADS=N` fixes the pool at N threads (no adaptation); `TFGRAPH_NUM_THREADS=0`
leaves the BLAS library alone.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Any, Optional, Tuple

_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _machine_busy_seconds() -> Optional[float]:
    """Core-seconds all processes have been busy since boot (None without /proc/stat)."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != b"cpu":
        return None
    v = [int(x) for x in fields[1:]]
    # user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
    busy = v[0] + v[1] + v[2] + sum(v[5:8])
    return busy / _CLK_TCK


# CPU seconds of all this process's threads (precise, unlike os.times' clock ticks)
_own_cpu_seconds = time.process_time


class ThreadController:
    """Keeps the BLAS thread pool at the number of cores other processes leave free."""

    def __init__(self, window: float = 0.5, first_window: float = 0.1, sample: float = 0.05,
                 active: float = 0.8):
        self.ncpu = _cpu_count()
        self.window = window
        self.first_window = first_window
        self.sample = sample
        self.active = active
        env = os.environ.get("TFGRAPH_NUM_THREADS", "").strip()
        self.fixed: Optional[int] = int(env) if env.isdigit() else None
        self.threads: int = self.ncpu if not self.fixed else min(self.fixed, self.ncpu)
        self.others: Optional[float] = None  # cores busy with other processes, last decision
        self._sample: Optional[Tuple[float, float, float]] = None  # (wall, busy, own) at start
        self._counted_wall = 0.0    # working seconds summed since the last decision
        self._counted_others = 0.0  # others' core-seconds during them
        self._decided = False       # the first decision comes after first_window, then window
        self._next = 0.0
        self._lock = threading.Lock()
        self._blas: Any = None  # threadpoolctl controller, made on first change
        self._blas_failed = False  # threadpoolctl missing or refused: BLAS left alone
        # True while the runs use tfgraph's own threads (kernels/parallel.py) and BLAS is
        # held at one thread: OpenBLAS's idle threads spin ~0.1 s after each product, on the
        # very cores the batch-parallel kernels need
        self.own_threads = False
        self.enabled = self.ncpu > 1 and self.fixed != 0 and _machine_busy_seconds() is not None
        if self.fixed:
            self._apply(self.threads)

    def tick(self, own_threads: Optional[bool] = None) -> None:
        """Called once per run with its plan's wish (`use_own_threads`; None: either):
        switches the mode when it differs, takes a sample when `sample` seconds passed."""
        if own_threads is not self.own_threads and own_threads is not None:
            self.use_own_threads(own_threads)
        if self.enabled and time.monotonic() >= self._next:
            self._update()

    def _update(self) -> None:
        if not self._lock.acquire(blocking=False):
            return
        try:
            now = time.monotonic()
            busy, own = _machine_busy_seconds(), _own_cpu_seconds()
            prev = self._sample
            self._sample = (now, busy, own)
            self._next = now + self.sample
            if prev is None or self.fixed:
                return
            wall, used = now - prev[0], own - prev[2]
            if wall <= 0 or used < self.active * wall:
                return  # this process paused or waited: the sample says nothing about its runs
            self._counted_wall += wall
            self._counted_others += max(0.0, (busy - prev[1]) - used)
            if self._counted_wall < (self.window if self._decided else self.first_window):
                return
            others = self._counted_others / self._counted_wall
            self._counted_wall = self._counted_others = 0.0
            self._decided = True
            self.others = others
            free = self.ncpu - others
            want = self.threads
            # hysteresis: grow when a whole core is clearly free, shrink when one is clearly not
            if free >= want + 0.8:
                want = min(self.ncpu, int(free + 0.2))
            elif free < want - 0.4:
                # at least one thread fewer: the threshold said a core is not clearly free
                want = max(1, min(want - 1, int(free + 0.6)))
            if want != self.threads:
                self._apply(want)
                self._decided = False  # judge the new size soon: a wrong one costs up to 2x
        finally:
            self._lock.release()

    def use_own_threads(self, on: bool) -> None:
        """Switches between BLAS threading (`threads` BLAS threads) and tfgraph's own
        batch-parallel kernels (BLAS at one thread, `threads` threads of kernels/parallel)."""
        with self._lock:
            if on == self.own_threads:
                return
            if on and (self._blas_failed or (not self.enabled and not self.fixed)):
                return  # BLAS left alone (TFGRAPH_NUM_THREADS=0, no threadpoolctl): no split
            self.own_threads = on
            self._apply(self.threads)

    def _apply(self, n: int) -> None:
        try:
            if self._blas is None:
                from threadpoolctl import ThreadpoolController
                self._blas = ThreadpoolController()
            self._blas.limit(limits=1 if self.own_threads else n, user_api="blas")
        except Exception:  # noqa: BLE001 - no threadpoolctl / unsupported BLAS: leave it
            self.enabled = False
            self.own_threads = False
            self._blas_failed = True
            return
        self.threads = n


CONTROLLER = ThreadController()
