"""File datasets: `TFRecordDataset`, `TextLineDataset`, `FixedLengthRecordDataset`,
`Dataset.list_files`.

File names are a string tensor (scalar or vector; a placeholder fed at initialization works)
or a dataset of names; files are read lazily, one after the other, on the host. Records are
checked as `tf.io.tf_record_iterator` does (`DataLossError` naming file and offset).
"""
from __future__ import annotations

import zlib
from typing import Any, Optional

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor
from ..framework.tensor_shape import TensorShape
from ..lib.io import tf_record
from .dataset_ops import Dataset, _int64_input, _scalar


def _bytes(b: bytes) -> np.ndarray:
    a = np.empty((), object)
    a[()] = b
    return a


def _names(rt, t: Tensor):
    v = np.asarray(rt.value(t)).reshape(-1)
    return [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in v]


def _compression(rt, t: Optional[Tensor]) -> str:
    if t is None:
        return ""
    v = np.asarray(rt.value(t)).reshape(())[()]
    return tf_record.compression_type_string(v.decode() if isinstance(v, bytes) else v)


class _FileDataset(Dataset):
    """One string element per record of each file in `filenames`, in order."""

    def __init__(self, filenames: Any, compression_type: Any = None):
        if isinstance(filenames, Dataset):
            raise TypeError("internal: dataset file names are handled by _over_files")
        self._files = convert_to_tensor(filenames, dtype=dtypes.string, name="filenames")
        if self._files.shape.ndims not in (None, 0, 1):
            raise ValueError(f"`filenames` must be a scalar or vector of strings, got shape "
                             f"{self._files.shape}")
        self._ctype = None if compression_type is None else \
            convert_to_tensor(compression_type, dtype=dtypes.string, name="compression_type")
        self._types = dtypes.string
        self._shapes = TensorShape([])

    def _inputs(self):
        return self._unique([self._files] + ([self._ctype] if self._ctype is not None else []))

    def _iter(self, rt):
        ctype = _compression(rt, self._ctype)
        for name in _names(rt, self._files):
            for rec in self._records(rt, name, ctype):
                yield [_bytes(rec)]

    def _records(self, rt, path: str, ctype: str):
        raise NotImplementedError


def _over_files(filenames: Any, make) -> Dataset:
    """A dataset of file names (e.g. `list_files`) read with `make(name_tensor)` each."""
    if isinstance(filenames, Dataset):
        if filenames.output_types is not dtypes.string:
            raise TypeError("`filenames` must be a dataset of tf.string elements.")
        return filenames.flat_map(make)
    return make(filenames)


class _TFRecordDataset(_FileDataset):
    def _records(self, rt, path, ctype):
        for _, data in tf_record.read_records(path, ctype):
            yield data


def TFRecordDataset(filenames: Any, compression_type: Any = None, buffer_size: Any = None,  # noqa: N802
                    num_parallel_reads: Any = None) -> Dataset:
    """The records of TFRecord files (`tf.data.TFRecordDataset`): string scalars.

    Args:
      filenames: A string tensor (scalar or vector) or a dataset of file names.
      compression_type: "" (default), "ZLIB" or "GZIP".
      buffer_size, num_parallel_reads: Accepted for compatibility (files are read in order).
    """
    return _over_files(filenames, lambda f: _TFRecordDataset(f, compression_type))


class _TextLineDataset(_FileDataset):
    def _records(self, rt, path, ctype):
        f = tf_record.open_records(path, ctype)
        try:
            for line in f:
                if line.endswith(b"\n"):
                    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                yield line
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, None, f"corrupted {ctype} stream in file "
                                                   f"'{path}' ({e})") from None
        finally:
            f.close()


def TextLineDataset(filenames: Any, compression_type: Any = None,  # noqa: N802
                    buffer_size: Any = None, num_parallel_reads: Any = None) -> Dataset:
    """The lines of text files, without their line ends (`tf.data.TextLineDataset`)."""
    return _over_files(filenames, lambda f: _TextLineDataset(f, compression_type))


class _FixedLengthRecordDataset(_FileDataset):
    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 compression_type=None):
        super().__init__(filenames, compression_type)
        self._rb = _int64_input(record_bytes, "record_bytes")
        self._hb = _int64_input(header_bytes or 0, "header_bytes")
        self._fb = _int64_input(footer_bytes or 0, "footer_bytes")

    def _inputs(self):
        return self._unique(super()._inputs() + [self._rb, self._hb, self._fb])

    def _records(self, rt, path, ctype):
        rb, hb, fb = _scalar(rt, self._rb), _scalar(rt, self._hb), _scalar(rt, self._fb)
        if rb <= 0:
            raise errors.InvalidArgumentError(None, None, f"record_bytes must be positive, got {rb}")
        f = tf_record.open_records(path, ctype)
        try:
            data = f.read()
        finally:
            f.close()
        body = len(data) - hb - fb
        if body < 0 or body % rb:
            raise errors.DataLossError(
                None, None, f"Excluding the header ({hb} bytes) and footer ({fb} bytes), input "
                            f"file '{path}' has body length {body}, which is not an exact "
                            f"multiple of the record length ({rb} bytes).")
        for off in range(hb, hb + body, rb):
            yield data[off:off + rb]


def FixedLengthRecordDataset(filenames: Any, record_bytes: Any, header_bytes: Any = None,  # noqa: N802
                             footer_bytes: Any = None, buffer_size: Any = None,
                             compression_type: Any = None, num_parallel_reads: Any = None) -> Dataset:
    """Fixed-size records of binary files (`tf.data.FixedLengthRecordDataset`)."""
    return _over_files(filenames, lambda f: _FixedLengthRecordDataset(
        f, record_bytes, header_bytes, footer_bytes, compression_type))


__all__ = ["TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset"]
