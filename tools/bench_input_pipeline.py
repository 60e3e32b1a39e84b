#!/usr/bin/env python
"""Input pipelines: is a `tf.data` pipeline as fast as feed_dict for a training step?

Builds the MNIST CNN of examples/mnist_cnn.py (`--model tutorial`: conv 5x5x32 -> ReLU ->
max-pool 2x2 -> dense 10, Adam) twice in one process, fed (a) by `feed_dict` with NumPy
mini-batches (shuffled index arrays, as examples/_common.py does) and (b) by
`Dataset.from_tensor_slices((x, y)).shuffle(10000).batch(B).prefetch(1)` through an
initializable iterator, and times training steps of both alternately (same machine load).
Also reports the pipeline alone (get_next only: elements/s), `map` on a decode + resize
pipeline with num_parallel_calls 1 vs 2 (PNG files in a temporary folder), and the resident
memory after each of several epochs of the dataset (flat = no leak).

Data: MNIST from ../shared/datasets (or $TFGRAPH_DATA_DIR) when present, else random images
of the same shape (the timing does not depend on the pixel values). Prints one JSON object.

Usage:
    python tools/bench_input_pipeline.py            # about a minute on 2 cores
    python tools/bench_input_pipeline.py --quick
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any, Dict

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import tfgraph as tf  # noqa: E402


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(n: int):
    data_dir = os.environ.get("TFGRAPH_DATA_DIR") or os.path.join(os.path.dirname(ROOT), "shared",
                                                                   "datasets")
    for name in ("mnist", "fashion_mnist"):
        try:
            (x, y), _ = getattr(tf.datasets, name).load_data(data_dir, download=False)
        except Exception:  # noqa: BLE001 - not on disk: try the next, then random data
            continue
        x = x[:n].reshape(-1, 784).astype(np.float32) / 255.0
        return x, np.eye(10, dtype=np.float32)[y[:n]], name
    rng = np.random.default_rng(0)
    return (rng.random((n, 784), dtype=np.float32),
            np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)], "random")


def model(x, y):
    img = tf.reshape(x, [-1, 28, 28, 1])
    conv = tf.layers.conv2d(img, 32, 5, padding="same", activation=tf.nn.relu, name="conv")
    pool = tf.layers.max_pooling2d(conv, 2, 2, name="pool")
    logits = tf.layers.dense(tf.layers.flatten(pool), 10, name="logits")
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    return tf.train.AdamOptimizer(1e-3).minimize(loss), loss


def build_feed(batch: int):
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.float32, [None, 10])
        train, loss = model(x, y)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=g)
    sess.run(init)
    return sess, x, y, train, loss


def build_dataset(batch: int, xs_np, ys_np):
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(0)
        xs = tf.placeholder(tf.float32, [None, 784])
        ys = tf.placeholder(tf.float32, [None, 10])
        ds = tf.data.Dataset.from_tensor_slices((xs, ys)).shuffle(10000).batch(batch).repeat()
        it = ds.prefetch(1).make_initializable_iterator()
        x, y = it.get_next()
        train, loss = model(x, y)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=g)
    sess.run([init, it.initializer], {xs: xs_np, ys: ys_np})
    return sess, train, loss


def time_steps(args, xs, ys) -> Dict[str, Any]:
    b = args.batch
    fsess, x, y, ftrain, floss = build_feed(b)
    dsess, dtrain, dloss = build_dataset(b, xs, ys)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(xs))
    pos = [0]

    def feed_step():
        if pos[0] + b > len(order):
            order[:] = rng.permutation(len(xs))
            pos[0] = 0
        idx = order[pos[0]:pos[0] + b]
        pos[0] += b
        fsess.run([ftrain, floss], {x: xs[idx], y: ys[idx]})

    def dataset_step():
        dsess.run([dtrain, dloss])

    for _ in range(args.warmup):
        feed_step()
        dataset_step()
    tf_, td = [], []
    for _ in range(args.steps):  # alternate: both see the same machine load
        t = time.perf_counter()
        feed_step()
        tf_.append(time.perf_counter() - t)
        t = time.perf_counter()
        dataset_step()
        td.append(time.perf_counter() - t)
    fsess.close()
    dsess.close()
    mf, md = statistics.median(tf_), statistics.median(td)
    return {"batch": b, "steps": args.steps,
            "feed_dict_ms_per_step": round(mf * 1e3, 3),
            "dataset_ms_per_step": round(md * 1e3, 3),
            "dataset_over_feed_dict": round(md / mf, 3),
            "feed_dict_images_per_s": round(b / mf, 1),
            "dataset_images_per_s": round(b / md, 1)}


def pipeline_only(args, xs, ys) -> Dict[str, Any]:
    g = tf.Graph()
    with g.as_default():
        xp = tf.placeholder(tf.float32, [None, 784])
        yp = tf.placeholder(tf.float32, [None, 10])
        ds = tf.data.Dataset.from_tensor_slices((xp, yp)).shuffle(10000).batch(args.batch).prefetch(1)
        it = ds.make_initializable_iterator()
        nxt = it.get_next()
        rng_ds = tf.data.Dataset.range(20000).map(lambda v: v * 2).batch(1000)
        rng_next = rng_ds.make_one_shot_iterator().get_next()
    with tf.Session(graph=g) as sess:
        sess.run(it.initializer, {xp: xs, yp: ys})
        t = time.perf_counter()
        n = 0
        try:
            while True:
                n += len(sess.run(nxt)[0])
        except tf.errors.OutOfRangeError:
            pass
        dt = time.perf_counter() - t
        t = time.perf_counter()
        try:
            while True:
                sess.run(rng_next)
        except tf.errors.OutOfRangeError:
            pass
        dm = time.perf_counter() - t
    return {"slices_shuffle_batch_prefetch_elements_per_s": round(n / dt),
            "map_overhead_us_per_element": round(dm / 20000 * 1e6, 2)}


def parallel_map(args) -> Dict[str, Any]:
    from PIL import Image
    out: Dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as d:
        rng = np.random.default_rng(0)
        for i in range(args.images):
            Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)).save(
                os.path.join(d, f"{i:04d}.png"))
        for calls in (1, 2):
            g = tf.Graph()
            with g.as_default():
                def load(path):
                    im = tf.image.decode_png(tf.read_file(path), channels=3)
                    return tf.image.resize_images(im, [224, 224])
                ds = tf.data.Dataset.list_files(os.path.join(d, "*.png"), shuffle=False)
                nxt = ds.map(load, num_parallel_calls=calls).batch(16).make_one_shot_iterator().get_next()
            with tf.Session(graph=g) as sess:
                cpu0, t = time.process_time(), time.perf_counter()
                try:
                    while True:
                        sess.run(nxt)
                except tf.errors.OutOfRangeError:
                    pass
                wall, cpu = time.perf_counter() - t, time.process_time() - cpu0
            out[f"decode_resize_images_per_s_parallel_{calls}"] = round(args.images / wall, 1)
            out[f"decode_resize_cpu_over_wall_parallel_{calls}"] = round(cpu / wall, 2)
    return out


def memory_over_epochs(args, xs, ys) -> Dict[str, Any]:
    g = tf.Graph()
    with g.as_default():
        xp = tf.placeholder(tf.float32, [None, 784])
        yp = tf.placeholder(tf.float32, [None, 10])
        ds = tf.data.Dataset.from_tensor_slices((xp, yp)).shuffle(10000).batch(args.batch)
        ds = ds.map(lambda a, b: (a * 2.0, b)).prefetch(2)
        it = ds.make_initializable_iterator()
        nxt = it.get_next()
    rss = []
    with tf.Session(graph=g) as sess:
        for _ in range(args.epochs):
            sess.run(it.initializer, {xp: xs, yp: ys})
            try:
                while True:
                    sess.run(nxt)
            except tf.errors.OutOfRangeError:
                pass
            rss.append(round(_rss_mb(), 1))
    return {"rss_mb_after_each_epoch": rss}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--batch", type=int, default=64)
    args = p.parse_args()
    args.steps = 30 if args.quick else 150
    args.warmup = 5 if args.quick else 10
    args.images = 48 if args.quick else 160
    args.epochs = 3 if args.quick else 6
    xs, ys, source = load(10000 if args.quick else 60000)
    result: Dict[str, Any] = {"data": source, "examples": len(xs), "cpu_count": os.cpu_count()}
    result["train_step"] = time_steps(args, xs, ys)
    result["pipeline"] = pipeline_only(args, xs, ys)
    try:
        result["parallel_map"] = parallel_map(args)
    except ImportError:
        result["parallel_map"] = "skipped: needs Pillow"
    result["memory"] = memory_over_epochs(args, xs, ys)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
