"""File ops: `tf.read_file` / `tf.io.read_file`, `tf.io.write_file`, `tf.io.matching_files`.

Host-only string ops on local paths (the `gfile` layer of the formats module handles other
file systems when it exists). Errors name the file: a missing one is `NotFoundError`, as TF1.
"""
from __future__ import annotations

import glob
import os
from typing import Any, Optional

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec


def _scalar_str(x) -> str:
    v = np.asarray(x).reshape(())[()] if np.ndim(x) == 0 else x
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def _os_error(op: Operation, path: str, e: OSError) -> errors.OpError:
    if isinstance(e, FileNotFoundError):
        return errors.NotFoundError(None, op, f"{path}; No such file or directory (op '{op.name}')")
    if isinstance(e, IsADirectoryError):
        return errors.FailedPreconditionError(None, op, f"{path}; Is a directory (op '{op.name}')")
    if isinstance(e, PermissionError):
        return errors.PermissionDeniedError(None, op, f"{path}; Permission denied (op '{op.name}')")
    return errors.UnknownError(None, op, f"{path}; {e.strerror or e} (op '{op.name}')")


@register_op("ReadFile")
class ReadFile(OpDef):
    """The whole contents of a file, as a string scalar."""

    host_only = True
    stateful = True  # the file may change between runs

    def infer(self, filename):
        if filename.dtype is not dtypes.string or filename.shape.ndims not in (None, 0):
            raise ValueError(f"filename must be a string scalar, got {filename.dtype.name} "
                             f"{filename.shape}")
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        def read(filename):
            path = _scalar_str(filename)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError as e:
                raise _os_error(op, path, e) from None
            out = np.empty((), object)
            out[()] = data
            return out
        return read


@register_op("WriteFile")
class WriteFile(OpDef):
    """Writes a string scalar to a file (replacing it)."""

    host_only = True
    stateful = True

    def infer(self, filename, contents):
        for name, t in (("filename", filename), ("contents", contents)):
            if t.dtype is not dtypes.string or t.shape.ndims not in (None, 0):
                raise ValueError(f"{name} must be a string scalar, got {t.dtype.name} {t.shape}")
        return None

    def kernel(self, be, op, ctx):
        def write(filename, contents):
            path = _scalar_str(filename)
            data = np.asarray(contents).reshape(())[()]
            try:
                d = os.path.dirname(path)
                if d:
                    os.makedirs(d, exist_ok=True)  # TF1's WriteFile creates the directory
                with open(path, "wb") as f:
                    f.write(data if isinstance(data, bytes) else str(data).encode())
            except OSError as e:
                raise _os_error(op, path, e) from None
        return write


@register_op("MatchingFiles")
class MatchingFiles(OpDef):
    """The sorted names of the files matching a glob pattern (or vector of patterns)."""

    host_only = True
    stateful = True

    def infer(self, pattern):
        if pattern.dtype is not dtypes.string or pattern.shape.ndims not in (None, 0, 1):
            raise ValueError(f"pattern must be a string scalar or vector, got {pattern.shape}")
        return spec(dtypes.string, [None])

    def kernel(self, be, op, ctx):
        def match(pattern):
            pats = np.asarray(pattern).reshape(-1)
            names = []
            for p in pats:
                names += glob.glob(_scalar_str(p))
            names.sort()  # TF1 sorts all patterns' matches together, not per pattern
            out = np.empty(len(names), object)
            out[:] = [n.encode("utf-8") for n in names]
            return out
        return match


NotDifferentiable("ReadFile")
NotDifferentiable("WriteFile")
NotDifferentiable("MatchingFiles")


def read_file(filename: Any, name: Optional[str] = None) -> Tensor:
    """Reads a whole file (`tf.io.read_file`, `tf.read_file`).

    Returns:
      A string scalar tensor. Running it raises `tf.errors.NotFoundError` naming a missing file.
    """
    with name_scope(name, "ReadFile", [filename]) as scope:
        f = convert_to_tensor(filename, dtype=dtypes.string, name="filename")
        return get_default_graph().create_op("ReadFile", [f], {}, name=scope).outputs[0]


def write_file(filename: Any, contents: Any, name: Optional[str] = None) -> Operation:
    """Writes `contents` to `filename` (`tf.io.write_file`, `tf.write_file`); returns the op."""
    with name_scope(name, "WriteFile", [filename, contents]) as scope:
        f = convert_to_tensor(filename, dtype=dtypes.string, name="filename")
        c = convert_to_tensor(contents, dtype=dtypes.string, name="contents")
        return get_default_graph().create_op("WriteFile", [f, c], {}, name=scope)


