"""TF1's top-level names that are aliases, small compositions or switches with one answer in
tfgraph: `tf.arg_max`, `tf.floor_div`, `tf.accumulate_n`, `tf.parallel_stack`,
`tf.make_template`, `tf.is_tensor`, `tf.get_static_value`, `tf.broadcast_static_shape`,
`tf.tables_initializer`, the v2-behaviour switches (tfgraph is always TF1 graph mode), ..."""
from __future__ import annotations

import contextlib
import functools
from typing import Any, Callable, Optional, Sequence

from ..framework import dtypes
from ..framework.ops import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.registry import NotDifferentiable
from ..framework.tensor_shape import Dimension, TensorShape, as_shape, broadcast_shapes
from . import array_ops, control_flow_ops, math_ops
from ..framework.tensor_util import constant_value
from .variable_scope import variable_scope
from .variables import Variable, local_variables_initializer


def arg_max(input: Any, dimension: Any, output_type: Any = dtypes.int64,  # noqa: A002
            name: Optional[str] = None) -> Tensor:
    """`tf.arg_max`: TF1's older spelling of `tf.argmax(input, axis=dimension)`."""
    return math_ops.argmax(input, axis=dimension, output_type=output_type, name=name)


def arg_min(input: Any, dimension: Any, output_type: Any = dtypes.int64,  # noqa: A002
            name: Optional[str] = None) -> Tensor:
    """`tf.arg_min`: TF1's older spelling of `tf.argmin(input, axis=dimension)`."""
    return math_ops.argmin(input, axis=dimension, output_type=output_type, name=name)


def floor_div(x: Any, y: Any, name: Optional[str] = None) -> Tensor:
    """`tf.floor_div`: elementwise floor division (op "FloorDiv", as `tf.floordiv`)."""
    return math_ops.floordiv(x, y, name=name)


