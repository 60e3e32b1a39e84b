"""`tf.data.experimental`: the TF1-era helpers (`AUTOTUNE`, `shuffle_and_repeat`,
`map_and_batch`, `unbatch`, ...), as transformations for `Dataset.apply`."""
from __future__ import annotations

from typing import Any, Callable, Optional

from .dataset_ops import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY  # noqa: F401


def shuffle_and_repeat(buffer_size: Any, count: Any = None, seed: Optional[int] = None) -> Callable:
    """`dataset.apply(shuffle_and_repeat(n))` = `dataset.shuffle(n, seed).repeat(count)`."""
    return lambda ds: ds.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func: Callable, batch_size: Any, num_parallel_batches: Optional[int] = None,
                  drop_remainder: bool = False, num_parallel_calls: Optional[int] = None) -> Callable:
    """`dataset.apply(map_and_batch(f, n))` = `dataset.map(f, ...).batch(n, drop_remainder)`."""
    calls = num_parallel_calls if num_parallel_calls is not None else num_parallel_batches
    return lambda ds: ds.map(map_func, calls).batch(batch_size, drop_remainder)


def unbatch() -> Callable:
    return lambda ds: ds.unbatch()


def parallel_interleave(map_func: Callable, cycle_length: Any, block_length: Any = 1,
                        sloppy: bool = False, buffer_output_elements: Any = None,
                        prefetch_input_elements: Any = None) -> Callable:
    return lambda ds: ds.interleave(map_func, cycle_length, block_length)


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "shuffle_and_repeat",
           "map_and_batch", "unbatch", "parallel_interleave"]

# The namespace shows TF1's names only (annotations are strings, never evaluated).
del annotations, Any, Callable, Optional
