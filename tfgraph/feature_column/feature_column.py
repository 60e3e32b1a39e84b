"""TF1's feature columns (`tf.feature_column`): how raw features (a dict of tensors, e.g. from
`numpy_input_fn` or `parse_example`) become a model's dense input (`input_layer`) or a linear
model's logits (`linear_model`).

Columns are immutable descriptions, named as TF1 names them (`age`, `age_bucketized`,
`color_indicator`, `color_embedding`); `input_layer` and `linear_model` build them in
alphabetical order of names, each under a variable scope of its name, so variables are TF1's
(`input_layer/color_embedding/embedding_weights`, `linear_model/age/weights`,
`linear_model/bias_weights`) and checkpoints match.

Categorical columns are represented by dense id tensors `[batch, n]` in which -1 marks "no
id" (TF1's sparse inputs are densified with -1 / '' for the missing entries, which is also how
TF1 treats -1 and '' in dense inputs); embeddings and linear weights combine the valid ids of a
row (`sum`, `mean`, `sqrtn`), a row without ids gives zeros, as TF1's
`embedding_lookup_sparse`.
"""
from __future__ import annotations

import collections
import math
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape
from ..ops import array_ops, init_ops, math_ops, nn_ops
from ..ops.sparse_ops import sparse_tensor_to_dense
from ..ops.variable_scope import get_variable, variable_scope

__all__ = ["numeric_column", "bucketized_column", "categorical_column_with_identity",
           "categorical_column_with_vocabulary_list", "indicator_column", "embedding_column",
           "input_layer", "linear_model", "make_parse_example_spec"]


# --- the feature cache -----------------------------------------------------------------------
class _LazyBuilder:
    """Each column's transformed tensor, built once per `input_layer`/`linear_model` call."""

    def __init__(self, features: Dict[str, Any]):
        self._features = dict(features)
        self._cache: Dict[Any, Any] = {}

    def raw(self, key: str) -> Any:
        if key not in self._features:
            raise ValueError(f"The feature_column key {key!r} is not in the features dict "
                             f"(keys: {sorted(self._features)}).")
        value = self._features[key]
        if isinstance(value, SparseTensor):
            return value
        value = convert_to_tensor(value)
        if value.shape.ndims == 0:
            raise ValueError(f"Feature (key: {key}) cannot have rank 0. Given: {value}")
        if value.shape.ndims == 1:  # a [batch] vector is a [batch, 1] feature
            value = array_ops.expand_dims(value, -1)
        return value

    def get(self, column: "_FeatureColumn") -> Any:
        if column not in self._cache:
            self._cache[column] = column._transform(self)
        return self._cache[column]


def _batch_flat(t: Tensor, num_elements: int) -> Tensor:
    return array_ops.reshape(t, [-1, num_elements])


class _FeatureColumn:
    """Base of TF1's feature columns: `name`, `_parse_example_spec`."""

    @property
    def name(self) -> str:
        raise NotImplementedError


class _DenseColumn(_FeatureColumn):
    """A column with a dense `[batch, *variable_shape]` representation (input_layer)."""

    @property
    def _variable_shape(self) -> TensorShape:
        raise NotImplementedError

    def _get_dense_tensor(self, builder: _LazyBuilder, trainable: bool = True) -> Tensor:
        raise NotImplementedError


class _CategoricalColumn(_FeatureColumn):
    """A column of ids in [0, `_num_buckets`) (-1: none), `[batch, n]` int64."""

    @property
    def _num_buckets(self) -> int:
        raise NotImplementedError

    def _get_ids(self, builder: _LazyBuilder) -> Tensor:
        return builder.get(self)


