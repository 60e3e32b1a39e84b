"""Embeddings of sparse ids and sampled losses, built from existing ops as TF1's
`embedding_ops.py` / `nn_impl.py` build them: `tf.nn.embedding_lookup_sparse` (combiner
sum/mean/sqrtn), `tf.nn.safe_embedding_lookup_sparse`, `tf.nn.nce_loss`,
`tf.nn.sampled_softmax_loss`.

Their gradients w.r.t. the embedding/weight tables are `IndexedSlices` (through
`embedding_lookup`), so optimizers update only the rows that were looked up or sampled.
Unweighted combiners use TF1's `SparseSegmentSum`/`Mean`/`SqrtN` (ops/sparse_segment_ops.py),
the safe lookup `SparseReshape`, `SparseFillEmptyRows` and `sparse_retain`
(ops/sparse_more_ops.py).
"""
from __future__ import annotations

import logging
from typing import Any, List, Optional

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape
from . import array_ops, math_ops, segment_ops, sparse_more_ops, sparse_ops, sparse_segment_ops
from .candidate_sampling_ops import compute_accidental_hits, log_uniform_candidate_sampler
from .losses_ops import sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits_v2
from .nn_ops import embedding_lookup

_logger = logging.getLogger("tfgraph.nn")


def _as_param_list(params: Any) -> List[Any]:
    return list(params) if isinstance(params, (list, tuple)) else [params]


def embedding_lookup_sparse(params: Any, sp_ids: SparseTensor, sp_weights: Optional[SparseTensor],
                            partition_strategy: str = "mod", name: Optional[str] = None,
                            combiner: Optional[str] = None,
                            max_norm: Optional[float] = None) -> Tensor:
    """Embeddings of the ids of each row of `sp_ids`, combined per row
    (`tf.nn.embedding_lookup_sparse`).

    Args:
      params: An embedding table `[vocab, d...]` (tensor or variable) or a list of one.
      sp_ids: `SparseTensor` of int ids, `[batch, max_ids]` (row-major ordered).
      sp_weights: `SparseTensor` of weights with the indices of `sp_ids`, or None (all 1).
      partition_strategy: Accepted for compatibility ("mod" or "div").
      name: Name scope (default "embedding_lookup_sparse").
      combiner: "sum", "mean" (default; TF1 logs that it will change) or "sqrtn" (sum
        divided by the square root of the sum of squared weights).
      max_norm: If given, looked-up rows with a larger L2 norm are scaled down to it.

    Returns:
      A dense `[batch, d...]` tensor (rows up to the last non-empty one, as TF1).

    Raises:
      TypeError: If `sp_ids`/`sp_weights` are not `SparseTensor`s.
      ValueError: For an unknown combiner or an empty `params` list.
    """
    if combiner is None:
        _logger.warning('The default value of combiner will change from "mean" to "sqrtn" '
                        "after 2016/11/01.")
        combiner = "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum'")
    params = _as_param_list(params)
    if not params:
        raise ValueError("Need at least one param")
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError("sp_ids must be SparseTensor")
    ignore_weights = sp_weights is None
    if not ignore_weights and not isinstance(sp_weights, SparseTensor):
        raise TypeError("sp_weights must be either None or SparseTensor")
    with name_scope(name, "embedding_lookup_sparse", params + [sp_ids]) as name:
        segment_ids = sp_ids.indices[:, 0]
        if segment_ids.dtype != dtypes.int32:
            segment_ids = math_ops.cast(segment_ids, dtypes.int32)
        if ignore_weights:
            # TF1: look up the unique ids, combine with SparseSegmentSum/Mean/SqrtN.
            ids, idx = array_ops.unique(sp_ids.values)
            embeddings = _lookup(params, ids, partition_strategy, max_norm)
            combine = {"sum": sparse_segment_ops.sparse_segment_sum,
                       "mean": sparse_segment_ops.sparse_segment_mean,
                       "sqrtn": sparse_segment_ops.sparse_segment_sqrt_n}[combiner]
            return combine(embeddings, idx, segment_ids, name=name)
        # Weighted: one lookup per id (TF1 looks up the unique ids and gathers them back: the
        # same values; here the gradient reaches `params` as IndexedSlices without a densified
        # intermediate of unknown shape, and TF1's warning about it).
        embeddings = _lookup(params, sp_ids.values, partition_strategy, max_norm)
        weights = sp_weights.values
        if weights.dtype != embeddings.dtype:
            weights = math_ops.cast(weights, embeddings.dtype)
        weights = _broadcastable_rows(weights, embeddings)
        embeddings = math_ops.multiply(embeddings, weights)
        if combiner == "sum":
            return segment_ops.segment_sum(embeddings, segment_ids, name=name)
        total = segment_ops.segment_sum(embeddings, segment_ids)
        if combiner == "mean":
            return math_ops.divide(total, segment_ops.segment_sum(weights, segment_ids),
                                   name=name)
        weight_sum = segment_ops.segment_sum(math_ops.pow(weights, 2), segment_ids)
        return math_ops.divide(total, math_ops.sqrt(weight_sum), name=name)


