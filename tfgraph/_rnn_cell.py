"""`tf.nn.rnn_cell` (also `tf.contrib.rnn`): the RNN cell classes (re-exports of
`layers/_rnn.py`)."""
from .layers._rnn import (BasicLSTMCell, BasicRNNCell, DeviceWrapper,  # noqa: F401
                          DropoutWrapper, GRUCell, LSTMCell, LSTMStateTuple, MultiRNNCell,
                          ResidualWrapper, RNNCell)

__all__ = ["BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell",
           "LSTMCell", "LSTMStateTuple", "MultiRNNCell", "RNNCell", "ResidualWrapper"]
