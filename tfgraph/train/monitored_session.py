"""`tf.train.MonitoredSession`, `SingularMonitoredSession`, `MonitoredTrainingSession`,
`Scaffold` and the session creators.

A monitored session calls every hook's `begin()`, finalizes the `Scaffold` (default init,
ready, local-init, summary ops and saver) and the graph, creates a session (the chief restores
the latest checkpoint in `checkpoint_dir` or runs the init ops), starts the queue runners, calls
`after_create_session`, and wraps each `run()` with the hooks' `before_run`/`after_run`. Used as
a context manager, an `OutOfRangeError` (end of a `tf.data` iterator) or `StopIteration` ends
the `with` block cleanly; `close()` calls the hooks' `end()` and un-finalizes the graph if this
session finalized it. Not implemented: recovery from `AbortedError`/`UnavailableError` (a
crashed distributed worker), which TF1 retries by re-creating the session.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional, Sequence

from ..framework import errors
from ..framework.graph import get_default_graph
from ..framework.graph_keys import GraphKeys
from . import basic_session_run_hooks as _hooks
from . import checkpoint_management as _cm
from .coordinator import Coordinator
from .queue_runner import start_queue_runners
from .basic_session_run_hooks import SessionRunArgs, SessionRunContext, SessionRunValues

__all__ = ["Scaffold", "SessionCreator", "ChiefSessionCreator", "WorkerSessionCreator",
           "MonitoredSession", "SingularMonitoredSession", "MonitoredTrainingSession"]

USE_DEFAULT = object()  # TF1's marker for "argument not given" in MonitoredTrainingSession


def _get_or_default(key: str, default_fn: Callable[[], Any]) -> Any:
    """The single item of collection `key`, or `default_fn()` added to it (TF1's rule)."""
    graph = get_default_graph()
    items = graph.get_collection(key)
    if len(items) > 1:
        raise RuntimeError(f"More than one item in the collection {key!r}; a Scaffold needs "
                           "exactly one (pass it explicitly).")
    if items:
        return items[0]
    op = default_fn()
    if op is not None:
        graph.add_to_collection(key, op)
    return op


class Scaffold:
    """The ops that create, initialize and save a model, filled with TF1's defaults by
    `finalize()`: `init_op` = `global_variables_initializer()`, `ready_op` =
    `report_uninitialized_variables()`, `ready_for_local_init_op` = the uninitialized global
    variables, `local_init_op` = local variables and tables initializers, `summary_op` =
    `tf.summary.merge_all()`, `saver` = `Saver(sharded=True, allow_empty=True)` (each taken
    from its graph collection when there is one)."""

    def __init__(self, init_op: Any = None, init_feed_dict: Optional[Dict] = None,
                 init_fn: Optional[Callable] = None, ready_op: Any = None,
                 ready_for_local_init_op: Any = None, local_init_op: Any = None,
                 summary_op: Any = None, saver: Any = None, copy_from_scaffold: Any = None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance: "
                                f"{copy_from_scaffold!r}")
            c = copy_from_scaffold
            init_op = init_op if init_op is not None else c.init_op
            init_feed_dict = init_feed_dict if init_feed_dict is not None else c._init_feed_dict
            init_fn = init_fn if init_fn is not None else c._user_init_fn
            ready_op = ready_op if ready_op is not None else c.ready_op
            ready_for_local_init_op = (ready_for_local_init_op if ready_for_local_init_op
                                       is not None else c.ready_for_local_init_op)
            local_init_op = local_init_op if local_init_op is not None else c.local_init_op
            summary_op = summary_op if summary_op is not None else c.summary_op
            saver = saver if saver is not None else c.saver
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._summary_op = summary_op
        self._saver = saver

    def finalize(self) -> "Scaffold":
        """Creates the missing ops with their defaults, then finalizes the graph."""
        from ..ops import control_flow_ops, variables
        from ..ops.misc_api import tables_initializer
        from .saver import Saver
        if self._init_op is None:
            self._init_op = _get_or_default(GraphKeys.INIT_OP,
                                            variables.global_variables_initializer)
        if self._ready_op is None:
            self._ready_op = _get_or_default(GraphKeys.READY_OP,
                                             variables.report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = _get_or_default(
                GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: variables.report_uninitialized_variables(variables.global_variables()))
        if self._local_init_op is None:
            self._local_init_op = _get_or_default(
                GraphKeys.LOCAL_INIT_OP,
                lambda: control_flow_ops.group(variables.local_variables_initializer(),
                                               tables_initializer()))
        if self._summary_op is None:
            from ..summary import merge_all
            self._summary_op = _get_or_default(GraphKeys.SUMMARY_OP, merge_all)
        if self._saver is None:
            self._saver = _get_or_default(GraphKeys.SAVERS,
                                          lambda: Saver(sharded=True, allow_empty=True))
        if hasattr(self._saver, "build"):  # TF1 builds a saver made with defer_build=True here
            self._saver.build()
        get_default_graph().finalize()
        return self

    @property
    def init_fn(self) -> Optional[Callable]:
        return self._init_fn

    @property
    def init_op(self) -> Any:
        return self._init_op

    @property
    def ready_op(self) -> Any:
        return self._ready_op

    @property
    def ready_for_local_init_op(self) -> Any:
        return self._ready_for_local_init_op

    @property
    def local_init_op(self) -> Any:
        return self._local_init_op

    @property
    def summary_op(self) -> Any:
        return self._summary_op

    @property
    def saver(self) -> Any:
        return self._saver

    @property
    def init_feed_dict(self) -> Optional[Dict]:
        return self._init_feed_dict


def _not_ready(sess: Any, ready_op: Any) -> List[str]:
    if ready_op is None:
        return []
    names = sess.run(ready_op)
    return [n.decode() if isinstance(n, bytes) else str(n) for n in list(names.ravel())]


class SessionCreator:
    """Creates a `tf.Session` for a `MonitoredSession`."""

    def create_session(self) -> Any:
        raise NotImplementedError("create_session is not implemented for "
                                  f"{type(self).__name__}.")


class ChiefSessionCreator(SessionCreator):
    """Creates a session that restores the latest checkpoint of `checkpoint_dir` (or
    `checkpoint_filename_with_path`), or else runs the scaffold's init op and init_fn."""

    def __init__(self, scaffold: Optional[Scaffold] = None, master: str = "",
                 config: Any = None, checkpoint_dir: Optional[str] = None,
                 checkpoint_filename_with_path: Optional[str] = None):
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Only one of checkpoint_dir and checkpoint_filename_with_path "
                             "may be given.")
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path

    def create_session(self) -> Any:
        from ..session import Session
        self._scaffold.finalize()
        sess = Session(self._master, graph=get_default_graph(), config=self._config)
        path = self._checkpoint_filename_with_path
        if path is None and self._checkpoint_dir:
            path = _cm.latest_checkpoint(self._checkpoint_dir)
        s = self._scaffold
        if path:
            s.saver.restore(sess, path)
        else:
            if s.init_op is not None:
                sess.run(s.init_op, feed_dict=s.init_feed_dict)
            if s.init_fn is not None:
                s.init_fn(sess)
        if s.local_init_op is not None:
            sess.run(s.local_init_op)
        missing = _not_ready(sess, s.ready_op)
        if missing:
            sess.close()
            raise RuntimeError("Init operations did not make model ready.  Init op: "
                               f"{getattr(s.init_op, 'name', s.init_op)}, init fn: "
                               f"{s.init_fn}, local_init_op: "
                               f"{getattr(s.local_init_op, 'name', s.local_init_op)}, "
                               f"error: Variables not initialized: {', '.join(missing)}")
        return sess


class WorkerSessionCreator(SessionCreator):
    """Creates a session for a non-chief worker: waits (up to `max_wait_secs`) until the
    chief has initialized the model, then runs the local init op."""

    def __init__(self, scaffold: Optional[Scaffold] = None, master: str = "",
                 config: Any = None, max_wait_secs: float = 30 * 60):
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs

    def create_session(self) -> Any:
        from ..session import Session
        self._scaffold.finalize()
        sess = Session(self._master, graph=get_default_graph(), config=self._config)
        s = self._scaffold
        deadline = time.time() + self._max_wait_secs
        while True:
            missing = _not_ready(sess, s.ready_for_local_init_op)
            if not missing:
                break
            if time.time() >= deadline:
                sess.close()
                raise errors.DeadlineExceededError(
                    None, None, f"Session was not ready after waiting {self._max_wait_secs} "
                    f"secs; uninitialized variables: {', '.join(missing)}")
            time.sleep(min(1.0, max(0.0, deadline - time.time())))
        if s.local_init_op is not None:
            sess.run(s.local_init_op)
        return sess


class _MonitoredSession:
    """What `MonitoredSession` and `SingularMonitoredSession` share."""

    def __init__(self, session_creator: SessionCreator, hooks: Sequence[Any],
                 stop_grace_period_secs: float = 120):
        self._graph_was_finalized = get_default_graph().finalized
        self._hooks = list(hooks or [])
        for h in self._hooks:
            h.begin()
        self._stop_grace_period_secs = stop_grace_period_secs
        try:
            self._sess = session_creator.create_session()
        except BaseException:
            # A failed creation leaves the graph as it was (open for changes).
            if not self._graph_was_finalized:
                get_default_graph()._unsafe_unfinalize()
            raise
        self._coord = Coordinator()
        self._threads = start_queue_runners(sess=self._sess, coord=self._coord)
        self._should_stop = False
        self._closed = False
        for h in self._hooks:
            h.after_create_session(self._sess, self._coord)

    @property
    def graph(self) -> Any:
        """The graph this session runs."""
        return self._sess.graph

    def _tf_sess(self) -> Any:
        return self._sess

    def should_stop(self) -> bool:
        """True once a hook requested a stop, the coordinator stopped, an `OutOfRangeError`
        was raised, or the session is closed."""
        return self._closed or self._should_stop or self._coord.should_stop()

    def run(self, fetches: Any, feed_dict: Optional[Dict] = None, options: Any = None,
            run_metadata: Any = None) -> Any:
        """Runs `fetches` like `Session.run`, with every hook's `before_run`/`after_run`.

        Raises:
          RuntimeError: If the session is closed, or a tensor is fed both by the caller and
            a hook (or by two hooks).
        """
        if self._closed:
            raise RuntimeError("Run called on a closed MonitoredSession.")
        context = SessionRunContext(SessionRunArgs(fetches, feed_dict, options), self._sess)
        hook_fetches: Dict[int, Any] = {}
        feeds = dict(feed_dict or {})
        for i, h in enumerate(self._hooks):
            args = h.before_run(context)
            if args is None:
                continue
            if args.feed_dict:
                for key in args.feed_dict:
                    if key in feeds:
                        raise RuntimeError(f"Same tensor is fed by a SessionRunHook and user "
                                           f"(or another hook): {getattr(key, 'name', key)}")
                feeds.update(args.feed_dict)
            if args.fetches is not None:
                hook_fetches[i] = args.fetches
        try:
            results = self._sess.run({"caller": fetches, "hooks": hook_fetches},
                                     feed_dict=feeds or None, options=options,
                                     run_metadata=run_metadata)
        except errors.OutOfRangeError:
            self._should_stop = True
            raise
        for i, h in enumerate(self._hooks):
            h.after_run(context, SessionRunValues(results["hooks"].get(i), options,
                                                  run_metadata))
        if context.stop_requested:
            self._should_stop = True
        return results["caller"]

    def run_step_fn(self, step_fn: Callable[[Any], Any]) -> Any:
        """Calls `step_fn(step_context)`; `step_context.run_with_hooks(...)` is this session's
        `run`, `step_context.session` the raw session, `request_stop()` stops the loop."""
        ctx = _StepContext(self._sess, self.run)
        try:
            return step_fn(ctx)
        finally:
            if ctx._stop_requested:
                self._should_stop = True

    def close(self) -> None:
        """Calls the hooks' `end()`, stops the queue runners and closes the session."""
        self._close_internal(None)

    def _close_internal(self, exception_type: Any) -> None:
        if self._closed:
            return
        try:
            if exception_type is None:
                for h in self._hooks:
                    h.end(self._sess)
        finally:
            try:
                self._coord.request_stop()
                self._coord.join(self._threads,
                                 stop_grace_period_secs=self._stop_grace_period_secs)
            finally:
                self._closed = True
                self._sess.close()
                if not self._graph_was_finalized:
                    get_default_graph()._unsafe_unfinalize()

    def __enter__(self) -> "_MonitoredSession":
        return self

    def __exit__(self, exception_type, exception_value, traceback) -> bool:
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None


class _StepContext:
    """The argument of a `run_step_fn` function."""

    def __init__(self, session: Any, run_with_hooks_fn: Callable):
        self._session = session
        self._run_with_hooks_fn = run_with_hooks_fn
        self._stop_requested = False

    @property
    def session(self) -> Any:
        return self._session

    def run_with_hooks(self, *args: Any, **kwargs: Any) -> Any:
        return self._run_with_hooks_fn(*args, **kwargs)

    def request_stop(self) -> None:
        self._stop_requested = True


class MonitoredSession(_MonitoredSession):
    """A session that runs hooks and initializes/restores the model (`tf.train.MonitoredSession`).

    Example:
      with tf.train.MonitoredSession(session_creator=ChiefSessionCreator(...),
                                     hooks=[...]) as sess:
          while not sess.should_stop():
              sess.run(train_op)

    Args:
      session_creator: A `SessionCreator`; default `ChiefSessionCreator()`.
      hooks: `SessionRunHook`s.
      stop_grace_period_secs: How long `close()` waits for the queue-runner threads.
    """

    def __init__(self, session_creator: Optional[SessionCreator] = None,
                 hooks: Optional[Sequence[Any]] = None, stop_grace_period_secs: float = 120):
        super().__init__(session_creator or ChiefSessionCreator(), hooks or [],
                         stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """A `MonitoredSession` for single-process training with a chief session creator built
    from `scaffold`, `master`, `config`, `checkpoint_dir`; `raw_session()` gives the
    `tf.Session`."""

    def __init__(self, hooks: Optional[Sequence[Any]] = None, scaffold: Optional[Scaffold] = None,
                 master: str = "", config: Any = None, checkpoint_dir: Optional[str] = None,
                 stop_grace_period_secs: float = 120,
                 checkpoint_filename_with_path: Optional[str] = None):
        creator = ChiefSessionCreator(scaffold=scaffold, master=master, config=config,
                                      checkpoint_dir=checkpoint_dir,
                                      checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(creator, hooks or [], stop_grace_period_secs)

    def raw_session(self) -> Any:
        """The underlying `tf.Session`."""
        return self._sess


def MonitoredTrainingSession(master: str = "", is_chief: bool = True,  # noqa: N802 (TF1 name)
                             checkpoint_dir: Optional[str] = None,
                             scaffold: Optional[Scaffold] = None,
                             hooks: Optional[Sequence[Any]] = None,
                             chief_only_hooks: Optional[Sequence[Any]] = None,
                             save_checkpoint_secs: Any = USE_DEFAULT,
                             save_summaries_steps: Any = USE_DEFAULT,
                             save_summaries_secs: Any = USE_DEFAULT, config: Any = None,
                             stop_grace_period_secs: float = 120,
                             log_step_count_steps: Optional[int] = 100,
                             max_wait_secs: float = 7200,
                             save_checkpoint_steps: Any = USE_DEFAULT,
                             summary_dir: Optional[str] = None) -> MonitoredSession:
    """A `MonitoredSession` for training (`tf.train.MonitoredTrainingSession`).

    The chief restores the latest checkpoint in `checkpoint_dir` (or initializes), and adds
    `chief_only_hooks`, a `StepCounterHook` (every `log_step_count_steps`) and a
    `SummarySaverHook` writing to `summary_dir` (default `checkpoint_dir`) every 100 steps, and
    a `CheckpointSaverHook` saving to `checkpoint_dir` every 600 seconds -- or every
    `save_checkpoint_steps` when only that is given; None or 0 turns a hook off. A non-chief
    waits (up to `max_wait_secs`) for the chief to initialize the model.

    Returns:
      A `MonitoredSession`.
    """
    if save_summaries_steps is USE_DEFAULT and save_summaries_secs is USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    elif save_summaries_secs is USE_DEFAULT:
        save_summaries_secs = None
    elif save_summaries_steps is USE_DEFAULT:
        save_summaries_steps = None
    if save_checkpoint_steps is USE_DEFAULT and save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    elif save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_secs = None
    elif save_checkpoint_steps is USE_DEFAULT:
        save_checkpoint_steps = None
    scaffold = scaffold or Scaffold()
    all_hooks = list(hooks or [])
    if not is_chief:
        creator = WorkerSessionCreator(scaffold=scaffold, master=master, config=config,
                                       max_wait_secs=max_wait_secs)
        return MonitoredSession(session_creator=creator, hooks=all_hooks,
                                stop_grace_period_secs=stop_grace_period_secs)
    all_hooks.extend(chief_only_hooks or [])
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                  master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(_hooks.StepCounterHook(output_dir=summary_dir,
                                                    every_n_steps=log_step_count_steps))
        if ((save_summaries_steps and save_summaries_steps > 0)
                or (save_summaries_secs and save_summaries_secs > 0)):
            all_hooks.append(_hooks.SummarySaverHook(
                scaffold=scaffold, save_steps=save_summaries_steps,
                save_secs=save_summaries_secs, output_dir=summary_dir))
    if checkpoint_dir:
        if ((save_checkpoint_secs and save_checkpoint_secs > 0)
                or (save_checkpoint_steps and save_checkpoint_steps > 0)):
            all_hooks.append(_hooks.CheckpointSaverHook(
                checkpoint_dir, save_steps=save_checkpoint_steps,
                save_secs=save_checkpoint_secs, scaffold=scaffold))
    return MonitoredSession(session_creator=creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)
