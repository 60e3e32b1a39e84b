"""`tf.Variable` and the variable helpers (`global_variables_initializer`, collections).

A `tf.Variable(value, name='W')` builds TF1's quartet: the `VariableV2` op `W`, the constant
`W/initial_value` (when the value is not already a tensor), the initializer `W/Assign` and the
`W/read` identity that every consumer uses.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.constant import convert_to_tensor, name_scope, register_tensor_conversion_function
from ..framework.graph import Operation, Tensor, get_default_graph, get_default_session
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.graph_keys import GraphKeys
from ..framework.tensor_shape import TensorShape, as_shape
from ..framework.indexed_slices import IndexedSlices
from . import array_ops, scatter_ops, state_ops
from .array_ops import identity
from .control_flow_ops import group, no_op


class Variable:
    """A TF1 (reference) variable whose value lives in each `Session`.

    Args:
      initial_value: A Tensor, or a value convertible to one, or a callable returning one.
      trainable: If True, added to `TRAINABLE_VARIABLES` (what optimizers train by default).
      collections: Collections to add it to (default `[GLOBAL_VARIABLES]`).
      validate_shape: If False, the variable may be assigned values of other shapes.
      name: The variable's name (default "Variable"), uniquified in the name scope.
      dtype: If set, `initial_value` is converted to this type.
      expected_shape, caching_device, variable_def, import_scope, constraint, use_resource,
        synchronization, aggregation, shape: Accepted for compatibility; `shape` overrides
        the static shape (e.g. `[None]` with `validate_shape=False`).

    Raises:
      ValueError: If `initial_value` is None or has no known shape when `validate_shape`.
    """

    def __init__(self, initial_value: Any = None, trainable: Optional[bool] = None,
                 collections: Optional[Sequence[str]] = None, validate_shape: bool = True,
                 caching_device: Any = None, name: Optional[str] = None, variable_def: Any = None,
                 dtype: Any = None, expected_shape: Any = None, import_scope: Any = None,
                 constraint: Optional[Callable] = None, use_resource: Any = None,
                 synchronization: Any = None, aggregation: Any = None, shape: Any = None):
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        trainable = True if trainable is None else trainable
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        collections = list(collections)
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        self._trainable = trainable
        self._constraint = constraint
        graph = get_default_graph()
        init_from_fn = callable(initial_value)
        # TF1 builds variables outside any control-dependency context (init_scope).
        with graph.control_dependencies(None):
            with name_scope(name, "Variable", [] if init_from_fn else [initial_value]) as scope:
                if init_from_fn:
                    with graph.name_scope("Initializer"), graph.device(None):
                        initial_value = initial_value()
                        self._initial_value = convert_to_tensor(initial_value, name="initial_value",
                                                                dtype=dtype)
                else:
                    self._initial_value = convert_to_tensor(initial_value, name="initial_value",
                                                            dtype=dtype)
                if isinstance(self._initial_value, Tensor) and self._initial_value.graph is not graph:
                    raise ValueError("initial_value must be from the same graph as the variable")
                init_shape = self._initial_value.shape
                if shape is not None:
                    var_shape = as_shape(shape)
                elif validate_shape:
                    if not init_shape.is_fully_defined():
                        raise ValueError(
                            f"initial_value must have a shape specified: {self._initial_value}")
                    var_shape = init_shape
                else:
                    var_shape = TensorShape(None)
                base_dtype = self._initial_value.dtype.base_dtype
                self._variable = graph.create_op(
                    "VariableV2", [], {"shape": var_shape, "dtype": base_dtype, "container": "",
                                       "shared_name": ""}, name=scope).outputs[0]
                self._initializer_op = state_ops.assign(
                    self._variable, self._initial_value, validate_shape=validate_shape,
                    name="Assign").op
                with graph.device(self._variable.device or None):
                    self._snapshot = identity(self._variable, name="read")
        self._graph = graph
        self._save_slice_info = None
        graph.add_to_collections(collections, self)

    @classmethod
    def _from_graph_elements(cls, variable: Tensor, initializer: Operation, snapshot: Tensor,
                             initial_value: Optional[Tensor] = None,
                             trainable: bool = True) -> "Variable":
        """A `Variable` over ops already in the graph (a `VariableDef` of an imported graph)."""
        self = cls.__new__(cls)
        self._variable, self._initializer_op, self._snapshot = variable, initializer, snapshot
        self._initial_value = initial_value
        self._trainable, self._constraint = trainable, None
        self._graph, self._save_slice_info = variable.graph, None
        return self

    # --- identity -----------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._variable.name

    @property
    def op(self) -> Operation:
        return self._variable.op

    @property
    def graph(self):
        return self._graph

    @property
    def device(self) -> str:
        return self._variable.device

    @property
    def dtype(self) -> _dtypes.DType:
        return self._variable.dtype

    @property
    def shape(self) -> TensorShape:
        return self._variable.shape

    def get_shape(self) -> TensorShape:
        return self._variable.shape

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def initializer(self) -> Operation:
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    def _ref(self) -> Tensor:
        return self._variable

    def _as_graph_element(self) -> Tensor:
        return self._snapshot

    # --- values -------------------------------------------------------------------------
    def value(self) -> Tensor:
        """The `W/read` snapshot tensor consumers use."""
        return self._snapshot

    def read_value(self) -> Tensor:
        """A new `read` identity of the current value (ordered by control dependencies)."""
        return identity(self._variable, name="read")

    def eval(self, session: Any = None):
        """The variable's value in `session` (default: the default session)."""
        return self._snapshot.eval(session=session)

    def initialized_value(self) -> Tensor:
        with self._graph.control_dependencies(None):
            return array_ops.identity(self._initial_value)

    def load(self, value: Any, session: Any = None) -> None:
        """Writes `value` into the variable in `session` without adding ops to the graph."""
        session = session or get_default_session()
        if session is None:
            raise ValueError("Either session argument should be provided or default session "
                             "should be established")
        arr = np.asarray(value, dtype=self.dtype.np_dtype)
        if not self.shape.is_compatible_with(arr.shape):
            raise ValueError(f"Cannot load value of shape {arr.shape} into variable "
                             f"'{self.op.name}' of shape {self.shape}")
        session.run(self._initializer_op, {self._initial_value: arr})

    # --- updates ------------------------------------------------------------------------
    def assign(self, value: Any, use_locking: bool = False, name: Optional[str] = None,
               read_value: bool = True):
        """Returns a tensor that, when run, stores `value` in this variable."""
        t = state_ops.assign(self._variable, value, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def assign_add(self, delta: Any, use_locking: bool = False, name: Optional[str] = None,
                   read_value: bool = True):
        """Returns a tensor that, when run, adds `delta` to this variable."""
        t = state_ops.assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def assign_sub(self, delta: Any, use_locking: bool = False, name: Optional[str] = None,
                   read_value: bool = True):
        """Returns a tensor that, when run, subtracts `delta` from this variable."""
        t = state_ops.assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return t if read_value else t.op

    # TF1's RefVariable.scatter_*: `sparse_delta` is an IndexedSlices (rows and their indices).
    def _scatter(self, fn: Callable, sparse_delta: Any, use_locking: bool, name: Optional[str]):
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"sparse_delta is not IndexedSlices: {sparse_delta} (variable "
                            f"{self.op.name})")
        return fn(self, sparse_delta.indices, sparse_delta.values, use_locking=use_locking,
                  name=name)

    def scatter_add(self, sparse_delta: Any, use_locking: bool = False, name: Optional[str] = None):
        """Adds the `IndexedSlices` `sparse_delta` to this variable (op ScatterAdd)."""
        return self._scatter(scatter_ops.scatter_add, sparse_delta, use_locking, name)

    def scatter_sub(self, sparse_delta: Any, use_locking: bool = False, name: Optional[str] = None):
        """Subtracts the `IndexedSlices` `sparse_delta` from this variable (op ScatterSub)."""
        return self._scatter(scatter_ops.scatter_sub, sparse_delta, use_locking, name)

    def scatter_update(self, sparse_delta: Any, use_locking: bool = False,
                       name: Optional[str] = None):
        """Assigns the `IndexedSlices` `sparse_delta` to this variable's rows (ScatterUpdate)."""
        return self._scatter(scatter_ops.scatter_update, sparse_delta, use_locking, name)

    def scatter_mul(self, sparse_delta: Any, use_locking: bool = False, name: Optional[str] = None):
        """Multiplies this variable's rows by the `IndexedSlices` `sparse_delta` (ScatterMul)."""
        return self._scatter(scatter_ops.scatter_mul, sparse_delta, use_locking, name)

    def scatter_div(self, sparse_delta: Any, use_locking: bool = False, name: Optional[str] = None):
        """Divides this variable's rows by the `IndexedSlices` `sparse_delta` (ScatterDiv)."""
        return self._scatter(scatter_ops.scatter_div, sparse_delta, use_locking, name)

    def scatter_max(self, sparse_delta: Any, use_locking: bool = False, name: Optional[str] = None):
        """Row-wise maximum with the `IndexedSlices` `sparse_delta` (ScatterMax)."""
        return self._scatter(scatter_ops.scatter_max, sparse_delta, use_locking, name)

    def scatter_min(self, sparse_delta: Any, use_locking: bool = False, name: Optional[str] = None):
        """Row-wise minimum with the `IndexedSlices` `sparse_delta` (ScatterMin)."""
        return self._scatter(scatter_ops.scatter_min, sparse_delta, use_locking, name)

    def set_shape(self, shape: Any) -> None:
        self._variable.set_shape(shape)
        self._snapshot.set_shape(shape)

    def __repr__(self) -> str:
        # TF1 prints dtype=float32_ref, its reference dtype; here `dtype` is plain float32
        # (README, known differences), and the repr says what `v.dtype` says.
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    # Operators are installed by tfgraph.ops.overloads, delegating to the snapshot tensor.
    __array_priority__ = 100

    def __iter__(self):
        raise TypeError("'Variable' object is not iterable.")

    def __bool__(self):
        raise TypeError("Using a `tf.Variable` as a Python `bool` is not allowed.")


