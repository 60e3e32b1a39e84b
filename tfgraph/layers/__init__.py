"""`tf.layers`: TF1's graph-mode layers as classes (`Dense`, `Conv2D`, ...) and functions
(`dense`, `conv2d`, ...). Re-exports only; the layers live in the private modules of this
package (`_base`: the `Layer` base class, core and 2-D layers)."""
from ._base import (AveragePooling2D, Conv2D, Dense, Dropout, Flatten,  # noqa: F401
                    Layer, MaxPooling2D, average_pooling2d, conv2d, dense, dropout, flatten,
                    max_pooling2d)
from ._normalization import BatchNormalization, batch_normalization  # noqa: F401
from ._convolutional import (AveragePooling1D, Conv1D, Conv2DTranspose, InputSpec,  # noqa: F401
                             MaxPooling1D, SeparableConv2D, average_pooling1d, max_pooling1d)
from ._convolutional import conv1d_layer as conv1d  # noqa: F401
from ._convolutional import conv2d_transpose_layer as conv2d_transpose  # noqa: F401
from ._convolutional import separable_conv2d_layer as separable_conv2d  # noqa: F401

__all__ = ["AveragePooling1D", "AveragePooling2D", "BatchNormalization", "Conv1D",
           "Conv2DTranspose", "InputSpec", "MaxPooling1D", "SeparableConv2D",
           "average_pooling1d", "batch_normalization", "conv1d", "conv2d_transpose",
           "max_pooling1d", "separable_conv2d", "Conv2D", "Dense", "Dropout", "Flatten", "Layer", "MaxPooling2D",
           "average_pooling2d", "conv2d", "dense", "dropout", "flatten", "max_pooling2d"]

from .._reexport import hide_submodules as _hide_submodules  # noqa: E402

_hide_submodules(__name__)

# --- nn stream (issue 16): 3-D layers and SeparableConv1D ------------------------------------------
from ._convolutional3d import (AveragePooling3D, Conv3D, Conv3DTranspose,  # noqa: E402,F401
                               MaxPooling3D, SeparableConv1D, average_pooling3d, conv3d,
                               conv3d_transpose, max_pooling3d, separable_conv1d)

__all__ += ["AveragePooling3D", "Conv3D", "Conv3DTranspose", "MaxPooling3D", "SeparableConv1D",
            "average_pooling3d", "conv3d", "conv3d_transpose", "max_pooling3d",
            "separable_conv1d"]

from .._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.layers", __name__, _TABLES["tf.layers"])
