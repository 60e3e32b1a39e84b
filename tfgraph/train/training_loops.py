"""The rest of TF1's `tf.train` helpers: `basic_train_loop`, `checkpoints_iterator`,
`summary_iterator`, `match_filenames_once`, `GlobalStepWaiterHook`, and warm-starting
(`warm_start`, `VocabInfo`).

`warm_start` follows TF1's `vars_to_warm_start` rules (a regex over TRAINABLE_VARIABLES, a
list of regexes over GLOBAL_VARIABLES, a list of Variables, or None: only the variables with a
vocabulary) and makes the chosen variables' initializers load from the checkpoint
(`init_from_checkpoint`). A variable with a `VocabInfo` is remapped row-wise (axis 0) or
column-wise (axis 1) from the old vocabulary to the new one; tfgraph computes that remapped
value with NumPy when `warm_start` is called (TF1 computes it in the initializer op), so rows
of new words come from `backup_initializer` evaluated then.
"""
from __future__ import annotations

import collections
import logging
import re
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import numpy as np

from ..framework import errors
from ..framework.constant import constant, convert_to_tensor, name_scope
from ..framework.graph import get_default_graph
from ..framework.graph_keys import GraphKeys
from . import checkpoint_management as _cm
from .basic_session_run_hooks import SessionRunHook
from .checkpoint_utils import init_from_checkpoint

_log = logging.getLogger("tensorflow")


def basic_train_loop(supervisor: Any, train_step_fn: Callable, args: Optional[Sequence] = None,
                     kwargs: Optional[Dict[str, Any]] = None, master: str = "") -> None:
    """Runs `train_step_fn(sess, *args, **kwargs)` in a `supervisor.managed_session()` until
    the supervisor should stop (`tf.train.basic_train_loop`); retried on
    `tf.errors.AbortedError`, as TF1 does."""
    args, kwargs = list(args or []), dict(kwargs or {})
    retry = True
    while retry:
        retry = False
        try:
            with supervisor.managed_session(master) as sess:
                while not supervisor.should_stop():
                    train_step_fn(sess, *args, **kwargs)
        except errors.AbortedError:
            retry = True


def _wait_for_new_checkpoint(checkpoint_dir: str, last: Optional[str], seconds_to_sleep: float,
                             timeout: Optional[float]) -> Optional[str]:
    stop_time = None if timeout is None else time.time() + timeout
    while True:
        path = _cm.latest_checkpoint(checkpoint_dir)
        if path is not None and path != last:
            return path
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(checkpoint_dir: str, min_interval_secs: float = 0,
                         timeout: Optional[float] = None,
                         timeout_fn: Optional[Callable[[], bool]] = None) -> Iterator[str]:
    """Yields each new latest checkpoint of `checkpoint_dir` as it appears
    (`tf.train.checkpoints_iterator`).

    Args:
      checkpoint_dir: The directory a trainer saves checkpoints to.
      min_interval_secs: The least time between two yields.
      timeout: Seconds to wait for a new checkpoint (None: forever).
      timeout_fn: Called on a timeout: True ends the iteration, False waits again
        (without it, a timeout ends the iteration).
    """
    last = None
    while True:
        path = _wait_for_new_checkpoint(checkpoint_dir, last, 1, timeout)
        if path is None:
            if not timeout_fn or timeout_fn():
                return
            continue
        start = time.time()
        last = path
        yield path
        remaining = start + min_interval_secs - time.time()
        if remaining > 0:
            time.sleep(remaining)


def summary_iterator(path: str) -> Iterator[Any]:
    """Yields the `Event` protocol buffers of an event file (`tf.train.summary_iterator`)."""
    from ..lib.io.tf_record import tf_record_iterator
    from ..summary import Event
    for record in tf_record_iterator(path):
        yield Event.FromString(record)


def match_filenames_once(pattern: Any, name: Optional[str] = None) -> Any:
    """A local variable holding the files matching `pattern`, computed once when the local
    variables are initialized (`tf.train.match_filenames_once`).

    Returns:
      The Variable "matching_filenames" (a string vector of unknown length).
    """
    from ..ops.io_ops import matching_files
    from ..ops.variables import Variable
    with name_scope(name, "matching_filenames", [pattern]) as scope:
        return Variable(matching_files(pattern), name=scope, trainable=False,
                        validate_shape=False, collections=[GraphKeys.LOCAL_VARIABLES])