# --- numeric and bucketized ------------------------------------------------------------------
class _NumericColumn(_DenseColumn, collections.namedtuple(
        "_NumericColumn", ["key", "shape", "default_value", "dtype", "normalizer_fn"])):
    """`numeric_column`: the feature as float32, shaped `[batch, *shape]`."""

    @property
    def name(self) -> str:
        return self.key

    @property
    def _parse_example_spec(self) -> Dict[str, Any]:
        from ..ops.parsing_ops import FixedLenFeature
        return {self.key: FixedLenFeature(self.shape, self.dtype, self.default_value)}

    def _transform(self, builder: _LazyBuilder) -> Tensor:
        value = builder.raw(self.key)
        if isinstance(value, SparseTensor):
            raise ValueError(f"The corresponding Tensor of numerical column must be a Tensor. "
                             f"SparseTensor is not supported. key: {self.key}")
        if self.normalizer_fn is not None:
            value = self.normalizer_fn(value)
        if value.dtype != dtypes.float32:
            value = math_ops.cast(value, dtypes.float32)
        return value

    @property
    def _variable_shape(self) -> TensorShape:
        return TensorShape(self.shape)

    def _get_dense_tensor(self, builder: _LazyBuilder, trainable: bool = True) -> Tensor:
        return builder.get(self)


def numeric_column(key: str, shape: Any = (1,), default_value: Any = None,
                   dtype: Any = dtypes.float32, normalizer_fn: Optional[Callable] = None):
    """A real-valued feature (`tf.feature_column.numeric_column`).

    Args:
      key: The feature's key in the features dict.
      shape: The shape of one example's value (an int or a tuple of ints).
      default_value: For `make_parse_example_spec` (missing values when parsing).
      dtype: A float or integer dtype; the column's tensor is float32.
      normalizer_fn: A function applied to the raw tensor (e.g. `lambda x: (x - 3) / 2`).

    Raises:
      ValueError: For a non-positive shape or a dtype that is not numeric.
      TypeError: If `normalizer_fn` is not callable.
    """
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)
    for d in shape:
        if d < 1:
            raise ValueError(f"shape dimensions must be greater than 0. shape: {shape}, key: "
                             f"{key}")
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype}, key: {key}")
    if default_value is not None:
        default_value = tuple(np.broadcast_to(np.asarray(default_value,
                                                         dtype.as_numpy_dtype),
                                              shape).ravel().tolist())
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    return _NumericColumn(key, shape, default_value, dtype, normalizer_fn)


def _bucketize(x: Tensor, boundaries: Sequence[float]) -> Tensor:
    """The bucket of each value: how many boundaries are <= it (TF1's Bucketize)."""
    if not boundaries:
        return math_ops.cast(array_ops.zeros_like(x), dtypes.int64)
    b = convert_to_tensor(np.asarray(boundaries, np.float32))
    above = math_ops.cast(math_ops.greater_equal(array_ops.expand_dims(x, -1), b), dtypes.int64)
    return math_ops.reduce_sum(above, -1)


class _BucketizedColumn(_DenseColumn, _CategoricalColumn, collections.namedtuple(
        "_BucketizedColumn", ["source_column", "boundaries"])):
    """`bucketized_column`: one-hot buckets of a numeric column (dense), or bucket ids."""

    @property
    def name(self) -> str:
        return f"{self.source_column.name}_bucketized"

    @property
    def _parse_example_spec(self) -> Dict[str, Any]:
        return self.source_column._parse_example_spec

    def _transform(self, builder: _LazyBuilder) -> Tensor:
        source = builder.get(self.source_column)
        return _bucketize(_batch_flat(source, int(np.prod(self.source_column.shape))),
                          self.boundaries)  # [batch, dims] int64

    @property
    def _variable_shape(self) -> TensorShape:
        return TensorShape(list(self.source_column.shape) + [len(self.boundaries) + 1])

    def _get_dense_tensor(self, builder: _LazyBuilder, trainable: bool = True) -> Tensor:
        return array_ops.one_hot(builder.get(self), len(self.boundaries) + 1, 1.0, 0.0,
                                 dtype=dtypes.float32)

    @property
    def _num_buckets(self) -> int:
        return int(np.prod(self.source_column.shape)) * (len(self.boundaries) + 1)

    def _get_ids(self, builder: _LazyBuilder) -> Tensor:
        # Dimension i's buckets are numbered after those of dimensions 0..i-1 (TF1).
        buckets = builder.get(self)
        dims = int(np.prod(self.source_column.shape))
        offsets = convert_to_tensor(np.arange(dims, dtype=np.int64) * (len(self.boundaries) + 1))
        return math_ops.add(buckets, offsets)


