"""`tf.bitwise`: TF1's bitwise ops on integer tensors (re-exports of `ops/bitwise_ops`)."""
from .ops.bitwise_ops import (bitwise_and, bitwise_or, bitwise_xor, invert,  # noqa: F401
                              left_shift, right_shift)

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]
