"""The example scripts (examples/*.py), each run as a subprocess with a short configuration.

Real data: MNIST and Fashion-MNIST from ../shared/datasets (the MNIST examples train on the
first 8,000 test images and are scored on the last 2,000, the project's offline split).
Tests that need the data are skipped, with the reason, where that folder is absent.
"""
from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DATA_DIR = REPO.parent / "shared" / "datasets"
TRAINING_SCRIPTS = ["perceptron.py", "mnist_softmax.py", "mnist_mlp.py", "mnist_cnn.py",
                    "lenet.py"]
ALL_SCRIPTS = ["quadratic.py", *TRAINING_SCRIPTS]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Subprocess runs of whole scripts: part of the full suite (tools/test.sh, CI), left out of the
# inner loop `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

needs_data = pytest.mark.skipif(not (DATA_DIR / "mnist").is_dir(),
                                reason=f"real datasets folder {DATA_DIR} is absent")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's `dot` is not installed")


def run_example(script: str, *args: str, env: Optional[Dict[str, str]] = None,
                expect_rc: int = 0, timeout: float = 180) -> subprocess.CompletedProcess:
    """Runs examples/<script> with `args` from the repository root; checks the exit status."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *filter(None, [full_env.get("PYTHONPATH")])])
    full_env.pop("TFGRAPH_GRAPH_ONLY", None)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=REPO,
                          env=full_env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == expect_rc, (
        f"{script} {' '.join(args)} exited with {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}")
    return proc


def train(script: str, *args: str, **kwargs) -> str:
    """Runs a training example on the shared data; returns its stdout."""
    return run_example(script, "--data-dir", str(DATA_DIR), *args, **kwargs).stdout


def test_accuracy(stdout: str) -> float:
    match = re.search(r"^Test accuracy: ([0-9.]+)$", stdout, re.M)
    assert match, f"no 'Test accuracy' line in:\n{stdout}"
    return float(match.group(1))


test_accuracy.__test__ = False  # a helper, not a test


_EPOCH_LINE = re.compile(r"^Epoch (\d+)/(\d+) - [0-9.]+ s - [0-9,]+ images/s - (.*)$", re.M)


def epoch_lines(stdout: str):
    """One dict per Keras-style epoch line "Epoch 3/5 - 2.1 s - 3,810 images/s - loss: 0.3260
    - accuracy: 0.9080 - val_loss: 0.3290 - val_accuracy: 0.9085 - lr: 0.001": the metrics,
    plus "epoch" and "epochs"."""
    out = []
    for epoch, epochs, rest in _EPOCH_LINE.findall(stdout):
        values = dict(item.split(": ") for item in rest.split(" - "))
        out.append({"epoch": int(epoch), "epochs": int(epochs),
                    **{k: float(v) for k, v in values.items()}})
    return out


# --- every script ----------------------------------------------------------------------------
@pytest.mark.parametrize("script", ALL_SCRIPTS)
def test_help(script):
    out = run_example(script, "--help").stdout
    assert out.startswith("usage:")
    assert "--device" in out and "--graph-svg" in out
    if script in TRAINING_SCRIPTS:
        for option in ("--epochs", "--batch-size", "--lr", "--optimizer", "--seed", "--plot",
                       "--logdir", "--save"):
            assert option in out, f"{script} --help lacks {option}"
    if script.startswith(("mnist", "lenet")):
        for option in ("--dataset", "--data-dir", "--split", "--limit", "--test-limit"):
            assert option in out, f"{script} --help lacks {option}"


def test_bad_arguments_are_rejected():
    proc = run_example("mnist_mlp.py", "--epochs", "0", expect_rc=2)
    assert "--epochs must be at least 1" in proc.stderr


@needs_dot
@pytest.mark.parametrize("script,args", [
    ("quadratic.py", ["--fed"]),
    ("perceptron.py", []),
    ("mnist_softmax.py", ["--loss", "mse"]),
    ("mnist_mlp.py", []),
    ("mnist_cnn.py", ["--model", "tutorial"]),
    ("mnist_cnn.py", ["--model", "deep"]),
    ("mnist_cnn.py", ["--model", "keras"]),
    ("lenet.py", []),
])
def test_graph_svg_in_graph_only_mode(tmp_path, script, args):
    # TFGRAPH_GRAPH_ONLY=1 (what `python -m tfgraph.viz` sets): draw, then exit before any
    # data is loaded or training runs.
    svg = tmp_path / "graph.svg"
    out = run_example(script, *args, "--graph-svg", str(svg),
                      env={"TFGRAPH_GRAPH_ONLY": "1"}).stdout
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and text.rstrip().endswith("</svg>")
    assert "Epoch" not in out and "roots:" not in out and "Data:" not in out


# --- quadratic -------------------------------------------------------------------------------
def parse_roots(stdout: str):
    match = re.search(r"^roots: (\S+) (\S+)$", stdout, re.M)
    assert match, stdout
    checks = [float(v) for v in re.findall(r"^check: y\(\S+\) = (\S+)$", stdout, re.M)]
    return float(match.group(1)), float(match.group(2)), checks


@pytest.mark.parametrize("mode", [[], ["--fed"]])
def test_quadratic_lecture_equation(mode):
    out = run_example("quadratic.py", *mode).stdout
    x1, x2, checks = parse_roots(out)
    assert x1 == pytest.approx((3 + math.sqrt(17)) / 4, abs=1e-6)  # 1.7807764
    assert x2 == pytest.approx((3 - math.sqrt(17)) / 4, abs=1e-6)  # -0.2807764
    assert "roots: 1.7807764 -0.2807764" in out
    assert len(checks) == 2 and all(abs(c) < 1e-5 for c in checks)


def test_quadratic_fed_other_equation_and_no_real_roots():
    x1, x2, _ = parse_roots(run_example("quadratic.py", "--fed", "--a", "1", "--b", "-3",
                                        "--c", "2", "--dtype", "float64").stdout)
    assert (x1, x2) == (2.0, 1.0)
    assert "no real roots" in run_example("quadratic.py", "--c", "5").stdout


def test_quadratic_device_gpu_runs_or_falls_back():
    # With a GPU the graph runs there; without one, soft placement runs it on the CPU and the
    # script says so. The roots are right either way.
    proc = run_example("quadratic.py", "--device", "gpu")
    x1, x2, _ = parse_roots(proc.stdout)
    assert x1 == pytest.approx(1.7807764, abs=1e-6) and x2 == pytest.approx(-0.2807764, abs=1e-6)
    import tfgraph as tf
    if not tf.test.is_gpu_available():
        # One warning line, and no soft-placement report listing ops.
        assert [line for line in proc.stderr.splitlines() if line.strip()] == [
            "Warning: --device gpu but no GPU is usable here (CuPy with a CUDA device is "
            "needed); running on the CPU."]


# --- perceptron ------------------------------------------------------------------------------
def test_perceptron(tmp_path):
    png = tmp_path / "perceptron.png"
    out = run_example("perceptron.py", "--plot", str(png)).stdout
    # The lecture's perceptron at X = [-1, 2]: sigmoid(1 + 3*(-1) - 2*2) = sigmoid(-6).
    assert re.search(r"-1\.0\s+2\.0\s+-6\.0\s+0\.00247", out), out
    train_acc = float(re.search(r"^Accuracy on the training points: ([0-9.]+)$", out,
                                re.M).group(1))
    # Measured (seed 0): 1.000 on the training points and on the test points.
    assert train_acc >= 0.98
    assert test_accuracy(out) >= 0.97
    assert re.search(r"^Learned decision boundary: -?[0-9.]+ [+-] [0-9.]+ x1 [+-] [0-9.]+ x2 = 0",
                     out, re.M), out
    assert png.read_bytes().startswith(PNG_MAGIC)


# --- MNIST -----------------------------------------------------------------------------------
@needs_data
def test_mnist_softmax_xent_with_plot(tmp_path):
    png = tmp_path / "softmax.png"
    out = train("mnist_softmax.py", "--epochs", "2", "--plot", str(png))
    # The training images are not in the shared folder: the script switches split by itself.
    assert "Notice: the MNIST training images" in out
    assert "8000 training and 2000 test images" in out
    lines = epoch_lines(out)
    assert [e["epoch"] for e in lines] == [1, 2] and {e["epochs"] for e in lines} == {2}
    assert set(lines[0]) == {"epoch", "epochs", "loss", "accuracy", "val_loss", "val_accuracy",
                             "lr"}
    assert lines[1]["val_accuracy"] == test_accuracy(out)
    assert test_accuracy(out) >= 0.89  # measured 0.919 (seed 0)
    assert png.read_bytes().startswith(PNG_MAGIC)


@needs_data
def test_mnist_softmax_mse_learns():
    out = train("mnist_softmax.py", "--loss", "mse", "--epochs", "2")
    losses = [e["loss"] for e in epoch_lines(out)]
    assert losses[1] < losses[0]
    assert test_accuracy(out) >= 0.78  # measured 0.817 (seed 0)


@needs_data
def test_mnist_mlp_on_test_as_train_split():
    out = train("mnist_mlp.py", "--epochs", "2", "--split", "test-as-train")
    assert "8000 training and 2000 test images" in out
    assert test_accuracy(out) >= 0.91  # measured 0.9415 (seed 0)


@needs_data
def test_mnist_mlp_is_deterministic_with_a_seed():
    args = ("--limit", "1000", "--epochs", "1", "--hidden", "32", "--seed", "3")
    # Timings differ from run to run; everything else is the same.
    strip = lambda out: re.sub(r"[0-9.,]+ (s|images/s)\b", "", out)  # noqa: E731
    assert strip(train("mnist_mlp.py", *args)) == strip(train("mnist_mlp.py", *args))


@needs_data
def test_mnist_mlp_fashion_mnist_standard_split():
    out = train("mnist_mlp.py", "--dataset", "fashion_mnist", "--limit", "3000", "--epochs", "1")
    assert "3000 training and 10000 test images" in out
    assert test_accuracy(out) >= 0.70  # measured 0.7365 (seed 0); chance is 0.1


@needs_data
def test_mnist_mlp_logdir_and_save(tmp_path):
    pytest.importorskip("tensorboard")
    logdir, ckpt = tmp_path / "logs", tmp_path / "ckpt" / "mlp"
    out = train("mnist_mlp.py", "--limit", "500", "--epochs", "1", "--hidden", "32",
                "--logdir", str(logdir), "--save", str(ckpt))
    events = list(logdir.glob("events.out.tfevents.*"))
    assert len(events) == 1 and events[0].stat().st_size > 0
    assert f"Model saved to {ckpt}" in out
    assert any(p.name.startswith("mlp") for p in ckpt.parent.iterdir())


@needs_data
def test_mnist_cnn_tutorial_model():
    out = train("mnist_cnn.py", "--model", "tutorial", "--limit", "2000", "--epochs", "1",
                "--batch-size", "32")
    assert test_accuracy(out) >= 0.78  # measured 0.827 (seed 0); chance is 0.1


@needs_data
@pytest.mark.parametrize("model", ["deep", "keras"])
def test_mnist_cnn_other_models_train(model):
    # Only a few steps (these models are heavy on a CPU): the run completes, the loss is
    # finite and the accuracy is a proper fraction.
    out = train("mnist_cnn.py", "--model", model, "--limit", "128", "--epochs", "1",
                "--test-limit", "200")
    assert "128 training and 200 test images" in out
    (line,) = epoch_lines(out)
    assert math.isfinite(line["loss"]) and math.isfinite(line["val_loss"])
    assert 0.0 <= test_accuracy(out) <= 1.0 and line["val_accuracy"] == test_accuracy(out)


@needs_data
def test_lenet():
    out = train("lenet.py", "--limit", "2000", "--epochs", "1", "--batch-size", "32",
                "--lr", "0.003")
    assert test_accuracy(out) >= 0.87  # measured 0.907 (seed 0); chance is 0.1


@needs_data
@pytest.mark.parametrize("script,extra", [("mnist_mlp.py", ("--hidden", "32")),
                                          ("mnist_cnn.py", ())])
def test_input_dataset_trains_like_feed_dict(script, extra):
    """--input dataset (tf.data: slices -> shuffle -> batch -> prefetch) learns as well as
    feed_dict on the same data (the shuffling orders differ, so the numbers do too)."""
    args = ("--dataset", "fashion_mnist", "--limit", "1000", "--test-limit", "500",
            "--epochs", "1", *extra)
    fed = test_accuracy(train(script, *args))
    piped = test_accuracy(train(script, *args, "--input", "dataset"))
    assert piped > 0.4 and piped > fed - 0.1, (fed, piped)

# --- options checked before anything runs ------------------------------------------------------
def _hide_module(tmp_path, name):
    """An env whose PYTHONPATH makes `import name` fail, as if the package were missing."""
    stub = tmp_path / "hide" / name
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text(f"raise ImportError('{name} is hidden by the test')\n")
    return {"PYTHONPATH": os.pathsep.join([str(tmp_path / "hide"), str(REPO)])}


@pytest.mark.parametrize("args,message", [
    (["--plot", "curves.txt"], "--plot curves.txt: the extension picks the format"),
    (["--graph-svg", "g.jpg"], "--graph-svg g.jpg: the extension picks the format"),
    (["--eval-only"], "--eval-only evaluates a trained model: give --restore"),
    (["--resume"], "--resume continues from the checkpoints of --save"),
    (["--restore", "no/such/ckpt"], "--restore no/such/ckpt: no checkpoint with that prefix"),
    (["--lr-decay", "1.5"], "--lr-decay must be in (0, 1]"),
    (["--early-stopping", "0"], "--early-stopping must be at least 1"),
])
def test_bad_output_and_restore_options_are_refused_before_training(tmp_path, args, message):
    proc = run_example("mnist_softmax.py", *args, "--data-dir", str(DATA_DIR), expect_rc=2)
    assert message in proc.stderr and "Data:" not in proc.stdout and "Epoch" not in proc.stdout


def test_plot_and_logdir_without_their_packages_are_refused_up_front(tmp_path):
    proc = run_example("perceptron.py", "--plot", str(tmp_path / "p.png"), expect_rc=2,
                       env=_hide_module(tmp_path, "matplotlib"))
    assert "--plot needs matplotlib: pip install 'tfgraph[examples]'" in proc.stderr
    assert "Epoch" not in proc.stdout and not (tmp_path / "p.png").exists()
    proc = run_example("perceptron.py", "--logdir", str(tmp_path / "logs"), expect_rc=2,
                       env=_hide_module(tmp_path, "tensorboard"))
    assert "--logdir needs the tensorboard package" in proc.stderr and "Epoch" not in proc.stdout


def test_spellings_people_use_are_accepted():
    from importlib import util
    spec = util.spec_from_file_location("mlp", EXAMPLES / "mnist_mlp.py")
    sys.path.insert(0, str(EXAMPLES))
    try:
        mlp = util.module_from_spec(spec)
        spec.loader.exec_module(mlp)
        args = mlp.parse_args(["--dataset", "fashion-mnist", "--optimizer", "Adam"])
        assert (args.dataset, args.optimizer) == ("fashion_mnist", "adam")
        assert mlp.parse_args(["--dataset", "Fashion-MNIST", "--optimizer", "SGD"]).dataset == \
            "fashion_mnist"
    finally:
        sys.path.remove(str(EXAMPLES))


def test_graph_svg_draws_the_whole_graph_in_the_format_its_extension_names(tmp_path):
    dot = tmp_path / "out" / "graph.dot"  # the folder is created
    run_example("mnist_softmax.py", "--graph-svg", str(dot), env={"TFGRAPH_GRAPH_ONLY": "1"})
    source = dot.read_text()
    assert source.startswith("digraph")
    # Not only the train op's ancestors: the accuracy scope and the loss are drawn too.
    assert "cluster_accuracy" in source and "cluster_loss" in source


@needs_data
def test_summary_table_and_keras_style_lines(tmp_path):
    out = train("mnist_mlp.py", "--limit", "300", "--test-limit", "200", "--epochs", "2",
                "--hidden", "16", "--lr-decay", "0.5", "--optimizer", "Adam")
    assert re.search(r"^hidden +MatMul, BiasAdd, Relu +\(None, 16\) +12,560$", out, re.M), out
    assert re.search(r"^Total params: 12,730 \(49\.73 KB\)$", out, re.M)
    lines = epoch_lines(out)
    assert [e["lr"] for e in lines] == [0.001, 0.0005]
    assert re.search(r"^Trained 2 epochs in [0-9.]+ s \([0-9,]+ images/s in training steps\)$",
                     out, re.M)


@needs_data
def test_save_to_a_folder_then_restore_eval_only_and_resume(tmp_path):
    ckpt_dir = tmp_path / "new" / "ckpt"
    common = ("--limit", "200", "--test-limit", "200", "--hidden", "16", "--batch-size", "50")
    out = train("mnist_mlp.py", *common, "--epochs", "1", "--save", f"{ckpt_dir}/")
    # DIR/ means DIR/model; the global step (4 batches) numbers the checkpoint.
    assert f"Model saved to {ckpt_dir / 'model-4'}" in out
    accuracy = test_accuracy(out)
    out = train("mnist_mlp.py", *common, "--restore", str(ckpt_dir), "--eval-only")
    assert f"Restored the model weights from {ckpt_dir / 'model-4'}" in out
    assert test_accuracy(out) == accuracy and "Epoch" not in out
    out = train("mnist_mlp.py", *common, "--epochs", "2", "--save", f"{ckpt_dir}/", "--resume")
    assert f"Restored the run from {ckpt_dir / 'model-4'}" in out
    assert [e["epoch"] for e in epoch_lines(out)] == [2]
    assert f"Model saved to {ckpt_dir / 'model-8'}" in out


def _summary_values(events_file):
    """The Summary values of an event file, as written (no TensorBoard data migration)."""
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboard.compat.proto.event_pb2 import Event
    return [v for record in RawEventFileLoader(str(events_file)).Load()
            for v in Event.FromString(record).summary.value]


@needs_data
def test_tensorboard_epoch_scalars_and_histogram_tags(tmp_path):
    pytest.importorskip("tensorboard")
    logdir = tmp_path / "logs"
    train("mnist_mlp.py", "--limit", "200", "--test-limit", "100", "--epochs", "1",
          "--hidden", "8", "--logdir", str(logdir))
    (events,) = logdir.glob("events.out.tfevents.*")
    tags = {}
    for value in _summary_values(events):
        tags.setdefault(value.tag, value)
    for tag in ("epoch/loss", "epoch/accuracy", "epoch/val_loss", "epoch/val_accuracy",
                "epoch/learning_rate", "batch_loss", "batch_accuracy"):
        assert tag in tags, sorted(tags)
    assert tags["epoch/learning_rate"].simple_value == pytest.approx(0.001)
    for var in ("hidden/kernel", "hidden/bias", "logits/kernel", "logits/bias"):
        assert tags[var].histo.num > 0, sorted(tags)


def test_perceptron_logs_its_bias(tmp_path):
    pytest.importorskip("tensorboard")
    logdir = tmp_path / "logs"
    run_example("perceptron.py", "--epochs", "1", "--logdir", str(logdir))
    (events,) = logdir.glob("events.out.tfevents.*")
    tags = {v.tag for v in _summary_values(events)}
    assert {"w0", "W"} <= tags


def test_early_stopping_stops_after_patience_epochs_without_improvement(capsys):
    import argparse

    import numpy as np

    import tfgraph as tf
    sys.path.insert(0, str(EXAMPLES))
    try:
        import _common
    finally:
        sys.path.remove(str(EXAMPLES))
    x = tf.placeholder(tf.float32, [None, 1], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    w = tf.Variable([[0.5]], name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    accuracy = tf.constant(1.0)
    args = argparse.Namespace(batch_size=4, seed=0, lr=0.1, lr_decay=1.0, epochs=10,
                              early_stopping=2, logdir=None, save=None, restore=None,
                              resume=False, plot=None)
    lr = _common.learning_rate(args)
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=step)
    data = np.ones((8, 1), np.float32)
    training = _common.Training(args, _common.Model(x, y, loss, accuracy, train, lr,
                                                    global_step=step), data, data, data, data)
    val_losses = iter([1.0, 0.8, 0.9, 0.95, 0.7, 0.6])
    training.validate = lambda: {"loss": next(val_losses), "accuracy": 1.0}
    ran = []
    with tf.Session() as sess:
        training.start(sess)
        for epoch in training.epochs():
            ran.append(epoch)
            for feed in training.step_feeds():
                training.step(sess.run(training.fetches, feed_dict=feed))
            training.end_epoch()
        training.finish()
        assert sess.run(step) == 4 * 2  # 2 batches per epoch
    assert ran == [1, 2, 3, 4]
    out = capsys.readouterr().out
    assert "Early stopping: val_loss has not improved for 2 epochs (best 0.8000)" in out
    assert "Test accuracy: 1.0000" in out and "Trained 4 epochs" in out


def test_missing_data_message_speaks_in_command_line_options(tmp_path):
    from pathlib import Path

    from tfgraph.datasets import DatasetNotFoundError
    sys.path.insert(0, str(EXAMPLES))
    try:
        import _common
    finally:
        sys.path.remove(str(EXAMPLES))
    missing = ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"]
    error = DatasetNotFoundError("mnist", missing, [tmp_path, Path(tmp_path / "mnist")],
                                 ["https://a/x.gz: URLError: no network"] * 4)
    args = type("Args", (), {"split": "auto"})()
    text = _common.data_not_found_message(error, args)
    lines = text.splitlines()
    assert len(lines) <= 5, text
    assert lines[0] == ("error: the MNIST files train-images-idx3-ubyte.gz, "
                        "t10k-images-idx3-ubyte.gz were not found.")
    assert f"{tmp_path / 'mnist'} (missing)" in text and "4 attempts; URLError: no network" in text
    assert "--data-dir DIR" in text and "--split test-as-train" in text
    assert "split='test-as-train'" not in text and "path=" not in text
    error = DatasetNotFoundError("fashion_mnist", missing, [tmp_path])
    text = _common.data_not_found_message(error, args)
    assert "Fashion-MNIST" in text and "DIR/fashion-mnist/" in text and "--split" not in text


@needs_data
def test_fashion_lstm_learns_row_by_row():
    out = train("fashion_lstm.py", "--limit", "2000", "--test-limit", "1000", "--epochs", "1",
                "--hidden", "32")
    assert "Fashion-MNIST" in out and "2000 training and 1000 test images" in out
    assert test_accuracy(out) >= 0.45  # chance is 0.1
