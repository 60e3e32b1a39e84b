"""MPI worker: ranks that run different collectives (Horovod matches them by name).

    mpirun -n 2 python tests/distribute/workers/mismatch.py caught    # every scenario, caught
    mpirun -n 2 python tests/distribute/workers/mismatch.py uncaught  # names differ, not caught

`caught` runs each scenario on every rank, prints ``rank R <scenario>: <error>`` (or ``no
error``) and goes on: after a detected mismatch all ranks are in step again. `uncaught` lets
the error end the job (the excepthook aborts every rank).
"""
from __future__ import annotations

import sys

import numpy as np

import tfgraph as tf
import tfgraph.distribute as hvd


def report(rank: int, scenario: str, fn) -> None:
    try:
        fn()
        print(f"rank {rank} {scenario}: no error", flush=True)
    except tf.errors.InvalidArgumentError as e:
        print(f"rank {rank} {scenario}: {type(e).__name__}: {e.message}".replace("\n", " "),
              flush=True)


def different_names(rank: int) -> None:
    tf.reset_default_graph()
    v = tf.constant(np.full(3, rank + 1.0, np.float32))
    s = hvd.allreduce(v, name="loss" if rank == 0 else "acc")
    with tf.Session() as sess:
        sess.run(s)


def different_order(rank: int) -> None:
    tf.reset_default_graph()
    a = hvd.allreduce(tf.constant([1.0]), name="first")
    b = hvd.allreduce(tf.constant([2.0]), name="second")
    with tf.Session() as sess:
        for t in ((a, b) if rank == 0 else (b, a)):
            sess.run(t)


def different_counts(rank: int) -> None:
    # Rank 0 runs the allreduce three times, rank 1 twice and then a broadcast.
    tf.reset_default_graph()
    s = hvd.allreduce(tf.constant(np.ones(4, np.float32)), name="grads")
    b = hvd.broadcast(tf.constant(np.ones(4, np.float32)), root_rank=0, name="weights")
    with tf.Session() as sess:
        for _ in range(3 if rank == 0 else 2):
            sess.run(s)
        sess.run(b)


def same_names(rank: int) -> None:
    tf.reset_default_graph()
    s = hvd.allreduce(tf.constant(np.full(2, rank + 1.0, np.float32)), name="loss", op=hvd.Sum)
    with tf.Session() as sess:
        got = sess.run(s)
    print(f"rank {rank} same_names sum: {got.tolist()}", flush=True)


def main(mode: str) -> None:
    hvd.init()
    rank = hvd.rank()
    if mode == "uncaught":
        different_names(rank)
        return
    for scenario in (different_names, different_order, different_counts, same_names):
        report(rank, scenario.__name__, lambda: scenario(rank))


if __name__ == "__main__":
    main(sys.argv[1])
