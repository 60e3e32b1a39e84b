"""MNIST with a convolutional network: three classic TF1 architectures, selected by `--model`.

Convolutions look at 5x5 or 3x3 patches with weights shared across the image, and max-pooling
keeps the strongest response of each 2x2 block: the network learns local strokes first,
then their arrangement, with far fewer weights than a dense layer on raw pixels.

* `--model tutorial` (default): the lecture's "conv + pool" network, conv 5x5x32 -> ReLU ->
  max-pool 2x2 -> dense 10: the first convolutional layer of the TF1 tutorial with the
  classifier right after it. The lecture reports about 97% on the full MNIST; it is the
  cheapest of the three to train on a CPU.
* `--model deep`: "Deep MNIST for Experts" from the TF1 tutorials, written with
  `tf.nn.conv2d` / `tf.nn.max_pool` and hand-made Variables: conv 5x5x32 -> pool -> conv
  5x5x64 -> pool -> fc 1024 (dropout) -> fc 10, trained with Adam at 1e-4 as there. The
  tutorial reports about 99.2% on the full MNIST after 20,000 steps; each step costs about
  ten times the compute of the tutorial model.
* `--model keras`: the Keras example CNN (mnist_cnn.py) with `tf.layers`: conv 3x3x32 ->
  conv 3x3x64 -> max-pool 2x2 -> dropout -> dense 128 -> dropout -> dense 10. `--dropout p`
  drops p after the pooling and 2p after the dense layer (Keras: 0.25 and 0.5).

    python examples/mnist_cnn.py --data-dir ../shared/datasets --epochs 2
    python examples/mnist_cnn.py --model keras --dataset fashion_mnist --limit 10000
"""
from __future__ import annotations

import argparse
from typing import Any, Dict, Optional, Sequence, Tuple

import _common
import tfgraph as tf


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = _common.make_parser(__doc__, epochs=3, batch_size=64, lr=None, optimizer="adam",
                                 lr_help="1e-4 for --model deep, as its tutorial; else 1e-3")
    parser.add_argument("--model", choices=("tutorial", "deep", "keras"), default="tutorial",
                        help="which architecture (default tutorial; see above)")
    parser.add_argument("--dropout", type=float, default=0.25, metavar="P",
                        help="dropout rate p for the deep and keras models: 2p before the last "
                             "dense layer, and p after the pooling (keras); 0 turns it off "
                             "(default 0.25)")
    args = _common.check_args(parser, parser.parse_args(argv))
    if not 0 <= args.dropout < 0.5:
        parser.error(f"--dropout must be in [0, 0.5), got {args.dropout}")
    if args.lr is None:
        # Deep MNIST's 1024-unit layer on N(0, 0.1) weights diverges early at Adam's 1e-3.
        args.lr = 1e-4 if args.model == "deep" and args.optimizer == "adam" else 1e-3
    return args


# --- the three models: images [N, 28, 28, 1] -> logits [N, 10] --------------------------------
def tutorial_cnn(images: tf.Tensor) -> Tuple[tf.Tensor, Dict[Any, Any]]:
    """conv 5x5x32 -> ReLU -> max-pool 2x2 -> dense 10. Returns (logits, extra training feed)."""
    conv = tf.layers.conv2d(images, filters=32, kernel_size=5, padding="same",
                            activation=tf.nn.relu, name="conv")
    pool = tf.layers.max_pooling2d(conv, pool_size=2, strides=2, name="pool")  # 14x14x32
    logits = tf.layers.dense(tf.layers.flatten(pool), 10, name="logits")
    return logits, {}


def weight_variable(shape: Sequence[int]) -> tf.Variable:
    """Small random weights: breaks the symmetry between units."""
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1), name="W")


def bias_variable(shape: Sequence[int]) -> tf.Variable:
    """A slightly positive bias, so ReLU units start active ("dead neurons" otherwise)."""
    return tf.Variable(tf.constant(0.1, shape=shape), name="b")


