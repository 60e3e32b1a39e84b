"""Run-time checks and printing: `tf.Assert`, `tf.Print`, `tf.print` (StringFormat + PrintV2),
`tf.debugging.check_numerics`, `tf.add_check_numerics_ops`, `tf.identity_n`.

Assert, Print and PrintV2 are stateful host ops (they run on the CPU, reading their data
there); a failing Assert or CheckNumerics raises `tf.errors.InvalidArgumentError` naming the
op, with TF1's message text.
"""
from __future__ import annotations

import sys
import weakref
from typing import Any, List, Optional, Sequence

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec


def summarize_array(value: Any, summarize: Optional[int] = 3) -> str:
    """TF1's `SummarizeValue`: elements separated by spaces, nested brackets per dimension,
    "..." after `summarize` elements (None or negative: all)."""
    a = np.asarray(value)
    if a.dtype == object or a.dtype.kind in "SU":
        flat = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                for v in a.reshape(-1)]
    elif a.dtype.kind == "f":  # C++ stream formatting: 6 significant digits
        flat = ["%.6g" % v for v in a.reshape(-1).tolist()]
    elif a.dtype.kind == "b":
        flat = ["1" if v else "0" for v in a.reshape(-1).tolist()]
    else:
        flat = [str(v) for v in a.reshape(-1).tolist()]
    limit = len(flat) if summarize is None or summarize < 0 else summarize
    if a.ndim == 0:
        return flat[0] if flat else ""
    count = [0]

    def rec(shape, offset):  # TF's PrintOneDim: the outermost dimension has no brackets
        if len(shape) == 1:
            n = min(shape[0], limit - count[0])
            count[0] += n
            return " ".join(flat[offset:offset + n]) + ("..." if n < shape[0] else "")
        step = int(np.prod(shape[1:]))
        inner = []
        for i in range(shape[0]):
            if count[0] >= limit:
                inner.append("...")
                break
            inner.append("[" + rec(shape[1:], offset + i * step) + "]")
        return "".join(inner)
    if a.size == 0:
        return ""
    return rec(a.shape, 0)


# --- Assert ------------------------------------------------------------------------------------
@register_op("Assert")
class AssertOp(OpDef):
    """Fails the run with the data summarized when `condition` is false."""

    stateful = True
    host_only = True

    def infer(self, condition, *data, summarize=3, T=None):
        if condition.dtype != dtypes.bool:
            raise TypeError(f"Assert's condition must be bool, got {condition.dtype.name} "
                            f"({condition.name})")
        if condition.shape.ndims not in (None, 0):
            raise ValueError(f"Assert's condition must be a scalar, got shape {condition.shape}")
        return ()

    def kernel(self, be, op, ctx):
        summarize = op.attrs.get("summarize", 3)

        def assert_(cond, *data):
            if not bool(cond):
                text = " ".join("[" + summarize_array(d, summarize) + "]" for d in data)
                raise errors.InvalidArgumentError(
                    None, op, f"assertion failed: {text}\n\t [[node {op.name}]]")
        return assert_


NotDifferentiable("Assert")


def Assert(condition: Any, data: Sequence[Any], summarize: Optional[int] = None,  # noqa: N802
           name: Optional[str] = None) -> Operation:
    """Asserts that `condition` is true when the op runs (`tf.Assert`).

    Args:
      condition: A scalar bool tensor.
      data: Tensors (or Python strings/values) printed when the condition is false.
      summarize: How many entries of each tensor to print (default 3).
      name: Op name (default "Assert").

    Returns:
      The Assert operation (use it in `tf.control_dependencies`).

    Raises:
      tf.errors.InvalidArgumentError (at run time): If the condition is false.
    """
    with name_scope(name, "Assert", [condition] + list(data)) as scope:
        cond = convert_to_tensor(condition, name="condition")
        ts = [convert_to_tensor(d, name=f"data_{i}") for i, d in enumerate(data)]
        return cond.graph.create_op(
            "Assert", [cond] + ts, {"summarize": 3 if summarize is None else int(summarize),
                                   "T": [t.dtype for t in ts]}, name=scope)


# --- Print / tf.print ----------------------------------------------------------------------------
_print_counts: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # session -> {op: n}


@register_op("Print")
class PrintOp(OpDef):
    """Returns its input; prints `message` and the data to stderr when run (`tf.Print`)."""

    stateful = True
    host_only = True

    def infer(self, input, *data, message="", first_n=-1, summarize=3, U=None, T=None):
        return spec(input.dtype, input.shape)

    def kernel(self, be, op, ctx):
        message = op.attrs.get("message", "")
        first_n = op.attrs.get("first_n", -1)
        summarize = op.attrs.get("summarize", 3)
        counts = _print_counts.setdefault(ctx, {}) if ctx is not None else {}

        def print_(x, *data):
            n = counts.get(op, 0)
            if first_n < 0 or n < first_n:
                counts[op] = n + 1
                sys.stderr.write(message + "".join("[" + summarize_array(d, summarize) + "]"
                                                   for d in data) + "\n")
            return x
        return print_

    def gradient(self, op, grad):
        return [grad] + [None] * (len(op._inputs) - 1)


