"""`tfgraph.distribute`: data-parallel training over MPI, with a Horovod-like API.

Not TF1's `tf.distribute` (Strategies are not implemented): this namespace follows
Horovod's `horovod.tensorflow` instead, on mpi4py::

    import tfgraph as tf
    import tfgraph.distribute as hvd

    hvd.init()
    opt = tf.train.GradientDescentOptimizer(0.01 * hvd.size())
    train_op = hvd.DistributedOptimizer(opt).minimize(loss)   # gradients averaged by MPI
    bcast = hvd.broadcast_global_variables(0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(bcast)                                          # every rank starts from rank 0's
        for xb, yb in hvd.DistributedBatches(x, y, batch_size=64, seed=0):
            sess.run(train_op, {images: xb, labels: yb})

Launch with ``mpirun -n 4 python train.py``; see docs/distributed.md.  mpi4py is an optional
extra (``pip install 'tfgraph[mpi]'``), imported by `init()` only.

Modules: `runtime` (init, rank/size, failure handling), `transport` (fused allreduce and
broadcast on NumPy or CuPy buffers), `mpi_ops` (the graph ops), `optimizer`
(`DistributedOptimizer`, `BroadcastGlobalVariablesHook`), `data` (sharding), `script`
(`DataParallel`, for example scripts).
"""
from __future__ import annotations

from .data import DistributedBatches, shard
from .mpi_ops import (Average, Sum, allreduce, broadcast, broadcast_global_variables,
                      broadcast_variables, grouped_allreduce)
from .optimizer import BroadcastGlobalVariablesHook, DistributedOptimizer
from .runtime import init, is_initialized, shutdown
from .runtime import get_state as _get_state
from .script import DataParallel


def rank() -> int:
    """This process's rank in the job (0 .. size() - 1).

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _get_state().rank


def size() -> int:
    """The number of ranks in the job.

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _get_state().size


def local_rank() -> int:
    """This process's rank among the ranks of its machine (pick a GPU with it).

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _get_state().local_rank


def local_size() -> int:
    """The number of ranks on this process's machine.

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _get_state().local_size


def stats() -> dict:
    """Counts of this process's MPI calls since `init()` or `reset_stats()`: allreduce and
    broadcast calls and bytes, and seconds spent in them (waiting for other ranks included).

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _get_state().stats.as_dict()


def reset_stats() -> None:
    """Zeroes the counts of `stats()`."""
    _get_state().stats.reset()


__all__ = ["init", "shutdown", "is_initialized", "rank", "size", "local_rank", "local_size",
           "Average", "Sum", "allreduce", "grouped_allreduce", "broadcast",
           "broadcast_variables", "broadcast_global_variables", "DistributedOptimizer",
           "BroadcastGlobalVariablesHook", "shard", "DistributedBatches", "DataParallel",
           "stats", "reset_stats"]
