"""SparseTensors as strings: `tf.serialize_sparse`, `tf.serialize_many_sparse`,
`tf.deserialize_many_sparse` (also in `tf.io`), with TF1's ops SerializeSparse,
SerializeManySparse and DeserializeManySparse.

The format is TF1's, byte for byte: each SparseTensor is three serialized `TensorProto`s
(indices, values, dense shape) written the way TF's `Tensor::AsProtoTensorContent` writes
them (numbers little-endian in `tensor_content`; strings in `tensor_content` as all their
varint lengths followed by all their bytes), so strings written here are read by TF1 and
the reverse. Kernels run on the host (strings).
"""
from __future__ import annotations

from typing import Any, List, Optional

import numpy as np

from ..framework import dtypes
from ..framework.graph_io import (dtype_enum, dtype_from_enum, protos, shape_proto,
                                  tensor_from_proto)
from ..framework.ops import gen_op as _gen_op
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.sparse_tensor import SparseTensor
from ._helpers import host_array as _host
from .sparse_ops import _sp


def _encode(arr: np.ndarray, dt: dtypes.DType) -> bytes:
    """One serialized TensorProto, as TF's AsProtoTensorContent writes it."""
    pb = protos().tensor_pb2.TensorProto(dtype=dtype_enum(dt),
                                         tensor_shape=shape_proto(list(arr.shape)))
    if dt is dtypes.string:
        # protobuf's own varint codec (loaded with the protos, like graph_io's).
        from google.protobuf.internal.encoder import _VarintBytes
        items = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in arr.ravel()]
        content = b"".join(_VarintBytes(len(v)) for v in items) + b"".join(items)
    else:
        content = np.ascontiguousarray(arr, dtype=dt.np_dtype.newbyteorder("<")).tobytes()
    if content:
        pb.tensor_content = content
    return pb.SerializeToString()


def _decode(what: str, data: bytes) -> np.ndarray:
    """A serialized TensorProto's value (tensor_content or the typed *_val fields)."""
    pb = protos().tensor_pb2.TensorProto()
    try:
        pb.ParseFromString(bytes(data))
    except Exception as e:  # noqa: BLE001 - protobuf's DecodeError has no stable import path
        raise ValueError(f"{what}: could not parse a serialized TensorProto ({e})") from None
    dt = dtype_from_enum(pb.dtype)
    if dt is dtypes.string and pb.tensor_content:
        shape = tuple(int(d.size) for d in pb.tensor_shape.dim)
        n = int(np.prod(shape, dtype=np.int64))
        from google.protobuf.internal.decoder import _DecodeVarint
        buf, pos, lens = pb.tensor_content, 0, []
        for _ in range(n):
            ln, pos = _DecodeVarint(buf, pos)
            lens.append(ln)
        out = np.empty(n, object)
        for i, ln in enumerate(lens):
            out[i] = bytes(buf[pos:pos + ln])
            pos += ln
        return out.reshape(shape)
    return tensor_from_proto(pb)


def _components(be, indices, values, shape):
    idx = np.asarray(_host(be, indices), np.int64)
    return idx.reshape(-1, np.size(_host(be, shape))), np.asarray(_host(be, values)), \
        np.asarray(_host(be, shape), np.int64).reshape(-1)


def _row(idx, vals, shape, vdt) -> List[bytes]:
    return [_encode(idx, dtypes.int64), _encode(vals, vdt), _encode(shape, dtypes.int64)]


def _str_array(rows) -> np.ndarray:
    out = np.empty((len(rows), 3) if rows and isinstance(rows[0], list) else (3,), object)
    if out.ndim == 1:
        out[:] = rows
    else:
        for i, r in enumerate(rows):
            out[i, :] = r
    return out


@register_op("SerializeSparse")
class SerializeSparse(OpDef):
    """A SparseTensor as a string 3-vector (indices, values, shape TensorProtos)."""

    host_only = True

    def infer(self, sparse_indices, sparse_values, sparse_shape, *, out_type=dtypes.string):
        if dtypes.as_dtype(out_type) is not dtypes.string:
            raise TypeError("SerializeSparse: only out_type=tf.string is supported "
                            "(tf.variant is TF2's)")
        return spec(dtypes.string, [3])

    def compute(self, be, sparse_indices, sparse_values, sparse_shape, *,
                out_type=dtypes.string):
        idx, vals, shape = _components(be, sparse_indices, sparse_values, sparse_shape)
        vdt = dtypes.as_dtype(vals.dtype) if vals.dtype != object else dtypes.string
        return _str_array(_row(idx, vals, shape, vdt))


@register_op("SerializeManySparse")
class SerializeManySparse(OpDef):
    """A rank-R SparseTensor as [shape[0], 3] strings: row b is its b-th slice (rank R-1)."""

    host_only = True

    def infer(self, sparse_indices, sparse_values, sparse_shape, *, out_type=dtypes.string):
        if dtypes.as_dtype(out_type) is not dtypes.string:
            raise TypeError("SerializeManySparse: only out_type=tf.string is supported")
        return spec(dtypes.string, [None, 3])

    def compute(self, be, sparse_indices, sparse_values, sparse_shape, *,
                out_type=dtypes.string):
        idx, vals, shape = _components(be, sparse_indices, sparse_values, sparse_shape)
        if shape.size < 2:
            raise ValueError(f"SerializeManySparse: the SparseTensor must have rank >= 2, got "
                             f"shape {shape.tolist()}")
        vdt = dtypes.as_dtype(vals.dtype) if vals.dtype != object else dtypes.string
        n = int(shape[0])
        if idx.shape[0] and (idx[:, 0].min() < 0 or idx[:, 0].max() >= n):
            raise ValueError(f"SerializeManySparse: an index's first entry is out of range "
                             f"[0, {n})")
        order = np.argsort(idx[:, 0], kind="stable")
        idx, vals = idx[order], vals[order]
        bounds = np.searchsorted(idx[:, 0], np.arange(n + 1))
        rows = [_row(idx[bounds[b]:bounds[b + 1], 1:], vals[bounds[b]:bounds[b + 1]],
                     shape[1:], vdt) for b in range(n)]
        out = np.empty((n, 3), object)
        for b, r in enumerate(rows):
            out[b, :] = r
        return out


