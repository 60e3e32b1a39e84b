"""`tf.estimator.train_and_evaluate` with `TrainSpec` and `EvalSpec` (the local, one-process
schedule of TF1: train, and after each new checkpoint -- at most every `throttle_secs` -- and
at the end, evaluate and run the exporters), and the exporters `FinalExporter` and
`LatestExporter` (SavedModels under `model_dir/export/<name>`)."""
from __future__ import annotations

import collections
import os
import shutil
import time
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from .. import logging as _log
from ..framework.graph_keys import GraphKeys
from ..train import basic_session_run_hooks as hooks_lib

__all__ = ["TrainSpec", "EvalSpec", "train_and_evaluate", "Exporter", "FinalExporter",
           "LatestExporter"]


def _validate_input_fn(input_fn: Any) -> None:
    if not callable(input_fn):
        raise TypeError(f"`input_fn` must be callable, given: {input_fn}")


def _validate_hooks(hooks: Any) -> tuple:
    hooks = tuple(hooks or [])
    for hook in hooks:
        if not isinstance(hook, hooks_lib.SessionRunHook):
            raise TypeError(f"All hooks must be `SessionRunHook` instances, given: {hook}")
    return hooks


class TrainSpec(collections.namedtuple("TrainSpec", ["input_fn", "max_steps", "hooks",
                                                     "saving_listeners"])):
    """The training half of `train_and_evaluate` (`tf.estimator.TrainSpec`).

    Raises:
      TypeError: If `input_fn` is not callable or a hook is not a `SessionRunHook`.
      ValueError: If `max_steps <= 0`.
    """

    def __new__(cls, input_fn: Callable, max_steps: Optional[int] = None,
                hooks: Optional[Sequence[Any]] = None,
                saving_listeners: Optional[Sequence[Any]] = None) -> "TrainSpec":
        _validate_input_fn(input_fn)
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        hooks = _validate_hooks(hooks)
        saving_listeners = tuple(saving_listeners or [])
        for listener in saving_listeners:
            if not isinstance(listener, hooks_lib.CheckpointSaverListener):
                raise TypeError("All saving_listeners must be `CheckpointSaverListener` "
                                f"instances, given: {listener}")
        return super().__new__(cls, input_fn, max_steps, hooks, saving_listeners)


class Exporter:
    """Exports the model after an evaluation (`tf.estimator.Exporter`)."""

    @property
    def name(self) -> str:
        raise NotImplementedError("Exporter.name")

    def export(self, estimator: Any, export_path: str, checkpoint_path: str,
               eval_result: Dict[str, Any], is_the_final_export: bool) -> Optional[bytes]:
        raise NotImplementedError("Exporter.export")


class FinalExporter(Exporter):
    """Exports a SavedModel once, after the final evaluation (`tf.estimator.FinalExporter`)."""

    def __init__(self, name: str, serving_input_receiver_fn: Callable, assets_extra: Any = None,
                 as_text: bool = False):
        if not name:
            raise ValueError("An Exporter cannot have a name that is `None` or empty.")
        self._name = name
        self._fn = serving_input_receiver_fn
        self._as_text = as_text

    @property
    def name(self) -> str:
        return self._name

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        if not is_the_final_export:
            return None
        return estimator.export_saved_model(export_path, self._fn, as_text=self._as_text,
                                            checkpoint_path=checkpoint_path)


class LatestExporter(FinalExporter):
    """Exports a SavedModel after every evaluation, keeping the newest `exports_to_keep`
    (`tf.estimator.LatestExporter`)."""

    def __init__(self, name: str, serving_input_receiver_fn: Callable, assets_extra: Any = None,
                 as_text: bool = False, exports_to_keep: Optional[int] = 5):
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text)
        if exports_to_keep is not None and exports_to_keep <= 0:
            raise ValueError("`exports_to_keep`, if provided, must be a positive number. Got "
                             f"{exports_to_keep}")
        self._keep = exports_to_keep

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        path = estimator.export_saved_model(export_path, self._fn, as_text=self._as_text,
                                            checkpoint_path=checkpoint_path)
        if self._keep is not None:
            stamps = sorted(int(d) for d in os.listdir(export_path) if d.isdigit())
            for old in stamps[:-self._keep]:
                shutil.rmtree(os.path.join(export_path, str(old)), ignore_errors=True)
        return path


def _validate_exporters(exporters: Any) -> tuple:
    if exporters is None:
        return ()
    if isinstance(exporters, Exporter):
        exporters = [exporters]
    exporters = tuple(exporters)
    names = set()
    for e in exporters:
        if not isinstance(e, Exporter):
            raise TypeError(f"`exporters` must be an Exporter, an iterable of Exporter, or "
                            f"`None`, found {e}.")
        if e.name in names:
            raise ValueError(f"`exporters` must have unique names. Such a name cannot be "
                             f"`None`. {e.name} was found more than once.")
        names.add(e.name)
    return exporters