def Print(input_: Any, data: Sequence[Any], message: Optional[str] = None,  # noqa: N802
          first_n: Optional[int] = None, summarize: Optional[int] = None,
          name: Optional[str] = None) -> Tensor:
    """An identity op that prints `message` and `data` to stderr when evaluated (`tf.Print`).

    Args:
      input_: The tensor passed through.
      data: Tensors whose values are printed.
      message: A prefix string.
      first_n: Print only the first `first_n` times (default: always).
      summarize: Entries printed per tensor (default 3).
      name: Op name (default "Print").

    Returns:
      A tensor with `input_`'s value.
    """
    x = convert_to_tensor(input_)
    ts = [convert_to_tensor(d) for d in data]
    return x.graph.create_op(
        "Print", [x] + ts, {"message": message or "", "first_n": -1 if first_n is None else
                            int(first_n), "summarize": 3 if summarize is None else int(summarize),
                            "T": x.dtype, "U": [t.dtype for t in ts]},
        name=name or "Print")._outputs[0]


@register_op("StringFormat")
class StringFormat(OpDef):
    """Formats tensors into a string scalar: each "{}" of `template` becomes one tensor."""

    host_only = True

    def infer(self, *inputs, template="%s", placeholder="%s", summarize=3, T=None):
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        template = op.attrs.get("template", "%s")
        ph = op.attrs.get("placeholder", "%s")
        summarize = op.attrs.get("summarize", 3)
        parts = template.split(ph)

        def fmt(*values):
            out = [parts[0]]
            for v, p in zip(values, parts[1:]):
                a = np.asarray(v)
                # `summarize` is per dimension here: short dimensions print whole.
                full = all(d <= 2 * summarize for d in a.shape)
                s = summarize_array(a, -1 if full else summarize)
                if a.ndim:  # as NumPy prints: "[[1 2]\n [3 4]]"
                    s = "[" + s.replace("][", "]\n [") + "]"
                out.append(s)
                out.append(p)
            return np.array(("".join(out)).encode("utf-8"), dtype=object)
        return fmt


@register_op("PrintV2")
class PrintV2(OpDef):
    """Writes a string scalar to a stream when run (`tf.print`)."""

    stateful = True
    host_only = True

    def infer(self, input, *, output_stream="stderr", end="\n"):
        if input.dtype != dtypes.string:
            raise TypeError(f"PrintV2 prints a string tensor, got {input.dtype.name}")
        return ()

    def kernel(self, be, op, ctx):
        stream = op.attrs.get("output_stream", "stderr")
        end = op.attrs.get("end", "\n")

        def print_v2(s):
            text = s.item() if hasattr(s, "item") else s
            text = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            target = sys.stdout if stream == "stdout" else sys.stderr
            target.write(text + end)
        return print_v2


for _t in ("StringFormat", "PrintV2"):
    NotDifferentiable(_t)


def print_v2(*inputs: Any, output_stream: Any = None, summarize: int = 3, sep: str = " ",
             end: str = "\n", name: Optional[str] = None) -> Operation:
    """Prints tensors (and Python values) when the returned op runs (`tf.print`).

    Args:
      *inputs: Tensors and Python values, printed separated by `sep`.
      output_stream: `sys.stderr` (default), `sys.stdout`, or the strings "stderr"/"stdout".
      summarize: Entries printed per dimension of each tensor.
      sep, end: As Python's `print`.
      name: Op name.

    Returns:
      The PrintV2 operation (run it, or use it in `tf.control_dependencies`).
    """
    if output_stream in (sys.stdout, sys.__stdout__, "stdout"):
        stream = "stdout"
    elif output_stream in (sys.stderr, sys.__stderr__, "stderr", None):
        stream = "stderr"
    else:
        raise ValueError(f"Unsupported output stream {output_stream!r}: use sys.stdout or "
                         "sys.stderr")
    graph = get_default_graph()
    with name_scope(name, "print", []):
        pieces, ts = [], []
        for v in inputs:
            if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
                ts.append(convert_to_tensor(v))
                pieces.append("{}")
            else:
                pieces.append(str(v).replace("{}", "{ }"))
        template = sep.join(pieces)
        fmt = graph.create_op("StringFormat", ts, {"template": template, "placeholder": "{}",
                                                    "summarize": summarize,
                                                    "T": [t.dtype for t in ts]},
                              name="StringFormat")._outputs[0]
        return graph.create_op("PrintV2", [fmt], {"output_stream": stream, "end": end},
                               name="PrintV2")


