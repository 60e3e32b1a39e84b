#!/usr/bin/env python
"""Training-step benchmark of tfgraph against hand-written NumPy and, where installed, TF1
(`tensorflow.compat.v1`) and PyTorch; prints one JSON object.

Models (float32, a new batch fed every step, the loss fetched every step):
  cnn      conv3x3x32 -> conv3x3x64 -> maxpool2 -> dense128 -> dense10, batch 64, SGD
  lenet    pad 28->32, conv5x5x6 -> pool2 -> conv5x5x16 -> pool2 -> 120 -> 84 -> 10, batch 128, SGD
  mlp32    784-512-512-10 ReLU, batch 32, SGD
  mlp128   the same at batch 128
  ae       autoencoder 784-256-128-256-784, sigmoid, squared error, RMSProp, batch 256
  bn       conv3x3x32 -> batch norm -> relu -> pool2 -> conv3x3x64 -> batch norm -> relu -> pool2
           -> dense128 -> dense10 (SAME convolutions without bias, `tf.nn.fused_batch_norm` in
           training mode with moving-average updates), batch 64, Adam (tfgraph and TF1 only)
  hist     mlp128 with `tf.summary.histogram` of every weight, bias and activation, merged and
           written to an event file every step (reported against mlp128's plain step)
  overhead `sess.run` of `c + a*b` with 3 fed float32 scalars-as-arrays (per call)

Every framework runs in its own worker process (tfgraph and NumPy with this Python, TF1 and
PyTorch with `--peer-python`, e.g. a virtual environment that has them; tfgraph never imports
either).  The workers are driven in rounds: in each round every worker runs a few steps in
turn (rotating who goes first), so all see the same machine load; the figures are medians of
all steps.  TF1's graph and tfgraph's are built by the SAME function (`build_tf_graph`, the TF1
API) from the same initial weights, so the first steps' losses must agree (`loss_check`).
Peak RSS is each worker's VmHWM (imports included) after it built and ran its one model.
`--busy N` repeats the timing with N busy-loop processes keeping cores busy and reports each
framework's slowdown.  `--threads N` pins every framework to N threads (on a machine
that other jobs load, 2-thread BLAS/OpenMP pools collapse and only one thread each compares
like with like); each turn starts after `--settle` seconds of idle, and each framework's
entry records how many cores other processes kept busy during its turns.

Usage:
    python tools/bench_models.py --peer-python /work/venvs/peer/bin/python --busy 1 > r.json
    python tools/bench_models.py --models mlp32,ae --rounds 5
    python tools/bench_models.py --peer-python PY --rounds 5 --threads 1 > r.json  # loaded machine
    python tools/bench_models.py --table r.json       # the README's markdown table
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LR = 0.01
BATCH = {"cnn": 64, "lenet": 128, "mlp32": 32, "mlp128": 128, "ae": 256, "hist": 128,
         "bn": 64}
# (steps per turn, rounds) by default: about 1-3 s of work per framework and model
STEPS = {"cnn": 3, "lenet": 5, "mlp32": 40, "mlp128": 15, "ae": 10, "hist": 10, "bn": 4}


# --- weights and data (made once by the coordinator, read by every worker) -----------------------
def _glorot(rng, fan_in: int, fan_out: int, shape) -> np.ndarray:
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-lim, lim, shape).astype(np.float32)


def make_params(model: str, rng) -> List[Tuple[str, np.ndarray]]:
    """Initial weights, in the order the graph creates them (HWIO filters, [in, out] dense)."""
    if model == "cnn":
        layers = [("conv", 3, 1, 32), ("conv", 3, 32, 64), ("dense", 9216, 128), ("dense", 128, 10)]
    elif model == "lenet":
        layers = [("conv", 5, 1, 6), ("conv", 5, 6, 16), ("dense", 400, 120), ("dense", 120, 84),
                  ("dense", 84, 10)]
    elif model == "bn":
        layers = [("conv", 3, 1, 32), ("norm", 32), ("conv", 3, 32, 64), ("norm", 64),
                  ("dense", 3136, 128), ("dense", 128, 10)]
    elif model == "ae":
        layers = [("dense", 784, 256), ("dense", 256, 128), ("dense", 128, 256),
                  ("dense", 256, 784)]
    else:
        layers = [("dense", 784, 512), ("dense", 512, 512), ("dense", 512, 10)]
    out = []
    for i, l in enumerate(layers):
        if l[0] == "norm":  # gamma and beta of the batch norm after the layer before
            out.append((f"gamma{i - 1}", np.ones(l[1], np.float32)))
            out.append((f"beta{i - 1}", np.zeros(l[1], np.float32)))
        elif l[0] == "conv":
            _, k, ci, co = l
            out.append((f"w{i}", _glorot(rng, k * k * ci, k * k * co, (k, k, ci, co))))
            if model != "bn":  # (batch norm's beta is the bias)
                out.append((f"b{i}", np.zeros(co, np.float32)))
        else:
            _, ci, co = l
            out.append((f"w{i}", _glorot(rng, ci, co, (ci, co))))
            # small nonzero biases so that a wrong broadcast would show in the loss check
            out.append((f"b{i}", rng.uniform(-0.05, 0.05, co).astype(np.float32)))
    return out


def input_shape(model: str) -> Tuple[int, ...]:
    return (28, 28, 1) if model in ("cnn", "lenet", "bn") else (784,)


def make_batches(model: str, rng, n: int = 4) -> List[Tuple[np.ndarray, np.ndarray]]:
    b = BATCH[model]
    out = []
    for _ in range(n):
        x = rng.random((b,) + input_shape(model), dtype=np.float32)
        if model == "ae":
            y = x
        else:
            y = np.zeros((b, 10), np.float32)
            y[np.arange(b), rng.integers(0, 10, b)] = 1.0
        out.append((x, y))
    return out


# --- the TF1-API graph (built by tfgraph AND by tensorflow.compat.v1) ---------------------------
def build_tf_graph(tf, model: str, params: List[Tuple[str, np.ndarray]]):
    """(x, y, loss, train_op[, summary_op]) of `model` in the TF1 API module `tf`."""
    model_kind = "mlp128" if model == "hist" else model
    v = {name: tf.Variable(value, name=name) for name, value in params}
    x = tf.placeholder(tf.float32, [None] + list(input_shape(model_kind)), name="x")
    y = tf.placeholder(tf.float32, [None, 784 if model == "ae" else 10], name="y")
    acts = []

    def dense(h, i, act=None):
        z = tf.nn.bias_add(tf.matmul(h, v[f"w{i}"]), v[f"b{i}"])
        z = act(z) if act is not None else z
        acts.append(z)
        return z

    def conv(h, i):
        z = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, v[f"w{i}"], [1, 1, 1, 1], "VALID"),
                                      v[f"b{i}"]))
        acts.append(z)
        return z

    def pool(h):
        return tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")

    if model == "cnn":
        h = pool(conv(conv(x, 0), 1))
        h = dense(tf.reshape(h, [-1, 9216]), 2, tf.nn.relu)
        logits = dense(h, 3)
    elif model == "lenet":
        h = tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]])
        h = pool(conv(pool(conv(h, 0)), 1))
        h = dense(tf.reshape(h, [-1, 400]), 2, tf.nn.relu)
        logits = dense(dense(h, 3, tf.nn.relu), 4)
    elif model == "bn":
        updates = []

        def conv_bn(h, i):
            w = v[f"w{i}"]
            c = int(w.shape[-1])
            z = tf.nn.conv2d(h, w, [1, 1, 1, 1], "SAME")
            moving_mean = tf.Variable(np.zeros(c, np.float32), trainable=False)
            moving_var = tf.Variable(np.ones(c, np.float32), trainable=False)
            z, mean, var = tf.nn.fused_batch_norm(z, v[f"gamma{i}"], v[f"beta{i}"],
                                                  mean=moving_mean, variance=moving_var,
                                                  epsilon=1e-3, is_training=True)
            updates.extend([tf.assign_sub(moving_mean, (moving_mean - mean) * 0.01),
                            tf.assign_sub(moving_var, (moving_var - var) * 0.01)])
            z = tf.nn.relu(z)
            acts.append(z)
            return z
        h = pool(conv_bn(pool(conv_bn(x, 0)), 2))
        h = dense(tf.reshape(h, [-1, 3136]), 4, tf.nn.relu)
        logits = dense(h, 5)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y,
                                                                         logits=logits))
        with tf.control_dependencies(updates):
            train = tf.train.AdamOptimizer(1e-3).minimize(loss)
        return x, y, loss, train, None
    elif model == "ae":
        h = x
        for i in range(4):
            h = dense(h, i, tf.nn.sigmoid)
        loss = tf.reduce_mean(tf.pow(y - h, 2))
        train = tf.train.RMSPropOptimizer(LR).minimize(loss)
        return x, y, loss, train, None
    else:
        h = dense(dense(x, 0, tf.nn.relu), 1, tf.nn.relu)
        logits = dense(h, 2)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    train = tf.train.GradientDescentOptimizer(LR).minimize(loss)
    summary = None
    if model == "hist":
        for name, var in v.items():
            tf.summary.histogram(name, var)
        for i, a in enumerate(acts):
            tf.summary.histogram(f"activation{i}", a)
        tf.summary.scalar("loss", loss)
        summary = tf.summary.merge_all()
    return x, y, loss, train, summary


def graph_stepper(tf, model: str, params, logdir: Optional[str]) -> Callable:
    """step(x, y) -> loss for tfgraph or TF1."""
    if hasattr(tf, "reset_default_graph"):
        tf.reset_default_graph()
    x, y, loss, train, summary = build_tf_graph(tf, model, params)
    sess = _session(tf)
    sess.run(tf.global_variables_initializer())
    if summary is None:
        def step(xb, yb):
            return sess.run([train, loss], feed_dict={x: xb, y: yb})[1]
        return step
    writer = tf.summary.FileWriter(logdir)
    count = [0]

    def step_with_summary(xb, yb):
        _, l, s = sess.run([train, loss, summary], feed_dict={x: xb, y: yb})
        writer.add_summary(s, count[0])
        count[0] += 1
        return l
    return step_with_summary


# --- hand-written NumPy ---------------------------------------------------------------------------
def numpy_stepper(model: str, params) -> Callable:
    """The same models written directly in NumPy (im2col convolutions, in-place updates)."""
    from numpy.lib.stride_tricks import as_strided
    p = {name: value.copy() for name, value in params}
    lr = np.float32(LR)

    def im2col(x, k):
        n, h, w, c = x.shape
        oh, ow = h - k + 1, w - k + 1
        s = x.strides
        win = as_strided(x, (n, oh, ow, k, k, c), (s[0], s[1], s[2], s[1], s[2], s[3]))
        return win.reshape(n * oh * ow, k * k * c)

    def col2im(dcols, shape, k):
        n, h, w, c = shape
        oh, ow = h - k + 1, w - k + 1
        d = dcols.reshape(n, oh, ow, k, k, c)
        dx = np.zeros(shape, np.float32)
        for i in range(k):
            for j in range(k):
                dx[:, i:i + oh, j:j + ow, :] += d[:, :, :, i, j, :]
        return dx

    def conv_fwd(h, i):
        w = p[f"w{i}"]
        k, co = w.shape[0], w.shape[3]
        cols = im2col(h, k)
        n, hh, ww, _ = h.shape
        a = (cols @ w.reshape(-1, co)).reshape(n, hh - k + 1, ww - k + 1, co)
        a += p[f"b{i}"]
        np.maximum(a, 0, out=a)
        return a, (h, cols)

    def conv_bwd(da, a, cache, i, need_dx):
        h, cols = cache
        w = p[f"w{i}"]
        k, co = w.shape[0], w.shape[3]
        da *= a > 0
        d2 = da.reshape(-1, co)
        grads[f"w{i}"] = (cols.T @ d2).reshape(w.shape)
        grads[f"b{i}"] = d2.sum(axis=0)
        return col2im(d2 @ w.reshape(-1, co).T, h.shape, k) if need_dx else None

    def pool_fwd(a):
        n, hh, ww, c = a.shape
        blocks = a.reshape(n, hh // 2, 2, ww // 2, 2, c)
        return blocks.max(axis=(2, 4)), blocks

    def pool_bwd(dp, pooled, blocks):
        n, oh, _, ow, _, c = blocks.shape
        mask = blocks == pooled.reshape(n, oh, 1, ow, 1, c)
        return (mask * dp.reshape(n, oh, 1, ow, 1, c)).reshape(n, oh * 2, ow * 2, c)

    def dense_fwd(h, i, act):
        z = h @ p[f"w{i}"]
        z += p[f"b{i}"]
        if act == "relu":
            np.maximum(z, 0, out=z)
        elif act == "sigmoid":
            z = 1.0 / (1.0 + np.exp(-z))
        return z

    def dense_bwd(dz, h, z, i, act, need_dh=True):
        if act == "relu":
            dz *= z > 0
        elif act == "sigmoid":
            dz *= z * (1 - z)
        grads[f"w{i}"] = h.T @ dz
        grads[f"b{i}"] = dz.sum(axis=0)
        return dz @ p[f"w{i}"].T if need_dh else None

    def softmax_xent(z, y):
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(s[:, 0]) - (z * y).sum(axis=1))
        dz = e / s
        dz -= y
        dz *= np.float32(1.0 / z.shape[0])
        return loss, dz

    grads: Dict[str, np.ndarray] = {}
    ms = {name: np.ones_like(value) for name, value in p.items()}  # TF1's RMSProp starts at 1

    def update():
        if model == "ae":
            for name, g in grads.items():
                m = ms[name]
                m *= np.float32(0.9)
                m += np.float32(0.1) * g * g
                p[name] -= lr * g / np.sqrt(m + np.float32(1e-10))
        else:
            for name, g in grads.items():
                p[name] -= lr * g

    def step(x, y):
        if model == "cnn":
            a1, c1 = conv_fwd(x, 0)
            a2, c2 = conv_fwd(a1, 1)
            pooled, blocks = pool_fwd(a2)
            f = pooled.reshape(x.shape[0], -1)
            h = dense_fwd(f, 2, "relu")
            z = dense_fwd(h, 3, None)
            loss, dz = softmax_xent(z, y)
            dh = dense_bwd(dz, h, z, 3, None)
            df = dense_bwd(dh, f, h, 2, "relu")
            da2 = pool_bwd(df, pooled, blocks)
            da1 = conv_bwd(da2, a2, c2, 1, True)
            conv_bwd(da1, a1, c1, 0, False)
        elif model == "lenet":
            xp = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)))
            a1, c1 = conv_fwd(xp, 0)
            p1, b1 = pool_fwd(a1)
            a2, c2 = conv_fwd(p1, 1)
            p2, b2 = pool_fwd(a2)
            f = p2.reshape(x.shape[0], -1)
            h1 = dense_fwd(f, 2, "relu")
            h2 = dense_fwd(h1, 3, "relu")
            z = dense_fwd(h2, 4, None)
            loss, dz = softmax_xent(z, y)
            d = dense_bwd(dz, h2, z, 4, None)
            d = dense_bwd(d, h1, h2, 3, "relu")
            d = dense_bwd(d, f, h1, 2, "relu")
            d = conv_bwd(pool_bwd(d, p2, b2), a2, c2, 1, True)
            conv_bwd(pool_bwd(d, p1, b1), a1, c1, 0, False)
        elif model == "ae":
            hs = [x]
            for i in range(4):
                hs.append(dense_fwd(hs[-1], i, "sigmoid"))
            diff = hs[-1] - y
            loss = np.mean(diff * diff)
            d = diff * np.float32(2.0 / diff.size)
            for i in reversed(range(4)):
                d = dense_bwd(d, hs[i], hs[i + 1], i, "sigmoid", need_dh=i > 0)
        else:
            h1 = dense_fwd(x, 0, "relu")
            h2 = dense_fwd(h1, 1, "relu")
            z = dense_fwd(h2, 2, None)
            loss, dz = softmax_xent(z, y)
            d = dense_bwd(dz, h2, z, 2, None)
            d = dense_bwd(d, h1, h2, 1, "relu")
            dense_bwd(d, x, h1, 0, "relu", need_dh=False)
        update()
        return loss
    return step


# --- PyTorch --------------------------------------------------------------------------------------
def torch_stepper(model: str, params) -> Callable:
    """The same models in PyTorch eager (NCHW; filters and the flatten order converted so that
    the losses match TF1's)."""
    import torch
    import torch.nn.functional as F
    t = {}
    for name, value in params:
        if value.ndim == 4:
            value = value.transpose(3, 2, 0, 1)  # HWIO -> OIHW
        t[name] = value
    if model in ("cnn", "lenet"):  # dense after flatten: TF flattens (h, w, c), torch (c, h, w)
        i, (hh, cc) = (2, (12, 64)) if model == "cnn" else (2, (5, 16))
        w = t[f"w{i}"]
        t[f"w{i}"] = w.reshape(hh, hh, cc, -1).transpose(2, 0, 1, 3).reshape(w.shape)
    prm = {k: torch.tensor(np.ascontiguousarray(v), requires_grad=True) for k, v in t.items()}
    if model == "ae":
        opt = torch.optim.RMSprop(prm.values(), lr=LR, alpha=0.9, eps=1e-10)
    else:
        opt = torch.optim.SGD(prm.values(), lr=LR)

    def dense(h, i):
        return torch.addmm(prm[f"b{i}"], h, prm[f"w{i}"])

    def conv(h, i):
        return F.relu(F.conv2d(h, prm[f"w{i}"], prm[f"b{i}"]))

    def step(xb, yb):
        x = torch.from_numpy(xb)
        y = torch.from_numpy(yb)
        opt.zero_grad(set_to_none=True)
        if model == "ae":
            h = x
            for i in range(4):
                h = torch.sigmoid(dense(h, i))
            loss = torch.mean((y - h) ** 2)
        else:
            if model == "cnn":
                h = x.permute(0, 3, 1, 2)
                h = F.max_pool2d(conv(conv(h, 0), 1), 2)
                h = F.relu(dense(h.flatten(1), 2))
                z = dense(h, 3)
            elif model == "lenet":
                h = F.pad(x.permute(0, 3, 1, 2), (2, 2, 2, 2))
                h = F.max_pool2d(conv(F.max_pool2d(conv(h, 0), 2), 1), 2)
                h = F.relu(dense(h.flatten(1), 2))
                z = dense(F.relu(dense(h, 3)), 4)
            else:
                z = dense(F.relu(dense(F.relu(dense(x, 0)), 1)), 2)
            loss = F.cross_entropy(z, y.argmax(1))
        loss.backward()
        opt.step()
        return float(loss)
    return step


# --- sess.run overhead ----------------------------------------------------------------------------
def overhead_call(framework: str) -> Callable:
    """A zero-argument callable: one evaluation of c + a*b with 3 fresh float32 feeds."""
    a, b, c = (np.float32(v) for v in (1.5, 2.0, 0.5))
    if framework in ("tfgraph", "tf1"):
        tf = _tf_module(framework)
        if hasattr(tf, "reset_default_graph"):
            tf.reset_default_graph()
        pa, pb, pc = (tf.placeholder(tf.float32, [], name=n) for n in "abc")
        e = pc + pa * pb
        sess = _session(tf)
        return lambda: sess.run(e, feed_dict={pa: a, pb: b, pc: c})
    if framework == "torch":
        import torch
        ta, tb, tc = (torch.tensor(v) for v in (a, b, c))
        return lambda: tc + ta * tb
    return lambda: c + a * b


# --- workers --------------------------------------------------------------------------------------
def _tf_module(framework: str):
    if framework == "tfgraph":
        sys.path.insert(0, ROOT)
        import tfgraph
        return tfgraph
    import tensorflow.compat.v1 as tf1
    tf1.disable_eager_execution()
    return tf1


def _threads() -> Optional[int]:
    """The thread count every framework is pinned to (`--threads`), None for their defaults."""
    v = os.environ.get("BENCH_THREADS", "")
    return int(v) if v.isdigit() and int(v) > 0 else None


def _session(tf):
    """A session; TF1's pools sized to `--threads` when given (tfgraph: TFGRAPH_NUM_THREADS)."""
    n = _threads()
    if n and tf.__name__.startswith("tensorflow"):
        return tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=n,
                                                inter_op_parallelism_threads=n))
    return tf.Session()


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def worker_main(framework: str) -> None:
    """Serves JSON-line commands on stdin: build, steps, calls, rss."""
    if framework == "tf1":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    step = None
    batches: List[Tuple[np.ndarray, np.ndarray]] = []
    count = 0
    out = sys.stdout
    sys.stdout = sys.stderr  # libraries' chatter must not corrupt the protocol
    for line in sys.stdin:
        cmd = json.loads(line)
        reply: Any = None
        if cmd["op"] == "build":
            model = cmd["model"]
            data = np.load(cmd["data"])
            names = [str(n) for n in data["names"]]
            params = [(n, data[f"p_{n}"]) for n in names]
            batches = [(data[f"x{i}"], data[f"y{i}"]) for i in range(int(data["nbatch"]))]
            t0 = time.perf_counter()
            if model == "overhead":
                step = overhead_call(framework)
            elif framework in ("tfgraph", "tf1"):
                step = graph_stepper(_tf_module(framework), model, params, cmd.get("logdir"))
            elif framework == "torch":
                import torch
                torch.set_num_threads(_threads() or os.cpu_count() or 1)
                step = torch_stepper(model, params)
            else:
                if _threads():
                    from threadpoolctl import threadpool_limits
                    threadpool_limits(_threads(), user_api="blas")
                step = numpy_stepper(model, params)
            reply = {"build_s": round(time.perf_counter() - t0, 3)}
        elif cmd["op"] == "losses":
            reply = [float(step(*batches[i % len(batches)])) for i in range(cmd["n"])]
        elif cmd["op"] == "steps":
            times, cpu = [], []
            for _ in range(cmd["n"]):
                xb, yb = batches[count % len(batches)]
                count += 1
                c, t = time.process_time(), time.perf_counter()
                step(xb, yb)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            reply = [times, cpu]
        elif cmd["op"] == "calls":
            times, cpu = [], []
            for _ in range(cmd["repeats"]):
                n = cmd["n"]
                c, t = time.process_time(), time.perf_counter()
                for _ in range(n):
                    step()
                times.append((time.perf_counter() - t) / n)
                cpu.append((time.process_time() - c) / n)
            reply = [times, cpu]
        elif cmd["op"] == "rss":
            reply = _peak_rss_mb()
        out.write(json.dumps(reply) + "\n")
        out.flush()


