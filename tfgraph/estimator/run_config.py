"""`tf.estimator.RunConfig`: where an `Estimator` keeps its checkpoints and summaries, how often
it writes them, its graph seed and its session config (TF1's defaults and checks; a single
local process: no cluster, the chief, master '')."""
from __future__ import annotations

import copy
import os
import tempfile
from typing import Any, Optional

from .. import logging as _log

__all__ = ["RunConfig"]

_USE_DEFAULT = object()
_REPLACEABLE = ["model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
                "save_checkpoints_secs", "session_config", "keep_checkpoint_max",
                "keep_checkpoint_every_n_hours", "log_step_count_steps", "train_distribute",
                "device_fn", "protocol", "eval_distribute", "experimental_distribute",
                "experimental_max_worker_delay_secs", "session_creation_timeout_secs",
                "checkpoint_save_graph_def"]
_SAVE_CKPT_ERR = "`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set."


class RunConfig:
    """How an `Estimator` runs (`tf.estimator.RunConfig`).

    Args:
      model_dir: Where checkpoints, the graph and summaries go (default: a temporary folder
        chosen by the `Estimator`).
      tf_random_seed: The graph-level seed of every graph the `Estimator` builds.
      save_summary_steps: Write summaries every this many steps (0: never).
      save_checkpoints_steps: Save a checkpoint every this many steps ...
      save_checkpoints_secs: ... or every this many seconds (default 600 when neither is set;
        both set is an error).
      session_config: A `tf.ConfigProto` for the sessions.
      keep_checkpoint_max: How many recent checkpoints to keep (0 or None: all).
      keep_checkpoint_every_n_hours: Keep one checkpoint per this many hours as well.
      log_step_count_steps: Log loss and steps/sec every this many steps.
      train_distribute, eval_distribute, experimental_distribute, device_fn, protocol:
        Distribution settings; tfgraph's estimators run in one process and refuse a
        distribution strategy (use `tfgraph.distribute` with a `MonitoredTrainingSession`).

    Raises:
      ValueError: If both checkpoint intervals are set, or a value is out of range.
    """

    def __init__(self, model_dir: Optional[str] = None, tf_random_seed: Optional[int] = None,
                 save_summary_steps: int = 100, save_checkpoints_steps: Any = _USE_DEFAULT,
                 save_checkpoints_secs: Any = _USE_DEFAULT, session_config: Any = None,
                 keep_checkpoint_max: int = 5, keep_checkpoint_every_n_hours: float = 10000,
                 log_step_count_steps: int = 100, train_distribute: Any = None,
                 device_fn: Any = None, protocol: Optional[str] = None,
                 eval_distribute: Any = None, experimental_distribute: Any = None,
                 experimental_max_worker_delay_secs: Optional[int] = None,
                 session_creation_timeout_secs: int = 7200,
                 checkpoint_save_graph_def: bool = True):
        if save_checkpoints_steps is _USE_DEFAULT and save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        elif save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_secs = None
        elif save_checkpoints_steps is _USE_DEFAULT:
            save_checkpoints_steps = None
        elif save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError(_SAVE_CKPT_ERR)
        for name, value in (("train_distribute", train_distribute),
                            ("eval_distribute", eval_distribute),
                            ("experimental_distribute", experimental_distribute)):
            if value is not None:
                raise NotImplementedError(
                    f"RunConfig({name}=...) is not offered by tfgraph: its estimators run in "
                    "one process; for data-parallel training use tfgraph.distribute with a "
                    "tf.train.MonitoredTrainingSession")
        if model_dir is not None:
            model_dir = os.fspath(model_dir)
        self._model_dir = model_dir
        self._tf_random_seed = tf_random_seed
        self._save_summary_steps = save_summary_steps
        self._save_checkpoints_steps = save_checkpoints_steps
        self._save_checkpoints_secs = save_checkpoints_secs
        self._session_config = session_config
        self._keep_checkpoint_max = keep_checkpoint_max
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._log_step_count_steps = log_step_count_steps
        self._train_distribute = train_distribute
        self._device_fn = device_fn
        self._protocol = protocol
        self._eval_distribute = eval_distribute
        self._experimental_distribute = experimental_distribute
        self._experimental_max_worker_delay_secs = experimental_max_worker_delay_secs
        self._session_creation_timeout_secs = session_creation_timeout_secs
        self._checkpoint_save_graph_def = checkpoint_save_graph_def
        _validate(self)

    def replace(self, **kwargs: Any) -> "RunConfig":
        """A copy with the given properties replaced (setting one checkpoint interval clears
        the other).

        Raises:
          ValueError: For a property that cannot be replaced, or both checkpoint intervals.
        """
        new = copy.copy(self)
        for key, value in kwargs.items():
            if key not in _REPLACEABLE:
                raise ValueError(f"Replacing {key} is not supported. Allowed properties are "
                                 f"{_REPLACEABLE}.")
            setattr(new, "_" + key, value)
        steps, secs = new._save_checkpoints_steps, new._save_checkpoints_secs
        if "save_checkpoints_steps" in kwargs and "save_checkpoints_secs" in kwargs:
            if steps is not None and secs is not None:
                raise ValueError(_SAVE_CKPT_ERR)
        elif "save_checkpoints_steps" in kwargs and steps is not None:
            new._save_checkpoints_secs = None
        elif "save_checkpoints_secs" in kwargs and secs is not None:
            new._save_checkpoints_steps = None
        _validate(new)
        return new

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, '_' + k)!r}" for k in _REPLACEABLE)
        return f"RunConfig({fields})"

    # The single-process cluster TF1 reports when TF_CONFIG is unset.
    cluster_spec = property(lambda self: None, doc="None: one local process.")
    evaluation_master = property(lambda self: "", doc="'' (local).")
    master = property(lambda self: "", doc="'' (local).")
    is_chief = property(lambda self: True, doc="True: the one process is the chief.")
    num_ps_replicas = property(lambda self: 0, doc="0.")
    num_worker_replicas = property(lambda self: 1, doc="1.")
    task_id = property(lambda self: 0, doc="0.")
    task_type = property(lambda self: "worker", doc="'worker'.")
    global_id_in_cluster = property(lambda self: 0, doc="0.")
    service = property(lambda self: None, doc="None.")


