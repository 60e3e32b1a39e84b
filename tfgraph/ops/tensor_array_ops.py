"""`tf.TensorArray` on TF1's TensorArrayV3 ops, and their gradients.

A TensorArray is made per run by `TensorArrayV3` (its handle: a 0-d object array in host
memory holding a `_TensorArray`); its elements stay on the device that wrote them.  Every
op that changes it returns a new `flow` (a float32 scalar in host memory) and every op that
reads it takes one, so data dependencies order the accesses -- inside while loops too, where
the flow is a loop variable, as in TF1.

Gradients follow TF1: a gradient TensorArray (`TensorArrayGradV3`, one per gradient
computation, keyed by `source`) of the same size receives the gradients: a read's gradient
writes into it (adding when an index is written twice), a write's gradient reads from it (an
index nothing wrote reads as zeros).
"""
from __future__ import annotations

from typing import Any, List, Optional

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape, as_shape, unknown_shape
from .array_ops import identity, range as range_, shape as shape_
from .math_ops import cast
from .stack_ops import handle_of, move_between as _move

_CLEARED = object()


class _TensorArray:
    """One run's TensorArray: elements as (array, backend) pairs, or None (unwritten)."""

    def __init__(self, op: Operation, size: int, dtype, element_shape: TensorShape,
                 dynamic_size: bool, clear_after_read: bool, is_grad: bool = False):
        self.op = op
        self.name = op.attrs.get("tensor_array_name") or op.name
        self.items: List[Any] = [None] * size
        self.dtype = dtype
        self.element_shape = element_shape
        self.dynamic_size = dynamic_size
        self.clear_after_read = clear_after_read
        self.is_grad = is_grad
        self.shapes: List[Optional[tuple]] = [None] * size  # shapes written (grad zeros)
        self.grads: dict = {}
        self.closed = False

    def _fail(self, op, msg):
        raise errors.InvalidArgumentError(None, op, f"TensorArray {self.name}: {msg}"
                                                    f"\n\t [[node {op.name}]]")

    def write(self, op, index: int, value, be, same_shape: bool = True) -> None:
        if index < 0:
            self._fail(op, f"Tried to write to index {index} but that is negative")
        if index >= len(self.items):
            if not self.dynamic_size:
                self._fail(op, f"Tried to write to index {index} but array is not resizeable "
                               f"and size is: {len(self.items)}")
            grow = index + 1 - len(self.items)
            self.items.extend([None] * grow)
            self.shapes.extend([None] * grow)
        shape = tuple(value.shape)
        if same_shape and not self.element_shape.is_compatible_with(shape):
            self._fail(op, f"Could not write to TensorArray index {index} because the value "
                           f"shape is {list(shape)} which is incompatible with the TensorArray's "
                           f"inferred element shape: {self.element_shape}")
        old = self.items[index]
        if old is not None and old is not _CLEARED:
            if not self.is_grad:
                self._fail(op, f"Could not write to TensorArray index {index} because it has "
                               f"already been written to.")
            prev, prev_be = old
            if prev_be.name != be.name:
                prev = _move(prev, prev_be, be)
            value = prev + value  # gradients written twice add up
        self.items[index] = (value, be)
        self.shapes[index] = shape
        if same_shape and not self.element_shape.is_fully_defined():
            self.element_shape = self.element_shape.merge_with(shape)

    def read(self, op, index: int, be):
        if index < 0 or index >= len(self.items):
            self._fail(op, f"Tried to read from index {index} but array size is: "
                           f"{len(self.items)}")
        item = self.items[index]
        if item is _CLEARED:
            self._fail(op, f"Could not read index {index} twice because it was cleared after a "
                           f"previous read (perhaps try setting clear_after_read = false?)")
        if item is None:
            if self.is_grad and self.element_shape.is_fully_defined():
                return be.xp.zeros(self.element_shape.as_tuple(), self.dtype.np_dtype)
            self._fail(op, f"Could not read from TensorArray index {index} because it has not "
                           f"yet been written to.")
        v, src = item
        if self.clear_after_read and not self.is_grad:
            self.items[index] = _CLEARED
        return _move(v, src, be) if src.name != be.name else v


def _ta(handle) -> _TensorArray:
    return handle[()]


