"""`tf.nn.raw_rnn`: an RNN whose every step's input, state and emitted output come from a
user `loop_fn`, as TF1 builds it: one `tf.while_loop` that stops when every batch entry has
finished, emitting into dynamically sized `TensorArray`s; finished entries keep their state
and emit zeros.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..framework import dtypes
from ..framework.ops import convert_to_tensor
from ..framework.tensor_shape import TensorShape
from ..ops import array_ops, math_ops
from ..ops.tensor_array_ops import TensorArray
from ..ops.variable_scope import variable_scope
from ..ops.while_v1 import while_loop
from ..util import nest
from ._rnn import _build_only


def _size_shape(size: Any) -> Any:
    """A static size (int, list, TensorShape) or a 1-D size tensor -> its dims list / tensor."""
    if isinstance(size, TensorShape):
        return size.as_list()
    if isinstance(size, int):
        return [size]
    if isinstance(size, (list, tuple)):
        return list(size)
    return size


def raw_rnn(cell: Any, loop_fn: Callable, parallel_iterations: Optional[int] = None,
            swap_memory: bool = False, scope: Any = None):
    """Runs `cell` under the control of `loop_fn` (`tf.nn.raw_rnn`).

    `loop_fn(time, cell_output, cell_state, loop_state)` returns `(finished, next_input,
    next_cell_state, emit_output, next_loop_state)`; it is called once with
    `cell_output=cell_state=loop_state=None` at time 0 (its `next_cell_state` is the initial
    state and its `emit_output`, if not None, the structure of what is emitted), then after
    every cell step.  The loop ends when every entry of `finished` is True.

    Args:
      cell: An RNNCell.
      loop_fn: The callable above.
      parallel_iterations, swap_memory: Accepted (the loop runs iterations in order).
      scope: Variable scope (default "rnn").

    Returns:
      `(emit_ta, final_state, final_loop_state)`: TensorArray(s) of the emitted outputs
      ([time, batch, ...] when stacked), the final cell state, and the final loop state
      (None if `loop_fn` never gave one).

    Raises:
      TypeError: If `loop_fn` is not callable.
      ValueError: If the batch sizes of the inputs disagree.
    """
    if not callable(loop_fn):
        raise TypeError("loop_fn must be a callable")
    with variable_scope(scope or "rnn"):
        time = convert_to_tensor(0, dtype=dtypes.int32, name="time")
        finished, next_input, initial_state, emit_structure, init_loop_state = loop_fn(
            time=time, cell_output=None, cell_state=None, loop_state=None)
        loop_state = init_loop_state if init_loop_state is not None else \
            convert_to_tensor(0, dtype=dtypes.int32)
        flat_input = [convert_to_tensor(x) for x in nest.flatten(next_input)]
        next_input = nest.pack_sequence_as(next_input, flat_input)
        static_batch = None
        for x in flat_input:
            b = x.shape.as_list()[0] if x.shape.ndims else None
            if b is not None and static_batch is not None and b != static_batch:
                raise ValueError(f"raw_rnn: the inputs' batch sizes differ: {static_batch} vs "
                                 f"{b}")
            static_batch = static_batch if b is None else b
        batch = static_batch if static_batch is not None else array_ops.shape(flat_input[0])[0]
        nest.assert_same_structure(initial_state, cell.state_size)
        flat_state = [convert_to_tensor(s) for s in nest.flatten(initial_state)]
        state = nest.pack_sequence_as(initial_state, flat_state)
        if emit_structure is not None:
            flat_emit = nest.flatten(emit_structure)
            flat_size = [e.shape.as_list() if e.shape.is_fully_defined() else array_ops.shape(e)
                         for e in flat_emit]
            flat_dtypes = [e.dtype for e in flat_emit]
        else:
            emit_structure = cell.output_size
            flat_size = [_size_shape(s) for s in nest.flatten(emit_structure)]
            flat_dtypes = [flat_state[0].dtype] * len(flat_size)

        def zeros_of(size, dtype):
            if isinstance(size, list):
                return array_ops.zeros([batch] + size if isinstance(batch, int) else
                                       array_ops.stack([batch] + size), dtype)
            return array_ops.zeros(array_ops.concat([[batch], size], 0), dtype)
        flat_zero = [zeros_of(s, d) for s, d in zip(flat_size, flat_dtypes)]
        flat_ta = [TensorArray(d, size=0, dynamic_size=True, tensor_array_name=f"rnn_output_{i}")
                   for i, d in enumerate(flat_dtypes)]
        if not cell.built:
            _build_only(cell, flat_input[0] if len(flat_input) == 1 else next_input, state)
        flat_loop = nest.flatten(loop_state)
        n_in, n_ta, n_st = len(flat_input), len(flat_ta), len(flat_state)

        def cond(t, done, *rest):
            return math_ops.logical_not(math_ops.reduce_all(done))

        def body(t, done, *rest):
            cur_in = nest.pack_sequence_as(next_input, list(rest[:n_in]))
            tas = list(rest[n_in:n_in + n_ta])
            cur_state = nest.pack_sequence_as(state, list(rest[n_in + n_ta:n_in + n_ta + n_st]))
            cur_loop = nest.pack_sequence_as(loop_state, list(rest[n_in + n_ta + n_st:]))
            output, cell_state = cell(cur_in, cur_state)
            nest.assert_same_structure(cur_state, cell_state)
            t1 = t + 1
            fin, nxt_in, nxt_state, emit, nxt_loop = loop_fn(t1, output, cell_state, cur_loop)
            nest.assert_same_structure(cur_state, nxt_state)
            nest.assert_same_structure(cur_in, nxt_in)
            if nxt_loop is None:
                nxt_loop = cur_loop
            if emit is None:
                emit = output

            def keep(cur, cand):  # finished entries keep `cur`
                cand = convert_to_tensor(cand)
                if cand.shape.ndims == 0:
                    return cand
                return array_ops.where(done, cur, cand)
            flat_e = [keep(z, e) for z, e in zip(flat_zero, nest.flatten(emit))]
            flat_s = [keep(c, n) for c, n in zip(nest.flatten(cur_state),
                                                 nest.flatten(nxt_state))]
            tas = [ta.write(t, e) for ta, e in zip(tas, flat_e)]
            done = math_ops.logical_or(done, fin)
            return ((t1, done) + tuple(convert_to_tensor(x) for x in nest.flatten(nxt_in)) +
                    tuple(tas) + tuple(flat_s) + tuple(nest.flatten(nxt_loop)))

        results = while_loop(cond, body,
                             (time, convert_to_tensor(finished)) + tuple(flat_input) +
                             tuple(flat_ta) + tuple(flat_state) + tuple(flat_loop),
                             parallel_iterations=parallel_iterations or 32,
                             swap_memory=swap_memory)
        rest = list(results[2:])
        emit_ta = nest.pack_sequence_as(emit_structure, rest[n_in:n_in + n_ta])
        final_state = nest.pack_sequence_as(state, rest[n_in + n_ta:n_in + n_ta + n_st])
        final_loop = nest.pack_sequence_as(loop_state, rest[n_in + n_ta + n_st:])
        return emit_ta, final_state, (final_loop if init_loop_state is not None else None)
