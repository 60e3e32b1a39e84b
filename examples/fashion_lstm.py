"""Fashion-MNIST read row by row by an LSTM: each 28x28 image is a sequence of 28 rows of 28
pixels; `tf.nn.dynamic_rnn` runs an `LSTMCell` over the rows (a `tf.while_loop`), and a dense
layer classifies the last output. The TF1 recipe for sequence models:

    cell = tf.nn.rnn_cell.LSTMCell(128)
    outputs, state = tf.nn.dynamic_rnn(cell, rows, dtype=tf.float32)   # [batch, 28, 128]
    logits = tf.layers.dense(outputs[:, -1], 10)

    python examples/fashion_lstm.py --data-dir ../shared/datasets --epochs 3
    python examples/fashion_lstm.py --dataset mnist --hidden 64 --plot lstm.png

Measured accuracy: docs/results.md.
"""
from __future__ import annotations

import argparse
from typing import Optional, Sequence

import _common
import tfgraph as tf


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = _common.make_parser(__doc__, epochs=3, batch_size=64, lr=0.002, optimizer="adam")
    parser.set_defaults(dataset="fashion_mnist")
    parser.add_argument("--hidden", type=int, default=128,
                        help="units of the LSTM cell (default 128)")
    return _common.check_args(parser, parser.parse_args(argv))


def main(argv: Optional[Sequence[str]] = None) -> float:
    args = parse_args(argv)
    dist = _common.maybe_distributed(args)
    tf.set_random_seed(args.seed)

    # ---- the graph ----
    with _common.device_scope(args):
        inputs = _common.Inputs(args)
        x, y_ = inputs.x, inputs.y
        rows = tf.reshape(x, [-1, 28, 28])                       # [batch, time=28 rows, 28]
        cell = tf.nn.rnn_cell.LSTMCell(args.hidden)
        outputs, _ = tf.nn.dynamic_rnn(cell, rows, dtype=tf.float32)   # rnn/lstm_cell/kernel
        logits = tf.layers.dense(outputs[:, -1], 10, name="logits")

        with tf.name_scope("loss"):
            loss = tf.reduce_mean(
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
        global_step = tf.train.get_or_create_global_step()
        lr = _common.learning_rate(args)
        optimizer = dist.wrap_optimizer(_common.make_optimizer(args, lr))
        train_step = optimizer.minimize(loss, global_step=global_step)

        with tf.name_scope("accuracy"):
            correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1))
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    _common.graph_built(args)

    # ---- the data ----
    data = _common.load_data(args)

    # ---- training ----
    model = _common.Model(x, y_, loss, accuracy, train_step, lr, global_step=global_step)
    training = _common.Training(
        args, model, data.x_train, data.y_train, data.x_test, data.y_test, dist,
        title=f"LSTM({args.hidden}) over image rows on {data.name}: {len(data.x_train):,} "
              f"training / {len(data.x_test):,} test images, "
              f"{_common.OPTIMIZER_NAMES[args.optimizer]} lr {args.lr:g}",
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
