"""Connectionist temporal classification: `CTCLoss` (loss and its gradient in one op, as TF1),
`CTCGreedyDecoder`, `CTCBeamSearchDecoder`, and the `tf.nn` builders ctc_loss, ctc_loss_v2,
ctc_greedy_decoder, ctc_beam_search_decoder(_v2), collapse_repeated, ctc_unique_labels.

The ops are host-only, as TF1's (CPU kernels only): the forward-backward recursion and the
decoders run per sequence on NumPy in float64 (log space), over time steps.  The blank is the
last class (`num_classes - 1`).  With `ctc_merge_repeated=False` a path maps to its labels by
dropping blanks only (no merging of repeats), so the state machine may not stay in a label
state and may skip the blank between equal labels; with it, TF1's standard rules.  The beam
search is the prefix beam search (blank/non-blank probabilities per prefix, beams pruned to
`beam_width` by total probability after every step); `merge_repeated` then merges equal
neighbours of the chosen label sequences, as TF's `LabelSeq` does.
"""
from __future__ import annotations

import collections
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.registry import OpDef, register_op, spec
from ..framework.sparse_tensor import SparseTensor
from . import array_ops, math_ops

_NEG_INF = -np.inf


def _logsumexp(*xs):
    return np.logaddexp.reduce(np.stack(xs), axis=0)


def _log_softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def _labels_per_batch(indices: np.ndarray, values: np.ndarray, batch: int) -> List[List[int]]:
    """The label sequence of each batch entry from a SparseTensor's indices/values.

    Raises:
      ValueError: For a batch index out of range or unsorted indices within a row.
    """
    out: List[List[int]] = [[] for _ in range(batch)]
    last = [-1] * batch
    for (b, j), v in zip(indices.reshape(-1, 2).tolist(), values.reshape(-1).tolist()):
        if not 0 <= b < batch:
            raise ValueError(f"labels batch index {b} is out of range [0, {batch})")
        if j <= last[b]:
            raise ValueError(f"labels indices are not in order (batch {b}, index {j})")
        last[b] = j
        out[b].append(int(v))
    return out


def _ctc_one(ly: np.ndarray, label: Sequence[int], blank: int, merge: bool
             ) -> Tuple[float, np.ndarray]:
    """-log p(label | ly) and d loss / d logits for one sequence (ly: [T, C] log-softmax)."""
    t_len, c = ly.shape
    lp = [blank]
    for k in label:
        lp += [k, blank]
    lp = np.asarray(lp)
    s = len(lp)
    is_blank = lp == blank
    stay = np.ones(s, bool) if merge else is_blank
    skip = np.zeros(s, bool)
    skip[2:] = ~is_blank[2:]
    if merge:
        skip[2:] &= lp[2:] != lp[:-2]
    emit = ly[:, lp]  # [T, S]
    alpha = np.full((t_len, s), _NEG_INF)
    alpha[0, 0] = emit[0, 0]
    if s > 1:
        alpha[0, 1] = emit[0, 1]
    for t in range(1, t_len):
        prev = alpha[t - 1]
        acc = np.where(stay, prev, _NEG_INF)
        acc[1:] = np.logaddexp(acc[1:], prev[:-1])
        acc[2:] = np.logaddexp(acc[2:], np.where(skip[2:], prev[:-2], _NEG_INF))
        alpha[t] = acc + emit[t]
    beta = np.full((t_len, s), _NEG_INF)
    beta[-1, -1] = emit[-1, -1]
    if s > 1:
        beta[-1, -2] = emit[-1, -2]
    for t in range(t_len - 2, -1, -1):
        nxt = beta[t + 1]
        acc = np.where(stay, nxt, _NEG_INF)
        acc[:-1] = np.logaddexp(acc[:-1], nxt[1:])
        acc[:-2] = np.logaddexp(acc[:-2], np.where(skip[2:], nxt[2:], _NEG_INF))
        beta[t] = acc + emit[t]
    logp = np.logaddexp(alpha[-1, -1], alpha[-1, -2]) if s > 1 else alpha[-1, -1]
    y = np.exp(ly)
    if not np.isfinite(logp):
        return np.inf, y
    gamma = np.exp(alpha + beta - emit - logp)  # posterior of each state at each time
    occupancy = np.zeros((t_len, c))
    for u in range(s):
        occupancy[:, lp[u]] += gamma[:, u]
    return -float(logp), y - occupancy