@register_op("TensorArrayV3")
class TensorArrayV3(OpDef):
    """A new TensorArray each run: outputs its handle and a flow."""

    stateful = True
    host_only = True
    host_outputs = (0, 1)  # handle and flow are host metadata (loops keep them there)

    def infer(self, size, *, dtype, element_shape=None, dynamic_size=False,
              clear_after_read=True, identical_element_shapes=False, tensor_array_name=""):
        return [spec(dtypes.resource, []), spec(dtypes.float32, [])]

    def kernel(self, be, op, ctx):
        a = op.attrs
        shape = as_shape(a.get("element_shape"))

        def make(size):
            ta = _TensorArray(op, int(size), dtypes.as_dtype(a["dtype"]), shape,
                              bool(a.get("dynamic_size", False)),
                              bool(a.get("clear_after_read", True)))
            return handle_of(ta), np.float32(0.0) * np.ones((), np.float32)
        return make


@register_op("TensorArrayGradV3")
class TensorArrayGradV3(OpDef):
    """The gradient TensorArray of a TensorArray for gradient computation `source`."""

    stateful = True
    host_only = True
    host_outputs = (0, 1)

    def infer(self, handle, flow_in, *, source):
        return [spec(dtypes.resource, []), spec(dtypes.float32, [])]

    def kernel(self, be, op, ctx):
        source = op.attrs["source"]

        def grad(handle, flow):
            ta = _ta(handle)
            g = ta.grads.get(source)
            if g is None:
                shape = ta.element_shape
                g = _TensorArray(op, len(ta.items), ta.dtype, shape, True, False, is_grad=True)
                g.name = f"{ta.name}_grad_{source}"
                ta.grads[source] = g
            return handle_of(g), flow
        return grad


class _TAOp(OpDef):
    stateful = True


@register_op("TensorArrayWriteV3")
class TensorArrayWriteV3(_TAOp):
    host_inputs = (0, 1, 3)
    host_outputs = (0,)

    def infer(self, handle, index, value, flow_in, *, T=None):
        return spec(dtypes.float32, [])

    def kernel(self, be, op, ctx):
        def write(handle, index, value, flow):
            _ta(handle).write(op, int(index), value, be)
            return flow
        return write

    def gradient(self, op, flow_grad):
        handle, index, value, _ = op.inputs
        g = _grad_array(op, handle, flow_grad, value.dtype, value.shape)
        return [None, None, g.read(index), flow_grad]


@register_op("TensorArrayReadV3")
class TensorArrayReadV3(_TAOp):
    host_inputs = (0, 1, 2)

    def infer(self, handle, index, flow_in, *, dtype, element_shape=None):
        return spec(dtype, unknown_shape() if element_shape is None else element_shape)

    def kernel(self, be, op, ctx):
        def read(handle, index, flow):
            return _ta(handle).read(op, int(index), be)
        return read

    def gradient(self, op, grad):
        handle, index, flow = op.inputs
        g = _grad_array(op, handle, flow, grad.dtype)
        return [None, None, g.write(index, grad).flow]


@register_op("TensorArrayGatherV3")
class TensorArrayGatherV3(_TAOp):
    host_inputs = (0, 1, 2)

    def infer(self, handle, indices, flow_in, *, dtype, element_shape=None):
        es = unknown_shape() if element_shape is None else as_shape(element_shape)
        n = indices.shape.as_tuple()[0] if indices.shape.ndims == 1 else None
        return spec(dtype, TensorShape([n]).concatenate(es) if es.ndims is not None
                    else unknown_shape())

    def kernel(self, be, op, ctx):
        xp = be.xp
        dt = op._outputs[0].dtype.np_dtype

        def gather(handle, indices, flow):
            ta = _ta(handle)
            idx = [int(i) for i in np.asarray(indices).reshape(-1)]
            if not idx:
                es = ta.element_shape
                if not es.is_fully_defined():  # the graph's static element shape
                    es = es.merge_with(as_shape(op.attrs.get("element_shape")))
                if not es.is_fully_defined():
                    ta._fail(op, "TensorArray has size zero, but element shape "
                                 f"{ta.element_shape} is not fully defined. Currently only "
                                 "static shapes are supported when packing zero-size "
                                 "TensorArrays.")
                return xp.zeros((0,) + es.as_tuple(), dt)
            vals = [ta.read(op, i, be) for i in idx]
            shapes = {tuple(v.shape) for v in vals}
            if len(shapes) > 1:
                ta._fail(op, f"Could not gather: elements have different shapes {sorted(shapes)}")
            return xp.stack(vals).astype(dt, copy=False)
        return gather

    def gradient(self, op, grad):
        handle, indices, flow = op.inputs
        g = _grad_array(op, handle, flow, grad.dtype)
        return [None, None, g.scatter(indices, grad).flow]


