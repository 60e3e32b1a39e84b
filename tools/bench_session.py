#!/usr/bin/env python
"""Benchmark of `Session.run` overhead on small graphs; prints JSON.

Measures, in one process:
  * the seed graph e = c + a*b with three fed placeholders (lists and float32 arrays as feeds),
    against the bare NumPy expression and a minimal Python loop over the same three steps;
  * a chain of 50 elementwise ops on a small vector, against the same 50 NumPy calls written
    as straight-line Python: the difference per op is the graph machinery's cost.

Each figure is the median over several repeats of a timed loop (time.perf_counter).

Usage: python tools/bench_session.py [--repeats 7] [--number 20000]
"""
from __future__ import annotations

import argparse
import functools
import json
import platform
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.dirname(__file__)))
import tfgraph as tf  # noqa: E402


def _time_per_call(fn, number: int, repeats: int) -> float:
    """Median seconds per call of `fn()` over `repeats` loops of `number` calls."""
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number)
    return statistics.median(samples)


def bench_seed_graph(number: int, repeats: int) -> dict:
    g = tf.Graph()
    with g.as_default():
        a = tf.placeholder(tf.float32, name="a")
        b = tf.placeholder(tf.float32, name="b")
        c = tf.placeholder(tf.float32, name="c")
        e = tf.add(c, tf.multiply(a, b, name="mul"), name="add")
    sess = tf.Session(graph=g)
    lists = {a: [1.2, 2.4], b: [1.0, 0.5], c: [0.1, 0.2]}
    av, bv, cv = (np.array(v, np.float32) for v in lists.values())
    arrays = {a: av, b: bv, c: cv}
    run_lists = _time_per_call(lambda: sess.run(e, lists), number, repeats)
    run_arrays = _time_per_call(lambda: sess.run(e, arrays), number, repeats)
    numpy_expr = _time_per_call(lambda: cv + av * bv, number, repeats)
    kernels = [np.multiply, np.add]

    def python_loop():
        vals = [np.asarray(av, np.float32), np.asarray(bv, np.float32), np.asarray(cv, np.float32)]
        vals.append(kernels[0](vals[0], vals[1]))
        vals.append(kernels[1](vals[2], vals[3]))
        return vals[-1]

    loop = _time_per_call(python_loop, number, repeats)
    return {
        "sess_run_us_list_feeds": run_lists * 1e6,
        "sess_run_us_array_feeds": run_arrays * 1e6,
        "numpy_expression_us": numpy_expr * 1e6,
        "python_kernel_loop_us": loop * 1e6,
        "ratio_sess_run_to_numpy_expression": run_arrays / numpy_expr,
    }


def bench_chain(n_ops: int, number: int, repeats: int) -> dict:
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [16], name="x")
        y = x
        ops = []
        for i in range(n_ops):
            if i % 2:
                y = tf.multiply(y, np.float32(1.0001))
                ops.append(np.multiply)
            else:
                y = tf.add(y, np.float32(0.5))
                ops.append(np.add)
    sess = tf.Session(graph=g)
    xv = np.ones(16, np.float32)
    feed = {x: xv}
    run = _time_per_call(lambda: sess.run(y, feed), max(number // 10, 100), repeats)
    consts = [np.float32(1.0001) if i % 2 else np.float32(0.5) for i in range(n_ops)]

    # The floor: the same 50 ufunc calls as straight-line Python (no loop, no graph).
    ns = {f"k{i}": k for i, k in enumerate(ops)}
    ns.update({f"c{i}": c for i, c in enumerate(consts)})
    body = "".join(f"    v = k{i}(v, c{i})\n" for i in range(n_ops))
    exec(f"def kernels_only(v):\n{body}    return v\n", ns)
    kernels_only = functools.partial(ns["kernels_only"], xv)

    direct = _time_per_call(kernels_only, max(number // 10, 100), repeats)
    return {
        "ops": n_ops,
        "sess_run_us": run * 1e6,
        "kernels_alone_us": direct * 1e6,
        "overhead_per_op_us": (run - direct) / n_ops * 1e6,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--number", type=int, default=20000)
    args = p.parse_args(argv)
    result = {
        "benchmark": "session_overhead",
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "processor": platform.machine(), "cpus": __import__("os").cpu_count()},
        "seed_graph": bench_seed_graph(args.number, args.repeats),
        "chain_50": bench_chain(50, args.number, args.repeats),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
