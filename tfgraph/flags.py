"""`tf.flags` / `tf.app.flags`: command-line flags, which TF1 takes from absl-py's `absl.flags`
(a dependency of tensorboard, so always installed with tfgraph).

As TF1: everything of `absl.flags`, the `DEFINE_*` functions also accepting TF1's old keyword
names (`flag_name`, `default_value`, `docstring`), and `FLAGS` parsing `sys.argv` on the first
read of a flag when nobody parsed it yet (`tf.app.run` parses it before calling `main`).
"""
import functools as _functools
import logging as _logging
import sys as _sys
import typing as _t

from absl import flags as _absl_flags
from absl.flags import *  # noqa: F401,F403  (TF1's tf.flags is absl.flags)

_RENAMED = {"flag_name": "name", "default_value": "default", "docstring": "help"}


def _wrap_define(fn: _t.Callable) -> _t.Callable:
    @_functools.wraps(fn)
    def define(*args: _t.Any, **kwargs: _t.Any) -> _t.Any:
        old = [k for k in _RENAMED if k in kwargs]
        for k in old:
            kwargs[_RENAMED[k]] = kwargs.pop(k)
        if old:
            _logging.getLogger("tensorflow").warning(
                "Use of the keyword argument names (flag_name, default_value, docstring) is "
                "deprecated, please use (name, default, help) instead.")
        return fn(*args, **kwargs)
    return define


for _name in dir(_absl_flags):
    if _name.startswith("DEFINE"):
        globals()[_name] = _wrap_define(getattr(_absl_flags, _name))


class _FlagValuesWrapper:
    """absl's `FLAGS`, parsing `sys.argv` on the first flag read if not parsed yet (TF1)."""

    def __init__(self, flags_object: _t.Any):
        self.__dict__["_wrapped"] = flags_object

    def __getattribute__(self, name: str) -> _t.Any:
        if name == "__dict__":
            return super().__getattribute__(name)
        return self.__dict__["_wrapped"].__getattribute__(name)

    def __getattr__(self, name: str) -> _t.Any:
        wrapped = self.__dict__["_wrapped"]
        if not wrapped.is_parsed():
            wrapped(_sys.argv)
        return wrapped.__getattr__(name)

    def __setattr__(self, name: str, value: _t.Any) -> None:
        return self.__dict__["_wrapped"].__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        return self.__dict__["_wrapped"].__delattr__(name)

    def __dir__(self) -> _t.List[str]:
        return self.__dict__["_wrapped"].__dir__()

    def __getitem__(self, name: str) -> _t.Any:
        return self.__dict__["_wrapped"].__getitem__(name)

    def __setitem__(self, name: str, flag: _t.Any) -> None:
        return self.__dict__["_wrapped"].__setitem__(name, flag)

    def __len__(self) -> int:
        return self.__dict__["_wrapped"].__len__()

    def __iter__(self) -> _t.Iterator[str]:
        return self.__dict__["_wrapped"].__iter__()

    def __str__(self) -> str:
        return self.__dict__["_wrapped"].__str__()

    def __call__(self, *args: _t.Any, **kwargs: _t.Any) -> _t.Any:
        return self.__dict__["_wrapped"].__call__(*args, **kwargs)


FLAGS = _FlagValuesWrapper(_absl_flags.FLAGS)
