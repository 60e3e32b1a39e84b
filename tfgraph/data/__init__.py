"""`tf.data`: input pipelines (`Dataset`, iterators, file readers), TF1 graph-mode semantics.

See `dataset_ops` for how datasets run, `iterator_ops` for iterators as session resources,
`function` for how `map` functions are traced and run.
"""
from . import experimental  # noqa: F401
from .dataset_ops import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset  # noqa: F401
from .iterator_ops import (Iterator, get_output_classes, get_output_shapes,  # noqa: F401
                           get_output_types, make_initializable_iterator, make_one_shot_iterator)
from .readers import FixedLengthRecordDataset, TFRecordDataset, TextLineDataset  # noqa: F401

__all__ = ["Dataset", "Iterator", "TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset",
           "make_one_shot_iterator", "make_initializable_iterator", "get_output_types",
           "get_output_shapes", "get_output_classes", "experimental", "AUTOTUNE",
           "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]

# The implementation modules stay importable (`tfgraph.data.dataset_ops`) but the namespace
# shows TF1's names only.
for _name in ("dataset_ops", "function", "iterator_ops", "readers", "runtime", "structure"):
    globals().pop(_name, None)
del _name
