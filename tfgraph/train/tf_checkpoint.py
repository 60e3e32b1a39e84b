"""TensorFlow's V2 checkpoint format (the "tensor bundle"): encoding and decoding.

A checkpoint `<prefix>` is two files:

``<prefix>.data-00000-of-00001``
    The tensors' bytes back to back (little-endian, C order). A string tensor is stored as
    the varint64 length of each element, the masked CRC-32C of those lengths (each as a
    little-endian uint32), then the elements' bytes.
``<prefix>.index``
    A LevelDB-format table ("SSTable": prefix-compressed data blocks with restart points,
    each followed by a compression byte (0: none) and the masked CRC-32C of the block, an
    empty metaindex block, an index block of block handles, and a 48-byte footer ending in
    the magic number 0xdb4775248b80fb57) mapping keys, in sorted order, to protobufs:
    "" to a `BundleHeaderProto` (num_shards=1, little-endian, version producer=1) and each
    tensor name to a `BundleEntryProto` (dtype, shape, shard_id, offset, size, masked
    CRC-32C of the tensor's bytes).

The two small protobuf messages and `TensorShapeProto` are encoded and decoded here by hand
(varint and length-delimited fields), so checkpoints need no protobuf library. Everything
read is validated (block and tensor checksums, sizes, offsets); a problem raises
`tf.errors.DataLossError` naming the file. Sliced (partitioned) entries and other shard
counts raise `tf.errors.UnimplementedError`.
"""
from __future__ import annotations

import struct
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import errors

from ..lib.io.crc32c import crc32c, mask

DATA_SUFFIX = ".data-00000-of-00001"
INDEX_SUFFIX = ".index"
_MAGIC = 0xdb4775248b80fb57
_BLOCK_SIZE = 4096
_RESTART_INTERVAL = 16
_DTYPE_ENUM = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
               "string": 7, "complex64": 8, "int64": 9, "bool": 10, "uint16": 17,
               "complex128": 18, "float16": 19, "uint32": 22, "uint64": 23}
_ENUM_DTYPE = {v: k for k, v in _DTYPE_ENUM.items()}


# --- protobuf wire format (the few fields needed) ----------------------------------------------
def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _read_varint(buf: bytes, pos: int) -> Tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes) -> List[Tuple[int, int, object]]:
    """(field number, wire type, value) of each field of a serialized message."""
    out, pos = [], 0
    while pos < len(buf):
        key, pos = _read_varint(buf, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, pos = _read_varint(buf, pos)
        elif wt == 1:
            if pos + 8 > len(buf):
                raise ValueError("truncated fixed64")
            v, pos = struct.unpack_from("<Q", buf, pos)[0], pos + 8
        elif wt == 2:
            n, pos = _read_varint(buf, pos)
            if pos + n > len(buf):
                raise ValueError("truncated field")
            v, pos = buf[pos:pos + n], pos + n
        elif wt == 5:
            if pos + 4 > len(buf):
                raise ValueError("truncated fixed32")
            v, pos = struct.unpack_from("<I", buf, pos)[0], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wt}")
        out.append((num, wt, v))
    return out


def _field(num: int, value: object) -> bytes:
    if isinstance(value, bytes):
        return _varint(num << 3 | 2) + _varint(len(value)) + value
    return _varint(num << 3) + _varint(int(value))


def _shape_bytes(shape: Sequence[int]) -> bytes:
    return b"".join(_field(2, _field(1, d)) for d in shape)


def _parse_shape(buf: bytes) -> Tuple[int, ...]:
    dims = []
    for num, _, v in _fields(buf):
        if num == 2:
            size = 0
            for n2, _, v2 in _fields(v):
                if n2 == 1:
                    size = v2 - (1 << 64) if v2 >= 1 << 63 else v2
            if size < 0:
                raise ValueError("negative dimension in a stored shape")
            dims.append(size)
        elif num == 3 and v:
            raise ValueError("stored shape has unknown rank")
    return tuple(dims)


