"""`tf.image`: codecs, resizing, crops, flips, color and dtype conversion (re-exports)."""
from .ops.image_ops import *  # noqa: F401,F403
from .ops.image_ops import __all__  # noqa: F401

from .ops.space_batch_ops import extract_image_patches  # noqa: E402,F401

extract_patches = extract_image_patches  # TF1's tf.image.extract_patches(images, sizes, ...)
__all__ = list(__all__) + ["extract_image_patches", "extract_patches"]  # arrayops
