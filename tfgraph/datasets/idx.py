"""Reading and writing the IDX file format used by MNIST and Fashion-MNIST.

An IDX file is a tiny binary container for one dense array:

* a 4-byte magic number: two zero bytes, one byte giving the element type
  (``0x08`` unsigned byte, ``0x09`` signed byte, ``0x0B`` int16, ``0x0C``
  int32, ``0x0D`` float32, ``0x0E`` float64) and one byte giving the number of
  dimensions. MNIST images therefore start with ``0x00000803`` = 2051 and
  labels with ``0x00000801`` = 2049;
* one big-endian int32 per dimension;
* the elements, big-endian, in C order.

The files are usually distributed gzip-compressed. :func:`read_idx` accepts both
forms (detected from the content, not from the file name) and checks the header,
the dimensions and the exact length of the data, so a truncated or corrupt file
raises :class:`IDXFormatError` (a ``ValueError``) naming the file and the
problem instead of returning garbage. :func:`write_idx` writes the format.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import zlib
from typing import BinaryIO, Optional, Tuple, Union

import numpy as np

__all__ = [
    "IDXFormatError",
    "IMAGES_MAGIC",
    "LABELS_MAGIC",
    "read_idx",
    "read_idx_images",
    "read_idx_labels",
    "read_image_label_pair",
    "write_idx",
]

PathOrFile = Union[str, "os.PathLike[str]", BinaryIO]

#: Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
IMAGES_MAGIC = 2051
#: Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
LABELS_MAGIC = 2049

# IDX type byte -> big-endian numpy dtype.
_TYPE_CODES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODE_OF_KIND = {(dt.kind, dt.itemsize): code for code, dt in _TYPE_CODES.items()}

_GZIP_MAGIC = b"\x1f\x8b"
# A header claiming more data than this is treated as corrupt rather than
# trusted with a huge allocation.
_MAX_DATA_BYTES = 1 << 36
_CHUNK = 1 << 20
# Deflate expands by at most 1032:1, which bounds what a gzip file of known size can hold.
_MAX_DEFLATE_RATIO = 1032


class IDXFormatError(ValueError):
    """An IDX file is malformed: bad gzip stream, bad magic, bad size, etc.

    Attributes:
      filename: the name of the offending file (or a description of the file
        object when it has no name).
    """

    def __init__(self, filename: str, problem: str) -> None:
        super().__init__(f"{filename}: {problem}")
        self.filename = filename
        self.problem = problem


def _describe(source: PathOrFile) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    if isinstance(name, (str, bytes)) and name:
        return os.fsdecode(name)
    return f"<{type(source).__name__} object>"


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    """Reads up to ``n`` bytes, looping over short reads."""
    parts = []
    remaining = n
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _readinto_exact(stream: BinaryIO, buf: memoryview) -> int:
    """Fills ``buf`` from ``stream``; returns the number of bytes read."""
    filled = 0
    total = len(buf)
    while filled < total:
        end = min(total, filled + _CHUNK)
        n = stream.readinto(buf[filled:end])
        if not n:
            break
        filled += n
    return filled


def _parse(
    stream: BinaryIO,
    name: str,
    compressed: bool,
    expected_magic: Optional[int],
    source_size: Optional[int] = None,
) -> np.ndarray:
    what = "decompressed data" if compressed else "file"
    head = _read_exact(stream, 4)
    if len(head) < 4:
        raise IDXFormatError(
            name, f"too short: {what} has {len(head)} bytes, an IDX header needs at least 4"
        )
    zero, type_code, ndim = struct.unpack(">HBB", head)
    magic = struct.unpack(">I", head)[0]
    if zero != 0:
        raise IDXFormatError(
            name,
            f"bad magic number {magic} (0x{magic:08x}): an IDX file starts with two zero "
            f"bytes (images: {IMAGES_MAGIC}, labels: {LABELS_MAGIC}); this is not an IDX file",
        )
    if type_code not in _TYPE_CODES:
        raise IDXFormatError(
            name,
            f"bad magic number {magic} (0x{magic:08x}): unknown element type byte "
            f"0x{type_code:02x} (known: "
            + ", ".join(f"0x{c:02x}" for c in sorted(_TYPE_CODES))
            + ")",
        )
    if ndim == 0:
        raise IDXFormatError(name, f"bad magic number {magic}: number of dimensions is 0")
    if expected_magic is not None and magic != expected_magic:
        raise IDXFormatError(
            name,
            f"wrong magic number {magic}, expected {expected_magic}"
            + _magic_hint(expected_magic),
        )
    dim_bytes = _read_exact(stream, 4 * ndim)
    if len(dim_bytes) < 4 * ndim:
        raise IDXFormatError(
            name,
            f"truncated header: magic {magic} announces {ndim} dimensions "
            f"({4 + 4 * ndim} header bytes) but the {what} ends after {4 + len(dim_bytes)} bytes",
        )
    shape = struct.unpack(f">{ndim}i", dim_bytes)
    if any(d < 0 for d in shape):
        raise IDXFormatError(name, f"negative dimension in header: shape {shape}")
    dtype = _TYPE_CODES[type_code]
    count = 1
    for d in shape:
        count *= d
    nbytes = count * dtype.itemsize
    if nbytes > _MAX_DATA_BYTES:
        raise IDXFormatError(
            name, f"implausible dimensions {shape}: the header claims {nbytes} bytes of data"
        )
    header_len = 4 + 4 * ndim
    # Checked against the real size before allocating: a corrupt header must not cost a
    # MemoryError (or swap) for data that is not there.
    if source_size is not None and not compressed and header_len + nbytes > source_size:
        raise IDXFormatError(
            name,
            f"truncated: the header (shape {shape}, {dtype.itemsize}-byte elements) needs "
            f"{header_len + nbytes} bytes but the file has only {source_size}",
        )
    if source_size is not None and compressed and \
            header_len + nbytes > _MAX_DEFLATE_RATIO * source_size + _CHUNK:
        raise IDXFormatError(
            name,
            f"truncated: the header (shape {shape}, {dtype.itemsize}-byte elements) needs "
            f"{header_len + nbytes} bytes but a {source_size}-byte gzip file holds at most "
            f"{_MAX_DEFLATE_RATIO * source_size}",
        )
    out = np.empty(count, dtype=dtype)
    got = _readinto_exact(stream, memoryview(out).cast("B"))
    if got < nbytes:
        raise IDXFormatError(
            name,
            f"truncated: the header (shape {shape}, {dtype.itemsize}-byte elements) needs "
            f"{header_len + nbytes} bytes but the {what} has only {header_len + got}",
        )
    extra = _read_exact(stream, _CHUNK)
    if extra:
        n_extra = len(extra)
        while True:
            more = stream.read(_CHUNK)
            if not more:
                break
            n_extra += len(more)
        raise IDXFormatError(
            name,
            f"wrong length: the header (shape {shape}) accounts for {header_len + nbytes} "
            f"bytes but the {what} has {header_len + nbytes + n_extra} "
            f"({n_extra} trailing bytes)",
        )
    out = out.reshape(shape)
    if dtype.byteorder not in ("=", "|") and dtype.itemsize > 1:
        out = out.astype(dtype.newbyteorder("="))
    return out


def read_idx(source: PathOrFile, *, expected_magic: Optional[int] = None) -> np.ndarray:
    """Reads an IDX file (gzip-compressed or not) into a NumPy array.

    Compression is detected from the first two bytes (the gzip magic), so a
    ``.gz`` name is neither required nor trusted.

    Args:
      source: a path, or a binary file object opened for reading.
      expected_magic: if given, the magic number the file must have, e.g.
        ``IMAGES_MAGIC`` (2051) or ``LABELS_MAGIC`` (2049).

    Returns:
      A writable array in native byte order whose shape is given by the
      header (``uint8`` for MNIST files).

    Raises:
      IDXFormatError: (a ``ValueError``) if the gzip stream is corrupt, the
        magic number is wrong or unexpected, the header is incomplete, or the
        data is shorter or longer than the header says. The message names the
        file and the problem.
      OSError: if the file cannot be opened or read.
    """
    name = _describe(source)
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            return _read_stream(f, name, expected_magic)
    return _read_stream(source, name, expected_magic)


def _remaining_size(raw: BinaryIO) -> Optional[int]:
    """Bytes from the current position of ``raw`` to its end, where that can be known."""
    try:
        pos = raw.tell()
        try:
            return os.fstat(raw.fileno()).st_size - pos
        except (OSError, AttributeError, io.UnsupportedOperation):
            pass
        if raw.seekable():
            end = raw.seek(0, io.SEEK_END)
            raw.seek(pos)
            return end - pos
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        pass
    return None


def _read_stream(raw: BinaryIO, name: str, expected_magic: Optional[int]) -> np.ndarray:
    size = _remaining_size(raw)
    start = _read_exact(raw, 2)
    stream: BinaryIO = io.BufferedReader(_Prefixed(start, raw))  # type: ignore[arg-type]
    compressed = start == _GZIP_MAGIC
    if compressed:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
    try:
        return _parse(stream, name, compressed, expected_magic, size)
    except IDXFormatError:
        raise
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise IDXFormatError(name, f"corrupt gzip data: {e}") from e
    except OSError as e:
        if compressed:
            raise IDXFormatError(name, f"corrupt gzip data: {e}") from e
        raise


def _magic_hint(magic: int) -> str:
    if magic == IMAGES_MAGIC:
        return " (3-d unsigned bytes: images)"
    if magic == LABELS_MAGIC:
        return " (1-d unsigned bytes: labels)"
    return ""


class _Prefixed(io.RawIOBase):
    """A raw stream that replays already-consumed bytes, then reads ``rest``."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(b), len(self._prefix))
            b[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(b))
        if not data:
            return 0
        n = len(data)
        b[:n] = data
        return n


