"""`tf.saved_model.builder`: `SavedModelBuilder` (see `saved_model_io.py`)."""
from .saved_model_io import SavedModelBuilder  # noqa: F401

__all__ = ["SavedModelBuilder"]
