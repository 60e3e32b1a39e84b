"""`tf.train.Coordinator`: lets threads stop together and report the first exception."""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from typing import Iterator, Optional, Sequence

from ..framework import errors


class Coordinator:
    """A coordinator for threads (`tf.train.Coordinator`).

    Threads loop `while not coord.should_stop(): ...`; any of them may `request_stop(e)`;
    `join(threads)` waits for them and re-raises the exception passed to `request_stop`
    (`OutOfRangeError`, the normal end of input, is a clean stop and is not re-raised).

    Args:
      clean_stop_exception_types: Exception types that mean a clean stop.
    """

    def __init__(self, clean_stop_exception_types: Optional[Sequence[type]] = None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info = None
        self._joined = False
        self._registered_threads: set = set()

    def _filter_exception(self, ex):
        ex2 = ex[1] if isinstance(ex, tuple) else ex
        if isinstance(ex2, self._clean_stop_exception_types):
            return None
        return ex

    def request_stop(self, ex=None) -> None:
        """Asks all threads to stop; `ex` (an exception or exc_info) is re-raised by `join`."""
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined:
                if isinstance(ex, tuple):
                    raise ex[1].with_traceback(ex[2])
                if ex is not None:
                    raise ex
            if not self._stop_event.is_set():
                if ex is not None and self._exc_info is None:
                    if isinstance(ex, tuple):
                        self._exc_info = ex
                    else:
                        self._exc_info = (type(ex), ex, ex.__traceback__)
                self._stop_event.set()

    def clear_stop(self) -> None:
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop_event.clear()

    def should_stop(self) -> bool:
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self) -> Iterator[None]:
        """`with coord.stop_on_exception():` requests a stop with any exception raised inside."""
        try:
            yield
        except Exception:  # noqa: BLE001
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout: Optional[float] = None) -> bool:
        return self._stop_event.wait(timeout)

    def register_thread(self, thread: threading.Thread) -> None:
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads: Optional[Sequence[threading.Thread]] = None,
             stop_grace_period_secs: float = 120, ignore_live_threads: bool = False) -> None:
        """Waits for `threads` (and registered ones) to end after a stop was requested.

        Raises:
          RuntimeError: If threads are still alive `stop_grace_period_secs` after the stop
            request (unless `ignore_live_threads`).
          The exception passed to `request_stop`, if any.
        """
        threads = set(threads or []) | self._registered_threads
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(0.1):
            pass
        deadline = time.time() + stop_grace_period_secs
        for t in threads:
            t.join(max(0.0, deadline - time.time()))
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info:
                _, value, tb = self._exc_info
                raise value.with_traceback(tb)
        if stragglers and not ignore_live_threads:
            raise RuntimeError(f"Coordinator stopped with threads still running: "
                               f"{' '.join(stragglers)}")

    @property
    def joined(self) -> bool:
        return self._joined

    def raise_requested_exception(self) -> None:
        with self._lock:
            if self._exc_info:
                _, value, tb = self._exc_info
                raise value.with_traceback(tb)


class LooperThread(threading.Thread):
    """A thread that runs `target(*args)` every `timer_interval_secs` until the coordinator
    stops (`tf.train.LooperThread`)."""

    def __init__(self, coord: Coordinator, timer_interval_secs: Optional[float], target=None,
                 args=None, kwargs=None):
        super().__init__(daemon=True)
        self._coord = coord
        self._interval = timer_interval_secs
        self._target_fn = target
        self._args = args or ()
        self._kwargs = kwargs or {}
        coord.register_thread(self)

    def run(self) -> None:
        with self._coord.stop_on_exception():
            while not self._coord.should_stop():
                self.run_loop()
                if self._interval is None:
                    continue
                if self._coord.wait_for_stop(self._interval):
                    break

    def run_loop(self) -> None:
        if self._target_fn:
            self._target_fn(*self._args, **self._kwargs)


__all__ = ["Coordinator", "LooperThread"]
