"""Training data split over ranks: `shard` (a disjoint block per rank) and
`DistributedBatches` (each global batch of `B * size` examples split into per-rank batches of
`B`, in the order a single process with batch `B * size` would see them).

Every rank must run the same number of steps (a rank with one batch more would wait forever
in its extra allreduce): both helpers give every rank the same number of examples/batches.
"""
from __future__ import annotations

from typing import Iterator, Optional, Tuple

import numpy as np

from ..datasets.pipeline import Batches
from . import runtime


def _rank_size(rank: Optional[int], size: Optional[int]) -> Tuple[int, int]:
    if (rank is None) != (size is None):
        raise ValueError("give both rank and size, or neither (then the MPI job's are used)")
    if rank is None:
        st = runtime.get_state()
        return st.rank, st.size
    rank, size = int(rank), int(size)
    if size < 1 or not 0 <= rank < size:
        raise ValueError(f"need 0 <= rank < size, got rank {rank}, size {size}")
    return rank, size


def shard(x: np.ndarray, y: Optional[np.ndarray] = None, rank: Optional[int] = None,
          size: Optional[int] = None, drop_remainder: bool = True):
    """This rank's disjoint, contiguous block of the examples.

    Rank `r` of `size` gets rows `[r * m, (r + 1) * m)` with `m = n // size`; the last
    `n % size` rows are dropped so that every rank has as many examples (and so as many
    batches).  With `drop_remainder=False` the blocks are `np.array_split`'s (the first
    `n % size` ranks get one row more: then make sure every rank runs the same number of
    steps).

    Args:
      x: Examples (first axis).
      y: Optional targets with the same first dimension.
      rank, size: This process's rank and the number of ranks (default: the MPI job's).
      drop_remainder: Drop the rows that do not divide evenly (default True).

    Returns:
      `x_part`, or `(x_part, y_part)` when `y` is given (views, no copy).

    Raises:
      ValueError: If `x` and `y` differ in length, or rank/size are invalid or missing
        (no `init()` and no explicit rank/size).
    """
    rank, size = _rank_size(rank, size)
    x = np.asarray(x)
    n = x.shape[0]
    if y is not None:
        y = np.asarray(y)
        if y.shape[0] != n:
            raise ValueError(f"x and y must have the same number of examples, got {n} and "
                             f"{y.shape[0]}")
    if drop_remainder:
        m = n // size
        lo, hi = rank * m, (rank + 1) * m
    else:
        base, extra = divmod(n, size)
        lo = rank * base + min(rank, extra)
        hi = lo + base + (1 if rank < extra else 0)
    return x[lo:hi] if y is None else (x[lo:hi], y[lo:hi])


class DistributedBatches:
    """Per-rank mini-batches that reproduce a single process's data order.

    A single process iterating `Batches(x, y, batch_size * size, shuffle, seed)` sees global
    batches `G_0, G_1, ...`; here rank `r` sees rows `[r * batch_size, (r + 1) * batch_size)`
    of each `G_i`.  So the averaged gradient of one distributed step (per-rank mean losses,
    `DistributedOptimizer` averaging) equals the single process's gradient on `G_i`.

    With `seed=None` rank 0 draws the seed and sends it to every rank (the shuffles must
    agree).  With `drop_remainder=False` the last, smaller global batch is split as evenly as
    possible (`np.array_split`); one smaller than `size` rows is dropped, so no rank ever gets
    an empty batch.

    Args:
      x, y: Examples and targets (`y` may be None), the whole data set on every rank.
      batch_size: Examples per rank per step (`B`).
      shuffle: Reshuffle every epoch (the order of `Batches` with the same seed).
      seed: The shuffles' seed (same on every rank; None: drawn on rank 0 and broadcast).
      drop_remainder: Drop the last global batch when smaller than `batch_size * size`
        (default True: every step then has the same global batch size).
      rank, size: This process's rank and the number of ranks (default: the MPI job's).

    Raises:
      ValueError: For a bad batch size, mismatched `x`/`y`, or missing rank/size.
    """

    def __init__(self, x: np.ndarray, y: Optional[np.ndarray] = None, batch_size: int = 32,
                 shuffle: bool = True, seed: Optional[int] = None, drop_remainder: bool = True,
                 rank: Optional[int] = None, size: Optional[int] = None):
        self.rank, self.size = _rank_size(rank, size)
        if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if seed is None and shuffle:
            seed = _agreed_seed(self.size)
        self.batch_size = int(batch_size)
        # The single-process view: its permutation per epoch is the shared order.
        self.global_batches = Batches(x, y, self.batch_size * self.size, shuffle=shuffle,
                                      seed=seed, drop_remainder=drop_remainder)
        self.epoch = 0

    @property
    def seed(self) -> int:
        return self.global_batches.seed

    @property
    def num_examples(self) -> int:
        return self.global_batches.num_examples

    def __len__(self) -> int:
        """Batches per epoch (the same on every rank)."""
        n, g = self.num_examples, self.global_batches.batch_size
        full, rest = divmod(n, g)
        return full + (1 if rest >= self.size and not self.global_batches.drop_remainder else 0)

    def iter_epoch(self, epoch: int) -> Iterator:
        """Yields this rank's `(x_batch, y_batch)` (or `x_batch`) of each step of `epoch`."""
        gb = self.global_batches
        order = gb.permutation(epoch)
        g, b, r = gb.batch_size, self.batch_size, self.rank
        for i in range(len(self)):
            rows = order[i * g:(i + 1) * g]
            if len(rows) == g:
                mine = rows[r * b:(r + 1) * b]
            else:
                mine = np.array_split(rows, self.size)[r]
            xb = gb.x[mine]
            yield xb if gb.y is None else (xb, gb.y[mine])

    def __iter__(self) -> Iterator:
        """Starts the next epoch."""
        epoch = self.epoch
        self.epoch += 1
        return self.iter_epoch(epoch)

    def __repr__(self) -> str:
        return (f"DistributedBatches(rank={self.rank}, size={self.size}, "
                f"batch_size={self.batch_size}, num_examples={self.num_examples}, "
                f"seed={self.seed}, epoch={self.epoch})")


def _agreed_seed(size: int) -> int:
    """A random seed drawn on rank 0 and broadcast (buffer Bcast of one int64)."""
    seed = np.array([np.random.SeedSequence().entropy % (2 ** 63)], dtype=np.int64)
    if size > 1:
        st = runtime.get_state()
        st.comm.Bcast(seed, root=0)
    return int(seed[0])


__all__ = ["shard", "DistributedBatches"]
