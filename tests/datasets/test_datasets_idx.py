"""Tests of tfgraph.datasets.idx: the IDX reader/writer and its error checks."""

from __future__ import annotations

import gzip
import io
import struct

import numpy as np
import pytest

from tfgraph.datasets import IDXFormatError, read_idx, write_idx
from tfgraph.datasets.idx import (
    IMAGES_MAGIC,
    LABELS_MAGIC,
    read_idx_images,
    read_idx_labels,
    read_image_label_pair,
)


def _idx_bytes(arr: np.ndarray, type_code: int = 0x08) -> bytes:
    return (
        struct.pack(">HBB", 0, type_code, arr.ndim)
        + struct.pack(f">{arr.ndim}i", *arr.shape)
        + arr.tobytes()
    )


def _images(n=3):
    return (np.arange(n * 28 * 28) % 251).astype(np.uint8).reshape(n, 28, 28)


def test_roundtrip_gz_images_and_labels(tmp_path):
    x = _images(3)
    y = np.array([7, 0, 9], np.uint8)
    write_idx(tmp_path / "img.gz", x)
    write_idx(tmp_path / "lab.gz", y)
    assert (tmp_path / "img.gz").read_bytes()[:2] == b"\x1f\x8b"
    got_x = read_idx_images(tmp_path / "img.gz")
    got_y = read_idx_labels(str(tmp_path / "lab.gz"))
    assert got_x.dtype == np.uint8 and got_x.shape == (3, 28, 28)
    np.testing.assert_array_equal(got_x, x)
    np.testing.assert_array_equal(got_y, [7, 0, 9])
    got_x[0, 0, 0] = 1  # writable, like keras arrays


def test_header_bytes_are_the_mnist_magic(tmp_path):
    write_idx(tmp_path / "img", _images(2))
    write_idx(tmp_path / "lab", np.zeros(2, np.uint8))
    raw_img = (tmp_path / "img").read_bytes()
    raw_lab = (tmp_path / "lab").read_bytes()
    assert struct.unpack(">IIII", raw_img[:16]) == (2051, 2, 28, 28)
    assert struct.unpack(">II", raw_lab[:8]) == (2049, 2)
    assert len(raw_img) == 16 + 2 * 784 and len(raw_lab) == 8 + 2


def test_uncompressed_and_fileobj_and_name_independent(tmp_path):
    y = np.array([1, 2, 3, 250], np.uint8)
    # Gzip content under a name without .gz, and plain content under a .gz name.
    (tmp_path / "gz_noext").write_bytes(gzip.compress(_idx_bytes(y)))
    (tmp_path / "plain.gz").write_bytes(_idx_bytes(y))
    np.testing.assert_array_equal(read_idx(tmp_path / "gz_noext"), y)
    np.testing.assert_array_equal(read_idx(tmp_path / "plain.gz"), y)
    np.testing.assert_array_equal(read_idx(io.BytesIO(_idx_bytes(y))), y)
    np.testing.assert_array_equal(read_idx(io.BytesIO(gzip.compress(_idx_bytes(y)))), y)


@pytest.mark.parametrize(
    "dtype,code",
    [(np.int8, 0x09), (np.int16, 0x0B), (np.int32, 0x0C), (np.float32, 0x0D), (np.float64, 0x0E)],
)
def test_other_types_are_big_endian(tmp_path, dtype, code):
    a = np.array([[-3, 2], [1000 if dtype != np.int8 else 100, 5]], dtype=dtype)
    write_idx(tmp_path / "a.idx", a)
    raw = (tmp_path / "a.idx").read_bytes()
    assert raw[2] == code and raw[3] == 2
    be = np.dtype(dtype).newbyteorder(">")
    assert raw[12:] == a.astype(be).tobytes()
    got = read_idx(tmp_path / "a.idx")
    assert got.dtype == np.dtype(dtype) and got.dtype.isnative
    np.testing.assert_array_equal(got, a)


