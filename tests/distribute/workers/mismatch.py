"""MPI worker: ranks that run different collectives (Horovod matches them by name).

    mpirun -n 2 python tests/distribute/workers/mismatch.py caught OUT  # every scenario, caught
    mpirun -n 2 python tests/distribute/workers/mismatch.py uncaught    # names differ, not caught

`caught` runs each scenario on every rank, records ``<scenario>: <error>`` (or ``no error``)
in OUT/rank<R>.json (ranks' stdout may interleave) and goes on: after a detected mismatch
all ranks are in step again. `uncaught` lets the error end the job (the excepthook aborts
every rank).
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np

import tfgraph as tf
import tfgraph.distribute as hvd
from dist_cases import print_ready


def report(results: dict, scenario: str, fn) -> None:
    try:
        fn()
        results[scenario] = "no error"
    except tf.errors.InvalidArgumentError as e:
        results[scenario] = f"{type(e).__name__}: {e.message}"


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


def same_names(rank: int) -> list:
    tf.reset_default_graph()
    s = hvd.allreduce(tf.constant(np.full(2, rank + 1.0, np.float32)), name="loss", op=hvd.Sum)
    with tf.Session() as sess:
        return sess.run(s).tolist()


def main(mode: str, out: str = "") -> None:
    hvd.init()
    rank = hvd.rank()
    print_ready(rank)
    if mode == "uncaught":
        different_names(rank)
        return
    results: dict = {}
    for scenario in (different_names, different_order, different_counts):
        report(results, scenario.__name__, lambda: scenario(rank))
    report(results, "same_names", lambda: results.__setitem__("same_names sum", same_names(rank)))
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
