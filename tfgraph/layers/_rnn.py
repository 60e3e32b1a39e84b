"""Recurrent networks: `tf.nn.rnn_cell` (`RNNCell`, `BasicRNNCell`, `BasicLSTMCell`,
`LSTMCell` with peepholes / `num_proj` / `cell_clip`, `GRUCell`, `MultiRNNCell`,
`DropoutWrapper`, `ResidualWrapper`, `LSTMStateTuple`), `tf.nn.static_rnn` and
`tf.nn.dynamic_rnn` (a `tf.while_loop` over a `TensorArray`, as TF1 builds it).

Cells are layers: the first call creates the variables in the cell's variable scope inside
the caller's ("rnn/lstm_cell/kernel" [input_depth + units, 4 * units], "rnn/lstm_cell/bias"),
later calls reuse them, so TF1 checkpoints of these cells restore. Gate order and equations
are TF1's (i, j, f, o for LSTMs with `forget_bias` added to f; r, u then the candidate for GRUs).
"""
from __future__ import annotations

import collections
from typing import Any, Callable, List, Optional, Sequence

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, name_scope
from ..ops import array_ops, init_ops, math_ops, nn_ops
from ..ops.clip_ops import clip_by_value
from ..ops.tensor_array_ops import TensorArray
from ..ops.variable_scope import variable_scope
from ..ops.while_v1 import while_loop
from ._base import Layer, _activation


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """`(c, h)`: the cell state and the output of an LSTM cell."""

    __slots__ = ()

    @property
    def dtype(self):
        return self.c.dtype


def _flatten(state: Any) -> List[Any]:
    if isinstance(state, (tuple, list)):
        out = []
        for s in state:
            out.extend(_flatten(s))
        return out
    return [state]


def _pack_like(structure: Any, flat: List[Any]) -> Any:
    it = iter(flat)

    def build(s):
        if isinstance(s, LSTMStateTuple):
            return LSTMStateTuple(build(s.c), build(s.h))
        if isinstance(s, (tuple, list)):
            return type(s)(build(x) for x in s)
        return next(it)
    return build(structure)


class RNNCell(Layer):
    """Base class of the cells (`tf.nn.rnn_cell.RNNCell`): `output, new_state =
    cell(inputs, state)`; subclasses define `state_size`, `output_size`, `build`, `call`."""

    @property
    def state_size(self) -> Any:
        raise NotImplementedError

    @property
    def output_size(self) -> Any:
        raise NotImplementedError

    def __call__(self, inputs: Any, state: Any, scope: Any = None, **kwargs):
        if scope is not None and self._scope is None and self._name is None:
            self._name = scope if isinstance(scope, str) else None
        return super().__call__(inputs, state, **kwargs)

    def _build_and_call(self, inputs: Tensor, *args, **kwargs):
        if not self.built:
            self.build(inputs.shape)
            self.built = True
        return self.call(inputs, *args, **kwargs)

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        """The all-zero state for `batch_size` rows (a tensor, or nested tuples of them)."""
        with name_scope(None, type(self).__name__ + "ZeroState", [batch_size]):
            def zeros(size):
                if isinstance(size, LSTMStateTuple):
                    return LSTMStateTuple(zeros(size.c), zeros(size.h))
                if isinstance(size, (tuple, list)):
                    return type(size)(zeros(s) for s in size)
                return array_ops.zeros(array_ops.stack([batch_size, int(size)]) if isinstance(
                    batch_size, Tensor) else [batch_size, int(size)], dtypes.as_dtype(dtype))
            return zeros(self.state_size)

    def get_initial_state(self, inputs: Any = None, batch_size: Any = None, dtype: Any = None):
        if inputs is not None:
            inputs = convert_to_tensor(inputs)
            batch_size = array_ops.shape(inputs)[0]
            dtype = dtype or inputs.dtype
        return self.zero_state(batch_size, dtype)

    def _input_depth(self, input_shape) -> int:
        d = input_shape.with_rank(2).as_list()[1] if input_shape.ndims is not None else None
        if d is None:
            raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {input_shape}")
        return d


