"""TF1's assertions (`tf.assert_equal`, `tf.debugging.assert_rank`, ..., tf/python/ops/check_ops.py).

Each assertion is built from `tf.Assert` on a reduced condition and returns the op to put in
`tf.control_dependencies`: a failing check raises `tf.errors.InvalidArgumentError` when the
op runs, with TF1's message (the tensor names and their first `summarize` values). What is
known at build time is checked at build time, as TF1 does: constant operands that fail raise
`InvalidArgumentError` right away, a static rank or size that is wrong raises `ValueError`,
a wrong dtype `TypeError`; a check decided statically returns a NoOp
(`static_checks_determined_all_ok`, `statically_determined_correct_type`, ...).

TF1 additionally wraps each Assert in a `tf.cond` ("AssertGuard") so its data is only
formatted on failure; tfgraph's Assert kernel formats only on failure anyway, so the returned
op is the Assert itself (op names differ by the "AssertGuard/" level, the behaviour not).
"""
from __future__ import annotations

import collections
from typing import Any, Callable, Iterable, List, Optional, Sequence

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_util import constant_value
from . import array_ops, math_ops
from .control_flow_ops import group, no_op
from .logging_ops import Assert, check_numerics


def _message_prefix(message: Optional[str]) -> str:
    return f"{message}.  " if message else ""


def _static_string(item: Any) -> str:
    """A data item as text for a build-time failure (constant tensors show their value)."""
    if not isinstance(item, Tensor):
        return str(item)
    value = constant_value(item)
    return str(value) if value is not None else str(item)


def _assert_static(condition: Any, data: Sequence[Any]) -> None:
    if not condition:
        raise errors.InvalidArgumentError(None, None,
                                          "\n".join(_static_string(x) for x in data))


