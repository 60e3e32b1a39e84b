"""Session-run hooks (`tf.train.SessionRunHook` and TF1's standard hooks).

A hook sees every `MonitoredSession.run`: `begin()` once before the graph is finalized,
`after_create_session(session, coord)` once the session is ready (and after every re-creation),
`before_run(run_context)` -> optional `SessionRunArgs` (extra fetches/feeds merged into the
call), `after_run(run_context, run_values)` with the extra fetches' values, and `end(session)`
when the monitored session closes normally (not after an error). `run_context.request_stop()`
makes `should_stop()` true after the current call.
"""
from __future__ import annotations

import collections
import logging
import os
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

from ..framework.graph import get_default_graph
from ..framework.graph_keys import GraphKeys
from . import training_util

_log = logging.getLogger("tfgraph.train")

__all__ = ["SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues",
           "SecondOrStepTimer", "StopAtStepHook", "CheckpointSaverHook",
           "CheckpointSaverListener", "SummarySaverHook", "LoggingTensorHook",
           "NanTensorHook", "NanLossDuringTrainingError", "StepCounterHook", "FinalOpsHook",
           "FeedFnHook"]


class SessionRunHook:
    """Hook to extend calls to `MonitoredSession.run()`; every method does nothing by default."""

    def begin(self) -> None:
        """Called once before the session is used; the graph may still be changed here."""

    def after_create_session(self, session: Any, coord: Any) -> None:
        """Called when a new session has been created and initialized (graph finalized)."""

    def before_run(self, run_context: "SessionRunContext") -> Optional["SessionRunArgs"]:
        """Called before each `run()`; may return `SessionRunArgs` to add to the call."""
        return None

    def after_run(self, run_context: "SessionRunContext",
                  run_values: "SessionRunValues") -> None:
        """Called after each `run()` with the results of this hook's `SessionRunArgs`."""

    def end(self, session: Any) -> None:
        """Called at the end of the session (not when it ends by an exception)."""


class SessionRunArgs(collections.namedtuple("SessionRunArgs",
                                            ["fetches", "feed_dict", "options"])):
    """What a hook adds to a `run()` call: `fetches`, `feed_dict` and `options`."""

    def __new__(cls, fetches: Any, feed_dict: Optional[Dict] = None, options: Any = None):
        return super().__new__(cls, fetches, feed_dict, options)


class SessionRunValues(collections.namedtuple("SessionRunValues",
                                              ["results", "options", "run_metadata"])):
    """The values of a hook's `SessionRunArgs.fetches` (same structure) after `run()`."""


class SessionRunContext:
    """The `run()` call being made: its original arguments, the session, and stop requests."""

    def __init__(self, original_args: SessionRunArgs, session: Any):
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self) -> SessionRunArgs:
        """The `SessionRunArgs` the user's `run()` was called with."""
        return self._original_args

    @property
    def session(self) -> Any:
        """The raw session (running it bypasses the hooks)."""
        return self._session

    @property
    def stop_requested(self) -> bool:
        """Whether a hook requested a stop."""
        return self._stop_requested

    def request_stop(self) -> None:
        """Makes the monitored session's `should_stop()` true after this call."""
        self._stop_requested = True


class SecondOrStepTimer:
    """Triggers at most once every `every_secs` seconds or every `every_steps` steps.

    As in TF1, a value <= 0 is allowed and triggers at every new step.

    Raises:
      ValueError: If neither or both of `every_secs` and `every_steps` are given.
    """

    def __init__(self, every_secs: Optional[float] = None, every_steps: Optional[int] = None):
        if every_secs is None and every_steps is None:
            raise ValueError("Either every_secs or every_steps should be provided.")
        if every_secs is not None and every_steps is not None:
            raise ValueError("Can not provide both every_secs and every_steps.")
        self._every_secs = every_secs
        self._every_steps = every_steps
        self.reset()

    def reset(self) -> None:
        self._last_time: Optional[float] = None
        self._last_step: Optional[int] = None

    def should_trigger_for_step(self, step: int) -> bool:
        """True the first time, then once `every_secs`/`every_steps` have passed."""
        if self._last_step is None:
            return True
        if self._last_step == step:
            return False
        if self._every_secs is not None:
            return time.time() >= self._last_time + self._every_secs
        return step >= self._last_step + self._every_steps

    def update_last_triggered_step(self, step: int):
        """Records a trigger at `step`; returns (elapsed secs, elapsed steps) or (None, None)."""
        now = time.time()
        if self._last_time is None:
            elapsed = (None, None)
        else:
            elapsed = (now - self._last_time, step - self._last_step)
        self._last_time, self._last_step = now, step
        return elapsed

    def last_triggered_step(self) -> Optional[int]:
        return self._last_step


