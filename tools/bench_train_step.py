#!/usr/bin/env python
"""Times one training step (forward + backward + SGD update, a new batch fed every step) of
(a) the MLP 784-512-512-10 at batch 128 and (b) the CNN conv3x3x32 -> conv3x3x64 -> maxpool2 ->
dense128 -> dense10 (VALID convolutions, ReLU, softmax cross-entropy) at batch 64 on 28x28x1
inputs, in tfgraph and in hand-written NumPy, and prints one JSON object.

Every figure comes from this run: ms per step (median after warm-up), images/s, the FLOPs of
the step (2*m*n*k of every matrix product / convolution of the forward and backward pass; the
input gradient of the first layer is not computed, elementwise work not counted), achieved
GFLOP/s, the float32 GEMM rate of this machine (a 2048^3 matmul) so each rate is also a
fraction of peak, and peak resident memory.

Timing: both implementations are built in one subprocess and run alternately, step by step,
so that both see the same machine load (this machine's 2 cores are shared); the ratio
tfgraph/NumPy comes from that run.  Memory: each implementation also runs alone in a fresh
subprocess, whose peak RSS (VmHWM; `ru_maxrss` where /proc is missing), imports included,
is reported.

Usage:
    python tools/bench_train_step.py            # full run (a few minutes on 2 cores)
    python tools/bench_train_step.py --quick    # fewer steps
    python tools/bench_train_step.py --models mlp --steps 50
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MLP_BATCH, CNN_BATCH = 128, 64
LR = 0.01


# --- FLOP counts ---------------------------------------------------------------------------------
def mlp_flops(b: int = MLP_BATCH) -> int:
    layers = [(784, 512), (512, 512), (512, 10)]
    fwd = sum(2 * b * i * o for i, o in layers)
    # backward: a weight gradient per layer, an input gradient for all but the first layer
    bwd = sum(2 * b * i * o for i, o in layers) + sum(2 * b * i * o for i, o in layers[1:])
    return fwd + bwd


def cnn_flops(b: int = CNN_BATCH) -> int:
    conv1 = 2 * b * 26 * 26 * 32 * 3 * 3 * 1
    conv2 = 2 * b * 24 * 24 * 64 * 3 * 3 * 32
    fc1 = 2 * b * 12 * 12 * 64 * 128
    fc2 = 2 * b * 128 * 10
    fwd = conv1 + conv2 + fc1 + fc2
    bwd = conv1 + 2 * conv2 + 2 * fc1 + 2 * fc2  # conv1: filter gradient only
    return fwd + bwd


def gemm_rate(n: int = 2048, repeats: int = 5) -> float:
    """float32 GFLOP/s of an n x n x n matmul (best of `repeats` after one warm-up)."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    b = np.random.default_rng(1).random((n, n), dtype=np.float32)
    out = np.empty((n, n), np.float32)
    np.matmul(a, b, out=out)
    best = min(_timed(lambda: np.matmul(a, b, out=out)) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9


def _timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# --- data ----------------------------------------------------------------------------------------
def batches(shape, batch: int, n: int = 8, seed: int = 0):
    """`n` random (images, one-hot labels) batches, cycled through (a new feed every step)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x = rng.random((batch,) + shape, dtype=np.float32)
        y = np.zeros((batch, 10), np.float32)
        y[np.arange(batch), rng.integers(0, 10, batch)] = 1.0
        out.append((x, y))
    return out


# --- tfgraph models -------------------------------------------------------------------------------
def tfgraph_step(model: str) -> Callable[[np.ndarray, np.ndarray], None]:
    sys.path.insert(0, ROOT)
    import tfgraph as tf
    tf.set_random_seed(0)
    if model == "mlp":
        x = tf.placeholder(tf.float32, [None, 784])
        h = tf.layers.dense(x, 512, activation=tf.nn.relu)
        h = tf.layers.dense(h, 512, activation=tf.nn.relu)
        logits = tf.layers.dense(h, 10)
    else:
        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        h = tf.layers.conv2d(x, 32, 3, activation=tf.nn.relu)
        h = tf.layers.conv2d(h, 64, 3, activation=tf.nn.relu)
        h = tf.layers.max_pooling2d(h, 2, 2)
        h = tf.layers.dense(tf.layers.flatten(h), 128, activation=tf.nn.relu)
        logits = tf.layers.dense(h, 10)
    y = tf.placeholder(tf.float32, [None, 10])
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    if hasattr(tf.train, "GradientDescentOptimizer"):
        train = tf.train.GradientDescentOptimizer(LR).minimize(loss)
    else:
        params = tf.trainable_variables()
        grads = tf.gradients(loss, params)
        train = tf.group(*[tf.assign_sub(p, LR * g) for p, g in zip(params, grads)])
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    tf.get_default_graph().finalize()

    def step(xb, yb):
        sess.run(train, feed_dict={x: xb, y: yb})
    return step


# --- hand-written NumPy models --------------------------------------------------------------------
def _glorot(rng, fan_in, fan_out, shape):
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-lim, lim, shape).astype(np.float32)


def numpy_mlp_step() -> Callable[[np.ndarray, np.ndarray], None]:
    rng = np.random.default_rng(0)
    sizes = [784, 512, 512, 10]
    W = [_glorot(rng, i, o, (i, o)) for i, o in zip(sizes[:-1], sizes[1:])]
    b = [np.zeros(o, np.float32) for o in sizes[1:]]
    lr = np.float32(LR)
    state: Dict[str, Any] = {}

    def step(x, y):
        h1 = x @ W[0]
        h1 += b[0]
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ W[1]
        h2 += b[1]
        np.maximum(h2, 0, out=h2)
        z = h2 @ W[2]
        z += b[2]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        state["loss"] = np.mean(np.log(s[:, 0]) - (z * y).sum(axis=1))  # as tfgraph computes it
        d3 = e / s
        d3 -= y
        d3 *= np.float32(1.0 / x.shape[0])
        dW3, db3 = h2.T @ d3, d3.sum(axis=0)
        d2 = d3 @ W[2].T
        d2 *= h2 > 0
        dW2, db2 = h1.T @ d2, d2.sum(axis=0)
        d1 = d2 @ W[1].T
        d1 *= h1 > 0
        dW1, db1 = x.T @ d1, d1.sum(axis=0)
        for p, g in zip(W + b, (dW1, dW2, dW3, db1, db2, db3)):
            p -= lr * g
    return step


def numpy_cnn_step() -> Callable[[np.ndarray, np.ndarray], None]:
    """A straightforward im2col CNN in NumPy (fresh arrays each step, as one writes it)."""
    from numpy.lib.stride_tricks import as_strided
    rng = np.random.default_rng(0)
    K1 = _glorot(rng, 9, 9 * 32, (3, 3, 1, 32))
    K2 = _glorot(rng, 9 * 32, 9 * 64, (3, 3, 32, 64))
    W3 = _glorot(rng, 9216, 128, (9216, 128))
    W4 = _glorot(rng, 128, 10, (128, 10))
    c1, c2, b3, b4 = (np.zeros(n, np.float32) for n in (32, 64, 128, 10))
    lr = np.float32(LR)
    state: Dict[str, Any] = {}

    def im2col(x, k):
        n, h, w, c = x.shape
        oh, ow = h - k + 1, w - k + 1
        s = x.strides
        win = as_strided(x, (n, oh, ow, k, k, c), (s[0], s[1], s[2], s[1], s[2], s[3]))
        return win.reshape(n * oh * ow, k * k * c), (n, oh, ow)

    def col2im(dcols, shape, k):
        n, h, w, c = shape
        oh, ow = h - k + 1, w - k + 1
        d = dcols.reshape(n, oh, ow, k, k, c)
        dx = np.zeros(shape, np.float32)
        for i in range(k):
            for j in range(k):
                dx[:, i:i + oh, j:j + ow, :] += d[:, :, :, i, j, :]
        return dx

    def step(x, y):
        n = x.shape[0]
        cols1, s1 = im2col(x, 3)
        a1 = (cols1 @ K1.reshape(9, 32)).reshape(*s1, 32)
        a1 += c1
        np.maximum(a1, 0, out=a1)
        cols2, s2 = im2col(a1, 3)
        a2 = (cols2 @ K2.reshape(288, 64)).reshape(*s2, 64)
        a2 += c2
        np.maximum(a2, 0, out=a2)
        blocks = a2.reshape(n, 12, 2, 12, 2, 64)
        p = blocks.max(axis=(2, 4))
        f = p.reshape(n, -1)
        h = f @ W3
        h += b3
        np.maximum(h, 0, out=h)
        z = h @ W4
        z += b4
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        state["loss"] = np.mean(np.log(s[:, 0]) - (z * y).sum(axis=1))  # as tfgraph computes it
        dz = e / s
        dz -= y
        dz *= np.float32(1.0 / n)
        dW4, db4 = h.T @ dz, dz.sum(axis=0)
        dh = dz @ W4.T
        dh *= h > 0
        dW3, db3 = f.T @ dh, dh.sum(axis=0)
        dp = (dh @ W3.T).reshape(n, 12, 1, 12, 1, 64)
        mask = blocks == p.reshape(n, 12, 1, 12, 1, 64)
        da2 = (mask * dp).reshape(a2.shape)
        da2 *= a2 > 0
        d2 = da2.reshape(-1, 64)
        dK2, dc2 = (cols2.T @ d2).reshape(3, 3, 32, 64), d2.sum(axis=0)
        da1 = col2im(d2 @ K2.reshape(288, 64).T, a1.shape, 3)
        da1 *= a1 > 0
        d1 = da1.reshape(-1, 32)
        dK1, dc1 = (cols1.T @ d1).reshape(3, 3, 1, 32), d1.sum(axis=0)
        for prm, g in zip((K1, K2, W3, W4, c1, c2, b3, b4),
                          (dK1, dK2, dW3, dW4, dc1, dc2, db3, db4)):
            prm -= lr * g
    return step


# --- measurements (each in its own process) ------------------------------------------------------
def _make(model: str, impl: str) -> Callable[[np.ndarray, np.ndarray], None]:
    if impl == "tfgraph":
        return tfgraph_step(model)
    return numpy_mlp_step() if model == "mlp" else numpy_cnn_step()


def _rss_mb() -> float:
    """Current resident set size in MB (0 where /proc is missing)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    Linux carries `ru_maxrss` across fork+exec, so a child started by a big parent would
    report the parent's peak; the kernel's per-address-space high-water mark (VmHWM) starts
    afresh at exec, so it is used where available.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def worker(model: str, mode: str, steps: int, warmup: int) -> Dict[str, Any]:
    """`mode` "tfgraph" / "numpy": one implementation alone (its peak RSS and timing);
    "interleaved": both, alternating step by step, so that both see the same machine load
    (the time ratio comes from this one)."""
    shape = (784,) if model == "mlp" else (28, 28, 1)
    batch = MLP_BATCH if model == "mlp" else CNN_BATCH
    flops = mlp_flops() if model == "mlp" else cnn_flops()
    data = batches(shape, batch)
    impls = ["tfgraph", "numpy"] if mode == "interleaved" else [mode]
    if "tfgraph" in impls:
        sys.path.insert(0, ROOT)
        import tfgraph  # noqa: F401  # imported first: its own footprint is seen apart
    import_rss = _rss_mb()
    t0 = time.perf_counter()
    step_fns = {impl: _make(model, impl) for impl in impls}
    build_s = time.perf_counter() - t0
    for i in range(warmup):
        for fn in step_fns.values():
            fn(*data[i % len(data)])
    times: Dict[str, List[float]] = {impl: [] for impl in impls}
    cpu: Dict[str, List[float]] = {impl: [] for impl in impls}
    for i in range(steps):
        xb, yb = data[i % len(data)]
        for impl, fn in step_fns.items():
            c, t = time.process_time(), time.perf_counter()
            fn(xb, yb)
            times[impl].append(time.perf_counter() - t)
            cpu[impl].append(time.process_time() - c)
    out: Dict[str, Any] = {"peak_rss_mb": _peak_rss_mb(), "rss_after_imports_mb": import_rss,
                           "build_s": round(build_s, 3)}
    for impl, ts in times.items():
        ms = statistics.median(ts) * 1e3
        out[impl] = {"ms_per_step": round(ms, 3), "ms_min": round(min(ts) * 1e3, 3),
                     "cpu_ms_per_step": round(statistics.median(cpu[impl]) * 1e3, 3),
                     "images_per_s": round(batch / ms * 1e3, 1),
                     "gflops_per_s": round(flops / ms / 1e6, 2), "steps": len(ts)}
    return out


def _spawn(model: str, mode: str, steps: int, warmup: int) -> Dict[str, Any]:
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", f"{model}:{mode}",
           "--steps", str(steps), "--warmup", str(warmup)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=dict(os.environ))
    return json.loads(out.stdout.strip().splitlines()[-1])


