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
    raise AttributeError(f"module 'tfgraph.compat' has no attribute {name!r}")