def matching_files(pattern: Any, name: Optional[str] = None) -> Tensor:
    """The sorted file names matching a glob pattern (`tf.io.matching_files`)."""
    with name_scope(name, "MatchingFiles", [pattern]) as scope:
        p = convert_to_tensor(pattern, dtype=dtypes.string, name="pattern")
        return get_default_graph().create_op("MatchingFiles", [p], {}, name=scope).outputs[0]


__all__ = ["read_file", "write_file", "matching_files"]


# --- queue-based readers (tf.TFRecordReader & co.) ---------------------------------------------
class _ReaderState:
    """A session's state of one reader: the file being read and the records left in it."""

    def __init__(self):
        self.records = None  # iterator of (key, value) of the current file
        self.produced = 0
        self.completed = 0

    def close(self) -> None:
        self.records = None


def _file_records(op: Operation, path: str):
    """(key, value) pairs of one file for reader op `op` (by its type)."""
    from ..lib.io import tf_record
    kind = op.type
    a = op.attrs
    if kind == "WholeFileReaderV2":
        try:
            with open(path, "rb") as f:
                yield path.encode(), f.read()
        except OSError as e:
            raise _os_error(op, path, e) from None
        return
    ctype = a.get("compression_type", "")
    try:
        if kind == "TFRecordReaderV2":
            for i, (_, data) in enumerate(tf_record.read_records(path, ctype)):
                yield f"{path}:{i}".encode(), data
            return
        f = tf_record.open_records(path, ctype)
    except errors.OpError as e:
        raise type(e)(None, op, f"{e.message} (op '{op.name}')") from None
    try:
        if kind == "TextLineReaderV2":
            for i, line in enumerate(f, start=1):
                if i <= a.get("skip_header_lines", 0):
                    continue
                if line.endswith(b"\n"):
                    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                yield f"{path}:{i}".encode(), line
            return
        data = f.read()  # FixedLengthRecordReaderV2
        rb, hb, fb = a["record_bytes"], a["header_bytes"], a["footer_bytes"]
        hop = a.get("hop_bytes") or rb
        end = len(data) - fb
        i, off = 0, hb
        while off + rb <= end:
            yield f"{path}:{i}".encode(), data[off:off + rb]
            i, off = i + 1, off + hop
    finally:
        f.close()


def _string(value: bytes) -> np.ndarray:
    out = np.empty((), object)
    out[()] = value
    return out


class _ReaderOp(OpDef):
    host_only = True
    stateful = True

    def infer(self, **attrs):
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        h = _string(op.name.encode())
        return lambda: h


for _t in ("TFRecordReaderV2", "TextLineReaderV2", "WholeFileReaderV2", "FixedLengthRecordReaderV2",
           "IdentityReaderV2"):
    register_op(_t)(type(_t, (_ReaderOp,), {"__doc__": f"A {_t[:-2]} (its handle)."}))
    NotDifferentiable(_t)


def _read_records(ctx, op: Operation, n: int, up_to: bool):
    from .data_flow_ops import _queue
    reader_op, queue_op = op.inputs[0].op, op.inputs[1].op
    state = ctx.resource(("reader", reader_op.name), _ReaderState)
    keys, values = [], []
    while len(keys) < n:
        if state.records is None:
            try:
                q = _queue(ctx, queue_op)
                row = q.dequeue(1, op, ctx, up_to=False)[0]
            except errors.OutOfRangeError:
                if up_to and keys:
                    break
                raise
            name = np.asarray(row[0]).reshape(())[()]
            if reader_op.type == "IdentityReaderV2":  # the work item is the record itself
                work = name if isinstance(name, bytes) else str(name).encode()
                state.records = iter([(work, work)])
            else:
                path = name.decode("utf-8") if isinstance(name, bytes) else str(name)
                state.records = _file_records(reader_op, path)
        item = next(state.records, None)
        if item is None:
            state.records = None
            state.completed += 1
            continue
        keys.append(item[0])
        values.append(item[1])
        state.produced += 1
    return keys, values


