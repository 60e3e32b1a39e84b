"""Fixtures for the tfgraph.datasets tests.

Every test runs with the network blocked (the module-level downloader is
replaced by one that raises), an empty per-test cache (``TFGRAPH_CACHE_DIR``)
and no ``TFGRAPH_DATA_DIR``, so nothing depends on the machine's state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pytest

from tfgraph.datasets import _files
from tfgraph.datasets.idx import write_idx

#: Real data shipped next to the repository (never copied into it).
REAL_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


class NetworkBlocked(OSError):
    pass


def _blocked_fetch(url, out):
    raise NetworkBlocked(f"network disabled in tests: {url}")


def pytest_collection_modifyitems(config, items):
    """The fake MNIST-like files these tests write have no known SHA-256: loading them warns
    (UnverifiedDatasetWarning), which is expected here and asserted where it matters."""
    mark = pytest.mark.filterwarnings("ignore::tfgraph.datasets.UnverifiedDatasetWarning")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(mark)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    monkeypatch.delenv(_files.DATA_DIR_ENV, raising=False)
    cache_root = tmp_path / "cache-root"
    monkeypatch.setenv(_files.CACHE_DIR_ENV, str(cache_root))
    monkeypatch.setattr(_files, "_fetch_url", _blocked_fetch)
    return cache_root


@pytest.fixture
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        pytest.skip(f"real datasets folder {REAL_DATA} is absent on this machine")
    return REAL_DATA


def write_fake_dataset(
    folder: Path,
    n_train: int = 6,
    n_test: int = 4,
    label: int = 0,
    files=FILES,
    n_test_labels: Optional[int] = None,
) -> Path:
    """Writes small MNIST-like IDX gz files; every label equals ``label``.

    Images hold ``label`` in pixel [0, 0] and the example index in [0, 1].
    """
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {"train": n_train, "t10k": n_test}
    for name in files:
        prefix = name.split("-")[0]
        n = sizes[prefix]
        if "images" in name:
            x = np.zeros((n, 28, 28), np.uint8)
            x[:, 0, 0] = label
            x[:, 0, 1] = np.arange(n)
            write_idx(folder / name, x)
        else:
            if prefix == "t10k" and n_test_labels is not None:
                n = n_test_labels
            write_idx(folder / name, np.full(n, label, np.uint8))
    return folder


@pytest.fixture
def make_fake_dataset() -> Callable[..., Path]:
    return write_fake_dataset
