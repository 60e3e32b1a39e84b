"""String ops (`tf.strings.*`, `tf.string_join`, `tf.as_string`, ...) on `tf.string` tensors,
which hold `bytes` as in TF1. Host-only kernels (object arrays of bytes live in host memory);
none is differentiable."""
from __future__ import annotations

import re
from typing import Any, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, gen_tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import broadcast_shapes


def _check_string(op: str, t: Tensor, arg: str = "input") -> None:
    if t.dtype != dtypes.string:
        raise TypeError(f"{op}: {arg} must be a string tensor, got {t.dtype.name} ({t.name})")


def _map(fn, x: np.ndarray, out_dtype=object) -> np.ndarray:
    out = np.empty(x.shape, dtype=out_dtype)
    for i, v in enumerate(x.flat):
        out.flat[i] = fn(v)
    return out


class _StringMap(OpDef):
    """An elementwise function of one string tensor."""

    host_only = True
    out = dtypes.string

    def infer(self, x, **attrs):
        _check_string(self.type_name, x)
        return spec(self.out, x.shape)

    def compute(self, be, x, **attrs):
        return _map(lambda v: self.fn(v, **attrs), np.asarray(x), self.out.np_dtype)


def _string_op(type_name: str, fn, out=dtypes.string, doc: str = "") -> None:
    register_op(type_name)(type(type_name, (_StringMap,), {
        "fn": staticmethod(fn), "out": out, "__doc__": doc}))
    NotDifferentiable(type_name)


_string_op("StringLower", lambda v, encoding="": v.lower(), doc="ASCII lower case.")
_string_op("StringUpper", lambda v, encoding="": v.upper(), doc="ASCII upper case.")
_string_op("StringStrip", lambda v: v.strip(), doc="Strips leading/trailing whitespace.")
_string_op("StringLength", lambda v, unit="BYTE": len(v) if unit == "BYTE" else
           len(v.decode("utf-8")), out=dtypes.int32, doc="Length in bytes or UTF-8 characters.")
_string_op("RegexFullMatch", lambda v, pattern: re.fullmatch(pattern.encode(), v) is not None,
           out=dtypes.bool, doc="Whether the whole string matches `pattern`.")
_string_op("RegexReplace", lambda v, pattern, rewrite, replace_global=True:
           re.sub(pattern.encode(), _rewrite(rewrite), v, count=0 if replace_global else 1),
           doc="Replaces matches of `pattern` with `rewrite` (\\\\1 for groups).")


def _rewrite(rewrite: str) -> bytes:
    # RE2 spells groups \\1 as Python does; bytes for bytes.
    return rewrite.encode() if isinstance(rewrite, str) else rewrite


