"""`Graph`, `Operation` and `Tensor`: the static dataflow graph, its naming rules and scopes.

Naming follows TF1 exactly: an op gets its type as default name, uniquified with `_1`, `_2`
(case-insensitively), prefixed by the open name scopes; a reopened scope becomes `a_1`; a
name ending in "/" is taken as an exact, already-unique scope name.
"""
from __future__ import annotations

import contextlib
import re
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Union

from . import dtypes as _dtypes
from .registry import OpDef, Spec, get_op_def
from .tensor_shape import TensorShape, as_shape

_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


def _check_node_name(name: str, op_type: str) -> None:
    """TF1 rejects a NodeDef whose name breaks its regex: "a:0" would later read as output 0
    of op "a", and names double as file and TensorBoard names."""
    if not _VALID_OP_NAME.match(name):
        raise ValueError(f"'{name}' is not a valid node name (op type {op_type}). Accepted "
                         f"names conform to Regex /{_VALID_OP_NAME.pattern}/")


class Tensor:
    """A symbolic handle to one output of an `Operation` (`"op_name:index"`).

    Tensors have a static dtype and (possibly partial) shape, support Python operators
    (`+ - * / // % ** @`, comparisons, indexing), and are evaluated by `Session.run`.
    `==` keeps Python identity semantics, as in TF1 graph mode.
    """

    __slots__ = ("_op", "_value_index", "_dtype", "_shape", "_consumers", "__weakref__")
    # Makes `np_array + tensor` call Tensor.__radd__ instead of NumPy broadcasting over it.
    __array_priority__ = 100

    def __init__(self, op: "Operation", value_index: int, dtype: _dtypes.DType, shape: TensorShape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._consumers: List[Operation] = []

    @property
    def op(self) -> "Operation":
        return self._op

    @property
    def value_index(self) -> int:
        return self._value_index

    @property
    def dtype(self) -> _dtypes.DType:
        return self._dtype

    @property
    def graph(self) -> "Graph":
        return self._op._graph

    @property
    def name(self) -> str:
        return f"{self._op._name}:{self._value_index}"

    @property
    def device(self) -> str:
        return self._op.device

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    def set_shape(self, shape: Any) -> None:
        """Refines the static shape (merges with what is known).

        Raises:
          ValueError: If `shape` is incompatible with the current static shape.
        """
        shape = as_shape(shape)
        if not self._shape.is_compatible_with(shape):
            raise ValueError(
                f"Tensor '{self.name}': cannot set shape {shape}, incompatible with its "
                f"shape {self._shape}")
        self._shape = self._shape.merge_with(shape)

    def consumers(self) -> List["Operation"]:
        return list(self._consumers)

    def eval(self, feed_dict: Optional[dict] = None, session: Any = None):
        """Evaluates this tensor in `session` (default: the default session)."""
        return _eval_in_session(self, feed_dict, session)

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    __str__ = __repr__

    # No __eq__/__hash__ overrides: identity semantics with C-speed hashing (plan-cache keys).

    def __bool__(self) -> bool:
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` to test if a tensor is defined, and use TensorFlow ops such as "
            "tf.cond to execute subgraphs conditioned on the value of a tensor.")

    __nonzero__ = __bool__

    def __iter__(self):
        raise TypeError(
            f"Tensor objects are only iterable when eager execution is enabled "
            f"(tensor '{self.name}'). To iterate over this tensor use tf.unstack or tf.map_fn.")

    def __len__(self):
        raise TypeError(
            f"len is not well defined for symbolic Tensors ('{self.name}'). "
            "Please call `x.shape` rather than `len(x)` for shape information.")

    def _as_graph_element(self) -> "Tensor":
        return self

    # Operator overloads are installed by tfgraph.ops.overloads (they need the math ops).


# GraphDef export lives in graph_io, which builds on this module; it registers itself here
# when imported (tfgraph's __init__ imports it), so this module needs no import of it.
_GRAPH_DEF_EXPORT: Any = None


def _graph_def_export() -> Any:
    if _GRAPH_DEF_EXPORT is None:
        raise RuntimeError("GraphDef export is not loaded: import tfgraph (or "
                           "tfgraph.framework.graph_io) first")
    return _GRAPH_DEF_EXPORT


class Operation:
    """A node of the graph: an op type with inputs, attributes and output tensors."""

    __slots__ = ("_graph", "_name", "_op_def", "_inputs", "_control_inputs", "_outputs", "attrs",
                 "_id", "_device", "_control_outputs", "_sequence_outputs", "__weakref__")

    def __init__(self, graph: "Graph", name: str, op_def: OpDef, inputs: Sequence[Tensor],
                 attrs: Dict[str, Any], control_inputs: Sequence["Operation"], device: str):
        self._graph = graph
        self._name = name
        self._op_def = op_def
        self._inputs = tuple(inputs)
        self._control_inputs = list(control_inputs)
        self._outputs: List[Tensor] = []
        self.attrs = attrs
        self._device = device
        self._control_outputs: List[Operation] = []
        self._id = 0
        # True when the op definition's `infer` returned a list: its kernel then returns a
        # sequence of arrays even when there is just one (a 1-way Split, a 1-element Unpack).
        self._sequence_outputs = False

    @property
    def name(self) -> str:
        return self._name

    @property
    def type(self) -> str:
        return self._op_def.type_name

    @property
    def op_def(self) -> OpDef:
        return self._op_def

    @property
    def graph(self) -> "Graph":
        return self._graph

    @property
    def inputs(self) -> tuple:
        return self._inputs

    @property
    def outputs(self) -> List[Tensor]:
        return list(self._outputs)

    @property
    def control_inputs(self) -> List["Operation"]:
        return list(self._control_inputs)

    @property
    def device(self) -> str:
        return self._device

    def _set_device(self, device: str) -> None:
        from .device import canonical_device
        self._device = canonical_device(device)

    def values(self) -> tuple:
        return tuple(self._outputs)

    def get_attr(self, name: str) -> Any:
        try:
            return self.attrs[name]
        except KeyError:
            raise ValueError(f"Operation '{self._name}' has no attr named '{name}'.") from None

    def _add_control_input(self, op: "Operation") -> None:
        if op not in self._control_inputs:
            self._control_inputs.append(op)
            op._control_outputs.append(self)
            self._graph._control_edits += 1  # invalidates the sessions' cached plans

    def _add_control_inputs(self, ops: Sequence["Operation"]) -> None:
        for op in ops:
            self._add_control_input(op)

    def _update_input(self, index: int, tensor: Tensor) -> None:
        """Replaces input `index` by `tensor` (TF1's `_update_input`): how a loop's `Merge`
        gets its `NextIteration` back edge, and how an importer resolves forward references."""
        old = self._inputs[index]
        if tensor._op._graph is not self._graph:
            raise ValueError(f"Tensor {tensor.name} is not an element of the graph of op "
                             f"'{self._name}'")
        inputs = list(self._inputs)
        inputs[index] = tensor
        self._inputs = tuple(inputs)
        try:
            old._consumers.remove(self)  # one entry per input slot, as create_op adds them
        except ValueError:
            pass
        tensor._consumers.append(self)
        self._graph._control_edits += 1  # invalidates the sessions' cached plans

    def run(self, feed_dict: Optional[dict] = None, session: Any = None) -> None:
        """Runs this op in `session` (default: the default session)."""
        _eval_in_session(self, feed_dict, session)

    @property
    def node_def(self) -> Any:
        """The op as TensorFlow's `NodeDef` protocol buffer (name, op, input, device, attr)."""
        return _graph_def_export().node_def(self)

    def _as_graph_element(self) -> "Operation":
        return self

    def __repr__(self) -> str:
        return f"<tf.Operation '{self._name}' type={self.type}>"

    def __str__(self) -> str:
        ins = ", ".join(t.name for t in self._inputs)
        return f'name: "{self._name}"\nop: "{self.type}"\ninputs: [{ins}]'


class _ControlDependencies:
    """One entry of the control-dependency stack (`None` clears outer entries)."""

    __slots__ = ("ops", "new_ops")

    def __init__(self, ops: Optional[List[Operation]]):
        self.ops = ops
        self.new_ops: set = set()


class Graph:
    """A TF1 dataflow graph: operations, their tensors, name scopes and collections."""

    def __init__(self):
        self._ops: List[Operation] = []
        self._ops_by_name: Dict[str, Operation] = {}
        self._names_in_use: Dict[str, int] = {}
        self._name_stack = ""
        self._control_stack: List[_ControlDependencies] = []
        self._device_stack: List[Union[str, Callable, None]] = []
        self._collections: Dict[str, list] = {}
        self._finalized = False
        self._version = 0
        self._control_edits = 0
        self._gradient_override_map: Dict[str, str] = {}
        self._gradient_overrides: Dict[int, str] = {}
        self.seed: Optional[int] = None
        self._thread_local = threading.local()
        self._building_function = False
        self._attr_scope: Dict[str, Any] = {}
        # Control flow (ops/control_flow_v1.py): the context (cond branch, while body) ops are
        # being built in, and the context each op was built in (absent: top level).
        self._cf_context: Any = None
        self._op_cf_context: Dict[Operation, Any] = {}

    # --- default graph ------------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self) -> Iterator["Graph"]:
        """Makes this the default graph inside a `with` block."""
        _default_graph_stack.append(self)
        try:
            yield self
        finally:
            _default_graph_stack.remove(self) if _default_graph_stack[-1] is not self else \
                _default_graph_stack.pop()

    # --- finalize -----------------------------------------------------------------------
    def finalize(self) -> None:
        """Makes the graph read-only: adding an op afterwards raises `RuntimeError`.

        Use it to catch the classic TF1 leak of building ops inside a training loop.
        """
        self._finalized = True

    @property
    def finalized(self) -> bool:
        return self._finalized

    def _unsafe_unfinalize(self) -> None:
        self._finalized = False

    def _check_not_finalized(self) -> None:
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")

    @property
    def version(self) -> int:
        return self._version

    # --- names --------------------------------------------------------------------------
    def get_name_scope(self) -> str:
        return self._name_stack

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """Returns `name` prefixed by the name scope and made unique (`_1`, `_2`, ...).

        Uniqueness is case-insensitive, as in TF 1.15 (names double as file names).
        """
        if self._name_stack:
            name = self._name_stack + "/" + name
        name_key = name.lower()
        i = self._names_in_use.get(name_key, 0)
        if mark_as_used:
            self._names_in_use[name_key] = i + 1
        if i > 0:
            base_key = name_key
            while name_key in self._names_in_use:
                name_key = f"{base_key}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[name_key] = 1
            name = f"{name}_{i - 1}"
        return name

    @contextlib.contextmanager
    def name_scope(self, name: Optional[str]) -> Iterator[str]:
        """Opens a name scope; yields the scope string ("a/b/") ops inside get as prefix.

        `None` or "" resets to the top level; a name ending in "/" re-enters that exact scope.
        """
        if name:
            if self._name_stack:
                ok = _VALID_SCOPE_NAME.match(name)
            else:
                ok = _VALID_OP_NAME.match(name)
            if not ok:
                if self._name_stack:
                    raise ValueError(f"'{name}' is not a valid scope name. A scope name has to "
                                     f"match the following pattern: {_VALID_SCOPE_NAME.pattern}")
                raise ValueError(f"'{name}' is not a valid root scope name. A root scope name "
                                 f"has to match the following pattern: {_VALID_OP_NAME.pattern}")
        old = self._name_stack
        if not name:
            new = ""
        elif name[-1] == "/":
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield "" if not new else new + "/"
        finally:
            self._name_stack = old

    # --- op creation --------------------------------------------------------------------
    def create_op(self, op_type: str, inputs: Sequence[Tensor], attrs: Optional[Dict[str, Any]] = None,
                  name: Optional[str] = None, op_def: Optional[OpDef] = None) -> Operation:
        """Adds an op of `op_type` to the graph and infers its outputs.

        Args:
          op_type: A registered op type.
          inputs: The input `Tensor`s (already converted, in this graph).
          attrs: The op's attributes, passed to the op definition's `infer` and kernel.
          name: The op's name (default: the op type), uniquified within the name scope;
            a name ending in "/" is used as is.
          op_def: The `OpDef` instance (default: looked up from `op_type`).

        Returns:
          The new `Operation`.

        Raises:
          RuntimeError: If the graph is finalized.
          ValueError: If an input comes from another graph or shapes are incompatible.
        """
        self._check_not_finalized()
        if op_def is None:
            op_def = get_op_def(op_type)
        attrs = {} if attrs is None else attrs
        for i, t in enumerate(inputs):
            if t._op._graph is not self:
                raise ValueError(
                    f"Tensor {t.name} must be from the same graph as the other inputs of op "
                    f"'{name or op_type}' (input {i} comes from another graph).")
        if name and name[-1] == "/":
            name = name[:-1]
            _check_node_name(name, op_type)
            if name in self._ops_by_name:
                raise ValueError(f"Duplicate node name in graph: '{name}'")
            # Mark it used, so a later op asking for this name gets "name_1".
            self._names_in_use.setdefault(name.lower(), 1)
        else:
            name = name or op_type
            _check_node_name(f"{self._name_stack}/{name}" if self._name_stack else name, op_type)
            name = self.unique_name(name)
        cf_context = self._cf_context
        # Control dependencies are decided on the inputs as given: the Switch/Enter that
        # brings an outer input into a cond branch or loop is new, but does not order the op
        # after the `control_dependencies` block's ops.
        control = self._current_control_inputs(inputs)
        if cf_context is not None:
            # Inside a cond branch or loop body: tensors from outside enter through a Switch
            # or an Enter, as TF1's control-flow contexts do.
            inputs = cf_context.map_inputs(inputs, op_def, name)
        try:
            specs = op_def.infer(*inputs, **attrs)
        except (ValueError, TypeError) as e:
            shapes = ", ".join(f"{t.name}: {t.shape}" for t in inputs)
            raise type(e)(f"{e} (op '{name}' of type {op_type}, inputs {shapes})") from None
        op = Operation(self, name, op_def, inputs, attrs, control, self._current_device(name, op_type))
        sequence = not isinstance(specs, Spec)
        if specs is None:
            specs = ()
        elif isinstance(specs, Spec):
            specs = (specs,)
        op._outputs = [Tensor(op, i, s.dtype, s.shape) for i, s in enumerate(specs)]
        op._sequence_outputs = sequence
        self._add_op(op)
        for t in inputs:
            t._consumers.append(op)
        for c in control:
            c._control_outputs.append(op)
        if self._gradient_override_map:
            override = self._gradient_override_map.get(op_type)
            if override is not None:
                self._gradient_overrides[id(op)] = override
        if self._device_stack and any(callable(d) for d in self._device_stack):
            self._apply_device_functions(op)
        if cf_context is not None:
            cf_context.add_op(op)
        return op

    def _add_op(self, op: Operation) -> None:
        self._version += 1
        op._id = self._version
        self._ops.append(op)
        self._ops_by_name[op._name] = op
        for c in self._control_stack:
            c.new_ops.add(op)

    # --- lookup -------------------------------------------------------------------------
    def get_operations(self) -> List[Operation]:
        return list(self._ops)

    def get_operation_by_name(self, name: str) -> Operation:
        """Returns the op called `name`.

        Raises:
          TypeError: If `name` is not a string.
          ValueError: If `name` looks like a tensor name ("op:0").
          KeyError: If there is no such op.
        """
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name: str) -> Tensor:
        """Returns the tensor called `name` ("scope/op:0").

        Raises:
          TypeError: If `name` is not a string.
          ValueError: If `name` names an operation rather than a tensor.
          KeyError: If there is no such tensor.
        """
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj: Any, allow_tensor: bool = True, allow_operation: bool = True):
        """Returns the Tensor or Operation that `obj` (an element or its name) denotes."""
        types = " or ".join(x for x, ok in (("Tensor", allow_tensor), ("Operation", allow_operation)) if ok)
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                op_name, _, idx = obj.rpartition(":")
                try:
                    index = int(idx)
                except ValueError:
                    raise ValueError(f"The name {obj!r} looks a like a Tensor name, but is not a "
                                     "valid one. Tensor names must be of the form "
                                     "\"<op_name>:<output_index>\".") from None
                op = self._ops_by_name.get(op_name)
                if op is None:
                    raise KeyError(f"The name {obj!r} refers to a Tensor which does not exist. "
                                   f"The operation, {op_name!r}, does not exist in the graph.")
                if index >= len(op._outputs):
                    raise KeyError(f"The name {obj!r} refers to a Tensor which does not exist. "
                                   f"The operation, {op_name!r}, exists but only has "
                                   f"{len(op._outputs)} outputs.")
                return op._outputs[index]
            if ":" in obj:
                raise ValueError(f"The name {obj!r} looks like a Tensor name, but this graph "
                                 f"element must be an {types}.")
            if not allow_operation:
                if obj in self._ops_by_name:
                    raise ValueError(
                        f"The name {obj!r} refers to an Operation, not a {types}. Tensor names "
                        f"must be of the form \"<op_name>:<output_index>\".")
                raise ValueError(
                    f"The name {obj!r} looks like an (invalid) Operation name, not a {types}. "
                    "Tensor names must be of the form \"<op_name>:<output_index>\".")
            op = self._ops_by_name.get(obj)
            if op is None:
                raise KeyError(f"The name {obj!r} refers to an Operation not in the graph.")
            return op
        elem = obj
        conv = getattr(obj, "_as_graph_element", None)
        if conv is not None:
            elem = conv()
        if isinstance(elem, Tensor) and allow_tensor:
            if elem.graph is not self:
                raise ValueError(f"Tensor {elem} is not an element of this graph.")
            return elem
        if isinstance(elem, Operation) and allow_operation:
            if elem.graph is not self:
                raise ValueError(f"Operation {elem} is not an element of this graph.")
            return elem
        raise TypeError(f"Can not convert a {type(obj).__name__} into a {types}.")

    def is_fetchable(self, tensor_or_op: Any) -> bool:
        return True

    def is_feedable(self, tensor: Any) -> bool:
        return True

    # --- control dependencies ------------------------------------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Optional[Sequence[Any]]) -> Iterator[None]:
        """Ops created inside run only after every op in `control_inputs` (None clears)."""
        if control_inputs is None:
            entry = _ControlDependencies(None)
        else:
            ops = []
            for c in control_inputs:
                if hasattr(c, "_as_graph_element") and not isinstance(c, (Tensor, Operation)):
                    c = c._as_graph_element()
                if isinstance(c, Tensor):
                    c = c.op
                if not isinstance(c, Operation):
                    raise TypeError(f"Control input must be Operation or Tensor: {c!r}")
                if c.graph is not self:
                    raise ValueError(f"Control input {c.name} is not an element of this graph.")
                if c not in ops:
                    ops.append(c)
            entry = _ControlDependencies(ops)
        self._control_stack.append(entry)
        try:
            yield
        finally:
            self._control_stack.remove(entry)

    def _current_control_inputs(self, inputs: Sequence[Tensor]) -> List[Operation]:
        if not self._control_stack:
            return []
        input_ops = {id(t.op) for t in inputs}
        ret: List[Operation] = []
        for entry in self._control_stack:
            if entry.ops is None:
                ret = []
                continue
            # An input created inside this block already orders after the controllers.
            if any(t.op in entry.new_ops for t in inputs):
                continue
            for c in entry.ops:
                if id(c) not in input_ops and c not in ret:
                    ret.append(c)
        return ret

    # --- devices ------------------------------------------------------------------------
    @contextlib.contextmanager
    def device(self, device_name_or_function: Union[str, Callable, None]) -> Iterator[None]:
        """Ops created inside are placed on this device (a string, a function of the op, or None)."""
        from .device import canonical_device
        d = device_name_or_function
        if d is not None and not callable(d):
            d = canonical_device(d)
        self._device_stack.append(d)
        try:
            yield
        finally:
            self._device_stack.pop()

    def _current_device(self, name: str, op_type: str) -> str:
        from .device import merge_device
        dev = ""
        for d in self._device_stack:
            if d is None:
                dev = ""
            elif isinstance(d, str):
                dev = merge_device(dev, d)
        return dev

    def _apply_device_functions(self, op: Operation) -> None:
        from .device import canonical_device, merge_device
        dev = ""
        for d in self._device_stack:
            if d is None:
                dev = ""
            elif callable(d):
                r = d(op)
                dev = merge_device(dev, canonical_device(r)) if r else dev
            else:
                dev = merge_device(dev, d)
        op._device = dev

    @contextlib.contextmanager
    def colocate_with(self, op: Any, ignore_existing: bool = False) -> Iterator[None]:
        """Accepted for compatibility; placement follows `tf.device`."""
        yield

    # --- collections --------------------------------------------------------------------
    def add_to_collection(self, name: str, value: Any) -> None:
        self._check_not_finalized()
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names: Union[str, Sequence[str]], value: Any) -> None:
        names = (names,) if isinstance(names, str) else set(names)
        for n in names:
            self.add_to_collection(n, value)

    def get_collection_ref(self, name: str) -> list:
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: Optional[str] = None) -> list:
        """A copy of collection `name`, filtered to items whose name matches `scope` (re.match)."""
        coll = self._collections.get(name, [])
        if scope is None:
            return list(coll)
        regex = re.compile(scope)
        return [c for c in coll if hasattr(c, "name") and regex.match(c.name)]

    def get_all_collection_keys(self) -> List[str]:
        return [k for k, v in self._collections.items() if v]

    def clear_collection(self, name: str) -> None:
        self._check_not_finalized()
        self._collections.pop(name, None)

    # --- gradients ----------------------------------------------------------------------
    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map: Dict[str, str]) -> Iterator[None]:
        """Ops created inside use the gradient registered under the mapped name."""
        if not isinstance(op_type_map, dict):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        saved = dict(self._gradient_override_map)
        self._gradient_override_map.update(op_type_map)
        try:
            yield
        finally:
            self._gradient_override_map = saved

    def _gradient_override_for(self, op: Operation) -> Optional[str]:
        return self._gradient_overrides.get(id(op))

    # --- misc ---------------------------------------------------------------------------
    def as_graph_def(self, from_version: Optional[int] = None, add_shapes: bool = False):
        """The graph as TensorFlow's `GraphDef` protocol buffer (see `framework/graph_io.py`)."""
        return _graph_def_export().as_graph_def(self, add_shapes=add_shapes)

    @property
    def building_function(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<tfgraph.Graph with {len(self._ops)} ops at {id(self):#x}>"


# --- the default graph --------------------------------------------------------------------
_default_graph_stack: List[Graph] = []
_global_default_graph: List[Graph] = [Graph()]


# The default-session stack lives here, beside the default-graph stack, so that `Tensor.eval`
# and `Operation.run` need nothing above the framework (TF keeps both in framework/ops.py).
# `Session.as_default()` pushes onto it; `tf.get_default_session()` reads it.
_default_session_stack: List[Any] = []


def get_default_session() -> Any:
    """The innermost session entered with `with sess:` / `sess.as_default()`, or None."""
    return _default_session_stack[-1] if _default_session_stack else None


def _eval_in_session(element: Any, feed_dict: Optional[dict], session: Any):
    """`Tensor.eval` / `Operation.run`: runs `element` in `session` or the default session."""
    if session is None:
        session = get_default_session()
        if session is None:
            kind = "Tensor" if isinstance(element, Tensor) else "operation"
            raise ValueError(f"Cannot evaluate {kind} using `eval()` or `run()`: No default session "
                             "is registered. Use `with sess.as_default()` or pass an explicit "
                             "session to `eval(session=sess)`")
    if element.graph is not session.graph:
        raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph is "
                         "different from the session's graph.")
    return session.run(element, feed_dict)


def get_default_graph() -> Graph:
    """The graph new ops go to: the innermost `as_default()` graph, else the global one."""
    if _default_graph_stack:
        return _default_graph_stack[-1]
    return _global_default_graph[0]


def reset_default_graph() -> None:
    """Replaces the global default graph with a new, empty one.

    Raises:
      AssertionError: If called inside a `with graph.as_default():` block.
    """
    if _default_graph_stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you "
                             "need a cleared graph, exit the nesting and create a new graph.")
    _global_default_graph[0] = Graph()
    _default_session_stack.clear()


def name_from_scope_name(name: str) -> str:
    return name[:-1] if name and name[-1] == "/" else name
