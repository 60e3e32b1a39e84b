"""`tf.sets`: set operations along the last dimension (see ops/set_ops.py); TF1 offers each
operation under its v2 name and its `set_` name."""
from .ops.set_ops import (set_difference, set_intersection, set_size,  # noqa: F401
                          set_union)

difference, intersection, size, union = set_difference, set_intersection, set_size, set_union

__all__ = ["difference", "intersection", "set_difference", "set_intersection", "set_size",
           "set_union", "size", "union"]
