#!/usr/bin/env python
"""Benchmark of data-parallel training over MPI: images/s of the MNIST MLP on 1 vs N ranks.

The model is the MNIST MLP 784-512-512-10 (ReLU, softmax cross-entropy, plain SGD) wrapped in
`tfgraph.distribute.DistributedOptimizer`, trained on synthetic data (random images and
labels: the speed does not depend on the values).  Every rank feeds its own batch of
`--batch-size` images per step (Horovod's convention), so one step of N ranks trains on
N * batch images; images/s counts all ranks' images.

For each rank count the driver launches `mpirun -n N` on this machine (loopback only) and
reports, from rank 0: images/s, milliseconds per step, and the time and bytes per step spent
in the gradient allreduce (one fused MPI call per step).  BLAS threads per rank default to
cores / ranks, so N ranks never ask for more threads than there are cores.

Usage: python tools/bench_distributed.py [--ranks 1 2] [--batch-size 128] [--steps 40]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)


def worker(args: argparse.Namespace) -> None:
    """One rank: build the model, train `--steps` timed steps, rank 0 prints a JSON line."""
    import numpy as np

    import tfgraph as tf
    import tfgraph.distribute as hvd
    from tfgraph.distribute import runtime

    hvd.init()
    rank, size = hvd.rank(), hvd.size()
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    h = tf.layers.dense(x, 512, activation=tf.nn.relu)
    h = tf.layers.dense(h, 512, activation=tf.nn.relu)
    logits = tf.layers.dense(h, 10)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    train = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.01)).minimize(loss)
    bcast = hvd.broadcast_global_variables(0)
    rng = np.random.default_rng(rank)
    b = args.batch_size
    xs = rng.random((b, 784), dtype=np.float32)
    ys = np.eye(10, dtype=np.float32)[rng.integers(0, 10, b)]
    comm = runtime.get_state().comm
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(bcast)
        feed = {x: xs, y: ys}
        for _ in range(args.warmup):
            sess.run(train, feed)
        comm.Barrier()
        hvd.reset_stats()
        t0 = time.perf_counter()
        for _ in range(args.steps):
            sess.run(train, feed)
        comm.Barrier()  # the slowest rank's time counts
        seconds = time.perf_counter() - t0
    st = hvd.stats()
    # The transport alone: the same bytes as one step's fused gradients, no model around it.
    params = sum(int(np.prod(v.shape.as_list())) for v in tf.trainable_variables())
    buf = np.ones(params, np.float32)
    comm.Barrier()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        comm.Allreduce(runtime.get_state().MPI.IN_PLACE, buf)
    comm.Barrier()
    alone = time.perf_counter() - t0
    if rank == 0:
        print(json.dumps({
            "ranks": size,
            "images_per_s": round(args.steps * b * size / seconds, 1),
            "step_ms": round(1000 * seconds / args.steps, 2),
            "allreduce_calls_per_step": st["allreduce_calls"] / args.steps,
            "allreduce_ms_per_step": round(1000 * st["seconds"] / args.steps, 2),
            "allreduce_bytes_per_step": st["allreduce_bytes"] // args.steps,
            "mpi_allreduce_alone_ms": round(1000 * alone / args.steps, 2) if size > 1 else 0.0,
            "parameters": params,
        }), flush=True)


def launch(n: int, args: argparse.Namespace) -> dict:
    threads = args.threads_per_rank or max(1, (os.cpu_count() or 1) // n)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), TFGRAPH_DEVICE="cpu")
    cmd = ["mpirun", "-n", str(n), "--oversubscribe", "--mca", "btl", "self,vader",
           "--mca", "oob_tcp_if_include", "lo"]
    for key, value in args.mca:
        cmd += ["--mca", key, value]
    cmd += [sys.executable, os.path.abspath(__file__), "--worker",
           "--batch-size", str(args.batch_size), "--steps", str(args.steps),
           "--warmup", str(args.warmup)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.timeout)
    if out.returncode != 0:
        sys.exit(f"bench_distributed: {n}-rank run failed (rc {out.returncode}):\n"
                 f"{out.stdout}\n{out.stderr}")
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    result = json.loads(line)
    result["blas_threads_per_rank"] = threads
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batch-size", type=int, default=128, help="images per rank per step")
    p.add_argument("--steps", type=int, default=40, help="timed steps")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    p.add_argument("--threads-per-rank", type=int, default=0,
                   help="BLAS threads per rank (default: cores // ranks)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per mpirun")
    p.add_argument("--mca", nargs=2, action="append", default=[], metavar=("KEY", "VALUE"),
                   help="extra Open MPI setting, e.g. --mca mpi_yield_when_idle 1")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    results = [launch(n, args) for n in args.ranks]
    base = results[0]["images_per_s"]
    for r in results:
        r["speedup_vs_first"] = round(r["images_per_s"] / base, 2)
    print(json.dumps({
        "benchmark": "data-parallel MNIST MLP 784-512-512-10, SGD, synthetic data",
        "batch_per_rank": args.batch_size,
        "steps": args.steps,
        "results": results,
        "machine": {"cpus": os.cpu_count(), "load_avg_1min": round(os.getloadavg()[0], 2),
                    "python": platform.python_version(), "platform": platform.platform()},
    }, indent=2))


if __name__ == "__main__":
    main()