@register_op("CTCLoss")
class CTCLoss(OpDef):
    """CTC loss of time-major logits [T, B, C] against sparse labels (inputs: inputs,
    labels_indices, labels_values, sequence_length); outputs the loss [B] and its gradient
    w.r.t. the logits [T, B, C]."""

    host_only = True

    def infer(self, inputs, labels_indices, labels_values, sequence_length, **attrs):
        if not inputs.dtype.is_floating:
            raise TypeError(f"CTCLoss: inputs must be float32 or float64, got "
                            f"{inputs.dtype.name}")
        s = inputs.shape.with_rank(3).as_list()
        labels_indices.shape.with_rank(2)
        labels_values.shape.with_rank(1)
        sequence_length.shape.with_rank(1)
        return [spec(inputs.dtype, [s[1]]), spec(inputs.dtype, s)]

    def compute(self, be, x, indices, values, seq_len, **attrs):
        merge = bool(attrs.get("ctc_merge_repeated", True))
        collapse = bool(attrs.get("preprocess_collapse_repeated", False))
        ignore = bool(attrs.get("ignore_longer_outputs_than_inputs", False))
        x = np.asarray(x)
        t_max, batch, c = x.shape
        seq_len = np.asarray(seq_len).reshape(-1)
        if seq_len.shape[0] != batch:
            raise ValueError(f"len(sequence_length) != batch_size: {seq_len.shape[0]} vs. "
                             f"{batch}")
        labels = _labels_per_batch(np.asarray(indices), np.asarray(values), batch)
        loss = np.zeros(batch)
        grad = np.zeros((t_max, batch, c))
        for b in range(batch):
            n = int(seq_len[b])
            if n > t_max:
                raise ValueError(f"sequence_length({b}) <= {t_max}")
            label = labels[b]
            if collapse:
                label = [k for i, k in enumerate(label) if i == 0 or k != label[i - 1]]
            if any(k < 0 or k >= c for k in label):
                raise ValueError(f"Labels must be in the range [0, num_classes), got {label} "
                                 f"for batch {b} with num_classes {c}")
            if len(label) > n:
                if ignore:
                    continue
                raise ValueError(f"Not enough time for target transition sequence (required: "
                                 f"{len(label)}, available: {n}), batch {b}. You can turn this "
                                 f"error into a warning by using the flag "
                                 f"ignore_longer_outputs_than_inputs")
            if n == 0:
                continue
            loss[b], grad[:n, b] = _ctc_one(_log_softmax(x[:n, b]), label, c - 1, merge)
        return loss.astype(x.dtype), grad.astype(x.dtype)

    def gradient(self, op, grad_loss, _):
        # TF1: the fused gradient output goes through PreventGradient, so a second derivative
        # fails with a LookupError instead of silently being wrong
        fused = op.graph.create_op(
            "PreventGradient", [op.outputs[1]],
            {"message": "Currently there is no way to take the second derivative of ctc_loss "
                        "due to the fused implementation's interaction with tf.gradients()"},
            name="PreventGradient").outputs[0]
        g = array_ops.expand_dims(array_ops.expand_dims(grad_loss, 0), 2)
        return [g * fused, None, None, None]


@register_op("PreventGradient")
class PreventGradient(OpDef):
    """Identity whose gradient is refused: no gradient is registered, so `tf.gradients`
    through it raises LookupError (TF1 adds `message` to that error)."""

    may_alias_input = True
    is_identity = True

    def infer(self, input, **attrs):
        return spec(input.dtype, input.shape)

    def compute(self, be, x, **attrs):
        return x


def _sparse_labels(labels: Any) -> SparseTensor:
    if not isinstance(labels, SparseTensor):
        raise TypeError("Expected labels (first argument) to be a SparseTensor")
    return labels