class Entry:
    """One `BundleEntryProto`: where a tensor's bytes are and how to check them."""

    __slots__ = ("dtype", "shape", "shard_id", "offset", "size", "crc32c", "sliced")

    def __init__(self, dtype: _dtypes.DType, shape: Tuple[int, ...], offset: int, size: int,
                 crc: int, shard_id: int = 0, sliced: bool = False):
        self.dtype, self.shape, self.offset, self.size = dtype, shape, offset, size
        self.crc32c, self.shard_id, self.sliced = crc, shard_id, sliced

    def encode(self) -> bytes:
        out = _field(1, _DTYPE_ENUM[self.dtype.name]) + _field(2, _shape_bytes(self.shape))
        if self.shard_id:
            out += _field(3, self.shard_id)
        if self.offset:
            out += _field(4, self.offset)
        if self.size:
            out += _field(5, self.size)
        return out + _varint(6 << 3 | 5) + struct.pack("<I", self.crc32c)

    @classmethod
    def decode(cls, buf: bytes) -> "Entry":
        dtype = shape = None
        shape = ()
        offset = size = crc = shard = 0
        sliced = False
        enum = 0
        for num, _, v in _fields(buf):
            if num == 1:
                enum = v
            elif num == 2:
                shape = _parse_shape(v)
            elif num == 3:
                shard = v
            elif num == 4:
                offset = v
            elif num == 5:
                size = v
            elif num == 6:
                crc = v
            elif num == 7:
                sliced = True
        name = _ENUM_DTYPE.get(enum)
        if name is None:
            raise ValueError(f"unsupported data type {enum}")
        dtype = _dtypes.as_dtype(name)
        return cls(dtype, shape, offset, size, crc, shard, sliced)


def _header_bytes() -> bytes:
    return _field(1, 1) + _field(3, _field(1, 1))  # num_shards=1, version{producer: 1}


# --- tensors <-> bytes -------------------------------------------------------------------------
def _tensor_bytes(value: np.ndarray, dtype: _dtypes.DType) -> Tuple[bytes, int]:
    """The stored bytes of a tensor and the (unmasked) CRC-32C its entry records."""
    if dtype is _dtypes.string:
        items = [v.encode("utf-8") if isinstance(v, str) else bytes(v)
                 for v in np.asarray(value, dtype=object).ravel()]
        lens32 = b"".join(struct.pack("<I", len(b) & 0xFFFFFFFF) for b in items)
        stored = struct.pack("<I", mask(crc32c(lens32)))
        body = b"".join(items)
        # TF checksums the lengths as uint32s, not as the varints it stores.
        return (b"".join(_varint(len(b)) for b in items) + stored + body,
                crc32c(lens32 + stored + body))
    arr = np.asarray(value, dtype=dtype.np_dtype.newbyteorder("<"))
    raw = np.ascontiguousarray(arr).tobytes()
    return raw, crc32c(raw)


def _string_crc(data: bytes, n: int) -> Tuple[List[bytes], int]:
    """Decodes a stored string tensor of `n` elements; returns the items and the entry CRC."""
    lengths, pos = [], 0
    for _ in range(n):
        ln, pos = _read_varint(data, pos)
        lengths.append(ln)
    if pos + 4 > len(data):
        raise ValueError("truncated string tensor")
    stored = data[pos:pos + 4]
    lens32 = b"".join(struct.pack("<I", ln & 0xFFFFFFFF) for ln in lengths)
    if struct.unpack("<I", stored)[0] != mask(crc32c(lens32)):
        raise ValueError("checksum of the string lengths does not match")
    pos += 4
    items = []
    for ln in lengths:
        if pos + ln > len(data):
            raise ValueError("truncated string tensor")
        items.append(bytes(data[pos:pos + ln]))
        pos += ln
    return items, crc32c(lens32 + stored + b"".join(items))


def encode_bundle(values: Dict[str, np.ndarray], dtypes: Dict[str, _dtypes.DType]
                  ) -> Tuple[bytes, bytes]:
    """The `.index` and `.data-00000-of-00001` contents for `values` (keys sorted).

    Args:
      values: Maps checkpoint keys to host NumPy arrays.
      dtypes: The TF dtype of each value.

    Returns:
      `(index_bytes, data_bytes)`.
    """
    data = bytearray()
    entries = []
    for name in sorted(values):
        dt = dtypes[name]
        raw, crc = _tensor_bytes(values[name], dt)
        shape = tuple(int(d) for d in np.shape(values[name]))
        entries.append((name.encode("utf-8"),
                        Entry(dt, shape, len(data), len(raw), mask(crc)).encode()))
        data += raw
    return _build_table([(b"", _header_bytes())] + entries), bytes(data)