def _global_step_or_raise(hook_name: str) -> Any:
    gs = training_util.get_global_step()
    if gs is None:
        raise RuntimeError(f"Global step should be created to use {hook_name}.")
    return gs


def _as_graph_element(obj: Any) -> Any:
    if isinstance(obj, str):
        return get_default_graph().as_graph_element(obj)
    return obj


class StopAtStepHook(SessionRunHook):
    """Requests a stop at a given global step: `num_steps` more steps, or `last_step`.

    Raises:
      ValueError: If both or neither of `num_steps` and `last_step` are given.
    """

    def __init__(self, num_steps: Optional[int] = None, last_step: Optional[int] = None):
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps = num_steps
        self._last_step = last_step

    def begin(self) -> None:
        self._global_step_tensor = training_util.get_global_step()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use StopAtStepHook.")

    def after_create_session(self, session: Any, coord: Any) -> None:
        if self._last_step is None:
            self._last_step = int(session.run(self._global_step_tensor)) + self._num_steps

    def before_run(self, run_context: SessionRunContext) -> SessionRunArgs:
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context: SessionRunContext, run_values: SessionRunValues) -> None:
        # The fetched value was read before this step's increment: add one, as TF1 does by
        # re-reading the step when the fetched value looks one short.
        step = int(run_values.results) + 1
        if step >= self._last_step:
            step = int(run_context.session.run(self._global_step_tensor))
            if step >= self._last_step:
                run_context.request_stop()


class CheckpointSaverListener:
    """Called around `CheckpointSaverHook`'s saves: `begin`, `before_save`, `after_save`
    (returning True requests a stop), `end`."""

    def begin(self) -> None:
        pass

    def before_save(self, session: Any, global_step_value: int) -> None:
        pass

    def after_save(self, session: Any, global_step_value: int) -> Optional[bool]:
        pass

    def end(self, session: Any, global_step_value: int) -> None:
        pass


class CheckpointSaverHook(SessionRunHook):
    """Saves a checkpoint `<checkpoint_dir>/<checkpoint_basename>-<step>` every `save_secs`
    seconds or `save_steps` steps (exactly one), at the first step, and at the end.

    Raises:
      ValueError: If both `saver` and `scaffold` are given, or both or neither of
        `save_secs` and `save_steps`.
    """

    def __init__(self, checkpoint_dir: str, save_secs: Optional[float] = None,
                 save_steps: Optional[int] = None, saver: Any = None,
                 checkpoint_basename: str = "model.ckpt", scaffold: Any = None,
                 listeners: Optional[Sequence[CheckpointSaverListener]] = None):
        if saver is not None and scaffold is not None:
            raise ValueError("You cannot provide both saver and scaffold.")
        self._saver = saver
        self._checkpoint_dir = checkpoint_dir
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._listeners = list(listeners or [])
        self._steps_per_run = 1

    def begin(self) -> None:
        self._summary_writer = None
        self._global_step_tensor = _global_step_or_raise("CheckpointSaverHook")
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session: Any, coord: Any) -> None:
        global_step = int(session.run(self._global_step_tensor))
        # TF1 writes the graph and saves once right away (a checkpoint at the starting step).
        from ..framework.graph_io import write_graph
        os.makedirs(self._checkpoint_dir, exist_ok=True)
        write_graph(get_default_graph(), self._checkpoint_dir, "graph.pbtxt")
        self._save(session, global_step)
        self._timer.update_last_triggered_step(global_step)

    def before_run(self, run_context: SessionRunContext) -> SessionRunArgs:
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context: SessionRunContext, run_values: SessionRunValues) -> None:
        stale = int(run_values.results)
        if self._timer.should_trigger_for_step(stale + self._steps_per_run):
            global_step = int(run_context.session.run(self._global_step_tensor))
            if self._timer.should_trigger_for_step(global_step):
                self._timer.update_last_triggered_step(global_step)
                if self._save(run_context.session, global_step):
                    run_context.request_stop()

    def end(self, session: Any) -> None:
        last_step = int(session.run(self._global_step_tensor))
        if last_step != self._timer.last_triggered_step():
            self._save(session, last_step)
        for listener in self._listeners:
            listener.end(session, last_step)

    def _save(self, session: Any, step: int) -> bool:
        _log.info("Saving checkpoints for %d into %s.", step, self._save_path)
        for listener in self._listeners:
            listener.before_save(session, step)
        self._get_saver().save(session, self._save_path, global_step=step)
        should_stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                _log.info("A CheckpointSaverListener requested that training be stopped.")
                should_stop = True
        return should_stop

    def _get_saver(self) -> Any:
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        savers = get_default_graph().get_collection(GraphKeys.SAVERS)
        if not savers:
            raise RuntimeError("No items in collection SAVERS. Please add a saver to the "
                               "collection (or pass saver= or scaffold=).")
        if len(savers) > 1:
            raise RuntimeError("More than one item in collection SAVERS. Please indicate "
                               "which one to use by passing it to the constructor.")
        self._saver = savers[0]
        return self._saver


