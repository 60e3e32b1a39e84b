"""`tf.train.Optimizer`: the base class of the optimizers, and its slot variables.

`minimize(loss)` = `compute_gradients` (a `tf.gradients` subgraph) + `apply_gradients` (one
update op per variable under `<name>/update_<var>/`, grouped by the NoOp `<name>`), with TF1's
naming: slots are variables "W/Momentum", "W/Adam", "W/Adam_1", ...; hyperparameters become
constants in the optimizer's name scope ("GradientDescent/learning_rate").
"""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.constant import constant, convert_to_tensor, graph_of, name_scope
from ..framework.graph import Graph, Operation, Tensor, get_default_graph
from ..framework.indexed_slices import IndexedSlices
from ..framework.graph_keys import GraphKeys
from ..framework.tensor_shape import TensorShape
from ..ops import array_ops, state_ops
from ..ops.variables import Variable
from ..util import nest


def _var_key(var: Any) -> Tuple[Graph, str]:
    """The key of a variable in the slot tables (one entry per graph and variable name)."""
    return (var.op.graph, var.op.name)


def _cast(t: Tensor, dtype: dtypes.DType) -> Tensor:
    """`tf.cast` that adds no op when `t` already has `dtype` (as TF1's `math_ops.cast`)."""
    t = convert_to_tensor(t)
    if t.dtype.base_dtype == dtype.base_dtype:
        return t
    from ..ops import math_ops
    return math_ops.cast(t, dtype)


@contextlib.contextmanager
def _colocated_with(graph: Graph, var: Any) -> Iterator[None]:
    """Places the ops built inside on `var`'s device (TF1 colocates updates and slots)."""
    with graph.device(None):
        if var.device:
            with graph.device(var.device):
                yield
        else:
            yield


def _filled(value: float, shape: TensorShape, dtype: dtypes.DType, name: str) -> Tensor:
    """`tf.zeros`/`tf.ones`/constant fill of a static shape, named as TF1's initializers.

    Small values are one constant (TF1's `_constant_if_small`); big ones a `Fill` of a scalar,
    so the graph does not hold a large array.
    """
    dims = shape.as_list()
    with name_scope(None, name) as scope:
        if int(np.prod(dims, dtype=np.int64)) < 1000:
            return constant(value, dtype=dtype, shape=dims, name=scope)
        from ..ops import array_ops
        dims_t = constant(dims, dtype=dtypes.int32, name="shape_as_tensor")
        return array_ops.fill(dims_t, constant(value, dtype=dtype, name="Const"), name=scope)


def _variable_scope_prefix() -> str:
    """The current variable scope name + "/" (TF1 builds slots inside a variable scope)."""
    from ..ops import variable_scope
    scope = variable_scope.get_variable_scope().name
    return scope + "/" if scope else ""


def _create_slot_var(primary: Variable, initial_value: Any, op_name: str,
                     dtype: dtypes.DType) -> Variable:
    """A non-trainable variable named "<primary>/<op_name>" (uniquified), next to `primary`,
    initialized from `initial_value` (a tensor, or a callable returning one).

    As TF1's slot_creator, the name ignores name scopes but not the variable scope: a slot made
    inside `variable_scope("s")` for "s/W" is "s/s/W/Adam" (a known TF1 wart, kept for
    checkpoint compatibility).
    """
    graph = primary.op.graph
    full = _variable_scope_prefix() + primary.op.name + "/" + op_name
    with graph.as_default(), graph.name_scope(None), _colocated_with(graph, primary):
        return Variable(initial_value, trainable=False, name=full, dtype=dtype,
                        collections=[GraphKeys.GLOBAL_VARIABLES],
                        validate_shape=primary.shape.is_fully_defined(),
                        shape=None if primary.shape.is_fully_defined() else primary.shape)


