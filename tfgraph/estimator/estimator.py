"""`tf.estimator.Estimator`: trains, evaluates, predicts with and exports a model given as a
`model_fn`, the TF1 way.

Every call builds a new `tf.Graph`: it sets the config's graph seed, creates the global step,
calls the `input_fn` (a `(features, labels)` pair, a `features` tensor/dict, or a
`tf.data.Dataset` of them) and the `model_fn(features, labels, mode, params, config)` (each
argument passed only when the function names it), then runs a monitored session that restores
the latest checkpoint of `model_dir` (or initializes the variables):

- `train` runs the `train_op` under a `MonitoredTrainingSession` with a
  `CheckpointSaverHook` (`model_dir/model.ckpt-<step>` every `save_checkpoints_steps`/`secs`
  and at the end), a `SummarySaverHook` (the `loss` scalar and the model's summaries every
  `save_summary_steps`, events in `model_dir`), a `StepCounterHook`, a `NanTensorHook` and a
  `LoggingTensorHook` of loss and step, until the input ends or `steps`/`max_steps` is reached;
- `evaluate` runs the metrics' update ops over the input (or `steps` batches) and returns
  their values plus `loss` (the mean of the per-batch loss) and `global_step`, also written as
  summaries under `model_dir/eval` (`eval_<name>`);
- `predict` yields the `predictions`, one example at a time by default;
- `export_saved_model` writes a SavedModel of the PREDICT graph under
  `export_dir_base/<timestamp>`.
"""
from __future__ import annotations

import copy
import functools
import inspect
import os
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import numpy as np

from .. import logging as _log
from ..framework.graph import Graph, get_default_graph
from ..framework.graph_keys import GraphKeys
from ..ops import control_flow_ops, state_ops, variables
from ..ops.random_ops import set_random_seed
from ..ops.metrics_ops import mean as _metric_mean
from ..train import basic_session_run_hooks as hooks_lib
from ..train import checkpoint_management
from ..train import monitored_session as ms
from ..train import training_util
from ..train.saver import Saver
from .model_fn import LOSS_METRIC_KEY, EstimatorSpec, ModeKeys
from .run_config import RunConfig, with_model_dir

__all__ = ["Estimator", "WarmStartSettings"]

_VALID_MODEL_FN_ARGS = {"features", "labels", "mode", "params", "self", "config"}


def fn_args(fn: Callable) -> tuple:
    """The argument names `fn` takes (a bound method without `self`, a `functools.partial`
    without its bound arguments), as TF1's `function_utils.fn_args`."""
    if isinstance(fn, functools.partial):
        names = list(fn_args(fn.func))
        names = names[len(fn.args):]
        return tuple(n for n in names if n not in (fn.keywords or {}))
    if not (inspect.isfunction(fn) or inspect.ismethod(fn)) and callable(fn) and \
            hasattr(fn, "__call__") and not inspect.isclass(fn):
        fn = fn.__call__
    params = inspect.signature(fn).parameters
    return tuple(n for n, p in params.items()
                 if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))


def _verify_model_fn_args(model_fn: Callable, params: Any) -> None:
    args = set(fn_args(model_fn))
    if "features" not in args:
        raise ValueError(f"model_fn ({model_fn}) must include features argument.")
    if params is not None and "params" not in args:
        raise ValueError(f"model_fn ({model_fn}) does not include params argument, but params "
                         f"({params}) is passed to Estimator.")
    if params is None and "params" in args:
        _log.warning("Estimator's model_fn (%s) includes params argument, but params are not "
                     "passed to Estimator.", model_fn)
    unexpected = sorted(args - _VALID_MODEL_FN_ARGS)
    if unexpected:
        raise ValueError(f"model_fn ({model_fn}) has following not expected args: {unexpected}")