# --- the SSTable ---------------------------------------------------------------------------------
def _block(items: Sequence[Tuple[bytes, bytes]]) -> bytes:
    out, restarts, last = bytearray(), [], b""
    for i, (k, v) in enumerate(items):
        if i % _RESTART_INTERVAL == 0:
            restarts.append(len(out))
            shared = 0
        else:
            shared = 0
            while shared < min(len(k), len(last)) and k[shared] == last[shared]:
                shared += 1
        out += _varint(shared) + _varint(len(k) - shared) + _varint(len(v)) + k[shared:] + v
        last = k
    if not restarts:
        restarts = [0]
    out += b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))
    return bytes(out)


def _separator(start: bytes, limit: bytes) -> bytes:
    """LevelDB's FindShortestSeparator: a short key in [start, limit)."""
    i = 0
    while i < min(len(start), len(limit)) and start[i] == limit[i]:
        i += 1
    if i < min(len(start), len(limit)) and start[i] < 0xFF and start[i] + 1 < limit[i]:
        return start[:i] + bytes([start[i] + 1])
    return start


def _successor(key: bytes) -> bytes:
    """LevelDB's FindShortSuccessor: a short key >= `key`."""
    for i, b in enumerate(key):
        if b != 0xFF:
            return key[:i] + bytes([b + 1])
    return key


def _build_table(items: Sequence[Tuple[bytes, bytes]]) -> bytes:
    """A LevelDB table as TensorFlow's `table::TableBuilder` writes it (no compression)."""
    out = bytearray()

    def write_block(contents: bytes) -> bytes:
        handle = _varint(len(out)) + _varint(len(contents))
        out.extend(contents)
        out.extend(b"\x00" + struct.pack("<I", mask(crc32c(contents + b"\x00"))))
        return handle

    index_items: List[Tuple[bytes, bytes]] = []
    pending: List[Tuple[bytes, bytes]] = []
    pending_handle = None
    size = 0
    for k, v in items:
        if pending_handle is not None:  # the index entry of the last block, now that k is known
            index_items.append((_separator(pending_handle[0], k), pending_handle[1]))
            pending_handle = None
        if len(pending) % _RESTART_INTERVAL == 0:
            size += 4
        pending.append((k, v))
        size += len(k) + len(v) + 3 + (len(k) > 127) + (len(v) > 127) * 2
        if len(_block(pending)) >= _BLOCK_SIZE:
            pending_handle = (k, write_block(_block(pending)))
            pending, size = [], 0
    if pending:
        pending_handle = (pending[-1][0], write_block(_block(pending)))
    if pending_handle is not None:
        index_items.append((_successor(pending_handle[0]), pending_handle[1]))
    meta = write_block(_block([]))
    index = write_block(_block(index_items))
    footer = meta + index
    footer += b"\x00" * (40 - len(footer)) + struct.pack("<Q", _MAGIC)
    return bytes(out + footer)


def _read_block(buf: bytes, offset: int, size: int) -> List[Tuple[bytes, bytes]]:
    if offset + size + 5 > len(buf):
        raise ValueError(f"block at {offset} (+{size}) runs past the end of the file")
    contents = buf[offset:offset + size]
    kind = buf[offset + size]
    crc = struct.unpack_from("<I", buf, offset + size + 1)[0]
    if crc != mask(crc32c(contents + bytes([kind]))):
        raise ValueError(f"block at offset {offset} has a bad checksum")
    if kind != 0:
        raise ValueError(f"block at offset {offset} is compressed (type {kind}); only "
                         f"uncompressed tables are supported")
    if size < 4:
        raise ValueError("block too short")
    n_restarts = struct.unpack_from("<I", contents, size - 4)[0]
    end = size - 4 - 4 * n_restarts
    if end < 0:
        raise ValueError("bad restart count in block")
    items, pos, last = [], 0, b""
    while pos < end:
        shared, pos = _read_varint(contents, pos)
        non_shared, pos = _read_varint(contents, pos)
        vlen, pos = _read_varint(contents, pos)
        if shared > len(last) or pos + non_shared + vlen > end:
            raise ValueError("corrupt block entry")
        key = last[:shared] + contents[pos:pos + non_shared]
        pos += non_shared
        items.append((key, contents[pos:pos + vlen]))
        pos += vlen
        last = key
    return items