@register_op("TensorArrayScatterV3")
class TensorArrayScatterV3(_TAOp):
    host_inputs = (0, 1, 3)
    host_outputs = (0,)

    def infer(self, handle, indices, value, flow_in, *, T=None):
        return spec(dtypes.float32, [])

    def kernel(self, be, op, ctx):
        def scatter(handle, indices, value, flow):
            ta = _ta(handle)
            idx = [int(i) for i in np.asarray(indices).reshape(-1)]
            if len(idx) != value.shape[0]:
                ta._fail(op, f"Could not scatter: {len(idx)} indices for {value.shape[0]} rows")
            for k, i in enumerate(idx):
                ta.write(op, i, value[k], be)
            return flow
        return scatter

    def gradient(self, op, flow_grad):
        handle, indices, value, _ = op.inputs
        es = TensorShape(value.shape.as_tuple()[1:]) if value.shape.ndims else None
        g = _grad_array(op, handle, flow_grad, value.dtype, es)
        return [None, None, g.gather(indices), flow_grad]


@register_op("TensorArrayConcatV3")
class TensorArrayConcatV3(_TAOp):
    host_inputs = (0, 1)
    host_outputs = (1,)

    def infer(self, handle, flow_in, *, dtype, element_shape_except0=None):
        es = unknown_shape() if element_shape_except0 is None else as_shape(element_shape_except0)
        shape = TensorShape([None]).concatenate(es) if es.ndims is not None else unknown_shape()
        return [spec(dtype, shape), spec(dtypes.int64, [None])]

    def kernel(self, be, op, ctx):
        xp = be.xp
        dt = op._outputs[0].dtype.np_dtype

        def concat(handle, flow):
            ta = _ta(handle)
            vals = [ta.read(op, i, be) for i in range(len(ta.items))]
            lengths = np.array([v.shape[0] for v in vals], np.int64)
            if not vals:
                es = op.attrs.get("element_shape_except0")
                rest = as_shape(es).as_tuple() if es is not None and \
                    as_shape(es).is_fully_defined() else ()
                return xp.zeros((0,) + rest, dt), lengths
            return xp.concatenate(vals, axis=0).astype(dt, copy=False), lengths
        return concat

    def gradient(self, op, grad, _lengths_grad):
        handle, flow = op.inputs
        g = _grad_array(op, handle, flow, grad.dtype)
        return [None, g.split(grad, op.outputs[1]).flow]


@register_op("TensorArraySplitV3")
class TensorArraySplitV3(_TAOp):
    host_inputs = (0, 2, 3)
    host_outputs = (0,)

    def infer(self, handle, value, lengths, flow_in, *, T=None):
        return spec(dtypes.float32, [])

    def kernel(self, be, op, ctx):
        def split(handle, value, lengths, flow):
            ta = _ta(handle)
            lens = [int(n) for n in np.asarray(lengths).reshape(-1)]
            if sum(lens) != value.shape[0]:
                ta._fail(op, f"Expected sum of lengths to be equal to values.shape[0], but sum "
                             f"of lengths is {sum(lens)} and value's shape is "
                             f"{list(value.shape)}")
            start = 0
            for i, n in enumerate(lens):
                ta.write(op, i, value[start:start + n], be, same_shape=False)
                start += n
            return flow
        return split

    def gradient(self, op, flow_grad):
        handle, value, lengths, _ = op.inputs
        g = _grad_array(op, handle, flow_grad, value.dtype)
        return [None, g.concat(), None, flow_grad]


@register_op("TensorArraySizeV3")
class TensorArraySizeV3(_TAOp):
    host_inputs = (0, 1)
    host_outputs = (0,)

    def infer(self, handle, flow_in):
        return spec(dtypes.int32, [])

    def kernel(self, be, op, ctx):
        return lambda handle, flow: np.int32(len(_ta(handle).items)) * np.ones((), np.int32)


@register_op("TensorArrayCloseV3")
class TensorArrayCloseV3(_TAOp):
    host_only = True

    def infer(self, handle):
        return ()

    def kernel(self, be, op, ctx):
        def close(handle):
            _ta(handle).closed = True
        return close


for _t in ("TensorArrayV3", "TensorArrayGradV3", "TensorArraySizeV3", "TensorArrayCloseV3"):
    NotDifferentiable(_t)


def _grad_source(op: Operation) -> str:
    """The gradient computation a gradient op belongs to: its top name scope ("gradients")."""
    scope = get_default_graph().get_name_scope()
    return scope.split("/", 1)[0] if scope else "gradients"


def _grad_array(op: Operation, handle: Tensor, flow: Tensor, dtype,
                element_shape: Any = None) -> "TensorArray":
    return TensorArray(dtype=dtype, handle=handle, flow=flow,
                       element_shape=element_shape).grad(_grad_source(op), flow=flow)