def _lookup(params: List[Any], ids: Tensor, partition_strategy: str,
            max_norm: Optional[float]) -> Tensor:
    embeddings = embedding_lookup(params, ids, partition_strategy=partition_strategy,
                                  max_norm=max_norm)
    if embeddings.dtype == dtypes.float16:  # combined in float32, as TF1
        embeddings = math_ops.cast(embeddings, dtypes.float32)
    return embeddings


def _broadcastable_rows(weights: Tensor, like: Tensor) -> Tensor:
    """`weights` [n] reshaped to [n, 1, ...] to broadcast against the rows of `like`."""
    rank = like.shape.ndims
    if rank is None:
        ones = array_ops.fill(array_ops.expand_dims(array_ops.rank(like) - 1, 0), 1)
        return array_ops.reshape(weights, array_ops.concat([array_ops.shape(weights), ones], 0))
    return array_ops.reshape(weights, [-1] + [1] * (rank - 1))


def safe_embedding_lookup_sparse(embedding_weights: Any, sparse_ids: SparseTensor,
                                 sparse_weights: Optional[SparseTensor] = None,
                                 combiner: str = "mean", default_id: Optional[int] = None,
                                 name: Optional[str] = None, partition_strategy: str = "div",
                                 max_norm: Optional[float] = None) -> Tensor:
    """Embeddings of sparse ids with invalid ids and empty rows handled
    (`tf.nn.safe_embedding_lookup_sparse`).

    Ids < 0 are dropped (and, unless `combiner` is "sum", ids whose weight is <= 0); rows left
    empty get the embedding of `default_id`, or zeros when it is None. `sparse_ids` of rank
    > 2 are looked up row by row of their last dimension and the result reshaped back.

    Args:
      embedding_weights: The embedding table `[vocab, d]` (or a list of one).
      sparse_ids: int64 `SparseTensor` `[d_0, ..., d_n, max_ids]`.
      sparse_weights: float `SparseTensor` with the indices of `sparse_ids`, or None.
      combiner: "sum", "mean" (default) or "sqrtn".
      default_id: Id whose embedding fills empty rows (default: zero vectors).
      name: Name scope (default "embedding_lookup").
      partition_strategy: Accepted for compatibility.
      max_norm: If given, looked-up rows with a larger L2 norm are scaled down to it.

    Returns:
      A dense `[d_0, ..., d_n, d]` tensor.

    Raises:
      ValueError: If `embedding_weights` is None or empty.
    """
    if embedding_weights is None:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    weights = _as_param_list(embedding_weights)
    if not weights:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    weights = [w if getattr(w, "dtype", None) in (dtypes.float32, dtypes.float64)
               else convert_to_tensor(w, dtype=dtypes.float32) for w in weights]
    with name_scope(name, "embedding_lookup", weights + [sparse_ids, sparse_weights]) as scope:
        # Higher-rank ids become rows of their last dimension.
        original_shape = sparse_ids.dense_shape
        rank_dim = original_shape.shape.as_list()[0] if original_shape.shape.ndims == 1 else None
        original_rank = array_ops.size(original_shape) if rank_dim is None else rank_dim
        sparse_ids = sparse_more_ops.sparse_reshape(sparse_ids, [
            math_ops.reduce_prod(array_ops.slice(original_shape, [0], [original_rank - 1])),
            array_ops.gather(original_shape, original_rank - 1)])
        if sparse_weights is not None:
            sparse_weights = SparseTensor(sparse_ids.indices, sparse_weights.values,
                                          sparse_ids.dense_shape)
        # Drop invalid ids (and non-positive weights unless summing).
        valid = math_ops.greater_equal(sparse_ids.values, 0)
        if sparse_weights is not None:
            valid = math_ops.logical_and(valid, array_ops.ones_like(sparse_weights.values,
                                                                    dtype=dtypes.bool))
        sparse_ids = sparse_more_ops.sparse_retain(sparse_ids, valid)
        if sparse_weights is not None:
            sparse_weights = sparse_more_ops.sparse_retain(sparse_weights, valid)
            if combiner != "sum":
                positive = math_ops.greater(sparse_weights.values, 0)
                sparse_ids = sparse_more_ops.sparse_retain(sparse_ids, positive)
                sparse_weights = sparse_more_ops.sparse_retain(sparse_weights, positive)
        # Every row gets at least one id (default_id, or 0 zeroed below).
        sparse_ids, is_row_empty = sparse_more_ops.sparse_fill_empty_rows(sparse_ids,
                                                                          default_id or 0)
        if sparse_weights is not None:
            sparse_weights, _ = sparse_more_ops.sparse_fill_empty_rows(sparse_weights, 1.0)
        result = embedding_lookup_sparse(weights, sparse_ids, sparse_weights, combiner=combiner,
                                         partition_strategy=partition_strategy,
                                         name=None if default_id is None else scope,
                                         max_norm=max_norm)
        if default_id is None:
            is_row_empty = array_ops.tile(array_ops.reshape(is_row_empty, [-1, 1]),
                                          array_ops.stack([1, array_ops.shape(result)[1]]))
            result = array_ops.where(is_row_empty, array_ops.zeros_like(result), result,
                                     name=scope)
        final = array_ops.reshape(result, array_ops.concat(
            [array_ops.slice(math_ops.cast(original_shape, dtypes.int32), [0],
                             [original_rank - 1]),
             array_ops.slice(array_ops.shape(result), [1], [-1])], 0))
        if rank_dim is not None:
            final.set_shape(TensorShape([None] * (rank_dim - 1)).concatenate(
                result.shape[1:]))
        return final