class GlobalStepWaiterHook(SessionRunHook):
    """Delays the first step until the global step reaches `wait_until_step`
    (`tf.train.GlobalStepWaiterHook`: staggered start of replicas).

    Raises:
      RuntimeError (at `begin`): If the graph has no global step.
    """

    def __init__(self, wait_until_step: int):
        self._wait_until_step = wait_until_step

    def begin(self) -> None:
        from .training_util import get_global_step
        self._worker_is_started = False
        self._global_step_tensor = get_global_step()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use _GlobalStepWaiterHook.")

    def before_run(self, run_context: Any) -> None:
        if self._worker_is_started:
            return None
        if self._wait_until_step <= 0:
            self._worker_is_started = True
            return None
        _log.info("Waiting for global step %d before starting training.",
                  self._wait_until_step)
        last_logged = 0
        while True:
            step = run_context.session.run(self._global_step_tensor)
            if step >= self._wait_until_step:
                self._worker_is_started = True
                return None
            if step - last_logged > 1000:
                _log.info("Waiting for global step %d before starting training. Current step "
                          "is %d.", self._wait_until_step, step)
                last_logged = step
            time.sleep(0.5)


class VocabInfo(collections.namedtuple("VocabInfo", [
        "new_vocab", "new_vocab_size", "num_oov_buckets", "old_vocab", "old_vocab_size",
        "backup_initializer", "axis"])):
    """How to warm-start a variable whose rows (axis 0) or columns (axis 1) follow a
    vocabulary (`tf.train.VocabInfo`).

    Args:
      new_vocab: The new vocabulary file (one word per line).
      new_vocab_size: How many of its words are used.
      num_oov_buckets: Out-of-vocabulary rows after the vocabulary (initialized by
        `backup_initializer`).
      old_vocab: The checkpoint's vocabulary file.
      old_vocab_size: How many of its words were used (-1: all).
      backup_initializer: Initializer for rows of new words (default: zeros).
      axis: 0 (rows follow the vocabulary) or 1 (columns).
    """

    def __new__(cls, new_vocab: str, new_vocab_size: int, num_oov_buckets: int,
                old_vocab: str, old_vocab_size: int = -1, backup_initializer: Any = None,
                axis: int = 0) -> "VocabInfo":
        if axis not in (0, 1):
            raise ValueError("The only supported values for the axis argument are 0 and 1.  "
                             f"Provided axis: {axis}")
        return super().__new__(cls, new_vocab, new_vocab_size, num_oov_buckets, old_vocab,
                               old_vocab_size, backup_initializer, axis)


def _grouped_variables(vars_to_warm_start: Any) -> Dict[str, Any]:
    graph = get_default_graph()
    if isinstance(vars_to_warm_start, str) or vars_to_warm_start is None:
        found = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES, scope=vars_to_warm_start)
    elif isinstance(vars_to_warm_start, list):
        if all(isinstance(v, str) for v in vars_to_warm_start):
            found = []
            for pattern in vars_to_warm_start:
                found += graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope=pattern)
        elif all(hasattr(v, "_ref") for v in vars_to_warm_start):
            found = list(vars_to_warm_start)
        else:
            raise ValueError("If `vars_to_warm_start` is a list, it must be all `Variable` or "
                             "all `str`.  Given types are "
                             f"{[type(v) for v in vars_to_warm_start]}")
    else:
        raise ValueError("`vars_to_warm_start must be a `list` or `str`.  Given type is "
                         f"{type(vars_to_warm_start)}")
    grouped: Dict[str, Any] = {}
    for v in found:
        grouped.setdefault(v.op.name, v)
    return grouped


def _read_vocab(path: str, size: int) -> List[str]:
    from .._io_gfile import GFile
    with GFile(path, "r") as f:
        words = [line.rstrip("\n") for line in f]
    return words if size is None or size < 0 else words[:size]


