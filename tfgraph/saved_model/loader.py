"""`tf.saved_model.loader`: `load`, `maybe_saved_model_directory` (see `saved_model_io.py`)."""
from .saved_model_io import load, maybe_saved_model_directory  # noqa: F401

__all__ = ["load", "maybe_saved_model_directory"]
