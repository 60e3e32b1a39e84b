#!/usr/bin/env python
"""GPU check for whoever has a GPU: the op tests on CuPy, CuPy vs NumPy results, step timings.

Three parts, each printed as a short table:

1. tests: the op and training test suites with unpinned ops on the device
   (`TFGRAPH_DEVICE=gpu python -m pytest tests/ops tests/train tests/test_gradients.py
   tests/backends/test_cupy_backend.py`);
2. compare: every finite-difference case of `tests/ops/cases_*.py` (one or more small graphs
   per differentiable op type) plus a few model graphs (MLP and CNN training steps), run once
   on the CPU (NumPy) and once on the device; outputs and gradients must agree to float32
   tolerance (|device - numpy| <= atol + rtol * max|numpy|);
3. bench: `tools/bench_train_step.py --device gpu` when that script supports it, otherwise
   this script's own MLP/CNN training-step timing on the CPU and on the device.

`--device strict` runs the same checks against the test-only strict device instead of CuPy
(no GPU needed): a quick way to find kernels that would fail on a GPU.

Usage:
  python tools/gpu_check.py                      # everything, on CuPy
  python tools/gpu_check.py --skip-tests         # compare + bench only
  python tools/gpu_check.py --device strict --skip-bench
Exit status: 0 when every check passed, 1 when one failed, 2 when the device is unavailable.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import pathlib
import re
import subprocess
import sys
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tfgraph as tf  # noqa: E402
from tfgraph.backends import gpu_available  # noqa: E402

F32 = np.float32


# --- devices -------------------------------------------------------------------------------
def device_env(device: str) -> Dict[str, str]:
    """Environment that puts a session's unpinned ops on `device` ("cpu", "gpu", "strict")."""
    if device == "gpu":
        return {"TFGRAPH_DEVICE": "gpu", "TFGRAPH_BACKEND": "numpy"}
    if device == "strict":
        return {"TFGRAPH_DEVICE": "cpu", "TFGRAPH_BACKEND": "strict"}
    return {"TFGRAPH_DEVICE": "cpu", "TFGRAPH_BACKEND": "numpy"}


@contextlib.contextmanager
def on_device(device: str) -> Iterator[None]:
    """Sessions created inside put unpinned ops on `device` (the placer reads the env)."""
    saved = {k: os.environ.get(k) for k in ("TFGRAPH_DEVICE", "TFGRAPH_BACKEND")}
    os.environ.update(device_env(device))
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_on(device: str, graph: tf.Graph, fetches: Any, feed: Optional[dict] = None,
           init: bool = False, steps: int = 1) -> Any:
    """Runs `fetches` `steps` times in a fresh session on `device`; returns the last result."""
    with on_device(device), graph.as_default(), tf.Session(graph=graph) as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        out = None
        for _ in range(steps):
            out = sess.run(fetches, feed)
        return out