class BasicRNNCell(RNNCell):
    """`output = new_state = activation(W [inputs, state] + b)`
    (`tf.nn.rnn_cell.BasicRNNCell`)."""

    _base_name = "basic_rnn_cell"

    def __init__(self, num_units: int, activation: Any = None, reuse: Any = None,
                 name: Optional[str] = None, dtype: Any = None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = int(num_units)
        self._act = _activation(activation) or nn_ops.tanh

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape) -> None:
        d = self._input_depth(input_shape)
        self._kernel = self.add_weight("kernel", [d + self._num_units, self._num_units])
        self._bias = self.add_weight("bias", [self._num_units],
                                     initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs: Tensor, state: Tensor):
        out = self._act(nn_ops.bias_add(math_ops.matmul(array_ops.concat([inputs, state], 1),
                                                        self._kernel), self._bias))
        return out, out


class BasicLSTMCell(RNNCell):
    """The basic LSTM (`tf.nn.rnn_cell.BasicLSTMCell`): `c' = c * sigmoid(f + forget_bias) +
    sigmoid(i) * tanh(j)`, `h' = tanh(c') * sigmoid(o)`; state `LSTMStateTuple(c, h)`."""

    _base_name = "basic_lstm_cell"

    def __init__(self, num_units: int, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation: Any = None, reuse: Any = None, name: Optional[str] = None,
                 dtype: Any = None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        if not state_is_tuple:
            raise NotImplementedError("state_is_tuple=False (concatenated LSTM states) is not "
                                      "offered by tfgraph; use the default LSTMStateTuple")
        self._num_units = int(num_units)
        self._forget_bias = float(forget_bias)
        self._act = _activation(activation) or nn_ops.tanh

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape) -> None:
        d = self._input_depth(input_shape)
        self._kernel = self.add_weight("kernel", [d + self._num_units, 4 * self._num_units])
        self._bias = self.add_weight("bias", [4 * self._num_units],
                                     initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs: Tensor, state: Any):
        c, h = state
        gates = nn_ops.bias_add(math_ops.matmul(array_ops.concat([inputs, h], 1), self._kernel),
                                self._bias)
        i, j, f, o = array_ops.split(gates, 4, axis=1)
        fb = convert_to_tensor(self._forget_bias, dtype=f.dtype)
        new_c = math_ops.add(math_ops.multiply(c, nn_ops.sigmoid(math_ops.add(f, fb))),
                             math_ops.multiply(nn_ops.sigmoid(i), self._act(j)))
        new_h = math_ops.multiply(self._act(new_c), nn_ops.sigmoid(o))
        return new_h, LSTMStateTuple(new_c, new_h)


class LSTMCell(RNNCell):
    """The LSTM with optional peepholes, cell clipping and output projection
    (`tf.nn.rnn_cell.LSTMCell`); variables "kernel", "bias", peepholes "w_f_diag",
    "w_i_diag", "w_o_diag", projection "projection/kernel"."""

    _base_name = "lstm_cell"

    def __init__(self, num_units: int, use_peepholes: bool = False, cell_clip: Any = None,
                 initializer: Any = None, num_proj: Optional[int] = None,
                 proj_clip: Any = None, num_unit_shards: Any = None, num_proj_shards: Any = None,
                 forget_bias: float = 1.0, state_is_tuple: bool = True, activation: Any = None,
                 reuse: Any = None, name: Optional[str] = None, dtype: Any = None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        if not state_is_tuple:
            raise NotImplementedError("state_is_tuple=False (concatenated LSTM states) is not "
                                      "offered by tfgraph; use the default LSTMStateTuple")
        if num_unit_shards is not None or num_proj_shards is not None:
            raise NotImplementedError("LSTMCell num_unit_shards/num_proj_shards (partitioned "
                                      "variables) are not offered by tfgraph")
        self._num_units = int(num_units)
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = float(forget_bias)
        self._act = _activation(activation) or nn_ops.tanh

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_proj or self._num_units)

    @property
    def output_size(self) -> int:
        return self._num_proj or self._num_units

    def build(self, input_shape) -> None:
        d = self._input_depth(input_shape)
        h = self._num_proj or self._num_units
        self._kernel = self.add_weight("kernel", [d + h, 4 * self._num_units],
                                       initializer=self._initializer)
        self._bias = self.add_weight("bias", [4 * self._num_units],
                                     initializer=init_ops.zeros_initializer())
        if self._use_peepholes:
            self._w_f = self.add_weight("w_f_diag", [self._num_units],
                                        initializer=self._initializer)
            self._w_i = self.add_weight("w_i_diag", [self._num_units],
                                        initializer=self._initializer)
            self._w_o = self.add_weight("w_o_diag", [self._num_units],
                                        initializer=self._initializer)
        if self._num_proj is not None:
            self._proj = self.add_weight("projection/kernel", [self._num_units, self._num_proj],
                                         initializer=self._initializer)
        self.built = True

    def call(self, inputs: Tensor, state: Any):
        c_prev, m_prev = state
        gates = nn_ops.bias_add(math_ops.matmul(array_ops.concat([inputs, m_prev], 1),
                                                self._kernel), self._bias)
        i, j, f, o = array_ops.split(gates, 4, axis=1)
        fb = convert_to_tensor(self._forget_bias, dtype=f.dtype)
        sig = nn_ops.sigmoid
        if self._use_peepholes:
            c = math_ops.add(
                math_ops.multiply(sig(math_ops.add(math_ops.add(f, fb),
                                                   math_ops.multiply(self._w_f, c_prev))),
                                  c_prev),
                math_ops.multiply(sig(math_ops.add(i, math_ops.multiply(self._w_i, c_prev))),
                                  self._act(j)))
        else:
            c = math_ops.add(math_ops.multiply(sig(math_ops.add(f, fb)), c_prev),
                             math_ops.multiply(sig(i), self._act(j)))
        if self._cell_clip is not None:
            c = clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = math_ops.multiply(sig(math_ops.add(o, math_ops.multiply(self._w_o, c))),
                                  self._act(c))
        else:
            m = math_ops.multiply(sig(o), self._act(c))
        if self._num_proj is not None:
            m = math_ops.matmul(m, self._proj)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, LSTMStateTuple(c, m)


