#!/usr/bin/env python3
"""Regenerate the diagrams in docs/graphs/ (the seed graphs, drawn by `tfgraph.viz`).

    python tools/render_docs_graphs.py            # writes docs/graphs/*.svg
    python tools/render_docs_graphs.py --time     # also prints build/layout timings
    python tools/render_docs_graphs.py --out DIR --format png

Each graph is built in its own `tf.Graph`, the way a TF1 script would build it.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tfgraph as tf  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "graphs")


def build_abc() -> None:
    """e = c + a*b on three placeholders."""
    a = tf.placeholder(tf.float32, name="a")
    b = tf.placeholder(tf.float32, name="b")
    c = tf.placeholder(tf.float32, name="c")
    d = tf.multiply(a, b, name="mul")
    tf.add(c, d, name="add")


def build_mnist_softmax() -> None:
    """The MNIST one-layer softmax regression, trained by gradient descent."""
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y_ = tf.placeholder(tf.float32, [None, 10], name="y_")
    with tf.name_scope("softmax_layer"):
        W = tf.Variable(tf.zeros([784, 10]), name="W")
        b = tf.Variable(tf.zeros([10]), name="b")
        y = tf.nn.softmax(tf.matmul(x, W) + b)
    with tf.name_scope("cross_entropy"):
        cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), axis=[1]))
    tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    with tf.name_scope("accuracy"):
        correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        tf.reduce_mean(tf.cast(correct, tf.float32))
    tf.global_variables_initializer()


def build_lenet() -> None:
    """The "Deep MNIST" LeNet-style CNN: two conv/pool layers, two dense layers, dropout, Adam."""
    def weight(shape):
        return tf.Variable(tf.truncated_normal(shape, stddev=0.1), name="W")

    def bias(shape):
        return tf.Variable(tf.constant(0.1, shape=shape), name="b")

    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y_ = tf.placeholder(tf.float32, [None, 10], name="y_")
    keep_prob = tf.placeholder(tf.float32, name="keep_prob")
    with tf.name_scope("reshape"):
        h = tf.reshape(x, [-1, 28, 28, 1])
    for i, (cin, cout) in enumerate([(1, 32), (32, 64)], start=1):
        with tf.name_scope(f"conv{i}"):
            h = tf.nn.relu(tf.nn.conv2d(h, weight([5, 5, cin, cout]), [1, 1, 1, 1], "SAME")
                           + bias([cout]))
        with tf.name_scope(f"pool{i}"):
            h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    with tf.name_scope("fc1"):
        h = tf.reshape(h, [-1, 7 * 7 * 64])
        h = tf.nn.relu(tf.matmul(h, weight([7 * 7 * 64, 1024])) + bias([1024]))
    with tf.name_scope("dropout"):
        h = tf.nn.dropout(h, keep_prob)
    with tf.name_scope("fc2"):
        logits = tf.matmul(h, weight([1024, 10])) + bias([10])
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
    with tf.name_scope("adam_optimizer"):
        tf.train.AdamOptimizer(1e-4).minimize(loss)
    with tf.name_scope("accuracy"):
        correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1))
        tf.reduce_mean(tf.cast(correct, tf.float32))
    tf.global_variables_initializer()


GRAPHS = (("abc", "e = c + a·b", build_abc),
          ("mnist_softmax", "MNIST softmax regression (gradient descent)", build_mnist_softmax),
          ("lenet", "LeNet-style CNN on MNIST (Adam)", build_lenet))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=DOCS, help=f"output folder (default {DOCS})")
    p.add_argument("--format", default="svg", choices=("svg", "png", "pdf", "dot"))
    p.add_argument("--time", action="store_true", help="print timings")
    opts = p.parse_args(argv)
    status = 0
    for name, title, build in GRAPHS:
        graph = tf.Graph()
        t0 = time.perf_counter()
        try:
            with graph.as_default():
                build()
        except (AttributeError, NotImplementedError) as e:  # an op family not written yet
            print(f"skipped {name}: {e}", file=sys.stderr)
            status = 1
            continue
        t1 = time.perf_counter()
        path = os.path.join(opts.out, f"{name}.{opts.format}")
        tf.viz.render(graph, path, format=opts.format, title=title)
        t2 = time.perf_counter()
        line = f"wrote {path}"
        if opts.time:
            line += (f": {len(graph.get_operations())} ops, build {t1 - t0:.2f} s, "
                     f"draw {t2 - t1:.2f} s")
        print(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
