"""`tf.logging`: TF1's logging helpers (`set_verbosity`, `info`, `warning`, ...) on Python's
standard `logging`, under the logger named "tensorflow" as TF1 uses."""
from __future__ import annotations

import logging as _logging
from typing import Any

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARNING
WARNING = _logging.WARNING
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_logger = _logging.getLogger("tensorflow")


def get_logger() -> _logging.Logger:
    """The "tensorflow" logger."""
    return _logger


def set_verbosity(v: int) -> None:
    """Sets the threshold for what messages will be logged."""
    _logger.setLevel(v)
    if not _logger.handlers and not _logging.getLogger().handlers:
        _logging.basicConfig(format="%(levelname)s:%(name)s:%(message)s")


def get_verbosity() -> int:
    return _logger.getEffectiveLevel()


def debug(msg: Any, *args: Any, **kwargs: Any) -> None:
    _logger.debug(msg, *args, **kwargs)


def info(msg: Any, *args: Any, **kwargs: Any) -> None:
    _logger.info(msg, *args, **kwargs)


def warning(msg: Any, *args: Any, **kwargs: Any) -> None:
    _logger.warning(msg, *args, **kwargs)


warn = warning


def error(msg: Any, *args: Any, **kwargs: Any) -> None:
    _logger.error(msg, *args, **kwargs)


def fatal(msg: Any, *args: Any, **kwargs: Any) -> None:
    _logger.critical(msg, *args, **kwargs)


def log(level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
    _logger.log(level, msg, *args, **kwargs)