# --- check_numerics ----------------------------------------------------------------------------
@register_op("CheckNumerics")
class CheckNumerics(OpDef):
    """Returns its input; fails the run if it holds a NaN or an Inf."""

    may_alias_input = True
    _FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)

    def infer(self, tensor, *, message="", T=None):
        if tensor.dtype not in self._FLOATS:
            raise TypeError(f"check_numerics needs a float tensor, got {tensor.dtype.name} "
                            f"({tensor.name})")
        return spec(tensor.dtype, tensor.shape)

    def kernel(self, be, op, ctx):
        xp = be.xp
        message = op.attrs.get("message", "")
        name = op._inputs[0].name

        def check(x):
            if not bool(xp.isfinite(x).all()):
                kind = "NaN" if bool(xp.isnan(x).any()) else "Inf"
                raise errors.InvalidArgumentError(
                    None, op, f"{message} : Tensor had {kind} values (tensor '{name}')"
                              f"\n\t [[node {op.name}]]")
            return x
        return check

    def gradient(self, op, grad):
        return [check_numerics(grad, "Not a number (NaN) or infinity (Inf) values detected in "
                                     "gradient. " + op.attrs.get("message", ""))]


def check_numerics(tensor: Any, message: str, name: Optional[str] = None) -> Tensor:
    """Returns `tensor`, failing the run if it has NaN or Inf values (`tf.check_numerics`).

    Raises:
      TypeError: If `tensor` is not a float tensor.
      tf.errors.InvalidArgumentError (at run time): On a NaN or Inf, naming the tensor.
    """
    t = convert_to_tensor(tensor)
    return t.graph.create_op("CheckNumerics", [t], {"message": str(message), "T": t.dtype},
                             name=name or "CheckNumerics")._outputs[0]


def add_check_numerics_ops() -> Operation:
    """A CheckNumerics for every float output of the default graph, grouped (as TF1).

    Raises:
      ValueError: If the graph has control flow (TF1 refuses too).
    """
    from .control_flow_v1 import CONTROL_FLOW_TYPES
    graph = get_default_graph()
    checks: List[Operation] = []
    for op in graph.get_operations():
        if op.type in CONTROL_FLOW_TYPES or graph._op_cf_context.get(op) is not None:
            raise ValueError(
                f"tf.add_check_numerics_ops() is not compatible with TensorFlow control flow "
                f"operations such as tf.cond() or tf.while_loop() (op '{op.name}').")
    for op in graph.get_operations():
        for out in op._outputs:
            if out.dtype in CheckNumerics._FLOATS:
                message = f"{op.name}:{out.value_index}"
                with graph.control_dependencies(checks[-1:]):
                    checks.append(check_numerics(out, message).op)
    with graph.control_dependencies(checks):  # tf.group's op, without importing it
        return graph.create_op("NoOp", [], name="group_deps")


# --- identity_n -------------------------------------------------------------------------------
@register_op("IdentityN")
class IdentityN(OpDef):
    """Returns its inputs unchanged, as one op (`tf.identity_n`)."""

    may_alias_input = True

    def infer(self, *inputs, T=None):
        return [spec(t.dtype, t.shape) for t in inputs]

    def kernel(self, be, op, ctx):
        return lambda *xs: xs

    def gradient(self, op, *grads):
        return list(grads)


def identity_n(input: Sequence[Any], name: Optional[str] = None) -> List[Tensor]:
    """Returns a list of tensors with the values of `input` (`tf.identity_n`)."""
    ts = [convert_to_tensor(x) for x in input]
    op = get_default_graph().create_op("IdentityN", ts, {"T": [t.dtype for t in ts]},
                                       name=name or "IdentityN")
    return list(op._outputs)


__all__ = ["Assert", "Print", "print_v2", "check_numerics", "add_check_numerics_ops",
           "identity_n"]


# --- tf.check_pinned ---------------------------------------------------------------------------
@register_op("CheckPinned")
class CheckPinned(OpDef):
    """Returns its input if it lies in host memory pinned for the GPU, else fails the run.

    tfgraph never allocates pinned host memory (host arrays are NumPy's, device arrays
    CuPy's), so the check answers as TensorFlow does: without a CUDA device the run fails with
    `FailedPreconditionError` (TF's CPU build), on the GPU backend with
    `InvalidArgumentError` (the tensor is not in pinned memory).
    """

    stateful = True

    def infer(self, tensor, *, T=None):
        return spec(tensor.dtype, tensor.shape)

    def kernel(self, be, op, ctx):
        name = op._inputs[0].name
        gpu = be.device_type == "GPU" and be.name == "cupy"

        def check(x):
            if not gpu:
                raise errors.FailedPreconditionError(
                    None, op, f"CheckPinned '{op.name}': tensor '{name}' cannot be checked for "
                              f"pinned memory without a CUDA device (backend '{be.name}')")
            raise errors.InvalidArgumentError(
                None, op, f"CheckPinned '{op.name}': tensor '{name}' is not in pinned host "
                          f"memory")
        return check


NotDifferentiable("CheckPinned")


def check_pinned(tensor: Any, name: Optional[str] = None) -> Tensor:
    """`tf.check_pinned`: `tensor`, checked at run time to lie in host memory pinned for the
    GPU (op "CheckPinned"). tfgraph has no pinned memory, so the run fails: with
    `FailedPreconditionError` without a GPU (as TensorFlow's CPU build does), with
    `InvalidArgumentError` on the GPU backend."""
    t = convert_to_tensor(tensor, name="tensor")
    return get_default_graph().create_op("CheckPinned", [t], {"T": t.dtype},
                                         name=name or "CheckPinned").outputs[0]


__all__ += ["check_pinned"]
