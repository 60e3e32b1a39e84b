#!/usr/bin/env python
"""Per-op survey: the run time of single common ops (and a few with their gradients) in
tfgraph and, with `--peer-python`, in TF1 (`tensorflow.compat.v1`); prints one JSON object
with both medians and their ratio per case, worst ratio first.

Each case feeds a placeholder and fetches one op's output, so it measures what a training
step pays for that op (kernel, plus the session's fixed cost of a few microseconds).  It
finds the ops whose kernels fall far behind TF1's (a survey of this kind found depthwise
convolutions 15x, top_k 13x, softplus 10x and leaky_relu 9x slower; docs/DESIGN.md).

Usage:
    python tools/bench_ops.py --peer-python /work/venvs/peer/bin/python > ops.json
    python tools/bench_ops.py --cases "softplus,top_k 5"
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

F32 = np.float32


def cases(tf, rng) -> Dict[str, Tuple[Callable[[Any], Any], np.ndarray]]:
    """name -> (build(placeholder) -> fetch, fed value), for the TF1 API module `tf`."""
    img = rng.standard_normal((64, 32, 32, 32)).astype(F32)
    mat = rng.standard_normal((512, 1024)).astype(F32)
    seq = rng.standard_normal((64, 50, 128)).astype(F32)
    labels = rng.integers(0, 1000, 512)
    w33 = rng.standard_normal((3, 3, 32, 64)).astype(F32)
    dw33 = rng.standard_normal((3, 3, 32, 1)).astype(F32)
    w_dense = rng.standard_normal((1024, 512)).astype(F32)

    def grad(f):
        return lambda p: tf.gradients(tf.reduce_sum(f(p)), p)[0]
    return {
        "softmax 512x1024": (lambda p: tf.nn.softmax(p), mat),
        "log_softmax": (lambda p: tf.nn.log_softmax(p), mat),
        "sparse softmax xent": (lambda p: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant(labels), logits=p), mat),
        "argmax -1": (lambda p: tf.argmax(p, -1), mat),
        "top_k 5": (lambda p: tf.nn.top_k(p, 5).values, mat),
        "matmul + sigmoid": (lambda p: tf.sigmoid(tf.matmul(p, tf.constant(w_dense))), mat),
        "sigmoid": (lambda p: tf.sigmoid(p), img),
        "tanh": (lambda p: tf.tanh(p), img),
        "relu": (lambda p: tf.nn.relu(p), img),
        "relu6": (lambda p: tf.nn.relu6(p), img),
        "elu": (lambda p: tf.nn.elu(p), img),
        "leaky_relu": (lambda p: tf.nn.leaky_relu(p), img),
        "softplus": (lambda p: tf.nn.softplus(p), img),
        "where": (lambda p: tf.where(p > 0, p, -p), img),
        "clip_by_value": (lambda p: tf.clip_by_value(p, -1.0, 1.0), img),
        "reduce_mean [1,2]": (lambda p: tf.reduce_mean(p, [1, 2]), img),
        "reduce_sum axis 0": (lambda p: tf.reduce_sum(p, 0), img),
        "reduce_max -1": (lambda p: tf.reduce_max(p, -1), img),
        "moments [0,1,2]": (lambda p: tf.nn.moments(p, [0, 1, 2])[1], img),
        "fused batch norm (training)": (lambda p: tf.nn.fused_batch_norm(
            p, tf.ones([32]), tf.zeros([32]))[0], img),
        "fused batch norm + gradient": (grad(lambda p: tf.nn.fused_batch_norm(
            p, tf.ones([32]), tf.zeros([32]))[0]), img),
        "lrn": (lambda p: tf.nn.lrn(p, 4, 1.0, 0.001 / 9.0, 0.75), img),
        "lrn + gradient": (grad(lambda p: tf.nn.lrn(p, 4, 1.0, 0.001 / 9.0, 0.75)), img),
        "conv2d 3x3 SAME 32->64": (lambda p: tf.nn.conv2d(p, tf.constant(w33), [1, 1, 1, 1],
                                                          "SAME"), img),
        "conv2d 3x3 stride 2": (lambda p: tf.nn.conv2d(p, tf.constant(w33), [1, 2, 2, 1],
                                                       "SAME"), img),
        "depthwise 3x3": (lambda p: tf.nn.depthwise_conv2d(p, tf.constant(dw33), [1, 1, 1, 1],
                                                           "SAME"), img),
        "depthwise 3x3 + gradient": (grad(lambda p: tf.nn.depthwise_conv2d(
            p, tf.constant(dw33), [1, 1, 1, 1], "SAME")), img),
        "max_pool 2x2": (lambda p: tf.nn.max_pool(p, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), img),
        "max_pool 2x2 + gradient": (grad(lambda p: tf.nn.max_pool(
            p, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")), img),
        "max_pool 3x3/2 SAME + gradient": (grad(lambda p: tf.nn.max_pool(
            p, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")), img),
        "avg_pool 2x2": (lambda p: tf.nn.avg_pool(p, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), img),
        "resize_bilinear x2": (lambda p: tf.image.resize_bilinear(p, [64, 64]), img),
        "batch matmul": (lambda p: tf.matmul(p, p, transpose_b=True), seq),
        "cumsum axis 1": (lambda p: tf.cumsum(p, 1), seq),
        "dropout 0.5": (lambda p: tf.nn.dropout(p, keep_prob=0.5), img),
        "concat axis 3": (lambda p: tf.concat([p, p], 3), img),
        "pad reflect": (lambda p: tf.pad(p, [[0, 0], [2, 2], [2, 2], [0, 0]], "REFLECT"), img),
        "tile": (lambda p: tf.tile(p, [1, 2, 1, 1]), img),
        "clip_by_norm": (lambda p: tf.clip_by_norm(p, 1.0), img),
        "l2_loss": (lambda p: tf.nn.l2_loss(p), img),
    }


def run_cases(which: Optional[List[str]], repeats: int) -> Dict[str, float]:
    """Median ms per `sess.run` of each case, in this process's framework."""
    if os.environ.get("BENCH_FRAMEWORK") == "tf1":
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
    else:
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import tfgraph as tf
    out: Dict[str, float] = {}
    for name, (build, value) in cases(tf, np.random.default_rng(0)).items():
        if which and name not in which:
            continue
        tf.reset_default_graph()
        p = tf.placeholder(tf.float32, value.shape)
        fetch = build(p)
        sess = tf.Session()
        for _ in range(2):
            sess.run(fetch, {p: value})
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            sess.run(fetch, {p: value})
            times.append(time.perf_counter() - t0)
        sess.close()
        out[name] = round(float(np.median(times)) * 1e3, 4)
    return out


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peer-python", help="a Python with tensorflow (TF1 runs there)")
    ap.add_argument("--cases", help="comma-separated case names (default: all)")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    which = [c.strip() for c in a.cases.split(",")] if a.cases else None
    if a.worker:
        print(json.dumps(run_cases(which, a.repeats)))
        return
    result: Dict[str, Any] = {"tfgraph_ms": run_cases(which, a.repeats)}
    if a.peer_python:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, BENCH_FRAMEWORK="tf1", TF_CPP_MIN_LOG_LEVEL="3")
            args = [a.peer_python, os.path.abspath(__file__), "--worker",
                    "--repeats", str(a.repeats)] + (["--cases", a.cases] if a.cases else [])
            done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp)
            if done.returncode != 0:
                raise SystemExit(f"the TF1 worker failed:\n{done.stderr[-2000:]}")
            result["tf1_ms"] = json.loads(done.stdout.strip().splitlines()[-1])
        ratios = {k: round(v / result["tf1_ms"][k], 3) for k, v in result["tfgraph_ms"].items()
                  if result["tf1_ms"].get(k)}
        result["tfgraph_over_tf1"] = dict(sorted(ratios.items(), key=lambda kv: -kv[1]))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
