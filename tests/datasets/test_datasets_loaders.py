"""Tests of the MNIST / Fashion-MNIST loaders: search order, downloads, errors, real data."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np
import pytest

from tfgraph.datasets import (
    ChecksumMismatchError,
    DatasetNotFoundError,
    IDXFormatError,
    _files,
    fashion_mnist,
    mnist,
)
from tfgraph.datasets.idx import write_idx

REAL_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"

T10K = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _label_of(split):
    (x_train, y_train), (x_test, y_test) = split
    return int(y_train[0])


# --------------------------------------------------------------------------- search


def test_missing_files_without_download(tmp_path, isolated_env):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatasetNotFoundError) as ei:
        mnist.load_data(empty, download=False)
    err = ei.value
    assert isinstance(err, FileNotFoundError)
    msg = str(err)
    for name in (
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ):
        assert name in msg
    assert str(empty) in msg and str(empty / "mnist") in msg
    assert str(isolated_env / "mnist") in msg  # the cache folder
    assert "TFGRAPH_DATA_DIR" in msg and "path=" in msg
    assert "download=False" in msg
    assert err.searched == [empty, empty / "mnist", isolated_env / "mnist"]
    assert len(err.missing) == 4


def test_offline_error_lists_download_failures(tmp_path, isolated_env):
    with pytest.raises(DatasetNotFoundError) as ei:
        fashion_mnist.load_data()
    msg = str(ei.value)
    assert "Download failed" in msg and "network disabled in tests" in msg
    assert "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/" in msg
    # Failed downloads leave nothing in the cache.
    assert list((isolated_env / "fashion-mnist").iterdir()) == []


def test_files_directly_or_in_subfolder(tmp_path, make_fake_dataset):
    make_fake_dataset(tmp_path / "flat", label=1)
    make_fake_dataset(tmp_path / "nested" / "mnist", label=2)
    make_fake_dataset(tmp_path / "nested" / "fashion-mnist", label=3)
    assert _label_of(mnist.load_data(tmp_path / "flat")) == 1
    assert _label_of(mnist.load_data(str(tmp_path / "nested"))) == 2
    assert _label_of(fashion_mnist.load_data(tmp_path / "nested")) == 3


def test_search_order_path_env_cache(tmp_path, monkeypatch, isolated_env, make_fake_dataset):
    make_fake_dataset(tmp_path / "explicit", label=1)
    make_fake_dataset(tmp_path / "env" / "mnist", label=2)
    make_fake_dataset(isolated_env / "mnist", label=3)
    monkeypatch.setenv("TFGRAPH_DATA_DIR", str(tmp_path / "env"))
    assert _label_of(mnist.load_data(tmp_path / "explicit")) == 1
    assert _label_of(mnist.load_data()) == 2
    monkeypatch.delenv("TFGRAPH_DATA_DIR")
    assert _label_of(mnist.load_data()) == 3
    # An explicit folder without the files falls through to the env var, then the cache.
    (tmp_path / "nothing").mkdir()
    monkeypatch.setenv("TFGRAPH_DATA_DIR", str(tmp_path / "env"))
    assert _label_of(mnist.load_data(tmp_path / "nothing")) == 2


def test_env_var_may_list_several_folders(tmp_path, monkeypatch, make_fake_dataset):
    make_fake_dataset(tmp_path / "b", label=5)
    monkeypatch.setenv("TFGRAPH_DATA_DIR", f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}")
    assert _label_of(mnist.load_data(download=False)) == 5


def test_each_file_taken_from_first_place_that_has_it(tmp_path, isolated_env, make_fake_dataset):
    make_fake_dataset(tmp_path / "explicit", label=1, files=T10K, n_test=4)
    make_fake_dataset(isolated_env / "mnist", label=2, n_train=6, n_test=9)
    (x_train, y_train), (x_test, y_test) = mnist.load_data(tmp_path / "explicit")
    assert list(y_train) == [2] * 6 and list(y_test) == [1] * 4


def test_standard_split_needs_train_images(tmp_path, make_fake_dataset):
    make_fake_dataset(tmp_path / "d", files=T10K + ("train-labels-idx1-ubyte.gz",))
    with pytest.raises(DatasetNotFoundError) as ei:
        mnist.load_data(tmp_path / "d")
    assert ei.value.missing == ["train-images-idx3-ubyte.gz"]
    assert "split='test-as-train'" in str(ei.value)


def test_test_as_train_split(tmp_path, make_fake_dataset):
    make_fake_dataset(tmp_path / "d", files=T10K, n_test=10, label=4)
    (xa, ya), (xb, yb) = mnist.load_test_split(tmp_path / "d", n_train=7)
    assert xa.shape == (7, 28, 28) and xb.shape == (3, 28, 28)
    assert list(xa[:, 0, 1]) == list(range(7)) and list(xb[:, 0, 1]) == [7, 8, 9]
    with pytest.raises(ValueError, match="n_train"):
        mnist.load_test_split(tmp_path / "d", n_train=10)
    with pytest.raises(ValueError, match="split must be one of"):
        mnist.load_data(tmp_path / "d", split="bogus")


def test_count_mismatch_between_files(tmp_path, make_fake_dataset):
    make_fake_dataset(tmp_path / "d", n_test=4, n_test_labels=3)
    with pytest.raises(IDXFormatError, match="holds 3 labels but the image file .* holds 4 images"):
        mnist.load_data(tmp_path / "d")


def test_corrupt_local_file(tmp_path, make_fake_dataset):
    d = make_fake_dataset(tmp_path / "d")
    path = d / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(IDXFormatError) as ei:
        mnist.load_data(d)
    assert str(path) in str(ei.value)


# ------------------------------------------------------------------------ downloads


def _fake_spec(contents):
    return _files.DatasetSpec(
        name="toy",
        subdirs=("toy",),
        files={n: (hashlib.sha256(b).hexdigest(),) for n, b in contents.items()},
        mirrors=("https://mirror-one.invalid/toy/", "https://mirror-two.invalid/toy"),
    )


def _labels_gz(values):
    buf = io.BytesIO()
    write_idx(buf, np.asarray(values, np.uint8), compress=True)
    return buf.getvalue()


def test_download_writes_temp_file_then_renames(tmp_path, isolated_env):
    data = {"a.gz": _labels_gz([1, 2, 3]), "b.gz": _labels_gz([4])}
    spec = _fake_spec(data)
    cache = isolated_env / "toy"
    calls = []

    def fetch(url, out):
        calls.append(url)
        name = url.rsplit("/", 1)[1]
        # The only new file while writing: a hidden temporary one beside the real name.
        temps = [p.name for p in cache.iterdir() if p.name not in data or p.name == name]
        assert len(temps) == 1 and temps[0].startswith(f".{name}.") and temps[0].endswith(".tmp")
        assert not (cache / name).exists()  # nothing under the real name while writing
        out.write(data[name])

    got = _files.resolve_files(spec, ["a.gz", "b.gz"], fetch=fetch)
    assert calls == ["https://mirror-one.invalid/toy/a.gz", "https://mirror-one.invalid/toy/b.gz"]
    assert got == {"a.gz": cache / "a.gz", "b.gz": cache / "b.gz"}
    assert sorted(p.name for p in cache.iterdir()) == ["a.gz", "b.gz"]
    assert (cache / "a.gz").read_bytes() == data["a.gz"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert (cache / "a.gz").stat().st_mode & 0o777 == 0o666 & ~umask  # as open() makes files
    # Second call: served from the cache, no fetch.
    again = _files.resolve_files(spec, ["a.gz"], fetch=lambda url, out: pytest.fail(url))
    assert again == {"a.gz": cache / "a.gz"}


def test_download_falls_back_to_next_mirror(isolated_env):
    data = {"a.gz": _labels_gz([9, 9])}
    spec = _fake_spec(data)

    def fetch(url, out):
        if "mirror-one" in url:
            out.write(b"partial")
            raise ConnectionResetError("reset by peer")
        out.write(data["a.gz"])

    got = _files.resolve_files(spec, ["a.gz"], fetch=fetch)
    assert got["a.gz"].read_bytes() == data["a.gz"]
    assert [p.name for p in got["a.gz"].parent.iterdir()] == ["a.gz"]


def test_interrupted_download_leaves_nothing(isolated_env):
    data = {"a.gz": _labels_gz(list(range(100)))}
    spec = _fake_spec(data)

    def fetch(url, out):
        out.write(data["a.gz"][:50])
        raise ConnectionResetError("connection lost mid-way")

    with pytest.raises(DatasetNotFoundError) as ei:
        _files.resolve_files(spec, ["a.gz"], fetch=fetch)
    assert "connection lost mid-way" in str(ei.value)
    assert ei.value.missing == ["a.gz"]
    assert list((isolated_env / "toy").iterdir()) == []

    # A hard interruption (e.g. Ctrl-C) propagates and also leaves nothing behind.
    def fetch_interrupt(url, out):
        out.write(data["a.gz"][:50])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _files.resolve_files(spec, ["a.gz"], fetch=fetch_interrupt)
    assert list((isolated_env / "toy").iterdir()) == []


def test_stale_partial_file_is_never_used(isolated_env):
    data = {"a.gz": _labels_gz([1, 2])}
    spec = _fake_spec(data)
    cache = isolated_env / "toy"
    cache.mkdir(parents=True)
    (cache / ".a.gz.abc123.part").write_bytes(data["a.gz"])  # left by a killed process
    fetched = []
    def fetch(url, out):
        fetched.append(url)
        out.write(data["a.gz"])

    got = _files.resolve_files(spec, ["a.gz"], fetch=fetch)
    assert len(fetched) == 1 and got["a.gz"] == cache / "a.gz"


def test_checksum_mismatch(isolated_env):
    good = _labels_gz([1, 2, 3])
    bad = _labels_gz([1, 2, 4])
    spec = _fake_spec({"a.gz": good})

    with pytest.raises(ChecksumMismatchError) as ei:
        _files.resolve_files(spec, ["a.gz"], fetch=lambda url, out: out.write(bad))
    err = ei.value
    msg = str(err)
    expected = hashlib.sha256(good).hexdigest()
    actual = hashlib.sha256(bad).hexdigest()
    assert "a.gz" in msg and expected in msg and actual in msg
    assert err.expected == (expected,) and err.actual == actual
    assert isinstance(err, ValueError)
    assert list((isolated_env / "toy").iterdir()) == []  # bad temp file deleted


def test_checksum_mismatch_through_module_fetcher(monkeypatch, isolated_env, tmp_path):
    """load_data uses the module-level _fetch_url, which tests can replace."""
    urls = []

    def fetch(url, out):
        urls.append(url)
        out.write(b"not the real file")

    monkeypatch.setattr(_files, "_fetch_url", fetch)
    with pytest.raises(ChecksumMismatchError) as ei:
        mnist.load_test_split(tmp_path)
    assert ei.value.filename == "t10k-images-idx3-ubyte.gz"
    assert ei.value.actual == hashlib.sha256(b"not the real file").hexdigest()
    assert mnist.SPEC.files["t10k-images-idx3-ubyte.gz"][0] in str(ei.value)
    assert urls == [
        "https://storage.googleapis.com/cvdf-datasets/mnist/t10k-images-idx3-ubyte.gz",
        "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz",
    ]
    assert list((isolated_env / "mnist").iterdir()) == []


# ------------------------------------------------------------------------ real data


@pytest.fixture(scope="module")
def fashion():
    if not REAL_DATA.is_dir():
        pytest.skip(f"real datasets folder {REAL_DATA} is absent on this machine")
    return fashion_mnist.load_data(REAL_DATA, download=False)


def test_embedded_checksums_match_real_files(real_data):
    for spec, sub in ((mnist.SPEC, "mnist"), (fashion_mnist.SPEC, "fashion-mnist")):
        sums = {}
        for line in (real_data / sub / "SHA256SUMS").read_text().split("\n"):
            if line.strip():
                digest, name = line.split()
                sums[name] = digest
        assert sums, sub
        for name, digest in sums.items():
            assert digest in spec.files[name], (sub, name)
            assert _files.sha256_file(real_data / sub / name) == digest


def test_real_mnist_test_set(real_data):
    (x_train, y_train), (x_test, y_test) = mnist.load_data(real_data, split="test-as-train")
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    x = np.concatenate([x_train, x_test])
    y = np.concatenate([y_train, y_test])
    assert list(np.bincount(y, minlength=10)) == [
        980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009
    ]
    assert round(float(x.mean()), 2) == 33.79
    assert x.max() == 255 and x.min() == 0
    assert list(y_train[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_real_mnist_missing_train_images_is_reported(real_data):
    with pytest.raises(DatasetNotFoundError) as ei:
        mnist.load_data(real_data)
    err = ei.value
    assert err.missing == ["train-images-idx3-ubyte.gz"]
    assert real_data / "mnist" in err.searched
    assert "network disabled in tests" in str(err)


def test_real_data_via_env_var(real_data, monkeypatch):
    monkeypatch.setenv("TFGRAPH_DATA_DIR", str(real_data))
    (xa, ya), (xb, yb) = mnist.load_test_split(n_train=9000)
    assert len(ya) == 9000 and len(yb) == 1000


def test_real_download_through_fetcher_is_verified(real_data, monkeypatch, isolated_env):
    """Simulated download of the real t10k files: accepted by the embedded checksums."""

    def fetch(url, out):
        out.write((real_data / "mnist" / url.rsplit("/", 1)[1]).read_bytes())

    monkeypatch.setattr(_files, "_fetch_url", fetch)
    (x_train, _), (x_test, _) = mnist.load_test_split()
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert sorted(p.name for p in (isolated_env / "mnist").iterdir()) == sorted(T10K)


def test_real_fashion_mnist(fashion):
    (x_train, y_train), (x_test, y_test) = fashion
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert list(np.bincount(y_train)) == [6000] * 10
    assert list(np.bincount(y_test)) == [1000] * 10
    assert list(y_train[:10]) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert round(float(x_test.mean()), 2) == 73.15