class Optimizer:
    """Base class of the optimizers (`tf.train.Optimizer`).

    Subclasses implement `_create_slots(var_list)`, `_prepare()` (hyperparameters as tensors),
    `_apply_dense(grad, var)` (one update op), `_apply_sparse(grad, var)` (an `IndexedSlices`
    gradient with unique indices: TF1's `SparseApply*`/`Scatter*` updates touching only its
    rows) and optionally `_finish(update_ops, name_scope)`.

    Args:
      use_locking: Passed to the update ops (accepted; a session runs one plan at a time).
      name: The optimizer's name: the name scope of its ops and the suffix of its slots.

    Raises:
      ValueError: If `name` is empty.
    """

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking: bool, name: str):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        # slot name -> {(graph, var name): slot Variable}
        self._slots: Dict[str, Dict[Tuple[Graph, str], Variable]] = {}
        # (name, graph) -> Variable, e.g. Adam's beta powers
        self._non_slot_dict: Dict[Tuple[str, Optional[Graph]], Variable] = {}

    def get_name(self) -> str:
        return self._name

    # --- the public steps --------------------------------------------------------------------
    def minimize(self, loss: Tensor, global_step: Any = None, var_list: Any = None,
                 gate_gradients: int = GATE_OP, aggregation_method: Any = None,
                 colocate_gradients_with_ops: bool = False, name: Optional[str] = None,
                 grad_loss: Any = None) -> Operation:
        """Adds ops that update `var_list` to minimize `loss` (`compute_gradients` +
        `apply_gradients`).

        Args:
          loss: A float `Tensor` to minimize.
          global_step: Optional integer `Variable` incremented by one after the update.
          var_list: Variables to update (default: the trainable variables).
          gate_gradients: `GATE_NONE`, `GATE_OP` or `GATE_GRAPH`.
          aggregation_method, colocate_gradients_with_ops: Passed to `tf.gradients`.
          name: Name of the returned op (default: the optimizer's name).
          grad_loss: Optional gradient seed for `loss`.

        Returns:
          The training `Operation` (it also increments `global_step` when given).

        Raises:
          ValueError: If there is nothing to optimize or no variable gets a gradient.
        """
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        vars_with_grad = [v for g, v in grads_and_vars if g is not None]
        if not vars_with_grad:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                f"support gradients, between variables {[str(v) for _, v in grads_and_vars]} "
                f"and loss {loss}.")
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss: Tensor, var_list: Any = None,
                          gate_gradients: int = GATE_OP, aggregation_method: Any = None,
                          colocate_gradients_with_ops: bool = False,
                          grad_loss: Any = None) -> List[Tuple[Optional[Tensor], Any]]:
        """The gradients of `loss` for the variables in `var_list`.

        Args:
          loss: A float `Tensor`.
          var_list: Variables (or a nesting of lists/dicts of them); default: the
            `TRAINABLE_VARIABLES` and `TRAINABLE_RESOURCE_VARIABLES` collections.
          gate_gradients: `GATE_NONE`, `GATE_OP` or `GATE_GRAPH` (`GATE_GRAPH` makes every
            gradient available only once all are computed).
          aggregation_method, colocate_gradients_with_ops: Passed to `tf.gradients`.
          grad_loss: Optional gradient seed for `loss`.

        Returns:
          A list of `(gradient, variable)` pairs; the gradient is None for a variable that
          `loss` does not depend on.

        Raises:
          ValueError: If `gate_gradients` is invalid, `loss` is not floating-point, or there
            are no variables.
          NotImplementedError: If `var_list` holds something other than variables/tensors.
        """
        from ..gradients import gradients as _tf_gradients
        if callable(loss) and not isinstance(loss, (Tensor, Variable)):
            raise RuntimeError("`loss` passed to Optimizer.compute_gradients should be a "
                               "Tensor in graph mode, not a callable.")
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             f"Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not {gate_gradients}")
        loss = convert_to_tensor(loss)
        self._assert_valid_dtypes([loss])
        if grad_loss is not None:
            grad_loss = convert_to_tensor(grad_loss)
            self._assert_valid_dtypes([grad_loss])
        if var_list is None:
            graph = get_default_graph()
            var_list = (graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
                        + graph.get_collection(GraphKeys.TRAINABLE_RESOURCE_VARIABLES))
        else:
            var_list = nest.flatten(var_list)
        for v in var_list:
            if not isinstance(v, (Variable, Tensor)):
                raise NotImplementedError(f"Trying to optimize unsupported type {v!r}")
        if not var_list:
            raise ValueError("No variables to optimize.")
        targets = [v._ref() if isinstance(v, Variable) else v for v in var_list]
        grads = _tf_gradients(
            loss, targets, grad_ys=grad_loss,
            gate_gradients=(gate_gradients == Optimizer.GATE_OP),
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gate_gradients == Optimizer.GATE_GRAPH:
            from ..ops.control_flow_ops import tuple_
            grads = tuple_(grads)
        grads_and_vars = list(zip(grads, var_list))
        self._assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars: Sequence[Tuple[Any, Any]], global_step: Any = None,
                        name: Optional[str] = None) -> Operation:
        """Adds the update ops that apply `grads_and_vars`.

        Args:
          grads_and_vars: `(gradient, variable)` pairs, as from `compute_gradients`; pairs
            with a None gradient are skipped.
          global_step: Optional integer `Variable`, incremented by one after the updates.
          name: Name of the returned op (default: the optimizer's name).

        Returns:
          The training `Operation`: a NoOp grouping the updates, or, with `global_step`, the
          `AssignAdd` that increments it after them.

        Raises:
          TypeError: If a gradient is not convertible to a Tensor.
          ValueError: If `grads_and_vars` is empty or every gradient is None.
          NotImplementedError: If a "variable" is not a `tf.Variable`.
        """
        grads_and_vars = tuple(grads_and_vars)  # may be a generator: iterated several times
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = []
        for g, v in grads_and_vars:
            if g is not None and not isinstance(g, IndexedSlices):
                try:
                    g = convert_to_tensor(g)
                except TypeError:
                    raise TypeError("Gradient must be convertible to a Tensor or IndexedSlices, "
                                    f"or None: {g}") from None
            if not isinstance(v, (Variable, Tensor)):
                raise NotImplementedError(f"Trying to optimize unsupported type {v!r}")
            converted.append((g, v))
        var_list = [v for g, v in converted if g is not None]
        if not var_list:
            raise ValueError(
                f"No gradients provided for any variable: {[str(v) for _, v in converted]}.")
        for v in var_list:
            if not isinstance(v, Variable):
                raise NotImplementedError(f"Trying to update a Tensor {v!r}")
        graph = graph_of([v._ref() for v in var_list])
        with graph.as_default():
            # TF1's init_scope: slots are built outside any control-dependency context.
            with graph.control_dependencies(None):
                self._create_slots(var_list)
            update_ops = []
            with name_scope(name, self._name) as scope:
                self._prepare()
                for grad, var in converted:
                    if grad is None:
                        continue
                    with name_scope("update_" + var.op.name), _colocated_with(graph, var):
                        update_ops.append(self._update_op(grad, var))
                if global_step is None:
                    apply_updates = self._finish(update_ops, scope)
                else:
                    with graph.control_dependencies([self._finish(update_ops, "update")]):
                        with _colocated_with(graph, global_step):
                            apply_updates = state_ops.assign_add(global_step, 1, name=scope)
            if isinstance(apply_updates, Tensor):
                apply_updates = apply_updates.op
            train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if apply_updates not in train_ops:
                train_ops.append(apply_updates)
        return apply_updates

    def _update_op(self, grad: Any, var: Variable) -> Any:
        if isinstance(grad, IndexedSlices):
            update_op = self._apply_sparse_duplicate_indices(grad, var)
        else:
            update_op = self._apply_dense(grad, var)
        if var.constraint is not None:
            with var.graph.control_dependencies([update_op]):
                return var.assign(var.constraint(var))
        return update_op

    # --- slots -------------------------------------------------------------------------------
    def get_slot(self, var: Any, name: str) -> Optional[Variable]:
        """The slot variable `name` ("m", "momentum", ...) made for `var`, or None."""
        named_slots = self._slots.get(name)
        if not named_slots:
            return None
        return named_slots.get(_var_key(var))

    def get_slot_names(self) -> List[str]:
        """The names of the slots this optimizer creates, sorted."""
        return sorted(self._slots)

    def variables(self) -> List[Variable]:
        """The optimizer's variables in the default graph (slots and non-slot), by name."""
        current = get_default_graph()
        out = [v for v in self._non_slot_dict.values() if v.op.graph is current]
        for slots in self._slots.values():
            out.extend(v for v in slots.values() if v.op.graph is current)
        return sorted(out, key=lambda v: v.name)

    def _slot_dict(self, slot_name: str) -> Dict[Tuple[Graph, str], Variable]:
        return self._slots.setdefault(slot_name, {})

    def _get_or_make_slot(self, var: Variable, val: Any, slot_name: str, op_name: str) -> Variable:
        """A slot for `var` initialized to the tensor `val`, created on first use."""
        named_slots = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named_slots:
            val = convert_to_tensor(val)
            named_slots[key] = _create_slot_var(var, val, op_name, val.dtype)
        return named_slots[key]

    def _get_or_make_slot_with_initializer(self, var: Variable, initializer: Any, shape: Any,
                                           dtype: Any, slot_name: str, op_name: str) -> Variable:
        """A slot for `var` initialized by `initializer(shape, dtype=dtype)` (a TF1 initializer
        or any callable), created on first use."""
        named_slots = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named_slots:
            dtype = dtypes.as_dtype(dtype)
            shape = TensorShape(shape) if not isinstance(shape, TensorShape) else shape
            named_slots[key] = _create_slot_var(
                var, lambda: initializer(shape.as_list(), dtype=dtype), op_name, dtype)
        return named_slots[key]

    def _filled_slot(self, var: Variable, value: float, slot_name: str, op_name: str,
                     initializer_name: str = "zeros") -> Variable:
        """A slot shaped like `var` holding `value` everywhere, created on first use."""
        named_slots = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named_slots:
            dtype = var.dtype.base_dtype
            if var.shape.is_fully_defined():
                make = lambda: _filled(value, var.shape, dtype, initializer_name)  # noqa: E731
            else:
                def make():
                    from ..ops import array_ops
                    return array_ops.fill(array_ops.shape(var.initialized_value()),
                                          constant(value, dtype=dtype), name=initializer_name)
            named_slots[key] = _create_slot_var(var, make, op_name, dtype)
        return named_slots[key]

    def _zeros_slot(self, var: Variable, slot_name: str, op_name: str) -> Variable:
        """A slot of zeros shaped like `var` ("W/<op_name>"), created on first use."""
        return self._filled_slot(var, 0, slot_name, op_name, "zeros")

    def _create_non_slot_variable(self, initial_value: Any, name: str,
                                  colocate_with: Variable) -> Variable:
        """A variable of the optimizer not tied to one variable (e.g. Adam's "beta1_power"),
        created once per graph on `colocate_with`'s device, in the current name scope."""
        graph = colocate_with.op.graph
        key = (name, graph)
        v = self._non_slot_dict.get(key)
        if v is None:
            with graph.as_default(), _colocated_with(graph, colocate_with):
                v = Variable(initial_value, name=name, trainable=False)
            self._non_slot_dict[key] = v
        return v

    def _get_non_slot_variable(self, name: str,
                               graph: Optional[Graph] = None) -> Optional[Variable]:
        return self._non_slot_dict.get((name, graph))

    def _non_slot_variables(self) -> List[Variable]:
        return list(self._non_slot_dict.values())

    # --- for subclasses ----------------------------------------------------------------------
    def _create_slots(self, var_list: List[Variable]) -> None:
        """Creates the slots of every variable in `var_list` (default: none)."""

    def _prepare(self) -> None:
        """Converts the hyperparameters to tensors, inside the optimizer's name scope."""

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        """Returns the op that applies `grad` to `var`."""
        raise NotImplementedError()

    def _apply_sparse_duplicate_indices(self, grad: IndexedSlices, var: Variable) -> Any:
        """Applies sparse `grad` to `var`: its rows with the same index summed first (TF1's
        `_deduplicate_indexed_slices`), then `_apply_sparse`."""
        unique_indices, new_index_positions = array_ops.unique(grad.indices)
        summed_values = array_ops.unsorted_segment_sum(
            grad.values, new_index_positions, array_ops.shape(unique_indices)[0])
        return self._apply_sparse(IndexedSlices(summed_values, unique_indices, grad.dense_shape),
                                  var)

    def _apply_sparse(self, grad: IndexedSlices, var: Variable) -> Any:
        """Returns the op that applies the sparse `grad` (unique indices) to `var`.

        TF1's base class raises NotImplementedError; here an optimizer without a sparse
        update applies the densified gradient instead.
        """
        return self._apply_dense(convert_to_tensor(grad), var)

    def _finish(self, update_ops: List[Any], name_scope: str) -> Operation:
        """The op that runs after every update (default: a group named `name_scope`)."""
        from ..ops.control_flow_ops import group
        return group(*update_ops, name=name_scope)

    @staticmethod
    def _call_if_callable(param: Any) -> Any:
        return param() if callable(param) else param

    def _valid_dtypes(self) -> set:
        return {dtypes.float16, dtypes.float32, dtypes.float64}

    def _assert_valid_dtypes(self, tensors: Sequence[Any]) -> None:
        """Raises ValueError if a tensor or variable is not of a float type."""
        valid = self._valid_dtypes()
        for t in tensors:
            dtype = t.dtype.base_dtype
            if dtype not in valid:
                raise ValueError(f"Invalid type {dtype!r} for {t.name}, expected: "
                                 f"{sorted(d.name for d in valid)}.")


__all__ = ["Optimizer"]
