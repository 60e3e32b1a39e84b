"""`tf.py_func` / `tf.numpy_function`: a Python callback as a graph op (PyFunc).

The callable is kept in a registry under the op's `token` attribute ("pyfunc_N"), as TF1's
FuncRegistry does. It runs on the host with NumPy arrays; its results are checked against
`Tout`. An exception in it becomes `tf.errors.UnknownError` (InvalidArgumentError for
TypeError/ValueError, OutOfRangeError for StopIteration, as TF1 maps them) naming the op and
carrying the Python traceback text; the session stays usable.  There is no gradient unless
one is registered for the op type with `gradient_override_map` (as in TF1).
"""
from __future__ import annotations

import itertools
import traceback
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import unknown_shape

_FUNCS: Dict[str, Callable] = {}
_tokens = itertools.count()

_ERROR_CLASSES = ((StopIteration, errors.OutOfRangeError), (TypeError, errors.InvalidArgumentError),
                  (ValueError, errors.InvalidArgumentError),
                  (MemoryError, errors.ResourceExhaustedError),
                  (NotImplementedError, errors.UnimplementedError))


@register_op("PyFunc")
class PyFunc(OpDef):
    """Calls the registered Python function `token` with the input arrays."""

    stateful = True
    host_only = True

    def infer(self, *inputs, token, Tin=None, Tout=()):
        return [spec(d, unknown_shape()) for d in Tout]

    def kernel(self, be, op, ctx):
        token = op.attrs["token"]
        touts = [dtypes.as_dtype(d) for d in op.attrs["Tout"]]

        def call(*args):
            func = _FUNCS.get(token)
            if func is None:
                raise errors.InvalidArgumentError(
                    None, op, f"The Python function of py_func op '{op.name}' ({token}) is no "
                              f"longer registered\n\t [[node {op.name}]]")
            try:
                ret = func(*args)
            except Exception as e:  # noqa: BLE001 - reported as TF1 does, naming the op
                cls = next((c for k, c in _ERROR_CLASSES if isinstance(e, k)), errors.UnknownError)
                tb = traceback.format_exc()
                raise cls(None, op, f"{type(e).__name__}: {e}\n{tb}\t [[node {op.name}]]") from e
            if not touts:
                return ()
            vals = list(ret) if isinstance(ret, (list, tuple)) else [ret]
            if len(vals) != len(touts):
                raise errors.InvalidArgumentError(
                    None, op, f"py_func op '{op.name}' returned {len(vals)} values, Tout has "
                              f"{len(touts)}\n\t [[node {op.name}]]")
            out = []
            for i, (v, d) in enumerate(zip(vals, touts)):
                want = d.np_dtype
                if isinstance(v, np.ndarray) or isinstance(v, np.generic):
                    a = np.asarray(v)
                    if d == dtypes.string and a.dtype.kind in "SUO":
                        a = a.astype(object)
                    elif a.dtype != want:
                        raise errors.InvalidArgumentError(
                            None, op, f"{i}-th value returned by {token} is {a.dtype.name}, "
                                      f"but expects {d.name}\n\t [[node {op.name}]]")
                else:
                    a = np.asarray(v, dtype=object if d == dtypes.string else want)
                out.append(a)
            return tuple(out)
        return call


@register_op("PyFuncStateless")
class PyFuncStateless(PyFunc):
    stateful = False


NotDifferentiable("PyFunc")
NotDifferentiable("PyFuncStateless")


def py_func(func: Callable, inp: Sequence[Any], Tout: Any, stateful: bool = True,  # noqa: N803
            name: Optional[str] = None) -> Union[Tensor, List[Tensor]]:
    """Wraps a Python function of NumPy arrays as an op (`tf.py_func`).

    Args:
      func: Called with one NumPy array per input; returns an array (or a list of them).
      inp: The input tensors.
      Tout: A dtype (the op returns one tensor) or a list of dtypes (a list of tensors).
      stateful: False lets the op be treated as a pure function (op type PyFuncStateless).
      name: Op name (default "PyFunc").

    Returns:
      The output tensor(s), of unknown shape.
    """
    graph = get_default_graph()
    ts = [convert_to_tensor(x) for x in inp]
    single = not isinstance(Tout, (list, tuple))
    touts = [dtypes.as_dtype(Tout)] if single else [dtypes.as_dtype(d) for d in Tout]
    token = f"pyfunc_{next(_tokens)}"
    _FUNCS[token] = func
    op = graph.create_op("PyFunc" if stateful else "PyFuncStateless", ts,
                         {"token": token, "Tin": [t.dtype for t in ts], "Tout": touts},
                         name=name or "PyFunc")
    if single:
        return op._outputs[0]
    return list(op._outputs)


def numpy_function(func: Callable, inp: Sequence[Any], Tout: Any,
                   name: Optional[str] = None) -> Union[Tensor, List[Tensor]]:
    """`tf.numpy_function`: `tf.py_func` (stateful) under its TF 1.14+ name."""
    return py_func(func, inp, Tout, stateful=True, name=name)


__all__ = ["py_func", "numpy_function"]