def conv2d(x: tf.Tensor, W: tf.Variable) -> tf.Tensor:
    """Stride 1, zero padding: the output has the input's height and width."""
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x: tf.Tensor) -> tf.Tensor:
    """Max over 2x2 blocks: halves the height and width."""
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def deep_cnn(images: tf.Tensor, dropout: float) -> Tuple[tf.Tensor, Dict[Any, Any]]:
    """Deep MNIST for Experts. Returns (logits, extra training feed: the dropout keep_prob)."""
    with tf.name_scope("conv1"):
        W_conv1, b_conv1 = weight_variable([5, 5, 1, 32]), bias_variable([32])
        h_pool1 = max_pool_2x2(tf.nn.relu(conv2d(images, W_conv1) + b_conv1))  # 14x14x32
    with tf.name_scope("conv2"):
        W_conv2, b_conv2 = weight_variable([5, 5, 32, 64]), bias_variable([64])
        h_pool2 = max_pool_2x2(tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2))  # 7x7x64
    with tf.name_scope("fc1"):
        W_fc1, b_fc1 = weight_variable([7 * 7 * 64, 1024]), bias_variable([1024])
        h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
        h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)
    with tf.name_scope("dropout"):
        # 1.0 (keep everything) unless the training step feeds a smaller value.
        keep_prob = tf.placeholder_with_default(1.0, [], name="keep_prob")
        h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob=keep_prob)
    with tf.name_scope("fc2"):
        W_fc2, b_fc2 = weight_variable([1024, 10]), bias_variable([10])
        logits = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
    return logits, {keep_prob: 1.0 - 2 * dropout}


def keras_cnn(images: tf.Tensor, dropout: float) -> Tuple[tf.Tensor, Dict[Any, Any]]:
    """The Keras example CNN. Returns (logits, extra training feed: training=True)."""
    training = tf.placeholder_with_default(False, [], name="training")  # dropout on/off
    h = tf.layers.conv2d(images, 32, 3, activation=tf.nn.relu, name="conv1")  # 26x26x32
    h = tf.layers.conv2d(h, 64, 3, activation=tf.nn.relu, name="conv2")  # 24x24x64
    h = tf.layers.max_pooling2d(h, 2, 2, name="pool")  # 12x12x64
    h = tf.layers.dropout(h, rate=dropout, training=training, name="dropout1")
    h = tf.layers.dense(tf.layers.flatten(h), 128, activation=tf.nn.relu, name="dense")
    h = tf.layers.dropout(h, rate=2 * dropout, training=training, name="dropout2")
    logits = tf.layers.dense(h, 10, name="logits")
    return logits, {training: True}


def main(argv: Optional[Sequence[str]] = None) -> float:
    args = parse_args(argv)
    tf.set_random_seed(args.seed)  # same weights and dropout masks on every run

    # ---- the graph ----
    with _common.device_scope(args):
        inputs = _common.Inputs(args)  # placeholders, or a tf.data pipeline (--input dataset)
        x, y_ = inputs.x, inputs.y
        x_image = tf.reshape(x, [-1, 28, 28, 1])  # convolutions want NHWC images

        if args.model == "tutorial":
            logits, train_feed = tutorial_cnn(x_image)
        elif args.model == "deep":
            logits, train_feed = deep_cnn(x_image, args.dropout)
        else:
            logits, train_feed = keras_cnn(x_image, args.dropout)

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
    model = _common.Model(x, y_, loss, accuracy, train_step, lr, train_feed=train_feed,
                          global_step=global_step)
    training = _common.Training(
        args, model, data.x_train, data.y_train, data.x_test, data.y_test,
        title=f"CNN ({args.model}) on {data.name}: {len(data.x_train):,} training / "
              f"{len(data.x_test):,} test images, {_common.OPTIMIZER_NAMES[args.optimizer]} "
              f"lr {args.lr:g}",
        inputs=inputs)
    with tf.Session(config=_common.session_config(args)) as sess:
        training.start(sess)
        if args.eval_only:
            return training.evaluate_only()["accuracy"]
        for epoch in training.epochs():
            # training.feed adds the model's training feed (dropout on for deep/keras)
            for feed in training.step_feeds():
                values = sess.run(training.fetches, feed_dict=feed)
                training.step(values)
            training.end_epoch()  # evaluation feeds no train_feed: dropout is off there
        return training.finish()["accuracy"]


if __name__ == "__main__":
    main()
