"""MNIST with one layer: y = softmax(x W + b), the first model of the TF1 tutorial.

Each of the 10 outputs is a weighted sum of the 784 pixels plus a bias, turned into class
probabilities by softmax; W and b start at zero. `--loss` picks what gradient descent
minimizes:

* `xent` (default): softmax cross-entropy, -sum(y_ * log(y)), as in the tutorial; the
  lecture reports about 92% on the full MNIST within a few epochs.
* `mse`: `tf.losses.mean_squared_error` between y and the one-hot labels (averaged over the
  10 outputs), the loss of the lecture's first attempt; its gradients are small and vanish
  when the softmax saturates, so it learns much more slowly (the lecture: about 85% after
  100 epochs on the full MNIST).

Accuracy is its own small subgraph, argmax -> equal -> cast -> reduce_mean, evaluated on the
test images after every epoch.

    python examples/mnist_softmax.py --data-dir ../shared/datasets --epochs 10
    python examples/mnist_softmax.py --loss mse --epochs 100 --plot mse.png
    python examples/mnist_softmax.py --dataset fashion-mnist --lr-decay 0.8 --early-stopping 2
"""
from __future__ import annotations

import argparse
from typing import Optional, Sequence

import _common
import tfgraph as tf


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = _common.make_parser(__doc__, epochs=10, batch_size=100, lr=0.5, optimizer="sgd")
    parser.add_argument("--loss", choices=("xent", "mse"), default="xent",
                        help="softmax cross-entropy (default) or mean squared error")
    return _common.check_args(parser, parser.parse_args(argv))


def main(argv: Optional[Sequence[str]] = None) -> float:
    args = parse_args(argv)
    tf.set_random_seed(args.seed)  # only the batch order is random here (W, b start at zero)

    # ---- the graph ----
    with _common.device_scope(args):
        inputs = _common.Inputs(args)  # placeholders, or a tf.data pipeline (--input dataset)
        x = inputs.x
        W = tf.Variable(tf.zeros([784, 10]), name="W")
        b = tf.Variable(tf.zeros([10]), name="b")
        logits = tf.matmul(x, W) + b
        y = tf.nn.softmax(logits, name="y")
        y_ = inputs.y

        with tf.name_scope("loss"):
            if args.loss == "xent":
                # The tutorial's -reduce_sum(y_ * log(y)) computed from the logits: same
                # value, but no log(0) = -inf when a probability underflows.
                loss = tf.reduce_mean(
                    tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
            else:
                # Mean over batch *and* the 10 outputs, as tf.losses does by default.
                loss = tf.losses.mean_squared_error(labels=y_, predictions=y)
        global_step = tf.train.get_or_create_global_step()
        lr = _common.learning_rate(args)
        train_step = _common.make_optimizer(args, lr).minimize(loss, global_step=global_step)

        with tf.name_scope("accuracy"):
            correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
            accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    _common.graph_built(args)

    # ---- the data ----
    data = _common.load_data(args)

    # ---- training ----
    model = _common.Model(x, y_, loss, accuracy, train_step, lr, global_step=global_step)
    training = _common.Training(
        args, model, data.x_train, data.y_train, data.x_test, data.y_test,
        title=f"Softmax regression ({'cross-entropy' if args.loss == 'xent' else 'MSE'}) on "
              f"{data.name}: {len(data.x_train):,} training / {len(data.x_test):,} test "
              f"images, {_common.OPTIMIZER_NAMES[args.optimizer]} lr {args.lr:g}",
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
