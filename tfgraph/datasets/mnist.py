"""The MNIST handwritten digits dataset, loaded from the original IDX files.

:func:`load_data` mirrors ``tf.keras.datasets.mnist.load_data``: it returns
``(x_train, y_train), (x_test, y_test)`` with images ``(N, 28, 28)`` uint8 and
labels ``(N,)`` uint8 (digits 0-9), read from the four files
``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
``t10k-images-idx3-ubyte.gz`` and ``t10k-labels-idx1-ubyte.gz``.

The files are looked for in the ``path=`` folder, then the folders of the
``TFGRAPH_DATA_DIR`` environment variable (either folder may hold the files
directly or in an ``mnist/`` subfolder), then the cache
``~/.tfgraph/datasets/mnist/`` (root overridable with ``TFGRAPH_CACHE_DIR``),
and are otherwise downloaded into that cache from the public mirrors and
verified against the SHA-256 digests below.

Where only the 10,000 test images are available (no network, no training
images), ``load_data(split="test-as-train")`` or :func:`load_test_split`
returns the first 8,000 test images as the training set and the last 2,000 as
the test set.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from . import _files
from .idx import read_image_label_pair

__all__ = ["load_data", "load_test_split", "NUM_CLASSES", "SPEC"]

Split = Tuple[np.ndarray, np.ndarray]

NUM_CLASSES = 10

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

#: Dataset description: accepted SHA-256 digests of each file. The first
#: digest of each entry is that of the file served by the mirrors; the second
#: (where present) is that of the re-compressed copy distributed with this
#: project's test data (same decompressed content, different gzip header).
SPEC = _files.register_known(_files.DatasetSpec(
    name="mnist",
    subdirs=("mnist",),
    files={
        TRAIN_IMAGES: ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",),
        TRAIN_LABELS: (
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "ec02e7948609e5754d47881c09b8afdd8dfa60600b9e5388c8c54a67069ec772",
        ),
        TEST_IMAGES: (
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "167310007f03058885c7e95e6c0b19c20de5c7fd3031f4cbdadc9014a523d80b",
        ),
        TEST_LABELS: (
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            "fc607395669ec21321ea83e4b82c0544b7e8e63ff5b34337c06bc0a17cc0da3c",
        ),
    },
    mirrors=(
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
    ),
    hint=(
        "Without the training images, mnist.load_data(split='test-as-train') "
        "(or mnist.load_test_split()) needs only the two t10k-* files."
    ),
))

_SPLITS = ("standard", "test-as-train")


def load_test_split(
    path: Optional[_files.PathLike] = None,
    n_train: int = 8000,
    *,
    download: bool = True,
) -> Tuple[Split, Split]:
    """Loads MNIST using only the 10,000 test examples, split in two.

    Meant for offline machines that lack the 60,000 training images: the
    first ``n_train`` test examples become the training set and the rest the
    test set (by default 8,000 / 2,000). The order of the file is kept.

    Args:
      path: folder holding the files (directly or in an ``mnist/``
        subfolder); searched before ``TFGRAPH_DATA_DIR`` and the cache.
      n_train: number of examples in the training part, ``0 < n_train < 10000``.
      download: whether to download missing files into the cache.

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(N, 28, 28)``
      and uint8 labels ``(N,)``.

    Raises:
      DatasetNotFoundError: if the test files cannot be found or downloaded.
      IDXFormatError: if a file is corrupt or the two files disagree.
      ValueError: if ``n_train`` is out of range.
    """
    files = _files.resolve_files(SPEC, [TEST_IMAGES, TEST_LABELS], path, download=download)
    x, y = read_image_label_pair(files[TEST_IMAGES], files[TEST_LABELS], num_classes=NUM_CLASSES)
    if not 0 < n_train < x.shape[0]:
        raise ValueError(f"n_train must be between 1 and {x.shape[0] - 1}, got {n_train}")
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def load_data(
    path: Optional[_files.PathLike] = None,
    split: str = "standard",
    *,
    download: bool = True,
) -> Tuple[Split, Split]:
    """Loads the MNIST dataset, like ``tf.keras.datasets.mnist.load_data``.

    Args:
      path: folder holding the IDX ``.gz`` files (directly or in an
        ``mnist/`` subfolder); searched before the ``TFGRAPH_DATA_DIR``
        folders and the cache ``~/.tfgraph/datasets/mnist``.
      split: ``"standard"`` for the official 60,000 / 10,000 split, or
        ``"test-as-train"`` for the first 8,000 test examples as training set
        and the last 2,000 as test set (see :func:`load_test_split`), which
        needs only the two ``t10k-*`` files.
      download: whether to download missing files from the mirrors into the
        cache (verified by SHA-256).

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: images uint8 of shape
      ``(N, 28, 28)`` with values 0-255, labels uint8 of shape ``(N,)`` with
      values 0-9.

    Raises:
      DatasetNotFoundError: (a ``FileNotFoundError``) if files are missing
        and cannot be downloaded; the message names them, the folders
        searched and how to provide them.
      ChecksumMismatchError: if a download has the wrong SHA-256.
      IDXFormatError: (a ``ValueError``) if a file is corrupt or image and
        label counts disagree.
      ValueError: for an unknown ``split``.
    """
    if split == "test-as-train":
        return load_test_split(path, download=download)
    if split != "standard":
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    files = _files.resolve_files(
        SPEC, [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS], path, download=download
    )
    train = read_image_label_pair(
        files[TRAIN_IMAGES], files[TRAIN_LABELS], num_classes=NUM_CLASSES
    )
    test = read_image_label_pair(files[TEST_IMAGES], files[TEST_LABELS], num_classes=NUM_CLASSES)
    return train, test