@register_op("StringToNumber")
class StringToNumber(OpDef):
    """Parses each string as an int or float of `out_type`."""

    host_only = True

    def infer(self, x, *, out_type):
        _check_string("StringToNumber", x, "string_tensor")
        dt = dtypes.as_dtype(out_type)
        if dt not in (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
            raise TypeError(f"StringToNumber: out_type must be float32, float64, int32 or "
                            f"int64, got {dt.name}")
        return spec(dt, x.shape)

    def compute(self, be, x, *, out_type):
        dt = dtypes.as_dtype(out_type)

        def parse(v):
            s = v.decode("utf-8").strip()
            try:
                return dt.np_dtype.type(int(s, 10)) if dt.is_integer else \
                    dt.np_dtype.type(float(s))
            except ValueError:
                raise ValueError(f"StringToNumberOp could not correctly convert string: "
                                 f"{v.decode('utf-8', 'replace')}") from None
        return _map(parse, np.asarray(x), dt.np_dtype)


@register_op("Substr")
class Substr(OpDef):
    """`input[pos:pos + len]` per element (pos and len broadcast); negative pos from the end."""

    host_only = True

    def infer(self, x, pos, length, *, unit="BYTE"):
        _check_string("Substr", x)
        return spec(dtypes.string, broadcast_shapes(broadcast_shapes(x.shape, pos.shape),
                                                    length.shape))

    def compute(self, be, x, pos, length, *, unit="BYTE"):
        x, pos, length = np.broadcast_arrays(np.asarray(x), np.asarray(pos), np.asarray(length))
        out = np.empty(x.shape, dtype=object)
        for i in range(x.size):
            v = x.flat[i]
            s = v if unit == "BYTE" else v.decode("utf-8")
            p, n = int(pos.flat[i]), int(length.flat[i])
            if p > len(s) or p < -len(s):
                raise ValueError(f"pos {p} out of range for string {v!r} at index {i}")
            p = p % len(s) if p < 0 else p
            r = s[p:p + n]
            out.flat[i] = r if unit == "BYTE" else r.encode("utf-8")
        return out


@register_op("AsString")
class AsString(OpDef):
    """Formats numbers and bools as strings (`%g`-like for floats, as TF1's defaults)."""

    host_only = True

    def infer(self, x, *, precision=-1, scientific=False, shortest=False, width=-1, fill=""):
        if x.dtype == dtypes.string:
            raise TypeError(f"AsString: input must be numeric or bool, got string ({x.name})")
        return spec(dtypes.string, x.shape)

    def compute(self, be, x, *, precision=-1, scientific=False, shortest=False, width=-1,
                fill=""):
        x = np.asarray(x)

        def fmt(v):
            if x.dtype == np.bool_:
                s = "true" if v else "false"
            elif np.issubdtype(x.dtype, np.integer):
                s = str(int(v))
            else:
                spec_ = ("e" if scientific else "g" if shortest else "f")
                p = precision if precision >= 0 else 6
                s = f"{float(v):.{p}{spec_}}"
            if width > 0:
                s = s.rjust(width, fill or " ")
            return s.encode()
        return _map(fmt, x)


@register_op("ReduceJoin")
class ReduceJoin(OpDef):
    """Joins the strings along `axis` (all axes when None) with a separator."""

    host_only = True

    def infer(self, x, *, axis=None, keep_dims=False, separator=""):
        _check_string("ReduceJoin", x)
        if x.shape.ndims is None:
            return spec(dtypes.string, None)
        n = x.shape.ndims
        axes = list(range(n)) if axis is None else [a % n for a in axis]
        dims = x.shape.as_list()
        out = [1 if i in axes else d for i, d in enumerate(dims)] if keep_dims else \
            [d for i, d in enumerate(dims) if i not in axes]
        return spec(dtypes.string, out)

    def compute(self, be, x, *, axis=None, keep_dims=False, separator=""):
        x = np.asarray(x)
        n = x.ndim
        axes = list(range(n)) if axis is None else sorted(a % n for a in axis)
        sep = separator.encode() if isinstance(separator, str) else separator
        keep = [i for i in range(n) if i not in axes]
        moved = np.transpose(x, keep + axes).reshape([x.shape[i] for i in keep] + [-1])
        out = np.empty(moved.shape[:-1], dtype=object)
        for idx in np.ndindex(out.shape):
            out[idx] = sep.join(moved[idx])
        if keep_dims:
            out = out.reshape([1 if i in axes else x.shape[i] for i in range(n)])
        return out


for _t in ("AsString", "ReduceJoin", "StringToNumber", "Substr"):
    NotDifferentiable(_t)


def _str(x: Any, name: str = "input") -> Tensor:
    return convert_to_tensor(x, dtype_hint=dtypes.string, name=name)


def lower(input: Any, encoding: str = "", name: Optional[str] = None) -> Tensor:  # noqa: A002
    """ASCII lower case of each string (`tf.strings.lower`)."""
    return gen_tensor("StringLower", name, [("input", _str(input), None, None)],
                      {"encoding": encoding})


def upper(input: Any, encoding: str = "", name: Optional[str] = None) -> Tensor:  # noqa: A002
    """ASCII upper case of each string (`tf.strings.upper`)."""
    return gen_tensor("StringUpper", name, [("input", _str(input), None, None)],
                      {"encoding": encoding})


def strip(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """Strips leading and trailing whitespace (`tf.strings.strip`, `tf.string_strip`)."""
    return gen_tensor("StringStrip", name, [("input", _str(input), None, None)])


def length(input: Any, name: Optional[str] = None, unit: str = "BYTE") -> Tensor:  # noqa: A002
    """The length of each string in bytes or UTF-8 characters (`tf.strings.length`).

    Raises:
      ValueError: For a unit other than "BYTE" or "UTF8_CHAR".
    """
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"unit must be BYTE or UTF8_CHAR, got {unit!r}")
    return gen_tensor("StringLength", name, [("input", _str(input), None, None)],
                      {"unit": unit})


def to_number(string_tensor: Any, out_type: Any = dtypes.float32,
              name: Optional[str] = None) -> Tensor:
    """Parses each string as a number (`tf.strings.to_number`, `tf.string_to_number`);
    a malformed string fails the run with InvalidArgumentError naming it."""
    return gen_tensor("StringToNumber", name, [("string_tensor", _str(string_tensor), None,
                                                None)], {"out_type": dtypes.as_dtype(out_type)})


def regex_full_match(input: Any, pattern: str, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """Whether each whole string matches `pattern` (`tf.strings.regex_full_match`)."""
    re.compile(pattern)
    return gen_tensor("RegexFullMatch", name, [("input", _str(input), None, None)],
                      {"pattern": pattern})


def regex_replace(input: Any, pattern: str, rewrite: str, replace_global: bool = True,  # noqa: A002
                  name: Optional[str] = None) -> Tensor:
    """Replaces the matches of `pattern` (`tf.strings.regex_replace`, `tf.regex_replace`)."""
    re.compile(pattern)
    return gen_tensor("RegexReplace", name, [("input", _str(input), None, None)],
                      {"pattern": pattern, "rewrite": rewrite,
                       "replace_global": bool(replace_global)})


def substr(input: Any, pos: Any, len: Any, name: Optional[str] = None,  # noqa: A002
           unit: str = "BYTE") -> Tensor:
    """Substrings `input[pos:pos + len]` (`tf.strings.substr`, `tf.substr`); negative `pos`
    counts from the end; `pos` beyond the string fails the run."""
    return gen_tensor("Substr", name, [("input", _str(input), None, None),
                                       ("pos", pos, (dtypes.int32, dtypes.int64), dtypes.int32),
                                       ("len", len, (dtypes.int32, dtypes.int64), dtypes.int32)],
                      {"unit": unit})


def as_string(input: Any, precision: int = -1, scientific: bool = False,  # noqa: A002
              shortest: bool = False, width: int = -1, fill: str = "",
              name: Optional[str] = None) -> Tensor:
    """Formats numbers/bools as strings (`tf.as_string`, `tf.strings.as_string`)."""
    return gen_tensor("AsString", name, [("input", input, None, None)],
                      {"precision": int(precision), "scientific": bool(scientific),
                       "shortest": bool(shortest), "width": int(width), "fill": fill})


def join(inputs: Sequence[Any], separator: str = "", name: Optional[str] = None) -> Tensor:
    """Elementwise concatenation of string tensors (`tf.strings.join`, `tf.string_join`); the
    "StringJoin" op is the one the checkpoint graphs use (train/checkpoint_ops.py)."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError("inputs must be a non-empty list of string tensors")
    ts = [_str(x, f"inputs_{i}") for i, x in enumerate(inputs)]
    graph = ts[0].graph
    with graph.as_default():
        return graph.create_op("StringJoin", ts, {"separator": separator},
                               name=name or "StringJoin").outputs[0]


def reduce_join(inputs: Any, axis: Any = None, keep_dims: bool = False, separator: str = "",
                name: Optional[str] = None, reduction_indices: Any = None,
                keepdims: Any = None) -> Tensor:
    """Joins strings along `axis` (`tf.strings.reduce_join`, `tf.reduce_join`)."""
    axis = reduction_indices if axis is None else axis
    keep = bool(keep_dims if keepdims is None else keepdims)
    if axis is not None and not isinstance(axis, (list, tuple)):
        axis = [int(axis)]
    return gen_tensor("ReduceJoin", name, [("inputs", _str(inputs), None, None)],
                      {"axis": None if axis is None else [int(a) for a in axis],
                       "keep_dims": keep, "separator": separator})


string_join = join
string_strip = strip
string_to_number = to_number

__all__ = ["as_string", "reduce_join", "regex_replace", "string_join", "string_strip",
           "string_to_number", "substr"]
