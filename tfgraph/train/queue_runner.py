"""`tf.train.QueueRunner`, `add_queue_runner`, `start_queue_runners`: threads that keep
queues filled by running their enqueue ops.

Each enqueue op gets a thread looping `sess.run(enqueue_op)` until the coordinator stops, the
input ends (`OutOfRangeError`: the last runner of a queue then closes it, so consumers drain
it and see `OutOfRangeError`), the queue is closed, or the session closes. Threads are daemons
and also end when their session closes, so none is left behind.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, List, Optional, Sequence

from ..framework import errors
from ..framework.graph import get_default_graph
from ..framework.graph_keys import GraphKeys


class QueueRunner:
    """Holds a queue and the ops that fill it (`tf.train.QueueRunner`).

    Args:
      queue: A `tf.FIFOQueue` (or other queue).
      enqueue_ops: Enqueue ops; one thread runs each.
      close_op: Op closing the queue (default `queue.close()`).
      cancel_op: Op closing it and cancelling pending enqueues (default
        `queue.close(cancel_pending_enqueues=True)`).
      queue_closed_exception_types: Errors that end a thread quietly.
    """

    def __init__(self, queue: Any = None, enqueue_ops: Optional[Sequence[Any]] = None,
                 close_op: Any = None, cancel_op: Any = None,
                 queue_closed_exception_types: Optional[Sequence[type]] = None):
        if queue is None or not enqueue_ops:
            raise ValueError("QueueRunner needs a queue and enqueue ops")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else \
            queue.close(cancel_pending_enqueues=True)
        self._exc_types = tuple(queue_closed_exception_types or
                                (errors.OutOfRangeError, errors.CancelledError))
        self._lock = threading.Lock()
        self._runs_per_session: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
        self._exceptions_raised: List[BaseException] = []

    @property
    def queue(self):
        return self._queue

    @property
    def enqueue_ops(self):
        return self._enqueue_ops

    @property
    def close_op(self):
        return self._close_op

    @property
    def cancel_op(self):
        return self._cancel_op

    @property
    def name(self) -> str:
        return self._queue.name

    @property
    def exceptions_raised(self) -> List[BaseException]:
        return self._exceptions_raised

    def _run(self, sess, enqueue_op, coord) -> None:
        decremented = False
        try:
            while True:
                if coord is not None and coord.should_stop():
                    break
                if getattr(sess, "_closed", False):
                    break
                try:
                    sess.run(enqueue_op)
                except self._exc_types:
                    with self._lock:
                        self._runs_per_session[sess] -= 1
                        decremented = True
                        if self._runs_per_session[sess] == 0:
                            try:
                                sess.run(self._close_op)
                            except Exception:  # noqa: BLE001 - the session may be closing
                                pass
                    return
        except RuntimeError as e:
            if "closed Session" not in str(e):  # the session closed under us: just end
                self._report(e, coord)
        except Exception as e:  # noqa: BLE001
            self._report(e, coord)
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] = self._runs_per_session.get(sess, 1) - 1

    def _report(self, e: BaseException, coord) -> None:
        with self._lock:
            self._exceptions_raised.append(e)
        if coord is not None:
            coord.request_stop(e)
        else:
            raise e

    def _close_on_stop(self, sess, coord) -> None:
        while not coord.wait_for_stop(0.1):
            if getattr(sess, "_closed", False):
                return
        try:
            if not getattr(sess, "_closed", False):
                sess.run(self._cancel_op)
        except Exception:  # noqa: BLE001 - best effort, the session may be closing
            pass

    def create_threads(self, sess, coord=None, daemon: bool = False,
                       start: bool = False) -> List[threading.Thread]:
        """Threads running the enqueue ops in `sess` (plus one that cancels the queue when
        `coord` stops)."""
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []  # already running for this session
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord), daemon=True,
                                    name=f"tfgraph-queue-runner-{self.name}")
                   for op in self._enqueue_ops]
        if coord is not None:
            threads.append(threading.Thread(target=self._close_on_stop, args=(sess, coord),
                                            daemon=True, name=f"tfgraph-queue-closer-{self.name}"))
        for t in threads:
            if coord is not None:
                coord.register_thread(t)
            if start:
                t.start()
        return threads


def add_queue_runner(qr: QueueRunner, collection: str = GraphKeys.QUEUE_RUNNERS) -> None:
    """Adds `qr` to the graph's queue-runner collection (`tf.train.add_queue_runner`)."""
    get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon: bool = True, start: bool = True,
                        collection: str = GraphKeys.QUEUE_RUNNERS) -> List[threading.Thread]:
    """Starts the threads of every queue runner of the graph (`tf.train.start_queue_runners`).

    Returns:
      The list of started threads (pass it to `coord.join`).

    Raises:
      ValueError: If there is no session (and no default one).
    """
    if sess is None:
        from ..session import get_default_session
        sess = get_default_session()
        if sess is None:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    threads: List[threading.Thread] = []
    for qr in sess.graph.get_collection(collection):
        threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads


__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]