class EvalSpec(collections.namedtuple("EvalSpec", ["input_fn", "steps", "name", "hooks",
                                                   "exporters", "start_delay_secs",
                                                   "throttle_secs"])):
    """The evaluation half of `train_and_evaluate` (`tf.estimator.EvalSpec`); locally,
    `start_delay_secs` is not used and `throttle_secs` is the least time between two
    evaluations.

    Raises:
      TypeError: If `input_fn` is not callable, `name` not a string, or a hook or exporter of
        the wrong type.
      ValueError: If `steps <= 0` or a delay is negative.
    """

    def __new__(cls, input_fn: Callable, steps: Optional[int] = 100, name: Optional[str] = None,
                hooks: Optional[Sequence[Any]] = None, exporters: Any = None,
                start_delay_secs: int = 120, throttle_secs: int = 600) -> "EvalSpec":
        _validate_input_fn(input_fn)
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be string, given: {name}")
        hooks = _validate_hooks(hooks)
        exporters = _validate_exporters(exporters)
        if start_delay_secs < 0:
            raise ValueError(f"Must specify start_delay_secs >= 0, given: {start_delay_secs}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn, steps, name, hooks, exporters, start_delay_secs,
                               throttle_secs)


class _Evaluator:
    """Evaluates each new checkpoint once and runs the exporters."""

    def __init__(self, estimator: Any, eval_spec: EvalSpec, max_steps: Optional[int]):
        self._estimator = estimator
        self._spec = eval_spec
        self._max_steps = max_steps
        self._previous_ckpt: Optional[str] = None
        self.eval_result: Optional[Dict[str, Any]] = None
        self.export_results: list = []

    def evaluate_and_export(self) -> bool:
        """Evaluates the latest checkpoint if new; True when training reached max_steps."""
        ckpt = self._estimator.latest_checkpoint()
        if not ckpt:
            raise RuntimeError("There was no new checkpoint after the training.")
        if ckpt == self._previous_ckpt:
            _log.info("Skip the current checkpoint eval: it was evaluated already (%s).", ckpt)
            return False
        result = self._estimator.evaluate(self._spec.input_fn, steps=self._spec.steps,
                                          hooks=self._spec.hooks, checkpoint_path=ckpt,
                                          name=self._spec.name)
        self._previous_ckpt = ckpt
        self.eval_result = result
        step = int(result[GraphKeys.GLOBAL_STEP])
        final = self._max_steps is not None and step >= self._max_steps
        for exporter in self._spec.exporters:
            base = os.path.join(self._estimator.model_dir, "export", exporter.name)
            self.export_results.append(exporter.export(self._estimator, base, ckpt, result,
                                                       final))
        return final


class _EvalAfterCheckpoint(hooks_lib.CheckpointSaverListener):
    """Evaluates after a checkpoint (at most every `throttle_secs`) and at the end."""

    def __init__(self, evaluator: _Evaluator, throttle_secs: float):
        self._evaluator = evaluator
        self._throttle_secs = throttle_secs

    def begin(self) -> None:
        self._last_time: Optional[float] = None
        self._last_step: Optional[int] = None
        self._first = True

    def _evaluate(self, global_step_value: int) -> bool:
        self._last_time, self._last_step = time.time(), global_step_value
        return self._evaluator.evaluate_and_export()

    def after_save(self, session: Any, global_step_value: int) -> Optional[bool]:
        if self._first:  # the checkpoint at the start: nothing trained yet
            self._first = False
            return None
        if self._last_time is None or time.time() - self._last_time >= self._throttle_secs:
            return self._evaluate(global_step_value)
        _log.info("Skip the current checkpoint eval due to throttle secs (%s secs).",
                  self._throttle_secs)
        return None

    def end(self, session: Any, global_step_value: int) -> None:
        if global_step_value != self._last_step:
            self._evaluate(global_step_value)


def train_and_evaluate(estimator: Any, train_spec: TrainSpec,
                       eval_spec: EvalSpec) -> Tuple[Optional[Dict[str, Any]], list]:
    """Trains `estimator` with `train_spec` and evaluates it with `eval_spec` after new
    checkpoints (`tf.estimator.train_and_evaluate`, local mode): training stops at
    `train_spec.max_steps` (or the end of its input); the last checkpoint is always
    evaluated.

    Returns:
      `(metrics of the last evaluation, [results of the exporters])`.

    Raises:
      TypeError: If an argument has the wrong type.
    """
    from .estimator import Estimator
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`. Got: "
                        f"{type(train_spec)}")
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`. Got: "
                        f"{type(eval_spec)}")
    config = estimator.config
    _log.info("Start train and evaluate loop. The evaluate will happen after every "
              "checkpoint. Checkpoint frequency is determined based on RunConfig arguments: "
              "save_checkpoints_steps %s or save_checkpoints_secs %s.",
              config.save_checkpoints_steps, config.save_checkpoints_secs)
    evaluator = _Evaluator(estimator, eval_spec, train_spec.max_steps)
    listener = _EvalAfterCheckpoint(evaluator, eval_spec.throttle_secs)
    estimator.train(train_spec.input_fn, hooks=list(train_spec.hooks),
                    max_steps=train_spec.max_steps,
                    saving_listeners=list(train_spec.saving_listeners) + [listener])
    if evaluator.eval_result is None:  # max_steps was reached before: evaluate it now
        evaluator.evaluate_and_export()
    return evaluator.eval_result, evaluator.export_results
