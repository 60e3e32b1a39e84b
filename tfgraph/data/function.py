"""Functions of `tf.data` transformations (`map`, `filter`, `flat_map`, ...), traced into
their own graph and run per element by a private session.

`trace(fn, types, shapes)` calls `fn` once on placeholders (one per component of the input
element) inside a `FunctionGraph`; tensors of enclosing graphs that `fn` uses are *captured*:
the function graph gets a placeholder for each, fed at run time with the outer value (read
once per iterator initialization, as a TF1 function's captured inputs are fixed then).

At run time `FunctionRunner` calls a `Session.make_callable` plan of the function graph: one
Python call per element. Each thread (`map(num_parallel_calls=k)`) has its own session, since
a session runs one plan at a time. Functions run on the CPU, as TF1's input pipelines do.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Optional, Sequence

from ..framework.graph import Graph, Operation, Tensor, get_default_graph
from . import structure as nest


class FunctionGraph(Graph):
    """The graph of a traced `tf.data` function; inputs from enclosing graphs are captured."""

    def __init__(self, outer_graph: Graph, name: str):
        super().__init__()
        self.outer_graph = outer_graph
        self.name = name
        self.seed = outer_graph.seed  # random ops in the function follow the graph seed
        self.captures: Dict[Tensor, Tensor] = {}  # outer tensor -> placeholder here

    @property
    def building_function(self) -> bool:
        return True

    def capture(self, t: Tensor) -> Tensor:
        """The placeholder standing for outer tensor `t` in this graph."""
        if t.graph is self:
            return t
        ph = self.captures.get(t)
        if ph is not None:
            return ph
        source = t
        if t.graph is not self.outer_graph:
            outer = self.outer_graph
            if not isinstance(outer, FunctionGraph):
                raise ValueError(f"Tensor {t.name} used in the dataset function '{self.name}' "
                                 "comes from another graph than the dataset's.")
            source = outer.capture(t)
        ph = self.create_op("Placeholder", [], {"dtype": source.dtype, "shape": source.shape},
                            name="captured_input").outputs[0]
        self.captures[source] = ph
        return ph

    def create_op(self, op_type: str, inputs: Sequence[Tensor], attrs=None, name=None,
                  op_def=None) -> Operation:
        inputs = [t if t._op._graph is self else self.capture(t) for t in inputs]
        return super().create_op(op_type, inputs, attrs, name=name, op_def=op_def)


class Function:
    """A traced function: its graph, argument placeholders, outputs and captured tensors.

    Attributes:
      graph: The `FunctionGraph`.
      args: Placeholders of the flat input components.
      output: The returned value (structure of tensors, or a `Dataset` for `flat_map`).
      outputs: Flat output tensors (for a returned Dataset: the tensors it depends on).
      output_types / output_shapes: Structures (tensor-returning functions).
    """

    def __init__(self, fn: Callable, types: Any, shapes: Any, name: str,
                 dataset_class: Optional[type] = None, classes: Any = None):
        from ..framework.constant import convert_to_tensor
        from ..framework.sparse_tensor import SparseTensor
        from ..ops import array_ops
        outer = get_default_graph()
        g = FunctionGraph(outer, name)
        self.graph = g
        flat_types = nest.flatten(types)
        flat_shapes = nest.flatten(shapes)
        self.arg_sparse = [nest.is_sparse(c) for c in nest.flatten(classes)] if classes is not None \
            else [False] * len(flat_types)
        with g.as_default():
            specs = nest.graph_specs(flat_types, flat_shapes, self.arg_sparse)
            self.args = [array_ops.placeholder(dt, sh, name=f"arg{i}")
                         for i, (dt, sh) in enumerate(specs)]
            packed = nest.pack_as(types, nest.pack_graph_tensors(self.args, self.arg_sparse))
            if isinstance(packed, tuple) and not hasattr(packed, "_fields"):
                ret = fn(*packed)
            else:
                ret = fn(packed)
            self.returns_dataset = dataset_class is not None
            if dataset_class is not None:  # flat_map / interleave: the function makes a dataset
                if not isinstance(ret, dataset_class):
                    raise TypeError(f"The function of '{name}' must return a tf.data.Dataset, "
                                    f"got {type(ret).__name__}")
                self.output = ret
                self.outputs = [t for t in ret._inputs() if t.graph is g]
                self.outer_inputs = [t for t in ret._inputs() if t.graph is not g]
            else:
                ret = nest.lists_to_tuples(ret)
                if ret is None:
                    raise ValueError(f"The function of '{name}' returned None; it must return "
                                     "tensors")
                flat = [x if isinstance(x, SparseTensor) else convert_to_tensor(x, name=f"output{i}")
                        for i, x in enumerate(nest.flatten(ret))]
                flat = [t if isinstance(t, SparseTensor) or t.graph is g
                        else array_ops.identity(g.capture(t)) for t in flat]
                self.output = nest.pack_as(ret, flat)
                self.outputs = flat  # a SparseTensor is fetched as a SparseTensorValue
                self.output_sparse = [isinstance(t, SparseTensor) for t in flat]
                self.output_types = nest.pack_as(ret, [t.dtype for t in flat])
                self.output_shapes = nest.pack_as(ret, [t.shape for t in flat])
                self.output_classes = nest.classes_or_none(
                    nest.pack_as(ret, [type(t) if isinstance(t, SparseTensor) else Tensor
                                       for t in flat]))
        g.finalize()  # like TF1's function graphs: nothing is added after tracing
        # Outer tensors whose values feed the captured placeholders, in a fixed order.
        self.capture_sources = list(g.captures)
        self.capture_placeholders = [g.captures[t] for t in self.capture_sources]

    def outer_tensors(self) -> List[Tensor]:
        """Tensors of the enclosing graph this function needs values of."""
        extra = getattr(self, "outer_inputs", [])
        return self.capture_sources + [t for t in extra if t not in self.capture_sources]


class FunctionRunner:
    """Runs a `Function` for one iterator: a compiled callable per thread."""

    def __init__(self, func: Function):
        self.func = func
        self._local = threading.local()
        self._sessions: List[Any] = []
        self._lock = threading.Lock()
        self._closed = False

    def _callable(self):
        call = getattr(self._local, "call", None)
        if call is None:
            from ..config import ConfigProto
            from ..session import Session
            with self._lock:
                if self._closed:
                    raise RuntimeError("the iterator was closed")
                sess = Session(graph=self.func.graph, config=ConfigProto(device_count={"GPU": 0}))
                self._sessions.append(sess)
            call = sess.make_callable(list(self.func.outputs),
                                      self.func.args + self.func.capture_placeholders)
            self._local.call = call
        return call

    def __call__(self, flat_args: Sequence[Any], capture_values: Sequence[Any]) -> List[Any]:
        """Runs the function on one element's slot values (a sparse slot's SparseTensorValue
        feeds its three placeholders)."""
        args = nest.expand_slots(flat_args, self.func.arg_sparse)
        return self._callable()(*args, *capture_values)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            sessions, self._sessions = self._sessions, []
        for s in sessions:
            s.close()