class StepCounterHook(SessionRunHook):
    """Logs (and writes as the summary `global_step/sec`) the training speed in steps/sec."""

    def __init__(self, every_n_steps: Optional[int] = 100, every_n_secs: Optional[float] = None,
                 output_dir: Optional[str] = None, summary_writer: Any = None):
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("exactly one of every_n_steps and every_n_secs should be provided.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._summary_tag = "global_step/sec"

    def begin(self) -> None:
        if self._summary_writer is None and self._output_dir:
            from ..summary.writer import FileWriterCache
            self._summary_writer = FileWriterCache.get(self._output_dir)
        self._global_step_tensor = _global_step_or_raise("StepCounterHook")

    def before_run(self, run_context: SessionRunContext) -> SessionRunArgs:
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context: SessionRunContext, run_values: SessionRunValues) -> None:
        stale = int(run_values.results)
        if not self._timer.should_trigger_for_step(stale + 1):
            return
        # The fetched step may be stale: re-read it before acting, as TF1 does.
        step = int(run_context.session.run(self._global_step_tensor))
        if self._timer.should_trigger_for_step(step):
            secs, steps = self._timer.update_last_triggered_step(step)
            if secs is not None and secs > 0:
                rate = steps / secs
                _log.info("%s: %g", self._summary_tag, rate)
                if self._summary_writer is not None:
                    from ..summary.writer import Summary
                    summary = Summary(value=[Summary.Value(tag=self._summary_tag,
                                                           simple_value=rate)])
                    self._summary_writer.add_summary(summary, step)


class SummarySaverHook(SessionRunHook):
    """Saves the `summary_op` (or the scaffold's) every `save_steps` steps or `save_secs`
    seconds to `output_dir` (or `summary_writer`).

    Raises:
      ValueError: If both or neither of `scaffold` and `summary_op` are given.
    """

    def __init__(self, save_steps: Optional[int] = None, save_secs: Optional[float] = None,
                 output_dir: Optional[str] = None, summary_writer: Any = None,
                 scaffold: Any = None, summary_op: Any = None):
        if (scaffold is None) == (summary_op is None):
            raise ValueError("Exactly one of scaffold or summary_op must be provided.")
        self._summary_op = summary_op
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self) -> None:
        if self._summary_writer is None and self._output_dir:
            from ..summary.writer import FileWriterCache
            self._summary_writer = FileWriterCache.get(self._output_dir)
        self._next_step: Optional[int] = None
        self._global_step_tensor = _global_step_or_raise("SummarySaverHook")

    def _summary_ops(self) -> List[Any]:
        op = self._scaffold.summary_op if self._scaffold is not None else self._summary_op
        if op is None:
            return []
        return list(op) if isinstance(op, (list, tuple)) else [op]

    def before_run(self, run_context: SessionRunContext) -> SessionRunArgs:
        self._request_summary = (self._next_step is None
                                 or self._timer.should_trigger_for_step(self._next_step))
        # TF1 fetches the step with the run and relies on its executor reading it before the
        # train op increments it. tfgraph's plan reads a variable in creation order and
        # AssignAdd updates in place, so the fetched step would be the new one; read the
        # step before the run instead (a cached one-variable plan, ~2 us).
        if self._summary_writer is not None:
            self._stale_step = int(run_context.session.run(self._global_step_tensor))
        fetches = {}
        if self._request_summary and self._summary_ops():
            fetches["summary"] = self._summary_ops()
        return SessionRunArgs(fetches)

    def after_run(self, run_context: SessionRunContext, run_values: SessionRunValues) -> None:
        if self._summary_writer is None:
            return
        step = self._stale_step + 1
        if self._next_step is None or self._request_summary:
            step = int(run_context.session.run(self._global_step_tensor))
        if self._next_step is None:
            from ..summary.writer import SessionLog
            self._summary_writer.add_session_log(SessionLog(status=SessionLog.START), step)
        if self._request_summary:
            self._timer.update_last_triggered_step(step)
            for summary in run_values.results.get("summary", []):
                self._summary_writer.add_summary(summary, step)
        self._next_step = step + 1

    def end(self, session: Any = None) -> None:
        if self._summary_writer is not None:
            self._summary_writer.flush()


