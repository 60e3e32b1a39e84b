"""TF1's error classes (`tf.errors.*`): `OpError` and its subclasses, with `.op` and `.message`."""
import typing as _t

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """A generic error raised while running a graph; subclasses say which kind.

    Args:
      node_def: Kept for TF1 signature compatibility (the op's definition, or None).
      op: The `Operation` involved, or None.
      message: The human-readable message.
      error_code: One of the codes in this module.
    """

    def __init__(self, node_def: _t.Any, op: _t.Any, message: str, error_code: int = UNKNOWN):
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code

    @property
    def message(self) -> str:
        return self._message

    @property
    def op(self) -> _t.Optional[_t.Any]:
        return self._op

    @property
    def node_def(self) -> _t.Any:
        return self._node_def

    @property
    def error_code(self) -> int:
        return self._error_code

    def __str__(self) -> str:
        return self._message


def _subclass(name: str, code: int, doc: str) -> type:
    def __init__(self, node_def, op, message, *args, **kwargs):
        OpError.__init__(self, node_def, op, message, code)

    return type(name, (OpError,), {"__init__": __init__, "__doc__": doc})


CancelledError = _subclass("CancelledError", CANCELLED, "An operation was cancelled.")
UnknownError = _subclass("UnknownError", UNKNOWN, "An unknown error.")
InvalidArgumentError = _subclass("InvalidArgumentError", INVALID_ARGUMENT,
                                 "An op received an invalid argument (bad shape, value or device).")
DeadlineExceededError = _subclass("DeadlineExceededError", DEADLINE_EXCEEDED, "A deadline expired.")
NotFoundError = _subclass("NotFoundError", NOT_FOUND, "A requested entity (file, variable) was not found.")
AlreadyExistsError = _subclass("AlreadyExistsError", ALREADY_EXISTS, "An entity already exists.")
PermissionDeniedError = _subclass("PermissionDeniedError", PERMISSION_DENIED, "Permission denied.")
ResourceExhaustedError = _subclass("ResourceExhaustedError", RESOURCE_EXHAUSTED,
                                   "A resource (memory) ran out.")
FailedPreconditionError = _subclass("FailedPreconditionError", FAILED_PRECONDITION,
                                    "The system is not in the state the op needs "
                                    "(e.g. an uninitialized variable was read).")
AbortedError = _subclass("AbortedError", ABORTED, "An operation was aborted.")
OutOfRangeError = _subclass("OutOfRangeError", OUT_OF_RANGE, "An iteration went past the valid range.")
UnimplementedError = _subclass("UnimplementedError", UNIMPLEMENTED, "The operation is not implemented.")
InternalError = _subclass("InternalError", INTERNAL, "An internal invariant was broken.")
UnavailableError = _subclass("UnavailableError", UNAVAILABLE, "A service is unavailable.")
DataLossError = _subclass("DataLossError", DATA_LOSS, "Unrecoverable data loss or corruption.")
UnauthenticatedError = _subclass("UnauthenticatedError", UNAUTHENTICATED, "Not authenticated.")

_CODE_TO_CLASS = {code: c for code, c in (
    (CANCELLED, CancelledError), (UNKNOWN, UnknownError), (INVALID_ARGUMENT, InvalidArgumentError),
    (DEADLINE_EXCEEDED, DeadlineExceededError), (NOT_FOUND, NotFoundError),
    (ALREADY_EXISTS, AlreadyExistsError), (PERMISSION_DENIED, PermissionDeniedError),
    (RESOURCE_EXHAUSTED, ResourceExhaustedError), (FAILED_PRECONDITION, FailedPreconditionError),
    (ABORTED, AbortedError), (OUT_OF_RANGE, OutOfRangeError), (UNIMPLEMENTED, UnimplementedError),
    (INTERNAL, InternalError), (UNAVAILABLE, UnavailableError), (DATA_LOSS, DataLossError),
    (UNAUTHENTICATED, UnauthenticatedError))}


def exception_type_from_error_code(error_code: int) -> type:
    """`tf.errors.exception_type_from_error_code`: the OpError subclass of a code.

    Raises:
      KeyError: For an unknown code (including OK, which is no error).
    """
    return _CODE_TO_CLASS[error_code]


def error_code_from_exception_type(cls: type) -> int:
    """`tf.errors.error_code_from_exception_type`: the code of an OpError subclass.

    Raises:
      KeyError: If `cls` is not one of TF1's OpError subclasses.
    """
    for code, c in _CODE_TO_CLASS.items():
        if c is cls:
            return code
    raise KeyError(f"{getattr(cls, '__name__', cls)!r} is not one of TF1's OpError classes")


class raise_exception_on_not_ok_status:  # noqa: N801  (TF1 spells it so)
    """`tf.errors.raise_exception_on_not_ok_status()`: TF1's context manager around C API calls
    with a status; tfgraph raises its errors directly, so the block runs unchanged."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> bool:
        return False


__all__ = [n for n in list(globals()) if n.endswith("Error") or n.isupper()] + [
    "exception_type_from_error_code", "error_code_from_exception_type",
    "raise_exception_on_not_ok_status"]
