"""Iterators of `tf.data` and their ops: `IteratorV2`, `MakeIterator`, `OneShotIterator`,
`IteratorGetNext`, `IteratorToStringHandle`, `IteratorFromStringHandle`.

An iterator is a *resource of the session* (like a variable's value): its handle is a string
scalar (the iterator op's name), and `Session.resource(handle)` holds an `_IteratorResource`
with the running state (`runtime.Runtime` + the Python generator of the dataset). Running
`MakeIterator` replaces that state (closing the previous one's threads); `IteratorGetNext`
advances it and raises `tf.errors.OutOfRangeError` at the end. Handles are plain strings, so
`from_string_handle` switches iterators by feeding another handle.
"""
from __future__ import annotations

import threading
from typing import Any, List, Optional

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from . import structure as nest
from .runtime import Runtime

# Datasets are typed `Any` here: dataset_ops imports this module (imports go one way).


class _IteratorResource:
    """A session's state of one iterator handle."""

    def __init__(self, name: str):
        self.name = name
        self.lock = threading.Lock()
        self.runtime: Optional[Runtime] = None
        self.it = None
        self.types: List[dtypes.DType] = []
        self.sparse: List[bool] = []
        self.started = False  # one-shot iterators initialize once

    def reset(self, dataset: Any, values: dict) -> None:
        old = self.runtime
        self.runtime = rt = Runtime(values)
        self.types = dataset._flat_types()
        self.sparse = dataset._flat_sparse()
        self.it = None
        self.started = True
        if old is not None:
            old.close()
        self.it = dataset._iter(rt)

    def close(self) -> None:
        rt, self.runtime, self.it = self.runtime, None, None
        if rt is not None:
            rt.close()


def _handle_key(handle: Any) -> str:
    h = np.asarray(handle).reshape(())[()] if not isinstance(handle, (bytes, str)) else handle
    return h.decode("utf-8") if isinstance(h, bytes) else str(h)


def _handle_array(name: str) -> np.ndarray:
    a = np.empty((), object)
    a[()] = name.encode("utf-8")
    return a


def _resource(ctx, handle: Any) -> _IteratorResource:
    key = _handle_key(handle)
    return ctx.resource(("iterator", key), lambda: _IteratorResource(key))


@register_op("IteratorV2")
class IteratorV2(OpDef):
    """An iterator resource (its handle: a string scalar); `MakeIterator` initializes it."""

    host_only = True
    stateful = True

    def infer(self, *, shared_name, output_types, output_shapes):
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        h = _handle_array(op.attrs["shared_name"] or op.name)
        return lambda: h


@register_op("MakeIterator")
class MakeIterator(OpDef):
    """(Re)initializes the iterator `handle` with `dataset` (inputs: the dataset's tensors)."""

    host_only = True
    stateful = True

    def infer(self, handle, *inputs, dataset):
        return None

    def kernel(self, be, op, ctx):
        ds = op.attrs["dataset"]
        tensors = op.inputs[1:]

        def make(handle, *values):
            res = _resource(ctx, handle)
            with res.lock:
                res.reset(ds, dict(zip(tensors, values)))
        return make


@register_op("OneShotIterator")
class OneShotIterator(OpDef):
    """An iterator that initializes itself with `dataset` the first time it runs."""

    host_only = True
    stateful = True

    def infer(self, *inputs, dataset, output_types, output_shapes):
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        ds = op.attrs["dataset"]
        tensors = op.inputs
        h = _handle_array(op.name)

        def one_shot(*values):
            res = _resource(ctx, h)
            if not res.started:
                with res.lock:
                    if not res.started:
                        res.reset(ds, dict(zip(tensors, values)))
            return h
        return one_shot


