"""Bytes-level ops on string tensors and TensorProto conversion: string hashing
(`tf.string_to_hash_bucket(_fast|_strong)`, `tf.strings.to_hash_bucket*`), `tf.fingerprint`,
web-safe base64 (`tf.encode_base64`/`tf.decode_base64`), `tf.decode_compressed` (zlib/gzip),
`tf.decode_json_example`, `tf.serialize_tensor`/`tf.parse_tensor`, `tf.make_tensor_proto`/
`tf.make_ndarray` and `tf.timestamp`.

Hashes are TF1's exactly: StringToHashBucket is TF's `Hash64` (a MurmurHash64A variant
seeded 0xDECAFCAFFE), StringToHashBucketStrong SipHash-2-4 keyed by `key`, both written
here (a few lines each); StringToHashBucketFast and Fingerprint are FarmHash's
Fingerprint64, taken from the optional `pyfarmhash` package (the "hash" extra; without it
these two ops raise ImportError saying so). Serialized tensors are TensorFlow's
`TensorProto` messages (tensorboard's compiled protos, via framework/graph_io).
All kernels are host-only; none is differentiable."""
from __future__ import annotations

import base64
import binascii
import gzip
import struct
import time
import zlib
from typing import Any, Optional

import numpy as np

from ..framework import dtypes, errors
from ..framework import graph_io
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, gen_tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import as_shape

_M64 = (1 << 64) - 1


# --- hash functions ---------------------------------------------------------------------------
def hash64(data: bytes, seed: int = 0xDECAFCAFFE) -> int:
    """TensorFlow's `Hash64` (core/platform/hash.cc): MurmurHash64A with TF's tail handling."""
    m, r = 0xC6A4A7935BD1E995, 47
    n = len(data)
    h = (seed ^ (n * m)) & _M64
    end = n - n % 8
    for (k,) in struct.iter_unpack("<Q", data[:end]):
        k = (k * m) & _M64
        k ^= k >> r
        h ^= (k * m) & _M64
        h = (h * m) & _M64
    if n > end:
        h ^= int.from_bytes(data[end:], "little")
        h = (h * m) & _M64
    h ^= h >> r
    h = (h * m) & _M64
    return h ^ (h >> r)


def _rotl(x: int, b: int) -> int:
    return ((x << b) | (x >> (64 - b))) & _M64


def _sip_rounds(v0: int, v1: int, v2: int, v3: int, n: int):
    for _ in range(n):
        v0 = (v0 + v1) & _M64
        v1 = _rotl(v1, 13) ^ v0
        v0 = _rotl(v0, 32)
        v2 = (v2 + v3) & _M64
        v3 = _rotl(v3, 16) ^ v2
        v0 = (v0 + v3) & _M64
        v3 = _rotl(v3, 21) ^ v0
        v2 = (v2 + v1) & _M64
        v1 = _rotl(v1, 17) ^ v2
        v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def siphash24(k0: int, k1: int, data: bytes) -> int:
    """SipHash-2-4 with the 128-bit key `(k0, k1)` (TF's `StrongKeyedHash`)."""
    v0, v1 = k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D
    v2, v3 = k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573
    n = len(data)
    end = n - n % 8
    for (m,) in struct.iter_unpack("<Q", data[:end]):
        v3 ^= m
        v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3, 2)
        v0 ^= m
    b = ((n & 0xFF) << 56) | int.from_bytes(data[end:], "little")
    v3 ^= b
    v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3, 2)
    v0 ^= b
    v2 ^= 0xFF
    v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


def fingerprint64(data: bytes) -> int:
    """FarmHash's Fingerprint64 (TF's `Fingerprint64`), from the optional `pyfarmhash`.

    Raises:
      ImportError: If pyfarmhash is not installed (saying how to install it).
    """
    try:
        import farmhash  # optional dependency: the "hash" extra
    except ImportError:
        raise ImportError("FarmHash Fingerprint64 (tf.string_to_hash_bucket_fast, "
                          "tf.fingerprint) needs the pyfarmhash package: pip install pyfarmhash "
                          "(tfgraph's 'hash' extra), or use tf.string_to_hash_bucket_strong") \
            from None
    return farmhash.fingerprint64(data)