@register_op("ReaderReadV2")
class ReaderRead(OpDef):
    """The next (key, value) record of a reader, taking file names from a queue."""

    host_only = True
    stateful = True

    def infer(self, reader_handle, queue_handle):
        return [spec(dtypes.string, []), spec(dtypes.string, [])]

    def kernel(self, be, op, ctx):
        def read(reader, queue):
            keys, values = _read_records(ctx, op, 1, False)
            return _string(keys[0]), _string(values[0])
        return read


@register_op("ReaderReadUpToV2")
class ReaderReadUpTo(OpDef):
    """Up to `num_records` records (fewer at the end of the input)."""

    host_only = True
    stateful = True
    host_inputs = (2,)

    def infer(self, reader_handle, queue_handle, num_records):
        return [spec(dtypes.string, [None]), spec(dtypes.string, [None])]

    def kernel(self, be, op, ctx):
        def read(reader, queue, n):
            keys, values = _read_records(ctx, op, int(np.asarray(n)), True)
            k, v = np.empty(len(keys), object), np.empty(len(values), object)
            k[:], v[:] = keys, values
            return k, v
        return read


NotDifferentiable("ReaderReadV2")
NotDifferentiable("ReaderReadUpToV2")


class ReaderBase:
    """A TF1 reader (`tf.ReaderBase`): `read(queue)` returns the next `(key, value)` record,
    taking the next file name from `queue` (a `string_input_producer`) when a file ends."""

    _op_type = ""

    def __init__(self, name: Optional[str] = None, **attrs: Any):
        self._reader_ref = get_default_graph().create_op(
            self._op_type, [], attrs, name=name or self._op_type).outputs[0]

    @property
    def reader_ref(self) -> Tensor:
        return self._reader_ref

    @staticmethod
    def _queue_ref(queue: Any) -> Tensor:
        return queue.queue_ref if hasattr(queue, "queue_ref") else queue

    def read(self, queue: Any, name: Optional[str] = None):
        """(key, value) string scalars of the next record."""
        op = get_default_graph().create_op("ReaderReadV2", [self._reader_ref, self._queue_ref(queue)],
                                           {}, name=name or "ReaderReadV2")
        return op.outputs[0], op.outputs[1]

    def read_up_to(self, queue: Any, num_records: Any, name: Optional[str] = None):
        """(keys, values) string vectors of up to `num_records` records."""
        n = convert_to_tensor(num_records, dtype=dtypes.int64, name="num_records")
        op = get_default_graph().create_op(
            "ReaderReadUpToV2", [self._reader_ref, self._queue_ref(queue), n], {},
            name=name or "ReaderReadUpToV2")
        return op.outputs[0], op.outputs[1]


class TFRecordReader(ReaderBase):
    """Reads TFRecord files (`tf.TFRecordReader`); keys are "file:index"."""

    _op_type = "TFRecordReaderV2"

    def __init__(self, name: Optional[str] = None, options: Any = None):
        from ..lib.io.tf_record import compression_type_string
        super().__init__(name, compression_type=compression_type_string(options))


class TextLineReader(ReaderBase):
    """Reads text files line by line (`tf.TextLineReader`); keys are "file:line"."""

    _op_type = "TextLineReaderV2"

    def __init__(self, skip_header_lines: Optional[int] = None, name: Optional[str] = None):
        super().__init__(name, skip_header_lines=int(skip_header_lines or 0))


class IdentityReader(ReaderBase):
    """Outputs each queued work item as both key and value (`tf.IdentityReader`): enqueue
    strings in a queue, and `read(queue)` returns `(work, work)` for the next one."""

    _op_type = "IdentityReaderV2"


class WholeFileReader(ReaderBase):
    """Reads whole files (`tf.WholeFileReader`); the key is the file name."""

    _op_type = "WholeFileReaderV2"


class FixedLengthRecordReader(ReaderBase):
    """Reads fixed-size records (`tf.FixedLengthRecordReader`)."""

    _op_type = "FixedLengthRecordReaderV2"

    def __init__(self, record_bytes: int, header_bytes: Optional[int] = None,
                 footer_bytes: Optional[int] = None, hop_bytes: Optional[int] = None,
                 name: Optional[str] = None, encoding: Optional[str] = None):
        super().__init__(name, record_bytes=int(record_bytes), header_bytes=int(header_bytes or 0),
                         footer_bytes=int(footer_bytes or 0), hop_bytes=int(hop_bytes or 0),
                         compression_type=(encoding or "").upper() if encoding else "")


__all__ += ["ReaderBase", "TFRecordReader", "TextLineReader", "WholeFileReader", "IdentityReader",
            "FixedLengthRecordReader"]