@register_op("IteratorGetNext")
class IteratorGetNext(OpDef):
    """The next element of the iterator `handle` (one output per component)."""

    host_only = True
    stateful = True

    def infer(self, handle, *, output_types, output_shapes, sparse=()):
        specs = nest.graph_specs(output_types, output_shapes, list(sparse) or
                                 [False] * len(output_types))
        return [spec(t, s) for t, s in specs]

    def kernel(self, be, op, ctx):
        types = list(op.attrs["output_types"])
        sparse = list(op.attrs.get("sparse", ())) or [False] * len(types)
        specs = nest.graph_specs(types, list(op.attrs["output_shapes"]), sparse)
        npdts = [object if t is dtypes.string else t.np_dtype for t, _ in specs]
        shapes = [s for _, s in specs]

        def get_next(handle):
            res = _resource(ctx, handle)
            with res.lock:
                it = res.it
                if it is None:
                    raise errors.FailedPreconditionError(
                        None, op, "GetNext() failed because the iterator has not been "
                                  "initialized. Ensure that you have run the initializer "
                                  f"operation for this iterator before getting the next element. "
                                  f"(iterator '{res.name}', op '{op.name}')")
                if res.types != types or res.sparse != sparse:
                    raise errors.InvalidArgumentError(
                        None, op, f"Iterator '{res.name}' produces elements of types "
                                  f"{[t.name for t in res.types]} (sparse {res.sparse}), but op "
                                  f"'{op.name}' expects {[t.name for t in types]} (sparse {sparse})")
                try:
                    x = next(it)
                except StopIteration:
                    raise errors.OutOfRangeError(None, op, f"End of sequence (op '{op.name}')") from None
                except errors.OpError as e:
                    raise type(e)(None, op, f"{e.message}\n\t [[node {op.name}]]") from e
            out = []
            for v, dt, s in zip(nest.expand_slots(x, sparse), npdts, shapes):
                if not isinstance(v, np.ndarray) or v.dtype != dt:
                    v = np.asarray(v, dtype=dt)
                if s.ndims is not None and not s.is_compatible_with(v.shape):
                    raise errors.InvalidArgumentError(
                        None, op, f"Iterator '{res.name}' produced an element of shape "
                                  f"{list(v.shape)}, incompatible with the expected shape {s} "
                                  f"(op '{op.name}')")
                out.append(v)
            return tuple(out)
        return get_next


@register_op("IteratorToStringHandle")
class IteratorToStringHandle(OpDef):
    """The iterator's handle as a string, to feed to `from_string_handle`."""

    host_only = True
    is_identity = True

    def infer(self, handle):
        return spec(dtypes.string, [])

    def compute(self, be, handle):
        return handle


@register_op("IteratorFromStringHandleV2")
class IteratorFromStringHandle(OpDef):
    """The iterator named by a string handle (checked when elements are read)."""

    host_only = True
    is_identity = True

    def infer(self, string_handle, *, output_types, output_shapes):
        if string_handle.dtype is not dtypes.string:
            raise TypeError(f"string_handle must be a string tensor, got {string_handle.dtype.name}")
        return spec(dtypes.string, [])

    def compute(self, be, string_handle, **attrs):
        return string_handle


for _t in ("IteratorV2", "MakeIterator", "OneShotIterator", "IteratorGetNext",
           "IteratorToStringHandle", "IteratorFromStringHandleV2"):
    NotDifferentiable(_t)


