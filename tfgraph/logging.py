"""`tf.logging`: TF1's logging helpers (`set_verbosity`, `info`, `warning`, ...) on Python's
standard `logging`, under the logger named "tensorflow" as TF1 uses."""
import logging as _logging
import typing as _t

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARNING
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_logger = _logging.getLogger("tensorflow")


def _get_logger() -> _logging.Logger:
    """The "tensorflow" logger."""
    return _logger


def set_verbosity(v: int) -> None:
    """Sets the threshold for what messages will be logged."""
    _logger.setLevel(v)
    if not _logger.handlers and not _logging.getLogger().handlers:
        _logging.basicConfig(format="%(levelname)s:%(name)s:%(message)s")


def get_verbosity() -> int:
    return _logger.getEffectiveLevel()


def debug(msg: _t.Any, *args: _t.Any, **kwargs: _t.Any) -> None:
    _logger.debug(msg, *args, **kwargs)


def info(msg: _t.Any, *args: _t.Any, **kwargs: _t.Any) -> None:
    _logger.info(msg, *args, **kwargs)


def warning(msg: _t.Any, *args: _t.Any, **kwargs: _t.Any) -> None:
    _logger.warning(msg, *args, **kwargs)


warn = warning


def error(msg: _t.Any, *args: _t.Any, **kwargs: _t.Any) -> None:
    _logger.error(msg, *args, **kwargs)


def fatal(msg: _t.Any, *args: _t.Any, **kwargs: _t.Any) -> None:
    _logger.critical(msg, *args, **kwargs)


def log(level: int, msg: _t.Any, *args: _t.Any, **kwargs: _t.Any) -> None:
    _logger.log(level, msg, *args, **kwargs)