class GRUCell(RNNCell):
    """Gated recurrent unit (`tf.nn.rnn_cell.GRUCell`): variables "gates/kernel",
    "gates/bias" (initialized to 1), "candidate/kernel", "candidate/bias"."""

    _base_name = "gru_cell"

    def __init__(self, num_units: int, activation: Any = None, reuse: Any = None,
                 kernel_initializer: Any = None, bias_initializer: Any = None,
                 name: Optional[str] = None, dtype: Any = None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = int(num_units)
        self._act = _activation(activation) or nn_ops.tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape) -> None:
        d = self._input_depth(input_shape)
        n = self._num_units
        self._gate_kernel = self.add_weight("gates/kernel", [d + n, 2 * n],
                                            initializer=self._kernel_initializer)
        self._gate_bias = self.add_weight(
            "gates/bias", [2 * n], initializer=self._bias_initializer or
            init_ops.constant_initializer(1.0))
        self._cand_kernel = self.add_weight("candidate/kernel", [d + n, n],
                                            initializer=self._kernel_initializer)
        self._cand_bias = self.add_weight(
            "candidate/bias", [n], initializer=self._bias_initializer or
            init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs: Tensor, state: Tensor):
        gate_inputs = nn_ops.bias_add(math_ops.matmul(array_ops.concat([inputs, state], 1),
                                                      self._gate_kernel), self._gate_bias)
        r, u = array_ops.split(nn_ops.sigmoid(gate_inputs), 2, axis=1)
        candidate = nn_ops.bias_add(math_ops.matmul(array_ops.concat(
            [inputs, math_ops.multiply(r, state)], 1), self._cand_kernel), self._cand_bias)
        c = self._act(candidate)
        new_h = math_ops.add(math_ops.multiply(u, state),
                             math_ops.multiply(math_ops.subtract(1.0, u), c))
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """A stack of cells (`tf.nn.rnn_cell.MultiRNNCell`); cell i's variables live under
    "cell_<i>/" ("rnn/multi_rnn_cell/cell_0/lstm_cell/kernel")."""

    _base_name = "multi_rnn_cell"

    def __init__(self, cells: Sequence[RNNCell], state_is_tuple: bool = True, **kwargs):
        super().__init__(**kwargs)
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not state_is_tuple:
            raise NotImplementedError("MultiRNNCell(state_is_tuple=False) is not offered by "
                                      "tfgraph")
        self._cells = list(cells)

    @property
    def state_size(self) -> tuple:
        return tuple(c.state_size for c in self._cells)

    @property
    def output_size(self) -> Any:
        return self._cells[-1].output_size

    def call(self, inputs: Tensor, state: Any):
        cur = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                cur, s = cell(cur, state[i])
            new_states.append(s)
        return cur, tuple(new_states)

    @property
    def variables(self) -> list:
        return [v for c in self._cells for v in c.variables]

    weights = trainable_variables = trainable_weights = variables


