"""`tf.io`: TFRecord files, `tf.train.Example` parsing, raw/CSV decoding, file ops, and (when
loaded) the image codecs, queues and `gfile` (re-exports only)."""
import importlib as _importlib

from .lib.io.tf_record import (TFRecordCompressionType, TFRecordOptions,  # noqa: F401
                               TFRecordWriter, tf_record_iterator)
from .ops.io_ops import matching_files, read_file, write_file  # noqa: F401
from .framework.graph_io import write_graph  # noqa: F401
from .ops.parsing_ops import (FixedLenFeature, FixedLenSequenceFeature,  # noqa: F401
                              VarLenFeature, decode_csv, decode_raw, parse_example,
                              parse_single_example, parse_single_sequence_example)

# Names that live in modules loaded on demand (image codecs need Pillow at run time only;
# gfile is the formats module's).
_LAZY = {"decode_png": "image_ops", "decode_jpeg": "image_ops", "decode_image": "image_ops",
         "encode_png": "image_ops", "encode_jpeg": "image_ops",
         "PaddingFIFOQueue": "data_flow_ops", "RandomShuffleQueue": "data_flow_ops",
         "QueueBase": "data_flow_ops"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(_importlib.import_module(f"{__package__}.ops.{_LAZY[name]}"), name)
    if name == "gfile":  # lowercase names; tf.gfile (tfgraph/gfile.py) has TF1's spellings
        return _importlib.import_module(f"{__package__}._io_gfile")
    raise AttributeError(f"module 'tfgraph.io' has no attribute {name!r}")

# SparseTensor serialization (the sparse-ops stream; ops/sparse_serialize_ops.py).
from .ops.sparse_serialize_ops import (deserialize_many_sparse,  # noqa: E402,F401
                                       serialize_many_sparse, serialize_sparse)
from .ops.parsing_ops import SparseFeature  # noqa: E402,F401

from .ops.bytes_ops import (decode_base64, decode_compressed,  # noqa: E402,F401  (arrayops)
                            decode_json_example, encode_base64, parse_tensor, serialize_tensor)