# --- 1. the test suite on the device ----------------------------------------------------------
def run_tests(device: str, extra: Sequence[str]) -> Tuple[bool, List[List[str]]]:
    paths = ["tests/ops", "tests/train", "tests/test_gradients.py"]
    if device == "gpu":
        paths.append("tests/backends/test_cupy_backend.py")
    paths = [p for p in paths if (ROOT / p).exists()]
    env = dict(os.environ, **device_env(device))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths, *extra]
    print(f"$ {' '.join(f'{k}={v}' for k, v in device_env(device).items())} {' '.join(cmd[1:])}",
          flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    lines = proc.stdout.strip().splitlines()
    failed = [ln for ln in lines if ln.startswith(("FAILED", "ERROR"))]
    summary = lines[-1] if lines else proc.stderr.strip()[-300:]
    counts = dict((k, int(n)) for n, k in re.findall(r"(\d+) (passed|failed|skipped|errors?)",
                                                     summary))
    rows = [[" ".join(paths), str(counts.get("passed", 0)), str(counts.get("failed", 0)),
             str(counts.get("error", 0) + counts.get("errors", 0)),
             str(counts.get("skipped", 0)), f"{seconds:.1f}"]]
    for ln in failed[:40]:
        print("  " + ln)
    if len(failed) > 40:
        print(f"  ... and {len(failed) - 40} more")
    return proc.returncode == 0, rows


# --- 2. device vs NumPy on small graphs ----------------------------------------------------------
def load_cases() -> Dict[str, list]:
    """The finite-difference cases of tests/ops/cases_*.py: {op_type: [Case, ...]}."""
    ops_dir = ROOT / "tests" / "ops"
    if str(ops_dir) not in sys.path:
        sys.path.insert(0, str(ops_dir))  # case modules do `from gradcheck import Case`
    cases: Dict[str, list] = {}
    for path in sorted(ops_dir.glob("cases_*.py")):
        try:
            spec = importlib.util.spec_from_file_location(f"_gpu_check_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except Exception as e:  # noqa: BLE001 - reported, the other families still run
            print(f"  cannot load {path.name}: {type(e).__name__}: {e}")
            continue
        for op_type, op_cases in module.CASES.items():
            cases.setdefault(op_type, []).extend(op_cases)
    return cases


def _max_error(ref: Any, got: Any, rtol: float, atol: float) -> Tuple[float, bool]:
    """Largest |got - ref| scaled by the tolerance (<= 1 passes); walks lists."""
    if isinstance(ref, (list, tuple)):
        worst, ok = 0.0, True
        for r, g in zip(ref, got):
            w, o = _max_error(r, g, rtol, atol)
            worst, ok = max(worst, w), ok and o
        return worst, ok and len(ref) == len(got)
    if ref is None or got is None:
        return 0.0, ref is None and got is None
    r, g = np.asarray(ref), np.asarray(got)
    if type(got) not in (np.ndarray,) and not isinstance(got, np.generic):
        return float("inf"), False  # fetched values must come back as NumPy
    if r.shape != g.shape or r.dtype != g.dtype:
        return float("inf"), False
    if r.size == 0:
        return 0.0, True
    if r.dtype.kind in "biu":
        return (0.0, True) if np.array_equal(r, g) else (float("inf"), False)
    both_nan = np.isnan(r) & np.isnan(g)
    diff = np.where(both_nan, 0.0, np.abs(r.astype(np.float64) - g.astype(np.float64)))
    tol = atol + rtol * float(np.nanmax(np.abs(r))) if np.isfinite(r).any() else atol
    worst = float(np.nanmax(diff)) / tol
    return worst, worst <= 1.0


def case_graph(case, dtype) -> Tuple[tf.Graph, list, dict]:
    """A case's graph on float32 (or its own dtype): fetches = outputs + input gradients."""
    rng = np.random.default_rng(0)
    values = [np.asarray(v).astype(dtype.as_numpy_dtype) for v in case.inputs(rng)]
    graph = tf.Graph()
    with graph.as_default():
        xs = [tf.placeholder(dtype, [None] * v.ndim if case.dynamic else v.shape, name=f"in{i}")
              for i, v in enumerate(values)]
        out = case.build(*xs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        weights = [tf.constant(rng.uniform(0.5, 1.5, size=1).astype(o.dtype.as_numpy_dtype)[0])
                   for o in outs]
        y = tf.add_n([tf.reduce_sum(o * w) for o, w in zip(outs, weights)])
        grads = [g for g in tf.gradients(y, xs) if g is not None]
    return graph, outs + grads, dict(zip(xs, values))


def compare_cases(device: str, rtol: float, atol: float,
                  only: Optional[Sequence[str]]) -> Tuple[bool, List[List[str]]]:
    rows, all_ok = [], True
    for op_type, cases in sorted(load_cases().items()):
        if only and op_type not in only:
            continue
        worst, status = 0.0, "ok"
        for case in cases:
            try:
                try:
                    graph, fetches, feed = case_graph(case, tf.float32)
                except (TypeError, ValueError):
                    graph, fetches, feed = case_graph(case, tf.as_dtype(case.dtype))
                ref = run_on("cpu", graph, fetches, feed)
                got = run_on(device, graph, fetches, feed)
                w, ok = _max_error(ref, got, rtol, atol)
                worst = max(worst, w)
                if not ok:
                    status = "MISMATCH"
            except Exception as e:  # noqa: BLE001 - one failing op must not hide the others
                status = f"ERROR {type(e).__name__}: {str(e).splitlines()[0][:90]}"
                break
        all_ok = all_ok and status == "ok"
        rows.append([op_type, str(len(cases)), f"{worst:.2g}", status])
    return all_ok, rows


def _mlp_graph(batch: int = 64, n_in: int = 784, hidden: int = 128, n_out: int = 10,
               seed: int = 0) -> Tuple[tf.Graph, Any, Any, dict]:
    rng = np.random.default_rng(seed)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, n_in], name="x")
        y = tf.placeholder(tf.float32, [None, n_out], name="y")
        w1 = tf.Variable(rng.normal(0, 0.05, (n_in, hidden)).astype(F32))
        b1 = tf.Variable(np.zeros(hidden, F32))
        w2 = tf.Variable(rng.normal(0, 0.05, (hidden, n_out)).astype(F32))
        b2 = tf.Variable(np.zeros(n_out, F32))
        h = _relu(tf.matmul(x, w1) + b1)
        logits = tf.matmul(h, w2) + b2
        loss = _loss(logits, y)
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    feed = {x: rng.random((batch, n_in), dtype=F32),
            y: np.eye(n_out, dtype=F32)[rng.integers(0, n_out, batch)]}
    return graph, train, [loss, w1, b2], feed


def _cnn_graph(batch: int = 32, seed: int = 0) -> Tuple[tf.Graph, Any, Any, dict]:
    rng = np.random.default_rng(seed)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 28, 28, 1], name="x")
        y = tf.placeholder(tf.float32, [None, 10], name="y")
        k1 = tf.Variable(rng.normal(0, 0.1, (5, 5, 1, 16)).astype(F32))
        k2 = tf.Variable(rng.normal(0, 0.1, (5, 5, 16, 32)).astype(F32))
        w = tf.Variable(rng.normal(0, 0.05, (7 * 7 * 32, 10)).astype(F32))
        h = tf.nn.max_pool(_relu(tf.nn.conv2d(x, k1, [1, 1, 1, 1], "SAME")),
                           [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        h = tf.nn.max_pool(_relu(tf.nn.conv2d(h, k2, [1, 1, 1, 1], "SAME")),
                           [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        logits = tf.matmul(tf.reshape(h, [-1, 7 * 7 * 32]), w)
        loss = _loss(logits, y)
        train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
    feed = {x: rng.random((batch, 28, 28, 1), dtype=F32),
            y: np.eye(10, dtype=F32)[rng.integers(0, 10, batch)]}
    return graph, train, [loss, k1, w], feed


def _relu(t):
    nn = getattr(tf, "nn", None)
    return nn.relu(t) if nn is not None and hasattr(nn, "relu") else tf.maximum(t, 0.0)


def _loss(logits, labels):
    nn = getattr(tf, "nn", None)
    if nn is not None and hasattr(nn, "softmax_cross_entropy_with_logits_v2"):
        return tf.reduce_mean(nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
    return tf.reduce_mean(tf.square(logits - labels))


MODELS: Dict[str, Callable[[], Tuple[tf.Graph, Any, Any, dict]]] = {
    "MLP 784-128-10, 3 SGD steps": _mlp_graph,
    "CNN conv5x5x16-pool-conv5x5x32-pool-dense, 3 SGD steps": _cnn_graph,
}


def compare_models(device: str, rtol: float, atol: float) -> Tuple[bool, List[List[str]]]:
    rows, all_ok = [], True
    for name, make in MODELS.items():
        try:
            graph, train, fetches, feed = make()
            results = []
            for dev in ("cpu", device):
                with on_device(dev), graph.as_default(), tf.Session(graph=graph) as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(3):
                        sess.run(train, feed)
                    results.append(sess.run(fetches, feed))
            worst, ok = _max_error(results[0], results[1], rtol * 10, atol * 10)
            status = "ok" if ok else "MISMATCH"
            rows.append([name, f"{worst:.2g}", status])
        except Exception as e:  # noqa: BLE001
            ok = False
            rows.append([name, "-", f"ERROR {type(e).__name__}: {str(e).splitlines()[0][:90]}"])
        all_ok = all_ok and ok
    return all_ok, rows


# --- 3. training-step timing ---------------------------------------------------------------------
def bench(device: str, steps: int) -> Tuple[bool, List[List[str]]]:
    script = ROOT / "tools" / "bench_train_step.py"
    if script.exists() and device == "gpu":
        help_text = subprocess.run([sys.executable, str(script), "--help"], cwd=ROOT,
                                   capture_output=True, text=True).stdout
        if "--device" in help_text:
            cmd = [sys.executable, str(script), "--device", "gpu"]
            print(f"$ {' '.join(cmd[1:])}", flush=True)
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            print(proc.stdout[-4000:] or proc.stderr[-4000:])
            return proc.returncode == 0, []
    rows, all_ok = [], True
    for name, make in MODELS.items():
        times = {}
        for dev in ("cpu", device):
            try:
                graph, train, fetches, feed = make()
                with on_device(dev), graph.as_default(), tf.Session(graph=graph) as sess:
                    sess.run(tf.global_variables_initializer())
                    step = sess.make_callable([train, fetches[0]], list(feed))
                    args = list(feed.values())
                    step(*args)  # compile + warm up (CuPy kernel compilation)
                    step(*args)
                    t0 = time.perf_counter()
                    for _ in range(steps):
                        step(*args)  # the fetched loss comes back to the host: a sync per step
                    times[dev] = (time.perf_counter() - t0) / steps
            except Exception as e:  # noqa: BLE001
                times[dev] = f"{type(e).__name__}: {str(e).splitlines()[0][:60]}"
                all_ok = False
        cpu, other = times.get("cpu"), times.get(device)
        fmt = (lambda t: f"{t * 1e3:.2f}" if isinstance(t, float) else t)
        timed = isinstance(cpu, float) and isinstance(other, float)
        speedup = f"{cpu / other:.1f}x" if timed else "-"
        rows.append([name, fmt(cpu), fmt(other), speedup])
    return all_ok, rows


# --- output ---------------------------------------------------------------------------------------
def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)] if rows else \
        [len(h) for h in header]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=["gpu", "strict"], default="gpu",
                        help="the device under test (strict: the test-only CPU device)")
    parser.add_argument("--skip-tests", action="store_true", help="do not run the test suite")
    parser.add_argument("--skip-compare", action="store_true", help="do not compare with NumPy")
    parser.add_argument("--skip-bench", action="store_true", help="do not time training steps")
    parser.add_argument("--only", nargs="*", help="compare only these op types")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per model")
    parser.add_argument("--pytest-args", default="", help="extra pytest arguments (one string)")
    args = parser.parse_args(argv)

    if args.device == "gpu":
        ok, reason = gpu_available()
        if not ok:
            print(f"gpu_check: no GPU to check: {reason}")
            return 2
        from tfgraph.backends import get_backend
        be = get_backend("cupy")
        print(f"device: {be.description()} (CuPy {be.xp.__version__})")
    ok_all = True
    if not args.skip_tests:
        ok, rows = run_tests(args.device, args.pytest_args.split())
        ok_all &= ok
        table(f"1. test suite on {args.device}", ["tests", "passed", "failed", "errors",
                                                  "skipped", "seconds"], rows)
    if not args.skip_compare:
        ok, rows = compare_cases(args.device, args.rtol, args.atol, args.only)
        ok_all &= ok
        bad = [r for r in rows if r[3] != "ok"]
        table(f"2. {args.device} vs numpy, per op type (error / tolerance; <= 1 passes): "
              f"{len(rows) - len(bad)} of {len(rows)} ok", ["op type", "cases", "error", "status"],
              bad if bad else rows)
        if not args.only:
            ok, rows = compare_models(args.device, args.rtol, args.atol)
            ok_all &= ok
            table(f"   models ({args.device} vs numpy after 3 steps)", ["graph", "error", "status"],
                  rows)
    if not args.skip_bench:
        ok, rows = bench(args.device, args.steps)
        ok_all &= ok
        if rows:
            table(f"3. training step, ms per step (mean of {args.steps})",
                  ["model", "cpu", args.device, "speed-up"], rows)
    print("\ngpu_check:", "all checks passed" if ok_all else "FAILED (see above)")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