def read_idx_images(source: PathOrFile) -> np.ndarray:
    """Reads an IDX image file (magic 2051) as a ``(N, rows, cols)`` uint8 array.

    Args:
      source: a path or a binary file object (gzip-compressed or not).

    Returns:
      The images, shape ``(N, rows, cols)``, dtype ``uint8``.

    Raises:
      IDXFormatError: if the file is malformed or is not an image file.
    """
    return read_idx(source, expected_magic=IMAGES_MAGIC)


def read_idx_labels(source: PathOrFile) -> np.ndarray:
    """Reads an IDX label file (magic 2049) as a ``(N,)`` uint8 array.

    Args:
      source: a path or a binary file object (gzip-compressed or not).

    Returns:
      The labels, shape ``(N,)``, dtype ``uint8``.

    Raises:
      IDXFormatError: if the file is malformed or is not a label file.
    """
    return read_idx(source, expected_magic=LABELS_MAGIC)


def read_image_label_pair(
    images: PathOrFile,
    labels: PathOrFile,
    *,
    num_classes: Optional[int] = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """Reads matching image and label IDX files and checks they agree.

    Args:
      images: the image file (magic 2051).
      labels: the label file (magic 2049).
      num_classes: if given, every label must lie in ``[0, num_classes)``.

    Returns:
      ``(x, y)``: images ``(N, rows, cols)`` uint8 and labels ``(N,)`` uint8.

    Raises:
      IDXFormatError: if either file is malformed, the two files hold a
        different number of examples, or a label is out of range.
    """
    x = read_idx_images(images)
    y = read_idx_labels(labels)
    if x.shape[0] != y.shape[0]:
        raise IDXFormatError(
            _describe(labels),
            f"holds {y.shape[0]} labels but the image file {_describe(images)} "
            f"holds {x.shape[0]} images",
        )
    if num_classes is not None and y.size and int(y.max()) >= num_classes:
        raise IDXFormatError(
            _describe(labels),
            f"label value {int(y.max())} is out of range for {num_classes} classes",
        )
    return x, y


def write_idx(
    target: PathOrFile,
    array: np.ndarray,
    *,
    compress: Optional[bool] = None,
) -> None:
    """Writes an array as an IDX file.

    Args:
      target: a path or a binary file object opened for writing.
      array: the data; its dtype must be one of uint8, int8, int16, int32,
        float32 or float64, and it must have 1 to 255 dimensions.
      compress: gzip-compress the output. Defaults to ``True`` when
        ``target`` is a path ending in ``.gz``, else ``False``.

    Raises:
      TypeError: if the dtype has no IDX type code.
      ValueError: if the array has 0 or more than 255 dimensions.
    """
    arr = np.asarray(array)
    key = (arr.dtype.kind, arr.dtype.itemsize)
    if key not in _CODE_OF_KIND:
        raise TypeError(f"IDX cannot store dtype {arr.dtype}")
    if not 1 <= arr.ndim <= 255:
        raise ValueError(f"IDX needs 1 to 255 dimensions, got {arr.ndim}")
    code = _CODE_OF_KIND[key]
    payload = (
        struct.pack(">HBB", 0, code, arr.ndim)
        + struct.pack(f">{arr.ndim}i", *arr.shape)
        + np.ascontiguousarray(arr, dtype=_TYPE_CODES[code]).tobytes()
    )
    if isinstance(target, (str, os.PathLike)):
        if compress is None:
            compress = os.fspath(target).endswith(".gz")
        if compress:
            payload = gzip.compress(payload, mtime=0)
        with open(target, "wb") as f:
            f.write(payload)
    else:
        if compress:
            payload = gzip.compress(payload, mtime=0)
        target.write(payload)
