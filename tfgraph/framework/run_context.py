"""`RunContext`: what a kernel may use of the session that runs it (the `ctx` of `OpDef.kernel`).

Kernels are bound once per plan (`OpDef.kernel(be, op, ctx)`) and called every run. State
that outlives one call lives behind this interface, never in Session attributes:

- `variable_cell(var_op)`: the storage of a variable in this session (`.value`, `.set(...)`).
- `random_state(op, be, seed)`: the op's random generator, seeded once, advancing every run.
- `run_serial`: a number that changes with every run (a cache filled by one kernel is valid
  for another kernel only within the same run).
- `scratch(key, factory)`: a per-run value: the first call in a run creates it, later calls in
  the same run get it back, the next run starts empty (TF's per-step resources, e.g.
  TensorArrays).
- `blocking(wait)`: runs a waiting kernel's `wait()` outside the session's run lock (queues).
- `resource(key, factory)`: a per-session value, created once on first use and kept until
  the session closes, when its `close()` method, if any, is called (TF's resource manager:
  iterators, queues, kernel-shared buffers). Keys are any hashable (an iterator's op, or a
  tuple starting with your module's name).

`Session` implements it; tests may pass a small fake.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Hashable, Optional


class RunContext:
    """The interface above, with a working implementation of the generic stores.

    Subclasses (the `Session`) provide `variable_cell` and `random_state` and bump
    `_run_serial` once per run.
    """

    _run_serial: int = 0

    def _init_run_context(self) -> None:
        self._run_serial = 0
        self._resources: Dict[Hashable, Any] = {}
        self._scratch: Dict[Hashable, Any] = {}
        self._scratch_serial: Optional[int] = None
        self._resource_lock = threading.Lock()

    def variable_cell(self, var_op: Any) -> Any:
        """The storage of variable op `var_op` in this session (created empty on first use)."""
        raise NotImplementedError

    def random_state(self, op: Any, be: Any, seed: Optional[int]) -> Any:
        """The random generator of `op` on backend `be`: seeded once, advancing every run."""
        raise NotImplementedError

    @property
    def run_serial(self) -> int:
        """Changes with every run of the session (equal values: the same run)."""
        return self._run_serial

    def resource(self, key: Hashable, factory: Callable[[], Any]) -> Any:
        """The per-session value for `key`, made by `factory()` (not None) on first use.

        Values with a `close()` method are closed with the session.

        Raises:
          RuntimeError: If the session is closed.
        """
        value = self._resources.get(key)
        if value is None:
            with self._resource_lock:
                value = self._resources.get(key)
                if value is None:
                    if getattr(self, "_closed", False):
                        raise RuntimeError("Attempted to use a closed Session.")
                    value = self._resources[key] = factory()
        return value

    def blocking(self, wait: Callable[[], Any]) -> Any:
        """Runs `wait()` -- a kernel waiting for another thread (a queue's dequeue waiting for
        an enqueue) -- with the session's run lock released, so that other threads' runs go
        on meanwhile; the lock is taken back before the kernel continues."""
        lock = getattr(self, "_lock", None)
        if lock is None or not lock.locked():
            return wait()
        lock.release()
        try:
            return wait()
        finally:
            lock.acquire()

    def scratch(self, key: Hashable, factory: Callable[[], Any]) -> Any:
        """The value for `key` in the current run, made by `factory()` (not None) on first use
        in a run."""
        with self._resource_lock:
            if self._scratch_serial != self._run_serial:
                self._scratch = {}
                self._scratch_serial = self._run_serial
            value = self._scratch.get(key)
            if value is None:
                value = self._scratch[key] = factory()
            return value

    def _clear_run_context(self) -> None:
        """Drops every resource and scratch value, closing resources that have `close()`
        (the session closes: stops prefetch / queue-runner threads, wakes blocked dequeues)."""
        with self._resource_lock:
            resources, self._resources = list(self._resources.values()), {}
            self._scratch = {}
            self._scratch_serial = None
        for r in resources:
            close = getattr(r, "close", None)
            if close is not None:
                close()
