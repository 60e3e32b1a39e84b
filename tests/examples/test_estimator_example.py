"""examples/estimator_fashion.py run as a subprocess on a small slice of Fashion-MNIST."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO.parent / "shared" / "datasets"
SCRIPT = REPO / "examples" / "estimator_fashion.py"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (DATA_DIR / "fashion-mnist").is_dir(),
                                 reason=f"real datasets folder {DATA_DIR} is absent")]
QUICK = ("--data-dir", str(DATA_DIR), "--limit", "1000", "--test-limit", "500")


def run(*args: str, expect_rc: int = 0) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    proc = subprocess.run([sys.executable, str(SCRIPT), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == expect_rc, f"{proc.stdout}\n{proc.stderr}"
    return proc


def accuracy(stdout: str) -> float:
    match = re.search(r"^Test accuracy: ([0-9.]+)$", stdout, re.M)
    assert match, stdout
    return float(match.group(1))


def steps(stdout: str) -> list:
    return [int(s) for s in re.findall(r"^Epoch \d+/\d+ - .* - step: (\d+)$", stdout, re.M)]


def test_dnn_classifier_learns_and_continues_from_model_dir(tmp_path):
    out = run(*QUICK, "--epochs", "2", "--model-dir", str(tmp_path)).stdout
    assert "DNNClassifier (dnn) on Fashion-MNIST: 1,000 training / 500 test" in out
    assert steps(out) == [10, 20]  # 1,000 images / batch 100 per epoch
    assert accuracy(out) > 0.6  # 10 classes: chance is 0.1
    again = run(*QUICK, "--epochs", "1", "--model-dir", str(tmp_path)).stdout
    assert steps(again) == [30]  # restored from the checkpoint at step 20
    assert any(p.name.startswith("events.out.tfevents") for p in (tmp_path / "eval").iterdir())


@pytest.mark.parametrize("args", [("--model", "custom", "--optimizer", "adam", "--lr", "0.001"),
                                  ("--model", "linear")])
def test_custom_model_fn_and_linear_classifier(args):
    out = run(*QUICK, "--epochs", "1", *args).stdout
    assert accuracy(out) > 0.5


def test_bad_arguments():
    assert "--hidden 0" in run("--hidden", "0", expect_rc=2).stderr
    assert "--optimizer and --lr go together" in run("--optimizer", "adam", expect_rc=2).stderr
