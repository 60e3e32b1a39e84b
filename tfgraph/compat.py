"""`tf.compat`: `tf.compat.v1` is tfgraph itself (scripts written against
`tensorflow.compat.v1` that spell `tf.compat.v1.placeholder` keep working), plus the
`dimension_value` and `as_text`/`as_bytes` helpers TF1 scripts use."""
import sys as _sys
import typing as _t

from .framework.tensor_shape import dimension_value  # noqa: F401


def as_bytes(text: _t.Union[str, bytes], encoding: str = "utf-8") -> bytes:
    return text if isinstance(text, bytes) else text.encode(encoding)


def as_text(b: _t.Union[str, bytes], encoding: str = "utf-8") -> str:
    return b if isinstance(b, str) else b.decode(encoding)


as_str = as_text


def __getattr__(name: str) -> _t.Any:
    if name == "v1":
        return _sys.modules[__package__]
    if name == "v2":
        from ._unsupported import EAGER_V2
        raise NotImplementedError(f"tf.compat.v2 is not offered by tfgraph: {EAGER_V2}")
    raise AttributeError(f"module 'tfgraph.compat' has no attribute {name!r}")


# --- the rest of TF1's tf.compat (frame stream, issue 16) ---------------------------------------
import contextlib as _contextlib  # noqa: E402
import datetime as _datetime  # noqa: E402
import numbers as _numbers  # noqa: E402
import os as _os  # noqa: E402

import numpy as _np  # noqa: E402

from .ops.misc_api import dimension_at_index  # noqa: E402,F401

bytes_or_text_types = (bytes, str)
integral_types = (_numbers.Integral, _np.integer)
real_types = (_numbers.Real, _np.integer, _np.floating)
complex_types = (_numbers.Complex, _np.number)


def as_str_any(value: _t.Any, encoding: str = "utf-8") -> str:
    """`str(value)`, decoding bytes with `encoding` first (`tf.compat.as_str_any`)."""
    return as_text(value, encoding) if isinstance(value, bytes) else str(value)


def path_to_str(path: _t.Any) -> _t.Any:
    """A path-like object (`pathlib.Path`) as a str; anything else unchanged
    (`tf.compat.path_to_str`)."""
    if hasattr(path, "__fspath__"):
        path = as_str_any(path.__fspath__())
    return path


# TF1's forward-compatibility window: "may a graph producer use an op feature added on this
# date?". tfgraph writes graphs that the TF release its names file was taken from reads, so it
# uses that release's horizon; TF_FORWARD_COMPATIBILITY_DELTA_DAYS moves it as in TF.
_HORIZON = _datetime.date(2026, 1, 16)
_horizon_number: _t.List[int] = []


def _date_number(year: int, month: int, day: int) -> int:
    return (year << 9) | (month << 5) | day


def _current_horizon() -> int:
    if _horizon_number:
        return _horizon_number[-1]
    date = _HORIZON
    delta = _os.getenv("TF_FORWARD_COMPATIBILITY_DELTA_DAYS")
    if delta:
        date += _datetime.timedelta(days=int(delta))
    return _date_number(date.year, date.month, date.day)


def forward_compatible(year: int, month: int, day: int) -> bool:
    """True when the forward-compatibility horizon is past `year-month-day`
    (`tf.compat.forward_compatible`)."""
    return _current_horizon() > _date_number(year, month, day)


@_contextlib.contextmanager
def forward_compatibility_horizon(year: int, month: int, day: int) -> _t.Iterator[None]:
    """Context manager: `forward_compatible` answers as if the horizon were this date
    (`tf.compat.forward_compatibility_horizon`, for tests)."""
    _datetime.date(year, month, day)  # validates the date as TF does
    _horizon_number.append(_date_number(year, month, day))
    try:
        yield
    finally:
        _horizon_number.pop()