def bucketized_column(source_column: _NumericColumn, boundaries: Sequence[float]):
    """Buckets of a numeric column split at `boundaries` (`tf.feature_column.bucketized_column`):
    boundaries [0., 10.] give the buckets (-inf, 0.), [0., 10.), [10., +inf).

    Raises:
      ValueError: If `source_column` is not a `numeric_column` or `boundaries` is not a
        sorted list.
    """
    if not isinstance(source_column, _NumericColumn):
        raise ValueError("source_column must be a column generated with numeric_column(). "
                         f"Given: {source_column}")
    if len(source_column.shape) > 1:
        raise ValueError(f"source_column must be one-dimensional column. Given: {source_column}")
    if not boundaries or not isinstance(boundaries, (list, tuple)):
        raise ValueError("boundaries must be a sorted list.")
    for i in range(len(boundaries) - 1):
        if boundaries[i] >= boundaries[i + 1]:
            raise ValueError("boundaries must be a sorted list.")
    return _BucketizedColumn(source_column, tuple(float(b) for b in boundaries))


# --- categorical -----------------------------------------------------------------------------
def _dense_ids_input(builder: _LazyBuilder, key: str, missing: Any) -> Tensor:
    """The raw feature as a dense `[batch, n]` tensor, sparse inputs filled with `missing`."""
    value = builder.raw(key)
    if isinstance(value, SparseTensor):
        value = sparse_tensor_to_dense(value, default_value=missing)
        if value.shape.ndims == 1:
            value = array_ops.expand_dims(value, -1)
    return value


class _IdentityCategoricalColumn(_CategoricalColumn, collections.namedtuple(
        "_IdentityCategoricalColumn", ["key", "num_buckets", "default_value"])):
    """`categorical_column_with_identity`: integer ids used as they are."""

    @property
    def name(self) -> str:
        return self.key

    @property
    def _parse_example_spec(self) -> Dict[str, Any]:
        from ..ops.parsing_ops import VarLenFeature
        return {self.key: VarLenFeature(dtypes.int64)}

    @property
    def _num_buckets(self) -> int:
        return self.num_buckets

    def _transform(self, builder: _LazyBuilder) -> Tensor:
        ids = _dense_ids_input(builder, self.key, -1)
        if not ids.dtype.is_integer:
            raise ValueError(f"Invalid input, not integer. key: {self.key} dtype: {ids.dtype}")
        ids = math_ops.cast(ids, dtypes.int64)
        missing = math_ops.equal(ids, -1)
        out_of_range = math_ops.logical_and(
            math_ops.logical_not(missing),
            math_ops.logical_or(math_ops.less(ids, 0), math_ops.greater_equal(
                ids, self.num_buckets)))
        if self.default_value is not None:
            return array_ops.where(out_of_range, array_ops.fill(array_ops.shape(ids),
                                                                np.int64(self.default_value)),
                                   ids)
        from ..ops.logging_ops import Assert
        from ..ops.control_flow_ops import control_dependencies
        check = Assert(math_ops.logical_not(math_ops.reduce_any(out_of_range)),
                       [f"Bucket index for categorical column {self.key} is outside [0, "
                        f"{self.num_buckets}) (num_buckets); ids:", ids])
        with control_dependencies([check]):
            return array_ops.identity(ids)


def categorical_column_with_identity(key: str, num_buckets: int,
                                     default_value: Optional[int] = None):
    """Integer ids in [0, num_buckets) (`tf.feature_column.categorical_column_with_identity`);
    an id out of range becomes `default_value`, or fails the run when that is None.

    Raises:
      ValueError: If `num_buckets < 1` or `default_value` is out of range.
    """
    if num_buckets < 1:
        raise ValueError(f"num_buckets {num_buckets} < 1, column_name {key}")
    if default_value is not None and (default_value < 0 or default_value >= num_buckets):
        raise ValueError(f"default_value {default_value} not in range [0, {num_buckets}), "
                         f"column_name {key}")
    return _IdentityCategoricalColumn(key, int(num_buckets), default_value)


