"""TF1's queue-based input functions: `tf.train.batch`, `shuffle_batch`, `batch_join`,
`shuffle_batch_join`, `input_producer`, `string_input_producer`, `range_input_producer`,
`slice_input_producer`, `limit_epochs`, and the `maybe_*` variants of the batchers.

Each builds a queue, an enqueue op and a `QueueRunner` (added to the graph's
`QUEUE_RUNNERS` collection), and returns the dequeue side: call
`tf.train.start_queue_runners(sess, coord)` before running it. With `num_epochs`, the epoch
counter is a local variable (run `tf.local_variables_initializer()`), as in TF1; the end of
the input then closes the queues and the consumer gets `OutOfRangeError`.
"""
from __future__ import annotations

from typing import Any, List, Optional

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.graph_keys import GraphKeys
from ..ops import array_ops, data_flow_ops, random_ops
from .queue_runner import QueueRunner, add_queue_runner


def limit_epochs(tensor: Any, num_epochs: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """Returns `tensor` `num_epochs` times, then raises `OutOfRangeError` (None: forever)."""
    if num_epochs is None:
        return convert_to_tensor(tensor)
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    from ..ops.variables import Variable
    with name_scope(name, "limit_epochs", [tensor]) as scope:
        t = convert_to_tensor(tensor)
        epochs = Variable(array_ops.zeros([], dtype=dtypes.int64), trainable=False,
                          collections=[GraphKeys.LOCAL_VARIABLES], name="epochs")
        counter = data_flow_ops.count_up_to(epochs, num_epochs)
        with t.graph.control_dependencies([counter.op]):
            return array_ops.identity(t, name=scope[:-1])


def input_producer(input_tensor: Any, element_shape: Any = None, num_epochs: Optional[int] = None,
                   shuffle: bool = True, seed: Optional[int] = None, capacity: int = 32,
                   shared_name: Optional[str] = None, summary_name: Optional[str] = None,
                   name: Optional[str] = None, cancel_op: Any = None):
    """A queue fed with the rows of `input_tensor` (shuffled per epoch), by a queue runner.

    Returns:
      The `FIFOQueue`.
    """
    with name_scope(name, "input_producer", [input_tensor]) as scope:
        t = convert_to_tensor(input_tensor, name="input_tensor")
        if element_shape is None:
            if t.shape.ndims is None:
                raise ValueError("Either `input_tensor` must have a fully defined shape or "
                                 "`element_shape` must be specified")
            element_shape = t.shape[1:]
        t = limit_epochs(t, num_epochs)
        if shuffle:
            t = random_ops.random_shuffle(t, seed=seed)
        # TF1 names the queue after the scope itself ("input_producer").
        q = data_flow_ops.FIFOQueue(capacity=capacity, dtypes=[t.dtype], shapes=[element_shape],
                                    shared_name=shared_name, name=scope)
        enq = q.enqueue_many([t])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        return q


def string_input_producer(string_tensor: Any, num_epochs: Optional[int] = None, shuffle: bool = True,
                          seed: Optional[int] = None, capacity: int = 32,
                          shared_name: Optional[str] = None, name: Optional[str] = None,
                          cancel_op: Any = None):
    """A queue of strings (file names, usually) for a reader (`tf.train.string_input_producer`).

    Raises:
      ValueError: If `string_tensor` is a constant empty list.
    """
    not_empty = "string_input_producer requires a non-null input tensor"
    if not isinstance(string_tensor, Tensor) and not string_tensor:
        raise ValueError(not_empty)
    with name_scope(name, "input_producer", [string_tensor]) as scope:
        t = convert_to_tensor(string_tensor, dtype=dtypes.string)
        return input_producer(t, [], num_epochs, shuffle, seed, capacity, shared_name,
                              "fraction_of_%d_full" % capacity, name=scope, cancel_op=cancel_op)


def range_input_producer(limit: Any, num_epochs: Optional[int] = None, shuffle: bool = True,
                         seed: Optional[int] = None, capacity: int = 32,
                         shared_name: Optional[str] = None, name: Optional[str] = None):
    """A queue of the integers `0 .. limit-1` (int32), per epoch."""
    with name_scope(name, "input_producer", [limit]) as scope:
        r = array_ops.range(limit)
        return input_producer(r, [], num_epochs, shuffle, seed, capacity, shared_name, name=scope)


def slice_input_producer(tensor_list: List[Any], num_epochs: Optional[int] = None, shuffle: bool = True,
                         seed: Optional[int] = None, capacity: int = 32,
                         shared_name: Optional[str] = None, name: Optional[str] = None) -> List[Tensor]:
    """One row of each tensor in `tensor_list` at a time (same row index for all), per epoch.

    Returns:
      A list of tensors: the row of each input.
    """
    with name_scope(name, "input_producer", tensor_list):
        ts = [convert_to_tensor(t) for t in tensor_list]
        if not ts:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        n = ts[0].shape.as_list()[0] if ts[0].shape.ndims else None
        size = n if n is not None else array_ops.shape(ts[0])[0]
        q = range_input_producer(size, num_epochs, shuffle, seed, capacity, shared_name)
        index = q.dequeue()
        return [array_ops.gather(t, index) for t in ts]


def _flatten(tensors: Any):
    if isinstance(tensors, dict):
        keys = sorted(tensors)
        return [tensors[k] for k in keys], (lambda out: dict(zip(keys, out)))
    if isinstance(tensors, (list, tuple)):
        # TF1 returns the queue's dequeue as is: one tensor for one component, else a list.
        return list(tensors), (lambda out: out[0] if len(out) == 1 else list(out))
    return [tensors], (lambda out: out[0])


def _batch(tensors_list: List[Any], batch_size: Any, capacity: int, enqueue_many: bool,
           shapes: Any, dynamic_pad: bool, allow_smaller_final_batch: bool, shared_name,
           name: Optional[str], default_name: str, shuffle: bool = False,
           min_after_dequeue: int = 0, seed: Optional[int] = None, threads_per_list: int = 1,
           keep_input: Any = None):
    flat0, pack = _flatten(tensors_list[0])
    with name_scope(name, default_name, flat0):
        lists = []
        for t in tensors_list:
            flat, _ = _flatten(t)
            lists.append([convert_to_tensor(x) for x in flat])
        types = [t.dtype for t in lists[0]]
        if shapes is None:
            shapes = [(t.shape[1:] if enqueue_many else t.shape) for t in lists[0]]
            if not dynamic_pad:
                for t, s in zip(lists[0], shapes):
                    if not s.is_fully_defined():
                        raise ValueError(f"All shapes must be fully defined: {t.name} has shape "
                                         f"{s} (pass `shapes`, or dynamic_pad=True)")
        if shuffle:
            q = data_flow_ops.RandomShuffleQueue(capacity, min_after_dequeue, types, shapes,
                                                 seed=seed, shared_name=shared_name)
        elif dynamic_pad:
            q = data_flow_ops.PaddingFIFOQueue(capacity, types, shapes, shared_name=shared_name)
        else:
            q = data_flow_ops.FIFOQueue(capacity, types, shapes, shared_name=shared_name)
        enqueue = q.enqueue_many if enqueue_many else q.enqueue
        if keep_input is None:
            ops = [enqueue(ts) for ts in lists for _ in range(threads_per_list)]
        else:  # maybe_*: enqueue only when keep_input holds (TF1's smart_cond)
            from ..ops.cond_v1 import smart_cond
            from ..ops.control_flow_ops import no_op
            ops = [smart_cond(keep_input, lambda ts=ts: enqueue(ts), no_op)
                   for ts in lists for _ in range(threads_per_list)]
        add_queue_runner(QueueRunner(q, ops))
        if allow_smaller_final_batch:
            out = q.dequeue_up_to(batch_size)
        else:
            out = q.dequeue_many(batch_size)
        out = out if isinstance(out, list) else [out]
        return pack(out)


def batch(tensors: Any, batch_size: Any, num_threads: int = 1, capacity: int = 32,
          enqueue_many: bool = False, shapes: Any = None, dynamic_pad: bool = False,
          allow_smaller_final_batch: bool = False, shared_name: Optional[str] = None,
          name: Optional[str] = None):
    """Batches `tensors` through a FIFO queue filled by `num_threads` threads (`tf.train.batch`).

    Returns:
      The same structure as `tensors`, each with a leading batch dimension.
    """
    return _batch([tensors], batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                  allow_smaller_final_batch, shared_name, name, "batch",
                  threads_per_list=num_threads)


def batch_join(tensors_list: List[Any], batch_size: Any, capacity: int = 32, enqueue_many: bool = False,
               shapes: Any = None, dynamic_pad: bool = False, allow_smaller_final_batch: bool = False,
               shared_name: Optional[str] = None, name: Optional[str] = None):
    """Like `batch`, one enqueuing thread per item of `tensors_list`."""
    return _batch(list(tensors_list), batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                  allow_smaller_final_batch, shared_name, name, "batch_join")


def shuffle_batch(tensors: Any, batch_size: Any, capacity: int, min_after_dequeue: int,
                  num_threads: int = 1, seed: Optional[int] = None, enqueue_many: bool = False,
                  shapes: Any = None, allow_smaller_final_batch: bool = False,
                  shared_name: Optional[str] = None, name: Optional[str] = None):
    """Batches `tensors` in random order through a `RandomShuffleQueue` (`tf.train.shuffle_batch`)."""
    return _batch([tensors], batch_size, capacity, enqueue_many, shapes, False,
                  allow_smaller_final_batch, shared_name, name, "shuffle_batch", shuffle=True,
                  min_after_dequeue=min_after_dequeue, seed=seed, threads_per_list=num_threads)


def shuffle_batch_join(tensors_list: List[Any], batch_size: Any, capacity: int,
                       min_after_dequeue: int, seed: Optional[int] = None,
                       enqueue_many: bool = False, shapes: Any = None,
                       allow_smaller_final_batch: bool = False,
                       shared_name: Optional[str] = None, name: Optional[str] = None):
    """Like `shuffle_batch`, one enqueuing thread per item of `tensors_list`."""
    return _batch(list(tensors_list), batch_size, capacity, enqueue_many, shapes, False,
                  allow_smaller_final_batch, shared_name, name, "shuffle_batch_join",
                  shuffle=True, min_after_dequeue=min_after_dequeue, seed=seed)


__all__ = ["batch", "batch_join", "shuffle_batch", "shuffle_batch_join", "input_producer",
           "string_input_producer", "range_input_producer", "slice_input_producer",
           "limit_epochs"]


# --- frame stream (issue 16): the maybe_* batchers (conditional enqueue) ------------------------
def _maybe(tensors_list: List[Any], keep_input: Any, enqueue_many: bool, **kw: Any):
    """Batches like `_batch`, enqueuing only what `keep_input` keeps (TF1's `_enqueue`): a
    scalar decides for the whole input, a vector (with `enqueue_many`) per example."""
    from ..framework import dtypes
    from ..ops import array_ops
    keep = convert_to_tensor(keep_input, dtype=dtypes.bool, name="keep_input")
    if keep.shape.ndims is None or keep.shape.ndims > 1:
        raise ValueError(f"`keep_input` must be a scalar or a vector, got shape {keep.shape} "
                         f"({keep.name})")
    if keep.shape.ndims == 1 and not enqueue_many:
        raise ValueError(f"`keep_input` is a vector ({keep.name}) but enqueue_many is False")
    if keep.shape.ndims == 1:  # keep only the chosen examples of each component
        def select(ts: Any) -> Any:
            flat, pack = _flatten(ts)
            return pack([array_ops.boolean_mask(convert_to_tensor(x), keep) for x in flat])
        tensors_list = [select(ts) for ts in tensors_list]
        return _batch(tensors_list, enqueue_many=enqueue_many, **kw)
    return _batch(tensors_list, enqueue_many=enqueue_many, keep_input=keep, **kw)


def maybe_batch(tensors: Any, keep_input: Any, batch_size: Any, num_threads: int = 1,
                capacity: int = 32, enqueue_many: bool = False, shapes: Any = None,
                dynamic_pad: bool = False, allow_smaller_final_batch: bool = False,
                shared_name: Optional[str] = None, name: Optional[str] = None):
    """`tf.train.batch` that enqueues only when `keep_input` is true (`tf.train.maybe_batch`).

    Args:
      keep_input: A bool scalar (keep the whole input or not), or with `enqueue_many` a bool
        vector (one per example).
      Others: as `tf.train.batch`.
    """
    return _maybe([tensors], keep_input, enqueue_many, batch_size=batch_size,
                  capacity=capacity, shapes=shapes, dynamic_pad=dynamic_pad,
                  allow_smaller_final_batch=allow_smaller_final_batch, shared_name=shared_name,
                  name=name, default_name="batch", threads_per_list=num_threads)


def maybe_batch_join(tensors_list: List[Any], keep_input: Any, batch_size: Any,
                     capacity: int = 32, enqueue_many: bool = False, shapes: Any = None,
                     dynamic_pad: bool = False, allow_smaller_final_batch: bool = False,
                     shared_name: Optional[str] = None, name: Optional[str] = None):
    """`tf.train.batch_join` enqueuing only what `keep_input` keeps (`tf.train.maybe_batch_join`)."""
    return _maybe(list(tensors_list), keep_input, enqueue_many, batch_size=batch_size,
                  capacity=capacity, shapes=shapes, dynamic_pad=dynamic_pad,
                  allow_smaller_final_batch=allow_smaller_final_batch, shared_name=shared_name,
                  name=name, default_name="batch_join")


def maybe_shuffle_batch(tensors: Any, batch_size: Any, capacity: int, min_after_dequeue: int,
                        keep_input: Any, num_threads: int = 1, seed: Optional[int] = None,
                        enqueue_many: bool = False, shapes: Any = None,
                        allow_smaller_final_batch: bool = False,
                        shared_name: Optional[str] = None, name: Optional[str] = None):
    """`tf.train.shuffle_batch` enqueuing only what `keep_input` keeps
    (`tf.train.maybe_shuffle_batch`)."""
    return _maybe([tensors], keep_input, enqueue_many, batch_size=batch_size,
                  capacity=capacity, shapes=shapes, dynamic_pad=False,
                  allow_smaller_final_batch=allow_smaller_final_batch, shared_name=shared_name,
                  name=name, default_name="shuffle_batch", shuffle=True,
                  min_after_dequeue=min_after_dequeue, seed=seed, threads_per_list=num_threads)


def maybe_shuffle_batch_join(tensors_list: List[Any], batch_size: Any, capacity: int,
                             min_after_dequeue: int, keep_input: Any,
                             seed: Optional[int] = None, enqueue_many: bool = False,
                             shapes: Any = None, allow_smaller_final_batch: bool = False,
                             shared_name: Optional[str] = None, name: Optional[str] = None):
    """`tf.train.shuffle_batch_join` enqueuing only what `keep_input` keeps
    (`tf.train.maybe_shuffle_batch_join`)."""
    return _maybe(list(tensors_list), keep_input, enqueue_many, batch_size=batch_size,
                  capacity=capacity, shapes=shapes, dynamic_pad=False,
                  allow_smaller_final_batch=allow_smaller_final_batch, shared_name=shared_name,
                  name=name, default_name="shuffle_batch_join", shuffle=True,
                  min_after_dequeue=min_after_dequeue, seed=seed)


__all__ += ["maybe_batch", "maybe_batch_join", "maybe_shuffle_batch", "maybe_shuffle_batch_join"]