def _binary_assert(sym: str, opname: str, op_func: Callable, static_func: Callable, x: Any,
                   y: Any, data: Optional[Sequence[Any]], summarize: Optional[int],
                   message: Optional[str], name: Optional[str]) -> Operation:
    with name_scope(name, opname, [x, y]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y")
        if data is None:
            data = [f"Condition x {sym} y did not hold element-wise:", f"x ({x.name}) = ", x,
                    f"y ({y.name}) = ", y]
        if message is not None:
            data = [message] + list(data)
        condition = math_ops.reduce_all(op_func(x, y))
        x_static, y_static = constant_value(x), constant_value(y)
        if x_static is not None and y_static is not None:
            _assert_static(np.all(static_func(x_static, y_static)), data)
        return Assert(condition, data, summarize=summarize)


def assert_equal(x: Any, y: Any, data: Optional[Sequence[Any]] = None,
                 summarize: Optional[int] = None, message: Optional[str] = None,
                 name: Optional[str] = None) -> Operation:
    """Asserts that `x == y` holds element-wise (after broadcasting) (`tf.assert_equal`).

    Args:
      x: A numeric tensor.
      y: A numeric tensor of `x`'s dtype, broadcastable to `x`.
      data: Tensors/strings printed on failure (default: a message and `x`, `y`).
      summarize: Entries of each tensor printed (default 3).
      message: A string prefixed to the message.
      name: Name scope (default "assert_equal").

    Returns:
      The op raising `tf.errors.InvalidArgumentError` when run with `x != y` somewhere.

    Raises:
      tf.errors.InvalidArgumentError: At build time, if `x` and `y` are constants that differ.
    """
    with name_scope(name, "assert_equal", [x, y]):
        if x is y:  # TF1: trivially true, no check built
            return no_op()
    return _binary_assert("==", "assert_equal", math_ops.equal, np.equal, x, y, data, summarize,
                          message, name)


def assert_none_equal(x: Any, y: Any, data: Optional[Sequence[Any]] = None,
                      summarize: Optional[int] = None, message: Optional[str] = None,
                      name: Optional[str] = None) -> Operation:
    """Asserts that `x != y` holds for every element (`tf.assert_none_equal`); arguments as
    `tf.assert_equal`."""
    return _binary_assert("!=", "assert_none_equal", math_ops.not_equal, np.not_equal, x, y,
                          data, summarize, message, name)


def assert_less(x: Any, y: Any, data: Optional[Sequence[Any]] = None,
                summarize: Optional[int] = None, message: Optional[str] = None,
                name: Optional[str] = None) -> Operation:
    """Asserts that `x < y` holds element-wise (`tf.assert_less`); arguments as
    `tf.assert_equal`."""
    return _binary_assert("<", "assert_less", math_ops.less, np.less, x, y, data, summarize,
                          message, name)


def assert_less_equal(x: Any, y: Any, data: Optional[Sequence[Any]] = None,
                      summarize: Optional[int] = None, message: Optional[str] = None,
                      name: Optional[str] = None) -> Operation:
    """Asserts that `x <= y` holds element-wise (`tf.assert_less_equal`); arguments as
    `tf.assert_equal`."""
    return _binary_assert("<=", "assert_less_equal", math_ops.less_equal, np.less_equal, x, y,
                          data, summarize, message, name)


def assert_greater(x: Any, y: Any, data: Optional[Sequence[Any]] = None,
                   summarize: Optional[int] = None, message: Optional[str] = None,
                   name: Optional[str] = None) -> Operation:
    """Asserts that `x > y` holds element-wise (`tf.assert_greater`); arguments as
    `tf.assert_equal`."""
    return _binary_assert(">", "assert_greater", math_ops.greater, np.greater, x, y, data,
                          summarize, message, name)


def assert_greater_equal(x: Any, y: Any, data: Optional[Sequence[Any]] = None,
                         summarize: Optional[int] = None, message: Optional[str] = None,
                         name: Optional[str] = None) -> Operation:
    """Asserts that `x >= y` holds element-wise (`tf.assert_greater_equal`); arguments as
    `tf.assert_equal`."""
    return _binary_assert(">=", "assert_greater_equal", math_ops.greater_equal,
                          np.greater_equal, x, y, data, summarize, message, name)


def _unary_assert(sym: str, opname: str, check: Callable, zero_first: bool, x: Any,
                  data: Optional[Sequence[Any]], summarize: Optional[int],
                  message: Optional[str], name: Optional[str]) -> Operation:
    message = _message_prefix(message)
    with name_scope(name, opname, [x]):
        x = convert_to_tensor(x, name="x")
        if data is None:
            data = [message, f"Condition x {sym} did not hold element-wise:",
                    f"x ({x.name}) = ", x]
        zero = convert_to_tensor(0, dtype=x.dtype)
        a, b = (zero, x) if zero_first else (x, zero)
        return check(a, b, data=data, summarize=summarize)


def assert_negative(x: Any, data: Optional[Sequence[Any]] = None,
                    summarize: Optional[int] = None, message: Optional[str] = None,
                    name: Optional[str] = None) -> Operation:
    """Asserts that every element of `x` is `< 0` (`tf.assert_negative`).

    Args:
      x: A numeric tensor.
      data: Tensors/strings printed on failure (default: a message and `x`).
      summarize: Entries printed per tensor.
      message: A string prefixed to the message.
      name: Name scope (default "assert_negative").

    Returns:
      The op raising `tf.errors.InvalidArgumentError` when run on a failing `x`.
    """
    return _unary_assert("< 0", "assert_negative", assert_less, False, x, data, summarize,
                         message, name)


def assert_positive(x: Any, data: Optional[Sequence[Any]] = None,
                    summarize: Optional[int] = None, message: Optional[str] = None,
                    name: Optional[str] = None) -> Operation:
    """Asserts that every element of `x` is `> 0` (`tf.assert_positive`); arguments as
    `tf.assert_negative`."""
    return _unary_assert("> 0", "assert_positive", assert_less, True, x, data, summarize,
                         message, name)


def assert_non_negative(x: Any, data: Optional[Sequence[Any]] = None,
                        summarize: Optional[int] = None, message: Optional[str] = None,
                        name: Optional[str] = None) -> Operation:
    """Asserts that every element of `x` is `>= 0` (`tf.assert_non_negative`); arguments as
    `tf.assert_negative`."""
    return _unary_assert(">= 0", "assert_non_negative", assert_less_equal, True, x, data,
                         summarize, message, name)


def assert_non_positive(x: Any, data: Optional[Sequence[Any]] = None,
                        summarize: Optional[int] = None, message: Optional[str] = None,
                        name: Optional[str] = None) -> Operation:
    """Asserts that every element of `x` is `<= 0` (`tf.assert_non_positive`); arguments as
    `tf.assert_negative`."""
    return _unary_assert("<= 0", "assert_non_positive", assert_less_equal, False, x, data,
                         summarize, message, name)


def assert_near(x: Any, y: Any, rtol: Any = None, atol: Any = None,
                data: Optional[Sequence[Any]] = None, summarize: Optional[int] = None,
                message: Optional[str] = None, name: Optional[str] = None) -> Operation:
    """Asserts that `|x - y| < atol + rtol * |y|` element-wise (`tf.assert_near`).

    Args:
      x: A float (or complex) tensor.
      y: A tensor of `x`'s dtype, broadcastable to `x`.
      rtol, atol: Tolerances (default `10 * eps` of the dtype, as TF1).
      data, summarize, message: As `tf.assert_equal`.
      name: Name scope (default "assert_near").

    Returns:
      The op raising `tf.errors.InvalidArgumentError` when run with `x`, `y` not close.
    """
    message = _message_prefix(message)
    with name_scope(name, "assert_near", [x, y, rtol, atol]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", dtype=x.dtype)
        dtype = x.dtype.real_dtype if x.dtype.is_complex else x.dtype
        if not dtype.is_floating:
            raise TypeError(f"assert_near needs float or complex tensors, got {x.dtype.name} "
                            f"({x.name})")
        eps = np.finfo(dtype.as_numpy_dtype).eps
        rtol = convert_to_tensor(10 * eps if rtol is None else rtol, name="rtol", dtype=dtype)
        atol = convert_to_tensor(10 * eps if atol is None else atol, name="atol", dtype=dtype)
        if data is None:
            data = [message, f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}",
                    f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        tol = atol + rtol * math_ops.abs(y)
        diff = math_ops.abs(x - y)
        condition = math_ops.reduce_all(math_ops.less(diff, tol))
        return Assert(condition, data, summarize=summarize)


# --- static checks: rank, dtype, shape ------------------------------------------------------
def _rank_condition(x: Tensor, ranks: Sequence[Tensor], static_ok: Callable,
                    dynamic: Callable, data: Sequence[Any], summarize: Optional[int]
                    ) -> Operation:
    """The check shared by assert_rank/_at_least/_in (TF1's `_assert_ranks_condition`)."""
    for r in ranks:
        assert_type(r, dtypes.int32)
    statics = [constant_value(r) for r in ranks]
    if all(s is not None for s in statics):
        if any(np.ndim(s) != 0 for s in statics):
            raise ValueError("Rank must be a scalar.")
        x_rank = x.shape.ndims
        if x_rank is not None:
            if not static_ok(x_rank, [int(s) for s in statics]):
                raise _StaticRankError(x_rank, [int(s) for s in statics])
            return no_op(name="static_checks_determined_all_ok")
    condition = dynamic(array_ops.rank(x), list(ranks))
    deps = [assert_rank(r, 0, data=["Rank must be a scalar. Received rank: ", r])
            for r, s in zip(ranks, statics) if s is None]
    if deps:
        from .control_flow_ops import tuple_
        condition = tuple_([condition], control_inputs=deps)[0]
    return Assert(condition, data, summarize=summarize)


class _StaticRankError(ValueError):
    def __init__(self, actual: int, given: List[int]):
        super().__init__("Static rank condition failed")
        self.actual, self.given = actual, given


def _any_equal(rank: Tensor, ranks: List[Tensor]) -> Tensor:
    result = math_ops.equal(ranks[0], rank)
    for r in ranks[1:]:
        result = math_ops.logical_or(result, math_ops.equal(r, rank))
    return result


def _shape_of(x: Any) -> Any:
    return x.dense_shape if isinstance(x, SparseTensor) else array_ops.shape(x)


def _static_shape(x: Any) -> Any:
    return x.shape if isinstance(x, SparseTensor) else x.get_shape()


def assert_rank(x: Any, rank: Any, data: Optional[Sequence[Any]] = None,
                summarize: Optional[int] = None, message: Optional[str] = None,
                name: Optional[str] = None) -> Operation:
    """Asserts that `x` has rank `rank` (`tf.assert_rank`).

    Args:
      x: A tensor (or SparseTensor).
      rank: A scalar int32 (Python int or tensor).
      data, summarize, message: As `tf.assert_equal`.
      name: Name scope (default "assert_rank").

    Returns:
      A NoOp "static_checks_determined_all_ok" when the rank is known to be right, else the
      op raising `tf.errors.InvalidArgumentError` when run with a wrong rank.

    Raises:
      ValueError: If the static rank of `x` is known and wrong (naming `x`).
    """
    with name_scope(name, "assert_rank", [x, rank] + list(data or [])):
        sparse = isinstance(x, SparseTensor)
        if not sparse:
            x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        message = _message_prefix(message)
        xname = "" if sparse else x.name
        if data is None:
            data = [message, f"Tensor {xname} must have rank", rank, "Received shape: ",
                    _shape_of(x)]
        try:
            return _rank_condition(x, [rank], lambda a, g: a == g[0],
                                   lambda r, rs: math_ops.equal(r, rs[0]), data, summarize)
        except _StaticRankError as e:
            raise ValueError(f"{message}Tensor {xname} must have rank {e.given[0]}.  Received "
                             f"rank {e.actual}, shape {_static_shape(x)}") from None


def assert_rank_at_least(x: Any, rank: Any, data: Optional[Sequence[Any]] = None,
                         summarize: Optional[int] = None, message: Optional[str] = None,
                         name: Optional[str] = None) -> Operation:
    """Asserts that `x` has rank `rank` or more (`tf.assert_rank_at_least`); arguments and
    errors as `tf.assert_rank`."""
    with name_scope(name, "assert_rank_at_least", [x, rank] + list(data or [])):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        message = _message_prefix(message)
        if data is None:
            data = [message, f"Tensor {x.name} must have rank at least", rank,
                    "Received shape: ", array_ops.shape(x)]
        try:
            return _rank_condition(x, [rank], lambda a, g: a >= g[0],
                                   lambda r, rs: math_ops.greater_equal(r, rs[0]), data,
                                   summarize)
        except _StaticRankError as e:
            raise ValueError(f"{message}Tensor {x.name} must have rank at least {e.given[0]}.  "
                             f"Received rank {e.actual}, shape {x.get_shape()}") from None


def assert_rank_in(x: Any, ranks: Sequence[Any], data: Optional[Sequence[Any]] = None,
                   summarize: Optional[int] = None, message: Optional[str] = None,
                   name: Optional[str] = None) -> Operation:
    """Asserts that the rank of `x` is one of `ranks` (`tf.assert_rank_in`); arguments and
    errors as `tf.assert_rank`."""
    with name_scope(name, "assert_rank_in", [x] + list(ranks) + list(data or [])):
        sparse = isinstance(x, SparseTensor)
        if not sparse:
            x = convert_to_tensor(x, name="x")
        ranks = [convert_to_tensor(r, name="rank") for r in ranks]
        message = _message_prefix(message)
        xname = "" if sparse else x.name
        if data is None:
            data = [message, f"Tensor {xname} must have rank in"] + list(ranks) + \
                ["Received shape: ", _shape_of(x)]
        if not ranks:
            dynamic = lambda r, rs: convert_to_tensor(False)  # noqa: E731
        else:
            dynamic = _any_equal
        try:
            return _rank_condition(x, ranks, lambda a, g: a in g, dynamic, data, summarize)
        except _StaticRankError as e:
            raise ValueError(f"{message}Tensor {xname} must have rank in {tuple(e.given)}.  "
                             f"Received rank {e.actual}, shape {_static_shape(x)}") from None


def assert_integer(x: Any, message: Optional[str] = None,
                   name: Optional[str] = None) -> Operation:
    """Asserts (at build time) that `x` has an integer dtype (`tf.assert_integer`).

    Returns:
      A NoOp "statically_determined_was_integer".

    Raises:
      TypeError: If `x` is not an integer tensor (naming it).
    """
    with name_scope(name, "assert_integer", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_integer:
            raise TypeError(f'{_message_prefix(message)}Expected "x" to be integer type.  '
                            f"Found: {x.name} of dtype {x.dtype!r}")
        return no_op("statically_determined_was_integer")


def assert_type(tensor: Any, tf_type: Any, message: Optional[str] = None,
                name: Optional[str] = None) -> Operation:
    """Asserts (at build time) that `tensor` has dtype `tf_type` (`tf.assert_type`).

    Returns:
      A NoOp "statically_determined_correct_type".

    Raises:
      TypeError: If the dtype differs (naming the tensor).
    """
    tf_type = dtypes.as_dtype(tf_type)
    with name_scope(name, "assert_type", [tensor]):
        if not isinstance(tensor, SparseTensor):
            tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.dtype != tf_type:
            raise TypeError(f"{_message_prefix(message)}{getattr(tensor, 'name', 'tensor')} "
                            f"must be of type {tf_type!r}; got {tensor.dtype!r}")
        return no_op("statically_determined_correct_type")


def assert_scalar(tensor: Any, name: Optional[str] = None,
                  message: Optional[str] = None) -> Tensor:
    """Asserts (at build time) that `tensor` is a scalar (`tf.assert_scalar`).

    Returns:
      `tensor` (converted to a Tensor).

    Raises:
      ValueError: If its static shape is not `[]` (naming it).
    """
    with name_scope(name, "assert_scalar", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name=scope)
        if tensor.shape.ndims != 0:
            raise ValueError(f"{_message_prefix(message)}Expected scalar shape for "
                             f"{tensor.name}, saw shape: {tensor.shape}.")
        return tensor


def assert_same_float_dtype(tensors: Optional[Sequence[Any]] = None,
                            dtype: Any = None) -> dtypes.DType:
    """The common float dtype of `tensors` and `dtype` (`tf.assert_same_float_dtype`).

    Returns:
      That dtype; `tf.float32` when neither gives one.

    Raises:
      ValueError: If they disagree (naming the tensor), or the dtype is not a float.
    """
    expected = dtypes.as_dtype(dtype) if dtype is not None else None
    first = None
    for t in tensors or []:
        if t is None:
            continue
        t_type = t.dtype.base_dtype
        if expected is None:
            expected, first = t_type, getattr(t, "name", str(t))
        elif t_type != expected:
            tname = getattr(t, "name", str(t))
            raise ValueError(f"{tname}, type={t_type}, must be of the same type ({expected})"
                             + (f" as {first}" if first else "") + ".")
    if expected is None:
        return dtypes.float32
    if not expected.is_floating:
        raise ValueError(f"Expected floating point type, got {expected}.")
    return expected


def assert_proper_iterable(values: Any) -> None:
    """Raises TypeError unless `values` is an iterable that is not a Tensor, SparseTensor,
    ndarray, bytes or str (`tf.assert_proper_iterable`)."""
    if isinstance(values, (Tensor, SparseTensor, np.ndarray, bytes, str)):
        raise TypeError('Expected argument "values" to be a "proper" iterable.  Found: '
                        f"{type(values)}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


_DimSizes = collections.namedtuple("_DimSizes", ["x", "unspecified_dim", "actual_sizes",
                                                 "symbolic_sizes"])


def _dimension_sizes(x: Tensor) -> Any:
    rank = x.shape.ndims
    if rank == 0:
        return (1,)
    if rank is not None:
        dynamic = array_ops.shape(x)
        return [int(s) if s is not None else dynamic[i]
                for i, s in enumerate(x.shape.as_list())]
    from .cond_v1 import cond
    return cond(math_ops.equal(array_ops.rank(x), 0),
                lambda: convert_to_tensor([1]), lambda: array_ops.shape(x))


def _known(size: Any) -> bool:
    if size is None or isinstance(size, Tensor):
        return False
    try:
        int(size)
        return True
    except (ValueError, TypeError):
        return False


def assert_shapes(shapes: Any, data: Optional[Sequence[Any]] = None,
                  summarize: Optional[int] = None, message: Optional[str] = None,
                  name: Optional[str] = None) -> Operation:
    """Asserts that tensors have the given symbolic shapes (`tf.debugging.assert_shapes`).

    `shapes` is a list of `(tensor, shape)` pairs (or a dict); a shape holds ints (exact
    sizes), strings (a size that must agree across all tensors, e.g. "N"), None or "."
    (any size), and may start with "..." or "*" (any number of leading dimensions).

    Returns:
      A NoOp grouping the run-time checks left after the static ones.

    Raises:
      ValueError: If a shape is not iterable, or a rank/size is statically known and wrong.
    """
    if isinstance(shapes, dict):
        shapes = shapes.items()
    prefix = _message_prefix(message)
    with name_scope(name, "assert_shapes", []):
        constraints = [(x if isinstance(x, SparseTensor) else convert_to_tensor(x), s)
                       for x, s in shapes if s is not None]
        sizes_list = []
        for tensor, symbolic in constraints:
            if not (hasattr(symbolic, "__iter__") or hasattr(symbolic, "__getitem__")):
                raise ValueError(f"{prefix}Tensor {tensor.name}.  Specified shape must be an "
                                 "iterable.  An iterable has the attribute `__iter__` or "
                                 f"`__getitem__`.  Received specified shape: {symbolic}")
            symbolic = tuple(symbolic)
            innermost = False
            for i, sym in enumerate(symbolic):
                if sym is Ellipsis or (isinstance(sym, str) and sym == "*"):
                    if i != 0:
                        raise ValueError(
                            f"{prefix}Tensor {tensor.name} specified shape index {i}.  Symbol "
                            "`...` or `*` for a variable number of unspecified dimensions is "
                            "only allowed as the first entry")
                    innermost = True
            sym_sizes = symbolic[1:] if innermost else symbolic
            sizes_list.append(_DimSizes(tensor, innermost, _dimension_sizes(tensor),
                                        sym_sizes or (1,)))
        rank_checks = []
        for s in sizes_list:
            rank = len(s.symbolic_sizes)
            if s.unspecified_dim:
                if rank in (0, 1):
                    continue
                rank_checks.append(assert_rank_at_least(s.x, rank, data=data,
                                                        summarize=summarize, message=message,
                                                        name=name))
            elif rank in (0, 1):
                rank_checks.append(assert_rank_in(s.x, [0, 1], data=data, summarize=summarize,
                                                  message=message, name=name))
            else:
                rank_checks.append(assert_rank(s.x, rank, data=data, summarize=summarize,
                                               message=message, name=name))
        size_checks = []
        specified = {}
        graph = get_default_graph()
        for s in sizes_list:
            for i, sym in enumerate(s.symbolic_sizes):
                if sym is None or (isinstance(sym, str) and sym == "."):
                    continue
                dim = i - len(s.symbolic_sizes) if s.unspecified_dim else i
                if _known(sym) or sym in specified:
                    if _known(sym):
                        want, how = int(sym), "Specified explicitly"
                    else:
                        want, by, at = specified[sym]
                        how = f"Specified by tensor {by.name} dimension {at}"
                    with graph.control_dependencies(rank_checks):
                        actual = s.actual_sizes[dim]
                    if _known(actual) and _known(want):
                        if int(actual) != int(want):
                            raise ValueError(
                                f"{prefix}{how}.  Tensor {s.x.name} dimension {dim} must have "
                                f"size {int(want)}.  Received size {int(actual)}, shape "
                                f"{s.x.shape}")
                        continue
                    condition = math_ops.equal(convert_to_tensor(actual),
                                               convert_to_tensor(want))
                    d = data if data is not None else [
                        prefix, how, f"Tensor {s.x.name} dimension", dim, "must have size",
                        want, "Received shape: ", array_ops.shape(s.x)]
                    size_checks.append(Assert(condition, d, summarize=summarize))
                else:
                    with graph.control_dependencies(rank_checks):
                        actual = s.actual_sizes[dim]
                    specified[sym] = (actual, s.x, dim)
    with graph.control_dependencies(rank_checks):
        return group(size_checks)


def verify_tensor_all_finite(t: Any = None, msg: Optional[str] = None,
                             name: Optional[str] = None, x: Any = None,
                             message: Optional[str] = None) -> Tensor:
    """`t`, failing the run if it holds a NaN or Inf (`tf.verify_tensor_all_finite`,
    `tf.debugging.assert_all_finite`).

    Args:
      t: A float tensor (`x` is TF's newer spelling).
      msg: The message of the failure (`message` is the newer spelling).
      name: Name scope (default "VerifyFinite").

    Returns:
      A tensor with `t`'s value ("VerifyFinite/control_dependency"), checked when evaluated.
    """
    x = t if x is None else x
    message = msg if message is None else message
    if x is None:
        raise ValueError("verify_tensor_all_finite needs a tensor (t= or x=)")
    with name_scope(name, "VerifyFinite", [x]):
        x = convert_to_tensor(x, name="x")
        verify = check_numerics(x, message=message or "")
        with get_default_graph().control_dependencies([verify.op]):
            return array_ops.identity(x, name="control_dependency")


def assert_variables_initialized(var_list: Optional[Iterable[Any]] = None) -> Optional[Tensor]:
    """A tensor that fails with `tf.errors.FailedPreconditionError` when evaluated while one
    of `var_list` (default: all global and local variables) is uninitialized
    (`tf.assert_variables_initialized`).

    Returns:
      The ranks of the variables (read at run time) stacked, or None without variables.
    """
    from .variables import global_variables, local_variables
    var_list = (global_variables() + local_variables()) if var_list is None else list(var_list)
    if not var_list:
        return None
    graph = get_default_graph()
    ranks = []
    for v in var_list:
        ref = v._ref() if hasattr(v, "_ref") else convert_to_tensor(v)
        # A real Rank op (not folded to a constant): it reads the variable, as TF1's
        # `rank_internal(var, optimize=False)`.
        ranks.append(graph.create_op("Rank", [ref], {}, name="Rank").outputs[0])
    return ranks[0] if len(ranks) == 1 else array_ops.stack(ranks)


__all__ = ["assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_negative", "assert_positive",
           "assert_non_negative", "assert_non_positive", "assert_near", "assert_rank",
           "assert_rank_at_least", "assert_rank_in", "assert_integer", "assert_type",
           "assert_scalar", "assert_same_float_dtype", "assert_proper_iterable",
           "verify_tensor_all_finite", "assert_variables_initialized"]
