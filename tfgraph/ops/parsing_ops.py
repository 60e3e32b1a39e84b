"""Parsing ops: `tf.parse_example` / `parse_single_example` (`tf.train.Example` protos),
`FixedLenFeature` / `VarLenFeature` / `FixedLenSequenceFeature`, `tf.decode_raw`,
`tf.io.decode_csv`.

All of them take string tensors, so they run on the host (NumPy). Parsing uses the protobuf
classes of `tfgraph.lib.example_pb2`; feature values are copied out of the repeated fields
with `np.asarray` (no per-value Python loop). A `VarLenFeature` gives a `tf.SparseTensor`
(row-major indices, dense shape `[batch, max count]`), as TF1.
"""
from __future__ import annotations

import collections
import csv
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import as_shape
from .sparse_more_ops import sparse_merge


class FixedLenFeature(collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])):
    """A feature of fixed shape (`tf.io.FixedLenFeature`): parsed into a dense tensor.

    Args:
      shape: The feature's shape (a scalar feature: `[]`).
      dtype: `tf.float32`, `tf.int64` or `tf.string`.
      default_value: Used when an Example lacks the feature; None makes it required.
    """

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """A feature with any number of values (`tf.io.VarLenFeature`): a `tf.SparseTensor`."""


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """A variable-length list of fixed-shape items (`tf.io.FixedLenSequenceFeature`): parsed
    into a dense tensor `[batch, max items] + shape`, padded with `default_value` (0 / b"").

    Args:
      shape: The shape of one item.
      dtype: `tf.float32`, `tf.int64` or `tf.string`.
      allow_missing: Whether an Example may lack the feature (then it has 0 items).
      default_value: The padding value (a scalar).
    """

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


