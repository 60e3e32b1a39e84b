"""The graph-building API every op family uses (TF1's framework/ops.py).

What lives here: `convert_to_tensor` and its conversion registry, `name_scope`, `graph_of`
(the graph shared by some values), `is_tensor_like`, and the builder helpers `gen_op` /
`gen_tensor` (TF1's generated-wrapper conventions) and `make_op` / `make_tensor` (raw). `Graph`, `Operation`, `Tensor`, the default-graph and default-session stacks live in
`graph.py` and are re-exported here, so `from tfgraph.framework import ops` gives TF's
`ops` module surface.

Layering: this module imports only `dtypes`, `graph` and `registry`. It knows no op type:
Python values become tensors through conversion functions that the op families register
(`constant.py` registers the `Const` fallback for any object, `array_ops` registers packing
of lists/tuples that hold tensors), exactly as TF's tensor conversion registry works.
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, List, Optional, Sequence, Tuple

from . import dtypes as _dtypes
from .graph import (Graph, Operation, Tensor, _default_session_stack,  # noqa: F401  (re-exports)
                    get_default_graph, get_default_session, reset_default_graph)

# (priority, base type, function, accepts_dtype_hint); sorted by priority (stable).
_conversion_functions: List[Tuple[int, Any, Callable, bool]] = []


def register_tensor_conversion_function(base_type: Any, conversion_func: Callable,
                                        priority: int = 100) -> None:
    """Registers `conversion_func(value, dtype=None, name=None, as_ref=False)` for `base_type`.

    Functions are tried in increasing `priority` (ties: registration order) for values that
    are instances of `base_type` (a type or tuple of types). A function may return
    `NotImplemented` to pass the value on to the next one (TF1's contract).

    Args:
      base_type: A type or tuple of types.
      conversion_func: The function; it must honour `dtype` or raise.
      priority: Lower runs first (TF1's default 100; `Const` conversion is 200).
    """
    _register(base_type, conversion_func, priority, accepts_dtype_hint=False)


def _register(base_type: Any, conversion_func: Callable, priority: int,
              accepts_dtype_hint: bool) -> None:
    """`accepts_dtype_hint`: `convert_to_tensor(preferred_dtype=...)` tries this function with
    the hint as `dtype` first, falling back silently (only the Const conversion says so, so a
    hint never creates half-built ops)."""
    _conversion_functions.append((priority, base_type, conversion_func, accepts_dtype_hint))
    _conversion_functions.sort(key=lambda t: t[0])


def convert_to_tensor(value: Any, dtype: Any = None, name: Optional[str] = None,
                      preferred_dtype: Any = None, dtype_hint: Any = None, as_ref: bool = False) -> Tensor:
    """Converts `value` (Tensor, Variable, array, list, scalar) to a `Tensor`.

    Args:
      value: The object to convert.
      dtype: Required element type, or None.
      name: Name for a newly created constant.
      preferred_dtype / dtype_hint: A type to try when `dtype` is None; falls back silently.
      as_ref: Return a reference (the variable itself) where the value supports it.

    Returns:
      A `Tensor`.

    Raises:
      TypeError: If `value` cannot be converted.
      ValueError: If `value` is a Tensor of another dtype than `dtype`.
    """
    dtype = None if dtype is None else _dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and value._dtype is not dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                             f"dtype {value._dtype.name}: {value!r}")
        return value
    if isinstance(value, Operation):
        raise TypeError(f"Can't convert Operation '{value.name}' to Tensor "
                        f"(target dtype={dtype}, name={name!r})")
    hint = preferred_dtype if preferred_dtype is not None else dtype_hint
    for _, base_type, fn, accepts_hint in _conversion_functions:
        if not isinstance(value, base_type):
            continue
        t = NotImplemented
        if accepts_hint and dtype is None and hint is not None:
            try:
                t = fn(value, dtype=_dtypes.as_dtype(hint), name=name, as_ref=as_ref)
            except (TypeError, ValueError):
                t = NotImplemented
        if t is NotImplemented:
            t = fn(value, dtype=dtype, name=name, as_ref=as_ref)
        if t is NotImplemented:
            continue
        if dtype is not None and t.dtype != dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                             f"dtype {t.dtype.name}: {t!r}")
        return t
    raise TypeError(f"Failed to convert object of type {type(value).__name__} to Tensor. "
                    f"Contents: {value!r}.")


def graph_of(values: Sequence[Any]) -> Graph:
    """The graph that tensors among `values` belong to (default graph if none).

    Raises:
      ValueError: If the values come from different graphs.
    """
    graph = None
    for v in values:
        g = None
        if isinstance(v, Tensor):
            g = v._op._graph
        elif isinstance(v, Operation):
            g = v._graph
        elif hasattr(v, "graph") and hasattr(v, "_as_graph_element"):
            g = v.graph
        if g is not None:
            if graph is None:
                graph = g
            elif g is not graph:
                inner = _function_graph_enclosing(g, graph)
                if inner is None:
                    raise ValueError(f"{v!r} must be from the same graph as {values[0]!r}.")
                graph = inner
    if graph is None:
        return get_default_graph()
    return _function_graph_enclosing(graph) or graph


def _function_graph_enclosing(*graphs: Graph) -> Optional[Graph]:
    """The default graph, if it is a function graph (a `tf.data` function being traced) built
    inside all of `graphs`: ops on their tensors go there, capturing the outer tensors."""
    default = get_default_graph()
    if not default.building_function:
        return None
    enclosing = set()
    g = default
    while g is not None:
        enclosing.add(id(g))
        g = getattr(g, "outer_graph", None)
    return default if all(id(g) in enclosing for g in graphs) else None


class name_scope:  # noqa: N801  (TF1 spells it tf.name_scope)
    """`with tf.name_scope(name, default_name=None, values=None) as scope:` opens a name scope.

    If `values` holds tensors, their graph becomes the default inside the block.
    """

    def __init__(self, name: Optional[str], default_name: Optional[str] = None,
                 values: Optional[Sequence[Any]] = None):
        self._name = default_name if name is None else name
        self._default_name = default_name
        self._values = values
        self._stack: Optional[contextlib.ExitStack] = None

    def __enter__(self) -> str:
        if self._name is None and self._values is not None:
            raise ValueError(f"At least one of name ({self._name}) and default_name "
                             f"({self._default_name}) must be provided.")
        graph = graph_of(self._values) if self._values else get_default_graph()
        self._stack = contextlib.ExitStack()
        if graph is not get_default_graph():
            self._stack.enter_context(graph.as_default())
        try:
            return self._stack.enter_context(graph.name_scope(self._name))
        except Exception:
            self._stack.close()
            raise

    def __exit__(self, *exc) -> bool:
        self._stack.close()
        return False


def is_tensor_like(v: Any) -> bool:
    """True for a `Tensor` or an object standing for one (a `tf.Variable`)."""
    return isinstance(v, Tensor) or (hasattr(v, "_as_graph_element") and hasattr(v, "dtype"))


# --- adding ops: the builder convention ---------------------------------------------------------
# Regular op families are declared as rows (ops/op_families.py), whose builders are made for
# them. Any other builder converts its arguments and adds its op with `gen_op` / `gen_tensor`
# (the behaviour of TF1's generated op wrappers). `make_op` / `make_tensor` add an internal op
# whose inputs are tensors already (no name scope of its own).
def gen_op(op_type: str, name: Optional[str], inputs: Sequence[tuple],
           attrs: Optional[dict] = None) -> Operation:
    """Adds an op as TF1's generated wrappers do.

    Args:
      op_type: The registered op type.
      name: The user's name (default: `op_type`); it becomes a name scope and the op's name.
      inputs: `(arg_name, value, allowed_dtypes, dtype_hint)` per input; a non-tensor value is
        converted inside the scope to a Const named `arg_name`. `allowed_dtypes` (a tuple or
        None) is checked; `dtype_hint` is the dtype tried first for Python values.
      attrs: The op's attributes.

    Returns:
      The new `Operation`.

    Raises:
      TypeError: If an input's dtype is not allowed (naming the op type, input and tensor).
    """
    graph = graph_of([v for _, v, *_ in inputs if is_tensor_like(v)])
    with graph.as_default(), name_scope(name or op_type) as scope:
        ts = []
        for arg, v, allowed, hint in inputs:
            if not isinstance(v, Tensor):
                if allowed is not None and len(allowed) == 1:
                    v = convert_to_tensor(v, dtype=allowed[0], name=arg)
                else:
                    v = convert_to_tensor(v, dtype_hint=hint, name=arg)
            if allowed is not None and v.dtype not in allowed:
                names = ", ".join(d.name for d in allowed)
                raise TypeError(f"Input '{arg}' of '{op_type}' Op has type {v.dtype.name} that "
                                f"does not match allowed types {names} (tensor {v.name}).")
            ts.append(v)
        return graph.create_op(op_type, ts, attrs, name=scope)


def gen_tensor(op_type: str, name: Optional[str], inputs: Sequence[tuple],
               attrs: Optional[dict] = None) -> Tensor:
    """`gen_op` for single-output ops: returns the output tensor."""
    return gen_op(op_type, name, inputs, attrs)._outputs[0]


def make_op(op_type: str, inputs: Sequence[Any], attrs: Optional[dict] = None,
            name: Optional[str] = None) -> Operation:
    """Converts `inputs` to tensors (in their common graph) and adds an `op_type` op.

    The raw way to add an internal op whose inputs are tensors already: no name scope and no
    dtype checks beyond the op's `infer`; a non-tensor input becomes a Const named "Const".
    """
    graph = graph_of(inputs)
    if any(not isinstance(x, Tensor) for x in inputs):
        with graph.as_default():
            inputs = [convert_to_tensor(x) for x in inputs]
    return graph.create_op(op_type, inputs, attrs, name=name)


def make_tensor(op_type: str, inputs: Sequence[Any], attrs: Optional[dict] = None,
                name: Optional[str] = None) -> Tensor:
    """`make_op` for single-output ops: returns the output tensor."""
    return make_op(op_type, inputs, attrs, name)._outputs[0]
