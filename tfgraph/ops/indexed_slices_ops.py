"""The `tf` names of sparse gradients: `tf.IndexedSlices`, `tf.IndexedSlicesValue`,
`tf.convert_to_tensor_or_indexed_slices` (the class lives in `framework/indexed_slices.py`;
its conversion to a dense tensor is registered in `array_ops`)."""
from __future__ import annotations

from typing import Any, Optional, Union

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.indexed_slices import IndexedSlices
from ..framework.ops import convert_to_tensor
from ..framework.sparse_tensor import SparseTensor


def convert_to_tensor_or_indexed_slices(value: Any, dtype: Any = None, name: Optional[str] = None
                                        ) -> Union[Tensor, IndexedSlices, SparseTensor]:
    """Converts `value` to a `Tensor`, leaving an `IndexedSlices` (or `SparseTensor`) as it is
    (`tf.convert_to_tensor_or_indexed_slices`).

    Args:
      value: An `IndexedSlices`, `SparseTensor`, or an object convertible to a `Tensor`.
      dtype: Optional required element type.
      name: Optional name for a newly created tensor.

    Returns:
      A `Tensor`, `IndexedSlices` or `SparseTensor` based on `value`.

    Raises:
      ValueError: If `dtype` does not match the element type of `value`.
    """
    if isinstance(value, (IndexedSlices, SparseTensor)):
        if dtype is not None and dtypes.as_dtype(dtype).base_dtype != value.dtype.base_dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} "
                             f"for Tensor with dtype {value.dtype.name}: {value!r}")
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


__all__ = ["IndexedSlices", "convert_to_tensor_or_indexed_slices"]