class _Wrapper(RNNCell):
    def __init__(self, cell: RNNCell, **kwargs):
        super().__init__(**kwargs)
        self.cell = cell

    @property
    def state_size(self) -> Any:
        return self.cell.state_size

    @property
    def output_size(self) -> Any:
        return self.cell.output_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        return self.cell.zero_state(batch_size, dtype)

    def __call__(self, inputs: Any, state: Any, scope: Any = None, **kwargs):
        inputs = convert_to_tensor(inputs)
        return self.call(inputs, state)

    @property
    def variables(self) -> list:
        return self.cell.variables

    weights = trainable_variables = trainable_weights = variables


class DropoutWrapper(_Wrapper):
    """Dropout on a cell's inputs, outputs and/or state (`tf.nn.rnn_cell.DropoutWrapper`),
    with keep probabilities (1.0: none); a new mask every step.

    Raises:
      NotImplementedError: For `variational_recurrent=True`.
    """

    def __init__(self, cell: RNNCell, input_keep_prob: Any = 1.0, output_keep_prob: Any = 1.0,
                 state_keep_prob: Any = 1.0, variational_recurrent: bool = False,
                 input_size: Any = None, dtype: Any = None, seed: Optional[int] = None,
                 dropout_state_filter_visitor: Any = None, **kwargs):
        super().__init__(cell, **kwargs)
        if variational_recurrent:
            raise NotImplementedError("DropoutWrapper(variational_recurrent=True) is not "
                                      "offered by tfgraph")
        for what, p in (("input_keep_prob", input_keep_prob),
                        ("output_keep_prob", output_keep_prob),
                        ("state_keep_prob", state_keep_prob)):
            if isinstance(p, (int, float)) and not 0.0 < float(p) <= 1.0:
                raise ValueError(f"Parameter {what} must be between 0 and 1: {p}")
        self._in, self._out, self._state = input_keep_prob, output_keep_prob, state_keep_prob
        self._seed = seed

    def _drop(self, x: Tensor, keep: Any) -> Tensor:
        if isinstance(keep, (int, float)) and float(keep) == 1.0:
            return x
        return nn_ops.dropout(x, keep_prob=keep, seed=self._seed)

    def call(self, inputs: Tensor, state: Any):
        inputs = self._drop(inputs, self._in)
        out, new_state = self.cell(inputs, state)
        if not (isinstance(self._state, (int, float)) and float(self._state) == 1.0):
            flat = _flatten(new_state)
            new_state = _pack_like(new_state, [self._drop(s, self._state) for s in flat])
        return self._drop(out, self._out), new_state


class ResidualWrapper(_Wrapper):
    """Adds the cell's inputs to its outputs (`tf.nn.rnn_cell.ResidualWrapper`)."""

    def __init__(self, cell: RNNCell, residual_fn: Optional[Callable] = None, **kwargs):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def call(self, inputs: Tensor, state: Any):
        out, new_state = self.cell(inputs, state)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, out), new_state
        return math_ops.add(inputs, out), new_state


class DeviceWrapper(_Wrapper):
    """Runs a cell's ops under `tf.device(device)` (`tf.nn.rnn_cell.DeviceWrapper`)."""

    def __init__(self, cell: RNNCell, device: str, **kwargs):
        super().__init__(cell, **kwargs)
        self._device = device

    def call(self, inputs: Tensor, state: Any):
        with inputs.graph.device(self._device):
            return self.cell(inputs, state)


def _initial_state(cell, batch_size, initial_state, dtype):
    if initial_state is not None:
        return initial_state
    if dtype is None:
        raise ValueError("If there is no initial_state, you must give a dtype.")
    return cell.zero_state(batch_size, dtype)


def static_rnn(cell: RNNCell, inputs: Sequence[Any], initial_state: Any = None,
               dtype: Any = None, sequence_length: Any = None, scope: Any = None):
    """Unrolls `cell` over a Python list of [batch, depth] inputs (`tf.nn.static_rnn`).

    Returns:
      `(outputs, final_state)`: a list of outputs and the last state (with
      `sequence_length`: outputs are zero after each row's length and the state stops there).

    Raises:
      TypeError: If `inputs` is not a list; ValueError: if it is empty or no dtype is given
        without an initial state.
    """
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "rnn"):
        inputs = [convert_to_tensor(x) for x in inputs]
        batch = inputs[0].shape.as_list()[0] if inputs[0].shape.ndims else None
        if batch is None:
            batch = array_ops.shape(inputs[0])[0]
        state = _initial_state(cell, batch, initial_state, dtype)
        outputs = []
        seq = None if sequence_length is None else math_ops.cast(sequence_length, dtypes.int32)
        for t, x in enumerate(inputs):
            out, new_state = cell(x, state)
            if seq is not None:
                out, new_state = _mask_step(t, seq, out, new_state, state)
            outputs.append(out)
            state = new_state
        return outputs, state