class WarmStartSettings:
    """Where `Estimator(warm_start_from=...)` takes initial values from
    (`tf.estimator.WarmStartSettings`): `ckpt_to_initialize_from` (a checkpoint or a folder)
    and `vars_to_warm_start` (a regular expression, default ".*": all trainable variables)."""

    def __init__(self, ckpt_to_initialize_from: str, vars_to_warm_start: Any = ".*",
                 var_name_to_vocab_info: Any = None, var_name_to_prev_var_name: Any = None):
        if not ckpt_to_initialize_from:
            raise ValueError("`ckpt_to_initialize_from` MUST be set in WarmStartSettings")
        if var_name_to_vocab_info:
            raise NotImplementedError("WarmStartSettings(var_name_to_vocab_info=...) is not "
                                      "offered by tfgraph: warm-start from a checkpoint whose "
                                      "vocabularies match")
        self.ckpt_to_initialize_from = os.fspath(ckpt_to_initialize_from)
        self.vars_to_warm_start = vars_to_warm_start
        self.var_name_to_prev_var_name = dict(var_name_to_prev_var_name or {})

    def __repr__(self) -> str:
        return (f"WarmStartSettings(ckpt_to_initialize_from={self.ckpt_to_initialize_from!r}, "
                f"vars_to_warm_start={self.vars_to_warm_start!r})")


def _warm_start_settings(warm_start_from: Any) -> Optional[WarmStartSettings]:
    if warm_start_from is None:
        return None
    if isinstance(warm_start_from, (str, bytes, os.PathLike)):
        path = os.fsdecode(warm_start_from)
        return WarmStartSettings(path)
    if isinstance(warm_start_from, WarmStartSettings):
        return warm_start_from
    raise ValueError("warm_start_from must be a string or a WarmStartSettings, instead got "
                     f"{type(warm_start_from)}")


def _warm_start(settings: WarmStartSettings) -> None:
    """Initializes the matching variables of the default graph from the checkpoint (TF1's
    `tf.train.warm_start`: trainable variables whose names match `vars_to_warm_start`)."""
    import re
    from ..train.checkpoint_utils import init_from_checkpoint
    pattern = settings.vars_to_warm_start
    if isinstance(pattern, str) or pattern is None:
        candidates = variables.trainable_variables() if pattern in (".*", None) else \
            [v for v in variables.global_variables() if re.match(pattern, v.op.name)]
    else:
        candidates = [v for v in variables.global_variables()
                      if any(re.match(p, v.op.name) for p in pattern)]
    assignment = {}
    for v in candidates:
        name = v.op.name
        assignment[settings.var_name_to_prev_var_name.get(name, name)] = v
    if assignment:
        init_from_checkpoint(settings.ckpt_to_initialize_from, assignment)


def _check_hooks_type(hooks: Any) -> List[Any]:
    hooks = list(hooks or [])
    for h in hooks:
        if not isinstance(h, hooks_lib.SessionRunHook):
            raise TypeError(f"Hooks must be a SessionRunHook, given: {h}")
    return hooks


def _check_listeners_type(listeners: Any) -> List[Any]:
    listeners = list(listeners or [])
    for l in listeners:
        if not isinstance(l, hooks_lib.CheckpointSaverListener):
            raise TypeError(f"saving_listeners must be a list of CheckpointSaverListener, "
                            f"given: {l}")
    return listeners


def _load_global_step(checkpoint_dir: str) -> int:
    path = checkpoint_management.latest_checkpoint(checkpoint_dir)
    if not path:
        return 0
    try:
        return int(checkpoint_management.load_variable(path, GraphKeys.GLOBAL_STEP))
    except Exception:  # noqa: BLE001  (TF1: a checkpoint without a step counts as step 0)
        return 0


class _DatasetInitializerHook(hooks_lib.SessionRunHook):
    """Initializes the iterator of an `input_fn`'s dataset once the session exists."""

    def __init__(self, iterator: Any):
        self._iterator = iterator

    def begin(self) -> None:
        self._initializer = self._iterator.initializer

    def after_create_session(self, session: Any, coord: Any) -> None:
        session.run(self._initializer)