class LoggingTensorHook(SessionRunHook):
    """Logs the given tensors every `every_n_iter` steps or `every_n_secs` seconds (or only at
    the end with `at_end=True`), at INFO level on the "tfgraph.train" logger.

    Args:
      tensors: A dict tag -> tensor (or tensor name), or a list of tensors/names.
      formatter: A function dict tag -> value to str; default "tag = value, ...".
    """

    def __init__(self, tensors: Union[Dict[str, Any], Sequence[Any]],
                 every_n_iter: Optional[int] = None, every_n_secs: Optional[float] = None,
                 at_end: bool = False, formatter: Optional[Callable[[Dict], str]] = None):
        only_log_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_log_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("either at_end and/or exactly one of every_n_iter and "
                             "every_n_secs must be provided.")
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if not isinstance(tensors, dict):
            self._tag_order = [t if isinstance(t, str) else t.name for t in tensors]
            tensors = {tag: t for tag, t in zip(self._tag_order, tensors)}
        else:
            self._tag_order = sorted(tensors.keys())
        self._tensors = tensors
        self._formatter = formatter
        self._timer = (None if only_log_at_end else
                       SecondOrStepTimer(every_secs=every_n_secs, every_steps=every_n_iter))
        self._log_at_end = at_end

    def begin(self) -> None:
        if self._timer is not None:
            self._timer.reset()
        self._iter_count = 0
        self._current_tensors = {tag: _as_graph_element(t) for tag, t in self._tensors.items()}

    def before_run(self, run_context: SessionRunContext) -> Optional[SessionRunArgs]:
        self._should_trigger = (self._timer is not None
                                and self._timer.should_trigger_for_step(self._iter_count))
        return SessionRunArgs(self._current_tensors) if self._should_trigger else None

    def _log_tensors(self, tensor_values: Dict[str, Any]) -> None:
        elapsed, _ = self._timer.update_last_triggered_step(self._iter_count) \
            if self._timer is not None else (None, None)
        if self._formatter is not None:
            _log.info(self._formatter(tensor_values))
        else:
            stats = ", ".join(f"{tag} = {tensor_values[tag]}" for tag in self._tag_order)
            if elapsed is not None:
                _log.info("%s (%.3f sec)", stats, elapsed)
            else:
                _log.info("%s", stats)

    def after_run(self, run_context: SessionRunContext, run_values: SessionRunValues) -> None:
        if self._should_trigger:
            self._log_tensors(run_values.results)
        self._iter_count += 1

    def end(self, session: Any) -> None:
        if self._log_at_end:
            self._log_tensors(session.run(self._current_tensors))


class NanLossDuringTrainingError(RuntimeError):
    """Raised by `NanTensorHook` when the loss is NaN."""

    def __str__(self) -> str:
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """Raises `NanLossDuringTrainingError` (or, with `fail_on_nan_loss=False`, logs and
    requests a stop) when `loss_tensor` is NaN."""

    def __init__(self, loss_tensor: Any, fail_on_nan_loss: bool = True):
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def before_run(self, run_context: SessionRunContext) -> SessionRunArgs:
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context: SessionRunContext, run_values: SessionRunValues) -> None:
        if np.isnan(run_values.results).any():
            message = f"Model diverged with loss = NaN ({_name_of(self._loss_tensor)})."
            if self._fail_on_nan_loss:
                _log.error(message)
                raise NanLossDuringTrainingError
            _log.warning(message)
            run_context.request_stop()


def _name_of(t: Any) -> str:
    return t if isinstance(t, str) else getattr(t, "name", repr(t))


class FinalOpsHook(SessionRunHook):
    """Runs `final_ops` (with `final_ops_feed_dict`) in `end()`; see `final_ops_values`."""

    def __init__(self, final_ops: Any, final_ops_feed_dict: Optional[Dict] = None):
        self._final_ops = final_ops
        self._final_ops_feed_dict = final_ops_feed_dict
        self._final_ops_values = None

    @property
    def final_ops_values(self) -> Any:
        """The values of `final_ops` after the session ended (None before)."""
        return self._final_ops_values

    def end(self, session: Any) -> None:
        if self._final_ops is not None:
            self._final_ops_values = session.run(self._final_ops,
                                                 feed_dict=self._final_ops_feed_dict)


class FeedFnHook(SessionRunHook):
    """Feeds the dict returned by `feed_fn()` into every `run()`."""

    def __init__(self, feed_fn: Callable[[], Dict]):
        self.feed_fn = feed_fn

    def before_run(self, run_context: SessionRunContext) -> SessionRunArgs:
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())
