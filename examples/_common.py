"""Shared plumbing of the example scripts: command-line options, data, devices, progress,
evaluation, plots, graph diagrams, and the hook for data-parallel training.

Everything that is *the model* (placeholders, Variables, layers, loss, optimizer, the
`tf.Session` loop) stays in the example scripts themselves, written as in the TF1 tutorials;
this module only holds what would otherwise be repeated boilerplate around it.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np

import tfgraph as tf
from tfgraph.datasets import DatasetNotFoundError, fashion_mnist, mnist, normalize_images, one_hot

NUM_CLASSES = 10
#: Environment variable set by `python -m tfgraph.viz script.py`: build the graph, then exit.
GRAPH_ONLY_ENV = "TFGRAPH_GRAPH_ONLY"


# --- command line -----------------------------------------------------------------------------
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
      The parser; scripts add their own options before `parse_args`.
    """
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", choices=("cpu", "gpu"), default="cpu",
                   help="where the graph runs (default cpu); gpu needs CuPy and a CUDA device "
                        "and falls back to the CPU with a warning when there is none")
    p.add_argument("--graph-svg", metavar="PATH",
                   help="write a diagram of the graph (SVG; needs Graphviz's `dot`)")
    if training:
        p.add_argument("--epochs", type=int, default=epochs, help=f"default {epochs}")
        p.add_argument("--batch-size", type=int, default=batch_size,
                       help=f"examples per training step (default {batch_size})")
        p.add_argument("--lr", type=float, default=lr,
                       help=f"learning rate (default {lr if lr is not None else lr_help})")
        p.add_argument("--optimizer", choices=("sgd", "momentum", "adam"), default=optimizer,
                       help=f"GradientDescent, Momentum (0.9) or Adam (default {optimizer})")
        p.add_argument("--seed", type=int, default=0,
                       help="seed of weights, shuffling and dropout (default 0): runs with the "
                            "same seed give the same numbers")
        p.add_argument("--plot", metavar="PATH", help="write a PNG of loss and accuracy per epoch")
        p.add_argument("--logdir", metavar="DIR",
                       help="write TensorBoard event files (needs the tensorboard extra)")
        p.add_argument("--save", metavar="PATH",
                       help="save a checkpoint (tf.train.Saver) at the end")
    if dataset:
        p.add_argument("--dataset", choices=("mnist", "fashion_mnist"), default="mnist",
                       help="default mnist")
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


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """Rejects out-of-range values with argparse's usual message; returns `args`."""
    for name in ("epochs", "batch_size", "limit", "test_limit"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    if getattr(args, "lr", None) is not None and args.lr <= 0:
        parser.error(f"--lr must be positive, got {args.lr}")
    return args


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


def load_data(args: argparse.Namespace) -> Data:
    """Loads `args.dataset` with the split and limit the options ask for, and says what it got.

    With `--split auto` MNIST falls back to the test-as-train split (first 8,000 test images
    for training, last 2,000 for testing) when the 60,000 training images are not on disk,
    and prints a notice saying so.
    """
    try:
        return _load_data(args)
    except DatasetNotFoundError as e:  # the message says what is missing and where to put it
        sys.exit(f"error: {e}\nThe examples take that folder as --data-dir DIR.")


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
    description = (f"{args.dataset} ({kind}): {len(x_train)} training and "
                   f"{len(x_test)} test images")
    print(f"Data: {description}")
    return Data(normalize_images(x_train), one_hot(y_train, NUM_CLASSES),
                normalize_images(x_test), one_hot(y_test, NUM_CLASSES), description)


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
def device_scope(args: argparse.Namespace) -> contextlib.AbstractContextManager:
    """`tf.device('/gpu:0')` for `--device gpu`, else nothing: wrap graph construction in it."""
    if args.device == "gpu":
        return tf.device("/gpu:0")
    return contextlib.nullcontext()


def session_config(args: argparse.Namespace) -> "tf.ConfigProto":
    """The `tf.ConfigProto` for `--device`: no GPU for cpu; soft placement for gpu, so a
    machine without one runs the graph on the CPU (with a warning) instead of failing."""
    if args.device == "cpu":
        return tf.ConfigProto(device_count={"GPU": 0})
    if not tf.test.is_gpu_available():
        print("Warning: --device gpu but no GPU is usable here (CuPy with a CUDA device is "
              "needed); running on the CPU.", file=sys.stderr)
    return tf.ConfigProto(allow_soft_placement=True)


def make_optimizer(args: argparse.Namespace) -> "tf.train.Optimizer":
    """The `tf.train` optimizer named by `--optimizer`, with learning rate `--lr`."""
    if args.optimizer == "sgd":
        return tf.train.GradientDescentOptimizer(args.lr)
    if args.optimizer == "momentum":
        return tf.train.MomentumOptimizer(args.lr, momentum=0.9)
    return tf.train.AdamOptimizer(args.lr)


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
        args.plot = args.graph_svg = None
    dist.silence_non_chief()
    print(f"Data-parallel training on {dist.size} MPI ranks: {args.batch_size} images per rank "
          f"per step ({args.batch_size * dist.size} in all), learning rate {args.lr:g}")
    return dist


# --- the graph: diagram and graph-only mode ---------------------------------------------------
def graph_only() -> bool:
    """True when the script runs under `python -m tfgraph.viz`, which only wants the graph."""
    return bool(os.environ.get(GRAPH_ONLY_ENV))


def graph_built(args: argparse.Namespace, fetches: Any = None) -> None:
    """Call once the graph is complete: writes `--graph-svg`, and exits when the script runs
    under `python -m tfgraph.viz` (TFGRAPH_GRAPH_ONLY=1), which only wants the graph."""
    if args.graph_svg:
        target = fetches if fetches is not None else tf.get_default_graph()
        try:
            tf.viz.render(target, args.graph_svg, format="svg")
        except RuntimeError as e:  # GraphvizNotFoundError and `dot` failures
            sys.exit(f"error: cannot write --graph-svg {args.graph_svg}: {e}")
        print(f"Graph diagram written to {args.graph_svg}")
    if graph_only():
        sys.exit(0)


def ensure_parent(path: str) -> str:
    """Creates the folder `path` will be written into (tf.train.Saver wants it to exist)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return path


def require_tensorboard() -> None:
    """Exits with a clear message when `--logdir` is given but tensorboard is not installed."""
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        sys.exit("error: --logdir needs the tensorboard package for its event file format: "
                 "pip install 'tfgraph[tensorboard]' (or leave --logdir out)")


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


def batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> "tf.datasets.Batches":
    """Shuffled mini-batches, a new order every epoch, reproducible from the seed."""
    return tf.datasets.Batches(x, y, batch_size, shuffle=True, seed=seed)


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
class History:
    """Loss and accuracy per epoch; prints the lecture's summary line and draws `--plot`."""

    epochs: List[int] = field(default_factory=list)
    loss: List[float] = field(default_factory=list)
    accuracy: List[float] = field(default_factory=list)
    seconds: List[float] = field(default_factory=list)
    _start: float = field(default_factory=time.perf_counter)

    def start_epoch(self) -> None:
        self._start = time.perf_counter()

    def end_epoch(self, epoch: int, accuracy: float, loss: float) -> None:
        """Records an epoch and prints "Epoch 3 done: accuracy 0.908, loss 0.326 (2.1 s)"."""
        took = time.perf_counter() - self._start
        self.epochs.append(epoch)
        self.accuracy.append(float(accuracy))
        self.loss.append(float(loss))
        self.seconds.append(took)
        print(f"Epoch {epoch} done: accuracy {accuracy:.3f}, loss {loss:.3f} ({took:.1f} s)",
              flush=True)

    def plot(self, path: Optional[str], title: str = "", accuracy_label: str = "test accuracy",
             scatter: Optional[Tuple[np.ndarray, np.ndarray, Sequence[Tuple[str, Sequence[float]]]]]
             = None) -> None:
        """Writes a PNG with the loss and the accuracy per epoch (no-op without a path).

        Args:
          path: The PNG file, or None.
          title: A title above the panels.
          accuracy_label: What the accuracy was measured on.
          scatter: Optional `(points (N, 2), labels (N,), [(name, [w0, w1, w2]), ...])`: a
            third panel with 2-D points coloured by label and the lines w0 + w1 x1 + w2 x2 = 0.
        """
        if not path:
            return
        write_plot(path, title, [("training loss", self.epochs, self.loss),
                                 (accuracy_label, self.epochs, self.accuracy)], scatter)


def write_plot(path: str, title: str,
               panels: Sequence[Tuple[str, Sequence[float], Sequence[float]]],
               scatter: Optional[Tuple[np.ndarray, np.ndarray,
                                       Sequence[Tuple[str, Sequence[float]]]]] = None) -> None:
    """Writes a PNG with one panel per `(label, epochs, values)`, side by side (matplotlib,
    Agg backend: no display needed), plus the optional scatter panel of `History.plot`."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("error: --plot needs matplotlib: pip install 'tfgraph[examples]'")
    n = len(panels) + (scatter is not None)
    fig, axes = plt.subplots(1, n, figsize=(5 * n, 3.8), squeeze=False)
    for ax, (label, xs, ys) in zip(axes[0], panels):
        ax.plot(list(xs), list(ys), marker="o")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    if scatter is not None:
        points, labels, lines = scatter
        ax = axes[0][-1]
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
        ax.legend(loc="best", fontsize="small")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(ensure_parent(path), format="png", dpi=100)
    plt.close(fig)
    print(f"Plot written to {path}")