def _parse_input_fn_result(result: Any):
    """(features, labels, hooks) from what an `input_fn` returned (TF1's
    `parse_input_fn_result`)."""
    from ..data.dataset_ops import Dataset
    input_hooks = []
    if isinstance(result, Dataset):
        iterator = result.make_initializable_iterator()
        input_hooks.append(_DatasetInitializerHook(iterator))
        result = iterator.get_next()
    if isinstance(result, (list, tuple)):
        if len(result) != 2:
            raise ValueError("input_fn should return (features, labels) as a len 2 tuple.")
        return result[0], result[1], input_hooks
    return result, None, input_hooks


class _StopAfterNEvalsHook(hooks_lib.SessionRunHook):
    """Stops an evaluation after `num_evals` batches (counted by the `eval_step` variable)."""

    def __init__(self, num_evals: int, eval_step: Any):
        self._num_evals = num_evals
        self._eval_step = eval_step

    def before_run(self, run_context: Any) -> Any:
        return hooks_lib.SessionRunArgs(self._eval_step)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if int(run_values.results) >= self._num_evals:
            run_context.request_stop()


def _get_or_create_eval_step() -> Any:
    """The local int64 `eval_step` counter (collection `eval_step`), as TF1's evaluation."""
    graph = get_default_graph()
    existing = graph.get_collection(GraphKeys.EVAL_STEP)
    if existing:
        return existing[0]
    from ..framework import dtypes
    from ..ops import array_ops
    step = variables.Variable(array_ops.zeros([], dtypes.int64), trainable=False,
                              name=GraphKeys.EVAL_STEP,
                              collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.EVAL_STEP])
    return step


def _write_dict_to_summary(output_dir: str, dictionary: Dict[str, Any], step: int) -> None:
    from ..summary.writer import FileWriterCache, Summary
    _log.info("Saving dict for global step %d: %s", step,
              ", ".join(f"{k} = {v}" for k, v in sorted(dictionary.items())
                        if not isinstance(v, bytes)))
    writer = FileWriterCache.get(output_dir)
    proto = Summary()
    for key, value in dictionary.items():
        if value is None or key == "global_step":
            continue
        if isinstance(value, (float, int, np.floating, np.integer)) or \
                (isinstance(value, np.ndarray) and value.ndim == 0
                 and value.dtype.kind in "fiu"):
            proto.value.add(tag=key, simple_value=float(value))
        else:
            _log.warning("Skipping summary for %s, must be a float, np.float32, np.int64, "
                         "np.int32 or int.", key)
    writer.add_summary(proto, step)
    writer.flush()


