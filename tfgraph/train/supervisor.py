"""`tf.train.SessionManager` and `tf.train.Supervisor`: TF1's pre-MonitoredSession way of
creating a session that is initialized or restored from the latest checkpoint, and of running
the "standard services" beside training.

`SessionManager` follows TF1: `prepare_session` restores the latest checkpoint of
`checkpoint_dir` (optionally waiting for one) or runs `init_op`/`init_fn`, then the local init
op, then checks `ready_op` (by default `tf.report_uninitialized_variables()`);
`recover_session` only restores; `wait_for_session` polls until another process made the model
ready (with one process, that means: never, so it raises DeadlineExceededError after
`max_wait_secs`).

`Supervisor` builds TF1's defaults (init op, local init op, ready op, Saver, merged summaries,
global step) from the graph's collections, finalizes the graph, and in `managed_session()` /
`prepare_or_wait_for_session()` starts TF1's services as daemon threads on its Coordinator:
summaries every `save_summaries_secs` (the summary op and a "<global step>/sec" value),
a checkpoint every `save_model_secs` (to `logdir/model.ckpt-<step>`), and the queue runners.
The threads run in this process (TF1's run in the same process too); Session.run serializes
their steps with the training loop's.
"""
from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes, errors
from ..framework.graph import Graph, get_default_graph
from ..framework.graph_keys import GraphKeys
from . import checkpoint_management as _cm
from . import training_util
from .coordinator import Coordinator, LooperThread

_log = logging.getLogger("tensorflow")


def _maybe_name(obj: Any) -> str:
    if obj is None:
        return "None"
    return obj.name if hasattr(obj, "name") else f"<no name for {type(obj)}>"


def _ready(op: Any, sess: Any, msg: str) -> Tuple[bool, Optional[str]]:
    """TF1's readiness check: an empty (or int32) result of `op` means ready."""
    if op is None:
        return True, None
    try:
        value = sess.run(op)
    except errors.FailedPreconditionError as e:
        if "uninitialized" not in str(e):
            _log.warning("%s : error [%s]", msg, e)
            raise
        return False, str(e)
    value = np.asarray(value) if value is not None else None
    if value is None or value.dtype == np.int32 or value.size == 0:
        return True, None
    names = ", ".join(v.decode("utf-8") if isinstance(v, bytes) else str(v)
                      for v in value.ravel())
    return False, "Variables not initialized: " + names


