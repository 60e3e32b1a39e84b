"""The run-time side of `tf.data`: an initialized iterator's state in a session.

`Runtime` holds what a dataset's Python iterators need while they run: the values of the
graph tensors the dataset depends on (computed by the session when the iterator was
initialized), per-dataset state (shuffle seeds, caches), the function runners, and the
threads to stop (prefetch, parallel map). `close()` stops every thread and frees the
function sessions; the session closes it on re-initialization and on `Session.close()`.
"""
from __future__ import annotations

import itertools
import queue
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterator, List, Optional

from ..framework.graph import Tensor
from .function import Function, FunctionRunner


class Runtime:
    def __init__(self, values: Dict[Tensor, Any], parent: Optional["Runtime"] = None):
        self.values = values
        self.parent = parent
        self.root: Runtime = parent.root if parent is not None else self
        self.state: Dict[Any, Any] = {}
        if parent is None:
            self._runners: Dict[int, FunctionRunner] = {}
            self._closers: List[Callable[[], None]] = []
            self._lock = threading.Lock()
            self.closed = threading.Event()

    def value(self, t: Tensor) -> Any:
        rt: Optional[Runtime] = self
        while rt is not None:
            v = rt.values.get(t, _MISSING)
            if v is not _MISSING:
                return v
            rt = rt.parent
        raise KeyError(f"no value for tensor {t.name} in the dataset's run-time state")

    def child(self, values: Dict[Tensor, Any]) -> "Runtime":
        return Runtime(values, parent=self)

    def runner(self, func: Function) -> FunctionRunner:
        root = self.root
        with root._lock:
            r = root._runners.get(id(func))
            if r is None:
                r = FunctionRunner(func)
                root._runners[id(func)] = r
            return r

    def call(self, func: Function, flat_args: List[Any]) -> List[Any]:
        """Runs `func` on one element's components; returns its flat outputs (fetched)."""
        caps = [self.value(t) for t in func.capture_sources]
        return self.runner(func)(flat_args, caps)

    def on_close(self, fn: Callable[[], None]) -> None:
        root = self.root
        with root._lock:
            if root.closed.is_set():
                fn()
                return
            root._closers.append(fn)

    def close(self) -> None:
        root = self.root
        with root._lock:
            if root.closed.is_set():
                return
            root.closed.set()
            closers, root._closers = root._closers, []
            runners, root._runners = list(root._runners.values()), {}
        for fn in reversed(closers):
            fn()
        for r in runners:
            r.close()


_MISSING = object()


class Prefetcher:
    """Pulls elements of `source` into a bounded queue from a background thread."""

    def __init__(self, source: Iterator, size: int, rt: Runtime):
        self._q: "queue.Queue" = queue.Queue(maxsize=max(1, size))
        self._stop = threading.Event()
        self._source = source
        self._done = False
        self._thread = threading.Thread(target=self._run, name="tfgraph-prefetch", daemon=True)
        rt.on_close(self.close)
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for x in self._source:
                if not self._put(("v", x)):
                    return
            self._put(("end", None))
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            self._put(("err", e))
        finally:
            close = getattr(self._source, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001
                    pass

    def __iter__(self) -> "Prefetcher":
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        while True:
            try:
                kind, x = self._q.get(timeout=0.1)
                break
            except queue.Empty:
                if self._stop.is_set() or not self._thread.is_alive() and self._q.empty():
                    self._done = True
                    raise StopIteration from None
        if kind == "v":
            return x
        self._done = True
        if kind == "err":
            raise x
        raise StopIteration

    def close(self) -> None:
        self._stop.set()
        while True:  # unblock a producer waiting on a full queue
            try:
                self._q.get_nowait()
            except queue.Empty:
                break
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)


def parallel_map(source: Iterator, fn: Callable[[Any], Any], workers: int, rt: Runtime,
                 chunk: int = 8) -> Iterator:
    """`fn` over `source` on `workers` threads, results in input order. Elements go to the
    threads `chunk` at a time, so the hand-over cost is paid per chunk, not per element."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tfgraph-map")
    rt.on_close(lambda: pool.shutdown(wait=True, cancel_futures=True))

    def run(items):
        return [fn(x) for x in items]

    window: deque = deque()
    try:
        while True:
            items = list(itertools.islice(source, chunk))
            if items:
                window.append(pool.submit(run, items))
            if window and (len(window) >= 2 * workers or not items):
                yield from window.popleft().result()
            if not items and not window:
                return
    finally:
        for f in window:
            f.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