def ctc_loss(labels: Any, inputs: Any = None, sequence_length: Any = None,
             preprocess_collapse_repeated: bool = False, ctc_merge_repeated: bool = True,
             ignore_longer_outputs_than_inputs: bool = False, time_major: bool = True,
             logits: Any = None) -> Tensor:
    """CTC loss (`tf.nn.ctc_loss`, TF1 argument order): -log p(labels | inputs) per sequence.

    Args:
      labels: An int32 `SparseTensor`; `labels.values[i]` in [0, num_classes - 1) is the
        label of batch `labels.indices[i, 0]` at position `labels.indices[i, 1]`.
      inputs: Logits [max_time, batch, num_classes] (time_major) or [batch, max_time, ...];
        the last class is the blank.
      sequence_length: int32 [batch]: the valid time steps of each sequence.
      preprocess_collapse_repeated: Merge repeated labels before computing the loss.
      ctc_merge_repeated: Whether repeated non-blank outputs of a path merge (default True).
      ignore_longer_outputs_than_inputs: Give loss 0 (and gradient 0) to sequences whose
        labels are longer than their inputs, instead of failing.
      time_major: The layout of `inputs`.
      logits: Alias of `inputs`.

    Returns:
      A 1-D float tensor [batch]: the negative log probabilities.

    Raises:
      TypeError: If `labels` is not a SparseTensor.
      tf.errors.InvalidArgumentError (at run time): For labels longer than their input (unless
        ignored), a sequence_length above max_time, or a label out of range.
    """
    labels = _sparse_labels(labels)
    inputs = logits if inputs is None else inputs
    inputs = convert_to_tensor(inputs, name="inputs")
    if not time_major:
        inputs = array_ops.transpose(inputs, [1, 0, 2])
    seq = convert_to_tensor(sequence_length, dtype=dtypes.int32, name="sequence_length")
    values = labels.values
    if values.dtype != dtypes.int32:
        values = math_ops.cast(values, dtypes.int32)
    op = inputs.graph.create_op(
        "CTCLoss", [inputs, labels.indices, values, seq],
        {"preprocess_collapse_repeated": bool(preprocess_collapse_repeated),
         "ctc_merge_repeated": bool(ctc_merge_repeated),
         "ignore_longer_outputs_than_inputs": bool(ignore_longer_outputs_than_inputs)},
        name="CTCLoss")
    return op.outputs[0]


def _dense_to_sparse(labels: Tensor, label_length: Any) -> SparseTensor:
    mask = array_ops.sequence_mask(label_length, maxlen=array_ops.shape(labels)[1])
    idx = array_ops.where(mask)
    return SparseTensor(idx, array_ops.gather_nd(labels, idx),
                        math_ops.cast(array_ops.shape(labels), dtypes.int64))


def ctc_loss_v2(labels: Any, logits: Any, label_length: Any, logit_length: Any,
                logits_time_major: bool = True, unique: Any = None,
                blank_index: Optional[int] = None, name: Optional[str] = None) -> Tensor:
    """CTC loss with a choosable blank (`tf.nn.ctc_loss_v2`).

    Args:
      labels: A `SparseTensor`, or a dense int tensor [batch, max_label_length] with
        `label_length`.
      logits: [frames, batch, num_classes] (time major) or [batch, frames, num_classes].
      label_length: int [batch] for dense labels (None for sparse ones).
      logit_length: int [batch]: the valid frames of each sequence.
      logits_time_major: The layout of `logits`.
      unique: Accepted for compatibility (an optimization of TF's dense implementation).
      blank_index: The blank class (negative counts from num_classes); required for sparse
        labels, default 0 for dense ones.
      name: Name scope (default "ctc_loss_dense").

    Returns:
      A 1-D float tensor [batch] of negative log probabilities.

    Raises:
      ValueError: For sparse labels without `blank_index`.
    """
    with name_scope(name, "ctc_loss_dense", [logits, labels, label_length, logit_length]):
        if isinstance(labels, SparseTensor):
            if blank_index is None:
                raise ValueError("Argument `blank_index` must be provided when labels is a "
                                 "SparseTensor.")
        else:
            labels = convert_to_tensor(labels, name="labels")
            if label_length is None:
                raise ValueError("label_length must be given for dense labels")
            labels = _dense_to_sparse(labels, label_length)
            blank_index = 0 if blank_index is None else blank_index
        logits = convert_to_tensor(logits, name="logits")
        c = logits.shape.as_list()[-1] if logits.shape.ndims is not None else None
        values = labels.values
        if blank_index < 0:
            if c is None:
                raise ValueError("a negative blank_index needs a known number of classes")
            blank_index += c
        if c is None or blank_index != c - 1:
            logits = array_ops.concat([logits[:, :, :blank_index],
                                       logits[:, :, blank_index + 1:],
                                       logits[:, :, blank_index:blank_index + 1]], axis=2)
            values = array_ops.where(values < blank_index, values,
                                     values - math_ops.cast(1, values.dtype))
        labels = SparseTensor(labels.indices, values, labels.dense_shape)
        return ctc_loss(labels, logits, logit_length, time_major=logits_time_major)


