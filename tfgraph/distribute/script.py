"""`DataParallel`: what a training script does differently on each rank, in one object."""
from __future__ import annotations

import os
import sys
from typing import Any, Optional, Tuple

import numpy as np

from . import data, mpi_ops, optimizer, runtime


class DataParallel:
    """The per-rank decisions of a data-parallel training script.

    `init()`s MPI, then offers the few calls a single-process TF1 script needs to become
    data-parallel: shard the data, wrap the optimizer, broadcast the initial variables, and
    let only the chief (rank 0) print and write files::

        dp = tfgraph.distribute.DataParallel()
        x_part, y_part = dp.shard(x_train, y_train)
        train_op = dp.wrap_optimizer(tf.train.GradientDescentOptimizer(lr * dp.size)).minimize(loss)
        sess.run(tf.global_variables_initializer()); dp.broadcast_variables(sess)
        if dp.is_chief: saver.save(sess, path)

    Raises:
      ImportError: If mpi4py or MPI is missing.
    """

    def __init__(self) -> None:
        runtime.init()
        st = runtime.get_state()
        self.rank: int = st.rank
        self.size: int = st.size
        self.local_rank: int = st.local_rank
        self.is_chief: bool = st.rank == 0
        self._bcast: Optional[Any] = None

    def shard(self, x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """This rank's disjoint block of the training data (`tfgraph.distribute.shard`)."""
        return data.shard(x, y)

    def wrap_optimizer(self, opt: Any) -> Any:
        """`DistributedOptimizer(opt)`: gradients averaged over the ranks."""
        return optimizer.DistributedOptimizer(opt)

    def broadcast_variables(self, sess: Any) -> None:
        """Sets every rank's global variables to rank 0's (run after initializing)."""
        if self._bcast is None or self._bcast.graph is not sess.graph:
            with sess.graph.as_default():
                self._bcast = mpi_ops.broadcast_global_variables(0)
        sess.run(self._bcast)

    def silence_non_chief(self) -> None:
        """Sends the other ranks' stdout and stderr to /dev/null, so only rank 0 prints.
        A failing rank still reports itself (the error hook writes to the real stderr)."""
        if not self.is_chief:
            sink = open(os.devnull, "w")
            sys.stdout = sink
            sys.stderr = sink


__all__ = ["DataParallel"]