def _sum_rows(x: Tensor) -> Tensor:
    """Row sums as a matmul with ones (TF1's `_sum_rows`: its gradient is a matmul too)."""
    cols = array_ops.shape(x)[1]
    ones = array_ops.ones(array_ops.stack([cols, 1]), x.dtype)
    return array_ops.reshape(math_ops.matmul(x, ones), [-1])


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                            num_true=1, sampled_values=None, subtract_log_q=True,
                            remove_accidental_hits=False, partition_strategy="mod", name=None,
                            seed=None):
    """TF1's `_compute_sampled_logits`: logits and labels of the true and sampled classes."""
    weights = _as_param_list(weights)
    with name_scope(name, "compute_sampled_logits", weights + [biases, inputs, labels]):
        labels = convert_to_tensor(labels)
        if labels.dtype != dtypes.int64:
            labels = math_ops.cast(labels, dtypes.int64)
        labels_flat = array_ops.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                true_classes=labels, num_true=num_true, num_sampled=num_sampled, unique=True,
                range_max=num_classes, seed=seed)
        sampled, true_expected_count, sampled_expected_count = (
            array_ops.stop_gradient(s) for s in sampled_values)
        sampled = math_ops.cast(sampled, dtypes.int64)
        all_ids = array_ops.concat([labels_flat, sampled], 0)
        inputs = convert_to_tensor(inputs, name="inputs")
        all_w = embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
        if all_w.dtype != inputs.dtype:
            all_w = math_ops.cast(all_w, inputs.dtype)
        n_true = array_ops.shape(labels_flat)[0]
        true_w = array_ops.slice(all_w, [0, 0], array_ops.stack([n_true, -1]))
        sampled_w = array_ops.slice(all_w, array_ops.stack([n_true, 0]), [-1, -1])
        sampled_logits = math_ops.matmul(inputs, sampled_w, transpose_b=True)
        all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        if all_b.dtype != inputs.dtype:
            all_b = math_ops.cast(all_b, inputs.dtype)
        true_b = array_ops.slice(all_b, [0], array_ops.shape(labels_flat))
        sampled_b = array_ops.slice(all_b, array_ops.shape(labels_flat), [-1])
        dim = array_ops.shape(true_w)[1:2]
        new_true_w_shape = array_ops.concat([[-1, num_true], dim], 0)
        row_wise_dots = math_ops.multiply(array_ops.expand_dims(inputs, 1),
                                          array_ops.reshape(true_w, new_true_w_shape))
        dots_as_matrix = array_ops.reshape(row_wise_dots, array_ops.concat([[-1], dim], 0))
        true_logits = array_ops.reshape(_sum_rows(dots_as_matrix), [-1, num_true])
        true_b = array_ops.reshape(true_b, [-1, num_true])
        true_logits = true_logits + true_b
        sampled_logits = sampled_logits + sampled_b
        if remove_accidental_hits:
            acc_indices, acc_ids, acc_weights = compute_accidental_hits(labels, sampled,
                                                                        num_true=num_true)
            acc_indices_2d = array_ops.reshape(acc_indices, [-1, 1])
            acc_ids_2d_int32 = array_ops.reshape(math_ops.cast(acc_ids, dtypes.int32), [-1, 1])
            sparse_indices = array_ops.concat([acc_indices_2d, acc_ids_2d_int32], 1,
                                              "sparse_indices")
            sampled_logits_shape = array_ops.concat(
                [array_ops.shape(labels)[:1], array_ops.expand_dims(num_sampled, 0)], 0)
            if sampled_logits.dtype != acc_weights.dtype:
                acc_weights = math_ops.cast(acc_weights, sampled_logits.dtype)
            sampled_logits = sampled_logits + sparse_ops.sparse_to_dense(
                sparse_indices, sampled_logits_shape, acc_weights, default_value=0.0,
                validate_indices=False)
        if subtract_log_q:
            true_logits = true_logits - math_ops.log(true_expected_count)
            sampled_logits = sampled_logits - math_ops.log(sampled_expected_count)
        out_logits = array_ops.concat([true_logits, sampled_logits], 1)
        out_labels = array_ops.concat([array_ops.ones_like(true_logits) / num_true,
                                       array_ops.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def nce_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
             num_classes: int, num_true: int = 1, sampled_values: Any = None,
             remove_accidental_hits: bool = False, partition_strategy: str = "mod",
             name: str = "nce_loss") -> Tensor:
    """The noise-contrastive estimation training loss (`tf.nn.nce_loss`).

    Args:
      weights: `[num_classes, dim]` class embeddings (tensor/variable, or a list of one).
      biases: `[num_classes]` class biases.
      labels: int64 `[batch_size, num_true]` target classes.
      inputs: `[batch_size, dim]` forward activations.
      num_sampled: Number of negative classes sampled per batch.
      num_classes: Number of possible classes.
      num_true: Target classes per example.
      sampled_values: A `(sampled_candidates, true_expected_count, sampled_expected_count)`
        tuple from a candidate sampler (default: `log_uniform_candidate_sampler`, unique).
      remove_accidental_hits: Drop sampled classes equal to a target class.
      partition_strategy: Accepted for compatibility.
      name: Name scope.

    Returns:
      A `[batch_size]` tensor of per-example NCE losses (sigmoid cross entropy summed over the
      true and sampled logits, each corrected by `log(expected count)`).
    """
    logits, labels = _compute_sampled_logits(
        weights=weights, biases=biases, labels=labels, inputs=inputs, num_sampled=num_sampled,
        num_classes=num_classes, num_true=num_true, sampled_values=sampled_values,
        subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name)
    sampled_losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                       name="sampled_losses")
    return _sum_rows(sampled_losses)


def sampled_softmax_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
                         num_classes: int, num_true: int = 1, sampled_values: Any = None,
                         remove_accidental_hits: bool = True, partition_strategy: str = "mod",
                         name: str = "sampled_softmax_loss", seed: Optional[int] = None) -> Tensor:
    """The sampled softmax training loss (`tf.nn.sampled_softmax_loss`).

    Args:
      weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        partition_strategy, name: As `nce_loss`.
      remove_accidental_hits: Drop sampled classes equal to a target class (default True).
      seed: Seed of the default candidate sampler.

    Returns:
      A `[batch_size]` tensor of per-example sampled softmax losses.
    """
    logits, labels = _compute_sampled_logits(
        weights=weights, biases=biases, labels=labels, inputs=inputs, num_sampled=num_sampled,
        num_classes=num_classes, num_true=num_true, sampled_values=sampled_values,
        subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name, seed=seed)
    labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)


__all__: list = []  # tf.nn names only (tfgraph/nn.py)