# --- decoders ------------------------------------------------------------------------------------
def _sparse_outputs(seqs: List[List[int]]):
    idx = [[b, j] for b, s in enumerate(seqs) for j in range(len(s))]
    vals = [k for s in seqs for k in s]
    shape = [len(seqs), max((len(s) for s in seqs), default=0)]
    return (np.asarray(idx, np.int64).reshape(-1, 2), np.asarray(vals, np.int64),
            np.asarray(shape, np.int64))


def _decoder_inputs(x, seq_len):
    x = np.asarray(x)
    seq_len = np.asarray(seq_len).reshape(-1)
    if seq_len.shape[0] != x.shape[1]:
        raise ValueError(f"len(sequence_length) != batch_size: {seq_len.shape[0]} vs. "
                         f"{x.shape[1]}")
    if np.any(seq_len > x.shape[0]):
        raise ValueError(f"sequence_length({int(np.argmax(seq_len > x.shape[0]))}) <= "
                         f"{x.shape[0]}")
    return x, seq_len


@register_op("CTCGreedyDecoder")
class CTCGreedyDecoder(OpDef):
    """Best-path decoding: the arg max class of each frame, repeats merged (optionally),
    blanks removed; outputs a SparseTensor's parts and -sum(max logit) per sequence."""

    host_only = True

    def infer(self, inputs, sequence_length, **attrs):
        s = inputs.shape.with_rank(3).as_list()
        sequence_length.shape.with_rank(1)
        return [spec(dtypes.int64, [None, 2]), spec(dtypes.int64, [None]),
                spec(dtypes.int64, [2]), spec(inputs.dtype, [s[1], 1])]

    def compute(self, be, x, seq_len, **attrs):
        x, seq_len = _decoder_inputs(x, seq_len)
        blank = int(attrs.get("blank_index", -1))
        blank = blank + x.shape[2] if blank < 0 else blank
        merge = bool(attrs.get("merge_repeated", True))
        seqs, logp = [], np.zeros((x.shape[1], 1), x.dtype)
        for b in range(x.shape[1]):
            best = x[:int(seq_len[b]), b].argmax(axis=-1)
            logp[b, 0] = -x[np.arange(int(seq_len[b])), b, best].sum()
            out, prev = [], -1
            for k in best.tolist():
                if k != blank and not (merge and k == prev):
                    out.append(k)
                prev = k
            seqs.append(out)
        return _sparse_outputs(seqs) + (logp,)


def _beam_search(ly: np.ndarray, beam_width: int, blank: int):
    """Prefix beam search over log-softmax frames `ly` [T, C]: [(log p, prefix)], best
    first."""
    beams: Dict[Tuple[int, ...], Tuple[float, float]] = {(): (0.0, _NEG_INF)}
    c = ly.shape[1]
    for t in range(ly.shape[0]):
        new: Dict[Tuple[int, ...], List[float]] = collections.defaultdict(
            lambda: [_NEG_INF, _NEG_INF])
        for prefix, (pb, pnb) in beams.items():
            total = np.logaddexp(pb, pnb)
            e = new[prefix]
            e[0] = np.logaddexp(e[0], total + ly[t, blank])
            if prefix:
                e[1] = np.logaddexp(e[1], pnb + ly[t, prefix[-1]])
            for k in range(c):
                if k == blank:
                    continue
                ext = new[prefix + (k,)]
                src = pb if prefix and prefix[-1] == k else total
                ext[1] = np.logaddexp(ext[1], src + ly[t, k])
        ranked = sorted(new.items(), key=lambda kv: -np.logaddexp(*kv[1]))[:beam_width]
        beams = {k: (v[0], v[1]) for k, v in ranked}
    return sorted(((float(np.logaddexp(*v)), k) for k, v in beams.items()),
                  key=lambda r: -r[0])


