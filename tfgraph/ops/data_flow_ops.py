"""Queues: `tf.FIFOQueue`, `tf.RandomShuffleQueue`, `tf.PaddingFIFOQueue` and their ops.

A queue is a resource of the session (`ctx.resource(("queue", op name), ...)`): a Python
`_Queue` with a condition variable. `enqueue` blocks while the queue is full, `dequeue*`
while it holds too few elements; both wait *outside* the session's run lock (see
`_blocking`), so queue-runner threads can run their enqueue ops while the training thread
waits in a dequeue, as in TF1. A closed queue refuses enqueues (`CancelledError`) and, once
drained, fails dequeues with `OutOfRangeError`; closing the session cancels every waiter.
"""
from __future__ import annotations

import collections
import threading
from typing import Any, List, Optional, Sequence

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape, as_shape, unknown_shape

_KINDS = {"FIFOQueueV2": "FIFOQueue", "RandomShuffleQueueV2": "RandomShuffleQueue",
          "PaddingFIFOQueueV2": "PaddingFIFOQueue"}


def _blocking(ctx, wait):
    """Runs `wait()` outside the session's run lock (`RunContext.blocking`): queue-runner
    threads' enqueues proceed while this run waits. A fake context without it just waits."""
    blocking = getattr(ctx, "blocking", None)
    return blocking(wait) if blocking is not None else wait()


class _Queue:
    """A session's state of one queue."""

    def __init__(self, op: Operation):
        a = op.attrs
        self.name = op.name
        self.kind = _KINDS[op.type]
        self.types: List[dtypes.DType] = list(a["component_types"])
        self.shapes: List[TensorShape] = list(a["shapes"])
        self.capacity: int = a["capacity"]
        self.min_after_dequeue: int = a.get("min_after_dequeue", 0)
        seed = a.get("seed")
        self.rng = np.random.default_rng(None if seed == (None, None) or seed is None
                                         else [s or 0 for s in seed])
        self.items: List[List[Any]] = [] if self.kind == "RandomShuffleQueue" else collections.deque()
        self.cond = threading.Condition()
        self.closed = False
        self.cancelled = False  # the session closed

    def _check_live(self, op: Operation) -> None:
        if self.cancelled:
            raise errors.CancelledError(None, op, f"Queue '{self.name}' was cancelled: its "
                                                  f"session is closed (op '{op.name}')")

    def _full(self) -> bool:
        return self.capacity > 0 and len(self.items) >= self.capacity

    def enqueue(self, rows: List[List[Any]], op: Operation, ctx) -> None:
        def wait():
            with self.cond:
                for row in rows:
                    while True:
                        self._check_live(op)
                        if self.closed:
                            raise errors.CancelledError(
                                None, op, f"{self.kind} '{self.name}' is closed. (op '{op.name}')")
                        if not self._full():
                            break
                        self.cond.wait(0.1)
                    self.items.append(row)
                    self.cond.notify_all()
        _blocking(ctx, wait)

    def _available(self) -> int:
        if self.kind == "RandomShuffleQueue" and not self.closed:
            return max(0, len(self.items) - self.min_after_dequeue)
        return len(self.items)

    def dequeue(self, n: int, op: Operation, ctx, up_to: bool) -> List[List[Any]]:
        def wait():
            with self.cond:
                while True:
                    self._check_live(op)
                    if self._available() >= n:
                        break
                    if self.closed:
                        if up_to and self.items:
                            n_ = len(self.items)
                            return self._take(n_)
                        raise errors.OutOfRangeError(
                            None, op, f"{self.kind} '{self.name}' is closed and has insufficient "
                                      f"elements (requested {n}, current size {len(self.items)}) "
                                      f"(op '{op.name}')")
                    self.cond.wait(0.1)
                return self._take(n)
        return _blocking(ctx, wait)

    def _take(self, n: int) -> List[List[Any]]:
        out = []
        for _ in range(n):
            if self.kind == "RandomShuffleQueue":
                i = int(self.rng.integers(len(self.items)))
                self.items[i], self.items[-1] = self.items[-1], self.items[i]
                out.append(self.items.pop())
            else:
                out.append(self.items.popleft())
        self.cond.notify_all()
        return out

    def close_queue(self, cancel_pending_enqueues: bool) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def close(self) -> None:
        """The session closes: every waiter fails with CancelledError."""
        with self.cond:
            self.cancelled = True
            self.closed = True
            self.cond.notify_all()


