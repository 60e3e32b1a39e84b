"""Bitwise ops on integer tensors (`tf.bitwise`: BitwiseAnd/Or/Xor, Invert, LeftShift,
RightShift), one row each. None is differentiable, as in TF1.

Shifts clamp the shift amount to `[0, bits - 1]` as TF1's kernels do (NumPy's result for
out-of-range shifts is platform-defined); RightShift is arithmetic for signed types."""
from __future__ import annotations

from ._helpers import INTEGERS
from .op_families import BinaryElementwise, binary_op, unary_op


def _shift_kernel(ufunc: str):
    def kernel(be, op):
        xp = be.xp
        f = getattr(xp, ufunc)
        bits = op.inputs[0].dtype.np_dtype.itemsize * 8

        def shift(x, y):
            return f(x, xp.clip(y, 0, bits - 1).astype(y.dtype))
        return shift
    return kernel


_BITS = dict(allowed=INTEGERS, grad=None)

bitwise_and = binary_op("BitwiseAnd", "bitwise_and", ufunc="bitwise_and", **_BITS,
                        doc='Elementwise `x & y` (`tf.bitwise.bitwise_and`, op "BitwiseAnd").')
bitwise_or = binary_op("BitwiseOr", "bitwise_or", ufunc="bitwise_or", **_BITS,
                       doc='Elementwise `x | y` (`tf.bitwise.bitwise_or`, op "BitwiseOr").')
bitwise_xor = binary_op("BitwiseXor", "bitwise_xor", ufunc="bitwise_xor", **_BITS,
                        doc='Elementwise `x ^ y` (`tf.bitwise.bitwise_xor`, op "BitwiseXor").')
invert = unary_op("Invert", "invert", ufunc="invert", **_BITS,
                  doc='Elementwise `~x`, flipping every bit (`tf.bitwise.invert`, op "Invert").')
left_shift = binary_op("LeftShift", "left_shift", base=BinaryElementwise,
                       kernel=_shift_kernel("left_shift"), **_BITS,
                       doc='Elementwise `x << y`, `y` clamped to `[0, bits - 1]` '
                           '(`tf.bitwise.left_shift`, op "LeftShift").')
right_shift = binary_op("RightShift", "right_shift", base=BinaryElementwise,
                        kernel=_shift_kernel("right_shift"), **_BITS,
                        doc='Elementwise `x >> y` (arithmetic for signed types), `y` clamped to '
                            '`[0, bits - 1]` (`tf.bitwise.right_shift`, op "RightShift").')

# The tf.bitwise namespace holds these; they are not top-level names in TF1.
__all__: list = []
