"""TFRecord files: `tf.io.TFRecordWriter`, `tf.io.tf_record_iterator`, `TFRecordOptions`.

A TFRecord file is a sequence of records, each::

    uint64 length (little endian) | uint32 masked CRC-32C of the length bytes
    length bytes of data          | uint32 masked CRC-32C of the data

optionally compressed as a whole with GZIP (a gzip stream) or ZLIB (a zlib stream), byte for
byte as TensorFlow writes them. Reading checks both CRCs: a mismatch or a file that ends in the
middle of a record raises `tf.errors.DataLossError` naming the file and the record's offset
(in the uncompressed stream).
"""
from __future__ import annotations

import gzip
import io
import struct
import zlib
from typing import BinaryIO, Iterator, Optional, Tuple, Union

from ...framework import errors
from .crc32c import masked_crc32c

_HEADER = struct.Struct("<QI")
_FOOTER = struct.Struct("<I")


class TFRecordCompressionType:
    """The compression of a TFRecord file (`tf.io.TFRecordCompressionType`)."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


_NAMES = {TFRecordCompressionType.NONE: "", TFRecordCompressionType.ZLIB: "ZLIB",
          TFRecordCompressionType.GZIP: "GZIP"}


class TFRecordOptions:
    """Options for a TFRecord file (`tf.io.TFRecordOptions`).

    Args:
      compression_type: "" / None, "ZLIB", "GZIP", or a `TFRecordCompressionType` value.
      compression_level: zlib compression level 0-9 (default 6, as TensorFlow).
    """

    compression_type_map = {TFRecordCompressionType.ZLIB: "ZLIB",
                            TFRecordCompressionType.GZIP: "GZIP",
                            TFRecordCompressionType.NONE: ""}

    def __init__(self, compression_type: Union[str, int, None] = None,
                 compression_level: Optional[int] = None, **unused_zlib_options):
        self.compression_type = compression_type_string(compression_type)
        self.compression_level = compression_level

    @classmethod
    def get_compression_type_string(cls, options: Union["TFRecordOptions", str, int, None]) -> str:
        return compression_type_string(options)


def compression_type_string(options: Union[TFRecordOptions, str, int, None]) -> str:
    """"" / "ZLIB" / "GZIP" for any of the ways TF1 spells a compression type.

    Raises:
      ValueError: For an unknown compression type.
    """
    if isinstance(options, TFRecordOptions):
        return options.compression_type
    if options is None:
        return ""
    if isinstance(options, int) and not isinstance(options, bool):
        if options in _NAMES:
            return _NAMES[options]
    elif isinstance(options, (str, bytes)):
        s = options.decode() if isinstance(options, bytes) else options
        if s.upper() in ("", "ZLIB", "GZIP"):
            return s.upper()
    raise ValueError(f"Unknown TFRecord compression type {options!r}: use '', 'ZLIB' or 'GZIP'")


def encode_record(data: bytes) -> bytes:
    """One framed record: length, masked CRC of the length, data, masked CRC of the data."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


class TFRecordWriter:
    """Writes records to a TFRecord file (`tf.io.TFRecordWriter`, `tf.python_io.TFRecordWriter`).

    Usable as a context manager::

        with tf.io.TFRecordWriter("data.tfrecord") as w:
            w.write(example.SerializeToString())

    Args:
      path: The file to (over)write.
      options: A `TFRecordOptions`, or a compression type string ("", "ZLIB", "GZIP").

    Raises:
      tf.errors.NotFoundError: If the file's directory does not exist.
    """

    def __init__(self, path: str, options: Union[TFRecordOptions, str, None] = None):
        self._path = _path_str(path)
        ctype = compression_type_string(options)
        level = getattr(options, "compression_level", None)
        level = 6 if level is None or level < 0 else level
        try:
            raw = open(self._path, "wb")
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, f"{self._path}; No such file or directory") from None
        except OSError as e:
            raise errors.PermissionDeniedError(None, None, f"{self._path}; {e.strerror}") from None
        self._raw = raw
        if ctype == "GZIP":
            self._f: BinaryIO = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=level, mtime=0)
        elif ctype == "ZLIB":
            self._f = _ZlibWriter(raw, level)
        else:
            self._f = raw
        self._closed = False

    def write(self, record: Union[bytes, str]) -> None:
        """Appends one record (bytes; a str is UTF-8 encoded)."""
        if self._closed:
            raise errors.FailedPreconditionError(None, None, f"TFRecordWriter for {self._path} is closed")
        if isinstance(record, str):
            record = record.encode("utf-8")
        self._f.write(encode_record(bytes(record)))

    def flush(self) -> None:
        if not self._closed:
            self._f.flush()
            if self._f is not self._raw:
                self._raw.flush()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._f.close()
            if self._f is not self._raw:
                self._raw.close()

    def __enter__(self) -> "TFRecordWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


