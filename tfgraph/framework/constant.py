"""`tf.constant`, the `Const` op, and `convert_to_tensor` (Python values -> graph tensors)."""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from . import dtypes as _dtypes
from .graph import Graph, Operation, Tensor, get_default_graph
from .registry import OpDef, register_op, spec
from .tensor_shape import TensorShape, as_shape


@register_op("Const")
class Const(OpDef):
    """A constant value stored in the graph (read-only NumPy array in attr `value`)."""

    def infer(self, *, value, dtype):
        return spec(dtype, value.shape)

    def kernel(self, be, op, ctx):
        v = be.from_host(op.attrs["value"])  # moved to the device once per plan, not per run
        return lambda: v


_UNSUPPORTED = ("Failed to convert elements of {!r} to Tensor. Consider casting elements to a "
                "supported type. See https://www.tensorflow.org/api_docs/python/tf/dtypes for "
                "supported TF dtypes.")


def _all_strings(arr: np.ndarray) -> bool:
    return all(isinstance(x, (str, bytes)) for x in arr.flat)


def _to_numpy(value: Any, dtype: Optional[_dtypes.DType]) -> np.ndarray:
    """NumPy array for a Python/NumPy value with TF1's dtype defaults and checks."""
    if value is None:
        raise ValueError("None values not supported.")
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        from_python = False
    else:
        try:
            arr = np.asarray(value)
        except ValueError as e:
            raise ValueError(f"Can't convert non-rectangular Python sequence to Tensor: {e}") from None
        from_python = True
        if arr.dtype.kind in "US" and arr.size and not _all_strings(np.asarray(value, object)):
            raise TypeError(_UNSUPPORTED.format(value))  # [1, "a"]: NumPy made "1" a string
    if arr.dtype == object and not _all_strings(arr):
        # None inside a list, ints beyond 64 bits, arbitrary objects: not a TF element type.
        # A float target still takes big Python ints (TF1: tf.constant(2**70, tf.float32)).
        if from_python and dtype is not None and dtype.is_floating:
            try:
                return np.asarray(value, dtype=dtype.np_dtype)
            except (TypeError, ValueError, OverflowError):
                pass
        raise TypeError(_UNSUPPORTED.format(value))
    if arr.dtype.kind == "S" and from_python:
        # NumPy's fixed-width bytes drop trailing NUL bytes (b"a\x00" -> b"a"): binary strings
        # (serialized protos, raw pixels) are kept whole in an object array.
        arr = np.array(value, dtype=object)
    if arr.dtype.kind in "US":
        arr = arr.astype(object)
    if dtype is None:
        if from_python:
            if arr.dtype == np.float64:
                arr = arr.astype(np.float32)
            elif arr.dtype.kind == "i":
                if arr.size and (arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min):
                    arr = arr.astype(np.int64)
                else:
                    arr = arr.astype(np.int32)
        return arr
    target = dtype.np_dtype
    if arr.dtype == target:
        return arr
    if arr.dtype == object and dtype is not _dtypes.string:
        raise TypeError(f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead.")
    if dtype is _dtypes.string:
        if arr.dtype != object:
            raise TypeError(f"Expected string, got {value!r} of type '{type(value).__name__}' instead.")
        return arr
    if from_python and (dtype.is_integer or dtype.is_bool) and arr.dtype.kind == "f":
        if not np.all(np.mod(arr, 1) == 0):
            raise TypeError(f"Expected {dtype.name}, got {value!r} of type "
                            f"'{type(value).__name__}' instead.")
    if dtype.is_integer and arr.size and arr.dtype.kind in "iuf":
        info = np.iinfo(target)
        if arr.max() > info.max or arr.min() < info.min:
            raise TypeError(f"Value out of range for {dtype.name}: {value!r}")
    if arr.dtype.kind == "b" and not dtype.is_bool and from_python:
        raise TypeError(f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead.")
    return arr.astype(target)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const",
             verify_shape: bool = False) -> Tensor:
    """Creates a constant tensor (`tf.constant`).

    Args:
      value: A Python scalar, (nested) list, or NumPy array. Python floats become float32 and
        Python ints int32, as in TF1; NumPy arrays keep their dtype.
      dtype: Optional element type.
      shape: Optional shape; a scalar is broadcast to it, a shorter list is padded with its
        last element (TF1 behaviour).
      name: Op name.
      verify_shape: If True, `value`'s shape must equal `shape`.

    Returns:
      A `Tensor`.

    Raises:
      TypeError: If `value` cannot be converted to `dtype`.
      ValueError: If `value` does not fit `shape`.
    """
    dtype = None if dtype is None else _dtypes.as_dtype(dtype)
    arr = _to_numpy(value, dtype)
    if shape is not None:
        shape = as_shape(shape).as_list()
        if any(d is None for d in shape):
            raise ValueError(f"Shape {shape} must be fully defined for tf.constant")
        n = int(np.prod(shape, dtype=np.int64))
        if verify_shape and list(arr.shape) != shape:
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, got {arr.shape}.")
        if arr.size == n:
            arr = arr.reshape(shape)
        elif arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size < n and arr.ndim <= 1:
            flat = np.concatenate([arr.ravel(), np.repeat(arr.ravel()[-1:], n - arr.size)])
            arr = flat.reshape(shape)
        else:
            raise ValueError(f"Too many elements provided. Needed at most {n}, but received {arr.size}")
    arr = np.array(arr, copy=True) if arr.flags.writeable or not arr.flags.owndata else arr
    arr.flags.writeable = False  # a fetched constant must not be editable in place
    graph = get_default_graph()
    op = graph.create_op("Const", [], {"value": arr, "dtype": _dtypes.as_dtype(arr.dtype)}, name=name)
    return op._outputs[0]


# --- tensor conversion --------------------------------------------------------------------
_conversion_functions: List[Tuple[int, type, Callable]] = []


def register_tensor_conversion_function(base_type: Any, conversion_func: Callable,
                                        priority: int = 100) -> None:
    """Registers `conversion_func(value, dtype=None, name=None, as_ref=False)` for `base_type`."""
    _conversion_functions.append((priority, base_type, conversion_func))
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
    for _, base_type, fn in _conversion_functions:
        if isinstance(value, base_type):
            t = fn(value, dtype=dtype, name=name, as_ref=as_ref)
            if dtype is not None and t.dtype != dtype:
                raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                                 f"dtype {t.dtype.name}: {t!r}")
            return t
    if isinstance(value, Operation):
        raise TypeError(f"Can't convert Operation '{value.name}' to Tensor "
                        f"(target dtype={dtype}, name={name!r})")
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        from ..ops import array_ops
        return array_ops._autopack(value, dtype=dtype, name=name or "packed")
    hint = preferred_dtype if preferred_dtype is not None else dtype_hint
    if dtype is None and hint is not None:
        try:
            return constant(value, dtype=_dtypes.as_dtype(hint), name=name or "Const")
        except (TypeError, ValueError):
            pass
    return constant(value, dtype=dtype, name=name or "Const")


def _contains_tensor(seq: Sequence) -> bool:
    for v in seq:
        if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
            return True
        if isinstance(v, (list, tuple)) and _contains_tensor(v):
            return True
    return False


def graph_of(values: Sequence[Any]) -> Graph:
    """The graph that tensors among `values` belong to (default graph if none)."""
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
                raise ValueError(f"{v!r} must be from the same graph as {values[0]!r}.")
    return graph if graph is not None else get_default_graph()


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


def make_op(op_type: str, inputs: Sequence[Any], attrs: Optional[dict] = None,
            name: Optional[str] = None) -> Operation:
    """Converts `inputs` to tensors (in their common graph) and adds an `op_type` op."""
    graph = graph_of(inputs)
    if any(not isinstance(x, Tensor) for x in inputs):
        with graph.as_default():
            inputs = [convert_to_tensor(x) for x in inputs]
    return graph.create_op(op_type, inputs, attrs, name=name)


def make_tensor(op_type: str, inputs: Sequence[Any], attrs: Optional[dict] = None,
                name: Optional[str] = None) -> Tensor:
    """`make_op` for single-output ops: returns the output tensor."""
    return make_op(op_type, inputs, attrs, name)._outputs[0]