def _property(name: str) -> property:
    return property(lambda self: getattr(self, "_" + name), doc=f"The `{name}` setting.")


for _name in _REPLACEABLE:
    setattr(RunConfig, _name, _property(_name))
del _name


def _validate(config: RunConfig) -> None:
    from ..config import ConfigProto
    checks = [("model_dir", lambda d: bool(d), "model_dir should be non-empty"),
              ("save_summary_steps", lambda s: s >= 0, "save_summary_steps should be >= 0"),
              ("save_checkpoints_steps", lambda s: s >= 0,
               "save_checkpoints_steps should be >= 0"),
              ("save_checkpoints_secs", lambda s: s >= 0, "save_checkpoints_secs should be >= 0"),
              ("keep_checkpoint_max", lambda k: k >= 0, "keep_checkpoint_max should be >= 0"),
              ("keep_checkpoint_every_n_hours", lambda h: h > 0,
               "keep_checkpoint_every_n_hours should be > 0"),
              ("log_step_count_steps", lambda n: n > 0, "log_step_count_steps should be > 0"),
              ("session_config", lambda c: isinstance(c, ConfigProto),
               "session_config must be instance of ConfigProto"),
              ("tf_random_seed", lambda s: isinstance(s, int) and not isinstance(s, bool),
               "tf_random_seed must be integer."),
              ("session_creation_timeout_secs", lambda s: s > 0,
               "session_creation_timeout_secs should be > 0"),
              ("protocol", lambda p: p in ("grpc", "grpc+verbs"),
               "protocol should be grpc or grpc+verbs")]
    for name, ok, message in checks:
        value = getattr(config, "_" + name)
        if value is not None and not ok(value):
            raise ValueError(message)


def with_model_dir(config: Optional[RunConfig], model_dir: Optional[str]) -> RunConfig:
    """The config an `Estimator` uses: `config` (default `RunConfig()`) with `model_dir`, or a
    new temporary folder when neither names one (TF1's rule).

    Raises:
      ValueError: If `config` is not a `RunConfig`, or it names another model_dir.
    """
    if config is None:
        config = RunConfig()
    if not isinstance(config, RunConfig):
        raise ValueError(f"config must be an instance of `RunConfig`, but provided {config}.")
    if model_dir is not None:
        model_dir = os.fspath(model_dir)
        if config.model_dir is not None and config.model_dir != model_dir:
            raise ValueError("`model_dir` are set both in constructor and `RunConfig`, but with "
                             f"different values. In constructor: '{model_dir}', in "
                             f"`RunConfig`: '{config.model_dir}' ")
        return config.replace(model_dir=model_dir)
    if config.model_dir is None:
        model_dir = tempfile.mkdtemp()
        _log.warning("Using temporary folder as model directory: %s", model_dir)
        return config.replace(model_dir=model_dir)
    return config
