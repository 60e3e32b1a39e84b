"""`tf.contrib`: the parts of TF1's contrib namespace that classic scripts use
(`tf.contrib.layers`)."""
from . import layers  # noqa: F401

__all__ = ["layers"]