class _VocabularyListCategoricalColumn(_CategoricalColumn, collections.namedtuple(
        "_VocabularyListCategoricalColumn", ["key", "vocabulary_list", "dtype",
                                             "default_value", "num_oov_buckets"])):
    """`categorical_column_with_vocabulary_list`: the index of each value in the vocabulary."""

    @property
    def name(self) -> str:
        return self.key

    @property
    def _parse_example_spec(self) -> Dict[str, Any]:
        from ..ops.parsing_ops import VarLenFeature
        return {self.key: VarLenFeature(self.dtype)}

    @property
    def _num_buckets(self) -> int:
        return len(self.vocabulary_list) + self.num_oov_buckets

    def _transform(self, builder: _LazyBuilder) -> Tensor:
        is_string = self.dtype == dtypes.string
        values = _dense_ids_input(builder, self.key, b"" if is_string else -1)
        if is_string != (values.dtype == dtypes.string) or \
                (not is_string and not values.dtype.is_integer):
            raise ValueError(f"Column dtype and SparseTensors dtype must be compatible. key: "
                             f"{self.key}, column dtype: {self.dtype}, tensor dtype: "
                             f"{values.dtype}")
        if not is_string and values.dtype != dtypes.int64:
            values = math_ops.cast(values, dtypes.int64)
        vocab = np.asarray([v.encode() if isinstance(v, str) else v
                            for v in self.vocabulary_list],
                           dtype=object if is_string else np.int64)
        matches = math_ops.equal(array_ops.expand_dims(values, -1), convert_to_tensor(
            vocab, dtype=self.dtype))  # [batch, n, V]
        found = math_ops.reduce_any(matches, -1)
        index = math_ops.argmax(math_ops.cast(matches, dtypes.int32), -1, output_type=dtypes.int64)
        missing = math_ops.equal(values, b"" if is_string else np.int64(-1))
        default = array_ops.fill(array_ops.shape(index), np.int64(self.default_value))
        ids = array_ops.where(found, index, default)
        return array_ops.where(missing, array_ops.fill(array_ops.shape(index), np.int64(-1)),
                               ids)


def categorical_column_with_vocabulary_list(key: str, vocabulary_list: Sequence[Any],
                                            dtype: Any = None, default_value: int = -1,
                                            num_oov_buckets: int = 0):
    """Strings or integers mapped to their index in `vocabulary_list`
    (`tf.feature_column.categorical_column_with_vocabulary_list`); a value not in it gets
    `default_value` (-1: no id).

    Raises:
      ValueError: For an empty or duplicated vocabulary, a dtype that does not match it, or
        `num_oov_buckets` (not offered: hashing out-of-vocabulary values).
    """
    if vocabulary_list is None or len(vocabulary_list) < 1:
        raise ValueError(f"vocabulary_list {vocabulary_list} must be non-empty, column_name: "
                         f"{key}")
    if len(set(vocabulary_list)) != len(vocabulary_list):
        raise ValueError(f"Duplicate keys in vocabulary_list {vocabulary_list}, column_name: "
                         f"{key}")
    is_string = isinstance(vocabulary_list[0], (str, bytes))
    vocab_dtype = dtypes.string if is_string else dtypes.int64
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
        if (dtype == dtypes.string) != is_string:
            raise ValueError(f"dtype {dtype} and vocabulary dtype {vocab_dtype} do not match, "
                             f"column_name: {key}")
        if not is_string and not dtype.is_integer:
            raise ValueError(f"dtype {dtype} and vocabulary dtype {vocab_dtype} do not match, "
                             f"column_name: {key}")
    if num_oov_buckets:
        if default_value != -1:
            raise ValueError(f"Can't specify both num_oov_buckets and default_value in {key}.")
        if num_oov_buckets < 0:
            raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets} in {key}.")
        raise NotImplementedError(
            "categorical_column_with_vocabulary_list(num_oov_buckets>0) is not offered by "
            "tfgraph (hash buckets); add an explicit out-of-vocabulary entry or use "
            "default_value")
    return _VocabularyListCategoricalColumn(key, tuple(vocabulary_list), vocab_dtype,
                                            int(default_value), 0)