@register_op("CTCBeamSearchDecoder")
class CTCBeamSearchDecoder(OpDef):
    """Beam search decoding: the `top_paths` most probable label sequences (each a
    SparseTensor's indices/values/shape) and their log probabilities [B, top_paths]."""

    host_only = True

    def infer(self, inputs, sequence_length, **attrs):
        s = inputs.shape.with_rank(3).as_list()
        sequence_length.shape.with_rank(1)
        k = int(attrs["top_paths"])
        return ([spec(dtypes.int64, [None, 2])] * k + [spec(dtypes.int64, [None])] * k +
                [spec(dtypes.int64, [2])] * k + [spec(inputs.dtype, [s[1], k])])

    def compute(self, be, x, seq_len, **attrs):
        x, seq_len = _decoder_inputs(x, seq_len)
        k, width = int(attrs["top_paths"]), int(attrs["beam_width"])
        merge = bool(attrs.get("merge_repeated", True))
        blank = x.shape[2] - 1
        paths: List[List[List[int]]] = [[] for _ in range(k)]
        logp = np.full((x.shape[1], k), -np.inf, dtype=x.dtype)
        for b in range(x.shape[1]):
            ranked = _beam_search(_log_softmax(x[:int(seq_len[b]), b]), width, blank)
            for i in range(k):
                if i < len(ranked):
                    lp, seq = ranked[i]
                    logp[b, i] = lp
                    seq = [s for j, s in enumerate(seq) if not (merge and j and s == seq[j - 1])]
                else:
                    seq = []
                paths[i].append(list(seq))
        parts = [_sparse_outputs(p) for p in paths]
        return (tuple(p[0] for p in parts) + tuple(p[1] for p in parts) +
                tuple(p[2] for p in parts) + (logp,))


def ctc_greedy_decoder(inputs: Any, sequence_length: Any, merge_repeated: bool = True,
                       blank_index: Optional[int] = None):
    """Greedy (best path) CTC decoding (`tf.nn.ctc_greedy_decoder`).

    Args:
      inputs: Logits [max_time, batch, num_classes].
      sequence_length: int32 [batch].
      merge_repeated: Merge repeated classes of the best path (a blank between them keeps
        both).
      blank_index: The blank class (default num_classes - 1; negative counts from the end).

    Returns:
      `([decoded], neg_sum_logits)`: a list of one int64 `SparseTensor` [batch,
      max_decoded_length], and [batch, 1] the negative sum of each frame's largest logit.
    """
    inputs = convert_to_tensor(inputs, name="inputs")
    seq = convert_to_tensor(sequence_length, dtype=dtypes.int32, name="sequence_length")
    op = inputs.graph.create_op("CTCGreedyDecoder", [inputs, seq],
                                {"merge_repeated": bool(merge_repeated),
                                 "blank_index": -1 if blank_index is None else int(blank_index)},
                                name="CTCGreedyDecoder")
    ix, val, shape, logp = op.outputs
    return [SparseTensor(ix, val, shape)], logp


def ctc_beam_search_decoder(inputs: Any, sequence_length: Any, beam_width: int = 100,
                            top_paths: int = 1, merge_repeated: bool = True):
    """Beam search CTC decoding (`tf.nn.ctc_beam_search_decoder`, TF1 defaults).

    Args:
      inputs: Logits [max_time, batch, num_classes] (softmax-normalized by the decoder).
      sequence_length: int32 [batch].
      beam_width: Beams kept after every frame.
      top_paths: How many label sequences to return (<= beam_width).
      merge_repeated: Merge equal neighbours of the returned sequences (TF1's behaviour:
        the beam "a b b" comes back as "a b").

    Returns:
      `(decoded, log_probabilities)`: a list of `top_paths` int64 `SparseTensor`s and
      [batch, top_paths] log probabilities.

    Raises:
      ValueError: If top_paths is not in [1, beam_width].
    """
    if int(top_paths) < 1 or int(top_paths) > int(beam_width):
        raise ValueError(f"top_paths must be in [1, beam_width], got top_paths={top_paths}, "
                         f"beam_width={beam_width}")
    inputs = convert_to_tensor(inputs, name="inputs")
    seq = convert_to_tensor(sequence_length, dtype=dtypes.int32, name="sequence_length")
    k = int(top_paths)
    op = inputs.graph.create_op("CTCBeamSearchDecoder", [inputs, seq],
                                {"beam_width": int(beam_width), "top_paths": k,
                                 "merge_repeated": bool(merge_repeated)},
                                name="CTCBeamSearchDecoder")
    outs = op.outputs
    decoded = [SparseTensor(outs[i], outs[k + i], outs[2 * k + i]) for i in range(k)]
    return decoded, outs[3 * k]