def _blas_info() -> Any:
    try:
        from threadpoolctl import threadpool_info
        return [{k: d.get(k) for k in ("internal_api", "version", "num_threads", "architecture")}
                for d in threadpool_info()]
    except ImportError:
        return {"threadpoolctl": "not installed", "OPENBLAS_CORETYPE":
                os.environ.get("OPENBLAS_CORETYPE"), "cpus": os.cpu_count()}


def main(argv: List[str] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer steps (a rough figure)")
    p.add_argument("--models", default="mlp,cnn", help="comma-separated: mlp, cnn")
    p.add_argument("--steps", type=int, default=None, help="timed steps per measurement")
    p.add_argument("--warmup", type=int, default=None, help="untimed steps first")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.worker:
        model, mode = a.worker.split(":")
        print(json.dumps(worker(model, mode, a.steps, a.warmup)))
        return
    models = [m.strip() for m in a.models.split(",") if m.strip()]
    peak = gemm_rate()
    result: Dict[str, Any] = {"gemm_float32_gflops_per_s": round(peak, 1),
                              "gemm": "2048x2048x2048 np.matmul, best of 5", "blas": _blas_info(),
                              "numpy": np.__version__, "cpus": os.cpu_count(),
                              "load_average": [round(v, 2) for v in os.getloadavg()]}
    for model in models:
        steps = a.steps or ((30 if a.quick else 300) if model == "mlp" else (4 if a.quick else 30))
        warmup = a.warmup if a.warmup is not None else (5 if model == "mlp" else 2)
        entry: Dict[str, Any] = {"batch": MLP_BATCH if model == "mlp" else CNN_BATCH,
                                 "flops_per_step": mlp_flops() if model == "mlp" else cnn_flops()}
        both = _spawn(model, "interleaved", steps, warmup)
        for impl in ("tfgraph", "numpy"):
            alone = _spawn(model, impl, max(2, steps // 4), warmup)
            r = dict(both[impl])
            r["fraction_of_gemm_peak"] = round(r["gflops_per_s"] / peak, 3)
            r["peak_rss_mb"] = alone["peak_rss_mb"]
            r["rss_after_imports_mb"] = alone["rss_after_imports_mb"]
            r["alone_ms_per_step"] = alone[impl]["ms_per_step"]
            entry[impl] = r
        entry["time_ratio_tfgraph_over_numpy"] = round(
            entry["tfgraph"]["ms_per_step"] / entry["numpy"]["ms_per_step"], 3)
        # CPU time of all the process's threads: less sensitive to other processes' load
        entry["cpu_time_ratio_tfgraph_over_numpy"] = round(
            entry["tfgraph"]["cpu_ms_per_step"] / entry["numpy"]["cpu_ms_per_step"], 3)
        entry["rss_ratio_tfgraph_over_numpy"] = round(
            entry["tfgraph"]["peak_rss_mb"] / entry["numpy"]["peak_rss_mb"], 3)
        # the same without what the imports alone occupy (the model's own memory)
        entry["rss_ratio_above_imports"] = round(
            (entry["tfgraph"]["peak_rss_mb"] - entry["tfgraph"]["rss_after_imports_mb"]) /
            max(entry["numpy"]["peak_rss_mb"] - entry["numpy"]["rss_after_imports_mb"], 1e-9), 3)
        result[model] = entry
    result["note"] = ("ms_per_step: median over steps run alternately with the other "
                      "implementation in one process (same machine load for both); "
                      "alone_ms_per_step and peak_rss_mb: each implementation alone in a fresh "
                      "process")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
