"""Inputs shared by the MPI workers and the tests that check what they saw."""
from __future__ import annotations

import re
import time

import numpy as np

# A worker prints this once MPI is up: start-up (imports, MPI_Init) is slow on a loaded machine
# and need not count in the tests' bounds on how fast a failure ends the job.
READY_RE = re.compile(r"tfgraph-test: rank \d+ ready at (\d+\.\d+)")


def print_ready(rank: int) -> None:
    print(f"tfgraph-test: rank {rank} ready at {time.time():.3f}", flush=True)

DTYPES = ("float32", "float64", "int32", "int64", "float16")
SHAPES = ((), (5,), (3, 4))


def rank_value(rank: int, dtype: str, shape: tuple) -> np.ndarray:
    """Rank `rank`'s input: differs by rank, with negatives (integer averages round down)."""
    n = int(np.prod(shape, dtype=np.int64))
    return (np.arange(n).reshape(shape) * (rank + 1) + 3 * rank - 2).astype(dtype)


def key(dtype: str, shape: tuple) -> str:
    return f"{dtype}_{'x'.join(map(str, shape)) or 'scalar'}"


def expected_allreduce(size: int, dtype: str, shape: tuple, op: str) -> np.ndarray:
    """The sum or average over `size` ranks, computed as the ops define it."""
    total = sum(rank_value(r, dtype, shape).astype(np.float64 if dtype.startswith("float")
                                                    else np.int64) for r in range(size))
    if op == "sum":
        return np.asarray(total).astype(dtype)
    if dtype.startswith("float"):
        return np.asarray(total / size).astype(dtype)
    return np.asarray(np.floor_divide(total, size)).astype(dtype)
