"""Shared plumbing of the example scripts: command-line options (checked before anything
runs), data, devices, the training loop's bookkeeping (Keras-style epoch lines, validation,
learning-rate decay, early stopping, checkpoints, TensorBoard), plots and graph diagrams.

Everything that is *the model* (placeholders, Variables, layers, loss, optimizer) and the
`tf.Session` loop itself (`for batch ...: sess.run(train_step, feed_dict=...)`) stays in the
example scripts, written as in the TF1 tutorials; this module holds what would otherwise be
repeated around it.
"""
from __future__ import annotations

import argparse
import contextlib
import math
import os
import shutil
import sys
import textwrap
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np

import tfgraph as tf
from tfgraph.datasets import DatasetNotFoundError, fashion_mnist, mnist, normalize_images, one_hot

NUM_CLASSES = 10
#: Environment variable set by `python -m tfgraph.viz script.py`: build the graph, then exit.
GRAPH_ONLY_ENV = "TFGRAPH_GRAPH_ONLY"
#: How datasets are named in titles and messages.
DATASET_NAMES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}
PLOT_FORMATS = ("png", "pdf", "svg")
DIAGRAM_FORMATS = ("svg", "png", "pdf", "dot")
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}


# --- command line -----------------------------------------------------------------------------
def _dataset_name(text: str) -> str:
    """Accepts the spellings people use: mnist, fashion_mnist, fashion-mnist, Fashion-MNIST."""
    return text.strip().lower().replace("-", "_")


def _lower(text: str) -> str:
    """--optimizer Adam, SGD, momentum: any case."""
    return text.strip().lower()


def make_parser(description: str, *, training: bool = True, dataset: bool = True,
                epochs: int = 5, batch_size: int = 100, lr: Optional[float] = 0.01,
                optimizer: str = "sgd", lr_help: str = "") -> argparse.ArgumentParser:
    """An argument parser with the options every example shares.

    Args:
      description: The script's help text (its module docstring).
      training: Add the training options (--epochs, --lr, --optimizer, --plot, ...).
      dataset: Add the data options (--dataset, --data-dir, --split, --limit).
      epochs, batch_size, lr, optimizer: The script's defaults for those options (lr None:
        the script chooses, explained by `lr_help`).
      lr_help: Help text for a default --lr of None.

    Returns:
      The parser; scripts add their own options, then call `parse_args`.
    """
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", choices=("cpu", "gpu"), default="cpu",
                   help="where the graph runs (default cpu); gpu needs CuPy and a CUDA device "
                        "and falls back to the CPU with a warning when there is none")
    p.add_argument("--graph-svg", metavar="PATH",
                   help="write a diagram of the whole graph; the extension picks the format: "
                        ".svg, .png, .pdf (need Graphviz's `dot`) or .dot (the DOT source)")
    if training:
        p.add_argument("--epochs", type=int, default=epochs, help=f"default {epochs}")
        p.add_argument("--batch-size", type=int, default=batch_size,
                       help=f"examples per training step (default {batch_size})")
        p.add_argument("--lr", type=float, default=lr,
                       help=f"learning rate (default {lr if lr is not None else lr_help})")
        p.add_argument("--lr-decay", type=float, default=1.0, metavar="RATE",
                       help="multiply the learning rate by RATE after every epoch (e.g. 0.9; "
                            "default 1: constant)")
        p.add_argument("--optimizer", type=_lower, choices=("sgd", "momentum", "adam"),
                       default=optimizer,
                       help=f"SGD (GradientDescent), Momentum (0.9) or Adam, in any case "
                            f"(default {optimizer})")
        p.add_argument("--early-stopping", type=int, metavar="N",
                       help="stop when val_loss has not improved for N epochs (as Keras' "
                            "EarlyStopping(patience=N))")
        p.add_argument("--seed", type=int, default=0,
                       help="seed of weights, shuffling and dropout (default 0): runs with the "
                            "same seed give the same numbers")
        p.add_argument("--plot", metavar="PATH",
                       help="write the training curves (per-step loss, per-epoch loss and "
                            "accuracy on training and test data); .png, .pdf or .svg")
        p.add_argument("--logdir", metavar="DIR",
                       help="write TensorBoard event files (needs the tensorboard extra)")
        p.add_argument("--save", metavar="PATH",
                       help="save a checkpoint (tf.train.Saver) after every epoch as "
                            "PATH-<step>; a folder (PATH/ or an existing one) means "
                            "PATH/model")
        p.add_argument("--restore", metavar="PATH",
                       help="start from the model weights of this checkpoint (a prefix, or a "
                            "folder: its latest checkpoint) instead of initializing them")
        p.add_argument("--resume", action="store_true",
                       help="continue an interrupted run from the latest checkpoint of --save "
                            "(weights, optimizer state and epoch count)")
        p.add_argument("--eval-only", action="store_true",
                       help="with --restore (or --resume): evaluate on the test data and exit")
    if dataset:
        p.add_argument("--dataset", type=_dataset_name, choices=("mnist", "fashion_mnist"),
                       default="mnist", help="mnist (default) or fashion_mnist (also "
                                             "spelled fashion-mnist)")
        p.add_argument("--data-dir", metavar="DIR",
                       help="folder holding the IDX .gz files (directly or in mnist/, "
                            "fashion-mnist/); default: $TFGRAPH_DATA_DIR, then the cache "
                            "~/.tfgraph/datasets, then a download. In this project's "
                            "environment: --data-dir ../shared/datasets")
        p.add_argument("--split", choices=("auto", "standard", "test-as-train"), default="auto",
                       help="standard: 60k train / 10k test; test-as-train: train on the first "
                            "8,000 test images, evaluate on the last 2,000; auto (default): "
                            "standard, or test-as-train when the MNIST training images are "
                            "missing")
        p.add_argument("--limit", type=int, metavar="N",
                       help="train on the first N training images only (quick runs)")
        p.add_argument("--test-limit", type=int, metavar="N",
                       help="evaluate on the first N test images only (quick runs)")
    if training and dataset:
        p.add_argument("--input", choices=("feed", "dataset"), default="feed",
                       help="how training batches reach the graph: feed_dict (default), or a "
                            "tf.data pipeline from_tensor_slices -> shuffle -> batch -> "
                            "prefetch(1) read by an initializable iterator")
    return p


