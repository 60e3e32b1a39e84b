"""CRC-32C (Castagnoli), as TFRecord files and TensorBoard event files checksum their records.

`google_crc32c` (C, optional: `pip install tfgraph[data]`) is used when installed; otherwise a
NumPy implementation that splits long inputs into lanes computed side by side.
"""
from __future__ import annotations

import functools
from typing import Sequence, Tuple

import numpy as np

try:  # a C implementation: ~1 GB/s instead of ~10 MB/s for short records in pure Python
    import google_crc32c as _google_crc32c
except ImportError:  # pragma: no cover - depends on the environment
    _google_crc32c = None


def _crc_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):  # reflected CRC-32C (Castagnoli) polynomial
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0x82F63B78), table >> 1)
    return table.astype(np.uint32)


_TABLE = _crc_table()
_TABLE_LIST = _TABLE.tolist()


def _apply(cols: Sequence[int], v: int) -> int:
    """A GF(2) 32x32 matrix (given by its columns) times the bit vector `v`."""
    out = 0
    for i in range(32):
        if (v >> i) & 1:
            out ^= cols[i]
    return out


def _square(cols: Sequence[int]) -> Tuple[int, ...]:
    return tuple(_apply(cols, c) for c in cols)


@functools.lru_cache(maxsize=64)
def _zeros_operator(nbytes: int) -> Tuple[int, ...]:
    """The matrix that advances a CRC register over `nbytes` zero bytes (columns)."""
    step = tuple(_TABLE_LIST[(1 << i) & 0xFF] ^ ((1 << i) >> 8) for i in range(32))  # one byte
    result = tuple(1 << i for i in range(32))
    while nbytes:  # square-and-multiply
        if nbytes & 1:
            result = tuple(_apply(step, c) for c in result)
        step = _square(step)
        nbytes >>= 1
    return result


def _apply_lanes(cols: Sequence[int], v: np.ndarray) -> np.ndarray:
    out = np.zeros_like(v)
    for i in range(32):
        out ^= np.where((v >> np.uint32(i)) & np.uint32(1), np.uint32(cols[i]), np.uint32(0))
    return out


def _update_bytes(reg: int, data: bytes) -> int:
    table = _TABLE_LIST
    for b in data:
        reg = table[(reg ^ b) & 0xFF] ^ (reg >> 8)
    return reg


def _crc32c_numpy(data: bytes) -> int:
    """CRC-32C of `data`.

    Long inputs are split into 2**k equal chunks whose CRCs are computed side by side with
    NumPy and then combined (CRC is linear over GF(2)), so writing a large graph does not
    take seconds the way a byte-at-a-time Python loop would.
    """
    n = len(data)
    if n < 65536:
        return _update_bytes(0xFFFFFFFF, data) ^ 0xFFFFFFFF
    lanes = 1 << min(14, (n // 64).bit_length() - 1)
    width = n // lanes
    block = np.frombuffer(data, np.uint8, lanes * width).reshape(lanes, width).astype(np.uint32)
    regs = np.zeros(lanes, np.uint32)
    for j in range(width):  # raw CRC register of each chunk, from 0
        regs = _TABLE[(regs ^ block[:, j]) & np.uint32(0xFF)] ^ (regs >> np.uint32(8))
    shift = _zeros_operator(width)
    while len(regs) > 1:  # crc(a + b) = shift_over(len(b)) @ crc(a) ^ crc(b)
        regs = _apply_lanes(shift, regs[0::2]) ^ regs[1::2]
        shift = _square(shift)
    reg = _apply(shift, 0xFFFFFFFF) ^ int(regs[0])  # the initial value, shifted over all chunks
    return _update_bytes(reg, data[lanes * width:]) ^ 0xFFFFFFFF


def crc32c(data: bytes) -> int:
    """CRC-32C of `data` (bytes-like)."""
    if _google_crc32c is not None:
        return _google_crc32c.value(bytes(data))
    return _crc32c_numpy(data)


_MASK_DELTA = 0xA282EAD8


def mask(crc: int) -> int:
    """TFRecord's masking of a CRC (rotate right by 15, add a constant)."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC-32C of `data`."""
    return mask(crc32c(data))
