"""Datasets and input helpers: ``tfgraph.datasets``.

* :mod:`tfgraph.datasets.mnist` and :mod:`tfgraph.datasets.fashion_mnist`:
  ``load_data(path=None)`` returning ``(x_train, y_train), (x_test, y_test)``
  as uint8 arrays like ``keras.datasets``, read from the original IDX gzip
  files found in ``path``, ``$TFGRAPH_DATA_DIR``, the cache
  ``~/.tfgraph/datasets/<name>`` or downloaded (SHA-256 verified, local files
  too: another dataset's file under this name raises, an unknown digest warns);
* :mod:`tfgraph.datasets.idx`: the IDX file format (:func:`read_idx`);
* :mod:`tfgraph.datasets.pipeline`: :class:`Batches`, :func:`one_hot` and
  :func:`normalize_images` for ``feed_dict`` training loops.

Only NumPy is needed; nothing here depends on the rest of ``tfgraph``.
"""

from . import fashion_mnist, idx, mnist, pipeline
from ._files import (
    CACHE_DIR_ENV,
    DATA_DIR_ENV,
    ChecksumMismatchError,
    DatasetNotFoundError,
    UnverifiedDatasetWarning,
    WrongDatasetFileError,
    cache_dir,
)
from .idx import IDXFormatError, read_idx, write_idx
from .pipeline import Batches, normalize_images, one_hot

__all__ = [
    "Batches",
    "CACHE_DIR_ENV",
    "ChecksumMismatchError",
    "DATA_DIR_ENV",
    "DatasetNotFoundError",
    "IDXFormatError",
    "UnverifiedDatasetWarning",
    "WrongDatasetFileError",
    "cache_dir",
    "fashion_mnist",
    "idx",
    "mnist",
    "normalize_images",
    "one_hot",
    "pipeline",
    "read_idx",
    "write_idx",
]