@register_op("DeserializeManySparse")
class DeserializeManySparse(OpDef):
    """[N, 3] serialized SparseTensors of one rank -> one SparseTensor with a new first
    dimension N; the other dimensions are the largest of the N shapes."""

    host_only = True

    def infer(self, serialized_sparse, *, dtype):
        if serialized_sparse.shape.ndims not in (None, 2) or \
                serialized_sparse.shape.as_list()[-1] not in (None, 3):
            raise ValueError(f"DeserializeManySparse: serialized_sparse must be [N, 3], got "
                             f"shape {serialized_sparse.shape}")
        return [spec(dtypes.int64, [None, None]), spec(dtype, [None]),
                spec(dtypes.int64, [None])]

    def compute(self, be, serialized_sparse, *, dtype):
        ser = np.asarray(_host(be, serialized_sparse), object)
        want = dtypes.as_dtype(dtype)
        inds, vals, shapes = [], [], []
        for b in range(ser.shape[0]):
            i, v, s = (_decode("DeserializeManySparse", ser[b, k]) for k in range(3))
            got = dtypes.string if v.dtype == object else dtypes.as_dtype(v.dtype)
            if got is not want:
                raise TypeError(f"DeserializeManySparse: requested SparseTensor of type "
                                f"{want.name} but SparseTensor[{b}].values.dtype() == "
                                f"{got.name}")
            if shapes and s.size != shapes[0].size:
                raise ValueError(f"DeserializeManySparse: inconsistent ranks: "
                                 f"SparseTensor[0] has rank {shapes[0].size}, "
                                 f"SparseTensor[{b}] has rank {s.size}")
            i = np.asarray(i, np.int64).reshape(-1, s.size)
            inds.append(np.concatenate([np.full((i.shape[0], 1), b, np.int64), i], 1))
            vals.append(v.reshape(-1))
            shapes.append(np.asarray(s, np.int64).reshape(-1))
        rank = shapes[0].size + 1 if shapes else 1
        shape = np.concatenate([[ser.shape[0]], np.max(np.stack(shapes), 0)]) if shapes else \
            np.array([0], np.int64)
        idx = np.concatenate(inds) if inds else np.zeros((0, rank), np.int64)
        v = np.concatenate(vals) if vals else np.zeros(0, want.np_dtype if want is not
                                                       dtypes.string else object)
        return idx, v.astype(want.np_dtype if want is not dtypes.string else object,
                             copy=False), shape.astype(np.int64)


for _t in ("SerializeSparse", "SerializeManySparse", "DeserializeManySparse"):
    NotDifferentiable(_t)


def serialize_sparse(sp_input: Any, name: Optional[str] = None, out_type: Any = dtypes.string):
    """Serializes a SparseTensor into a string 3-vector (`tf.serialize_sparse`, op
    SerializeSparse), TF1's format.

    Args:
      sp_input: The SparseTensor.
      name: Op name.
      out_type: tf.string (the only type TF1 graphs use here).
    """
    sp = _sp(sp_input, "serialize_sparse")
    return _gen_op("SerializeSparse", name, [
        ("sparse_indices", sp.indices, None, None), ("sparse_values", sp.values, None, None),
        ("sparse_shape", sp.dense_shape, None, None)], {"out_type": out_type})._outputs[0]


def serialize_many_sparse(sp_input: Any, name: Optional[str] = None,
                          out_type: Any = dtypes.string):
    """Serializes each slice `sp_input[b]` of a rank >= 2 SparseTensor into row b of a
    [N, 3] string matrix (`tf.serialize_many_sparse`, op SerializeManySparse)."""
    sp = _sp(sp_input, "serialize_many_sparse")
    return _gen_op("SerializeManySparse", name, [
        ("sparse_indices", sp.indices, None, None), ("sparse_values", sp.values, None, None),
        ("sparse_shape", sp.dense_shape, None, None)], {"out_type": out_type})._outputs[0]


def deserialize_many_sparse(serialized_sparse: Any, dtype: Any, rank: Optional[int] = None,
                            name: Optional[str] = None) -> SparseTensor:
    """Reads [N, 3] serialized SparseTensors back into one SparseTensor with a new first
    dimension (`tf.deserialize_many_sparse`, op DeserializeManySparse).

    Args:
      serialized_sparse: A [N, 3] string tensor (from `serialize_many_sparse`).
      dtype: The values' dtype.
      rank: The rank of the result (N's dimension included), for static shapes.
      name: Op name.
    """
    op = _gen_op("DeserializeManySparse", name, [
        ("serialized_sparse", serialized_sparse, (dtypes.string,), None)],
        {"dtype": dtypes.as_dtype(dtype)})
    ind, vals, shape = op.outputs
    if rank is not None:
        ind.set_shape([None, rank])
        shape.set_shape([rank])
    return SparseTensor(ind, vals, shape)


__all__ = ["serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse"]