# --- hash buckets -----------------------------------------------------------------------------
def _check_string(op_type: str, t: Tensor, arg: str) -> None:
    if t.dtype != dtypes.string:
        raise TypeError(f"{op_type}: {arg} must be a string tensor, got {t.dtype.name} "
                        f"({t.name})")


def _bucket_map(x: np.ndarray, fn, n: int) -> np.ndarray:
    out = np.empty(x.shape, dtype=np.int64)
    for i, v in enumerate(x.flat):
        out.flat[i] = fn(v) % n
    return out


class _HashBucket(OpDef):
    """Each string's hash modulo `num_buckets`, as int64."""

    host_only = True

    def infer(self, x, *, num_buckets, **attrs):
        _check_string(self.type_name, x, "input")
        if num_buckets < 1:
            raise ValueError(f"{self.type_name}: num_buckets must be >= 1, got {num_buckets}")
        return spec(dtypes.int64, x.shape)


@register_op("StringToHashBucketFast")
class StringToHashBucketFast(_HashBucket):
    def compute(self, be, x, *, num_buckets):
        return _bucket_map(np.asarray(x), fingerprint64, num_buckets)


@register_op("StringToHashBucket")
class StringToHashBucket(_HashBucket):
    def compute(self, be, x, *, num_buckets):
        return _bucket_map(np.asarray(x), hash64, num_buckets)


@register_op("StringToHashBucketStrong")
class StringToHashBucketStrong(_HashBucket):
    def infer(self, x, *, num_buckets, key):
        if len(key) != 2:
            raise ValueError(f"StringToHashBucketStrong: key must have 2 elements, got {key}")
        return super().infer(x, num_buckets=num_buckets)

    def compute(self, be, x, *, num_buckets, key):
        k0, k1 = (int(k) & _M64 for k in key)
        return _bucket_map(np.asarray(x), lambda v: siphash24(k0, k1, v), num_buckets)


for _t in ("StringToHashBucketFast", "StringToHashBucket", "StringToHashBucketStrong"):
    NotDifferentiable(_t)


def _string_input(x: Any, arg: str) -> Any:
    return x if isinstance(x, Tensor) else convert_to_tensor(x, dtype=dtypes.string, name=arg)


def string_to_hash_bucket_fast(input: Any, num_buckets: int,  # noqa: A002
                               name: Optional[str] = None) -> Tensor:
    """Hashes each string into `[0, num_buckets)` with FarmHash Fingerprint64
    (`tf.string_to_hash_bucket_fast`, `tf.strings.to_hash_bucket_fast`; op
    "StringToHashBucketFast"), the same buckets as TF1. Needs pyfarmhash at run time."""
    return gen_tensor("StringToHashBucketFast", name, [("input", input, (dtypes.string,), None)],
                      {"num_buckets": int(num_buckets)})


def string_to_hash_bucket(string_tensor: Any = None, num_buckets: Optional[int] = None,
                          name: Optional[str] = None, input: Any = None) -> Tensor:  # noqa: A002
    """Hashes each string into `[0, num_buckets)` with TF's legacy `Hash64`
    (`tf.string_to_hash_bucket`, `tf.strings.to_hash_bucket`; op "StringToHashBucket")."""
    if string_tensor is None:
        string_tensor = input
    if string_tensor is None or num_buckets is None:
        raise TypeError("string_to_hash_bucket() needs string_tensor and num_buckets")
    return gen_tensor("StringToHashBucket", name,
                      [("string_tensor", string_tensor, (dtypes.string,), None)],
                      {"num_buckets": int(num_buckets)})


