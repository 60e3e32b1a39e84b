"""The global step: `tf.train.get_or_create_global_step`, `get_global_step`,
`create_global_step`, `global_step`.

The global step is the int64 scalar variable "global_step" in the `GLOBAL_STEP` and
`GLOBAL_VARIABLES` collections (not trainable); `Optimizer.apply_gradients(...,
global_step=gs)` increments it once per training step.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from ..framework import dtypes
from ..framework.graph import Graph, Tensor, get_default_graph
from ..framework.graph_keys import GraphKeys
from ..ops import init_ops, variable_scope
from ..ops.variables import Variable

_log = logging.getLogger(__name__)


def global_step(sess: Any, global_step_tensor: Any) -> int:
    """The value of the global step in `sess`, as a Python int.

    Args:
      sess: A `tf.Session`.
      global_step_tensor: The global step `Variable` or tensor (or its name).

    Returns:
      The global step value.
    """
    return int(sess.run(global_step_tensor))


def assert_global_step(global_step_tensor: Any) -> None:
    """Checks that `global_step_tensor` can be a global step (an integer scalar).

    Raises:
      TypeError: If it is not a Variable/Tensor, not integer, or not a scalar.
    """
    if not isinstance(global_step_tensor, (Variable, Tensor)):
        raise TypeError(f'Existing "global_step" must be a Variable or Tensor: '
                        f'{global_step_tensor}.')
    if not global_step_tensor.dtype.base_dtype.is_integer:
        raise TypeError(f'Existing "global_step" does not have integer type: '
                        f'{global_step_tensor.dtype}')
    shape = global_step_tensor.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError(f'Existing "global_step" is not scalar: {shape}')


def get_global_step(graph: Optional[Graph] = None) -> Optional[Any]:
    """The global step of `graph` (default graph), or None.

    Looks in the `GLOBAL_STEP` collection, then for a tensor named "global_step:0".

    Raises:
      TypeError: If the found global step is not an integer scalar.
    """
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) == 1:
        gs = found[0]
    elif not found:
        try:
            gs = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    else:
        _log.error("Multiple tensors in global_step collection.")
        return None
    assert_global_step(gs)
    return gs


def create_global_step(graph: Optional[Graph] = None) -> Variable:
    """Creates the global step variable "global_step" (int64 scalar, initialized to 0).

    Args:
      graph: The graph (default: the default graph).

    Returns:
      The global step `Variable`.

    Raises:
      ValueError: If a global step exists already.
    """
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    collections = [GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP]
    with graph.as_default(), graph.name_scope(None), graph.control_dependencies(None):
        # TF1 makes it with get_variable, so the variable store knows it.
        return variable_scope.get_variable(
            GraphKeys.GLOBAL_STEP, shape=[], dtype=dtypes.int64,
            initializer=init_ops.zeros_initializer(), trainable=False, collections=collections)


def get_or_create_global_step(graph: Optional[Graph] = None) -> Any:
    """The global step of `graph` (default graph), created if there is none.

    Returns:
      The global step `Variable` (or tensor, if one was registered by hand).
    """
    graph = graph or get_default_graph()
    gs = get_global_step(graph)
    if gs is None:
        gs = create_global_step(graph)
    return gs


__all__ = ["global_step", "assert_global_step", "get_global_step", "create_global_step",
           "get_or_create_global_step"]
