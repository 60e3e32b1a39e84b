"""Shared helpers for op definitions: dtype groups and checks, broadcast shape rules, host
values (shapes, axes) inside kernels.

(The un-broadcasting gradient helpers `sum_to_shape_of` / `binary_grads` live in array_ops.)
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.registry import Spec
from ..framework.tensor_shape import TensorShape, broadcast_shapes, shape_str

# dtype groups, as TF1's op definitions list them ("T: {float, double, int32, ...}").
FLOATS = frozenset({dtypes.float16, dtypes.float32, dtypes.float64})
COMPLEX = frozenset({dtypes.complex64, dtypes.complex128})
INTEGERS = frozenset({dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8,
                      dtypes.uint16, dtypes.uint32, dtypes.uint64})
REAL = FLOATS | INTEGERS
NUMERIC = REAL | COMPLEX
BOOL = frozenset({dtypes.bool})
_ORDER = ["float16", "float32", "float64", "int32", "uint8", "int16", "int8", "int64", "uint16",
          "uint32", "uint64", "complex64", "complex128", "bool", "string"]


def check_dtype(t: Tensor, allowed: Iterable[dtypes.DType], param: str = "x") -> None:
    """Raises TypeError (TF1's wording) unless `t.dtype` is one of `allowed`."""
    if t.dtype in allowed:
        return
    names = sorted((d.name for d in allowed), key=lambda n: _ORDER.index(n) if n in _ORDER else 99)
    raise TypeError(f"Value passed to parameter '{param}' has DataType {t.dtype.name} not in list "
                    f"of allowed values: {', '.join(names)}")


def broadcast_spec(x: Tensor, y: Tensor, out_dtype: Optional[dtypes.DType] = None) -> Spec:
    """Output spec of an elementwise binary op (NumPy broadcasting), checking dtypes match.

    Raises:
      TypeError: If the two inputs have different dtypes.
      ValueError: If the static shapes can never broadcast.
    """
    if x.dtype != y.dtype:
        raise TypeError(f"Input 'y' has type {y.dtype.name} that does not match type "
                        f"{x.dtype.name} of argument 'x'.")
    shape = broadcast_shapes(x.shape, y.shape)
    if shape is None:
        a, b = x.shape.as_list()[::-1], y.shape.as_list()[::-1]
        p, q = next((p, q) for p, q in zip(a, b) if p not in (1, None) and q not in (1, None)
                    and p != q)
        raise ValueError(f"Dimensions must be equal, but are {p} and {q} for input shapes: "
                         f"{shape_str(x.shape.as_list())}, {shape_str(y.shape.as_list())}")
    return Spec(out_dtype or x.dtype, shape)


# --- host values in kernels ------------------------------------------------------------------
def host_array(be, value: Any) -> np.ndarray:
    """A host input's value as NumPy: the planner hands `host_inputs` over as NumPy already;
    a device value (a kernel called directly) is copied to the host."""
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value)
    return np.asarray(be.to_host(value))


def host_ints(be, value: Any) -> tuple:
    """A host int vector (or scalar) as a tuple of Python ints (shapes, axes, multiples)."""
    return tuple(host_array(be, value).reshape(-1).tolist())
