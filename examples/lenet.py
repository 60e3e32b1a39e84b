"""LeNet-5 (LeCun et al., 1998) on MNIST digits zero-padded from 28x28 to 32x32.

LeNet-5 was designed for 32x32 inputs, so the 28x28 images get a 2-pixel border of zeros
(`tf.pad`, in the graph) and the first convolution sees every stroke away from the edge:

    32x32x1 -> conv 5x5x6 -> 28x28x6 -> max-pool 2x2 -> 14x14x6
            -> conv 5x5x16 -> 10x10x16 -> max-pool 2x2 -> 5x5x16 = 400
            -> dense 120 -> dense 84 -> dense 10

Unlike the 1998 paper (tanh, average pooling, a sparse C3 connection table, RBF outputs),
this is the modern reading used by TF1 tutorials: ReLU, max-pooling, full connections and a
softmax cross-entropy; 61,706 weights. The lecture reports about 99% on the full MNIST
(docs/results.md has what this script measured).

    python examples/lenet.py --data-dir ../shared/datasets --epochs 10
    python examples/lenet.py --dataset fashion_mnist --epochs 5 --plot lenet.png
"""
from __future__ import annotations

import argparse
from typing import Optional, Sequence

import _common
import tfgraph as tf


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = _common.make_parser(__doc__, epochs=10, batch_size=64, lr=0.001, optimizer="adam")
    return _common.check_args(parser, parser.parse_args(argv))


def lenet5(images: tf.Tensor) -> tf.Tensor:
    """LeNet-5 on [N, 32, 32, 1] images; returns the [N, 10] logits."""
    c1 = tf.layers.conv2d(images, filters=6, kernel_size=5, activation=tf.nn.relu,
                          name="C1")  # 28x28x6
    s2 = tf.layers.max_pooling2d(c1, pool_size=2, strides=2, name="S2")  # 14x14x6
    c3 = tf.layers.conv2d(s2, filters=16, kernel_size=5, activation=tf.nn.relu,
                          name="C3")  # 10x10x16
    s4 = tf.layers.max_pooling2d(c3, pool_size=2, strides=2, name="S4")  # 5x5x16
    c5 = tf.layers.dense(tf.layers.flatten(s4), 120, activation=tf.nn.relu, name="C5")
    f6 = tf.layers.dense(c5, 84, activation=tf.nn.relu, name="F6")
    return tf.layers.dense(f6, 10, name="output")


def main(argv: Optional[Sequence[str]] = None) -> float:
    args = parse_args(argv)
    tf.set_random_seed(args.seed)  # same initial weights on every run

    # ---- the graph ----
    with _common.device_scope(args):
        inputs = _common.Inputs(args)  # placeholders, or a tf.data pipeline (--input dataset)
        x, y_ = inputs.x, inputs.y
        with tf.name_scope("input"):
            x_image = tf.reshape(x, [-1, 28, 28, 1])
            # 2 zero pixels on each side of height and width: 28x28 -> 32x32.
            x_padded = tf.pad(x_image, [[0, 0], [2, 2], [2, 2], [0, 0]])

        logits = lenet5(x_padded)

        with tf.name_scope("loss"):
            loss = tf.reduce_mean(
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
        global_step = tf.train.get_or_create_global_step()
        lr = _common.learning_rate(args)
        train_step = _common.make_optimizer(args, lr).minimize(loss, global_step=global_step)

        with tf.name_scope("accuracy"):
            correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1))
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    _common.graph_built(args)

    # ---- the data ----
    data = _common.load_data(args)

    # ---- training ----
    model = _common.Model(x, y_, loss, accuracy, train_step, lr, global_step=global_step)
    training = _common.Training(
        args, model, data.x_train, data.y_train, data.x_test, data.y_test,
        title=f"LeNet-5 on {data.name}: {len(data.x_train):,} training / "
              f"{len(data.x_test):,} test images, {_common.OPTIMIZER_NAMES[args.optimizer]} "
              f"lr {args.lr:g}",
        inputs=inputs)
    with tf.Session(config=_common.session_config(args)) as sess:
        training.start(sess)
        if args.eval_only:
            return training.evaluate_only()["accuracy"]
        for epoch in training.epochs():
            for feed in training.step_feeds():
                values = sess.run(training.fetches, feed_dict=feed)
                training.step(values)
            training.end_epoch()
        return training.finish()["accuracy"]


if __name__ == "__main__":
    main()