def string_to_hash_bucket_strong(input: Any, num_buckets: int, key: Any,  # noqa: A002
                                 name: Optional[str] = None) -> Tensor:
    """Hashes each string into `[0, num_buckets)` with SipHash-2-4 keyed by the two ints `key`
    (`tf.string_to_hash_bucket_strong`, `tf.strings.to_hash_bucket_strong`; op
    "StringToHashBucketStrong").

    Raises:
      ValueError: If `key` does not have two elements.
    """
    return gen_tensor("StringToHashBucketStrong", name,
                      [("input", input, (dtypes.string,), None)],
                      {"num_buckets": int(num_buckets), "key": [int(k) for k in key]})


to_hash_bucket = string_to_hash_bucket
to_hash_bucket_fast = string_to_hash_bucket_fast
to_hash_bucket_strong = string_to_hash_bucket_strong


# --- fingerprint ------------------------------------------------------------------------------
@register_op("Fingerprint")
class Fingerprint(OpDef):
    """An 8-byte FarmHash Fingerprint64 (little endian) of each row `data[i]`."""

    host_only = True

    def infer(self, data, method):
        _check_string("Fingerprint", method, "method")
        method.shape.with_rank(0)
        m = _const_string(method)
        if m is not None and m != b"farmhash64":
            raise ValueError(f"Unsupported method: {m.decode(errors='replace')}")
        if data.shape.ndims == 0:
            raise ValueError("Shape must be at least rank 1 but is rank 0 (Fingerprint)")
        n = None if data.shape.ndims is None else data.shape.as_list()[0]
        return spec(dtypes.uint8, [n, 8])

    def compute(self, be, data, method):
        if bytes(np.asarray(method).item()) != b"farmhash64":
            raise ValueError(f"Unsupported method: {np.asarray(method).item()!r}")
        data = np.asarray(data)
        n = data.shape[0]
        rows = data.reshape(n, -1)
        out = np.empty((n, 8), np.uint8)
        for i in range(n):
            if data.dtype == object:
                if rows.shape[1] == 1:
                    key = bytes(rows[i, 0])
                else:  # TF: the fingerprint of the row's string fingerprints
                    key = b"".join(struct.pack("<Q", fingerprint64(bytes(v))) for v in rows[i])
            else:
                key = np.ascontiguousarray(rows[i]).astype(rows.dtype.newbyteorder("<")).tobytes()
            out[i] = np.frombuffer(struct.pack("<Q", fingerprint64(key)), np.uint8)
        return out


NotDifferentiable("Fingerprint")


def _const_string(t: Tensor) -> Optional[bytes]:
    if t.op.type != "Const":
        return None
    v = np.asarray(t.op.get_attr("value"))
    return bytes(v.item()) if v.shape == () else None


def fingerprint(data: Any, method: str = "farmhash64", name: Optional[str] = None) -> Tensor:
    """A `[N, 8]` uint8 fingerprint of each row of `data` (`tf.fingerprint`, op "Fingerprint"):
    FarmHash Fingerprint64 of the row's bytes, little endian, as TF1 (needs pyfarmhash).

    Raises:
      ValueError: For a scalar `data` or a method other than "farmhash64".
    """
    return gen_tensor("Fingerprint", name, [("data", data, None, None),
                                            ("method", method, (dtypes.string,), None)])


# --- base64, compression, JSON Examples --------------------------------------------------------
class _BytesMap(OpDef):
    """An elementwise function of one string tensor (bytes -> bytes); `fn(op, value,
    **attrs)` raises ValueError (InvalidArgumentError naming the op) or an OpError."""

    host_only = True

    def infer(self, x, **attrs):
        _check_string(self.type_name, x, "input")
        return spec(dtypes.string, x.shape)

    def kernel(self, be, op, ctx):
        fn, attrs = self.fn, dict(op.attrs)

        def bytes_map(x):
            x = np.asarray(x)
            out = np.empty(x.shape, dtype=object)
            for i, v in enumerate(x.flat):
                out.flat[i] = fn(op, bytes(v), **attrs)
            return out
        return bytes_map

    def fn(self, op, v: bytes, **attrs) -> bytes:
        raise NotImplementedError