def _queue(ctx, queue_op: Operation) -> _Queue:
    # Inside a tf.cond branch or loop body the handle arrives through Switch/Enter/Identity
    # ops (e.g. tf.train.maybe_batch's conditional enqueue): the queue is the op behind them.
    while queue_op.type in ("Switch", "RefSwitch", "Enter", "RefEnter", "Identity") and \
            queue_op.inputs:
        queue_op = queue_op.inputs[0].op
    return ctx.resource(("queue", queue_op.name), lambda: _Queue(queue_op))


class _QueueOp(OpDef):
    host_only = True
    stateful = True

    def infer(self, **attrs):
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        h = np.empty((), object)
        h[()] = op.name.encode()

        def make():
            _queue(ctx, op)
            return h
        return make


for _t in _KINDS:
    register_op(_t)(type(_t, (_QueueOp,), {"__doc__": f"A {_KINDS[_t]} (its handle)."}))


def _check_row(q: _Queue, values: Sequence[Any], op: Operation, many: bool) -> None:
    for i, (v, s) in enumerate(zip(values, q.shapes)):
        shape = np.shape(v)[1:] if many else np.shape(v)
        if s.ndims is not None and not s.is_compatible_with(shape):
            raise errors.InvalidArgumentError(
                None, op, f"Shape mismatch in tuple component {i}. Expected {s}, got "
                          f"{list(shape)} (op '{op.name}')")


class _EnqueueBase(OpDef):
    host_only = True
    stateful = True
    many = False

    def infer(self, handle, *components, timeout_ms=-1):
        return None

    def kernel(self, be, op, ctx):
        qop = op.inputs[0].op
        many = self.many

        def enqueue(handle, *values):
            q = _queue(ctx, qop)
            _check_row(q, values, op, many)
            if not many:
                q.enqueue([[np.array(v, copy=True) for v in values]], op, ctx)
                return
            n = len(values[0]) if values else 0
            if any(len(v) != n for v in values):
                raise errors.InvalidArgumentError(None, op, f"All components of enqueue_many "
                                                            f"need the same first dimension (op '{op.name}')")
            q.enqueue([[np.array(v[i], copy=True) for v in values] for i in range(n)], op, ctx)
        return enqueue


@register_op("QueueEnqueueV2")
class QueueEnqueue(_EnqueueBase):
    """Adds one element (one tensor per component)."""


@register_op("QueueEnqueueManyV2")
class QueueEnqueueMany(_EnqueueBase):
    """Adds the slices of the components along their first dimension as elements."""

    many = True


def _stack_rows(q: _Queue, rows: List[List[Any]], op: Operation, batch_shapes) -> tuple:
    out = []
    for j, dt in enumerate(q.types):
        comps = [np.asarray(r[j]) for r in rows]
        npdt = object if dt is dtypes.string else dt.np_dtype
        if q.kind == "PaddingFIFOQueue":
            rank = comps[0].ndim if comps else (q.shapes[j].ndims or 0)
            dims = [max((c.shape[d] for c in comps), default=0) for d in range(rank)]
            a = np.zeros((len(comps),) + tuple(dims), npdt)
            if dt is dtypes.string:
                a[...] = b""
            for k, c in enumerate(comps):
                a[(k,) + tuple(slice(0, s) for s in c.shape)] = c
        else:
            shape0 = comps[0].shape if comps else tuple(q.shapes[j].as_list() or ())
            a = np.empty((len(comps),) + tuple(shape0), npdt)
            for k, c in enumerate(comps):
                if c.shape != shape0:
                    raise errors.InvalidArgumentError(
                        None, op, f"Shape mismatch in component {j}: {list(shape0)} vs "
                                  f"{list(c.shape)}; use a PaddingFIFOQueue (op '{op.name}')")
                a[k, ...] = c
        out.append(a)
    return tuple(out)


@register_op("QueueDequeueV2")
class QueueDequeue(OpDef):
    """Removes one element."""

    host_only = True
    stateful = True

    def infer(self, handle, *, component_types, shapes, timeout_ms=-1):
        return [spec(t, s) for t, s in zip(component_types, shapes)]

    def kernel(self, be, op, ctx):
        qop = op.inputs[0].op

        def dequeue(handle):
            q = _queue(ctx, qop)
            row = q.dequeue(1, op, ctx, up_to=False)[0]
            return tuple(np.asarray(v, dtype=object if t is dtypes.string else t.np_dtype)
                         for v, t in zip(row, q.types))
        return dequeue


