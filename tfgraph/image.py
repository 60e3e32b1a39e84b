"""`tf.image`: codecs, resizing, crops, flips, color and dtype conversion (re-exports)."""
from .ops.image_ops import *  # noqa: F401,F403
from .ops.image_ops import __all__  # noqa: F401