class TensorArray:
    """A list of tensors written and read by index in a graph (`tf.TensorArray`), as TF1's.

    Args:
      dtype: The elements' dtype.
      size: The number of elements (int32 scalar); None with `handle`.
      dynamic_size: Writes past the end grow the array.
      clear_after_read: Reading an element frees it (default True; a second read fails).
      tensor_array_name: The run-time name (messages).
      handle, flow: Wrap an existing TensorArray (gradients, loops).
      infer_shape: Elements share one static shape, learnt from writes.
      element_shape: The elements' static shape.
      name: Name scope (default "TensorArray").
    """

    _is_tensor_array = True

    def __init__(self, dtype: Any, size: Any = None, dynamic_size: Optional[bool] = None,
                 clear_after_read: Optional[bool] = None, tensor_array_name: Optional[str] = None,
                 handle: Any = None, flow: Any = None, infer_shape: bool = True,
                 element_shape: Any = None, colocate_with_first_write_call: bool = True,
                 name: Optional[str] = None):
        self._dtype = dtypes.as_dtype(dtype)
        self._infer_shape = infer_shape
        shape = as_shape(element_shape) if element_shape is not None else unknown_shape()
        # Shared (a one-element list) by every TensorArray object of one handle: writes
        # refine the static element shape all reads see, as TF1's.
        self._element_shape = [shape]
        if handle is not None:
            if flow is None:
                raise ValueError("flow must not be None if handle is not None.")
            self._handle = handle
            self._flow = flow
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        self._dynamic_size = bool(dynamic_size)
        with name_scope(name, "TensorArray", [size]) as scope:
            size_t = convert_to_tensor(size, dtype=dtypes.int32, name="size")
            op = size_t.graph.create_op(
                "TensorArrayV3", [size_t],
                {"dtype": self._dtype, "element_shape": shape if element_shape is not None
                 else None, "dynamic_size": bool(dynamic_size),
                 "clear_after_read": True if clear_after_read is None else bool(clear_after_read),
                 "identical_element_shapes": bool(infer_shape),
                 "tensor_array_name": tensor_array_name or ""}, name=scope)
        self._handle, self._flow = op._outputs

    # --- properties ---------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def handle(self) -> Tensor:
        return self._handle

    @property
    def flow(self) -> Tensor:
        return self._flow

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape[0]

    def _with_flow(self, flow: Tensor) -> "TensorArray":
        ta = TensorArray.__new__(TensorArray)
        ta._dtype = self._dtype
        ta._infer_shape = self._infer_shape
        ta._element_shape = self._element_shape
        ta._handle = self._handle
        ta._flow = flow
        return ta

    def _merge_shape(self, shape: TensorShape) -> None:
        if not self._infer_shape:
            return
        cur = self._element_shape[0]
        if not cur.is_compatible_with(shape):
            raise ValueError(f"Inconsistent shapes: saw {shape} but expected {cur} (and "
                             f"infer_shape=True)")
        self._element_shape[0] = cur.merge_with(shape)

    # --- API ----------------------------------------------------------------------------
    def identity(self) -> "TensorArray":
        return self._with_flow(identity(self._flow))

    def grad(self, source: str, flow: Any = None, name: Optional[str] = None) -> "TensorArray":
        flow = self._flow if flow is None else flow
        g = self._handle.graph
        with g.as_default(), name_scope(name, "TensorArrayGrad", [self._handle]) as scope:
            op = g.create_op("TensorArrayGradV3", [self._handle, flow], {"source": source},
                             name=scope)
        ta = self._with_flow(op._outputs[1])
        ta._handle = op._outputs[0]
        ta._element_shape = self._element_shape
        return ta

    def read(self, index: Any, name: Optional[str] = None) -> Tensor:
        """The element at `index`."""
        g = self._handle.graph
        with g.as_default(), name_scope(name, "TensorArrayReadV3", [self._handle, index]) as s:
            idx = convert_to_tensor(index, dtype=dtypes.int32)
            op = g.create_op("TensorArrayReadV3", [self._handle, idx, self._flow],
                             {"dtype": self._dtype, "element_shape": self.element_shape}, name=s)
        return op._outputs[0]

    def write(self, index: Any, value: Any, name: Optional[str] = None) -> "TensorArray":
        """A TensorArray with `value` written at `index`.

        Raises:
          ValueError: If `value`'s shape is incompatible with the elements' (infer_shape).
          TypeError: If its dtype differs.
        """
        g = self._handle.graph
        with g.as_default(), name_scope(name, "TensorArrayWrite", [self._handle, index, value]) \
                as s:
            v = convert_to_tensor(value, dtype=self._dtype if not isinstance(value, Tensor)
                                  else None, name="value")
            if v.dtype != self._dtype:
                raise TypeError(f"TensorArray dtype is {self._dtype.name} but Op is trying to "
                                f"write dtype {v.dtype.name}")
            self._merge_shape(v.shape)
            idx = convert_to_tensor(index, dtype=dtypes.int32)
            op = g.create_op("TensorArrayWriteV3", [self._handle, idx, v, self._flow],
                             {"T": self._dtype}, name=s)
        return self._with_flow(op._outputs[0])

    def gather(self, indices: Any, name: Optional[str] = None) -> Tensor:
        """The elements at `indices`, stacked."""
        g = self._handle.graph
        with g.as_default(), name_scope(name, "TensorArrayGatherV3", [self._handle]) as s:
            idx = convert_to_tensor(indices, dtype=dtypes.int32)
            op = g.create_op("TensorArrayGatherV3", [self._handle, idx, self._flow],
                             {"dtype": self._dtype, "element_shape": self.element_shape}, name=s)
        return op._outputs[0]

    def stack(self, name: Optional[str] = None) -> Tensor:
        """All elements stacked along a new first axis."""
        with name_scope(name, "TensorArrayStack", [self._handle]):
            return self.gather(range_(0, self.size()), name=name)

    def scatter(self, indices: Any, value: Any, name: Optional[str] = None) -> "TensorArray":
        """A TensorArray with the rows of `value` written at `indices`."""
        g = self._handle.graph
        with g.as_default(), name_scope(name, "TensorArrayScatter", [self._handle]) as s:
            v = convert_to_tensor(value, name="value")
            if v.dtype != self._dtype:
                raise TypeError(f"TensorArray dtype is {self._dtype.name} but Op is trying to "
                                f"write dtype {v.dtype.name}")
            if v.shape.ndims is not None and v.shape.ndims > 0:
                self._merge_shape(TensorShape(v.shape.as_tuple()[1:]))
            idx = convert_to_tensor(indices, dtype=dtypes.int32)
            op = g.create_op("TensorArrayScatterV3", [self._handle, idx, v, self._flow],
                             {"T": self._dtype}, name=s)
        return self._with_flow(op._outputs[0])

    def unstack(self, value: Any, name: Optional[str] = None) -> "TensorArray":
        """A TensorArray holding the rows of `value` (its first dimension)."""
        with name_scope(name, "TensorArrayUnstack", [self._handle, value]):
            v = convert_to_tensor(value, name="value")
            n = shape_(v)[0]
            return self.scatter(range_(0, n), v, name="TensorArrayScatter")

    def concat(self, name: Optional[str] = None) -> Tensor:
        """All elements concatenated along their first axis."""
        g = self._handle.graph
        es = self.element_shape
        rest = TensorShape(es.as_tuple()[1:]) if es.ndims else None
        with g.as_default(), name_scope(name, "TensorArrayConcat", [self._handle]) as s:
            op = g.create_op("TensorArrayConcatV3", [self._handle, self._flow],
                             {"dtype": self._dtype, "element_shape_except0": rest}, name=s)
        return op._outputs[0]

    def split(self, value: Any, lengths: Any, name: Optional[str] = None) -> "TensorArray":
        """A TensorArray holding `value` cut along its first axis into `lengths` pieces."""
        g = self._handle.graph
        with g.as_default(), name_scope(name, "TensorArraySplit", [self._handle, value]) as s:
            v = convert_to_tensor(value, name="value")
            ln = convert_to_tensor(lengths, dtype=dtypes.int64, name="lengths") if not \
                isinstance(lengths, Tensor) else lengths
            if ln.dtype != dtypes.int64:
                ln = cast(ln, dtypes.int64)
            op = g.create_op("TensorArraySplitV3", [self._handle, v, ln, self._flow],
                             {"T": self._dtype}, name=s)
        return self._with_flow(op._outputs[0])

    def size(self, name: Optional[str] = None) -> Tensor:
        """The number of elements (int32)."""
        g = self._handle.graph
        with g.as_default(), name_scope(name, "TensorArraySizeV3", [self._handle]) as s:
            return g.create_op("TensorArraySizeV3", [self._handle, self._flow], {},
                               name=s)._outputs[0]

    def close(self, name: Optional[str] = None) -> Operation:
        g = self._handle.graph
        with g.as_default(), name_scope(name, "TensorArrayCloseV3", [self._handle]) as s:
            return g.create_op("TensorArrayCloseV3", [self._handle], {}, name=s)


__all__ = ["TensorArray"]
