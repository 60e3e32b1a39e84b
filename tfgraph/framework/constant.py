"""`tf.constant` and the `Const` op; registers `Const` as the fallback Python-value conversion.

`convert_to_tensor`, `name_scope`, `graph_of`, `make_op`/`make_tensor` and
`register_tensor_conversion_function` live in `framework/ops.py` and are re-exported here for
old import paths.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import dtypes as _dtypes
from . import ops as _ops
from .graph import Tensor, get_default_graph
from .ops import (convert_to_tensor, graph_of, make_op, make_tensor,  # noqa: F401  (re-exports)
                  name_scope, register_tensor_conversion_function)
from .registry import OpDef, register_op, spec
from .tensor_shape import as_shape


@register_op("Const")
class Const(OpDef):
    """A constant value stored in the graph (read-only NumPy array in attr `value`)."""

    def infer(self, *, value, dtype):
        return spec(dtype, value.shape)

    def kernel(self, be, op, ctx):
        v = be.from_host(op.attrs["value"])  # moved to the device once per plan, not per run
        return lambda: v


def _as_bytes_array(arr: np.ndarray) -> np.ndarray:
    """An object array of `bytes` (TF1's string tensors hold bytes; `str` is UTF-8 encoded)."""
    out = np.empty(arr.shape, dtype=object)
    for i, v in enumerate(arr.flat):
        out.flat[i] = v.encode("utf-8") if isinstance(v, str) else (
            bytes(v) if isinstance(v, (bytes, np.bytes_)) else v)
    return out


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
    if arr.dtype.kind in "US" or (arr.dtype == object and arr.size
                                  and any(isinstance(v, str) for v in arr.flat)):
        arr = _as_bytes_array(arr)  # TF1's string tensors hold bytes (str is UTF-8 encoded)
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


# --- conversion of Python values: the fallback of `convert_to_tensor` -------------------------
def _constant_conversion(value: Any, dtype: Any = None, name: Optional[str] = None,
                         as_ref: bool = False) -> Tensor:
    return constant(value, dtype=dtype, name=name or "Const")


# Priority 200 (TF1's): after every other conversion (Variables, packing of tensor lists).
_ops._register(object, _constant_conversion, 200, accepts_dtype_hint=True)