class Iterator(nest.HasStructure):
    """Reads the elements of a dataset (`tf.data.Iterator`).

    Made by `dataset.make_one_shot_iterator()`, `dataset.make_initializable_iterator()`,
    `Iterator.from_structure(types, shapes)` (re-initializable with `make_initializer`) or
    `Iterator.from_string_handle(handle, types, shapes)` (switch iterators by feeding
    `sess.run(other.string_handle())`).
    """

    def __init__(self, handle: Tensor, initializer: Optional[Operation], output_types: Any,
                 output_shapes: Any, output_classes: Any = None):
        self._handle = handle
        self._initializer = initializer
        self._types = output_types
        self._shapes = output_shapes
        self._classes = nest.classes_or_none(output_classes) if output_classes is not None else None
        self._string_handle: Optional[Tensor] = None

    @staticmethod
    def from_structure(output_types: Any, output_shapes: Any = None, shared_name: Optional[str] = None,
                       output_classes: Any = None) -> "Iterator":
        """An uninitialized iterator for elements of this structure."""
        types, shapes = nest.normalize_structure(output_types, output_shapes)
        op = get_default_graph().create_op(
            "IteratorV2", [], {"shared_name": shared_name or "",
                               "output_types": nest.flatten(types),
                               "output_shapes": nest.flatten(shapes)}, name="Iterator")
        return Iterator(op.outputs[0], None, types, shapes, output_classes)

    @staticmethod
    def from_string_handle(string_handle: Any, output_types: Any, output_shapes: Any = None,
                           output_classes: Any = None) -> "Iterator":
        """An iterator that reads from whichever iterator `string_handle` names at run time."""
        types, shapes = nest.normalize_structure(output_types, output_shapes)
        h = convert_to_tensor(string_handle, dtype=dtypes.string, name="string_handle")
        op = get_default_graph().create_op(
            "IteratorFromStringHandleV2", [h],
            {"output_types": nest.flatten(types), "output_shapes": nest.flatten(shapes)},
            name="IteratorFromStringHandleV2")
        return Iterator(op.outputs[0], None, types, shapes, output_classes)

    @property
    def initializer(self) -> Operation:
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer.")
        return self._initializer

    def make_initializer(self, dataset: Any, name: Optional[str] = None) -> Operation:
        """An op that (re)initializes this iterator to read `dataset`.

        Raises:
          TypeError: If the dataset's element types or structure differ from the iterator's.
          ValueError: If its shapes are incompatible.
        """
        if not nest.same_structure(self._types, dataset._types) or \
                nest.flatten(self._types) != nest.flatten(dataset._types):
            raise TypeError(f"Expected output types {self._types} but got dataset with output "
                            f"types {dataset._types}.")
        if self._flat_sparse() != dataset._flat_sparse():
            raise TypeError(f"Expected output classes {self.output_classes} but got dataset with "
                            f"output classes {dataset.output_classes}.")
        for a, b in zip(nest.flatten(self._shapes), nest.flatten(dataset._shapes)):
            if not a.is_compatible_with(b):
                raise TypeError(f"Expected output shapes compatible with {self._shapes} but got "
                                f"dataset with output shapes {dataset._shapes}.")
        with name_scope(name, "make_initializer") as scope:
            return get_default_graph().create_op(
                "MakeIterator", [self._handle] + dataset._inputs(), {"dataset": dataset},
                name=scope[:-1] if scope else "MakeIterator")

    def get_next(self, name: Optional[str] = None) -> Any:
        """The next element (a nest of tensors); running it past the end raises
        `tf.errors.OutOfRangeError`."""
        op = get_default_graph().create_op(
            "IteratorGetNext", [self._handle],
            {"output_types": nest.flatten(self._types), "output_shapes": nest.flatten(self._shapes),
             "sparse": self._flat_sparse()},
            name=name or "IteratorGetNext")
        return nest.pack_as(self._types, nest.pack_graph_tensors(op.outputs, self._flat_sparse()))

    def string_handle(self, name: Optional[str] = None) -> Tensor:
        """A string tensor naming this iterator, to feed to a `from_string_handle` iterator."""
        if self._string_handle is None or name is not None:
            t = get_default_graph().create_op("IteratorToStringHandle", [self._handle], {},
                                              name=name or "IteratorToStringHandle").outputs[0]
            if name is None:
                self._string_handle = t
            return t
        return self._string_handle


def make_one_shot_iterator(dataset: Any) -> Iterator:
    """`tf.data.make_one_shot_iterator(dataset)`: initialized on first use; cannot be
    re-initialized and cannot depend on placeholders (use an initializable iterator)."""
    inputs = dataset._inputs()
    for t in inputs:
        if t.op.type in ("Placeholder",):
            raise ValueError(f"Failed to capture resource: the dataset for a one-shot iterator "
                             f"depends on placeholder '{t.op.name}'; use "
                             "make_initializable_iterator() and feed it when running the "
                             "initializer.")
    op = get_default_graph().create_op(
        "OneShotIterator", inputs,
        {"dataset": dataset, "output_types": dataset._flat_types(),
         "output_shapes": dataset._flat_shapes()}, name="OneShotIterator")
    return Iterator(op.outputs[0], None, dataset._types, dataset._shapes, dataset._classes)


def make_initializable_iterator(dataset: Any, shared_name: Optional[str] = None) -> Iterator:
    """`tf.data.make_initializable_iterator(dataset)`: run `iterator.initializer` first (and
    again to restart); placeholders the dataset uses are fed then."""
    it = Iterator.from_structure(dataset._types, dataset._shapes, shared_name, dataset._classes)
    g = get_default_graph()
    it._initializer = g.create_op("MakeIterator", [it._handle] + dataset._inputs(),
                                  {"dataset": dataset}, name="MakeIterator")
    return it


def get_output_types(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_classes
