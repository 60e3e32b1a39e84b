"""`tf.layers`: TF1's graph-mode layers as classes (`Dense`, `Conv2D`, ...) and functions
(`dense`, `conv2d`, ...). Re-exports only; the layers live in the private modules of this
package (`_base`: the `Layer` base class, core and 2-D layers)."""
from ._base import (AveragePooling2D, Conv2D, Dense, Dropout, Flatten,  # noqa: F401
                    Layer, MaxPooling2D, average_pooling2d, conv2d, dense, dropout, flatten,
                    max_pooling2d)

__all__ = ["AveragePooling2D", "Conv2D", "Dense", "Dropout", "Flatten", "Layer", "MaxPooling2D",
           "average_pooling2d", "conv2d", "dense", "dropout", "flatten", "max_pooling2d"]

from .._reexport import hide_submodules as _hide_submodules  # noqa: E402

_hide_submodules(__name__)
