"""MPI worker: training in which rank 1 stops at step 3, to check that no rank hangs.

    mpirun -n 2 python tests/distribute/workers/fail.py raise   # rank 1 raises RuntimeError
    mpirun -n 2 python tests/distribute/workers/fail.py exit    # rank 1 calls sys.exit(3)
    mpirun -n 2 python tests/distribute/workers/fail.py stall   # rank 1 stops taking part

`stall` ends only with TFGRAPH_STALL_SHUTDOWN_TIME set (the watchdog aborts the job).
"""
from __future__ import annotations

import sys
import time

import numpy as np

import tfgraph as tf
import tfgraph.distribute as hvd
from dist_cases import print_ready


def main(mode: str) -> None:
    hvd.init()
    print_ready(hvd.rank())
    x = tf.placeholder(tf.float32, [None, 4])
    w = tf.Variable(np.ones((4, 1), np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    train = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.01)).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(1000):
            if hvd.rank() == 1 and step == 3:
                if mode == "raise":
                    raise RuntimeError("injected failure at step 3")
                if mode == "exit":
                    sys.exit(3)  # no exception reaches the excepthook
                time.sleep(300)  # alive but gone from the collectives
            sess.run(train, {x: np.ones((2, 4), np.float32)})
            print(f"rank {hvd.rank()} finished step {step}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