def _warm_start_with_vocab(var: Any, ckpt: str, prev_name: str, info: VocabInfo) -> None:
    """Sets `var`'s initializer to the checkpoint value remapped to the new vocabulary."""
    from ..ops import state_ops
    reader = _cm.load_checkpoint(ckpt)
    old = np.asarray(reader.get_tensor(prev_name))
    shape = var.shape.as_list()
    if any(d is None for d in shape):
        raise ValueError(f"Variable {var.op.name} must have a fully defined shape to be "
                         "warm-started with a vocabulary")
    axis = info.axis
    new_words = _read_vocab(info.new_vocab, info.new_vocab_size)
    old_index = {w: i for i, w in enumerate(_read_vocab(info.old_vocab, info.old_vocab_size))}
    if len(new_words) + info.num_oov_buckets != shape[axis]:
        raise ValueError(f"Variable {var.op.name} has {shape[axis]} entries on axis {axis}, "
                         f"but the new vocabulary has {len(new_words)} words and "
                         f"{info.num_oov_buckets} OOV buckets")
    def off_axis(dims: Sequence[int]) -> List[int]:
        return [d for k, d in enumerate(dims) if k != axis]
    if old.ndim != len(shape) or off_axis(old.shape) != off_axis(shape):
        raise ValueError(f"Shape of checkpoint tensor {prev_name} {list(old.shape)} does not "
                         f"match variable {var.op.name} {shape} off axis {axis}")
    init = info.backup_initializer
    if init is None:
        value = np.zeros(shape, var.dtype.base_dtype.as_numpy_dtype)
    else:  # evaluate the backup initializer once, now
        from ..session import Session
        from ..framework.graph import Graph
        g = Graph()
        with g.as_default():
            t = convert_to_tensor(init(shape, dtype=var.dtype.base_dtype))
            value = np.array(Session(graph=g).run(t))
    moved = np.moveaxis(value, axis, 0)
    old_moved = np.moveaxis(old, axis, 0)
    for i, w in enumerate(new_words):
        j = old_index.get(w)
        if j is not None and j < old_moved.shape[0]:
            moved[i] = old_moved[j]
    value = np.moveaxis(moved, 0, axis)
    graph = var.graph
    with graph.as_default(), graph.control_dependencies(None), \
            name_scope(f"{var.op.name}/warm_starting"):
        remapped = constant(value, dtype=var.dtype.base_dtype, name="remapped")
        var._initializer_op = state_ops.assign(var._ref(), remapped, name="Assign").op
    var._initial_value = remapped


def warm_start(ckpt_to_initialize_from: str, vars_to_warm_start: Any = ".*",
               var_name_to_vocab_info: Optional[Dict[str, VocabInfo]] = None,
               var_name_to_prev_var_name: Optional[Dict[str, str]] = None) -> None:
    """Makes variables' initializers load from a checkpoint (`tf.train.warm_start`).

    Args:
      ckpt_to_initialize_from: A checkpoint prefix, or a directory (its latest checkpoint).
      vars_to_warm_start: A regex over TRAINABLE_VARIABLES (default ".*": all of them), a
        list of regexes over GLOBAL_VARIABLES, a list of Variables, or None (only those in
        `var_name_to_vocab_info`).
      var_name_to_vocab_info: `{variable name: VocabInfo}` for vocabulary-shaped variables.
      var_name_to_prev_var_name: `{variable name: its name in the checkpoint}`.

    Raises:
      ValueError: For a malformed `vars_to_warm_start`, names in the two dicts that match no
        chosen variable, or checkpoint tensors missing or of another shape.
    """
    grouped = _grouped_variables(vars_to_warm_start)
    vocab_infos = var_name_to_vocab_info or {}
    prev_names = var_name_to_prev_var_name or {}
    prev_used, vocab_used = set(), set()
    vocabless: Dict[str, Any] = {}
    count = 0
    for var_name, var in grouped.items():
        prev = prev_names.get(var_name)
        if prev:
            prev_used.add(var_name)
        info = vocab_infos.get(var_name)
        if info:
            vocab_used.add(var_name)
            count += 1
            _warm_start_with_vocab(var, ckpt_to_initialize_from, prev or var_name, info)
        elif vars_to_warm_start:
            count += 1
            tensor = prev or var_name
            if tensor in vocabless:  # one checkpoint tensor for two variables: flush first
                init_from_checkpoint(ckpt_to_initialize_from, vocabless)
                vocabless.clear()
            vocabless[tensor] = var
    if vocabless:
        init_from_checkpoint(ckpt_to_initialize_from, vocabless)
    _log.info("Warm-started %d variables.", count)
    unused_prev = set(prev_names) - prev_used
    if unused_prev:
        raise ValueError("You provided the following variables in var_name_to_prev_var_name "
                         f"that were not used: {sorted(unused_prev)}.  Perhaps you misspelled "
                         f"them?  Here is the list of viable variable names: {sorted(grouped)}")
    unused_vocab = set(vocab_infos) - vocab_used
    if unused_vocab:
        raise ValueError("You provided the following variables in var_name_to_vocab_info that "
                         f"were not used: {sorted(unused_vocab)}.  Perhaps you misspelled "
                         f"them?  Here is the list of viable variable names: {sorted(grouped)}")


__all__ = ["basic_train_loop", "checkpoints_iterator", "summary_iterator",
           "match_filenames_once", "GlobalStepWaiterHook", "VocabInfo", "warm_start"]
