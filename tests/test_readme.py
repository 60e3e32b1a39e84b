"""The README's first example runs unchanged and learns the line it claims to."""
import pathlib
import re

import numpy as np

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_first_graph_example_runs(capsys):
    code = re.search(r"## A first graph\n\n```python\n(.*?)```", README.read_text(), re.S).group(1)
    namespace: dict = {}
    np.random.seed(0)
    exec(compile(code, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    w = [float(v) for v in re.search(r"W \[(.*?)\]", out).group(1).split()]
    np.testing.assert_allclose(w, [1.0, -2.0, 0.5], atol=0.05)


def test_readme_input_pipeline_example_runs(tmp_path, monkeypatch, capsys):
    """The "Input pipelines" example trains on the GZIP TFRecord file TensorFlow wrote."""
    import shutil

    import pytest
    src = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "tf-artifacts" / \
        "tfrecord" / "data.tfrecord.gz"
    if not src.is_file():
        pytest.skip(f"TensorFlow's TFRecord artifact {src} is absent")
    shutil.copy(src, tmp_path / "train.tfrecord.gz")
    monkeypatch.chdir(tmp_path)
    code = re.search(r"## Input pipelines\n\n```python\n(.*?)```", README.read_text(), re.S).group(1)
    import tfgraph as tf
    exec(compile(code, "README.md", "exec"), {"tf": tf})
    losses = [float(v) for v in re.findall(r"loss ([0-9.]+)", capsys.readouterr().out)]
    assert len(losses) == 2 and all(np.isfinite(losses))
