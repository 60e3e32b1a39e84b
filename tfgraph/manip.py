"""`tf.manip`: TF1's array-manipulation namespace (re-exports only)."""
from .ops.array_ops import (gather_nd, reshape, reverse, scatter_nd,  # noqa: F401
                            tile)
from .ops.manip_ops import roll  # noqa: F401
from .ops.space_batch_ops import batch_to_space_nd, space_to_batch_nd  # noqa: F401

__all__ = ["batch_to_space_nd", "gather_nd", "reshape", "reverse", "roll", "scatter_nd",
           "space_to_batch_nd", "tile"]