class _ZlibWriter:
    """A file-like object writing one zlib stream (TF's ZLIB compression)."""

    def __init__(self, raw: BinaryIO, level: int):
        self._raw = raw
        self._z = zlib.compressobj(level)

    def write(self, data: bytes) -> None:
        self._raw.write(self._z.compress(data))

    def flush(self) -> None:
        self._raw.write(self._z.flush(zlib.Z_SYNC_FLUSH))

    def close(self) -> None:
        self._raw.write(self._z.flush())


def _path_str(path) -> str:
    if isinstance(path, bytes):
        return path.decode("utf-8")
    return str(path)


def open_records(path, compression_type: str = "") -> BinaryIO:
    """The file's uncompressed byte stream.

    Raises:
      tf.errors.NotFoundError: If the file does not exist.
    """
    path = _path_str(path)
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None
    if compression_type == "GZIP":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if compression_type == "ZLIB":
        return io.BufferedReader(_ZlibReader(raw))
    return raw


class _ZlibReader(io.RawIOBase):
    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._z = zlib.decompressobj()
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._buf:
            chunk = self._raw.read(65536)
            if not chunk:
                self._buf = self._z.flush()
                if not self._buf:
                    return 0
                break
            self._buf = self._z.decompress(chunk)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def read_records(path, compression_type: str = "") -> Iterator[Tuple[int, bytes]]:
    """Yields `(offset, data)` for every record of a TFRecord file, checking the CRCs.

    Raises:
      tf.errors.NotFoundError: If the file does not exist.
      tf.errors.DataLossError: On a CRC mismatch, a truncated record or a corrupt
        compressed stream; the message names the file and the record's offset.
    """
    path = _path_str(path)
    f = open_records(path, compression_type)
    offset = 0
    try:
        while True:
            try:
                header = f.read(12)
            except (OSError, EOFError, zlib.error) as e:
                raise _loss(path, offset, f"corrupted {compression_type} stream ({e})") from None
            if not header:
                return
            if len(header) < 12:
                raise _loss(path, offset, "truncated record (the file ends inside its header)")
            length, length_crc = _HEADER.unpack(header)
            if masked_crc32c(header[:8]) != length_crc:
                raise _loss(path, offset, "corrupted record: the CRC of its length does not match")
            try:
                body = f.read(length + 4)
            except (OSError, EOFError, zlib.error) as e:
                raise _loss(path, offset, f"corrupted {compression_type} stream ({e})") from None
            if len(body) < length + 4:
                raise _loss(path, offset, f"truncated record (length {length}, but the file "
                                          f"ends {length + 4 - len(body)} bytes early)")
            data = body[:length]
            if masked_crc32c(data) != _FOOTER.unpack_from(body, length)[0]:
                raise _loss(path, offset, "corrupted record: the CRC of its data does not match")
            yield offset, data
            offset += 12 + length + 4
    finally:
        f.close()


def _loss(path: str, offset: int, what: str) -> errors.DataLossError:
    return errors.DataLossError(None, None, f"{what} at offset {offset} in file '{path}'")


def tf_record_iterator(path, options: Union[TFRecordOptions, str, None] = None) -> Iterator[bytes]:
    """Iterates over the records of a TFRecord file (`tf.io.tf_record_iterator`).

    Args:
      path: The file.
      options: A `TFRecordOptions` or compression type string.

    Yields:
      Each record's bytes.

    Raises:
      tf.errors.NotFoundError: If the file does not exist.
      tf.errors.DataLossError: For a corrupt or truncated record (naming file and offset).
    """
    for _, data in read_records(path, compression_type_string(options)):
        yield data


__all__ = ["TFRecordWriter", "TFRecordOptions", "TFRecordCompressionType", "tf_record_iterator"]