# --- dense views of categorical columns ------------------------------------------------------
class _IndicatorColumn(_DenseColumn, collections.namedtuple("_IndicatorColumn",
                                                           ["categorical_column"])):
    """`indicator_column`: multi-hot (counts) of a categorical column's ids."""

    @property
    def name(self) -> str:
        return f"{self.categorical_column.name}_indicator"

    @property
    def _parse_example_spec(self) -> Dict[str, Any]:
        return self.categorical_column._parse_example_spec

    def _transform(self, builder: _LazyBuilder) -> Tensor:
        ids = self.categorical_column._get_ids(builder)
        one_hot = array_ops.one_hot(ids, self.categorical_column._num_buckets, 1.0, 0.0,
                                    dtype=dtypes.float32)  # -1 gives a zero row
        return math_ops.reduce_sum(one_hot, -2)

    @property
    def _variable_shape(self) -> TensorShape:
        return TensorShape([self.categorical_column._num_buckets])

    def _get_dense_tensor(self, builder: _LazyBuilder, trainable: bool = True) -> Tensor:
        return builder.get(self)


def indicator_column(categorical_column: _CategoricalColumn):
    """A multi-hot `[batch, num_buckets]` representation of a categorical column
    (`tf.feature_column.indicator_column`).

    Raises:
      ValueError: If `categorical_column` is not categorical.
    """
    if not isinstance(categorical_column, _CategoricalColumn):
        raise ValueError("Unsupported input type. Input must be a CategoricalColumn. Given: "
                         f"{categorical_column}")
    return _IndicatorColumn(categorical_column)


def _combine_rows(weights: Any, ids: Tensor, combiner: str) -> Tensor:
    """`combiner` over each row's valid ids of `weights[id]`: [batch, n] -> [batch, d]."""
    valid = math_ops.greater_equal(ids, 0)
    safe = array_ops.where(valid, ids, array_ops.zeros_like(ids))
    rows = array_ops.gather(weights, safe)  # [batch, n, d]
    mask = math_ops.cast(valid, dtypes.float32)
    total = math_ops.reduce_sum(math_ops.multiply(rows, array_ops.expand_dims(mask, -1)), -2)
    if combiner == "sum":
        return total
    count = math_ops.reduce_sum(mask, -1, keepdims=True)
    if combiner == "mean":
        return math_ops.div_no_nan(total, count)
    return math_ops.div_no_nan(total, math_ops.sqrt(count))  # sqrtn


class _EmbeddingColumn(_DenseColumn, collections.namedtuple(
        "_EmbeddingColumn", ["categorical_column", "dimension", "combiner", "initializer",
                             "ckpt_to_load_from", "tensor_name_in_ckpt", "max_norm",
                             "trainable"])):
    """`embedding_column`: learned `dimension`-vectors of a categorical column's ids."""

    @property
    def name(self) -> str:
        return f"{self.categorical_column.name}_embedding"

    @property
    def _parse_example_spec(self) -> Dict[str, Any]:
        return self.categorical_column._parse_example_spec

    def _transform(self, builder: _LazyBuilder) -> Tensor:
        return self.categorical_column._get_ids(builder)

    @property
    def _variable_shape(self) -> TensorShape:
        return TensorShape([self.dimension])

    def _get_dense_tensor(self, builder: _LazyBuilder, trainable: bool = True) -> Tensor:
        weights = get_variable("embedding_weights",
                               [self.categorical_column._num_buckets, self.dimension],
                               dtype=dtypes.float32, initializer=self.initializer,
                               trainable=self.trainable and trainable)
        if self.ckpt_to_load_from is not None:
            from ..train.checkpoint_utils import init_from_checkpoint
            init_from_checkpoint(self.ckpt_to_load_from, {self.tensor_name_in_ckpt: weights})
        ids = builder.get(self)
        if self.max_norm is not None:
            raise NotImplementedError("embedding_column(max_norm=...) is not offered by "
                                      "tfgraph: clip the embedding weights with "
                                      "tf.clip_by_norm after each step")
        return _combine_rows(weights, ids, self.combiner)


