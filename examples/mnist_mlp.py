"""MNIST with two dense layers: 784 -> hidden (ReLU) -> 10, softmax cross-entropy.

The step up from the one-layer softmax model (mnist_softmax.py): a hidden layer of ReLU
units lets the model learn features instead of one template per digit, which takes the
test accuracy on the full MNIST from about 92% to about 97% (the lecture's figures; see
docs/results.md for what this script measured). Written the TF1 way:
placeholders, `tf.layers.dense`, `tf.nn.softmax_cross_entropy_with_logits_v2`,
`optimizer.minimize`, then a `tf.Session` fed mini-batches through `feed_dict`.

    python examples/mnist_mlp.py --data-dir ../shared/datasets --epochs 5
    python examples/mnist_mlp.py --dataset fashion_mnist --hidden 256 --plot mlp.png

Data-parallel over MPI (docs/distributed.md): each of the N ranks trains on its shard with
`--batch-size` images per step, gradients averaged; add `--scale-lr` to multiply the
learning rate by N (Horovod's convention):

    mpirun -n 2 python examples/mnist_mlp.py --distributed --scale-lr --data-dir ../shared/datasets
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
        optimizer = dist.wrap_optimizer(_common.make_optimizer(args))
        train_step = optimizer.minimize(loss)

        with tf.name_scope("accuracy"):
            correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1))
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

    if args.logdir:
        _common.require_tensorboard()
        # Tags must not clash with the name scopes above ("loss" would become "loss_1").
        tf.summary.scalar("batch_loss", loss)  # per training step, on the batch
        tf.summary.scalar("batch_accuracy", accuracy)
        for var in tf.trainable_variables():  # per epoch: how the weights evolve
            tf.summary.histogram(var.op.name.replace("/", "_"), var, collections=["weights"])
        step_summaries = tf.summary.merge_all()
        weight_summaries = tf.summary.merge_all("weights")
    saver = tf.train.Saver() if args.save else None
    _common.graph_built(args, train_step)

    # ---- the data ----
    data = _common.load_data(args)
    x_train, y_train = dist.shard(data.x_train, data.y_train)
    train_batches = _common.batches(x_train, y_train, args.batch_size, seed=args.seed)

    # ---- training ----
    history = _common.History()
    with tf.Session(config=_common.session_config(args)) as sess:
        sess.run(tf.global_variables_initializer())
        dist.broadcast_variables(sess)
        writer = tf.summary.FileWriter(args.logdir, sess.graph) \
            if args.logdir and dist.is_chief else None
        step = 0
        for epoch in range(1, args.epochs + 1):
            history.start_epoch()
            progress = _common.Progress(len(train_batches), f"Epoch {epoch}/{args.epochs}")
            for feed in inputs.epoch(sess, train_batches, x_train, y_train):
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
        if saver is not None and dist.is_chief:
            print(f"Model saved to {saver.save(sess, _common.ensure_parent(args.save))}")
    history.plot(args.plot, f"MNIST MLP ({args.hidden} hidden units), {data.description}")
    return test["accuracy"]


if __name__ == "__main__":
    main()
