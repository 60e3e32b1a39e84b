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
        train_step = _common.make_optimizer(args).minimize(loss)

        with tf.name_scope("accuracy"):
            correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
            accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    if args.logdir:
        _common.require_tensorboard()
        # Tags must not clash with the name scopes above ("loss" would become "loss_1").
        tf.summary.scalar("batch_loss", loss)  # per training step, on the batch
        tf.summary.scalar("batch_accuracy", accuracy)
        tf.summary.histogram("weights", W, collections=["weights"])  # per epoch
        tf.summary.histogram("biases", b, collections=["weights"])
        step_summaries = tf.summary.merge_all()
        weight_summaries = tf.summary.merge_all("weights")
    saver = tf.train.Saver() if args.save else None
    _common.graph_built(args, train_step)

    # ---- the data ----
    data = _common.load_data(args)
    train_batches = _common.batches(data.x_train, data.y_train, args.batch_size, seed=args.seed)

    # ---- training ----
    history = _common.History()
    with tf.Session(config=_common.session_config(args)) as sess:
        sess.run(tf.global_variables_initializer())
        writer = tf.summary.FileWriter(args.logdir, sess.graph) if args.logdir else None
        step = 0
        for epoch in range(1, args.epochs + 1):
            history.start_epoch()
            progress = _common.Progress(len(train_batches), f"Epoch {epoch}/{args.epochs}")
            for feed in inputs.epoch(sess, train_batches, data.x_train, data.y_train):
                if writer is None:
                    _, loss_value = sess.run([train_step, loss], feed_dict=feed)
                else:
                    _, loss_value, summary = sess.run([train_step, loss, step_summaries],
                                                      feed_dict=feed)
                    writer.add_summary(summary, step)
                progress.update(loss_value)
                step += 1
            progress.close()
            test = _common.evaluate(sess, {"accuracy": accuracy}, x, y_,
                                    data.x_test, data.y_test)
            history.end_epoch(epoch, test["accuracy"], progress.mean_loss)
            if writer is not None:
                writer.add_summary(sess.run(weight_summaries), step)
        print(f"Test accuracy: {test['accuracy']:.4f}")
        if writer is not None:
            writer.close()
            print(f"TensorBoard events written to {args.logdir}")
        if saver is not None:
            print(f"Model saved to {saver.save(sess, _common.ensure_parent(args.save))}")
    history.plot(args.plot, f"MNIST softmax ({args.loss}), {data.description}")
    return test["accuracy"]


if __name__ == "__main__":
    main()