def _mask_step(t, seq, out, new_state, old_state):
    """Past a row's sequence length: output zeros and keep the old state (TF1's _rnn_step)."""
    done = math_ops.greater_equal(convert_to_tensor(t, dtype=seq.dtype), seq)
    out = math_ops.select(done, array_ops.zeros_like(out), out)
    flat_new, flat_old = _flatten(new_state), _flatten(old_state)
    kept = [math_ops.select(done, o, n) for n, o in zip(flat_new, flat_old)]
    return out, _pack_like(new_state, kept)


def dynamic_rnn(cell: RNNCell, inputs: Any, sequence_length: Any = None,
                initial_state: Any = None, dtype: Any = None, parallel_iterations: Any = None,
                swap_memory: bool = False, time_major: bool = False, scope: Any = None):
    """Runs `cell` over the time axis with a `tf.while_loop` (`tf.nn.dynamic_rnn`).

    Args:
      cell: An RNNCell.
      inputs: [batch, time, depth] (or [time, batch, depth] with `time_major`).
      sequence_length: Optional [batch] int lengths: outputs are zero past each length and
        the final state is the state at the length.
      initial_state: The starting state (default: `cell.zero_state`, needs `dtype`).
      dtype: The state's dtype when there is no initial state.
      parallel_iterations, swap_memory: Accepted (the loop runs iterations in order).
      time_major: The layout of `inputs` and outputs.
      scope: Variable scope (default "rnn").

    Returns:
      `(outputs, final_state)`.

    Raises:
      ValueError: For inputs of rank < 3, an unknown depth, or no dtype without initial_state.
    """
    with variable_scope(scope or "rnn"):
        inputs = convert_to_tensor(inputs, name="inputs")
        if inputs.shape.ndims is not None and inputs.shape.ndims < 3:
            raise ValueError(f"dynamic_rnn: inputs must have rank >= 3 ([batch, time, depth]), "
                             f"got shape {inputs.shape}")
        x = inputs if time_major else array_ops.transpose(inputs, [1, 0, 2])
        dims = x.shape.as_list()
        depth = dims[2]
        if depth is None:
            raise ValueError(f"dynamic_rnn: the input depth must be known, got shape "
                             f"{inputs.shape}")
        shape = array_ops.shape(x)
        steps, batch = shape[0], (dims[1] if dims[1] is not None else shape[1])
        state = _initial_state(cell, batch, initial_state, dtype)
        # Build the cell's variables outside the loop (TF1 does it in an init scope).
        probe = array_ops.zeros([1 if dims[1] is None else dims[1], depth], x.dtype)
        flat_state0 = [convert_to_tensor(s) for s in _flatten(state)]
        if not cell.built:
            _build_only(cell, probe, state)
        seq = None if sequence_length is None else math_ops.cast(
            convert_to_tensor(sequence_length), dtypes.int32)
        if True:
            ta_in = TensorArray(x.dtype, size=steps, element_shape=dims[1:],
                                tensor_array_name="input").unstack(x)
            ta_out = TensorArray(x.dtype, size=steps, tensor_array_name="output")
            time0 = convert_to_tensor(0, dtype=dtypes.int32, name="time")

            def cond(t, out_ta, *flat):
                return math_ops.less(t, steps)

            def body(t, out_ta, *flat):
                xt = ta_in.read(t)
                xt.set_shape(dims[1:])
                old = _pack_like(state, list(flat))
                out, new_state = cell(xt, old)
                if seq is not None:
                    out, new_state = _mask_step_t(t, seq, out, new_state, old)
                return (math_ops.add(t, 1), out_ta.write(t, out)) + tuple(_flatten(new_state))

            results = while_loop(cond, body, (time0, ta_out) + tuple(flat_state0),
                                 parallel_iterations=parallel_iterations or 32,
                                 swap_memory=swap_memory)
        outputs = results[1].stack()
        final_state = _pack_like(state, list(results[2:]))
        if not time_major:
            outputs = array_ops.transpose(outputs, [1, 0, 2])
        return outputs, final_state


def _mask_step_t(t, seq, out, new_state, old_state):
    done = math_ops.greater_equal(t, seq)
    out = math_ops.select(done, array_ops.zeros_like(out), out)
    flat_new, flat_old = _flatten(new_state), _flatten(old_state)
    kept = [math_ops.select(done, o, n) for n, o in zip(flat_new, flat_old)]
    return out, _pack_like(new_state, kept)


