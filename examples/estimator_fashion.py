"""Fashion-MNIST with TF1's Estimator API: the canned `tf.estimator.DNNClassifier` (default),
`LinearClassifier`, or an `Estimator` with a hand-written `model_fn` -- the TF1 recipe:

    pixels = tf.feature_column.numeric_column("pixels", shape=784)
    classifier = tf.estimator.DNNClassifier(hidden_units=[256, 128],
                                            feature_columns=[pixels], n_classes=10)
    train_input = tf.estimator.inputs.numpy_input_fn({"pixels": x_train}, y_train,
                                                     batch_size=100, shuffle=True)
    classifier.train(train_input)              # one epoch; checkpoints in model_dir
    classifier.evaluate(test_input)            # {"accuracy": ..., "average_loss": ..., ...}

Each `train`/`evaluate` call builds a new graph and restores the latest checkpoint of
`--model-dir`, so a second run with the same folder continues training
(TensorBoard: `tensorboard --logdir MODEL_DIR`).

    python examples/estimator_fashion.py --data-dir ../shared/datasets --epochs 5
    python examples/estimator_fashion.py --model custom --optimizer adam --lr 0.001
    python examples/estimator_fashion.py --model linear --model-dir /tmp/linear

Measured accuracy: docs/results.md.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from typing import Dict, Optional, Sequence

import numpy as np

import _common
import tfgraph as tf

OPTIMIZERS = {"adagrad": "Adagrad", "adam": "Adam", "ftrl": "Ftrl", "sgd": "SGD",
              "rmsprop": "RMSProp"}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = _common.make_parser(__doc__, training=False)
    parser.set_defaults(dataset="fashion_mnist")
    parser.add_argument("--model", choices=("dnn", "linear", "custom"), default="dnn",
                        help="dnn: tf.estimator.DNNClassifier (default); linear: "
                             "LinearClassifier; custom: an Estimator with this script's "
                             "model_fn (tf.layers.dense)")
    parser.add_argument("--hidden", default="256,128",
                        help="hidden layer sizes for dnn and custom (default 256,128)")
    parser.add_argument("--epochs", type=int, default=5, help="default 5")
    parser.add_argument("--batch-size", type=int, default=100,
                        help="examples per training step (default 100)")
    parser.add_argument("--optimizer", type=str.lower, choices=sorted(OPTIMIZERS),
                        help="default: the estimator's own (Adagrad 0.05 for dnn and custom, "
                             "Ftrl 0.2 for linear, as TF1)")
    parser.add_argument("--lr", type=float, help="learning rate of --optimizer")
    parser.add_argument("--seed", type=int, default=0,
                        help="RunConfig(tf_random_seed) and the input shuffling (default 0)")
    parser.add_argument("--model-dir", metavar="DIR",
                        help="checkpoints and event files (default: a new temporary folder); "
                             "an existing one continues its training")
    args = parser.parse_args(argv)
    try:
        args.hidden_units = [int(n) for n in args.hidden.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--hidden {args.hidden}: give layer sizes like 256,128")
    if not args.hidden_units or min(args.hidden_units) < 1:
        parser.error(f"--hidden {args.hidden}: give layer sizes like 256,128")
    if (args.lr is None) != (args.optimizer is None):
        parser.error("--optimizer and --lr go together (or leave both out for the "
                     "estimator's default)")
    return _common.check_args(parser, args)


def custom_model_fn(features, labels, mode, params):
    """The DNN written by hand: what DNNClassifier builds, in a few lines of tf.layers."""
    net = tf.feature_column.input_layer(features, params["feature_columns"])
    for i, units in enumerate(params["hidden_units"]):
        net = tf.layers.dense(net, units, activation=tf.nn.relu, name=f"hiddenlayer_{i}")
    logits = tf.layers.dense(net, 10, name="logits")
    class_ids = tf.argmax(logits, 1)
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={
            "class_ids": class_ids, "probabilities": tf.nn.softmax(logits)})
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    optimizer = params["optimizer"]
    train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops={
        "accuracy": tf.metrics.accuracy(labels, class_ids),
        "average_loss": tf.metrics.mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits))})


class MeanLoss(tf.train.SessionRunHook):
    """Averages the training loss over the steps of one `train` call."""

    def begin(self):
        self._loss = tf.get_collection(tf.GraphKeys.LOSSES)[-1]  # the EstimatorSpec's loss
        self.values = []

    def before_run(self, run_context):
        return tf.train.SessionRunArgs(self._loss)

    def after_run(self, run_context, run_values):
        self.values.append(float(run_values.results))


def make_estimator(args: argparse.Namespace, model_dir: str) -> tf.estimator.Estimator:
    columns = [tf.feature_column.numeric_column("pixels", shape=784)]
    config = tf.estimator.RunConfig(tf_random_seed=args.seed, save_checkpoints_secs=None,
                                    save_checkpoints_steps=10 ** 9,  # at the end of each call
                                    log_step_count_steps=10 ** 9,
                                    session_config=_common.session_config(args))
    optimizer = OPTIMIZERS[args.optimizer] if args.optimizer else None
    if optimizer is not None:
        opt_class = {"Adagrad": tf.train.AdagradOptimizer, "Adam": tf.train.AdamOptimizer,
                     "Ftrl": tf.train.FtrlOptimizer, "SGD": tf.train.GradientDescentOptimizer,
                     "RMSProp": tf.train.RMSPropOptimizer}[optimizer]
        optimizer = lambda: opt_class(args.lr)  # noqa: E731  (built in each new graph)
    if args.model == "dnn":
        return tf.estimator.DNNClassifier(args.hidden_units, columns, model_dir=model_dir,
                                          n_classes=10, config=config,
                                          optimizer=optimizer or "Adagrad")
    if args.model == "linear":
        return tf.estimator.LinearClassifier(columns, model_dir=model_dir, n_classes=10,
                                             config=config, optimizer=optimizer or "Ftrl")

    def model_fn(features, labels, mode, params):
        params = dict(params, optimizer=optimizer() if optimizer else
                      tf.train.AdagradOptimizer(0.05))
        return custom_model_fn(features, labels, mode, params)

    return tf.estimator.Estimator(model_fn, model_dir=model_dir, config=config,
                                  params={"feature_columns": columns,
                                          "hidden_units": args.hidden_units})


def main(argv: Optional[Sequence[str]] = None) -> float:
    args = parse_args(argv)
    data = _common.load_data(args)
    x_train, y_train = data.x_train, np.argmax(data.y_train, 1)
    x_test, y_test = data.x_test, np.argmax(data.y_test, 1)
    model_dir = args.model_dir or tempfile.mkdtemp(prefix="estimator_fashion_")
    estimator = make_estimator(args, model_dir)
    print(f"{type(estimator).__name__} ({args.model}) on {data.name}: {len(x_train):,} "
          f"training / {len(x_test):,} test images; model_dir {model_dir}")
    test_input = tf.estimator.inputs.numpy_input_fn({"pixels": x_test}, y_test,
                                                    batch_size=1000, shuffle=False)
    result: Dict[str, float] = {}
    for epoch in range(1, args.epochs + 1):
        # Every train call builds the same graph (same seed, so the same shuffle): give each
        # epoch its own order of the rows.
        order = np.random.RandomState(args.seed + epoch).permutation(len(x_train))
        train_input = tf.estimator.inputs.numpy_input_fn(
            {"pixels": x_train[order]}, y_train[order], batch_size=args.batch_size,
            num_epochs=1, shuffle=True)
        mean_loss = MeanLoss()
        start = time.time()
        estimator.train(train_input, hooks=[mean_loss])
        seconds = time.time() - start
        result = estimator.evaluate(test_input)
        print(f"Epoch {epoch}/{args.epochs} - {seconds:.1f} s - "
              f"{len(x_train) / seconds:,.0f} images/s - "
              f"loss: {np.mean(mean_loss.values):.4f} - "
              f"val_loss: {result['average_loss']:.4f} - "
              f"val_accuracy: {result['accuracy']:.4f} - step: {result['global_step']}")
    print(f"Test accuracy: {result['accuracy']:.4f}")
    return float(result["accuracy"])


if __name__ == "__main__":
    main()