class Worker:
    def __init__(self, framework: str, python: str):
        self.framework = framework
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        n = _threads()
        if n:  # every framework on the same number of threads
            env.update(TFGRAPH_NUM_THREADS=str(n), OMP_NUM_THREADS=str(n),
                       OPENBLAS_NUM_THREADS=str(n))
        self.proc = subprocess.Popen([python, os.path.abspath(__file__), "--worker", framework],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)

    def ask(self, **cmd) -> Any:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.framework} worker died on {cmd}")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _frameworks_available(peer: Optional[str]) -> Dict[str, str]:
    fws = {"tfgraph": sys.executable, "numpy": sys.executable}
    if peer:
        for fw, mod in (("tf1", "tensorflow"), ("torch", "torch")):
            ok = subprocess.run([peer, "-c", f"import {mod}"], capture_output=True).returncode == 0
            if ok:
                fws[fw] = peer
    return fws


def _supported(fw: str, model: str) -> bool:
    if model in ("hist", "bn"):
        return fw in ("tfgraph", "tf1")
    return True


def _machine_busy_seconds() -> Optional[float]:
    """Core-seconds all processes have been busy since boot (None without /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (v[0] + v[1] + v[2] + sum(v[5:8])) / os.sysconf("SC_CLK_TCK")


def bench_model(model: str, fws: Dict[str, str], tmp: str, rounds: int,
                steps: Optional[int], loss_steps: int, settle: float = 0.3) -> Dict[str, Any]:
    rng = np.random.default_rng(1234)
    params = make_params("mlp128" if model == "hist" else model, rng)
    batches = make_batches("mlp128" if model in ("hist", "overhead") else model, rng)
    path = os.path.join(tmp, f"{model}.npz")
    arrays = {f"p_{n}": v for n, v in params}
    for i, (x, y) in enumerate(batches):
        arrays[f"x{i}"], arrays[f"y{i}"] = x, y
    np.savez(path, names=np.array([n for n, _ in params]), nbatch=len(batches), **arrays)
    workers = {fw: Worker(fw, py) for fw, py in fws.items() if _supported(fw, model)}
    entry: Dict[str, Any] = {}
    try:
        for fw, w in workers.items():
            entry.setdefault(fw, {}).update(
                w.ask(op="build", model=model, data=path, logdir=os.path.join(tmp, f"log-{fw}")))
        if model != "overhead" and loss_steps:
            losses = {}
            for fw, w in workers.items():
                time.sleep(settle)  # as before every turn: the machine idle when it starts
                losses[fw] = w.ask(op="losses", n=loss_steps)
            entry["first_losses"] = {fw: [round(v, 7) for v in ls] for fw, ls in losses.items()}
            if "tf1" in losses:
                diff = max(abs(a - b) for a, b in zip(losses["tfgraph"], losses["tf1"]))
                entry["loss_check"] = {"max_abs_diff_vs_tf1": diff, "tolerance": 1e-5,
                                       "ok": diff <= 1e-5}
        samples: Dict[str, List[float]] = {fw: [] for fw in workers}
        names = list(workers)
        n = steps or STEPS.get(model, 5)
        # warm-up turn (untimed), then the timed rounds, rotating the order every round
        for fw in names:
            time.sleep(settle)
            if model == "overhead":
                workers[fw].ask(op="calls", n=200, repeats=1)
            else:
                workers[fw].ask(op="steps", n=max(2, n // 2))
        cpu: Dict[str, List[float]] = {fw: [] for fw in workers}
        others: Dict[str, List[float]] = {fw: [] for fw in workers}
        for r in range(rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            for fw in order:
                # let the previous worker's BLAS/OpenMP threads stop spinning first (OpenBLAS
                # spins about 0.1 s after each call): each turn starts on an idle machine
                time.sleep(settle)
                busy0, t0 = _machine_busy_seconds(), time.perf_counter()
                if model == "overhead":
                    wall, used = workers[fw].ask(op="calls", n=2000, repeats=3)
                else:
                    wall, used = workers[fw].ask(op="steps", n=n)
                busy1, t1 = _machine_busy_seconds(), time.perf_counter()
                samples[fw] += wall
                cpu[fw] += used
                if busy0 is not None and busy1 is not None:
                    # cores kept busy by everything but this worker's timed calls
                    spent = sum(used) if model != "overhead" else sum(used) * 2000
                    others[fw].append(max(0.0, (busy1 - busy0) - spent) / (t1 - t0))
        for fw, ts in samples.items():
            med = statistics.median(ts)
            e = entry[fw]
            if model == "overhead":
                e["us_per_call"] = round(med * 1e6, 3)
                e["cpu_us_per_call"] = round(statistics.median(cpu[fw]) * 1e6, 3)
            else:
                e["ms_per_step"] = round(med * 1e3, 3)
                e["ms_p25_p75"] = [round(float(np.percentile(ts, q)) * 1e3, 3) for q in (25, 75)]
                # CPU time of all the worker's threads per step (median)
                e["cpu_ms_per_step"] = round(statistics.median(cpu[fw]) * 1e3, 3)
            e["samples"] = len(ts)
            if others[fw]:
                e["other_cores_busy_during_turns"] = round(statistics.median(others[fw]), 2)
            e["peak_rss_mb"] = workers[fw].ask(op="rss")
    finally:
        for w in workers.values():
            try:
                w.close()
            except Exception:  # noqa: BLE001 - a dead worker must not hide the others' figures
                w.proc.kill()
    key = "us_per_call" if model == "overhead" else "ms_per_step"
    for fw in list(samples):
        if fw != "tfgraph":
            entry[f"tfgraph_over_{fw}"] = round(entry["tfgraph"][key] / entry[fw][key], 3)
    if "numpy" in entry:
        entry["rss_tfgraph_over_numpy"] = round(
            entry["tfgraph"]["peak_rss_mb"] / entry["numpy"]["peak_rss_mb"], 3)
    return entry


def _busy_loops(n: int) -> List[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def machine() -> Dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info: Dict[str, Any] = {"cpu": cpu, "cpus": os.cpu_count(), "python": platform.python_version(),
                            "numpy": np.__version__,
                            "load_average_at_start": [round(v, 2) for v in os.getloadavg()]}
    try:
        from threadpoolctl import threadpool_info
        info["blas"] = [{k: d.get(k) for k in ("internal_api", "version", "num_threads",
                                                "architecture")} for d in threadpool_info()]
    except ImportError:
        pass
    info["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE")
    return info


# --- the README table -----------------------------------------------------------------------------
TITLES = {"cnn": "CNN conv32-conv64-pool-128-10, batch 64", "lenet": "LeNet-5, batch 128",
          "mlp32": "MLP 784-512-512-10, batch 32", "mlp128": "MLP 784-512-512-10, batch 128",
          "ae": "autoencoder 784-256-128-256-784 sigmoid, RMSProp, batch 256",
          "bn": "CNN + batch norm (fused), Adam, batch 64",
          "hist": "MLP batch 128 + histogram of every weight, bias, activation each step"}
GOALS = {"cnn": 1.25, "lenet": 1.25, "mlp32": 1.0, "mlp128": 1.0, "ae": 1.0}


def _num(v: float) -> str:
    return f"{v:.3g}" if v < 1000 else f"{v:.0f}"


def _cell(e: Dict[str, Any], fw: str) -> str:
    if fw not in e:
        return "–"
    f = e[fw]
    return f"{_num(f['ms_per_step'])} ms ({_num(f['cpu_ms_per_step'])})"


def markdown_table(r: Dict[str, Any]) -> str:
    """The README's performance table from a result of `main` (ms per step, wall clock
    median, with CPU ms of all the process's threads in parentheses)."""
    fws = r["frameworks"]
    names = {"tfgraph": "tfgraph", "tf1": "TF1 graph", "torch": "PyTorch eager",
             "numpy": "hand NumPy"}
    cols = [fw for fw in ("tfgraph", "tf1", "torch", "numpy") if fw in fws]
    head = ["work"] + [names[c] for c in cols] + ["tfgraph / TF1 wall (CPU)", "goal"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    if r.get("threads", "default") != "default":
        head[0] = f"work ({r['threads']} thread(s) each)"
        lines[0] = "| " + " | ".join(head) + " |"
    for m in ("cnn", "lenet", "bn", "mlp32", "mlp128", "ae", "hist"):
        if m not in r:
            continue
        e = r[m]
        ratio = "–"
        goal = ""
        if "tf1" in e:
            w = e["tfgraph"]["ms_per_step"] / e["tf1"]["ms_per_step"]
            c = e["tfgraph"]["cpu_ms_per_step"] / e["tf1"]["cpu_ms_per_step"]
            ratio = f"{w:.2f} ({c:.2f})"
            if m in GOALS:
                g = GOALS[m]
                goal = f"≤ {g:g}x TF1: " + "; ".join(
                    f"{what} " + ("met" if v <= g else f"missed by {v / g:.2f}x")
                    for what, v in (("wall", w), ("CPU", c)))
        if m == "hist":
            plain = r.get("mlp128", {})
            parts = []
            for fw in ("tfgraph", "tf1"):
                if fw in e and fw in plain:  # the summaries' share: wall (CPU)
                    w = e[fw]["ms_per_step"] / plain[fw]["ms_per_step"] - 1
                    c = e[fw]["cpu_ms_per_step"] / plain[fw]["cpu_ms_per_step"] - 1
                    parts.append(f"{fw} {w:.0%} ({c:.0%})")
            goal = "summaries ≤ 10% of the step: " + ", ".join(parts)
        lines.append("| " + " | ".join([TITLES[m]] + [_cell(e, fw) for fw in cols]
                                       + [ratio, goal]) + " |")
    if "overhead" in r:
        e = r["overhead"]
        cells = [f"{e[fw]['us_per_call']:.3g} µs ({e[fw]['cpu_us_per_call']:.3g})"
                 if fw in e else "–" for fw in cols]
        lines.append("| " + " | ".join(["`sess.run` of `c + a*b`, 3 feeds"] + cells +
                                       ["", "≤ 3 µs"]) + " |")
    rss = []
    for m in ("mlp128", "cnn", "lenet", "ae"):
        if m in r:
            rss.append(m)
    if rss:
        cells = [" / ".join(f"{r[m][fw]['peak_rss_mb']:.0f}" if fw in r[m] else "–"
                            for m in rss) + " MB" for fw in cols]
        ratio = ", ".join(f"{r[m]['rss_tfgraph_over_numpy']:.2f}" for m in rss
                          if "rss_tfgraph_over_numpy" in r[m])
        lines.append("| " + " | ".join([f"peak RSS {' / '.join(rss)}"] + cells +
                                       [f"vs NumPy {ratio}", "≤ 1.5x NumPy"]) + " |")
    if "busy" in r:
        for m, e in r["busy"].items():
            if not isinstance(e, dict):
                continue
            cells = [f"{e[fw]['slowdown']:.2f}x" if fw in e else "–" for fw in cols]
            lines.append("| " + " | ".join([f"{m} slowdown with {r['busy']['busy_processes']} "
                                            "busy-loop process(es)"] + cells +
                                           ["", "≤ TF1's factor"]) + " |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default="cnn,lenet,bn,mlp32,mlp128,ae,hist,overhead")
    p.add_argument("--frameworks", default="tfgraph,numpy,tf1,torch")
    p.add_argument("--peer-python", default=None,
                   help="a Python that has tensorflow and/or torch (run as separate workers)")
    p.add_argument("--rounds", type=int, default=7, help="timed rounds (each framework a turn)")
    p.add_argument("--steps", type=int, default=None, help="steps per turn (default per model)")
    p.add_argument("--threads", type=int, default=None,
                   help="pin every framework to this many threads (default: their own choice)")
    p.add_argument("--settle", type=float, default=0.3,
                   help="seconds of idle machine before each turn (spinning threads park)")
    p.add_argument("--loss-steps", type=int, default=3, help="first steps whose losses are compared")
    p.add_argument("--busy", type=int, default=0,
                   help="also time with this many busy-loop processes running")
    p.add_argument("--busy-models", default="cnn,mlp128,ae")
    p.add_argument("--table", metavar="RESULT_JSON",
                   help="print the README's markdown table of a saved result and exit")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.worker:
        worker_main(a.worker)
        return
    if a.table:
        with open(a.table) as f:
            print(markdown_table(json.load(f)))
        return
    if a.threads:
        os.environ["BENCH_THREADS"] = str(a.threads)  # read by the workers (_threads)
    want = [f.strip() for f in a.frameworks.split(",")]
    fws = {fw: py for fw, py in _frameworks_available(a.peer_python).items() if fw in want}
    result: Dict[str, Any] = {"machine": machine(), "frameworks": list(fws),
                              "threads": a.threads or "default"}
    with tempfile.TemporaryDirectory() as tmp:
        for model in [m.strip() for m in a.models.split(",") if m.strip()]:
            result[model] = bench_model(model, fws, tmp, a.rounds, a.steps, a.loss_steps, a.settle)
        if "hist" in result and "mlp128" in result:
            h = result["hist"]
            for fw in ("tfgraph", "tf1"):
                if fw in h and fw in result["mlp128"]:
                    h[fw]["summary_cost_fraction_of_step"] = round(
                        h[fw]["ms_per_step"] / result["mlp128"][fw]["ms_per_step"] - 1, 3)
        if a.busy:
            busy: Dict[str, Any] = {"busy_processes": a.busy}
            for model in [m.strip() for m in a.busy_models.split(",") if m.strip()]:
                procs = _busy_loops(a.busy)
                try:
                    e = bench_model(model, fws, tmp, a.rounds, a.steps, 0, a.settle)
                finally:
                    for pr in procs:
                        pr.kill()
                        pr.wait()
                quiet = result.get(model) or bench_model(model, fws, tmp, a.rounds, a.steps, 0,
                                                        a.settle)
                busy[model] = {fw: {"ms_per_step": e[fw]["ms_per_step"],
                                    "slowdown": round(e[fw]["ms_per_step"] /
                                                      quiet[fw]["ms_per_step"], 3)}
                               for fw in fws if fw in e}
            result["busy"] = busy
    result["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
