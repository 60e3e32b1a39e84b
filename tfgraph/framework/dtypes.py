"""TF1 data types (`tf.float32`, ...) and their mapping to NumPy dtypes."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

_py_bool = builtins.bool  # the module defines its own `bool` (tf.bool) below


class DType:
    """A TensorFlow-style data type wrapping a NumPy dtype.

    Compares equal to other spellings of the same type (`tf.float32 == np.float32 == 'float32'`).
    """

    __slots__ = ("name", "_np", "_hash")

    def __init__(self, name: str, np_dtype: Any):
        self.name = name
        self._np = np.dtype(np_dtype)
        self._hash = hash(name)

    @property
    def as_numpy_dtype(self) -> type:
        """The NumPy scalar type (e.g. `np.float32`); strings map to `object`."""
        return self._np.type

    @property
    def np_dtype(self) -> np.dtype:
        return self._np

    @property
    def base_dtype(self) -> "DType":
        return self

    @property
    def real_dtype(self) -> "DType":
        """The dtype of a complex dtype's parts (complex64 -> float32); other dtypes: self."""
        if self._np.kind == "c":
            return _BY_NP[np.dtype(self._np.char.lower())]
        return self

    @property
    def is_floating(self) -> bool:
        return self._np.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._np.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._np.kind == "u"

    @property
    def is_bool(self) -> bool:
        return self._np.kind == "b"

    @property
    def is_complex(self) -> bool:
        return self._np.kind == "c"

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return self._np.itemsize

    @property
    def min(self):
        if self.is_floating:
            return np.finfo(self._np).min
        if self.is_integer:
            return np.iinfo(self._np).min
        raise TypeError(f"Cannot find minimum value of {self}.")

    @property
    def max(self):
        if self.is_floating:
            return np.finfo(self._np).max
        if self.is_integer:
            return np.iinfo(self._np).max
        raise TypeError(f"Cannot find maximum value of {self}.")

    @property
    def is_differentiable(self) -> bool:
        """Whether gradients flow through tensors of this type (floating and complex)."""
        return self._np.kind in "fc"

    def is_compatible_with(self, other: Any) -> bool:
        return self == as_dtype(other)

    def __eq__(self, other: Any) -> bool:
        if other is self:
            return True
        if other is None:
            return False
        try:
            return self.name == as_dtype(other).name
        except TypeError:
            return False

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16)
half = float16
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
double = float64
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
bool = DType("bool", np.bool_)  # noqa: A001  (TF1 spells it tf.bool)
complex64 = DType("complex64", np.complex64)
complex128 = DType("complex128", np.complex128)
string = DType("string", object)
# Handles of stateful host objects (stacks, TensorArrays): a 0-d object array holding it.
resource = DType("resource", object)
variant = DType("variant", object)

_ALL = [float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        bool, complex64, complex128, string, resource, variant]
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"half": float16, "float": float32, "double": float64, "bool_": bool})
_BY_NP = {d._np: d for d in _ALL if d._np != np.dtype(object)}


def as_dtype(type_value: Any) -> DType:
    """Converts `type_value` (DType, NumPy dtype or type, Python type or name) to a `DType`.

    Args:
      type_value: A value that can be converted to a `tf.DType`.

    Returns:
      The matching `DType`.

    Raises:
      TypeError: If `type_value` cannot be converted to a `DType`.
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        try:
            return _BY_NAME[type_value]
        except KeyError:
            raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.") from None
    if type_value is float:
        return float32
    if type_value is int:
        return int32
    if type_value is _py_bool:
        return bool
    if type_value is str or type_value is bytes:
        return string
    try:
        npd = np.dtype(type_value)
    except TypeError:
        raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.") from None
    if npd.kind in "OSU":
        return string
    try:
        return _BY_NP[npd]
    except KeyError:
        raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.") from None