class _DequeueManyBase(OpDef):
    host_only = True
    stateful = True
    host_inputs = (1,)
    up_to = False

    def infer(self, handle, n, *, component_types, shapes, timeout_ms=-1):
        from .array_ops import constant_value
        nv = constant_value(n)
        lead = None if (self.up_to or nv is None) else int(nv)
        return [spec(t, TensorShape([lead]).concatenate(s) if s.ndims is not None else None)
                for t, s in zip(component_types, shapes)]

    def kernel(self, be, op, ctx):
        qop = op.inputs[0].op
        up_to = self.up_to

        def dequeue_many(handle, n):
            q = _queue(ctx, qop)
            k = int(np.asarray(n))
            if k < 0:
                raise errors.InvalidArgumentError(None, op, f"Dequeue requested {k} < 0 elements "
                                                            f"(op '{op.name}')")
            return _stack_rows(q, q.dequeue(k, op, ctx, up_to=up_to), op, None)
        return dequeue_many


@register_op("QueueDequeueManyV2")
class QueueDequeueMany(_DequeueManyBase):
    """Removes `n` elements, stacked (blocks until there are `n`)."""


@register_op("QueueDequeueUpToV2")
class QueueDequeueUpTo(_DequeueManyBase):
    """Like DequeueMany, but a closed queue gives its last, smaller batch."""

    up_to = True


@register_op("QueueCloseV2")
class QueueClose(OpDef):
    host_only = True
    stateful = True

    def infer(self, handle, *, cancel_pending_enqueues=False):
        return None

    def kernel(self, be, op, ctx):
        qop = op.inputs[0].op
        cancel = op.attrs.get("cancel_pending_enqueues", False)
        return lambda handle: _queue(ctx, qop).close_queue(cancel)


@register_op("QueueSizeV2")
class QueueSize(OpDef):
    host_only = True
    stateful = True

    def infer(self, handle):
        return spec(dtypes.int32, [])

    def kernel(self, be, op, ctx):
        qop = op.inputs[0].op
        return lambda handle: np.array(len(_queue(ctx, qop).items), np.int32)


@register_op("QueueIsClosedV2")
class QueueIsClosed(OpDef):
    host_only = True
    stateful = True

    def infer(self, handle):
        return spec(dtypes.bool, [])

    def kernel(self, be, op, ctx):
        qop = op.inputs[0].op
        return lambda handle: np.array(_queue(ctx, qop).closed)


for _t in list(_KINDS) + ["QueueEnqueueV2", "QueueEnqueueManyV2", "QueueDequeueV2",
                          "QueueDequeueManyV2", "QueueDequeueUpToV2", "QueueCloseV2",
                          "QueueSizeV2", "QueueIsClosedV2"]:
    NotDifferentiable(_t)


def _as_type_list(dtypes_: Any) -> List[dtypes.DType]:
    if isinstance(dtypes_, (list, tuple)):
        return [dtypes.as_dtype(d) for d in dtypes_]
    return [dtypes.as_dtype(dtypes_)]


def _as_shape_list(shapes: Any, unknown_dim_allowed: bool) -> list:
    """TF1's reading of a queue's `shapes`: a list of ints/None is one shape, else one per
    component."""
    if unknown_dim_allowed and (not isinstance(shapes, (list, tuple)) or not shapes or
                                any(s is None or isinstance(s, int) for s in shapes)):
        raise ValueError("When providing partial shapes, a list of shapes must be provided "
                         "(one shape with known rank per component).")
    if isinstance(shapes, TensorShape):
        return [shapes]
    if not isinstance(shapes, (list, tuple)):
        raise TypeError(f"shapes must be a TensorShape or a list of shapes, got {shapes!r}")
    if all(s is None or isinstance(s, int) for s in shapes):
        return [shapes]
    return list(shapes)


