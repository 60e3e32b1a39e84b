"""Framework helpers of `tf` built on the graph machinery: `tf.custom_gradient`,
`tf.grad_pass_through`, `tf.py_function`, `tf.init_scope`, `tf.switch_case`.

`custom_gradient` follows TF1's graph-mode decorator: the function's outputs, inputs and the
variables it reads go through one `IdentityN` op whose gradient is overridden
(`gradient_override_map`) by a gradient registered under a unique "CustomGradient-N" name, which
calls the user's `grad_fn`; the gradient does not flow into the function's own ops.
`py_function` is an `EagerPyFunc` op: without eager execution its function gets NumPy arrays
that also answer `.numpy()` (as TF's EagerTensors do), so TF1 code using either style runs.
`switch_case` is built from nested `tf.cond`s (TF1 emits one functional `Case` op; the
results, the branch executed and the out-of-range default are the same).
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Union

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor, get_default_graph
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op
from ..util import nest
from . import array_ops, math_ops
from .logging_ops import identity_n
from .script_ops import _FUNCS, PyFunc, _tokens

_custom_gradient_ids = itertools.count()


# --- custom_gradient --------------------------------------------------------------------------
def _variables_read_by(ops: Sequence[Any], exclude: Sequence[Tensor]) -> List[Any]:
    """The tf.Variables whose value (`W/read`) or reference the new `ops` consume."""
    from .variables import global_variables, local_variables
    var_ops = set()
    for op in ops:
        for t in op.inputs:
            src = t.op
            if src.type == "Identity" and src.inputs and src.inputs[0].op.type == "VariableV2":
                src = src.inputs[0].op
            if src.type == "VariableV2":
                var_ops.add(src)
    excluded = {id(t) for t in exclude}
    found = []
    for v in global_variables() + local_variables():
        if v._ref().op in var_ops and id(v.value()) not in excluded and \
                id(v._ref()) not in excluded and v not in found:
            found.append(v)
    return found


def _graph_mode_custom_gradient(f: Callable, args: Sequence[Any], kwargs: Dict[str, Any]) -> Any:
    if kwargs:
        raise ValueError("The custom_gradient decorator currently supports keywords arguments "
                         "only when eager execution is enabled.")
    graph = get_default_graph()
    name = f"CustomGradient-{next(_custom_gradient_ids)}"
    args = [convert_to_tensor(x) for x in args]
    n_before = len(graph.get_operations())
    result, grad_fn = f(*args)
    if not callable(grad_fn):
        raise TypeError(f"@tf.custom_gradient: {getattr(f, '__name__', f)} must return "
                        f"(outputs, grad_fn), got a {type(grad_fn).__name__} as grad_fn")
    flat_result = [convert_to_tensor(t) for t in nest.flatten(result)]
    variables = _variables_read_by(graph.get_operations()[n_before:], args)
    spec = inspect.getfullargspec(grad_fn)
    takes_variables = ("variables" in spec.args or "variables" in spec.kwonlyargs
                       or spec.varkw is not None)
    if variables and not takes_variables:
        raise TypeError("@tf.custom_gradient grad_fn must accept keyword argument 'variables', "
                        "since function uses variables: "
                        f"{[v.name for v in variables]}")
    n_result = len(flat_result)

    @RegisterGradient(name)
    def _custom_grad(op: Any, *out_grads: Any) -> List[Any]:
        result_grads = [g if g is not None else array_ops.zeros_like(t)
                        for g, t in zip(out_grads[:n_result], flat_result)]
        if variables:
            input_grads, variable_grads = grad_fn(*result_grads, variables=variables)
            if len(variable_grads) != len(variables):
                raise ValueError("Must return gradient for each variable from "
                                 "@custom_gradient grad_fn.")
        else:
            input_grads, variable_grads = grad_fn(*result_grads), []
        input_grads = nest.flatten(input_grads)
        if len(input_grads) != len(args):
            raise ValueError(f"@tf.custom_gradient grad_fn of {getattr(f, '__name__', f)} "
                             f"returned {len(input_grads)} gradients for {len(args)} inputs")
        return [None] * n_result + list(input_grads) + list(variable_grads)

    with graph.gradient_override_map({"IdentityN": name}):
        outs = identity_n(flat_result + list(args) + [v.value() for v in variables])
    return nest.pack_sequence_as(result, outs[:n_result])


def custom_gradient(f: Callable) -> Callable:
    """Decorator giving a function its own gradient (`tf.custom_gradient`, TF1 graph mode).

    `f(*x)` returns `(y, grad_fn)`; `grad_fn(*dy)` returns the gradients of the inputs `x`
    (one per input). If `f` reads variables other than its inputs, `grad_fn` must take a
    `variables` keyword and return `(input_grads, variable_grads)`.

    Args:
      f: The function (positional tensor arguments only, as in TF1's graph mode).

    Returns:
      The decorated function: it returns `y`, whose gradients come from `grad_fn`.

    Raises:
      ValueError: On keyword arguments, or a `grad_fn` returning the wrong number of
        gradients (when the gradients are built).
      TypeError: If `f` reads variables and `grad_fn` takes no `variables` argument.
    """
    @functools.wraps(f)
    def decorated(*args: Any, **kwargs: Any) -> Any:
        return _graph_mode_custom_gradient(f, args, kwargs)
    return decorated


def grad_pass_through(f: Callable) -> Callable:
    """Wraps `f` so that its gradient is the identity (`tf.grad_pass_through`): `y = f(x)` is
    computed, and `dy` is passed unchanged to `x` (a straight-through estimator).

    Args:
      f: A function of tensors returning tensors shaped like its inputs.

    Returns:
      The wrapped function.
    """
    @custom_gradient
    def _pass_through(*args: Any) -> Any:
        def grad(*dys: Any, variables: Optional[Sequence[Any]] = None) -> Any:
            if variables is not None:  # variables used by f get no gradient
                return list(dys), [None] * len(variables)
            return list(dys)
        return f(*args), grad

    return functools.wraps(f)(lambda *args: _pass_through(*args))


# --- py_function --------------------------------------------------------------------------
class EagerArray(np.ndarray):
    """The NumPy array `tf.py_function` hands its function: also answers TF's EagerTensor
    methods `.numpy()`, `.shape`, `.dtype` (a NumPy dtype here)."""

    def numpy(self) -> Any:
        """The value as a plain NumPy array (bytes for a string scalar, as TF)."""
        a = np.asarray(self).view(np.ndarray)
        return a[()] if a.ndim == 0 and a.dtype == object else a


@register_op("EagerPyFunc")
class EagerPyFunc(PyFunc):
    """`tf.py_function`'s op: calls the registered function with EagerArray arguments."""

    def infer(self, *inputs, token, is_async=False, Tin=None, Tout=()):
        return super().infer(*inputs, token=token, Tin=Tin, Tout=Tout)

    def kernel(self, be, op, ctx):
        call = super().kernel(be, op, ctx)

        def run(*args: Any) -> Any:
            wrapped = [np.asarray(be.to_host(a)).view(EagerArray) for a in args]
            return call(*wrapped)
        return run


NotDifferentiable("EagerPyFunc")


def _to_numpy(v: Any) -> Any:
    return v.numpy() if hasattr(v, "numpy") and callable(v.numpy) else v


def py_function(func: Callable, inp: Sequence[Any], Tout: Any,  # noqa: N803
                name: Optional[str] = None) -> Union[Tensor, List[Tensor], Any]:
    """Wraps a Python function as an op (`tf.py_function`, op type EagerPyFunc).

    Args:
      func: Called with one array per input (NumPy arrays that also have `.numpy()`);
        returns a value (array, number, or anything with `.numpy()`) or a list of them.
      inp: The input tensors.
      Tout: A dtype (one output tensor), a list of dtypes (a list of tensors), or None / []
        (no outputs: returns the op, to run).
      name: Op name (default "EagerPyFunc").

    Returns:
      The output tensor(s), of unknown shape.

    Differences from TF1: no gradient flows through the op (TF1 records `func` on a gradient
    tape, which needs eager execution).
    """
    graph = get_default_graph()
    ts = [convert_to_tensor(x) for x in inp]
    single = Tout is not None and not isinstance(Tout, (list, tuple))
    touts = [] if Tout is None else ([dtypes.as_dtype(Tout)] if single else
                                    [dtypes.as_dtype(d) for d in Tout])

    def call(*args: Any) -> Any:
        ret = func(*args)
        if not touts:
            return ret
        if isinstance(ret, (list, tuple)):
            return [_to_numpy(r) for r in ret]
        return _to_numpy(ret)

    token = f"pyfunc_{next(_tokens)}"
    _FUNCS[token] = call
    op = graph.create_op("EagerPyFunc", ts, {"token": token, "is_async": False,
                                             "Tin": [t.dtype for t in ts], "Tout": touts},
                         name=name or "EagerPyFunc")
    if not touts:  # the op itself, to run (TF's generated wrapper returns it)
        return op
    if single:
        return op.outputs[0]
    return list(op.outputs)


# --- init_scope ---------------------------------------------------------------------------
@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """Lifts the ops built inside out of control-flow contexts and control dependencies
    (`tf.init_scope`), keeping the name scope and device: what TF1 uses to create variables
    and their initializers from inside a `tf.cond`/`tf.while_loop` body."""
    from .control_flow_v1 import in_context
    graph = get_default_graph()
    with in_context(graph, None), graph.control_dependencies(None):
        yield


# --- switch_case --------------------------------------------------------------------------
def _canonical_branches(branch_fns: Any, default: Optional[Callable],
                        branch_index: Any) -> List[Callable]:
    """TF1's `_indexed_case_verify_and_canonicalize_args`."""
    if not isinstance(branch_index, Tensor):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    if not branch_index.dtype.is_integer:
        raise TypeError(f"'branch_index' must be an integer Tensor, got {branch_index.dtype}")
    if not branch_fns:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    if isinstance(branch_fns, dict):
        branch_fns = list(branch_fns.items())
    if all(callable(fn) for fn in branch_fns):
        branch_fns = list(enumerate(branch_fns))
    for pair in branch_fns:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'branch_fns' must be a 2-tuple. Received {pair}.")
        key, fn = pair
        if not isinstance(key, int):
            raise TypeError(f"key must be a Python `int`, got {type(key)}")
        if not callable(fn):
            raise TypeError(f"fn for key {key} must be callable.")
    keys = [p[0] for p in branch_fns]
    if min(keys) < 0 or max(keys) >= len(keys) or len(set(keys)) != len(keys):
        raise ValueError(f"branch indices (keys) must form contiguous range of [0 to "
                         f"{len(keys)}) but found {{{','.join(map(str, sorted(keys)))}}}")
    actions = [fn for _, fn in sorted(branch_fns, key=lambda p: p[0])]
    if default is not None:
        actions.append(default)
    return actions


def switch_case(branch_index: Any, branch_fns: Any, default: Optional[Callable] = None,
                name: str = "switch_case") -> Any:
    """Runs the branch `branch_fns[branch_index]` (`tf.switch_case`), C's `switch`.

    Args:
      branch_index: An int32 scalar tensor.
      branch_fns: A list of callables, a dict `{int: callable}` or a list of `(int, callable)`
        pairs, with keys 0..N-1.
      default: Runs for an index outside [0, N) (without it, the last branch runs).
      name: Name scope (default "switch_case").

    Returns:
      The outputs of the branch that ran (all branches must return the same structure).

    Raises:
      TypeError: If `branch_index` is not an int32 Tensor or `branch_fns` is malformed.
      ValueError: If the keys are not 0..N-1.
    """
    from .cond_v1 import cond
    fns = _canonical_branches(branch_fns, default, branch_index)
    with name_scope(name, "switch_case", [branch_index]):
        if branch_index.dtype != dtypes.int32:
            raise TypeError(f"Value passed to parameter 'branch_index' has DataType "
                            f"{branch_index.dtype.name} not in list of allowed values: int32 "
                            f"({branch_index.name})")
        if branch_index.shape.ndims not in (None, 0):
            raise ValueError(f"branch_index must be a scalar, got shape {branch_index.shape} "
                             f"({branch_index.name})")
        if len(fns) == 1:
            return fns[0]()
        chain = fns[-1]
        for i in range(len(fns) - 2, -1, -1):
            chain = (lambda i=i, rest=chain: cond(math_ops.equal(branch_index, i), fns[i],
                                                  rest))
        return chain()


__all__ = ["custom_gradient", "grad_pass_through", "py_function", "init_scope", "switch_case"]