class SparseFeature(collections.namedtuple(
        "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])):
    """A SparseTensor assembled from index and value features (`tf.io.SparseFeature`).

    Parsing reads `value_key` and each `index_key` as `VarLenFeature`s of one length per
    Example and combines them with `tf.sparse_merge`, as TF1 does.

    Args:
      index_key: The int64 feature holding each value's index (or a list: one per dimension).
      value_key: The feature holding the values.
      dtype: The values' dtype.
      size: The dense size (a list when `index_key` is a list).
      already_sorted: The indices come sorted (skips the reorder).
    """

    def __new__(cls, index_key, value_key, dtype, size, already_sorted=False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


def _expand_sparse_features(features: Dict[str, Any]) -> Dict[str, Any]:
    """`features` with each SparseFeature replaced by VarLenFeatures of its index and value
    keys (TF1's parsing config does the same)."""
    out = {k: f for k, f in features.items() if not isinstance(f, SparseFeature)}
    for key in sorted(features):
        f = features[key]
        if not isinstance(f, SparseFeature):
            continue
        if not f.index_key or not f.value_key or not f.dtype:
            raise ValueError(f"SparseFeature '{key}' needs index_key, value_key and dtype, got "
                             f"{f}")
        index_keys = [f.index_key] if isinstance(f.index_key, str) else list(f.index_key)
        for k, dt in [(i, dtypes.int64) for i in index_keys] + [(f.value_key, f.dtype)]:
            want = VarLenFeature(dtypes.as_dtype(dt))
            have = out.get(k)
            if have is not None and (not isinstance(have, VarLenFeature) or
                                     dtypes.as_dtype(have.dtype) != want.dtype):
                raise ValueError(f"Conflicting type for feature '{k}': SparseFeature '{key}' "
                                 f"reads it as {want}, another feature as {have}")
            out[k] = want
    return out


def _merge_sparse_features(features: Dict[str, Any], parsed: Dict[str, Any]) -> Dict[str, Any]:
    """Builds each SparseFeature from its parsed parts; drops the parts not asked for."""
    result = dict(parsed)
    for key in sorted(features):
        f = features[key]
        if isinstance(f, SparseFeature):
            ids = parsed[f.index_key] if isinstance(f.index_key, str) else \
                [parsed[i] for i in f.index_key]
            result[key] = sparse_merge(ids, parsed[f.value_key], vocab_size=f.size,
                                       already_sorted=f.already_sorted)
    return {k: result[k] for k in features}


_KIND = {dtypes.float32: "float_list", dtypes.int64: "int64_list", dtypes.string: "bytes_list"}
_KIND_NAME = {"float_list": "float", "int64_list": "int64", "bytes_list": "string"}


def _check_feature_dtype(key: str, dtype) -> dtypes.DType:
    dt = dtypes.as_dtype(dtype)
    if dt not in _KIND:
        raise ValueError(f"Unsupported dtype {dt.name} for feature '{key}': use tf.float32, "
                         "tf.int64 or tf.string")
    return dt


class _Spec:
    """The parsing configuration shared by ParseExample and ParseSingleExample (attrs)."""

    def __init__(self, sparse_keys, sparse_types, dense_keys, dense_types, dense_shapes,
                 dense_defaults, dense_is_seq):
        self.sparse = list(zip(sparse_keys, sparse_types))
        self.dense = list(zip(dense_keys, dense_types, dense_shapes, dense_defaults, dense_is_seq))


def _feature_values(op: Operation, feat, key: str, dt: dtypes.DType, index: int) -> np.ndarray:
    kind = feat.WhichOneof("kind")
    want = _KIND[dt]
    if kind is None:  # an empty Feature: no values of any type
        return np.zeros(0, dt.np_dtype) if dt is not dtypes.string else np.zeros(0, object)
    if kind != want:
        raise errors.InvalidArgumentError(
            None, op, f"Name: <unknown>, Key: {key}, Index: {index}.  Data types don't match. "
                      f"Data type: {_KIND_NAME[kind]} but expected type: {_KIND_NAME[want]} "
                      f"(op '{op.name}')")
    vals = getattr(feat, kind).value
    if dt is dtypes.string:
        out = np.empty(len(vals), object)
        out[:] = list(vals)
        return out
    return np.asarray(vals, dtype=dt.np_dtype)


def _parse_batch(op: Operation, cfg: _Spec, serialized: np.ndarray, single: bool):
    from ..lib.example_pb2 import Example
    flat = serialized.reshape(-1)
    batch = flat.shape[0]
    protos = []
    for i, s in enumerate(flat):
        try:
            protos.append(Example.FromString(s).features.feature)
        except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
            raise errors.InvalidArgumentError(
                None, op, f"Could not parse example input, value: '{bytes(s)[:40]!r}...' "
                          f"(index {i}, op '{op.name}')") from None
    idx_out, val_out, shape_out = [], [], []
    for key, dt in cfg.sparse:
        empty = np.zeros(0, object if dt is dtypes.string else dt.np_dtype)
        vals = [_feature_values(op, fm[key], key, dt, i) if key in fm else empty
                for i, fm in enumerate(protos)]
        counts = [len(v) for v in vals]
        n = sum(counts)
        maxc = max(counts) if counts else 0
        if single:
            idx = np.arange(n, dtype=np.int64).reshape(n, 1)
            shape = np.array([maxc], np.int64)
        else:
            r = np.repeat(np.arange(batch, dtype=np.int64), counts)
            c = np.concatenate([np.arange(k, dtype=np.int64) for k in counts]) if counts else \
                np.zeros(0, np.int64)
            idx = np.stack([r, c], axis=1) if n else np.zeros((0, 2), np.int64)
            shape = np.array([batch, maxc], np.int64)
        v = np.concatenate(vals) if n else empty
        idx_out.append(idx)
        val_out.append(v)
        shape_out.append(shape)
    dense_out = []
    for key, dt, shape, default, is_seq in cfg.dense:
        shape = tuple(shape)
        per = int(np.prod(shape, dtype=np.int64)) if shape else 1
        items = []
        for i, fm in enumerate(protos):
            feat = fm[key] if key in fm else None
            if feat is None:
                if is_seq:
                    if not is_seq[0]:  # allow_missing is False
                        raise _missing(op, key, dt)
                    items.append(None)
                    continue
                if default is None:
                    raise _missing(op, key, dt)
                items.append(default.reshape(shape))
                continue
            v = _feature_values(op, feat, key, dt, i)
            if is_seq:
                if per == 0 or len(v) % per:
                    raise errors.InvalidArgumentError(
                        None, op, f"Name: <unknown>, Key: {key}, Index: {i}.  Number of values "
                                  f"{len(v)} is not a multiple of the item size {per} (shape "
                                  f"{list(shape)}) (op '{op.name}')")
                items.append(v.reshape((len(v) // per,) + shape))
            else:
                if len(v) != per:
                    raise errors.InvalidArgumentError(
                        None, op, f"Name: <unknown>, Key: {key}, Index: {i}.  Number of "
                                  f"{_KIND_NAME[_KIND[dt]]} values != expected.  Values size: "
                                  f"{len(v)} but output shape: {list(shape)} (op '{op.name}')")
                items.append(v.reshape(shape))
        npdt = object if dt is dtypes.string else dt.np_dtype
        if is_seq:
            pad = is_seq[1]
            m = max((len(x) for x in items if x is not None), default=0)
            out = np.empty((batch, m) + shape, npdt)
            out[...] = pad
            for i, x in enumerate(items):
                if x is not None:
                    out[i, :len(x)] = x
        else:
            out = np.empty((batch,) + shape, npdt)
            for i, x in enumerate(items):
                out[i, ...] = x  # (not `out[i] = x`: that stores a 0-d object array itself)
        dense_out.append(out[0, ...] if single else out)  # [0, ...]: a 0-d array, not an item
    return tuple(idx_out + val_out + shape_out + dense_out)


def _missing(op: Operation, key: str, dt) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(
        None, op, f"Feature: {key} (data type: {dt.name}) is required but could not be found. "
                  f"(op '{op.name}')")


class _ParseBase(OpDef):
    host_only = True
    single = False

    def infer(self, serialized, *, sparse_keys, sparse_types, dense_keys, dense_types,
              dense_shapes, dense_defaults, dense_is_seq):
        if serialized.dtype is not dtypes.string:
            raise TypeError(f"serialized must be a string tensor, got {serialized.dtype.name}")
        if self.single:
            if serialized.shape.ndims not in (None, 0):
                raise ValueError(f"serialized must be a scalar, got shape {serialized.shape}")
            lead: List[Optional[int]] = []
        else:
            if serialized.shape.ndims not in (None, 1):
                raise ValueError(f"serialized must be a vector, got shape {serialized.shape}")
            lead = [serialized.shape.as_list()[0] if serialized.shape.ndims == 1 else None]
        rank = len(lead) + 1
        out = [spec(dtypes.int64, [None, rank]) for _ in sparse_keys]
        out += [spec(t, [None]) for t in sparse_types]
        out += [spec(dtypes.int64, [rank]) for _ in sparse_keys]
        for t, s, seq in zip(dense_types, dense_shapes, dense_is_seq):
            out.append(spec(t, lead + ([None] if seq else []) + list(s)))
        return out

    def kernel(self, be, op, ctx):
        a = op.attrs
        cfg = _Spec(a["sparse_keys"], a["sparse_types"], a["dense_keys"], a["dense_types"],
                    a["dense_shapes"], a["dense_defaults"], a["dense_is_seq"])
        single = self.single
        return lambda serialized: _parse_batch(op, cfg, np.asarray(serialized), single)


@register_op("ParseExample")
class ParseExample(_ParseBase):
    """Parses a vector of serialized `Example`s: sparse indices/values/shapes, then dense."""


@register_op("ParseSingleExample")
class ParseSingleExample(_ParseBase):
    """Parses one serialized `Example` (a scalar string)."""

    single = True


NotDifferentiable("ParseExample")
NotDifferentiable("ParseSingleExample")


def _features_attrs(features: Dict[str, Any]) -> Dict[str, Any]:
    if not isinstance(features, dict) or not features:
        raise ValueError("features must be a non-empty dict of feature name -> "
                         "FixedLenFeature / VarLenFeature / FixedLenSequenceFeature")
    a: Dict[str, Any] = {k: [] for k in ("sparse_keys", "sparse_types", "dense_keys",
                                         "dense_types", "dense_shapes", "dense_defaults",
                                         "dense_is_seq")}
    for key in sorted(features):
        f = features[key]
        if isinstance(f, VarLenFeature):
            a["sparse_keys"].append(key)
            a["sparse_types"].append(_check_feature_dtype(key, f.dtype))
        elif isinstance(f, (FixedLenFeature, FixedLenSequenceFeature)):
            dt = _check_feature_dtype(key, f.dtype)
            shape = as_shape(f.shape)
            if not shape.is_fully_defined():
                raise ValueError(f"Shape of feature '{key}' must be fully defined, got {shape}")
            dims = tuple(shape.as_list())
            npdt = object if dt is dtypes.string else dt.np_dtype
            a["dense_keys"].append(key)
            a["dense_types"].append(dt)
            a["dense_shapes"].append(dims)
            if isinstance(f, FixedLenSequenceFeature):
                pad = f.default_value if f.default_value is not None else (b"" if dt is dtypes.string else 0)
                if isinstance(pad, str):
                    pad = pad.encode()
                a["dense_defaults"].append(None)
                a["dense_is_seq"].append((bool(f.allow_missing), pad))
            else:
                d = f.default_value
                if d is not None:
                    if dt is dtypes.string:
                        d = np.array(np.vectorize(lambda x: x.encode() if isinstance(x, str) else x,
                                                  otypes=[object])(np.asarray(d, object)), object)
                    else:
                        d = np.asarray(d, npdt)
                    size = int(np.prod(dims, dtype=np.int64)) if dims else 1
                    if d.size == 1 and size != 1:
                        d = np.full(dims, d.reshape(()), npdt)
                    if d.size != size:
                        raise ValueError(f"default_value of feature '{key}' has {d.size} values, "
                                         f"its shape {list(dims)} needs {size}")
                    d = d.reshape(dims)
                a["dense_defaults"].append(d)
                a["dense_is_seq"].append(())
        else:
            raise ValueError(f"Unsupported feature type for '{key}': {type(f).__name__}")
    return a


def _unpack(outs, attrs) -> Dict[str, Any]:
    """Parse op outputs (sparse indices, values, shapes, then dense) by feature key."""
    ns = len(attrs["sparse_keys"])
    result: Dict[str, Any] = {}
    for i, key in enumerate(attrs["sparse_keys"]):
        result[key] = SparseTensor(outs[i], outs[ns + i], outs[2 * ns + i])
    for j, key in enumerate(attrs["dense_keys"]):
        result[key] = outs[3 * ns + j]
    return result


def _parse(op_type: str, serialized: Any, features: Dict[str, Any], name: Optional[str]):
    attrs = _features_attrs(_expand_sparse_features(features) if isinstance(features, dict)
                            else features)
    with name_scope(name, op_type, [serialized]):
        s = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        op = get_default_graph().create_op(op_type, [s], attrs, name=op_type)
    # TF1 assembles SparseFeatures after the parse scope (their ops sit in "SparseMerge/").
    return _merge_sparse_features(features, _unpack(op.outputs, attrs))


def parse_example(serialized: Any, features: Dict[str, Any], name: Optional[str] = None,
                  example_names: Any = None) -> Dict[str, Any]:
    """Parses a batch of serialized `tf.train.Example` protos (`tf.io.parse_example`).

    Args:
      serialized: A string vector of serialized Examples.
      features: Maps feature keys to `FixedLenFeature`, `VarLenFeature` or
        `FixedLenSequenceFeature`.
      name: Name scope.
      example_names: Accepted for compatibility.

    Returns:
      A dict: dense features as `[batch] + shape` tensors, `VarLenFeature`s as `SparseTensor`s.

    Raises:
      ValueError: For an unsupported feature or a shape that is not fully defined.
      tf.errors.InvalidArgumentError (at run time): a required feature is missing (the
        message names it), a type or size mismatch, or an unparsable record.
    """
    return _parse("ParseExample", serialized, features, name)


def parse_single_example(serialized: Any, features: Dict[str, Any], name: Optional[str] = None,
                         example_names: Any = None) -> Dict[str, Any]:
    """Parses one serialized `tf.train.Example` (`tf.io.parse_single_example`): like
    `parse_example` without the batch dimension."""
    return _parse("ParseSingleExample", serialized, features, name)


# --- ParseSingleSequenceExample -----------------------------------------------------------------
def _parse_sequence(op: Operation, ctx_cfg: _Spec, seq_cfg: _Spec, serialized) -> tuple:
    from ..lib.example_pb2 import SequenceExample
    data = np.asarray(serialized).reshape(())[()]
    try:
        ex = SequenceExample.FromString(data)
    except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
        raise errors.InvalidArgumentError(
            None, op, f"Could not parse example input, value: '{bytes(data)[:40]!r}...' "
                      f"(op '{op.name}')") from None
    # The context is an Example's features: reuse the Example parser on its bytes.
    from ..lib.example_pb2 import Example
    ctx_bytes = np.empty(1, object)
    ctx_bytes[0] = Example(features=ex.context).SerializeToString()
    ctx_out = _parse_batch(op, ctx_cfg, ctx_bytes, True)
    lists = ex.feature_lists.feature_list
    idx_out, val_out, shape_out, dense_out = [], [], [], []
    for key, dt in seq_cfg.sparse:
        steps = [_feature_values(op, f, key, dt, t) for t, f in
                 enumerate(lists[key].feature)] if key in lists else []
        counts = [len(v) for v in steps]
        r = np.repeat(np.arange(len(steps), dtype=np.int64), counts)
        c = np.concatenate([np.arange(k, dtype=np.int64) for k in counts]) if counts else \
            np.zeros(0, np.int64)
        idx_out.append(np.stack([r, c], 1) if len(r) else np.zeros((0, 2), np.int64))
        empty = np.zeros(0, object if dt is dtypes.string else dt.np_dtype)
        val_out.append(np.concatenate(steps) if sum(counts) else empty)
        shape_out.append(np.array([len(steps), max(counts, default=0)], np.int64))
    for key, dt, shape, default, is_seq in seq_cfg.dense:
        shape = tuple(shape)
        per = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if key not in lists:
            if not is_seq[0]:
                raise errors.InvalidArgumentError(
                    None, op, f"Name: <unknown>, Feature list '{key}' is required but could not "
                              f"be found.  Did you mean to include it in "
                              f"feature_list_dense_missing_assumed_empty or "
                              f"feature_list_dense_defaults? (op '{op.name}')")
            steps = []
        else:
            steps = [_feature_values(op, f, key, dt, t) for t, f in enumerate(lists[key].feature)]
        for t, v in enumerate(steps):
            if len(v) != per:
                raise errors.InvalidArgumentError(
                    None, op, f"Name: <unknown>, Key: {key}, Index: {t}.  Number of values "
                              f"{len(v)} != expected {per} (shape {list(shape)}) (op '{op.name}')")
        out = np.empty((len(steps),) + shape, object if dt is dtypes.string else dt.np_dtype)
        for t, v in enumerate(steps):
            out[t, ...] = v.reshape(shape)
        dense_out.append(out)
    return tuple(ctx_out) + tuple(idx_out + val_out + shape_out + dense_out)


@register_op("ParseSingleSequenceExample")
class ParseSingleSequenceExample(OpDef):
    """Parses one serialized `SequenceExample`: context outputs (as ParseSingleExample), then
    feature-list outputs (sparse indices/values/shapes, then dense [time] + shape)."""

    host_only = True

    def infer(self, serialized, **attrs):
        if serialized.dtype is not dtypes.string or serialized.shape.ndims not in (None, 0):
            raise ValueError(f"serialized must be a string scalar, got {serialized.shape}")
        context, sequence = _split_attrs(attrs)
        out = ParseSingleExample().infer(serialized, **context)
        n = len(sequence["sparse_keys"])
        out += [spec(dtypes.int64, [None, 2]) for _ in range(n)]
        out += [spec(t, [None]) for t in sequence["sparse_types"]]
        out += [spec(dtypes.int64, [2]) for _ in range(n)]
        out += [spec(t, [None] + list(s)) for t, s in zip(sequence["dense_types"],
                                                           sequence["dense_shapes"])]
        return out

    def kernel(self, be, op, ctx):
        def cfg(a):
            return _Spec(a["sparse_keys"], a["sparse_types"], a["dense_keys"], a["dense_types"],
                         a["dense_shapes"], a["dense_defaults"], a["dense_is_seq"])
        context, sequence = _split_attrs(op.attrs)
        c, q = cfg(context), cfg(sequence)
        return lambda serialized: _parse_sequence(op, c, q, serialized)


NotDifferentiable("ParseSingleSequenceExample")


def _split_attrs(attrs) -> tuple:
    """The op's flat attrs ("context_dense_keys", "feature_list_sparse_types", ...) as the
    two feature configurations."""
    def part(prefix):
        return {k[len(prefix):]: v for k, v in attrs.items() if k.startswith(prefix)}
    return part("context_"), part("feature_list_")


def parse_single_sequence_example(serialized: Any, context_features: Optional[Dict[str, Any]] = None,
                                  sequence_features: Optional[Dict[str, Any]] = None,
                                  example_name: Any = None, name: Optional[str] = None):
    """Parses one serialized `tf.train.SequenceExample` (`tf.io.parse_single_sequence_example`).

    Args:
      serialized: A string scalar.
      context_features: Features of the context (`FixedLenFeature`, `VarLenFeature`).
      sequence_features: Features of the feature lists: `FixedLenSequenceFeature` (a dense
        [time] + shape tensor; `allow_missing` gives 0 steps) or `VarLenFeature` (a
        SparseTensor with indices [time, i]).
      example_name, name: Accepted for compatibility / the name scope.

    Returns:
      `(context dict, sequence dict)`.
    """
    context_features = dict(context_features or {})
    sequence_features = dict(sequence_features or {})
    if not context_features and not sequence_features:
        raise ValueError("Missing features.")
    for k, f in sequence_features.items():
        if isinstance(f, FixedLenFeature):
            raise ValueError(f"Sequence feature '{k}' must be a FixedLenSequenceFeature or "
                             "VarLenFeature")
    empty = {k: [] for k in ("sparse_keys", "sparse_types", "dense_keys", "dense_types",
                             "dense_shapes", "dense_defaults", "dense_is_seq")}
    ctx_attrs = _features_attrs(context_features) if context_features else dict(empty)
    seq_attrs = _features_attrs(sequence_features) if sequence_features else dict(empty)
    with name_scope(name, "ParseSingleSequenceExample", [serialized]):
        s = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        attrs = {f"context_{k}": v for k, v in ctx_attrs.items()}
        attrs.update({f"feature_list_{k}": v for k, v in seq_attrs.items()})
        op = get_default_graph().create_op("ParseSingleSequenceExample", [s], attrs,
                                           name="ParseSingleSequenceExample")
    outs = op.outputs
    nc = 3 * len(ctx_attrs["sparse_keys"]) + len(ctx_attrs["dense_keys"])
    ctx = _unpack(outs[:nc], ctx_attrs)
    seq = _unpack(outs[nc:], seq_attrs)
    return ({k: ctx[k] for k in context_features}, {k: seq[k] for k in sequence_features})


# --- DecodeRaw ---------------------------------------------------------------------------------
@register_op("DecodeRaw")
class DecodeRaw(OpDef):
    """Reinterprets the bytes of each string as a vector of `out_type` numbers."""

    host_only = True

    def infer(self, bytes_, *, out_type, little_endian):
        if bytes_.dtype is not dtypes.string:
            raise TypeError(f"DecodeRaw needs a string input, got {bytes_.dtype.name}")
        if bytes_.shape.ndims is None:
            return spec(out_type, None)
        return spec(out_type, bytes_.shape.as_list() + [None])

    def kernel(self, be, op, ctx):
        dt = np.dtype(op.attrs["out_type"].np_dtype)
        if dt.itemsize > 1:
            dt = dt.newbyteorder("<" if op.attrs["little_endian"] else ">")

        def decode(x):
            x = np.asarray(x)
            flat = x.reshape(-1)
            if flat.size == 0:
                return np.zeros(x.shape + (0,), dt.newbyteorder("="))
            n = len(flat[0])
            for i, s in enumerate(flat):
                if len(s) != n:
                    raise errors.InvalidArgumentError(
                        None, op, f"DecodeRaw requires input strings to all be the same size, but "
                                  f"element {i} has size {len(s)} != {n} (op '{op.name}')")
            if n % dt.itemsize:
                raise errors.InvalidArgumentError(
                    None, op, f"Input to DecodeRaw has length {n} that is not a multiple of "
                              f"{dt.itemsize}, the size of {op.attrs['out_type'].name} (op '{op.name}')")
            buf = b"".join(flat.tolist())
            out = np.frombuffer(buf, dt).astype(dt.newbyteorder("="), copy=True)
            return out.reshape(x.shape + (n // dt.itemsize,))
        return decode


NotDifferentiable("DecodeRaw")


def decode_raw(input_bytes: Any = None, out_type: Any = None, little_endian: bool = True,
               name: Optional[str] = None, bytes: Any = None) -> Tensor:  # noqa: A002
    """Reinterprets the bytes of a string tensor as numbers (`tf.decode_raw`).

    Args:
      input_bytes: A string tensor; every element must have the same length.
      out_type: The element type (`tf.uint8`, `tf.float32`, ...).
      little_endian: Byte order of multi-byte types.
      name: Op name.
      bytes: TF1's older name for `input_bytes`.

    Returns:
      A tensor of shape `input_bytes.shape + [length / itemsize]`.
    """
    if input_bytes is None:
        input_bytes = bytes
    dt = dtypes.as_dtype(out_type)
    with name_scope(name, "DecodeRaw", [input_bytes]) as scope:
        x = convert_to_tensor(input_bytes, dtype=dtypes.string, name="bytes")
        return get_default_graph().create_op(
            "DecodeRaw", [x], {"out_type": dt, "little_endian": bool(little_endian)},
            name=scope).outputs[0]


# --- DecodeCSV ---------------------------------------------------------------------------------
_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)


@register_op("DecodeCSV")
class DecodeCSV(OpDef):
    """Splits CSV records into columns (one output per column, shaped like `records`)."""

    host_only = True

    def infer(self, records, *defaults, field_delim, use_quote_delim, na_value, select_cols):
        if records.dtype is not dtypes.string:
            raise TypeError(f"records must be a string tensor, got {records.dtype.name}")
        for i, d in enumerate(defaults):
            if d.dtype not in _CSV_TYPES:
                raise TypeError(f"record_defaults[{i}] has unsupported type {d.dtype.name}")
            if d.shape.ndims not in (None, 0, 1) or (d.shape.ndims == 1 and d.shape[0] not in (0, 1, None)):
                raise ValueError(f"record_defaults[{i}] must have at most one element, got shape {d.shape}")
        return [spec(d.dtype, records.shape) for d in defaults]

    def kernel(self, be, op, ctx):
        a = op.attrs
        delim = a["field_delim"]
        quoting = csv.QUOTE_MINIMAL if a["use_quote_delim"] else csv.QUOTE_NONE
        na = a["na_value"]
        select = a["select_cols"]
        types = [t.dtype for t in op.inputs[1:]]

        def decode(records, *defaults):
            records = np.asarray(records)
            flat = records.reshape(-1)
            ncols = len(types)
            outs = [np.empty(flat.shape, object if t is dtypes.string else t.np_dtype) for t in types]
            defs = [np.asarray(d).reshape(-1) for d in defaults]
            for r, rec in enumerate(flat):
                text = rec.decode("utf-8") if isinstance(rec, (bytes, np.bytes_)) else str(rec)
                try:
                    fields = next(csv.reader([text], delimiter=delim, quoting=quoting, strict=True)) \
                        if text else [""]
                except csv.Error as e:
                    raise errors.InvalidArgumentError(
                        None, op, f"Unquoted fields cannot have quotes/CRLFs inside: record {r} "
                                  f"'{text}' ({e}) (op '{op.name}')") from None
                if select is not None:
                    fields = [fields[c] if c < len(fields) else None for c in select]
                if len(fields) != ncols:
                    raise errors.InvalidArgumentError(
                        None, op, f"Expect {ncols} fields but have {len(fields)} in record {r} "
                                  f"(op '{op.name}')")
                for c, (field, t) in enumerate(zip(fields, types)):
                    if field is None or field == "" or (na and field == na):
                        if defs[c].size == 0:
                            raise errors.InvalidArgumentError(
                                None, op, f"Field {c} is required but missing in record {r}! "
                                          f"(op '{op.name}')")
                        outs[c][r] = defs[c][0]
                        continue
                    try:
                        if t is dtypes.string:
                            outs[c][r] = field.encode("utf-8")
                        elif t.is_integer:
                            outs[c][r] = int(field)
                        else:
                            outs[c][r] = float(field)
                    except (ValueError, OverflowError):
                        raise errors.InvalidArgumentError(
                            None, op, f"Field {c} in record {r} is not a valid {t.name}: "
                                      f"'{field}' (op '{op.name}')") from None
            return tuple(o.reshape(records.shape) for o in outs)
        return decode


NotDifferentiable("DecodeCSV")


def decode_csv(records: Any, record_defaults: Sequence[Any], field_delim: str = ",",
               use_quote_delim: bool = True, name: Optional[str] = None, na_value: str = "",
               select_cols: Optional[Sequence[int]] = None) -> List[Tensor]:
    """Converts CSV records to tensors, one per column (`tf.io.decode_csv`).

    Args:
      records: A string tensor; each element is one CSV line.
      record_defaults: One entry per column: its default as a 1-element list/tensor (which
        also gives the column's dtype), or an empty one (`[]` with a dtype, e.g.
        `tf.constant([], tf.int32)`) for a required column.
      field_delim: The one-character separator.
      use_quote_delim: Whether double quotes delimit fields.
      name: Name scope.
      na_value: A string that marks a missing value.
      select_cols: Sorted column indices to keep.

    Returns:
      A list of tensors shaped like `records`.

    Raises:
      tf.errors.InvalidArgumentError (at run time): wrong field count, a missing required
        field, or a field that does not parse as its column's type.
    """
    if len(field_delim) != 1:
        raise ValueError(f"field_delim must be one character, got {field_delim!r}")
    if select_cols is not None and list(select_cols) != sorted(set(select_cols)):
        raise ValueError("select_cols is not strictly increasing.")
    if select_cols is not None and len(select_cols) != len(record_defaults):
        raise ValueError("Length of select_cols and record_defaults do not match.")
    with name_scope(name, "DecodeCSV", [records]) as scope:
        r = convert_to_tensor(records, dtype=dtypes.string, name="records")
        defaults = []
        for i, d in enumerate(record_defaults):
            if isinstance(d, Tensor):
                defaults.append(d)
                continue
            if isinstance(d, (list, tuple)) and len(d) == 1 and isinstance(d[0], str):
                d = [d[0].encode()]
            if isinstance(d, (list, tuple)) and len(d) == 0:
                raise ValueError(f"record_defaults[{i}] is empty: give a dtype with "
                                 "tf.constant([], dtype=...) for a required column")
            defaults.append(convert_to_tensor(d, name=f"record_defaults_{i}"))
        op = get_default_graph().create_op(
            "DecodeCSV", [r] + defaults,
            {"field_delim": field_delim, "use_quote_delim": bool(use_quote_delim),
             "na_value": na_value, "select_cols": None if select_cols is None else list(select_cols)},
            name=scope)
    return list(op.outputs)


__all__ = ["FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature", "SparseFeature",
           "parse_example",
           "parse_single_example", "parse_single_sequence_example", "decode_raw", "decode_csv"]
