"""The Fashion-MNIST dataset (Zalando), loaded from the original IDX files.

:func:`load_data` mirrors ``tf.keras.datasets.fashion_mnist.load_data``: it
returns ``(x_train, y_train), (x_test, y_test)`` with 60,000 / 10,000 images
``(N, 28, 28)`` uint8 and labels ``(N,)`` uint8 in 0-9 (see
:data:`CLASS_NAMES`), read from ``train-images-idx3-ubyte.gz``,
``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz`` and
``t10k-labels-idx1-ubyte.gz``.

The files are looked for in the ``path=`` folder, then the folders of the
``TFGRAPH_DATA_DIR`` environment variable (either may hold the files directly
or in a ``fashion-mnist/`` subfolder), then the cache
``~/.tfgraph/datasets/fashion-mnist/`` (root overridable with
``TFGRAPH_CACHE_DIR``), and are otherwise downloaded into that cache from the
public mirrors and verified against the SHA-256 digests below.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from . import _files
from .idx import read_image_label_pair

__all__ = ["load_data", "CLASS_NAMES", "NUM_CLASSES", "SPEC"]

Split = Tuple[np.ndarray, np.ndarray]

NUM_CLASSES = 10
#: Label index -> class name.
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

#: Dataset description: accepted SHA-256 digests of each file. The first
#: digest is that of the file served by the mirrors; the second that of the
#: re-compressed copy distributed with this project's test data (same
#: decompressed content, gzip header without the file name).
SPEC = _files.register_known(_files.DatasetSpec(
    name="fashion-mnist",
    subdirs=("fashion-mnist",),
    files={
        TRAIN_IMAGES: (
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        ),
        TRAIN_LABELS: (
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        ),
        TEST_IMAGES: (
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        ),
        TEST_LABELS: (
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
        ),
    },
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    ),
))


def load_data(
    path: Optional[_files.PathLike] = None,
    *,
    download: bool = True,
) -> Tuple[Split, Split]:
    """Loads Fashion-MNIST, like ``tf.keras.datasets.fashion_mnist.load_data``.

    Args:
      path: folder holding the IDX ``.gz`` files (directly or in a
        ``fashion-mnist/`` subfolder); searched before the
        ``TFGRAPH_DATA_DIR`` folders and the cache.
      download: whether to download missing files from the mirrors into the
        cache (verified by SHA-256).

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: images uint8 of shape
      ``(60000, 28, 28)`` and ``(10000, 28, 28)``, labels uint8 of shape
      ``(60000,)`` and ``(10000,)`` with values 0-9.

    Raises:
      DatasetNotFoundError: (a ``FileNotFoundError``) if files are missing
        and cannot be downloaded; the message names them, the folders
        searched and how to provide them.
      ChecksumMismatchError: if a download has the wrong SHA-256.
      IDXFormatError: (a ``ValueError``) if a file is corrupt or image and
        label counts disagree.
    """
    files = _files.resolve_files(
        SPEC, [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS], path, download=download
    )
    train = read_image_label_pair(
        files[TRAIN_IMAGES], files[TRAIN_LABELS], num_classes=NUM_CLASSES
    )
    test = read_image_label_pair(files[TEST_IMAGES], files[TEST_LABELS], num_classes=NUM_CLASSES)
    return train, test
