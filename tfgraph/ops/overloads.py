"""Python operators on `Tensor` and `Variable` (`+ - * / // % ** @`, comparisons, `[]`).

As in TF1, `a + b` opens a name scope called after the operator ("add", "sub", "mul",
"truediv", ...) so the op is named "add", "add_1", ... while `tf.add` names it "Add".
"""
from __future__ import annotations

from typing import Any, Callable

from ..framework.constant import name_scope
from ..framework.graph import Tensor
from .variables import Variable


def _math(fn_name: str) -> Callable:
    def call(*args, **kwargs):
        from . import math_ops
        return getattr(math_ops, fn_name)(*args, **kwargs)
    return call


def _binary(fn_name: str, scope: str):
    fn = _math(fn_name)

    def op(x, y):
        with name_scope(None, scope, [x, y]) as name:
            return fn(x, y, name=name)

    def rop(y, x):
        with name_scope(None, scope, [x, y]) as name:
            return fn(x, y, name=name)

    op.__name__ = f"__{scope}__"
    rop.__name__ = f"__r{scope}__"
    return op, rop


def _unary(fn_name: str):
    fn = _math(fn_name)

    def op(x):
        return fn(x)
    return op


def _getitem(tensor, slice_spec):
    from . import array_ops
    return array_ops._slice_helper(tensor, slice_spec)


def _install(cls: type) -> None:
    for dunder, fn_name, scope in (
            ("add", "add", "add"), ("sub", "subtract", "sub"), ("mul", "multiply", "mul"),
            ("truediv", "truediv", "truediv"), ("div", "div", "div"),
            ("floordiv", "floordiv", "floordiv"), ("mod", "floormod", "mod"),
            ("pow", "pow", "pow"), ("matmul", "matmul", "matmul"),
            ("and", "logical_and", "and"), ("or", "logical_or", "or"),
            ("xor", "logical_xor", "xor")):
        op, rop = _binary(fn_name, scope)
        setattr(cls, f"__{dunder}__", op)
        setattr(cls, f"__r{dunder}__", rop)
    cls.__neg__ = _unary("negative")
    cls.__abs__ = _unary("abs")
    cls.__invert__ = _unary("logical_not")
    cls.__lt__ = _math("less")
    cls.__le__ = _math("less_equal")
    cls.__gt__ = _math("greater")
    cls.__ge__ = _math("greater_equal")
    cls.__getitem__ = _getitem


_install(Tensor)
_install(Variable)