def test_truncated_data(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    full = _idx_bytes(_images(3))
    path.write_bytes(gzip.compress(full[:-100]))
    with pytest.raises(IDXFormatError) as ei:
        read_idx(path)
    msg = str(ei.value)
    assert str(path) in msg and "truncated" in msg
    assert f"needs {16 + 3 * 784} bytes" in msg and f"only {16 + 3 * 784 - 100}" in msg
    assert isinstance(ei.value, ValueError) and ei.value.filename == str(path)


def test_truncated_gzip_stream(tmp_path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(_idx_bytes(_images(3)))[:-20])
    with pytest.raises(IDXFormatError, match="corrupt gzip data") as ei:
        read_idx(path)
    assert str(path) in str(ei.value)


def test_bad_gzip(tmp_path):
    path = tmp_path / "bad.gz"
    path.write_bytes(b"\x1f\x8b" + b"\x00garbage that is not deflate" * 4)
    with pytest.raises(IDXFormatError, match="corrupt gzip data"):
        read_idx(path)


def test_gzip_crc_error_is_detected(tmp_path):
    data = bytearray(gzip.compress(_idx_bytes(np.arange(50, dtype=np.uint8))))
    data[-8] ^= 0xFF  # corrupt the CRC32 in the gzip trailer
    path = tmp_path / "crc.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(IDXFormatError, match="corrupt gzip data"):
        read_idx(path)


def test_bad_magic(tmp_path):
    path = tmp_path / "notidx"
    path.write_bytes(struct.pack(">III", 0x12345678, 1, 1))
    with pytest.raises(IDXFormatError) as ei:
        read_idx(path)
    assert "bad magic number 305419896" in str(ei.value) and str(path) in str(ei.value)


def test_unknown_type_byte(tmp_path):
    path = tmp_path / "t"
    path.write_bytes(struct.pack(">HBBi", 0, 0x07, 1, 1) + b"\x00")
    with pytest.raises(IDXFormatError, match="unknown element type byte 0x07"):
        read_idx(path)


def test_wrong_expected_magic(tmp_path):
    path = tmp_path / "labels.gz"
    write_idx(path, np.zeros(4, np.uint8))
    with pytest.raises(IDXFormatError) as ei:
        read_idx_images(path)
    assert "wrong magic number 2049, expected 2051" in str(ei.value)
    assert read_idx(path, expected_magic=LABELS_MAGIC).shape == (4,)
    assert IMAGES_MAGIC == 2051


def test_too_short(tmp_path):
    path = tmp_path / "short.gz"
    path.write_bytes(gzip.compress(b"\x00\x00"))
    with pytest.raises(IDXFormatError, match="too short: decompressed data has 2 bytes"):
        read_idx(path)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(IDXFormatError, match="too short: file has 0 bytes"):
        read_idx(empty)


def test_truncated_header(tmp_path):
    path = tmp_path / "hdr"
    path.write_bytes(struct.pack(">Iii", IMAGES_MAGIC, 10, 28))  # 3 dims, only 2 given
    with pytest.raises(IDXFormatError, match="truncated header.*16 header bytes.*after 12 bytes"):
        read_idx(path)


def test_wrong_length_trailing_bytes(tmp_path):
    path = tmp_path / "long.gz"
    path.write_bytes(gzip.compress(_idx_bytes(np.arange(10, dtype=np.uint8)) + b"xyz"))
    with pytest.raises(IDXFormatError) as ei:
        read_idx(path)
    msg = str(ei.value)
    assert "wrong length" in msg and "accounts for 18 bytes" in msg and "3 trailing bytes" in msg


def test_negative_and_implausible_dimensions(tmp_path):
    neg = tmp_path / "neg"
    neg.write_bytes(struct.pack(">Ii", LABELS_MAGIC, -5))
    with pytest.raises(IDXFormatError, match="negative dimension"):
        read_idx(neg)
    huge = tmp_path / "huge"
    huge.write_bytes(struct.pack(">Iiii", IMAGES_MAGIC, 2**31 - 1, 2**31 - 1, 2**31 - 1))
    with pytest.raises(IDXFormatError, match="implausible dimensions"):
        read_idx(huge)


def test_pair_count_mismatch(tmp_path):
    write_idx(tmp_path / "img.gz", _images(5))
    write_idx(tmp_path / "lab.gz", np.zeros(4, np.uint8))
    with pytest.raises(IDXFormatError) as ei:
        read_image_label_pair(tmp_path / "img.gz", tmp_path / "lab.gz")
    msg = str(ei.value)
    assert "holds 4 labels" in msg and "holds 5 images" in msg
    assert str(tmp_path / "img.gz") in msg and str(tmp_path / "lab.gz") in msg


def test_pair_label_range(tmp_path):
    write_idx(tmp_path / "img.gz", _images(2))
    write_idx(tmp_path / "lab.gz", np.array([3, 10], np.uint8))
    with pytest.raises(IDXFormatError, match="label value 10 is out of range for 10 classes"):
        read_image_label_pair(tmp_path / "img.gz", tmp_path / "lab.gz", num_classes=10)
    x, y = read_image_label_pair(tmp_path / "img.gz", tmp_path / "lab.gz")
    assert x.shape == (2, 28, 28) and list(y) == [3, 10]


def test_write_idx_rejects_bad_input(tmp_path):
    with pytest.raises(TypeError, match=r"IDX cannot store dtype uint64"):
        write_idx(tmp_path / "a", np.zeros(3, np.uint64))
    with pytest.raises(ValueError, match=r"IDX needs 1 to 255 dimensions, got 0"):
        write_idx(tmp_path / "a", np.zeros((), np.uint8))


def test_real_mnist_test_labels(real_data):
    path = real_data / "mnist" / "t10k-labels-idx1-ubyte.gz"
    y = read_idx(path, expected_magic=LABELS_MAGIC)
    assert y.shape == (10000,) and y.dtype == np.uint8
    assert list(y[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