@register_op("EncodeBase64")
class EncodeBase64(_BytesMap):
    def fn(self, op, v, *, pad=False):
        out = base64.urlsafe_b64encode(v)
        return out if pad else out.rstrip(b"=")


@register_op("DecodeBase64")
class DecodeBase64(_BytesMap):
    def fn(self, op, v):
        s = v.rstrip(b"=")
        if len(s) % 4 == 1:
            raise ValueError(f"Invalid base64 length {len(v)}")
        try:  # web-safe alphabet; padding is optional, as in TF
            return base64.b64decode(s + b"=" * (-len(s) % 4), altchars=b"-_", validate=True)
        except binascii.Error:
            raise ValueError("Invalid character found in base64.") from None


@register_op("DecodeCompressed")
class DecodeCompressed(_BytesMap):
    def infer(self, x, *, compression_type=""):
        if compression_type not in ("", "ZLIB", "GZIP"):
            raise ValueError(f"DecodeCompressed: compression_type must be '', 'ZLIB' or 'GZIP', "
                             f"got {compression_type!r}")
        return super().infer(x)

    def fn(self, op, v, *, compression_type=""):
        try:
            if compression_type == "ZLIB":
                return zlib.decompress(v)
            if compression_type == "GZIP":
                return gzip.decompress(v)
        except (zlib.error, OSError, EOFError) as e:  # TF1 reports corrupt input as data loss
            raise errors.DataLossError(None, op, f"Invalid {compression_type} data in "
                                                 f"{op.name}: {e}") from None
        return v


@register_op("DecodeJSONExample")
class DecodeJSONExample(_BytesMap):
    def fn(self, op, v):
        from google.protobuf import json_format  # protobuf: a core dependency
        from ..lib import example_pb2
        try:
            return json_format.Parse(v.decode("utf-8"), example_pb2.Example()).SerializeToString()
        except (json_format.ParseError, UnicodeDecodeError) as e:
            raise ValueError(f"Error while parsing JSON: {e}") from None


for _t in ("EncodeBase64", "DecodeBase64", "DecodeCompressed", "DecodeJSONExample"):
    NotDifferentiable(_t)