def accumulate_n(inputs: Sequence[Any], shape: Any = None, tensor_dtype: Any = None,
                 name: Optional[str] = None) -> Tensor:
    """`tf.math.accumulate_n`: the sum of `inputs` (an `AddN`; TF1 only differs in memory use).

    Raises:
      ValueError: If `inputs` is empty, or `shape`/`tensor_dtype` contradict the inputs.
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and "
                         "shape")
    ts = [convert_to_tensor(x) for x in inputs]
    if tensor_dtype is not None and any(t.dtype != dtypes.as_dtype(tensor_dtype) for t in ts):
        raise TypeError(f"accumulate_n: tensor_dtype {dtypes.as_dtype(tensor_dtype).name} does "
                        f"not match the inputs ({ts[0].dtype.name})")
    if shape is not None and not all(t.shape.is_compatible_with(as_shape(shape)) for t in ts):
        raise ValueError(f"accumulate_n: shape {as_shape(shape)} does not match the inputs")
    return math_ops.add_n(ts, name=name)


def parallel_stack(values: Sequence[Any], name: str = "parallel_stack") -> Tensor:
    """`tf.parallel_stack`: stacks `values` along a new first axis (as `tf.stack`; TF1's copy
    strategy differs, not the result).

    Raises:
      ValueError: If the shapes are not fully defined, as TF1 requires.
    """
    ts = [convert_to_tensor(v) for v in values]
    for t in ts:
        if not t.shape.is_fully_defined():
            raise ValueError(f"parallel_stack requires fully defined shapes, got {t.shape} "
                             f"for {t.name}")
    return array_ops.stack(ts, axis=0, name=name)


def to_complex64(x: Any, name: str = "ToComplex64") -> Tensor:
    """`tf.to_complex64`: `tf.cast(x, tf.complex64)`."""
    return math_ops.cast(x, dtypes.complex64, name=name)


def to_complex128(x: Any, name: str = "ToComplex128") -> Tensor:
    """`tf.to_complex128`: `tf.cast(x, tf.complex128)`."""
    return math_ops.cast(x, dtypes.complex128, name=name)


def guarantee_const(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
    """`tf.guarantee_const`: the identity (a promise to TF's optimizer that tfgraph ignores)."""
    return array_ops.identity(input, name=name or "GuaranteeConst")


def is_tensor(x: Any) -> bool:
    """`tf.is_tensor`: True for graph tensors, Variables and sparse tensors."""
    return isinstance(x, (Tensor, Variable)) or bool(getattr(x, "is_tensor_like", False))


def is_symbolic_tensor(x: Any) -> bool:
    """`tf.is_symbolic_tensor`: True for graph tensors (every tensor in tfgraph)."""
    return isinstance(x, Tensor)


def is_numeric_tensor(tensor: Any) -> bool:
    """`tf.debugging.is_numeric_tensor`: a Tensor of a numeric dtype (not bool or string)."""
    return isinstance(tensor, Tensor) and tensor.dtype in (
        dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int8, dtypes.int16,
        dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.uint16, dtypes.uint32, dtypes.uint64,
        dtypes.complex64, dtypes.complex128)


def get_static_value(tensor: Any, partial: bool = False) -> Any:
    """`tf.get_static_value`: the value of `tensor` if it is known when the graph is built
    (constants and shape arithmetic on static shapes), else None."""
    if not isinstance(tensor, Tensor):
        try:
            tensor = convert_to_tensor(tensor)
        except (TypeError, ValueError):
            return None
    return constant_value(tensor)


def dimension_at_index(shape: Any, index: int) -> Dimension:
    """`tf.dimension_at_index`: the `Dimension` of `shape` at `index` (unknown rank: None)."""
    s = as_shape(shape)
    if s.ndims is None:
        return Dimension(None)
    return Dimension(s.as_list()[index])


def broadcast_static_shape(shape_x: Any, shape_y: Any) -> TensorShape:
    """`tf.broadcast_static_shape`: the broadcast of two static shapes.

    Raises:
      ValueError: If the shapes are incompatible.
    """
    out = broadcast_shapes(as_shape(shape_x), as_shape(shape_y))
    if out is None:
        raise ValueError(f"Incompatible shapes for broadcasting: {as_shape(shape_x)} and "
                         f"{as_shape(shape_y)}")
    return out


def tables_initializer(name: str = "init_all_tables") -> Any:
    """`tf.tables_initializer`: initializes the graph's lookup tables. tfgraph has no lookup
    tables, so this is a NoOp named `name` (as TF1 returns when there are none)."""
    return control_flow_ops.no_op(name=name)


initialize_all_tables = tables_initializer


def initialize_local_variables() -> Any:
    """`tf.initialize_local_variables`: TF1's deprecated `local_variables_initializer()`."""
    return local_variables_initializer()


def no_gradient(op_type: str) -> None:
    """`tf.no_gradient`: declares `op_type` not differentiable (as `tf.NotDifferentiable`)."""
    NotDifferentiable(op_type)


def op_scope(values: Any, name: Optional[str], default_name: Optional[str] = None):
    """`tf.op_scope`: TF1's deprecated `name_scope(name, default_name, values)`."""
    return name_scope(name, default_name, values)


@contextlib.contextmanager
def colocate_with(op: Any, ignore_existing: bool = False):
    """`tf.colocate_with`: accepted, and ignored: tfgraph's planner places each op on the device
    of its `tf.device` scope (or the default device), which keeps a variable's update ops on the
    variable's device already."""
    yield


def executing_eagerly_outside_functions() -> bool:
    """Always False: tfgraph is TF1 graph mode."""
    return False


def control_flow_v2_enabled() -> bool:
    """Always False: tfgraph builds TF1's (v1) control flow."""
    return False


def resource_variables_enabled() -> bool:
    """Always False: tfgraph's variables are TF1's reference variables."""
    return False


def _accepted_no_op(what: str) -> Callable[[], None]:
    def switch() -> None:
        pass
    switch.__doc__ = f"Accepted; tfgraph always {what}."
    return switch


disable_control_flow_v2 = _accepted_no_op("builds TF1's v1 control flow")
disable_resource_variables = _accepted_no_op("uses TF1's reference variables")
disable_tensor_equality = _accepted_no_op("compares Tensors by identity, as TF1")
disable_v2_tensorshape = _accepted_no_op("uses TF1's TensorShape (Dimension objects)")
for _f, _n in ((disable_control_flow_v2, "disable_control_flow_v2"),
               (disable_resource_variables, "disable_resource_variables"),
               (disable_tensor_equality, "disable_tensor_equality"),
               (disable_v2_tensorshape, "disable_v2_tensorshape")):
    _f.__name__ = _n


class Template:
    """The callable `tf.make_template` returns: the first call creates variables in a new
    variable scope, every later call reuses them."""

    def __init__(self, name: str, func: Callable, create_scope_now: bool = False,
                 unique_name: Optional[str] = None, custom_getter: Any = None):
        self._func = func
        self._name = name
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        self._variable_scope = None
        self._variables_created = False
        if create_scope_now:
            self._open_scope()

    def _open_scope(self) -> None:
        with variable_scope(self._unique_name, default_name=self._name,
                            custom_getter=self._custom_getter) as vs:
            self._variable_scope = vs

    @property
    def name(self) -> str:
        return self._name

    @property
    def variable_scope(self):
        return self._variable_scope

    @property
    def variable_scope_name(self) -> Optional[str]:
        return None if self._variable_scope is None else self._variable_scope.name

    def __call__(self, *args, **kwargs):
        if self._variable_scope is None or not self._variables_created:
            if self._variable_scope is None:
                with variable_scope(self._unique_name, default_name=self._name,
                                    custom_getter=self._custom_getter) as vs:
                    self._variable_scope = vs
                    out = self._func(*args, **kwargs)
            else:
                with variable_scope(self._variable_scope):
                    out = self._func(*args, **kwargs)
            self._variables_created = True
            return out
        with variable_scope(self._variable_scope, reuse=True):
            return self._func(*args, **kwargs)


def make_template(name_: str, func_: Callable, create_scope_now_: bool = False,
                  unique_name_: Optional[str] = None, custom_getter_: Any = None,
                  **kwargs) -> Template:
    """`tf.make_template`: wraps `func_` so all its calls share the variables of the first.

    Args:
      name_: The variable scope name (made unique, "name_", "name__1"... as TF1 does).
      func_: The function; `tf.get_variable` calls inside it create (first call) or reuse.
      create_scope_now_: Open the variable scope now instead of at the first call.
      unique_name_: Use exactly this scope name.
      custom_getter_: A custom getter for the scope.
      **kwargs: Keyword arguments bound to `func_`.
    """
    if kwargs:
        func_ = functools.partial(func_, **kwargs)
    return Template(name_, func_, create_scope_now_, unique_name_, custom_getter_)


class AggregationMethod:
    """`tf.AggregationMethod`: how `tf.gradients` sums the gradients of a tensor used many
    times. tfgraph always adds them with one `AddN` (TF1's `ADD_N`/`DEFAULT`); the experimental
    methods are accepted and give the same sums."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


__all__ = ["AggregationMethod", "accumulate_n", "arg_max", "arg_min", "broadcast_static_shape",
           "colocate_with", "control_flow_v2_enabled", "dimension_at_index",
           "disable_control_flow_v2", "disable_resource_variables", "disable_tensor_equality",
           "disable_v2_tensorshape", "executing_eagerly_outside_functions", "floor_div",
           "get_static_value", "guarantee_const", "initialize_all_tables",
           "initialize_local_variables", "is_numeric_tensor", "is_symbolic_tensor", "is_tensor",
           "make_template", "no_gradient", "op_scope", "parallel_stack",
           "resource_variables_enabled", "tables_initializer", "to_complex128", "to_complex64"]


def _flat_diffs(x: Any, name: Optional[str], default: str):
    x = convert_to_tensor(x, name="x")
    if not is_numeric_tensor(x):
        raise TypeError(f"Expected x to be numeric, got {x.dtype.name} ({x.name})")
    flat = array_ops.reshape(x, [-1])
    return flat[1:], flat[:-1]


def is_non_decreasing(x: Any, name: Optional[str] = None) -> Tensor:
    """`tf.math.is_non_decreasing`: True when `x` (flattened) never decreases (a tensor of
    fewer than two elements is).

    Raises:
      TypeError: If `x` is not numeric.
    """
    with name_scope(name, "is_non_decreasing", [x]):
        later, earlier = _flat_diffs(x, name, "is_non_decreasing")
        return math_ops.reduce_all(math_ops.greater_equal(later, earlier))


def is_strictly_increasing(x: Any, name: Optional[str] = None) -> Tensor:
    """`tf.math.is_strictly_increasing`: True when `x` (flattened) always increases.

    Raises:
      TypeError: If `x` is not numeric.
    """
    with name_scope(name, "is_strictly_increasing", [x]):
        later, earlier = _flat_diffs(x, name, "is_strictly_increasing")
        return math_ops.reduce_all(math_ops.greater(later, earlier))


def saturate_cast(value: Any, dtype: Any, name: Optional[str] = None) -> Tensor:
    """`tf.dtypes.saturate_cast`: casts `value` to `dtype`, clamping to the target's range
    first (so 300.0 -> uint8 is 255, not 44)."""
    import numpy as np
    with name_scope(name, "saturate_cast", [value]) as scope:
        value = convert_to_tensor(value, name="value")
        dtype = dtypes.as_dtype(dtype)
        src, dst = value.dtype, dtype
        if (src.is_integer or src.is_floating) and (dst.is_integer or dst.is_floating):
            info = lambda d: np.iinfo(d.as_numpy_dtype) if d.is_integer else \
                np.finfo(d.as_numpy_dtype)  # noqa: E731
            lo, hi = max(float(info(src).min), float(info(dst).min)), \
                min(float(info(src).max), float(info(dst).max))
            if lo > float(info(src).min):
                value = math_ops.maximum(value, convert_to_tensor(lo, dtype=src))
            if hi < float(info(src).max):
                # the largest source value not above `hi` (int64 max is not a float32)
                top = np.array(hi, dtype=src.as_numpy_dtype)
                if float(top) > hi:
                    top = np.nextafter(top, src.as_numpy_dtype(0))
                value = math_ops.minimum(value, convert_to_tensor(top, dtype=src))
        return math_ops.cast(value, dtype, name=scope)


def get_log_device_placement() -> bool:
    """`tf.debugging.get_log_device_placement`: TF2's eager switch, always False here (in a
    graph, `tf.ConfigProto(log_device_placement=True)` logs placements)."""
    return False


def is_traceback_filtering_enabled() -> bool:
    """`tf.debugging.is_traceback_filtering_enabled`: False; tfgraph shows whole tracebacks."""
    return False


def disable_traceback_filtering() -> None:
    """`tf.debugging.disable_traceback_filtering`: accepted (tfgraph never filters)."""


__all__ += ["is_non_decreasing", "is_strictly_increasing", "saturate_cast"]