def ctc_beam_search_decoder_v2(inputs: Any, sequence_length: Any, beam_width: int = 100,
                               top_paths: int = 1):
    """`ctc_beam_search_decoder` with `merge_repeated=False` (`tf.nn.ctc_beam_search_decoder_v2`)."""
    return ctc_beam_search_decoder(inputs, sequence_length, beam_width, top_paths,
                                   merge_repeated=False)


# --- label utilities -------------------------------------------------------------------------
def collapse_repeated(labels: Any, seq_length: Any, name: Optional[str] = None):
    """Merges repeated labels of each row (`tf.nn.collapse_repeated`).

    Args:
      labels: int [batch, max_length].
      seq_length: int [batch]: the valid length of each row.
      name: Name scope (default "collapse_repeated_labels").

    Returns:
      `(collapsed_labels, new_seq_length)`: [batch, new_max_length] (zero padded) and
      [batch].
    """
    with name_scope(name, "collapse_repeated_labels", [labels, seq_length]):
        labels = convert_to_tensor(labels, name="labels")
        seq_length = convert_to_tensor(seq_length, name="seq_length")
        keep = array_ops.concat([array_ops.ones_like(labels[:, :1], dtype=dtypes.bool),
                                 math_ops.not_equal(labels[:, 1:], labels[:, :-1])], axis=1)
        maxlen = array_ops.shape(labels)[1]
        keep = math_ops.logical_and(keep, array_ops.sequence_mask(seq_length, maxlen=maxlen))
        new_len = math_ops.reduce_sum(math_ops.cast(keep, dtypes.int32), axis=1)
        new_max = math_ops.reduce_max(new_len)
        idx_mask = array_ops.sequence_mask(new_len, maxlen=new_max)
        flat_idx_mask = array_ops.reshape(idx_mask, [-1])
        positions = array_ops.range(array_ops.shape(flat_idx_mask)[0])
        flat = array_ops.scatter_nd(
            array_ops.expand_dims(array_ops.boolean_mask(positions, flat_idx_mask), 1),
            array_ops.boolean_mask(array_ops.reshape(labels, [-1]), array_ops.reshape(keep, [-1])),
            array_ops.shape(flat_idx_mask))
        out = array_ops.reshape(flat, array_ops.stack([array_ops.shape(labels)[0], new_max]))
        return out, math_ops.cast(new_len, seq_length.dtype)


def ctc_unique_labels(labels: Any, name: Optional[str] = None):
    """The unique labels of each row, in order of first appearance, zero padded, and each
    label's index into them (`tf.nn.ctc_unique_labels`).

    Args:
      labels: int [batch, max_label_length].
      name: Name scope (default "ctc_unique_labels").

    Returns:
      `(unique_labels int64 [batch, max_label_length], unique_idx int32 [batch,
      max_label_length])`.
    """
    from .functional_ops import map_fn
    with name_scope(name, "ctc_unique_labels", [labels]):
        labels = convert_to_tensor(labels, name="labels")

        def _unique(x):
            y, idx = array_ops.unique(x)
            pad = array_ops.shape(idx)[0] - array_ops.shape(y)[0]
            y = array_ops.pad(y, array_ops.reshape(array_ops.stack([0, pad]), [1, 2]))
            return [math_ops.cast(y, dtypes.int64), idx]
        return tuple(map_fn(_unique, labels, dtype=[dtypes.int64, dtypes.int32]))


__all__: List[str] = []
