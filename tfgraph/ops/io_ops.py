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
                names += sorted(glob.glob(_scalar_str(p)))
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
