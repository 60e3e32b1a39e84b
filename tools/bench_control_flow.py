#!/usr/bin/env python
"""Benchmark of control flow in a session plan; prints JSON.

Measures, in one process:
  * per-iteration cost of `tf.while_loop` with a trivial body (`i + 1`, `x * 2`) on a small
    float32 vector, from the difference between runs of `big` and `small` iterations (so the
    fixed per-run cost cancels), against a Python `while` loop doing the same NumPy work;
    the difference is the loop machinery's overhead per iteration;
  * the same for a loop whose body reads and writes a TensorArray (what map_fn and
    dynamic_rnn build);
  * `tf.cond` per run against the same straight-line graph without the cond.

Each figure is the median over several repeats (time.perf_counter).

Usage: python tools/bench_control_flow.py [--repeats 7] [--small 10] [--big 10010]
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.dirname(__file__)))
import tfgraph as tf  # noqa: E402


def _median_time(fn, repeats: int) -> float:
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def _per_iteration(run, small: int, big: int, repeats: int) -> float:
    """Seconds per iteration: (time(big) - time(small)) / (big - small)."""
    t_big = _median_time(lambda: run(big), repeats)
    t_small = _median_time(lambda: run(small), repeats)
    return (t_big - t_small) / (big - small)


def bench_trivial_loop(small: int, big: int, repeats: int) -> dict:
    g = tf.Graph()
    with g.as_default():
        n = tf.placeholder(tf.int32, [], name="n")
        x0 = tf.constant(np.ones(8, np.float32))
        _, y = tf.while_loop(lambda i, x: i < n, lambda i, x: (i + 1, x * 2.0), [0, x0])
    sess = tf.Session(graph=g)
    f = sess.make_callable(y, [n])
    loop = _per_iteration(lambda k: f(k), small, big, repeats)

    two = np.float32(2.0)

    def numpy_loop(k):
        i, x = 0, np.ones(8, np.float32)
        while i < k:
            i, x = i + 1, x * two
        return x
    with np.errstate(over="ignore"):  # x * 2 reaches inf, as in the graph
        ref = _per_iteration(numpy_loop, small, big, repeats)
    np.testing.assert_array_equal(f(5), numpy_loop(5))
    return {"tfgraph_s_per_iter": loop, "python_numpy_s_per_iter": ref,
            "overhead_s_per_iter": loop - ref}


def bench_tensor_array_loop(small: int, big: int, repeats: int) -> dict:
    g = tf.Graph()
    with g.as_default():
        n = tf.placeholder(tf.int32, [], name="n")
        ta = tf.TensorArray(tf.float32, size=n)
        v = tf.constant(np.ones(8, np.float32))
        _, out = tf.while_loop(lambda i, t: i < n, lambda i, t: (i + 1, t.write(i, v * 2.0)),
                               (0, ta))
        size = out.size()
    sess = tf.Session(graph=g)
    f = sess.make_callable(size, [n])
    per = _per_iteration(lambda k: f(k), small, big, repeats)

    def numpy_loop(k):
        items, i, x = [None] * k, 0, np.ones(8, np.float32)
        while i < k:
            items[i] = x * np.float32(2.0)
            i += 1
        return items
    ref = _per_iteration(numpy_loop, small, big, repeats)
    assert f(7) == 7
    return {"tfgraph_s_per_iter": per, "python_numpy_s_per_iter": ref,
            "overhead_s_per_iter": per - ref}


def bench_cond(repeats: int, number: int = 5000) -> dict:
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.bool, [], name="p")
        x = tf.placeholder(tf.float32, [8], name="x")
        y = tf.cond(p, lambda: x * 2.0, lambda: x + 1.0)
        z = x * 2.0
    sess = tf.Session(graph=g)
    fc = sess.make_callable(y, [p, x])
    fz = sess.make_callable(z, [x])
    xv = np.ones(8, np.float32)

    def many(fn, *args):
        def run():
            for _ in range(number):
                fn(*args)
        return run
    t_cond = _median_time(many(fc, True, xv), repeats) / number
    t_plain = _median_time(many(fz, xv), repeats) / number
    return {"cond_run_s": t_cond, "straight_run_s": t_plain, "cond_extra_s": t_cond - t_plain}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--small", type=int, default=10)
    ap.add_argument("--big", type=int, default=10010)
    args = ap.parse_args(argv)
    out = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "while_loop_trivial_body": bench_trivial_loop(args.small, args.big, args.repeats),
        "while_loop_tensor_array": bench_tensor_array_loop(args.small, args.big, args.repeats),
        "cond": bench_cond(args.repeats),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
