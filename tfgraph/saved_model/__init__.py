"""`tf.saved_model`: SavedModel directories (TF1's `simple_save`, `builder`, `loader`) and the
signature helpers; the format is described in `saved_model_io.py`."""
from . import builder, constants, loader, main_op, signature_constants  # noqa: F401
from . import signature_def_utils, tag_constants, utils  # noqa: F401
from .constants import *  # noqa: F401,F403
from .saved_model_io import SavedModelBuilder as Builder  # noqa: F401
from .saved_model_io import contains_saved_model, load, maybe_saved_model_directory  # noqa: F401
from .saved_model_io import simple_save  # noqa: F401
from .signature_constants import *  # noqa: F401,F403
from .signature_def_utils import (build_signature_def, build_tensor_info,  # noqa: F401
                                  classification_signature_def, get_tensor_from_tensor_info,
                                  is_valid_signature, predict_signature_def,
                                  regression_signature_def)
from .tag_constants import EVAL, GPU, SERVING, TPU, TRAINING  # noqa: F401

from .main_op import main_op_with_restore  # noqa: F401,E402

# TF1's tf.saved_model shows these only in its submodules (tag_constants.EVAL, ...); the
# format module is implementation.
for _n in ("EVAL", "EXTRA_ASSETS_DIRECTORY", "INIT_OP_SIGNATURE_KEY", "TRAIN_OP_KEY",
           "TRAIN_OP_SIGNATURE_KEY", "saved_model_io"):
    globals().pop(_n, None)
del _n