class SessionManager:
    """Creates sessions that are initialized, restored from a checkpoint, or waited for until
    ready (`tf.train.SessionManager`).

    Args:
      local_init_op: Run in every new session after initialization/restoring (e.g. local
        variables' initializer).
      ready_op: A tensor listing what is not ready (empty when ready), e.g.
        `tf.report_uninitialized_variables()`; None: no check.
      ready_for_local_init_op: Like `ready_op`, checked before `local_init_op` runs.
      graph: The graph (default: the default graph).
      recovery_wait_secs: Seconds between checks while waiting.
      local_init_run_options: `RunOptions` for the local init op (accepted).
      local_init_feed_dict: Feeds for the local init op.

    Raises:
      ValueError: If `ready_for_local_init_op` is given without `local_init_op`.
    """

    def __init__(self, local_init_op: Any = None, ready_op: Any = None,
                 ready_for_local_init_op: Any = None, graph: Optional[Graph] = None,
                 recovery_wait_secs: float = 30, local_init_run_options: Any = None,
                 local_init_feed_dict: Any = None):
        self._graph = graph if graph is not None else get_default_graph()
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._recovery_wait_secs = recovery_wait_secs
        self._local_init_run_options = local_init_run_options
        self._local_init_feed_dict = local_init_feed_dict
        self._target = None
        if ready_for_local_init_op is not None and local_init_op is None:
            raise ValueError("If you pass a ready_for_local_init_op you must also pass a "
                             f"local_init_op , ready_for_local_init_op [{ready_for_local_init_op}]")

    def _new_session(self, master: str, config: Any) -> Any:
        from ..session import Session
        self._target = master
        return Session(master, graph=self._graph, config=config)

    def _restore_checkpoint(self, master: str, saver: Any = None,
                            checkpoint_dir: Optional[str] = None,
                            checkpoint_filename_with_path: Optional[str] = None,
                            wait_for_checkpoint: bool = False, max_wait_secs: float = 7200,
                            config: Any = None) -> Tuple[Any, bool]:
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        sess = self._new_session(master, config)
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        if checkpoint_filename_with_path:
            saver.restore(sess, checkpoint_filename_with_path)
            return sess, True
        waited = 0.0
        ckpt = _cm.get_checkpoint_state(checkpoint_dir)
        while not ckpt or not ckpt.model_checkpoint_path:
            if wait_for_checkpoint and waited < max_wait_secs:
                _log.info("Waiting for checkpoint to be available.")
                time.sleep(self._recovery_wait_secs)
                waited += self._recovery_wait_secs
                ckpt = _cm.get_checkpoint_state(checkpoint_dir)
            else:
                return sess, False
        saver.restore(sess, ckpt.model_checkpoint_path)
        saver.recover_last_checkpoints(ckpt.all_model_checkpoint_paths)
        return sess, True

    def prepare_session(self, master: str, init_op: Any = None, saver: Any = None,
                        checkpoint_dir: Optional[str] = None,
                        checkpoint_filename_with_path: Optional[str] = None,
                        wait_for_checkpoint: bool = False, max_wait_secs: float = 7200,
                        config: Any = None, init_feed_dict: Any = None,
                        init_fn: Optional[Callable[[Any], None]] = None) -> Any:
        """A session restored from the latest checkpoint, or initialized with `init_op` and
        `init_fn`; then the local init op runs and `ready_op` is checked.

        Raises:
          RuntimeError: If there is nothing to initialize with, or the model is not ready
            after initialization (naming what is uninitialized).
          ValueError: If both `checkpoint_dir` and `checkpoint_filename_with_path` are given.
        """
        sess, loaded = self._restore_checkpoint(
            master, saver, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
            wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs,
            config=config)
        if not loaded:
            if init_op is None and not init_fn and self._local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn or "
                                   "local_init_op was given")
            if init_op is not None:
                sess.run(init_op, feed_dict=init_feed_dict)
            if init_fn:
                init_fn(sess)
        ok, msg = self._try_run_local_init_op(sess)
        if not ok:
            raise RuntimeError("Init operations did not make model ready for local_init.  "
                               f"Init op: {_maybe_name(init_op)}, init fn: {init_fn}, "
                               f"error: {msg}")
        ready, msg = self._model_ready(sess)
        if not ready:
            raise RuntimeError("Init operations did not make model ready.  Init op: "
                               f"{_maybe_name(init_op)}, init fn: {init_fn}, local_init_op: "
                               f"{_maybe_name(self._local_init_op)}, error: {msg}")
        return sess

    def recover_session(self, master: str, saver: Any = None,
                        checkpoint_dir: Optional[str] = None,
                        checkpoint_filename_with_path: Optional[str] = None,
                        wait_for_checkpoint: bool = False, max_wait_secs: float = 7200,
                        config: Any = None) -> Tuple[Any, bool]:
        """`(session, restored)`: a session restored from a checkpoint when there is one and
        it makes the model ready; else a fresh session and False."""
        sess, loaded = self._restore_checkpoint(
            master, saver, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
            wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs,
            config=config)
        ok, msg = self._try_run_local_init_op(sess)
        if not loaded:
            return sess, False
        source = checkpoint_dir or checkpoint_filename_with_path
        if not ok:
            _log.info("Restoring model from %s did not make model ready for local init: %s",
                      source, msg)
            return sess, False
        ready, msg = self._model_ready(sess)
        if not ready:
            _log.info("Restoring model from %s did not make model ready: %s", source, msg)
            return sess, False
        _log.info("Restored model from %s", source)
        return sess, True

    def wait_for_session(self, master: str, config: Any = None,
                         max_wait_secs: float = float("inf")) -> Any:
        """A session once the model is ready (another process initializes it), polling every
        `recovery_wait_secs`.

        Raises:
          tf.errors.DeadlineExceededError: If not ready within `max_wait_secs`.
        """
        max_wait_secs = float("inf") if max_wait_secs is None else max_wait_secs
        start = time.time()
        while True:
            sess = self._new_session(master, config)
            not_ready_local = not_ready = None
            ok, not_ready_local = self._try_run_local_init_op(sess)
            if ok:
                ready, not_ready = self._model_ready(sess)
                if ready:
                    return sess
            sess.close()
            remaining = max(0.0, max_wait_secs - (time.time() - start))
            if remaining - self._recovery_wait_secs < 0:
                raise errors.DeadlineExceededError(
                    None, None, f"Session was not ready after waiting {max_wait_secs} secs.")
            _log.info("Waiting for model to be ready.  Ready_for_local_init_op:  %s, ready: %s",
                      not_ready_local, not_ready)
            time.sleep(self._recovery_wait_secs)

    def _model_ready(self, sess: Any) -> Tuple[bool, Optional[str]]:
        return _ready(self._ready_op, sess, "Model not ready")

    def _try_run_local_init_op(self, sess: Any) -> Tuple[bool, Optional[str]]:
        if self._local_init_op is None:
            return True, None
        ok, msg = _ready(self._ready_for_local_init_op, sess, "Model not ready for local init")
        if not ok:
            return False, msg
        sess.run(self._local_init_op, feed_dict=self._local_init_feed_dict,
                 options=self._local_init_run_options)
        return True, None