def encode_base64(input: Any, pad: bool = False, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """Web-safe base64 (`-` and `_` for `+` and `/`) of each string (`tf.encode_base64`,
    `tf.io.encode_base64`; op "EncodeBase64"); `pad=True` adds `=` padding."""
    return gen_tensor("EncodeBase64", name, [("input", input, (dtypes.string,), None)],
                      {"pad": bool(pad)})


def decode_base64(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """Decodes web-safe base64 strings, padded or not (`tf.decode_base64`,
    `tf.io.decode_base64`; op "DecodeBase64").

    Raises:
      InvalidArgumentError: At run time, for a character outside the web-safe alphabet.
    """
    return gen_tensor("DecodeBase64", name, [("input", input, (dtypes.string,), None)])


def decode_compressed(bytes: Any, compression_type: str = "",  # noqa: A002
                      name: Optional[str] = None) -> Tensor:
    """Decompresses each string (`tf.decode_compressed`, `tf.io.decode_compressed`; op
    "DecodeCompressed"): `compression_type` "ZLIB", "GZIP", or "" (unchanged)."""
    return gen_tensor("DecodeCompressed", name, [("bytes", bytes, (dtypes.string,), None)],
                      {"compression_type": compression_type})


def decode_json_example(json_examples: Any, name: Optional[str] = None) -> Tensor:
    """`tf.train.Example` protos in JSON (protobuf's JSON mapping) to their binary form
    (`tf.decode_json_example`, `tf.io.decode_json_example`; op "DecodeJSONExample"), ready
    for `tf.parse_example`."""
    return gen_tensor("DecodeJSONExample", name,
                      [("json_examples", json_examples, (dtypes.string,), None)])


# --- serialize_tensor / parse_tensor, make_tensor_proto / make_ndarray ---------------------------
@register_op("SerializeTensor")
class SerializeTensor(OpDef):
    """A tensor as a serialized TensorProto (a string scalar)."""

    host_only = True

    def infer(self, x):
        return spec(dtypes.string, [])

    def compute(self, be, x):
        x = np.asarray(x)
        dt = dtypes.string if x.dtype == object else None
        return np.array(graph_io.make_tensor_proto(x, dt).SerializeToString(), dtype=object)


@register_op("ParseTensor")
class ParseTensor(OpDef):
    """A serialized TensorProto back to a tensor of `out_type` (shape known at run time)."""

    host_only = True

    def infer(self, serialized, *, out_type):
        _check_string("ParseTensor", serialized, "serialized")
        serialized.shape.with_rank(0)
        return spec(out_type, None)

    def compute(self, be, serialized, *, out_type):
        pb = graph_io.protos()
        proto = pb.tensor_pb2.TensorProto()
        try:
            proto.ParseFromString(bytes(np.asarray(serialized).item()))
        except pb.message.DecodeError:
            raise ValueError("Could not parse `serialized` as TensorProto") from None
        got = graph_io.dtype_from_enum(proto.dtype)
        if got != out_type:
            raise TypeError(f"Type mismatch between parsed tensor ({got.name}) and dtype "
                            f"({out_type.name})")
        return graph_io.tensor_from_proto(proto)


NotDifferentiable("SerializeTensor")
NotDifferentiable("ParseTensor")


def serialize_tensor(tensor: Any, name: Optional[str] = None) -> Tensor:
    """`tensor` as a serialized TensorProto, a string scalar (`tf.serialize_tensor`,
    `tf.io.serialize_tensor`; op "SerializeTensor"): the bytes TF1 writes (numbers in
    `tensor_content`, strings in `string_val`)."""
    return gen_tensor("SerializeTensor", name, [("tensor", tensor, None, None)])


def parse_tensor(serialized: Any, out_type: Any, name: Optional[str] = None) -> Tensor:
    """The tensor of a serialized TensorProto (`tf.parse_tensor`, `tf.io.parse_tensor`; op
    "ParseTensor").

    Raises:
      InvalidArgumentError: At run time, if the proto's dtype is not `out_type` or the string
        is not a TensorProto.
    """
    return gen_tensor("ParseTensor", name,
                      [("serialized", serialized, (dtypes.string,), None)],
                      {"out_type": dtypes.as_dtype(out_type)})


# TF writes numbers of these dtypes (more than one of them, filling the shape) as raw bytes.
_CONTENT_TYPES = frozenset({"float16", "float32", "float64", "int32", "uint8", "int16", "int8",
                            "int64", "uint32", "uint64"})


def make_tensor_proto(values: Any, dtype: Any = None, shape: Any = None,
                      verify_shape: bool = False, allow_broadcast: bool = False) -> Any:
    """A `TensorProto` (TensorFlow's protobuf message, tensorboard's compiled class) of
    `values` (`tf.make_tensor_proto`), laid out as TF1 lays it out: `tensor_content` for
    arrays of more than one number, the typed `*_val` field otherwise; a `shape` larger than
    the values keeps them, and readers repeat the last one.

    Raises:
      TypeError: If `verify_shape` and the shapes differ, or values do not convert to `dtype`.
      ValueError: If there are more values than `shape` holds.
    """
    pb = graph_io.protos()
    if isinstance(values, pb.tensor_pb2.TensorProto):
        return values
    dt = None if dtype is None else dtypes.as_dtype(dtype)
    if dt is dtypes.string or (dt is None and _is_strings(values)):
        arr = np.asarray(values, dtype=object)
        dt = dtypes.string
    else:
        arr = np.asarray(values, dtype=None if dt is None else dt.np_dtype)
        raw = np.asarray(values)
        if dt is not None and (dt.is_integer or dt is dtypes.bool) and raw.dtype.kind in "fc" \
                and not np.array_equal(raw, arr):
            raise TypeError(f"Expected {dt.name}, got {values!r} of type "
                            f"'{type(values).__name__}' instead.")
        if dt is None:
            dt = dtypes.as_dtype(_default_dtype(values, arr))
            arr = arr.astype(dt.np_dtype)
    want = tuple(arr.shape) if shape is None else tuple(as_shape(shape).as_list())
    n = int(np.prod(want, dtype=np.int64))
    if shape is not None and tuple(arr.shape) != want:
        if verify_shape:
            raise TypeError(f"Expected Tensor's shape: {want}, but got {tuple(arr.shape)}.")
        if allow_broadcast and arr.size != n:
            arr = np.broadcast_to(arr, want)
        elif arr.size > n:
            raise ValueError(f"Too many elements provided. Takes at most {n}, but got "
                             f"{arr.size}.")
    proto = pb.tensor_pb2.TensorProto(dtype=graph_io.dtype_enum(dt),
                                      tensor_shape=graph_io.shape_proto(list(want)))
    if dt is dtypes.string:
        proto.string_val.extend(v.encode("utf-8") if isinstance(v, str) else bytes(v)
                                for v in arr.ravel())
    elif dt.name in _CONTENT_TYPES and arr.size == n and n > 1:
        proto.tensor_content = np.ascontiguousarray(
            arr.reshape(want), dtype=dt.np_dtype.newbyteorder("<")).tobytes()
    else:
        _fill_val(proto, dt, arr.ravel())
    return proto


def _is_strings(values: Any) -> bool:
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.dtype.kind in "SU":
        return True
    return arr.dtype == object and arr.size > 0 and isinstance(arr.flat[0], (bytes, str))


def _default_dtype(values: Any, arr: np.ndarray) -> str:
    """TF's dtype for Python values: floats float32, ints int32 (int64 when too large);
    NumPy values keep theirs."""
    if isinstance(values, (np.ndarray, np.generic)):
        return arr.dtype.name
    if arr.dtype == np.float64:
        return "float32"
    if arr.dtype == np.int64:
        info = np.iinfo(np.int32)
        return "int32" if arr.size == 0 or info.min <= arr.min() <= arr.max() <= info.max \
            else "int64"
    return arr.dtype.name


def _fill_val(proto: Any, dt: dtypes.DType, flat: np.ndarray) -> None:
    field = getattr(proto, graph_io._VAL_FIELDS[dt.name])
    if dt.name == "float16":
        field.extend(int(v) for v in flat.astype(np.float16).view(np.uint16))
    elif dt.is_complex:
        for v in flat:
            field.extend([float(v.real), float(v.imag)])
    else:
        field.extend(flat.tolist())


def make_ndarray(tensor: Any) -> np.ndarray:
    """The NumPy value of a `TensorProto` (`tf.make_ndarray`; strings as bytes objects).

    Raises:
      TypeError: If `tensor` is not a TensorProto, or its dtype is not supported.
    """
    pb = graph_io.protos()
    if not isinstance(tensor, pb.tensor_pb2.TensorProto):
        raise TypeError(f"make_ndarray expects a TensorProto, got {type(tensor).__name__}")
    return graph_io.tensor_from_proto(tensor)


# --- timestamp --------------------------------------------------------------------------------
@register_op("Timestamp")
class Timestamp(OpDef):
    """Seconds since the Unix epoch, as a float64 scalar, when the op runs."""

    host_only = True
    stateful = True

    def infer(self):
        return spec(dtypes.float64, [])

    def compute(self, be):
        return np.array(time.time(), dtype=np.float64)


NotDifferentiable("Timestamp")


def timestamp(name: Optional[str] = None) -> Tensor:
    """The time the op runs, in seconds since the Unix epoch (float64 scalar;
    `tf.timestamp`, op "Timestamp")."""
    return gen_tensor("Timestamp", name, [])


__all__ = ["decode_base64", "decode_compressed", "decode_json_example", "encode_base64",
           "fingerprint", "make_ndarray", "make_tensor_proto", "parse_tensor",
           "serialize_tensor", "string_to_hash_bucket", "string_to_hash_bucket_fast",
           "string_to_hash_bucket_strong", "timestamp"]
