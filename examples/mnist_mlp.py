"""MNIST with two dense layers: 784 -> hidden (ReLU) -> 10, softmax cross-entropy.

The step up from the one-layer softmax model (mnist_softmax.py): a hidden layer of ReLU
units lets the model learn features instead of one template per digit, which takes the
test accuracy on the full MNIST from about 92% to about 97% (the lecture's figures; see
docs/results.md for what this script measured). Written the TF1 way:
placeholders, `tf.layers.dense`, `tf.nn.softmax_cross_entropy_with_logits_v2`,
`optimizer.minimize`, then a `tf.Session` fed mini-batches through `feed_dict`.

    python examples/mnist_mlp.py --data-dir ../shared/datasets --epochs 5
    python examples/mnist_mlp.py --dataset fashion-mnist --hidden 256 --plot mlp.png
    python examples/mnist_mlp.py --save ckpt/ --epochs 10      # Ctrl-C, then: --save ckpt/ --resume
    python examples/mnist_mlp.py --restore ckpt/ --eval-only

Data-parallel over MPI (docs/distributed.md): each of the N ranks trains on its shard with
`--batch-size` images per step, gradients averaged; add `--scale-lr` to multiply the
learning rate by N (Horovod's convention):

    mpirun -n 2 python examples/mnist_mlp.py --distributed --scale-lr --data-dir ../shared/datasets

(as root, Open MPI also wants `mpirun --allow-run-as-root -n 2 ...`).
"""
from __future__ import annotations

import argparse
from typing import Optional, Sequence

import _common
import tfgraph as tf


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = _common.make_parser(__doc__, epochs=5, batch_size=100, lr=0.001, optimizer="adam")
    parser.add_argument("--hidden", type=int, default=256,
                        help="units in the hidden layer (default 256)")
    parser.add_argument("--distributed", action="store_true",
                        help="data-parallel training over MPI ranks (launch with mpirun)")
    parser.add_argument("--scale-lr", action="store_true",
                        help="with --distributed: multiply --lr by the number of ranks")
    return _common.check_args(parser, parser.parse_args(argv))


def main(argv: Optional[Sequence[str]] = None) -> float:
    args = parse_args(argv)
    dist = _common.maybe_distributed(args)  # DISTRIBUTED HOOK: a no-op in one process
    tf.set_random_seed(args.seed)  # the same initial weights (and so results) on every run

    # ---- the graph ----
    with _common.device_scope(args):
        inputs = _common.Inputs(args)  # placeholders, or a tf.data pipeline (--input dataset)
        x, y_ = inputs.x, inputs.y

        hidden = tf.layers.dense(x, args.hidden, activation=tf.nn.relu, name="hidden")
        logits = tf.layers.dense(hidden, 10, name="logits")

        with tf.name_scope("loss"):
            # The fused op is the numerically stable form of -sum(y_ * log(softmax(logits))).
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
        title=f"MLP 784-{args.hidden}-10 on {data.name}: {len(data.x_train):,} training / "
              f"{len(data.x_test):,} test images, {_common.OPTIMIZER_NAMES[args.optimizer]} "
              f"lr {args.lr:g}",
        inputs=inputs)
    with tf.Session(config=_common.session_config(args)) as sess:
        training.start(sess)  # initializes (rank 0's values on every rank), or restores
        if args.eval_only:
            return training.evaluate_only()["accuracy"]
        for epoch in training.epochs():
            for feed in training.step_feeds():  # this rank's shard
                values = sess.run(training.fetches, feed_dict=feed)
                training.step(values)
            training.end_epoch()
        return training.finish()["accuracy"]


if __name__ == "__main__":
    main()