def embedding_column(categorical_column: _CategoricalColumn, dimension: int,
                     combiner: str = "mean", initializer: Optional[Callable] = None,
                     ckpt_to_load_from: Optional[str] = None,
                     tensor_name_in_ckpt: Optional[str] = None, max_norm: Optional[float] = None,
                     trainable: bool = True):
    """A dense `[batch, dimension]` embedding of a categorical column: the `combiner`
    ("mean", "sum" or "sqrtn") of the rows of the variable `embedding_weights` for a row's ids
    (`tf.feature_column.embedding_column`); default initializer truncated normal with stddev
    1/sqrt(dimension).

    Raises:
      ValueError: For a dimension < 1, an initializer that is not callable, or only one of
        `ckpt_to_load_from` and `tensor_name_in_ckpt`.
    """
    if dimension is None or dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    if not isinstance(categorical_column, _CategoricalColumn):
        raise ValueError("Unsupported input type. Input must be a CategoricalColumn. Given: "
                         f"{categorical_column}")
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum'; got {combiner!r}")
    if (ckpt_to_load_from is None) != (tensor_name_in_ckpt is None):
        raise ValueError("Must specify both `ckpt_to_load_from` and `tensor_name_in_ckpt` or "
                         "none of them.")
    if initializer is not None and not callable(initializer):
        raise ValueError("initializer must be callable if specified. Embedding of column_name: "
                         f"{categorical_column.name}")
    if initializer is None:
        initializer = init_ops.truncated_normal_initializer(mean=0.0,
                                                            stddev=1 / math.sqrt(dimension))
    return _EmbeddingColumn(categorical_column, int(dimension), combiner, initializer,
                            ckpt_to_load_from, tensor_name_in_ckpt, max_norm, trainable)


# --- input_layer, linear_model, parse specs -----------------------------------------------------
def _clean_feature_columns(feature_columns: Any) -> List[_FeatureColumn]:
    if isinstance(feature_columns, _FeatureColumn):
        feature_columns = [feature_columns]
    if isinstance(feature_columns, collections.abc.Iterator):
        feature_columns = list(feature_columns)
    if isinstance(feature_columns, dict):
        raise ValueError("Expected feature_columns to be iterable, found dict.")
    for column in feature_columns:
        if not isinstance(column, _FeatureColumn):
            raise ValueError(f"Items of feature_columns must be a _FeatureColumn. Given (type "
                             f"{type(column)}): {column}.")
    if not feature_columns:
        raise ValueError("feature_columns must not be empty.")
    names = {}
    for column in feature_columns:
        if column.name in names:
            raise ValueError(f"Duplicate feature column name found for columns: {column} and "
                             f"{names[column.name]}. This usually means that these columns "
                             "refer to same base feature. Either one must be discarded or a "
                             "duplicated but renamed item must be inserted in features dict.")
        names[column.name] = column
    return list(feature_columns)


def input_layer(features: Dict[str, Any], feature_columns: Sequence[_DenseColumn],
                weight_collections: Optional[Sequence[str]] = None, trainable: bool = True,
                cols_to_vars: Optional[Dict] = None,
                cols_to_output_tensors: Optional[Dict] = None) -> Tensor:
    """The dense `[batch, sum of the columns' sizes]` input of a model: the columns' tensors,
    flattened per example and concatenated in order of the columns' names
    (`tf.feature_column.input_layer`); variables under `input_layer/<column name>/`.

    Raises:
      ValueError: For an empty, duplicated or non-dense column list (wrap a categorical
        column in `indicator_column` or `embedding_column`), or a missing feature.
    """
    columns = _clean_feature_columns(feature_columns)
    for column in columns:
        if not isinstance(column, _DenseColumn):
            raise ValueError("Items of feature_columns must be a _DenseColumn. You can wrap a "
                             "categorical column with an embedding_column or indicator_column. "
                             f"Given: {column}")
    if weight_collections:
        raise NotImplementedError("input_layer(weight_collections=...) is not offered by "
                                  "tfgraph: add the variables to the collections afterwards")
    from ..ops.variables import global_variables
    with variable_scope(None, default_name="input_layer"):
        builder = _LazyBuilder(features)
        outputs = []
        for column in sorted(columns, key=lambda c: c.name):
            with variable_scope(None, default_name=column.name):
                before = set(map(id, global_variables()))
                tensor = column._get_dense_tensor(builder, trainable=trainable)
                out = _batch_flat(tensor, column._variable_shape.num_elements())
                outputs.append(out)
                if cols_to_vars is not None:
                    cols_to_vars[column] = [v for v in global_variables()
                                            if id(v) not in before]
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[column] = out
        return array_ops.concat(outputs, 1)