class Supervisor:
    """A training helper that initializes or restores the model, and saves checkpoints and
    summaries in background threads (`tf.train.Supervisor`; TF1 deprecates it in favour of
    `tf.train.MonitoredTrainingSession`).

    Args:
      graph: The graph (default: the default graph). It is finalized.
      ready_op, ready_for_local_init_op, init_op, local_init_op, summary_op, saver,
        global_step, summary_writer: `Supervisor.USE_DEFAULT` (the default) takes TF1's
        default (the graph's collection, else `report_uninitialized_variables()`,
        `global_variables_initializer()`, local variables + tables initializer,
        `tf.summary.merge_all()`, a `Saver()` when there are variables, the tensor
        "global_step:0", a `FileWriter(logdir)`); None disables it.
      is_chief: Only a chief initializes and writes; other tasks wait for a ready model.
      init_feed_dict, init_fn: Feeds for `init_op`; a function `init_fn(sess)` run after it.
      logdir: Where checkpoints ("model.ckpt") and summaries go; None: neither is written.
      save_summaries_secs, save_model_secs: Service periods (None or 0 disables one).
      recovery_wait_secs, stop_grace_secs: Waits of `wait_for_session` and `stop`.
      checkpoint_basename: The checkpoint file prefix in `logdir`.
      session_manager: A `SessionManager` to use instead of the default one.
      local_init_run_options: `RunOptions` for the local init op (accepted).
    """

    USE_DEFAULT = 0

    def __init__(self, graph: Optional[Graph] = None, ready_op: Any = USE_DEFAULT,
                 ready_for_local_init_op: Any = USE_DEFAULT, is_chief: bool = True,
                 init_op: Any = USE_DEFAULT, init_feed_dict: Any = None,
                 local_init_op: Any = USE_DEFAULT, logdir: Optional[str] = None,
                 summary_op: Any = USE_DEFAULT, saver: Any = USE_DEFAULT,
                 global_step: Any = USE_DEFAULT, save_summaries_secs: float = 120,
                 save_model_secs: float = 600, recovery_wait_secs: float = 30,
                 stop_grace_secs: float = 120, checkpoint_basename: str = "model.ckpt",
                 session_manager: Optional[SessionManager] = None,
                 summary_writer: Any = USE_DEFAULT, init_fn: Optional[Callable] = None,
                 local_init_run_options: Any = None):
        graph = graph if graph is not None else get_default_graph()
        with graph.as_default():
            self._init_ready_op(graph, ready_op, ready_for_local_init_op)
            self._init_init_op(graph, init_op, init_feed_dict)
            self._init_local_init_op(graph, local_init_op)
            self._init_saver(graph, saver)
            self._init_summary_op(graph, summary_op)
            self._init_global_step(graph, global_step)
        self._graph = graph
        self._is_chief = is_chief
        self._coord = Coordinator()
        self._recovery_wait_secs = recovery_wait_secs
        self._stop_grace_secs = stop_grace_secs
        self._init_fn = init_fn
        self._local_init_run_options = local_init_run_options
        self._logdir = None
        self._save_summaries_secs = None
        self._save_model_secs = None
        self._save_path = None
        self._summary_writer = None
        self._graph_added_to_summary = False
        if is_chief:
            self._logdir = logdir
            self._save_summaries_secs = save_summaries_secs
            self._save_model_secs = save_model_secs
            if logdir:
                self._save_path = os.path.join(logdir, checkpoint_basename)
            if summary_writer is Supervisor.USE_DEFAULT:
                if logdir:
                    from ..summary import FileWriter
                    self._summary_writer = FileWriter(logdir)
            else:
                self._summary_writer = summary_writer
        self._session_manager = session_manager or SessionManager(
            local_init_op=self._local_init_op, ready_op=self._ready_op,
            ready_for_local_init_op=self._ready_for_local_init_op, graph=graph,
            recovery_wait_secs=recovery_wait_secs,
            local_init_run_options=local_init_run_options)
        graph.finalize()

    # --- TF1's defaults ------------------------------------------------------------------
    @staticmethod
    def _first(graph: Graph, key: str) -> Any:
        items = graph.get_collection(key)
        if len(items) > 1:
            _log.info("Found %d %s operations. Returning the first one.", len(items), key)
        return items[0] if items else None

    def _init_ready_op(self, graph: Graph, ready_op: Any, ready_for_local_init_op: Any) -> None:
        if ready_op is Supervisor.USE_DEFAULT:
            ready_op = self._first(graph, GraphKeys.READY_OP)
            if ready_op is None:
                from ..ops.variables import report_uninitialized_variables
                ready_op = report_uninitialized_variables()
                graph.add_to_collection(GraphKeys.READY_OP, ready_op)
        self._ready_op = ready_op
        if ready_for_local_init_op is Supervisor.USE_DEFAULT:
            ready_for_local_init_op = self._first(graph, GraphKeys.READY_FOR_LOCAL_INIT_OP)
        self._ready_for_local_init_op = ready_for_local_init_op

    def _init_init_op(self, graph: Graph, init_op: Any, init_feed_dict: Any) -> None:
        if init_op is Supervisor.USE_DEFAULT:
            init_op = self._first(graph, GraphKeys.INIT_OP)
            if init_op is None:
                from ..ops.variables import global_variables_initializer
                init_op = global_variables_initializer()
                graph.add_to_collection(GraphKeys.INIT_OP, init_op)
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict

    def _init_local_init_op(self, graph: Graph, local_init_op: Any) -> None:
        if local_init_op is Supervisor.USE_DEFAULT:
            local_init_op = self._first(graph, GraphKeys.LOCAL_INIT_OP)
            if local_init_op is None:
                from ..ops.control_flow_ops import group
                from ..ops.misc_api import tables_initializer
                from ..ops.variables import local_variables_initializer
                local_init_op = group(local_variables_initializer(), tables_initializer())
                graph.add_to_collection(GraphKeys.LOCAL_INIT_OP, local_init_op)
        self._local_init_op = local_init_op

    def _init_saver(self, graph: Graph, saver: Any) -> None:
        if saver is Supervisor.USE_DEFAULT:
            saver = self._first(graph, GraphKeys.SAVERS)
            if saver is None and graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
                from .saver import Saver
                saver = Saver()
                graph.add_to_collection(GraphKeys.SAVERS, saver)
        self._saver = saver

    def _init_summary_op(self, graph: Graph, summary_op: Any) -> None:
        if summary_op is Supervisor.USE_DEFAULT:
            summary_op = self._first(graph, GraphKeys.SUMMARY_OP)
            if summary_op is None and graph.get_collection(GraphKeys.SUMMARIES):
                from ..summary import merge_all
                summary_op = merge_all()
                graph.add_to_collection(GraphKeys.SUMMARY_OP, summary_op)
        self._summary_op = summary_op

    def _init_global_step(self, graph: Graph, global_step: Any) -> None:
        if global_step is Supervisor.USE_DEFAULT:
            global_step = self._first(graph, GraphKeys.GLOBAL_STEP)
            if global_step is None:
                try:
                    gs = graph.get_tensor_by_name("global_step:0")
                except (KeyError, ValueError):
                    gs = None
                if gs is not None and gs.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
                    _log.warning("Found 'global_step' is not an int type: %s", gs.dtype)
                    gs = None
                global_step = gs
                if gs is not None:
                    graph.add_to_collection(GraphKeys.GLOBAL_STEP, gs)
        self._global_step = global_step

    # --- properties ------------------------------------------------------------------------
    is_chief = property(lambda self: self._is_chief)
    session_manager = property(lambda self: self._session_manager)
    coord = property(lambda self: self._coord)
    init_op = property(lambda self: self._init_op)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    summary_writer = property(lambda self: self._summary_writer)
    summary_op = property(lambda self: self._summary_op)
    save_summaries_secs = property(lambda self: self._save_summaries_secs)
    global_step = property(lambda self: self._global_step)
    saver = property(lambda self: self._saver)
    save_model_secs = property(lambda self: self._save_model_secs)
    save_path = property(lambda self: self._save_path)

    # --- sessions and services -------------------------------------------------------------
    def _write_graph(self) -> None:
        if self._logdir:
            _write_graph_file(self._graph, self._logdir, "graph.pbtxt")
        if self._summary_writer and not self._graph_added_to_summary:
            self._summary_writer.add_graph(self._graph)
            from .meta_graph import create_meta_graph_def
            self._summary_writer.add_meta_graph(create_meta_graph_def(
                graph=self._graph,
                saver_def=self._saver.saver_def if self._saver else None))
            self._graph_added_to_summary = True

    def start_standard_services(self, sess: Any) -> Optional[List[Any]]:
        """Starts the summary, step-counter and checkpoint threads (chief only).

        Raises:
          RuntimeError: If this supervisor is not the chief.
        """
        if not self._is_chief:
            raise RuntimeError("Only chief supervisor can start standard services. Because "
                               "only chief supervisors can write events.")
        if not self._logdir:
            _log.warning("Standard services need a 'logdir' passed to the SessionManager")
            return None
        from ..summary import SessionLog
        if self._global_step is not None and self._summary_writer:
            step = training_util.global_step(sess, self._global_step)
            self._summary_writer.add_session_log(SessionLog(status=SessionLog.START), step)
        threads: List[Any] = []
        if self._save_summaries_secs and self._summary_writer:
            if self._summary_op is not None:
                threads.append(_SummaryThread(self, sess))
            if self._global_step is not None:
                threads.append(_StepCounterThread(self, sess))
        if self.saver and self._save_model_secs:
            threads.append(_CheckpointThread(self, sess))
        for t in threads:
            t.start()
        return threads

    def prepare_or_wait_for_session(self, master: str = "", config: Any = None,
                                    wait_for_checkpoint: bool = False,
                                    max_wait_secs: float = 7200,
                                    start_standard_services: bool = True) -> Any:
        """A ready session: the chief restores `logdir`'s latest checkpoint or initializes
        (and starts the services), other tasks wait for the model to be ready."""
        self._coord.clear_stop()
        if self._summary_writer:
            self._summary_writer.reopen()
        if self._is_chief:
            sess = self._session_manager.prepare_session(
                master, init_op=self.init_op, saver=self.saver, checkpoint_dir=self._logdir,
                wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs,
                config=config, init_feed_dict=self._init_feed_dict, init_fn=self._init_fn)
            self._write_graph()
            if start_standard_services:
                self.start_standard_services(sess)
        else:
            sess = self._session_manager.wait_for_session(master, config=config,
                                                          max_wait_secs=max_wait_secs)
        if start_standard_services:
            self.start_queue_runners(sess)
        return sess

    def start_queue_runners(self, sess: Any, queue_runners: Optional[Sequence[Any]] = None
                            ) -> List[Any]:
        """Starts the graph's (or the given) queue runners' threads on the coordinator."""
        if queue_runners is None:
            queue_runners = self._graph.get_collection(GraphKeys.QUEUE_RUNNERS)
        threads: List[Any] = []
        for qr in queue_runners:
            threads.extend(qr.create_threads(sess, coord=self._coord, daemon=True, start=True))
        return threads

    def loop(self, timer_interval_secs: float, target: Callable, args: Any = None,
             kwargs: Any = None) -> LooperThread:
        """Starts a thread calling `target(*args, **kwargs)` every `timer_interval_secs`."""
        looper = LooperThread(self._coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def stop(self, threads: Optional[Sequence[Any]] = None, close_summary_writer: bool = True,
             ignore_live_threads: bool = False) -> None:
        """Stops the services and joins their threads; re-raises an exception a thread
        reported."""
        self._coord.request_stop()
        try:
            self._coord.join(threads, stop_grace_period_secs=self._stop_grace_secs,
                             ignore_live_threads=ignore_live_threads)
        finally:
            if close_summary_writer and self._summary_writer:
                from ..summary import SessionLog
                self._summary_writer.add_session_log(SessionLog(status=SessionLog.STOP))
                self._summary_writer.close()
                self._graph_added_to_summary = False

    def request_stop(self, ex: Any = None) -> None:
        self._coord.request_stop(ex=ex)

    def should_stop(self) -> bool:
        return self._coord.should_stop()

    def stop_on_exception(self) -> Any:
        return self._coord.stop_on_exception()

    def wait_for_stop(self) -> None:
        self._coord.wait_for_stop()

    def summary_computed(self, sess: Any, summary: Any, global_step: Any = None) -> None:
        """Writes a computed summary (at the current global step by default).

        Raises:
          RuntimeError: Without a summary writer.
        """
        if not self._summary_writer:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self.global_step is not None:
            global_step = training_util.global_step(sess, self.global_step)
        self._summary_writer.add_summary(summary, global_step)

    @contextlib.contextmanager
    def managed_session(self, master: str = "", config: Any = None,
                        start_standard_services: bool = True,
                        close_summary_writer: bool = True) -> Iterator[Any]:
        """`with sv.managed_session() as sess:` a ready session; on exit the services stop
        and the session closes. An exception inside stops the supervisor and is re-raised
        (`tf.errors.OutOfRangeError` is taken as the normal end of the input, as in TF1)."""
        sess = None
        try:
            sess = self.prepare_or_wait_for_session(
                master=master, config=config, start_standard_services=start_standard_services)
            yield sess
        except Exception as e:  # noqa: BLE001 - handed to the coordinator, re-raised by stop
            self.request_stop(e)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                if sess is not None:
                    sess.close()


def _write_graph_file(graph: Graph, logdir: str, name: str) -> None:
    from ..framework.graph_io import write_graph
    write_graph(graph.as_graph_def(add_shapes=True), logdir, name)


class _SummaryThread(LooperThread):
    """Writes the summary op's value every `save_summaries_secs` (TF1's SVSummaryThread)."""

    def __init__(self, sv: Supervisor, sess: Any):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self) -> None:
        if self._sv.global_step is not None:
            summary, step = self._sess.run([self._sv.summary_op, self._sv.global_step])
        else:
            summary, step = self._sess.run(self._sv.summary_op), None
        if self._sv.summary_writer:
            self._sv.summary_writer.add_summary(summary, step)


