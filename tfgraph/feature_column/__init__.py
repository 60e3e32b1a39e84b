"""`tf.feature_column`: TF1's feature columns (numeric, bucketized, identity and
vocabulary-list categorical, indicator, embedding), `input_layer`, `linear_model` and
`make_parse_example_spec`. Loaded on first use (see `_namespaces.LAZY_NAMESPACES`); the
other TF1 columns raise NotImplementedError saying what to use instead."""
from .._reexport import hide_submodules as _hide_submodules
from .._unsupported import refusing_getattr as _refusing_getattr
from .feature_column import (bucketized_column, categorical_column_with_identity,  # noqa: F401
                             categorical_column_with_vocabulary_list, embedding_column,
                             indicator_column, input_layer, linear_model,
                             make_parse_example_spec, numeric_column)

_HASH = ("string hashing is not offered; map the values to ids with "
         "categorical_column_with_vocabulary_list (or in NumPy) first")
_SEQUENCE = "sequence feature columns are not offered; feed padded id tensors to tf.nn.dynamic_rnn"
_REFUSED = {
    "categorical_column_with_hash_bucket": _HASH,
    "crossed_column": _HASH,
    "categorical_column_with_vocabulary_file": "read the file into a list and use "
                                               "categorical_column_with_vocabulary_list",
    "weighted_categorical_column": "multiply the embedding_column output by the weights in the "
                                   "model_fn",
    "shared_embedding_columns": "use one embedding_column per feature, or tf.nn.embedding_lookup "
                                "with one shared variable",
    "sequence_categorical_column_with_hash_bucket": _SEQUENCE,
    "sequence_categorical_column_with_identity": _SEQUENCE,
    "sequence_categorical_column_with_vocabulary_file": _SEQUENCE,
    "sequence_categorical_column_with_vocabulary_list": _SEQUENCE,
    "sequence_numeric_column": _SEQUENCE,
}
_hide_submodules(__name__)
__getattr__ = _refusing_getattr("tf.feature_column", __name__, _REFUSED)