class QueueBase:
    """Base class of queues (`tf.QueueBase`): enqueue/dequeue/close/size ops on one queue."""

    _op_type = ""
    _default_name = ""

    def __init__(self, capacity: int, dtypes_: Any, shapes: Any = None, names: Any = None,
                 shared_name: Optional[str] = None, name: Optional[str] = None, **extra: Any):
        self._dtypes = _as_type_list(dtypes_)
        if shapes is None:
            self._shapes = [unknown_shape() for _ in self._dtypes]
        else:
            shapes = _as_shape_list(shapes, self._op_type == "PaddingFIFOQueueV2")
            self._shapes = [as_shape(s) for s in shapes]
            if len(self._shapes) != len(self._dtypes):
                raise ValueError(f"Queue shapes must have the same length as dtypes "
                                 f"({len(self._shapes)} vs {len(self._dtypes)})")
        if names is not None:
            names = [names] if isinstance(names, str) else list(names)
            if len(names) != len(self._dtypes):
                raise ValueError("Queue names must have the same length as dtypes")
        self._names = names
        self._check_shapes()
        attrs = {"component_types": self._dtypes, "shapes": self._shapes,
                 "capacity": int(capacity), "shared_name": shared_name or ""}
        attrs.update(extra)
        op = get_default_graph().create_op(self._op_type, [], attrs, name=name or self._default_name)
        self._queue_ref = op.outputs[0]
        self._name = op.name.split("/")[-1]  # as TF1: its ops are named "<name>_enqueue", ...

    def _check_shapes(self) -> None:
        pass

    @property
    def name(self) -> str:
        return self._name

    @property
    def queue_ref(self) -> Tensor:
        return self._queue_ref

    @property
    def dtypes(self) -> List[dtypes.DType]:
        return self._dtypes

    @property
    def shapes(self) -> List[TensorShape]:
        return self._shapes

    @property
    def names(self):
        return self._names

    def _flatten(self, vals: Any) -> List[Any]:
        if isinstance(vals, dict):
            if self._names is None:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(vals) != sorted(self._names):
                raise ValueError(f"Keys in dictionary to enqueue do not match names of Queue. "
                                 f"Dictionary: {sorted(vals)}, Queue: {sorted(self._names)}")
            return [vals[k] for k in self._names]
        if not isinstance(vals, (list, tuple)):
            return [vals]
        return list(vals)

    def _convert(self, vals: Any, many: bool) -> List[Tensor]:
        flat = self._flatten(vals)
        if len(flat) != len(self._dtypes):
            raise ValueError(f"Expected {len(self._dtypes)} components to enqueue in queue "
                             f"'{self._name}', got {len(flat)}")
        out = []
        for i, (v, dt, s) in enumerate(zip(flat, self._dtypes, self._shapes)):
            t = convert_to_tensor(v, dtype=dt, name=f"component_{i}")
            shape = t.shape[1:] if (many and t.shape.ndims) else t.shape
            if s.ndims is not None and shape.ndims is not None and not s.is_compatible_with(shape):
                raise ValueError(f"Shape {t.shape} of component {i} is incompatible with the "
                                 f"queue '{self._name}' element shape {s}")
            out.append(t)
        return out

    def _pack(self, tensors: List[Tensor]) -> Any:
        if self._names is not None:
            return dict(zip(self._names, tensors))
        return tensors[0] if len(tensors) == 1 else tensors

    def enqueue(self, vals: Any, name: Optional[str] = None) -> Operation:
        """Enqueues one element (a tensor, a list/tuple of them, or a dict for named queues)."""
        with name_scope(name, f"{self._name}_enqueue", []) as scope:
            ts = self._convert(vals, False)
            return get_default_graph().create_op("QueueEnqueueV2", [self._queue_ref] + ts, {},
                                                 name=scope[:-1])

    def enqueue_many(self, vals: Any, name: Optional[str] = None) -> Operation:
        """Enqueues the slices of `vals` along dimension 0 as elements."""
        with name_scope(name, f"{self._name}_EnqueueMany", []) as scope:
            ts = self._convert(vals, True)
            return get_default_graph().create_op("QueueEnqueueManyV2", [self._queue_ref] + ts, {},
                                                 name=scope[:-1])

    def dequeue(self, name: Optional[str] = None) -> Any:
        """Dequeues one element (blocks while the queue is empty)."""
        op = get_default_graph().create_op(
            "QueueDequeueV2", [self._queue_ref],
            {"component_types": self._dtypes, "shapes": self._shapes},
            name=name or f"{self._name}_Dequeue")
        return self._pack(op.outputs)

    def _dequeue_n(self, op_type: str, n: Any, name: Optional[str], default: str) -> Any:
        with name_scope(name, f"{self._name}_{default}", [n]) as scope:
            nt = convert_to_tensor(n, dtype=dtypes.int32, name="n")
            op = get_default_graph().create_op(
                op_type, [self._queue_ref, nt],
                {"component_types": self._dtypes, "shapes": self._shapes}, name=scope[:-1])
        return self._pack(op.outputs)

    def dequeue_many(self, n: Any, name: Optional[str] = None) -> Any:
        """Dequeues `n` elements stacked along a new first dimension."""
        return self._dequeue_n("QueueDequeueManyV2", n, name, "DequeueMany")

    def dequeue_up_to(self, n: Any, name: Optional[str] = None) -> Any:
        """Like `dequeue_many`, but a closed queue returns its remaining (fewer) elements."""
        return self._dequeue_n("QueueDequeueUpToV2", n, name, "DequeueUpTo")

    def close(self, cancel_pending_enqueues: bool = False, name: Optional[str] = None) -> Operation:
        """Closes the queue: enqueues fail, dequeues drain it then fail with OutOfRangeError."""
        return get_default_graph().create_op(
            "QueueCloseV2", [self._queue_ref], {"cancel_pending_enqueues": bool(cancel_pending_enqueues)},
            name=name or f"{self._name}_Close")

    def is_closed(self, name: Optional[str] = None) -> Tensor:
        return get_default_graph().create_op("QueueIsClosedV2", [self._queue_ref], {},
                                             name=name or f"{self._name}_IsClosed").outputs[0]

    def size(self, name: Optional[str] = None) -> Tensor:
        """The number of elements in the queue (int32 scalar)."""
        return get_default_graph().create_op("QueueSizeV2", [self._queue_ref], {},
                                             name=name or f"{self._name}_Size").outputs[0]


