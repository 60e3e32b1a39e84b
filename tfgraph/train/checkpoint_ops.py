"""The ops of TensorFlow's *sharded* Saver graph: `StringJoin`, `StaticRegexFullMatch`,
`ShardedFilename`, `MergeV2Checkpoints`.

`tf.train.Saver(sharded=True)` (what TF's SavedModel builder uses) names a temporary
checkpoint per shard ("<prefix>_temp/part-00000-of-00001", built with `StringJoin`,
`StaticRegexFullMatch` and `ShardedFilename`), saves into it and merges the shards into the
final prefix with `MergeV2Checkpoints`. tfgraph's own Saver writes one file directly; these
ops let graphs written by TF (meta graphs, SavedModels) import and run their savers.
All are host-only string/file ops.
"""
from __future__ import annotations

import os
import re
from typing import Any, List

import numpy as np

from ..framework import dtypes, errors
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from . import checkpoint_management as _cm


def _str(v: Any) -> str:
    v = np.asarray(v, dtype=object).reshape(-1)[0] if np.ndim(v) == 0 else v
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def _strings(arr: Any) -> List[str]:
    return [x.decode("utf-8") if isinstance(x, bytes) else str(x)
            for x in np.asarray(arr, dtype=object).ravel()]


def _bytes_array(items: List[bytes], shape: Any) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out.reshape(shape)


@register_op("StringJoin")
class StringJoin(OpDef):
    """Joins string tensors elementwise (scalars broadcast), with `separator` between."""

    host_only = True

    def infer(self, *inputs, separator=""):
        shape = TensorShape([])
        for t in inputs:
            if t.dtype is not dtypes.string:
                raise TypeError(f"StringJoin takes strings, got {t.dtype.name} ({t.name})")
            if t.shape.ndims != 0:
                shape = t.shape if shape.ndims == 0 else shape.merge_with(t.shape)
        return spec(dtypes.string, shape)

    def compute(self, be, *arrays, separator=""):
        sep = separator.encode("utf-8") if isinstance(separator, str) else separator
        arrs = [np.asarray(a, dtype=object) for a in arrays]
        shape = np.broadcast_shapes(*(a.shape for a in arrs))
        cols = [np.broadcast_to(a, shape).ravel() for a in arrs]
        joined = [sep.join(x if isinstance(x, bytes) else str(x).encode() for x in row)
                  for row in zip(*cols)] if cols else [b""]
        return _bytes_array(joined, shape)


@register_op("StaticRegexFullMatch")
class StaticRegexFullMatch(OpDef):
    """True where the whole string matches the regular expression `pattern` (an attr)."""

    host_only = True

    def infer(self, input, *, pattern):
        return spec(dtypes.bool, input.shape)

    def compute(self, be, x, *, pattern):
        rx = re.compile(pattern.encode("utf-8") if isinstance(pattern, str) else pattern)
        arr = np.asarray(x, dtype=object)
        flat = [rx.fullmatch(v if isinstance(v, bytes) else str(v).encode()) is not None
                for v in arr.ravel()]
        return np.array(flat, dtype=bool).reshape(arr.shape)


@register_op("ShardedFilename")
class ShardedFilename(OpDef):
    """"<basename>-<shard:05d>-of-<num_shards:05d>"."""

    host_only = True

    def infer(self, basename, shard, num_shards):
        return spec(dtypes.string, [])

    def compute(self, be, basename, shard, num_shards):
        name = f"{_str(basename)}-{int(shard):05d}-of-{int(num_shards):05d}"
        return np.array(name.encode("utf-8"), dtype=object)


@register_op("MergeV2Checkpoints")
class MergeV2Checkpoints(OpDef):
    """Merges the checkpoints `checkpoint_prefixes` into one at `destination_prefix` (written
    crash-safely, see `checkpoint_management`), then deletes the inputs (and their
    directories when `delete_old_dirs` and empty)."""

    host_only = True
    stateful = True

    def infer(self, checkpoint_prefixes, destination_prefix, *, delete_old_dirs=True,
              allow_missing_files=False):
        return ()

    def kernel(self, be, op, ctx):
        delete_dirs = op.attrs.get("delete_old_dirs", True)

        def merge(prefixes, destination):
            sources = _strings(prefixes)
            dest = _str(destination)
            values, dts = {}, {}
            for p in sources:
                reader = _cm.CheckpointReader(p)
                names = sorted(reader.get_variable_to_shape_map())
                dup = [n for n in names if n in values]
                if dup:
                    raise errors.InvalidArgumentError(
                        None, op, f"{op.name}: key {dup[0]} is in two shards being merged")
                values.update(reader.read(names))
                dts.update(reader.get_variable_to_dtype_map())
            try:
                _cm.write_checkpoint(dest, values, dts)
            except OSError as e:
                raise errors.UnknownError(None, op, f"Failed to write checkpoint {dest}: "
                                                    f"{e}") from e
            for p in sources:
                _cm.remove_checkpoint(p)
                d = os.path.dirname(p)
                if delete_dirs and d and os.path.isdir(d) and not os.listdir(d):
                    os.rmdir(d)
        return merge


for _t in ("StringJoin", "StaticRegexFullMatch", "ShardedFilename", "MergeV2Checkpoints"):
    NotDifferentiable(_t)

__all__: List[str] = []
