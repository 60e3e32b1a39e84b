"""`tf.contrib.rnn`: the RNN cells and runners TF1 scripts take from contrib (the same classes
as `tf.nn.rnn_cell`; `static_rnn` & co. as in `tf.nn`)."""
from .._rnn_cell import (BasicLSTMCell, BasicRNNCell, DeviceWrapper,  # noqa: F401
                         DropoutWrapper, GRUCell, LSTMCell, LSTMStateTuple, MultiRNNCell,
                         ResidualWrapper, RNNCell)
from ..layers._rnn import static_bidirectional_rnn, static_rnn  # noqa: F401

__all__ = ["BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell",
           "LSTMCell", "LSTMStateTuple", "MultiRNNCell", "RNNCell", "ResidualWrapper",
           "static_bidirectional_rnn", "static_rnn"]