def _build_only(cell: RNNCell, probe: Tensor, state: Any) -> None:
    """Creates `cell`'s variables (in its scope, as its first call would) without leaving ops
    inside the loop: one call on a probe input outside the loop (its ops are never run)."""
    probe_state = _pack_like(state, [array_ops.zeros_like(s) for s in _flatten(state)])
    cell(probe, probe_state)


def bidirectional_dynamic_rnn(cell_fw: RNNCell, cell_bw: RNNCell, inputs: Any,
                              sequence_length: Any = None, initial_state_fw: Any = None,
                              initial_state_bw: Any = None, dtype: Any = None,
                              parallel_iterations: Any = None, swap_memory: bool = False,
                              time_major: bool = False, scope: Any = None):
    """Forward and backward `dynamic_rnn`s (`tf.nn.bidirectional_dynamic_rnn`): variables
    under "bidirectional_rnn/fw/" and "bidirectional_rnn/bw/"; the backward one reads the
    inputs reversed (each row within its sequence_length) and its outputs are reversed back.

    Returns:
      `((output_fw, output_bw), (state_fw, state_bw))`.
    """
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, st_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                        dtype, parallel_iterations, swap_memory, time_major,
                                        scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            inputs = convert_to_tensor(inputs)
            t_axis, b_axis = (0, 1) if time_major else (1, 0)
            rev = _reverse(inputs, sequence_length, t_axis, b_axis)
            out_bw, st_bw = dynamic_rnn(cell_bw, rev, sequence_length, initial_state_bw, dtype,
                                        parallel_iterations, swap_memory, time_major,
                                        scope=bw_scope)
            out_bw = _reverse(out_bw, sequence_length, t_axis, b_axis)
    return (out_fw, out_bw), (st_fw, st_bw)


def _reverse(x: Tensor, lengths: Any, t_axis: int, b_axis: int) -> Tensor:
    """Reverses the time axis; with `lengths`, only each row's first `length` steps (as
    `tf.reverse_sequence`), through one `gather_nd` (so gradients flow)."""
    if lengths is None:
        return array_ops.reverse(x, [t_axis])
    bt = x if t_axis == 1 else array_ops.transpose(x, [1, 0, 2])
    shape = array_ops.shape(bt)
    t = array_ops.expand_dims(array_ops.range(shape[1]), 0)                  # [1, T]
    n = array_ops.expand_dims(math_ops.cast(lengths, dtypes.int32), 1)      # [B, 1]
    idx = math_ops.select(math_ops.less(array_ops.tile(t, array_ops.stack([shape[0], 1])),
                                        array_ops.tile(n, array_ops.stack([1, shape[1]]))),
                          math_ops.subtract(math_ops.subtract(n, 1), t),
                          array_ops.tile(t, array_ops.stack([shape[0], 1])))
    rows = array_ops.tile(array_ops.expand_dims(array_ops.range(shape[0]), 1),
                          array_ops.stack([1, shape[1]]))
    out = array_ops.gather_nd(bt, array_ops.stack([rows, idx], -1))
    return out if t_axis == 1 else array_ops.transpose(out, [1, 0, 2])


def static_bidirectional_rnn(cell_fw: RNNCell, cell_bw: RNNCell, inputs: Sequence[Any],
                             initial_state_fw: Any = None, initial_state_bw: Any = None,
                             dtype: Any = None, sequence_length: Any = None, scope: Any = None):
    """Forward and backward `static_rnn`s with concatenated outputs
    (`tf.nn.static_bidirectional_rnn`).

    Returns:
      `(outputs, state_fw, state_bw)`; each output is `concat([fw, bw], 1)`.

    Raises:
      NotImplementedError: With `sequence_length` (the per-row reversal needs
        `reverse_sequence`).
    """
    if sequence_length is not None:
        raise NotImplementedError("static_bidirectional_rnn with sequence_length is not "
                                  "offered by tfgraph; use bidirectional_dynamic_rnn")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, st_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            out_bw, st_bw = static_rnn(cell_bw, list(reversed(list(inputs))), initial_state_bw,
                                       dtype, scope=bw_scope)
    outputs = [array_ops.concat([f, b], 1) for f, b in zip(out_fw, reversed(out_bw))]
    return outputs, st_fw, st_bw


__all__ = ["bidirectional_dynamic_rnn", "dynamic_rnn", "static_bidirectional_rnn",
           "static_rnn"]
