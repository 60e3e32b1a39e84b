"""`tf.nest`: nested structures of values (TF1's names only; implemented in `util/nest.py`)."""
from .util.nest import (assert_same_structure, flatten, is_nested, map_structure,  # noqa: F401
                        pack_sequence_as)

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]
