"""`tf.contrib`: the parts of TF1's contrib namespace that classic scripts use
(`tf.contrib.layers`, `tf.contrib.rnn`)."""
from . import layers  # noqa: F401
from . import rnn  # noqa: F401

__all__ = ["layers", "rnn"]