class _StepCounterThread(LooperThread):
    """Writes "<global step name>/sec" every `save_summaries_secs` (SVStepCounterThread)."""

    def __init__(self, sv: Supervisor, sess: Any):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess
        self._tag = f"{sv.global_step.op.name}/sec"
        self._last_time = time.time()
        self._last_step = training_util.global_step(sess, sv.global_step)

    def run_loop(self) -> None:
        from ..summary import Summary
        step = training_util.global_step(self._sess, self._sv.global_step)
        now = time.time()
        elapsed, added = now - self._last_time, step - self._last_step
        self._last_time, self._last_step = now, step
        rate = added / elapsed if elapsed > 0 else float("inf")
        if self._sv.summary_writer:
            self._sv.summary_writer.add_summary(
                Summary(value=[Summary.Value(tag=self._tag, simple_value=rate)]), step)


class _CheckpointThread(LooperThread):
    """Saves a checkpoint every `save_model_secs` (TF1's SVTimerCheckpointThread)."""

    def __init__(self, sv: Supervisor, sess: Any):
        super().__init__(sv.coord, sv.save_model_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self) -> None:
        from ..summary import SessionLog
        _log.info("Saving checkpoint to path %s", self._sv.save_path)
        self._sv.saver.save(self._sess, self._sv.save_path, global_step=self._sv.global_step)
        if self._sv.summary_writer and self._sv.global_step is not None:
            step = training_util.global_step(self._sess, self._sv.global_step)
            self._sv.summary_writer.add_session_log(
                SessionLog(status=SessionLog.CHECKPOINT,
                           checkpoint_path=self._sv.save_path), step)


__all__ = ["SessionManager", "Supervisor"]