def parse_index(buf: bytes) -> Tuple[Dict[str, Entry], int]:
    """The entries of an `.index` file's contents, and the header's shard count.

    Raises:
      ValueError: For anything malformed (the caller names the file).
    """
    if len(buf) < 48:
        raise ValueError(f"file is {len(buf)} bytes, shorter than a table footer")
    if struct.unpack_from("<Q", buf, len(buf) - 8)[0] != _MAGIC:
        raise ValueError("bad magic number (not a TensorFlow checkpoint index, or truncated)")
    footer = buf[len(buf) - 48:len(buf) - 8]
    pos = 0
    _, pos = _read_varint(footer, pos)
    _, pos = _read_varint(footer, pos)
    index_off, pos = _read_varint(footer, pos)
    index_size, pos = _read_varint(footer, pos)
    entries: Dict[str, Entry] = {}
    num_shards = None
    for _, handle in _read_block(buf, index_off, index_size):
        off, p = _read_varint(handle, 0)
        size, _ = _read_varint(handle, p)
        for key, value in _read_block(buf, off, size):
            if key == b"":
                num_shards = 1
                for num, _, v in _fields(value):
                    if num == 1:
                        num_shards = v
                    elif num == 2 and v != 0:
                        raise ValueError("checkpoint was written big-endian")
                continue
            entries[key.decode("utf-8")] = Entry.decode(value)
    if num_shards is None:
        raise ValueError("no bundle header")
    return entries, num_shards


def decode_tensor(data: bytes, entry: Entry, name: str) -> np.ndarray:
    """The array of one entry from the data file's contents, its checksum verified.

    Raises:
      ValueError: If the bytes are out of range or fail the checksum.
    """
    end = entry.offset + entry.size
    if end > len(data):
        raise ValueError(f"tensor '{name}' lies at bytes {entry.offset}..{end} but the data "
                         f"file has {len(data)} bytes (truncated?)")
    raw = data[entry.offset:end]
    n = int(np.prod(entry.shape, dtype=np.int64))
    if entry.dtype is _dtypes.string:
        items, crc = _string_crc(raw, n)
        if mask(crc) != entry.crc32c:
            raise ValueError(f"checksum mismatch for tensor '{name}'")
        arr = np.empty(n, dtype=object)
        arr[:] = items
        return arr.reshape(entry.shape)
    if mask(crc32c(raw)) != entry.crc32c:
        raise ValueError(f"checksum mismatch for tensor '{name}'")
    np_dt = entry.dtype.np_dtype
    if n * np_dt.itemsize != entry.size:
        raise ValueError(f"tensor '{name}' has {entry.size} bytes, its shape "
                         f"{list(entry.shape)} of {entry.dtype.name} needs {n * np_dt.itemsize}")
    return np.frombuffer(raw, dtype=np_dt.newbyteorder("<")).astype(np_dt).reshape(entry.shape)


class BundleReader:
    """Reads a TF V2 checkpoint: the index at once, tensors on request (all validated).

    Args:
      index_path: The `.index` file.
      data_path: The `.data-00000-of-00001` file.

    Raises:
      tf.errors.DataLossError: If the index is corrupt or truncated (naming the file).
      tf.errors.UnimplementedError: For sharded or sliced checkpoints.
    """

    def __init__(self, index_path: str, data_path: str):
        self.index_path, self.data_path = index_path, data_path
        with open(index_path, "rb") as f:
            buf = f.read()
        try:
            self.entries, shards = parse_index(buf)
        except (ValueError, UnicodeDecodeError, struct.error) as e:
            raise errors.DataLossError(
                None, None, f"Unable to read checkpoint index {index_path}: {e}") from None
        if shards != 1:
            raise errors.UnimplementedError(
                None, None, f"{index_path}: checkpoints in {shards} shards are not supported")
        sliced = [k for k, e in self.entries.items() if e.sliced or e.shard_id]
        if sliced:
            raise errors.UnimplementedError(
                None, None, f"{index_path}: sliced (partitioned) variables are not supported: "
                            f"{', '.join(sorted(sliced)[:5])}")

    def read(self, names: Sequence[str], data: Optional[bytes] = None) -> Dict[str, np.ndarray]:
        """Reads and checks the tensors `names` (all of them, or raises before returning any).

        Raises:
          tf.errors.DataLossError: If the data file is missing, truncated or corrupt.
        """
        if data is None:
            try:
                with open(self.data_path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                raise errors.DataLossError(
                    None, None, f"Checkpoint data file {self.data_path} is missing (index "
                                f"{self.index_path} exists)") from None
        out = {}
        try:
            for n in names:
                out[n] = decode_tensor(data, self.entries[n], n)
        except (ValueError, struct.error) as e:
            raise errors.DataLossError(
                None, None, f"Unable to read checkpoint data {self.data_path}: {e}") from None
        return out


__all__: List[str] = []