def linear_model(features: Dict[str, Any], feature_columns: Sequence[_FeatureColumn],
                 units: int = 1, sparse_combiner: str = "sum",
                 weight_collections: Optional[Sequence[str]] = None, trainable: bool = True,
                 cols_to_vars: Optional[Dict] = None) -> Tensor:
    """A linear model's `[batch, units]` logits: for each column (in order of names) its
    dense tensor times `linear_model/<name>/weights`, or for a categorical column the
    `sparse_combiner` of the weight rows of its ids, summed, plus
    `linear_model/bias_weights` (`tf.feature_column.linear_model`; weights start at zero).

    Raises:
      ValueError: For an empty or duplicated column list or an unknown `sparse_combiner`.
    """
    columns = _clean_feature_columns(feature_columns)
    if sparse_combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"sparse_combiner must be one of 'mean', 'sqrtn' or 'sum'; got "
                         f"{sparse_combiner!r}")
    if weight_collections:
        raise NotImplementedError("linear_model(weight_collections=...) is not offered by "
                                  "tfgraph: add the variables to the collections afterwards")
    with variable_scope(None, default_name="linear_model"):
        builder = _LazyBuilder(features)
        sums = []
        for column in sorted(columns, key=lambda c: c.name):
            with variable_scope(None, default_name=column.name):
                if isinstance(column, _CategoricalColumn):
                    weights = get_variable("weights", [column._num_buckets, units],
                                           dtype=dtypes.float32,
                                           initializer=init_ops.zeros_initializer(),
                                           trainable=trainable)
                    sums.append(_combine_rows(weights, column._get_ids(builder),
                                              sparse_combiner))
                else:
                    n = column._variable_shape.num_elements()
                    weights = get_variable("weights", [n, units], dtype=dtypes.float32,
                                           initializer=init_ops.zeros_initializer(),
                                           trainable=trainable)
                    dense = _batch_flat(column._get_dense_tensor(builder, trainable), n)
                    sums.append(math_ops.matmul(dense, weights))
                if cols_to_vars is not None:
                    cols_to_vars[column] = [weights]
        no_bias = math_ops.add_n(sums, name="weighted_sum_no_bias") if len(sums) > 1 \
            else array_ops.identity(sums[0], name="weighted_sum_no_bias")
        bias = get_variable("bias_weights", [units], dtype=dtypes.float32,
                            initializer=init_ops.zeros_initializer(), trainable=trainable)
        if cols_to_vars is not None:
            cols_to_vars["bias"] = [bias]
        return nn_ops.bias_add(no_bias, bias, name="weighted_sum")


def make_parse_example_spec(feature_columns: Sequence[_FeatureColumn]) -> Dict[str, Any]:
    """The `tf.parse_example` spec of the raw features the columns read
    (`tf.feature_column.make_parse_example_spec`).

    Raises:
      ValueError: For a non-column or two columns parsing one key differently.
    """
    spec: Dict[str, Any] = {}
    for column in feature_columns:
        if not isinstance(column, _FeatureColumn):
            raise ValueError(f"All feature_columns must be _FeatureColumn instances. Given: "
                             f"{column}")
        for key, value in column._parse_example_spec.items():
            if key in spec and spec[key] != value:
                raise ValueError(f"feature_columns contain different parse_spec for key {key}. "
                                 f"Given {value} and {spec[key]}")
        spec.update(column._parse_example_spec)
    return spec