class Estimator:
    """Trains and evaluates a model given by `model_fn` (`tf.estimator.Estimator`).

    Example:
      def model_fn(features, labels, mode, params):
          logits = tf.layers.dense(features["x"], 10)
          ...
          return tf.estimator.EstimatorSpec(mode, predictions=..., loss=loss,
                                            train_op=train_op)
      est = tf.estimator.Estimator(model_fn, model_dir="/tmp/model", params={"lr": 0.1})
      est.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, shuffle=True,
                                                   num_epochs=None), steps=100)

    Args:
      model_fn: `model_fn(features, labels, mode, params, config)` returning an
        `EstimatorSpec`; only `features` is required, the others are passed when named.
      model_dir: Where checkpoints and summaries go; default the config's, else a new
        temporary folder.
      config: A `RunConfig`.
      params: A dict passed to `model_fn` as `params` (a deep copy).
      warm_start_from: A checkpoint (or folder) or `WarmStartSettings` to initialize the
        trainable variables from when `model_dir` has no checkpoint yet.

    Raises:
      ValueError: If `model_fn` is missing or takes unexpected arguments, `params` is given
        but `model_fn` does not take it, or `model_dir` contradicts the config's.
    """

    def __init__(self, model_fn: Callable, model_dir: Optional[str] = None,
                 config: Optional[RunConfig] = None, params: Optional[Dict] = None,
                 warm_start_from: Any = None):
        if not model_fn:
            raise ValueError("model_fn must be provided to Estimator.")
        _verify_model_fn_args(model_fn, params)
        self._config = with_model_dir(config, model_dir)
        self._model_dir = self._config.model_dir
        self._session_config = self._config.session_config
        self._params = copy.deepcopy(params or {})
        self._model_fn = model_fn
        self._warm_start_settings = _warm_start_settings(warm_start_from)

    # --- properties --------------------------------------------------------------------------
    @property
    def model_dir(self) -> str:
        return self._model_dir

    @property
    def config(self) -> RunConfig:
        return copy.copy(self._config)

    @property
    def params(self) -> Dict:
        return copy.deepcopy(self._params)

    @property
    def model_fn(self) -> Callable:
        """`model_fn(features, labels, mode, config)` calling this estimator's model_fn."""
        def public_model_fn(features, labels, mode, config):
            return self._call_model_fn(features, labels, mode, config)
        return public_model_fn

    # --- checkpoints -------------------------------------------------------------------------
    def latest_checkpoint(self) -> Optional[str]:
        """The path of the latest checkpoint in `model_dir`, or None."""
        return checkpoint_management.latest_checkpoint(self.model_dir)

    def _checkpoint_or_raise(self) -> str:
        path = self.latest_checkpoint()
        if not path:
            raise ValueError(f"Could not find trained model in model_dir: {self.model_dir}.")
        return path

    def get_variable_value(self, name: str) -> np.ndarray:
        """The value of variable `name` in the latest checkpoint.

        Raises:
          ValueError: If `model_dir` has no checkpoint.
        """
        return checkpoint_management.load_variable(self._checkpoint_or_raise(), name)

    def get_variable_names(self) -> List[str]:
        """The names of the variables in the latest checkpoint.

        Raises:
          ValueError: If `model_dir` has no checkpoint.
        """
        return [name for name, _ in
                checkpoint_management.list_variables(self._checkpoint_or_raise())]

    def eval_dir(self, name: Optional[str] = None) -> str:
        """`model_dir/eval` (or `eval_<name>`): where `evaluate` writes its summaries."""
        return os.path.join(self._model_dir, "eval" if not name else "eval_" + name)

    # --- building ----------------------------------------------------------------------------
    def _new_graph(self) -> Graph:
        graph = Graph()
        with graph.as_default():
            set_random_seed(self._config.tf_random_seed)
            step = training_util.create_global_step(graph)
            assert step.dtype.is_integer
        return graph

    def _call_input_fn(self, input_fn: Callable, mode: str) -> Any:
        if not callable(input_fn):
            raise TypeError(f"input_fn must be callable, given: {input_fn}")
        args = fn_args(input_fn)
        kwargs = {}
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self.config
        return input_fn(**kwargs)

    def _call_model_fn(self, features: Any, labels: Any, mode: str,
                       config: RunConfig) -> EstimatorSpec:
        args = fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = config
        _log.info("Calling model_fn.")
        spec = self._model_fn(features=features, **kwargs)
        _log.info("Done calling model_fn.")
        if not isinstance(spec, EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        return spec

    def _maybe_warm_start(self, checkpoint_path: Optional[str]) -> None:
        if not checkpoint_path and self._warm_start_settings:
            _log.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            _warm_start(self._warm_start_settings)

    # --- train -------------------------------------------------------------------------------
    def train(self, input_fn: Callable, hooks: Optional[Sequence[Any]] = None,
              steps: Optional[int] = None, max_steps: Optional[int] = None,
              saving_listeners: Optional[Sequence[Any]] = None) -> "Estimator":
        """Trains on the batches of `input_fn` until it ends, `steps` more steps are done, or
        the global step reaches `max_steps`.

        Args:
          input_fn: `() -> (features, labels)` or a `tf.data.Dataset` of such pairs; may take
            `mode`, `params`, `config`.
          hooks: More `SessionRunHook`s.
          steps: Steps to train for (added to the step restored from `model_dir`).
          max_steps: The global step to stop at (nothing happens if already there).
          saving_listeners: `CheckpointSaverListener`s called around each checkpoint.

        Returns:
          `self`, for chaining.

        Raises:
          ValueError: If both `steps` and `max_steps` are given, or either is <= 0.
        """
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        if max_steps is not None:
            start_step = _load_global_step(self._model_dir)
            if max_steps <= start_step:
                _log.info("Skipping training since max_steps has already saved.")
                return self
        hooks = _check_hooks_type(hooks)
        if steps is not None or max_steps is not None:
            hooks.append(hooks_lib.StopAtStepHook(steps, max_steps))
        saving_listeners = _check_listeners_type(saving_listeners)
        loss = self._train_model(input_fn, hooks, saving_listeners)
        _log.info("Loss for final step: %s.", loss)
        return self

    def _train_model(self, input_fn: Callable, hooks: List[Any], saving_listeners: List[Any]):
        graph = self._new_graph()
        with graph.as_default():
            features, labels, input_hooks = _parse_input_fn_result(
                self._call_input_fn(input_fn, ModeKeys.TRAIN))
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN, self.config)
            global_step = training_util.get_global_step(graph)
            return self._train_with_estimator_spec(spec, list(input_hooks), hooks,
                                                   global_step, saving_listeners)

    def _train_with_estimator_spec(self, spec: EstimatorSpec, worker_hooks: List[Any],
                                   hooks: List[Any], global_step: Any,
                                   saving_listeners: List[Any]) -> Any:
        from ..summary import summary_ops
        if self._warm_start_settings and not self.latest_checkpoint():
            _log.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            _warm_start(self._warm_start_settings)
        graph = get_default_graph()
        # TensorBoard shows the loss under "loss" unless the model_fn wrote one already.
        if not any(s.op.name == "loss" for s in graph.get_collection(GraphKeys.SUMMARIES)):
            summary_ops.scalar("loss", spec.loss)
        graph.add_to_collection(GraphKeys.LOSSES, spec.loss)
        worker_hooks.extend(hooks)
        worker_hooks.append(hooks_lib.NanTensorHook(spec.loss))
        if self._config.log_step_count_steps is not None:
            worker_hooks.append(hooks_lib.LoggingTensorHook(
                {"loss": spec.loss, "step": global_step},
                every_n_iter=self._config.log_step_count_steps))
        worker_hooks.extend(spec.training_hooks)
        if not (spec.scaffold.saver or graph.get_collection(GraphKeys.SAVERS)):
            graph.add_to_collection(GraphKeys.SAVERS, Saver(
                sharded=True, max_to_keep=self._config.keep_checkpoint_max,
                keep_checkpoint_every_n_hours=self._config.keep_checkpoint_every_n_hours,
                defer_build=True, save_relative_paths=True))
        chief_hooks: List[Any] = []
        all_hooks = worker_hooks + list(spec.training_chief_hooks)
        saver_hooks = [h for h in all_hooks if isinstance(h, hooks_lib.CheckpointSaverHook)]
        if self._config.save_checkpoints_secs or self._config.save_checkpoints_steps:
            if not saver_hooks:
                chief_hooks = [hooks_lib.CheckpointSaverHook(
                    self._model_dir, save_secs=self._config.save_checkpoints_secs,
                    save_steps=self._config.save_checkpoints_steps, scaffold=spec.scaffold)]
                saver_hooks = [chief_hooks[0]]
        if saving_listeners:
            if not saver_hooks:
                raise ValueError("There should be a CheckpointSaverHook to use "
                                 "saving_listeners. Please set one of the "
                                 "RunConfig.save_checkpoints_steps or "
                                 "RunConfig.save_checkpoints_secs.")
            for listener in saving_listeners:
                if listener not in saver_hooks[0]._listeners:
                    saver_hooks[0]._listeners.append(listener)
        with ms.MonitoredTrainingSession(
                checkpoint_dir=self._model_dir, scaffold=spec.scaffold, hooks=worker_hooks,
                chief_only_hooks=tuple(chief_hooks) + tuple(spec.training_chief_hooks),
                save_checkpoint_secs=0, save_summaries_steps=self._config.save_summary_steps,
                config=self._session_config,
                log_step_count_steps=self._config.log_step_count_steps) as mon_sess:
            loss = None
            current_step = 0
            while not mon_sess.should_stop():
                current_step += 1
                _, loss = mon_sess.run([spec.train_op, spec.loss])
        if current_step == 0:
            _log.warning("Training with estimator made no steps. Perhaps input is empty or "
                         "misspecified.")
        return loss

    # --- evaluate ----------------------------------------------------------------------------
    def evaluate(self, input_fn: Callable, steps: Optional[int] = None,
                 hooks: Optional[Sequence[Any]] = None, checkpoint_path: Optional[str] = None,
                 name: Optional[str] = None) -> Dict[str, Any]:
        """Evaluates the model of the latest checkpoint (or `checkpoint_path`; freshly
        initialized variables when there is none) on the batches of `input_fn`.

        Args:
          input_fn: As for `train`; evaluation runs until it ends or `steps` batches.
          steps: Batches to evaluate (None: until the input ends).
          hooks: More `SessionRunHook`s.
          checkpoint_path: A checkpoint to evaluate instead of the latest.
          name: Evaluation name: summaries go to `model_dir/eval_<name>`.

        Returns:
          `{metric name: value}` of the spec's `eval_metric_ops`, plus `loss` (the mean of the
          per-batch loss) and `global_step`.

        Raises:
          ValueError: If `steps <= 0`, or `eval_metric_ops` names `loss` or `global_step`.
        """
        hooks = _check_hooks_type(hooks)
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
            if not checkpoint_path:
                _log.info("Could not find trained model in model_dir: %s, running "
                          "initialization to evaluate.", self._model_dir)
        graph = self._new_graph()
        with graph.as_default():
            features, labels, input_hooks = _parse_input_fn_result(
                self._call_input_fn(input_fn, ModeKeys.EVAL))
            spec = self._call_model_fn(features, labels, ModeKeys.EVAL, self.config)
            metric_ops = dict(spec.eval_metric_ops)
            if LOSS_METRIC_KEY in metric_ops:
                raise ValueError(f'Metric with name "{LOSS_METRIC_KEY}" is not allowed, because '
                                 "Estimator already defines a default metric with the same "
                                 "name.")
            metric_ops[LOSS_METRIC_KEY] = _metric_mean(spec.loss)
            global_step = training_util.get_global_step(graph)
            self._maybe_warm_start(checkpoint_path)
            if GraphKeys.GLOBAL_STEP in metric_ops:
                raise ValueError("Metric with name `global_step` is not allowed, because "
                                 "Estimator already defines a default metric with the same "
                                 "name.")
            update_ops, eval_dict = [], {}
            for key, (value, update) in sorted(metric_ops.items()):
                eval_dict[key] = value
                update_ops.append(update)
            eval_dict[GraphKeys.GLOBAL_STEP] = global_step
            eval_step = _get_or_create_eval_step()
            with graph.control_dependencies(update_ops):
                update_op = state_ops.assign_add(eval_step, 1)
            all_hooks = list(input_hooks) + hooks + list(spec.evaluation_hooks or [])
            if steps is not None:
                all_hooks.append(_StopAfterNEvalsHook(steps, eval_step))
            final_hook = hooks_lib.FinalOpsHook(eval_dict)
            all_hooks.append(final_hook)
            creator = ms.ChiefSessionCreator(scaffold=spec.scaffold,
                                             checkpoint_filename_with_path=checkpoint_path,
                                             config=self._session_config)
            _log.info("Starting evaluation at %s", time.strftime("%Y-%m-%dT%H:%M:%S"))
            with ms.MonitoredSession(session_creator=creator, hooks=all_hooks) as session:
                while not session.should_stop():
                    session.run(update_op)
            results = final_hook.final_ops_values
            _write_dict_to_summary(self.eval_dir(name), results,
                                   int(results[GraphKeys.GLOBAL_STEP]))
        return results

    # --- predict -----------------------------------------------------------------------------
    def predict(self, input_fn: Callable, predict_keys: Optional[Sequence[str]] = None,
                hooks: Optional[Sequence[Any]] = None, checkpoint_path: Optional[str] = None,
                yield_single_examples: bool = True) -> Iterator[Any]:
        """Yields the model's predictions for the features of `input_fn` until it ends.

        Args:
          input_fn: `() -> features` (a tensor or dict), `(features, labels)` (labels are
            ignored), or a `tf.data.Dataset` of them.
          predict_keys: Keep only these keys of dict predictions.
          hooks: More `SessionRunHook`s.
          checkpoint_path: A checkpoint to use instead of the latest.
          yield_single_examples: Yield one example at a time (True) or whole batches.

        Yields:
          The evaluated predictions: per example, a dict (or array) of NumPy values.

        Raises:
          ValueError: If `predict_keys` is given for non-dict predictions or matches no key,
            or dict predictions have different batch sizes.
        """
        hooks = _check_hooks_type(hooks)
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
        if not checkpoint_path:
            _log.info("Could not find trained model in model_dir: %s, running initialization "
                      "to predict.", self._model_dir)
        graph = self._new_graph()
        with graph.as_default():
            features, _, input_hooks = _parse_input_fn_result(
                self._call_input_fn(input_fn, ModeKeys.PREDICT))
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT, self.config)
            self._maybe_warm_start(checkpoint_path)
            predictions = self._extract_keys(spec.predictions, predict_keys)
            all_hooks = list(input_hooks) + hooks + list(spec.prediction_hooks or [])
            creator = ms.ChiefSessionCreator(scaffold=spec.scaffold,
                                             checkpoint_filename_with_path=checkpoint_path,
                                             config=self._session_config)
            with ms.MonitoredSession(session_creator=creator, hooks=all_hooks) as session:
                while not session.should_stop():
                    values = session.run(predictions)
                    if not yield_single_examples:
                        yield values
                    elif not isinstance(predictions, dict):
                        yield from values
                    else:
                        for i in range(self._extract_batch_length(values)):
                            yield {key: value[i] for key, value in values.items()}

    @staticmethod
    def _extract_batch_length(values: Dict[str, Any]) -> int:
        length = None
        for key, value in values.items():
            length = length or value.shape[0]
            if value.shape[0] != length:
                raise ValueError(f"Batch length of predictions should be same. {key} has "
                                 "different batch length than others.")
        return length

    @staticmethod
    def _extract_keys(predictions: Any, predict_keys: Optional[Sequence[str]]) -> Any:
        if not predict_keys:
            return predictions
        if not isinstance(predictions, dict):
            raise ValueError("predict_keys argument is not valid in case of non-dict "
                             "predictions.")
        kept = {k: v for k, v in predictions.items() if k in predict_keys}
        if not kept:
            raise ValueError(f"Expected to run at least one output from "
                             f"{list(predictions.keys())}, provided {predict_keys}.")
        return kept

    # --- export ------------------------------------------------------------------------------
    def export_saved_model(self, export_dir_base: str, serving_input_receiver_fn: Callable,
                           assets_extra: Optional[Dict] = None, as_text: bool = False,
                           checkpoint_path: Optional[str] = None,
                           experimental_mode: str = ModeKeys.PREDICT) -> bytes:
        """Exports the PREDICT graph with the latest checkpoint's variables as a SavedModel in
        a new folder `export_dir_base/<timestamp>`, tagged "serve", with one signature per
        export output (default "serving_default": the predictions).

        Args:
          export_dir_base: The folder the timestamped export folder is made in.
          serving_input_receiver_fn: `() -> ServingInputReceiver` (e.g. from
            `tf.estimator.export.build_raw_serving_input_receiver_fn`).
          assets_extra: Not offered (must be None).
          as_text: Write `saved_model.pbtxt` instead of `saved_model.pb`.
          checkpoint_path: A checkpoint to export instead of the latest.
          experimental_mode: Only `ModeKeys.PREDICT`.

        Returns:
          The export folder, as bytes (as TF1).

        Raises:
          ValueError: If `serving_input_receiver_fn` is None or there is no checkpoint.
        """
        from ..saved_model.saved_model_io import SavedModelBuilder
        from ..session import Session
        from .export_lib import ServingInputReceiver, build_signature_defs
        if not serving_input_receiver_fn:
            raise ValueError("An input_receiver_fn must be defined.")
        if assets_extra:
            raise NotImplementedError("export_saved_model(assets_extra=...) is not offered by "
                                      "tfgraph: copy the files next to the SavedModel")
        if experimental_mode != ModeKeys.PREDICT:
            raise NotImplementedError(f"export_saved_model(experimental_mode="
                                      f"{experimental_mode!r}) is not offered by tfgraph: "
                                      "only ModeKeys.PREDICT graphs are exported")
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
        if not checkpoint_path:
            raise ValueError(f"Couldn't find trained model at {self._model_dir}.")
        graph = self._new_graph()
        with graph.as_default():
            receiver = serving_input_receiver_fn()
            if not isinstance(receiver, ServingInputReceiver):
                raise TypeError("serving_input_receiver_fn must return a "
                                f"ServingInputReceiver, given: {receiver}")
            spec = self._call_model_fn(receiver.features, None, ModeKeys.PREDICT, self.config)
            signatures = build_signature_defs(receiver.receiver_tensors, spec.export_outputs,
                                              receiver.receiver_tensors_alternatives)
            export_dir = _timestamped_dir(os.fspath(export_dir_base))
            temp_dir = export_dir + ".tmp"
            with Session(config=self._session_config) as sess:
                saver = spec.scaffold.saver or Saver(sharded=True)
                saver.restore(sess, checkpoint_path)
                local_init = spec.scaffold.local_init_op
                if local_init is None:
                    from ..ops.misc_api import tables_initializer
                    local_init = control_flow_ops.group(variables.local_variables_initializer(),
                                                        tables_initializer())
                builder = SavedModelBuilder(temp_dir)
                builder.add_meta_graph_and_variables(sess, ["serve"],
                                                     signature_def_map=signatures,
                                                     main_op=local_init)
                builder.save(as_text)
            os.rename(temp_dir, export_dir)
        return os.fsencode(export_dir)

    def export_savedmodel(self, export_dir_base: str, serving_input_receiver_fn: Callable,
                          assets_extra: Optional[Dict] = None, as_text: bool = False,
                          checkpoint_path: Optional[str] = None,
                          strip_default_attrs: bool = False) -> bytes:
        """The deprecated spelling of `export_saved_model`."""
        return self.export_saved_model(export_dir_base, serving_input_receiver_fn,
                                       assets_extra=assets_extra, as_text=as_text,
                                       checkpoint_path=checkpoint_path)


def _timestamped_dir(base: str) -> str:
    """`base/<unix seconds>`, a second later while that exists (TF1's export folder names)."""
    os.makedirs(base, exist_ok=True)
    stamp = int(time.time())
    while os.path.exists(os.path.join(base, str(stamp))) or \
            os.path.exists(os.path.join(base, f"{stamp}.tmp")):
        stamp += 1
    return os.path.join(base, str(stamp))

