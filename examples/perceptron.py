"""The perceptron y_hat = g(w0 + X^T W): first the lecture's fixed one, then a trained one.

Part 1 evaluates the lecture's perceptron, w0 = 1, W = [3, -2] and g = sigmoid, on a few
inputs: the output is above 0.5 exactly on the side of the line 1 + 3 x1 - 2 x2 = 0 where
w0 + X^T W is positive.

Part 2 learns such a line. It generates a linearly separable 2-D data set (points on either
side of a random line, seeded), starts from random weights, and minimizes the sigmoid
cross-entropy with gradient descent. It reports the accuracy on the training points and on
held-out points from the same distribution, and the learned decision boundary
w0 + w1 x1 + w2 x2 = 0 next to the line that generated the data.

    python examples/perceptron.py
    python examples/perceptron.py --epochs 100 --plot perceptron.png
"""
from __future__ import annotations

import argparse
from typing import Optional, Sequence, Tuple

import numpy as np

import _common
import tfgraph as tf

# The lecture's perceptron.
LECTURE_W0 = 1.0
LECTURE_W = [3.0, -2.0]
LECTURE_INPUTS = [[-1.0, 2.0], [1.0, 1.0], [0.0, 0.0], [2.0, 3.0], [0.0, 1.0]]


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = _common.make_parser(__doc__, dataset=False, epochs=10, batch_size=20, lr=0.5,
                                 optimizer="sgd")
    parser.add_argument("--points", type=int, default=400,
                        help="training points to generate (as many again are held out; "
                             "default 400)")
    return _common.check_args(parser, parser.parse_args(argv))


def make_separable_data(n: int, seed: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`n` points in [-3, 3]^2 labelled by the side of a random line they lie on.

    Points closer to the line than 0.1 are dropped and redrawn, so the two classes are
    separated by a margin and a perceptron can classify all of them.

    Returns:
      `(x, y, line)`: x float32 (n, 2), y float32 (n, 1) of 0/1, and the generating line as
      `[w0, w1, w2]` (float64, ||(w1, w2)|| = 1).
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])
    w0 = rng.uniform(-1, 1)
    points = np.empty((0, 2))
    while len(points) < n:
        candidates = rng.uniform(-3, 3, size=(2 * n, 2))
        margin = candidates @ w + w0
        points = np.concatenate([points, candidates[np.abs(margin) > 0.1]])[:n]
    labels = (points @ w + w0 > 0).astype(np.float32).reshape(-1, 1)
    return points.astype(np.float32), labels, np.array([w0, *w])


def line_equation(w0: float, w1: float, w2: float) -> str:
    """'w0 + w1 x1 + w2 x2 = 0', and the same line solved for x2 where possible."""
    text = f"{w0:.3f} {'-' if w1 < 0 else '+'} {abs(w1):.3f} x1 {'-' if w2 < 0 else '+'} " \
           f"{abs(w2):.3f} x2 = 0"
    if abs(w2) > 1e-12:
        slope, intercept = -w1 / w2, -w0 / w2
        text += f"  (x2 = {slope:.3f} x1 {'-' if intercept < 0 else '+'} {abs(intercept):.3f})"
    return text


def lecture_perceptron(args: argparse.Namespace) -> None:
    """Part 1: the fixed perceptron w0 = 1, W = [3, -2], evaluated on a few inputs."""
    graph = tf.Graph()
    with graph.as_default(), _common.device_scope(args):
        X = tf.placeholder(tf.float32, [None, 2], name="X")
        w0 = tf.constant(LECTURE_W0, name="w0")
        W = tf.constant([[LECTURE_W[0]], [LECTURE_W[1]]], name="W")
        z = w0 + tf.matmul(X, W)  # one row per input: w0 + X^T W
        y_hat = tf.sigmoid(z, name="y_hat")
    with tf.Session(graph=graph, config=_common.session_config(args)) as sess:
        zs, ys = sess.run([z, y_hat], feed_dict={X: LECTURE_INPUTS})
    print(f"Lecture perceptron: y_hat = sigmoid(w0 + X^T W), w0 = {LECTURE_W0:g}, "
          f"W = [{LECTURE_W[0]:g}, {LECTURE_W[1]:g}]")
    print("     x1     x2      z    y_hat")
    for (x1, x2), zv, yv in zip(LECTURE_INPUTS, zs[:, 0], ys[:, 0]):
        print(f"  {x1:5.1f}  {x2:5.1f}  {zv:5.1f}  {yv:.5f}")
    print()


def main(argv: Optional[Sequence[str]] = None) -> float:
    args = parse_args(argv)
    if not _common.graph_only():
        lecture_perceptron(args)

    # ---- part 2: the graph of a trainable perceptron ----
    tf.set_random_seed(args.seed)
    with _common.device_scope(args):
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        w0 = tf.Variable(tf.random_normal([1]), name="w0")
        W = tf.Variable(tf.random_normal([2, 1]), name="W")
        logits = w0 + tf.matmul(x, W)
        y_hat = tf.sigmoid(logits, name="y_hat")

        with tf.name_scope("loss"):
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y,
                                                                          logits=logits))
        global_step = tf.train.get_or_create_global_step()
        lr = _common.learning_rate(args)
        train_step = _common.make_optimizer(args, lr).minimize(loss, global_step=global_step)

        with tf.name_scope("accuracy"):
            predicted = tf.cast(y_hat > 0.5, tf.float32)
            accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32))
    _common.graph_built(args)

    # ---- the data: separable by construction ----
    x_all, y_all, true_line = make_separable_data(2 * args.points, args.seed)
    x_train, y_train = x_all[:args.points], y_all[:args.points]
    x_test, y_test = x_all[args.points:], y_all[args.points:]
    print(f"Data: {args.points} training and {len(x_test)} held-out points, separated by "
          f"the line {line_equation(*true_line)}")

    # ---- training ----
    model = _common.Model(x, y, loss, accuracy, train_step, lr, global_step=global_step)
    training = _common.Training(
        args, model, x_train, y_train, x_test, y_test,
        title=f"Perceptron on {args.points} separable 2-D points "
              f"({len(x_test)} held out), {_common.OPTIMIZER_NAMES[args.optimizer]} "
              f"lr {args.lr:g}")
    with tf.Session(config=_common.session_config(args)) as sess:
        training.start(sess)
        if args.eval_only:
            return training.evaluate_only()["accuracy"]
        for epoch in training.epochs():
            for feed in training.step_feeds():
                values = sess.run(training.fetches, feed_dict=feed)
                training.step(values)
            training.end_epoch()  # val_* on the held-out points
        train_accuracy = sess.run(accuracy, feed_dict={x: x_train, y: y_train})
        learned_w0, learned_W = sess.run([w0, W])
        learned_line = [float(learned_w0[0]), float(learned_W[0, 0]), float(learned_W[1, 0])]
        training.finish(scatter=(x_train, y_train[:, 0],
                                 [("learned", learned_line), ("generating", list(true_line))]))

    print(f"Accuracy on the training points: {train_accuracy:.4f}")
    print(f"Learned decision boundary: {line_equation(*learned_line)}")
    print(f"Generating line:           {line_equation(*true_line)}")
    return float(train_accuracy)


if __name__ == "__main__":
    main()