VariableV1 = Variable
RefVariable = Variable


def _variable_to_tensor(v: Variable, dtype=None, name=None, as_ref=False) -> Tensor:
    return v._ref() if as_ref else v.value()


register_tensor_conversion_function(Variable, _variable_to_tensor)


_ref_of = state_ops._ref_of  # old import path


# --- collections and initializers ---------------------------------------------------------
def global_variables(scope: Optional[str] = None) -> List[Variable]:
    """Variables in `GLOBAL_VARIABLES` (optionally filtered by name scope regex)."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope: Optional[str] = None) -> List[Variable]:
    """Variables in `TRAINABLE_VARIABLES` (optionally filtered by name scope regex)."""
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope: Optional[str] = None) -> List[Variable]:
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope: Optional[str] = None) -> List[Variable]:
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope: Optional[str] = None) -> List[Variable]:
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list: Sequence[Variable], name: str = "init") -> Operation:
    """An op that runs the initializers of `var_list` (a NoOp when the list is empty)."""
    if var_list:
        return group(*[v.initializer for v in var_list], name=name)
    return no_op(name=name)


initialize_variables = variables_initializer


def global_variables_initializer() -> Operation:
    """The NoOp `init` that initializes every global variable."""
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


def local_variables_initializer() -> Operation:
    return variables_initializer(local_variables(), name="init")


def is_variable_initialized(variable: Variable) -> Tensor:
    """A bool tensor: whether `variable` holds a value in the running session."""
    r = _ref_of(variable)
    return r.graph.create_op("IsVariableInitialized", [r], {}, name="IsVariableInitialized").outputs[0]


def report_uninitialized_variables(var_list: Optional[Sequence[Variable]] = None,
                                   name: str = "report_uninitialized_variables") -> Tensor:
    """A string tensor with the names of the uninitialized variables among `var_list`."""
    var_list = global_variables() if var_list is None else list(var_list)
    graph = get_default_graph()
    refs = [_ref_of(v) for v in var_list]
    return graph.create_op("ReportUninitialized", refs, {}, name=name).outputs[0]


@register_op("ReportUninitialized")
class ReportUninitialized(OpDef):
    """Names of the input variables that hold no value in this session (a string vector)."""

    stateful = True

    @property
    def ref_inputs(self):  # every input is a variable reference
        return _AllIndices()

    def infer(self, *refs):
        return spec(_dtypes.string, [None])

    def kernel(self, be, op, ctx):
        cells = [ctx.variable_cell(t.op) for t in op.inputs]
        return lambda: np.array([c.op.name for c in cells if c.value is None], dtype=object)


class _AllIndices:
    def __contains__(self, i):
        return True


NotDifferentiable("ReportUninitialized")

__all__ = ["Variable", "VariableV1", "global_variables", "all_variables", "trainable_variables",
           "local_variables", "model_variables", "moving_average_variables",
           "variables_initializer", "initialize_variables", "global_variables_initializer",
           "initialize_all_variables", "local_variables_initializer", "is_variable_initialized",
           "report_uninitialized_variables"]