class FIFOQueue(QueueBase):
    """A first-in first-out queue (`tf.FIFOQueue(capacity, dtypes, shapes=None, names=None)`)."""

    _op_type = "FIFOQueueV2"
    _default_name = "fifo_queue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose `dequeue_many` pads components to the batch's largest shape
    (dimensions given as None in `shapes`)."""

    _op_type = "PaddingFIFOQueueV2"
    _default_name = "padding_fifo_queue"

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        if shapes is None:
            raise ValueError("PaddingFIFOQueue needs shapes (None for dimensions to pad)")
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)

    def _check_shapes(self) -> None:
        for s in self._shapes:
            if s.ndims is None:
                raise ValueError("Shapes of a PaddingFIFOQueue need a known rank "
                                 "(use None for each dimension to pad)")


class RandomShuffleQueue(QueueBase):
    """A queue that dequeues elements in random order, keeping at least `min_after_dequeue`
    elements in it (until it is closed) so that the mix stays random."""

    _op_type = "RandomShuffleQueueV2"
    _default_name = "random_shuffle_queue"

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None,
                 shared_name=None, name="random_shuffle_queue"):
        from .random_ops import get_seed
        if min_after_dequeue >= capacity:
            raise ValueError(f"min_after_dequeue ({min_after_dequeue}) must be smaller than "
                             f"capacity ({capacity})")
        super().__init__(capacity, dtypes, shapes, names, shared_name, name,
                         min_after_dequeue=int(min_after_dequeue), seed=get_seed(seed))


__all__ = ["QueueBase", "FIFOQueue", "PaddingFIFOQueue", "RandomShuffleQueue"]


# --- CountUpTo (the epoch counter of tf.train.limit_epochs) -----------------------------------
@register_op("CountUpTo")
class CountUpTo(OpDef):
    """Increments an int variable; returns its old value, or raises `OutOfRangeError` once
    it reached `limit`."""

    ref_inputs = (0,)
    stateful = True
    mutates_variables = True

    def infer(self, ref, *, limit):
        if ref.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"CountUpTo needs an int32/int64 variable, got {ref.dtype.name}")
        return spec(ref.dtype, ref.shape)

    def kernel(self, be, op, ctx):
        cell = ctx.variable_cell(op.inputs[0].op)
        limit = int(op.attrs["limit"])
        name = op.inputs[0].op.name
        xp = be.xp

        def count(*_):
            v = cell.value
            if v is None:
                raise errors.FailedPreconditionError(
                    None, op, f"Attempting to use uninitialized value {name}\n\t [[node {op.name}]]")
            old = int(np.asarray(cell.backend.to_host(v)))
            if old >= limit:
                raise errors.OutOfRangeError(None, op, f"Reached limit of {limit} (variable "
                                                       f"'{name}', op '{op.name}')")
            out = xp.array(v, copy=True)
            v += 1
            return out
        return count


NotDifferentiable("CountUpTo")


def count_up_to(ref: Any, limit: int, name: Optional[str] = None) -> Tensor:
    """Increments variable `ref` until it reaches `limit` (`tf.count_up_to`).

    Returns:
      The value before the increment; running it at `limit` raises `OutOfRangeError`.
    """
    r = ref._ref() if callable(getattr(ref, "_ref", None)) else ref
    return r.graph.create_op("CountUpTo", [r], {"limit": int(limit)},
                             name=name or "CountUpTo").outputs[0]


__all__ += ["count_up_to"]
