"""Dataset files are checked before they are trusted (issue 13, item 8): an IDX header is
checked against the real file size before anything is allocated, and local files against
the known SHA-256 digests (another dataset's file under this name is an error, an unknown
digest a warning)."""
from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from tfgraph.datasets import (
    IDXFormatError,
    UnverifiedDatasetWarning,
    WrongDatasetFileError,
    fashion_mnist,
    mnist,
)
from tfgraph.datasets import _files
from tfgraph.datasets.idx import read_idx, read_idx_images, write_idx

REAL_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"

# 50,000 x 1000 x 1000 uint8 images: 50 GB claimed by a 16-byte header.
_HUGE_HEADER = struct.pack(">HBB3i", 0, 0x08, 3, 50_000, 1000, 1000)


def _read_without_allocating(source):
    tracemalloc.start()
    try:
        with pytest.raises(IDXFormatError) as info:
            read_idx_images(source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"allocated {peak} bytes before failing"
    return info.value


@pytest.mark.parametrize("payload", [b"", b"\x00" * 1000], ids=["header-only", "some-data"])
def test_huge_header_in_a_small_file_fails_before_allocating(tmp_path, payload):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(_HUGE_HEADER + payload)
    err = _read_without_allocating(path)
    assert str(path) in str(err) and err.filename == str(path)
    assert "50000000016 bytes" in str(err) and f"only {16 + len(payload)}" in str(err)


def test_huge_header_in_a_small_gzip_file_fails_before_allocating(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(_HUGE_HEADER + b"\x00" * 5000))
    err = _read_without_allocating(path)
    assert str(path) in str(err) and "gzip" in str(err)


def test_huge_header_in_a_file_object_fails_before_allocating():
    err = _read_without_allocating(io.BytesIO(_HUGE_HEADER + b"\x07" * 10))
    assert "BytesIO" in str(err) and "only 26" in str(err)


def test_exact_files_still_read(tmp_path):
    x = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    for name in ("a", "a.gz"):
        write_idx(tmp_path / name, x)
        np.testing.assert_array_equal(read_idx(tmp_path / name), x)
    buf = io.BytesIO()
    write_idx(buf, x, compress=True)
    buf.seek(0)
    np.testing.assert_array_equal(read_idx(buf), x)


# --- checksums of local files -----------------------------------------------------------------
def test_fashion_mnist_files_named_like_mnist_are_refused(tmp_path):
    if not REAL_DATA.is_dir():
        pytest.skip(f"real datasets folder {REAL_DATA} is absent on this machine")
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in (mnist.TEST_IMAGES, mnist.TEST_LABELS):
        shutil.copy(REAL_DATA / "fashion-mnist" / name, folder / name)
    with pytest.raises(WrongDatasetFileError, match="fashion-mnist's t10k-images") as info:
        mnist.load_test_split(folder, download=False)
    assert info.value.path == folder / mnist.TEST_IMAGES
    assert info.value.expected == ("mnist", mnist.TEST_IMAGES)
    assert info.value.actual == ("fashion-mnist", fashion_mnist.TEST_IMAGES)
    assert str(folder / mnist.TEST_IMAGES) in str(info.value)


def test_real_files_load_without_warning(recwarn):
    if not REAL_DATA.is_dir():
        pytest.skip(f"real datasets folder {REAL_DATA} is absent on this machine")
    (x_train, _), _ = mnist.load_test_split(REAL_DATA, download=False)
    assert x_train.shape == (8000, 28, 28)
    assert not [w for w in recwarn if issubclass(w.category, UnverifiedDatasetWarning)]


def test_a_known_file_under_another_known_name_is_refused(tmp_path, monkeypatch):
    """Without the real files: MNIST's test labels digest under MNIST's train-labels name."""
    content = b"pretend these are mnist test labels"
    digest = hashlib.sha256(content).hexdigest()
    files = dict(mnist.SPEC.files)
    files[mnist.TEST_LABELS] = (digest,)
    spec = _files.DatasetSpec(name="mnist", subdirs=("mnist",), files=files, mirrors=())
    monkeypatch.setattr(_files, "_KNOWN_SPECS", [spec, fashion_mnist.SPEC])
    (tmp_path / mnist.TRAIN_LABELS).write_bytes(content)
    with pytest.raises(WrongDatasetFileError, match=r"expected mnist's train-labels.*this file "
                                                    r"is mnist's t10k-labels") as info:
        _files.resolve_files(spec, [mnist.TRAIN_LABELS], tmp_path, download=False)
    assert info.value.digest == digest


def test_an_unknown_local_file_loads_with_a_warning(tmp_path, make_fake_dataset):
    folder = make_fake_dataset(tmp_path / "data", n_train=6, n_test=4, label=3)
    with pytest.warns(UnverifiedDatasetWarning, match="t10k-images-idx3-ubyte.gz.*not a known "
                                                      "digest of mnist's"):
        (x_train, y_train), (x_test, y_test) = mnist.load_data(folder, download=False)
    assert x_train.shape == (6, 28, 28) and list(y_test) == [3, 3, 3, 3]


def test_local_files_are_hashed_once_per_version(tmp_path, monkeypatch, make_fake_dataset):
    folder = make_fake_dataset(tmp_path / "data")
    calls = []
    real = _files.sha256_file
    monkeypatch.setattr(_files, "sha256_file", lambda p: calls.append(p) or real(p))
    with pytest.warns(UnverifiedDatasetWarning):
        mnist.load_data(folder, download=False)
    with pytest.warns(UnverifiedDatasetWarning):
        mnist.load_data(folder, download=False)
    assert len(calls) == 4
    write_idx(folder / mnist.TEST_LABELS, np.full(4, 7, np.uint8))  # a new version: hashed again
    with pytest.warns(UnverifiedDatasetWarning):
        (_, _), (_, y_test) = mnist.load_data(folder, download=False)
    assert len(calls) == 5 and list(y_test) == [7, 7, 7, 7]
