"""`tf.saved_model.utils`: `TensorInfo` helpers (see `signature_def_utils.py`)."""
from .signature_def_utils import build_tensor_info, get_tensor_from_tensor_info  # noqa: F401

__all__ = ["build_tensor_info", "get_tensor_from_tensor_info"]