def _extension(path: str) -> str:
    return os.path.splitext(path)[1].lstrip(".").lower()


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """Checks every option before anything runs, so that no mistake surfaces after training:
    value ranges, output file types, the packages and programs outputs need, folders
    (created when missing), and checkpoints to restore. Exits with argparse's usual message.

    Returns:
      `args`, with `--save DIR/` turned into `DIR/model` and `--restore DIR` into the
      folder's latest checkpoint.
    """
    for name in ("epochs", "batch_size", "limit", "test_limit", "early_stopping"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    if getattr(args, "lr", None) is not None and args.lr <= 0:
        parser.error(f"--lr must be positive, got {args.lr}")
    if getattr(args, "lr_decay", 1.0) is not None and not 0 < getattr(args, "lr_decay", 1.0) <= 1:
        parser.error(f"--lr-decay must be in (0, 1], got {args.lr_decay}")
    if args.graph_svg:
        ext = _extension(args.graph_svg)
        if ext not in DIAGRAM_FORMATS:
            parser.error(f"--graph-svg {args.graph_svg}: the extension picks the format; use "
                         ".svg, .png, .pdf or .dot")
        if ext != "dot" and shutil.which("dot") is None:
            parser.error(f"--graph-svg {args.graph_svg} needs Graphviz's `dot` program "
                         "(sudo apt-get install graphviz), or write the DOT source with a "
                         ".dot file name")
    if getattr(args, "plot", None):
        if _extension(args.plot) not in PLOT_FORMATS:
            parser.error(f"--plot {args.plot}: the extension picks the format; use .png, .pdf "
                         "or .svg")
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            parser.error("--plot needs matplotlib: pip install 'tfgraph[examples]' (or leave "
                         "--plot out)")
    if getattr(args, "logdir", None):
        try:
            import tensorboard  # noqa: F401
        except ImportError:
            parser.error("--logdir needs the tensorboard package for its event file format: "
                         "pip install 'tfgraph[tensorboard]' (or leave --logdir out)")
        _make_folder(parser, "--logdir", args.logdir)
    for option in ("graph_svg", "plot"):
        path = getattr(args, option, None)
        if path:
            _make_folder(parser, "--" + option.replace("_", "-"),
                         os.path.dirname(os.path.abspath(path)))
    if getattr(args, "save", None):
        if args.save.endswith(("/", os.sep)) or os.path.isdir(args.save):
            args.save = os.path.join(args.save, "model")
        _make_folder(parser, "--save", os.path.dirname(os.path.abspath(args.save)))
    if getattr(args, "resume", False):
        if not args.save:
            parser.error("--resume continues from the checkpoints of --save: give --save PATH")
        if args.restore:
            parser.error("--resume and --restore both say where to start: give one of them")
        folder = os.path.dirname(os.path.abspath(args.save))
        args.restore = tf.train.latest_checkpoint(folder)
        if args.restore is None and not getattr(args, "eval_only", False):
            print(f"--resume: no checkpoint in {folder} yet; starting from the beginning")
    elif getattr(args, "restore", None):
        args.restore = _checkpoint(parser, args.restore)
    if getattr(args, "eval_only", False) and not args.restore:
        parser.error("--eval-only evaluates a trained model: give --restore PATH (or --resume "
                     "with a checkpoint in --save's folder)")
    return args


def _make_folder(parser: argparse.ArgumentParser, option: str, folder: str) -> None:
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        parser.error(f"{option}: cannot create the folder {folder}: {e.strerror}")
    if not os.access(folder, os.W_OK):
        parser.error(f"{option}: the folder {folder} is not writable")


def _checkpoint(parser: argparse.ArgumentParser, path: str) -> str:
    """The checkpoint prefix `path` names: itself, or a folder's latest checkpoint."""
    if os.path.isdir(path):
        latest = tf.train.latest_checkpoint(path)
        if latest is None:
            parser.error(f"--restore {path}: the folder has no checkpoint (no `checkpoint` "
                         "index file naming one)")
        return latest
    if not tf.train.checkpoint_exists(path):
        parser.error(f"--restore {path}: no checkpoint with that prefix (give the prefix "
                     "--save printed, e.g. ckpt/model-500, or its folder)")
    return path


# --- data -------------------------------------------------------------------------------------
@dataclass
class Data:
    """A dataset ready for `feed_dict`: float32 images in [0, 1], flattened to 784 columns,
    and one-hot float32 labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    description: str
    name: str = "MNIST"


def load_data(args: argparse.Namespace) -> Data:
    """Loads `args.dataset` with the split and limit the options ask for, and says what it got.

    With `--split auto` MNIST falls back to the test-as-train split (first 8,000 test images
    for training, last 2,000 for testing) when the 60,000 training images are not on disk,
    and prints a notice saying so. Missing files end the script with a message in terms of
    this script's options.
    """
    try:
        return _load_data(args)
    except DatasetNotFoundError as e:
        sys.exit(data_not_found_message(e, args))


def data_not_found_message(e: DatasetNotFoundError, args: argparse.Namespace) -> str:
    """A short message saying which files are missing and which options provide them."""
    name = DATASET_NAMES.get(e.dataset, e.dataset)
    folder = "fashion-mnist" if e.dataset == "fashion_mnist" else e.dataset
    searched = ", ".join(f"{p}" + ("" if p.is_dir() else " (missing)") for p in e.searched)
    lines = [f"error: the {name} files {', '.join(e.missing)} were not found.",
             f"  Looked in: {searched}."]
    if e.download_errors:
        first = e.download_errors[0].split(": ", 1)[-1]  # "URL: URLError: ..." -> the error
        lines.append(f"  Downloading failed ({len(e.download_errors)} attempts; {first}).")
    lines.append(f"Pass --data-dir DIR with DIR holding those files (directly or in "
                 f"DIR/{folder}/); in this project: --data-dir ../shared/datasets.")
    if e.dataset == "mnist" and getattr(args, "split", "auto") != "test-as-train":
        lines.append("With only the two t10k-* files, add --split test-as-train (train on "
                     "8,000 test images, test on the other 2,000).")
    return "\n".join(lines)


def _load_data(args: argparse.Namespace) -> Data:
    path = args.data_dir
    split = args.split
    if args.dataset == "mnist":
        (x_train, y_train), (x_test, y_test), split = _load_mnist(path, split)
    else:
        (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(path)
        if split == "test-as-train":
            (x_train, y_train), (x_test, y_test) = (x_test[:8000], y_test[:8000]), \
                (x_test[8000:], y_test[8000:])
        else:
            split = "standard"
    if args.limit is not None:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    if args.test_limit is not None:
        x_test, y_test = x_test[:args.test_limit], y_test[:args.test_limit]
    kind = ("first 8,000 test images for training, last 2,000 for testing"
            if split == "test-as-train" else "standard split")
    name = DATASET_NAMES[args.dataset]
    description = f"{name} ({kind}): {len(x_train)} training and {len(x_test)} test images"
    print(f"Data: {description}")
    return Data(normalize_images(x_train), one_hot(y_train, NUM_CLASSES),
                normalize_images(x_test), one_hot(y_test, NUM_CLASSES), description, name)


def _load_mnist(path: Optional[str], split: str):
    if split != "auto":
        return (*mnist.load_data(path, split=split), split)
    try:  # what is already on disk, without reaching for the network
        return (*mnist.load_data(path, download=False), "standard")
    except DatasetNotFoundError as e:
        if not set(e.missing) <= {mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS}:
            # Nothing usable on disk: the standard split, downloaded (or a clear error).
            return (*mnist.load_data(path), "standard")
    print(f"Notice: the MNIST training images ({mnist.TRAIN_IMAGES}) are missing; using "
          "--split test-as-train: training on the first 8,000 test images, testing on the "
          "last 2,000.")
    return (*mnist.load_test_split(path, download=False), "test-as-train")


# --- devices, sessions, optimizers ------------------------------------------------------------
def gpu_usable(args: argparse.Namespace) -> bool:
    """Whether `--device gpu` can use a GPU here; warns once (one line) when it cannot."""
    if args.device != "gpu":
        return False
    if getattr(args, "_gpu_usable", None) is None:
        args._gpu_usable = tf.test.is_gpu_available()
        if not args._gpu_usable:
            print("Warning: --device gpu but no GPU is usable here (CuPy with a CUDA device is "
                  "needed); running on the CPU.", file=sys.stderr)
    return args._gpu_usable


def device_scope(args: argparse.Namespace) -> contextlib.AbstractContextManager:
    """`tf.device('/gpu:0')` for `--device gpu` where a GPU is usable, else nothing: wrap
    graph construction in it. (Without a GPU nothing is pinned, so the one warning of
    `gpu_usable` is all the user sees, not a soft-placement report.)"""
    if gpu_usable(args):
        return tf.device("/gpu:0")
    return contextlib.nullcontext()


def session_config(args: argparse.Namespace) -> "tf.ConfigProto":
    """The `tf.ConfigProto` for `--device`: no GPU for cpu; soft placement for gpu, so ops
    without a GPU kernel run on the CPU instead of failing."""
    if args.device == "cpu":
        return tf.ConfigProto(device_count={"GPU": 0})
    gpu_usable(args)
    return tf.ConfigProto(allow_soft_placement=True)


def learning_rate(args: argparse.Namespace) -> "tf.Tensor":
    """The learning rate as a scalar placeholder defaulting to --lr; `Training` feeds the
    epoch's value (--lr * --lr-decay ** (epoch - 1)) into every step."""
    return tf.placeholder_with_default(tf.constant(args.lr, tf.float32), [],
                                       name="learning_rate")


def make_optimizer(args: argparse.Namespace, lr: Any = None) -> "tf.train.Optimizer":
    """The `tf.train` optimizer named by `--optimizer`, with learning rate `lr` (a tensor
    from `learning_rate`, or --lr)."""
    lr = args.lr if lr is None else lr
    if args.optimizer == "sgd":
        return tf.train.GradientDescentOptimizer(lr)
    if args.optimizer == "momentum":
        return tf.train.MomentumOptimizer(lr, momentum=0.9)
    return tf.train.AdamOptimizer(lr)


class SingleProcess:
    """The no-op stand-in for data-parallel training: one process does everything."""

    rank = 0
    size = 1
    is_chief = True

    def shard(self, x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """This process's part of the training data: all of it."""
        return x, y

    def wrap_optimizer(self, optimizer: "tf.train.Optimizer") -> "tf.train.Optimizer":
        """An optimizer whose gradients are averaged over processes: the same one here."""
        return optimizer

    def broadcast_variables(self, sess: "tf.Session") -> None:
        """Gives every process the chief's initial variables: nothing to do here."""


def maybe_distributed(args: argparse.Namespace) -> SingleProcess:
    """DISTRIBUTED HOOK: the data-parallel helper for `--distributed` (MPI).

    Without `--distributed`: `SingleProcess`, whose methods do nothing.  With it (launch with
    `mpirun -n N python script.py --distributed ...`): `tfgraph.distribute.DataParallel`, with
    the same methods, following Horovod's conventions: `--batch-size` images per rank per step,
    the learning rate multiplied by N with `--scale-lr`, and only rank 0 prints and writes
    files (checkpoints, TensorBoard events, plots, diagrams).  See docs/distributed.md.
    """
    if not getattr(args, "distributed", False):
        return SingleProcess()
    from tfgraph.distribute import DataParallel
    dist = DataParallel()
    if getattr(args, "scale_lr", False):
        args.lr *= dist.size
    if not dist.is_chief:  # files that do not change the graph: the chief's only
        args.plot = args.graph_svg = args.logdir = None
    dist.silence_non_chief()
    print(f"Data-parallel training on {dist.size} MPI ranks: {args.batch_size} images per rank "
          f"per step ({args.batch_size * dist.size} in all), learning rate {args.lr:g}")
    return dist


# --- the graph: diagram, summary table and graph-only mode ------------------------------------
def graph_only() -> bool:
    """True when the script runs under `python -m tfgraph.viz`, which only wants the graph."""
    return bool(os.environ.get(GRAPH_ONLY_ENV))


def graph_built(args: argparse.Namespace, show_summary: bool = True) -> None:
    """Call once the graph is complete: prints the model's summary table (as Keras'
    `model.summary()`), writes `--graph-svg` (the whole graph, in the format its extension
    names), and exits when the script runs under `python -m tfgraph.viz`
    (TFGRAPH_GRAPH_ONLY=1), which only wants the graph."""
    if show_summary and not graph_only():
        tf.viz.summary()
    if args.graph_svg:
        try:
            tf.viz.render(tf.get_default_graph(), args.graph_svg,
                          format=_extension(args.graph_svg))
        except (RuntimeError, ValueError) as e:  # Graphviz missing or failing, too big
            sys.exit(f"error: cannot write --graph-svg {args.graph_svg}: {e}")
        print(f"Graph diagram written to {args.graph_svg}")
    if graph_only():
        sys.exit(0)


# --- training loop helpers --------------------------------------------------------------------
class Progress:
    """A per-epoch progress bar showing the running mean loss: tqdm on a terminal; otherwise
    (tqdm missing, or output redirected to a file) a plain line every 10 seconds, so logs of
    long epochs show progress and short epochs stay quiet."""

    LINE_EVERY_S = 10.0

    def __init__(self, total: int, desc: str):
        self.total = total
        self.desc = desc
        self.count = 0
        self.loss_sum = 0.0
        self._bar = None
        self._next_line = time.perf_counter() + self.LINE_EVERY_S
        if sys.stderr.isatty():
            try:
                from tqdm import tqdm
                self._bar = tqdm(total=total, desc=desc, unit="batch", leave=False)
            except ImportError:
                pass

    @property
    def mean_loss(self) -> float:
        """The mean of the losses passed to `update` so far."""
        return self.loss_sum / max(self.count, 1)

    def update(self, loss: float) -> None:
        """Counts one training step and its loss."""
        self.count += 1
        self.loss_sum += float(loss)
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix(loss=f"{self.mean_loss:.4f}", refresh=False)
        elif time.perf_counter() >= self._next_line:
            self._next_line = time.perf_counter() + self.LINE_EVERY_S
            print(f"  {self.desc}: {self.count}/{self.total} batches, loss {self.mean_loss:.4f}",
                  file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class Inputs:
    """The images `x` [N, 784] and one-hot labels `y` [N, 10] the model is built on.

    `--input feed`: placeholders, fed a shuffled mini-batch per step. `--input dataset`: the
    `get_next()` of a `tf.data` pipeline, `from_tensor_slices((images, labels)).shuffle(10000,
    seed).batch(batch_size).prefetch(1)`, whose iterator is initialized each epoch with the
    training arrays (fed to placeholders, so they are not copied into the graph). Evaluation
    feeds `x` and `y` directly in both modes (any tensor can be fed).
    """

    def __init__(self, args: argparse.Namespace):
        self.mode = getattr(args, "input", "feed")
        self.batch_size = args.batch_size
        if self.mode == "feed":
            self.x = tf.placeholder(tf.float32, [None, 784], name="x")
            self.y = tf.placeholder(tf.float32, [None, 10], name="y_")
            return
        with tf.name_scope("input"):
            self._images = tf.placeholder(tf.float32, [None, 784], name="images")
            self._labels = tf.placeholder(tf.float32, [None, 10], name="labels")
            ds = tf.data.Dataset.from_tensor_slices((self._images, self._labels))
            ds = ds.shuffle(10000, seed=args.seed).batch(args.batch_size).prefetch(1)
            self._iterator = ds.make_initializable_iterator()
            x, y = self._iterator.get_next()
        self.x = tf.identity(x, name="x")
        self.y = tf.identity(y, name="y_")

    def epoch(self, sess: "tf.Session", batches: "tf.datasets.Batches", images: np.ndarray,
              labels: np.ndarray) -> Iterator[Dict[Any, Any]]:
        """The feed_dict of each training step of one epoch (empty with --input dataset)."""
        if self.mode == "feed":
            for bx, by in batches:
                yield {self.x: bx, self.y: by}
            return
        sess.run(self._iterator.initializer, {self._images: images, self._labels: labels})
        for _ in range(-(-len(images) // self.batch_size)):  # the dataset's number of batches
            yield {}


def evaluate(sess: "tf.Session", fetches: Mapping[str, Any], x: Any, y: Any,
             images: np.ndarray, labels: np.ndarray, batch_size: int = 500,
             feed: Optional[Mapping[Any, Any]] = None) -> Dict[str, float]:
    """Runs scalar `fetches` (batch means, e.g. accuracy and loss) over a whole data set in
    batches (memory stays bounded for convolutions) and returns their example-weighted means."""
    totals = {k: 0.0 for k in fetches}
    for start in range(0, len(images), batch_size):
        xb, yb = images[start:start + batch_size], labels[start:start + batch_size]
        values = sess.run(dict(fetches), feed_dict={x: xb, y: yb, **(feed or {})})
        for k, v in values.items():
            totals[k] += float(v) * len(xb)
    return {k: v / max(len(images), 1) for k, v in totals.items()}


@dataclass
class Model:
    """What the training loop needs from a script's graph."""

    x: Any                                   # input placeholder
    y: Any                                   # label placeholder
    loss: Any                                # scalar: mean loss of a batch
    accuracy: Any                            # scalar: accuracy of a batch
    train_step: Any                          # the optimizer's op
    lr: Any                                  # the learning-rate placeholder (`learning_rate`)
    train_feed: Dict[Any, Any] = field(default_factory=dict)  # e.g. dropout on
    global_step: Any = None


@dataclass
class History:
    """Per-step losses and per-epoch metrics of a run (what `--plot` draws)."""

    step_loss: List[float] = field(default_factory=list)
    steps_per_epoch: int = 1
    epochs: List[int] = field(default_factory=list)
    metrics: Dict[str, List[float]] = field(default_factory=dict)
    seconds: List[float] = field(default_factory=list)

    def add_epoch(self, epoch: int, metrics: Mapping[str, float], seconds: float) -> None:
        self.epochs.append(epoch)
        self.seconds.append(seconds)
        for k, v in metrics.items():
            self.metrics.setdefault(k, []).append(float(v))


class Training:
    """The bookkeeping around a script's training loop, Keras-style.

        training = _common.Training(args, model, data, dist)   # after building the graph
        with tf.Session(config=_common.session_config(args)) as sess:
            training.start(sess)             # initialize, or restore --restore / --resume
            for epoch in training.epochs():  # stops early with --early-stopping
                for feed in training.step_feeds():
                    values = sess.run(training.fetches, feed_dict=feed)
                    training.step(values)
                training.end_epoch()         # validation, epoch line, checkpoint, TensorBoard
            training.finish()                # final line, --plot

    Per epoch it prints `Epoch 3/5 - 2.1 s - 3,810 images/s - loss: 0.3260 - accuracy:
    0.9080 - val_loss: 0.3290 - val_accuracy: 0.9085 - lr: 0.001`: loss and accuracy are the
    means over the epoch's training batches (with dropout, as Keras reports them), val_* are
    measured on the test data after the epoch.
    """

    def __init__(self, args: argparse.Namespace, model: Model, x_train: np.ndarray,
                 y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
                 dist: Optional[SingleProcess] = None, title: str = "",
                 inputs: Optional[Inputs] = None):
        self.args = args
        self.inputs = inputs
        self.model = model
        self.dist = dist or SingleProcess()
        self.title = title + (f" ×{args.lr_decay:g} per epoch" if args.lr_decay != 1 else "")
        self.x_train, self.y_train = self.dist.shard(x_train, y_train)
        self.x_test, self.y_test = x_test, y_test
        self._batches = tf.datasets.Batches(self.x_train, self.y_train, args.batch_size,
                                            shuffle=True, seed=args.seed)
        self.history = History(steps_per_epoch=len(self._batches))
        self.fetches: Dict[str, Any] = {"train": model.train_step, "loss": model.loss,
                                        "accuracy": model.accuracy}
        self.writer = None
        self._weights = tf.trainable_variables()
        if args.logdir and self.dist.is_chief:
            # Per step, on the batch; tags must not clash with name scopes ("loss" would
            # become "loss_1"), hence the batch_ prefix.
            self.fetches["summary"] = tf.summary.merge([
                tf.summary.scalar("batch_loss", model.loss),
                tf.summary.scalar("batch_accuracy", model.accuracy)])
        self.saver = tf.train.Saver(max_to_keep=3) if (args.save or args.restore) else None
        # --restore loads the model's weights only (another optimizer may follow);
        # --resume everything, optimizer state and global step included.
        # (The model's variables: trainable ones and e.g. batch norm's moving statistics,
        # not optimizer slots or the global step; see tf.viz.summary.)
        self.restorer = (tf.train.Saver(var_list=tf.viz.table.model_variables(
            tf.get_default_graph())) if args.restore and not args.resume else self.saver)
        self.sess: Any = None
        self.epoch = 0
        self.first_epoch = 1
        self.best_val_loss = math.inf
        self.stale_epochs = 0
        self.stopped_early = False
        self._progress: Optional[Progress] = None
        self._start = self._epoch_start = time.perf_counter()
        self._train_seconds = 0.0
        self._images = 0

    # -- the loop -------------------------------------------------------------------------
    def start(self, sess: "tf.Session") -> None:
        """Initializes the variables, then restores --restore / --resume if given."""
        self.sess = sess
        sess.run(tf.global_variables_initializer())
        args = self.args
        if args.restore:
            self.restorer.restore(sess, args.restore)
            print(f"Restored {'the run' if args.resume else 'the model weights'} from "
                  f"{args.restore}")
            if args.resume and self.model.global_step is not None:
                done = int(sess.run(self.model.global_step)) // max(len(self._batches), 1)
                self.first_epoch = done + 1
                self._batches.epoch = done  # the shuffle order the interrupted run had next
        else:
            self.dist.broadcast_variables(sess)
        if self.args.logdir and self.dist.is_chief:
            self.writer = tf.summary.FileWriter(args.logdir, sess.graph)

    def epochs(self) -> Iterator[int]:
        """The epoch numbers to run (1-based), ending early with --early-stopping."""
        if self.first_epoch > self.args.epochs:
            print(f"Nothing to train: the checkpoint has done {self.first_epoch - 1} epochs "
                  f"and --epochs is {self.args.epochs}")
        for epoch in range(self.first_epoch, self.args.epochs + 1):
            if self.stopped_early:
                return
            self.epoch = epoch
            self._epoch_start = time.perf_counter()
            self._epoch_losses: List[float] = []
            self._epoch_accuracies: List[float] = []
            self._progress = Progress(len(self._batches), f"Epoch {epoch}/{self.args.epochs}")
            yield epoch

    def current_lr(self) -> float:
        """--lr * --lr-decay ** (epoch - 1)."""
        return self.args.lr * self.args.lr_decay ** (max(self.epoch, 1) - 1)

    def step_feeds(self) -> Iterator[Dict[Any, Any]]:
        """The feed_dict of each training step of this epoch: its shuffled mini-batch (a new
        order every epoch, from --seed; with --input dataset the tf.data iterator reads it
        and nothing is fed), the epoch's learning rate and the script's training-only feeds
        (dropout on)."""
        extra = {self.model.lr: self.current_lr(), **self.model.train_feed}
        if self.inputs is None:
            for batch_x, batch_y in self._batches:
                yield {self.model.x: batch_x, self.model.y: batch_y, **extra}
        else:
            for feed in self.inputs.epoch(self.sess, self._batches, self.x_train, self.y_train):
                yield {**feed, **extra}

    def step(self, values: Mapping[str, Any]) -> None:
        """Records one training step's fetched values (loss, accuracy, summary)."""
        loss = float(values["loss"])
        self._epoch_losses.append(loss)
        self._epoch_accuracies.append(float(values["accuracy"]))
        self.history.step_loss.append(loss)
        self._progress.update(loss)
        if self.writer is not None and "summary" in values:
            self.writer.add_summary(values["summary"], self._global_step())

    def validate(self) -> Dict[str, float]:
        """Loss and accuracy on the test data (no training feeds: dropout off)."""
        return evaluate(self.sess, {"loss": self.model.loss, "accuracy": self.model.accuracy},
                        self.model.x, self.model.y, self.x_test, self.y_test)

    def end_epoch(self) -> Dict[str, float]:
        """Validates, prints the epoch line, saves --save, writes TensorBoard epoch scalars and
        weight histograms, and applies --early-stopping. Returns the epoch's metrics."""
        self._progress.close()
        train_seconds = time.perf_counter() - self._epoch_start
        n_images = len(self._epoch_losses) and len(self.x_train)
        self._train_seconds += train_seconds
        self._images += n_images
        val = self.validate()
        metrics = {"loss": float(np.mean(self._epoch_losses)),
                   "accuracy": float(np.mean(self._epoch_accuracies)),
                   "val_loss": val["loss"], "val_accuracy": val["accuracy"]}
        seconds = time.perf_counter() - self._epoch_start
        self.history.add_epoch(self.epoch, metrics, seconds)
        lr = self.current_lr()
        print(f"Epoch {self.epoch}/{self.args.epochs} - {seconds:.1f} s - "
              f"{n_images / max(train_seconds, 1e-9):,.0f} images/s - "
              + " - ".join(f"{k}: {v:.4f}" for k, v in metrics.items())
              + f" - lr: {lr:.3g}", flush=True)
        if self.writer is not None:
            self._write_epoch_summaries(metrics, lr)
        if self.args.save and self.dist.is_chief:
            self.saved = self.saver.save(self.sess, self.args.save,
                                         global_step=self.model.global_step)
        if self.args.early_stopping:
            if metrics["val_loss"] < self.best_val_loss:
                self.best_val_loss, self.stale_epochs = metrics["val_loss"], 0
            else:
                self.stale_epochs += 1
                if self.stale_epochs >= self.args.early_stopping:
                    self.stopped_early = True
                    print(f"Early stopping: val_loss has not improved for "
                          f"{self.stale_epochs} epochs (best {self.best_val_loss:.4f})")
        return metrics

    def finish(self, scatter: Any = None) -> Dict[str, float]:
        """Prints the final lines (test accuracy, total time and throughput, where the model
        was saved), closes the TensorBoard writer and writes --plot (with `plot_history`'s
        optional `scatter` panel). Returns the final test metrics."""
        if self.history.epochs:
            final = {"loss": self.history.metrics["val_loss"][-1],
                     "accuracy": self.history.metrics["val_accuracy"][-1]}
        else:
            final = self.validate()
        print(f"Test accuracy: {final['accuracy']:.4f}")
        if self.history.epochs:
            total = time.perf_counter() - self._start
            print(f"Trained {len(self.history.epochs)} epoch"
                  f"{'s' if len(self.history.epochs) != 1 else ''} in {total:.1f} s "
                  f"({self._images / max(self._train_seconds, 1e-9):,.0f} images/s in "
                  "training steps)")
        if self.writer is not None:
            self.writer.close()
            print(f"TensorBoard events written to {self.args.logdir}")
        if self.args.save and self.dist.is_chief and self.history.epochs:
            print(f"Model saved to {self.saved}")
        if self.args.plot and self.history.epochs:
            plot_history(self.args.plot, self.title, self.history, scatter)
        return final

    def evaluate_only(self) -> Dict[str, float]:
        """--eval-only: the restored model's loss and accuracy on the test data."""
        val = self.validate()
        print(f"Evaluation of {self.args.restore}: val_loss: {val['loss']:.4f} - "
              f"val_accuracy: {val['accuracy']:.4f}")
        print(f"Test accuracy: {val['accuracy']:.4f}")
        return val

    # -- helpers --------------------------------------------------------------------------
    def _global_step(self) -> int:
        return len(self.history.step_loss) + (self.first_epoch - 1) * len(self._batches)

    def _write_epoch_summaries(self, metrics: Mapping[str, float], lr: float) -> None:
        """Epoch scalars under `epoch/` (loss, accuracy, val_loss, val_accuracy,
        learning_rate) and a histogram of every trainable Variable tagged with its own name
        (`hidden/kernel`), at the global step of the epoch's end."""
        from tfgraph.summary.summary_ops import histogram_proto
        values = [tf.Summary.Value(tag=f"epoch/{k}", simple_value=v) for k, v in metrics.items()]
        values.append(tf.Summary.Value(tag="epoch/learning_rate", simple_value=lr))
        for var, value in zip(self._weights, self.sess.run(self._weights)):
            values.append(tf.Summary.Value(tag=var.op.name, histo=histogram_proto(value)))
        self.writer.add_summary(tf.Summary(value=values), self._global_step())


# --- plots ------------------------------------------------------------------------------------
def smooth(values: Sequence[float], weight: float = 0.9) -> np.ndarray:
    """TensorBoard's smoothing: an exponential moving average, debiased at the start."""
    out, last, norm = [], 0.0, 0.0
    for v in values:
        last = weight * last + (1 - weight) * v
        norm = weight * norm + (1 - weight)
        out.append(last / norm)
    return np.asarray(out)


def accuracy_limits(values: Sequence[float]) -> Tuple[float, float]:
    """A y range for accuracies: up to 1, down to a multiple of 0.1 at least 0.1 below the
    top, so that 0.993 vs 1.0 is not drawn as a cliff."""
    low = min(values) if len(values) else 0.0
    bottom = max(0.0, min(0.9, math.floor((low - 0.02) * 10) / 10))
    return bottom, 1.005


def plot_history(path: str, title: str, history: History,
                 scatter: Optional[Tuple[np.ndarray, np.ndarray,
                                         Sequence[Tuple[str, Sequence[float]]]]] = None) -> None:
    """Writes the training curves: (1) the loss per step (faint) and smoothed, with the
    epochs' training and test losses as points; (2) training and test accuracy per epoch;
    (3) optionally `scatter`: 2-D points coloured by label and lines w0 + w1 x1 + w2 x2 = 0.
    The x axes count epochs with integer ticks; the format follows `path`'s extension."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    n = 2 + (scatter is not None)
    fig, axes = plt.subplots(1, n, figsize=(5.2 * n, 4.2), squeeze=False)
    ax_loss, ax_acc = axes[0][0], axes[0][1]
    epochs = np.asarray(history.epochs, float)
    first = epochs[0] - 1 if len(epochs) else 0.0
    steps = np.arange(1, len(history.step_loss) + 1) / max(history.steps_per_epoch, 1) + first
    m = history.metrics
    if len(steps):
        ax_loss.plot(steps, history.step_loss, color="tab:blue", alpha=0.25, linewidth=0.8,
                     label="training loss per step")
        # TensorBoard's default smoothing is 0.6; long runs need more, short ones less lag.
        weight = min(0.95, max(0.6, 1 - 10 / len(steps)))
        smoothed = smooth(history.step_loss, weight)
        ax_loss.plot(steps, smoothed, color="tab:blue", linewidth=1.6,
                     label="per step, smoothed")
    ax_loss.plot(epochs, m.get("loss", []), "o", color="tab:blue", label="training (epoch mean)")
    ax_loss.plot(epochs, m.get("val_loss", []), "o-", color="tab:orange", label="test")
    # The first steps' losses can be 10x the rest: scale to the smoothed curve after its
    # first tenth and to the epoch points, from 0.
    tail = smoothed[len(smoothed) // 10:] if len(steps) else np.zeros(1)
    top = max([float(np.max(tail))] + m.get("loss", []) + m.get("val_loss", []))
    ax_loss.set_ylim(0, top * 1.15 if top > 0 else 1)
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("Loss")
    ax_acc.plot(epochs, m.get("accuracy", []), "o-", color="tab:blue",
                label="training (epoch mean)")
    ax_acc.plot(epochs, m.get("val_accuracy", []), "o-", color="tab:orange", label="test")
    ax_acc.set_ylim(*accuracy_limits(m.get("accuracy", []) + m.get("val_accuracy", [])))
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_title("Accuracy")
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel("epoch")
        ax.set_xlim(first, max(epochs[-1] if len(epochs) else 1, first + 1) + 0.05)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    if scatter is not None:
        points, labels, lines = scatter
        ax = axes[0][2]
        ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="coolwarm", s=10)
        lo, hi = float(points[:, 0].min()), float(points[:, 0].max())
        xs = np.linspace(lo, hi, 2)
        for name, (w0, w1, w2) in lines:
            if abs(w2) > 1e-12:  # w0 + w1 x1 + w2 x2 = 0  ->  x2 = -(w0 + w1 x1) / w2
                ax.plot(xs, -(w0 + w1 * xs) / w2, label=name)
            else:
                ax.axvline(-w0 / w1, label=name)
        ax.set_ylim(float(points[:, 1].min()), float(points[:, 1].max()))
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_title("Decision boundary")
        ax.legend(loc="best", fontsize="small")
    if title:  # "Model on data: details" -> the first part on a line of its own
        head, _, details = title.partition(": ")
        text = head + ("\n" + textwrap.fill(details, width=int(40 * n)) if details else "")
        fig.suptitle(text, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, format=_extension(path), dpi=100)
    plt.close(fig)
    print(f"Plot written to {path}")
