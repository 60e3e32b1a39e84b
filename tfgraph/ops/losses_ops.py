"""Loss ops and functions: the fused softmax cross-entropy ops (`SoftmaxCrossEntropyWithLogits`,
`SparseSoftmaxCrossEntropyWithLogits`), the `tf.nn` cross-entropy builders and the `tf.losses`
functions with TF1's weighting and reduction rules.

The fused ops return (loss, backprop) as in TF1: `backprop = softmax(logits) - labels` is
computed in the forward kernel from the same shifted exponentials, and the gradient w.r.t. the
logits is `grad_loss * backprop`, never a derivative through log(softmax).  Logits of +-1000
give finite losses and gradients.
"""
from __future__ import annotations

from typing import Any, List, Optional

from ..framework import dtypes
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor, get_default_graph
from ..framework.graph_keys import GraphKeys
from ..framework.registry import OpDef, register_op, spec
from . import array_ops, math_ops, nn_ops


# --- fused softmax cross-entropy ops -------------------------------------------------------------
def _xent_logits_check(features: Tensor) -> None:
    if not features.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'features' has DataType {features.dtype.name} "
                        f"not in list of allowed values: float16, float32, float64")
    features.shape.with_rank(2)


@register_op("SoftmaxCrossEntropyWithLogits")
class SoftmaxCrossEntropyWithLogits(OpDef):
    """Per-row `-sum(labels * log_softmax(features))` and `softmax(features) - labels`
    (inputs: features [batch, classes], labels of the same shape, or broadcastable)."""

    def infer(self, features, labels):
        _xent_logits_check(features)
        if labels.dtype != features.dtype:
            raise TypeError(f"Input 'labels' of 'SoftmaxCrossEntropyWithLogits' has type "
                            f"{labels.dtype.name} that does not match type "
                            f"{features.dtype.name} of argument 'features'.")
        fs = features.shape.as_list()
        ls = labels.shape.with_rank(2).as_list()
        dims = []
        for f, l in zip(fs, ls):
            if f is not None and l is not None and f != l and 1 not in (f, l):
                raise ValueError(f"logits and labels must be broadcastable: logits_size={fs} "
                                 f"labels_size={ls}")
            dims.append(f if f not in (None, 1) else (l if l is not None else f))
        return [spec(features.dtype, [dims[0]]), spec(features.dtype, dims)]

    def kernel(self, be, op, ctx):
        xp = be.xp

        def softmax_xent_kernel(features, labels):
            if features.shape != labels.shape:  # TF1 broadcasts a batch of 1 either way
                if any(a != b and 1 not in (a, b) for a, b in zip(features.shape, labels.shape)):
                    fs, ls = (",".join(map(str, a.shape)) for a in (features, labels))
                    raise ValueError(f"logits and labels must be broadcastable: logits_size=[{fs}] "
                                     f"labels_size=[{ls}]")
                shape = tuple(max(a, b) for a, b in zip(features.shape, labels.shape))
                features = xp.broadcast_to(features, shape)
                labels = xp.broadcast_to(labels, shape)
            z = features - features.max(axis=1, keepdims=True)
            e = xp.exp(z)
            s = e.sum(axis=1, keepdims=True)
            log_s = xp.log(s)
            # loss = sum(labels * (log(sum(exp(z))) - z)); z <= 0 and log_s >= 0: no overflow
            z -= log_s
            z *= labels
            loss = -z.sum(axis=1)
            e /= s
            e -= labels
            return loss, e
        return softmax_xent_kernel

    def gradient(self, op, grad_loss, grad_grad):
        logits = op.inputs[0]
        grad = _broadcast_mul(grad_loss, op.outputs[1])
        labels_grad = _broadcast_mul(grad_loss, math_ops.negative(nn_ops.log_softmax(logits)))
        if grad_grad is not None and grad_grad.op.type != "ZerosLike":
            # backprop = softmax(logits) - labels also depends on both inputs (TF1 drops the
            # labels part; it matters only for second derivatives w.r.t. the labels)
            grad = math_ops.add(grad, _softmax_jacobian_product(logits, grad_grad))
            labels_grad = math_ops.subtract(labels_grad, grad_grad)
        return [_unbroadcast(grad, logits), _unbroadcast(labels_grad, op.inputs[1])]


@register_op("SparseSoftmaxCrossEntropyWithLogits")
class SparseSoftmaxCrossEntropyWithLogits(OpDef):
    """Softmax cross-entropy with integer class labels (inputs: features [batch, classes],
    labels [batch]); outputs loss [batch] and backprop = softmax - one_hot(labels).

    Labels outside [0, classes) raise InvalidArgumentError at run time, as TF1 on the CPU.
    """

    def infer(self, features, labels):
        _xent_logits_check(features)
        if not labels.dtype.is_integer:
            raise TypeError(f"Value passed to parameter 'labels' has DataType {labels.dtype.name} "
                            f"not in list of allowed values: int32, int64")
        fs = features.shape.as_list()
        ls = labels.shape.with_rank(1).as_list()
        if fs[0] is not None and ls[0] is not None and fs[0] != ls[0]:
            raise ValueError(f"logits and labels must have the same first dimension, got logits "
                             f"shape {fs} and labels shape {ls}")
        b = fs[0] if fs[0] is not None else ls[0]
        return [spec(features.dtype, [b]), spec(features.dtype, [b, fs[1]])]

    def kernel(self, be, op, ctx):
        xp = be.xp

        def sparse_softmax_xent_kernel(features, labels):
            n, c = features.shape
            if n and bool(((labels < 0) | (labels >= c)).any()):
                bad = [int(v) for v in be.to_host(labels).reshape(-1) if not 0 <= int(v) < c]
                raise ValueError(f"Received a label value of {bad[0]} which is outside the valid "
                                 f"range of [0, {c}).")
            z = features - features.max(axis=1, keepdims=True)
            e = xp.exp(z)
            s = e.sum(axis=1)
            rows = xp.arange(n)
            loss = xp.log(s) - z[rows, labels]
            e /= s[:, None]
            e[rows, labels] -= features.dtype.type(1)
            return loss, e
        return sparse_softmax_xent_kernel

    def gradient(self, op, grad_loss, grad_grad):
        logits = op.inputs[0]
        grad = _broadcast_mul(grad_loss, op.outputs[1])
        if grad_grad is not None and grad_grad.op.type != "ZerosLike":
            grad = math_ops.add(grad, _softmax_jacobian_product(logits, grad_grad))
        return [grad, None]


def _unbroadcast(grad: Tensor, x: Tensor) -> Tensor:
    """Sums `grad` back to the shape of an input that was broadcast (a batch of 1)."""
    gs, xs = grad.shape.as_list(), x.shape.as_list()
    if gs[0] is not None and xs[0] == gs[0] or 1 not in xs[:1] + gs[:1]:
        return grad
    return array_ops.sum_to_shape_of(grad, x)


def _broadcast_mul(vec: Tensor, mat: Tensor) -> Tensor:
    """`vec[:, None] * mat` (TF1's _BroadcastMul)."""
    return math_ops.multiply(array_ops.reshape(vec, [-1, 1]), mat)


def _softmax_jacobian_product(logits: Tensor, v: Tensor) -> Tensor:
    """`J_softmax(logits) @ v` per row: (v - sum(v * softmax)) * softmax; the derivative of the
    backprop output (softmax - labels) in direction v."""
    sm = nn_ops.softmax(logits)
    s = math_ops.reduce_sum(math_ops.multiply(v, sm), 1, keepdims=True)
    return math_ops.multiply(math_ops.subtract(v, s), sm)


# --- tf.nn cross-entropy builders ----------------------------------------------------------------
def _ensure_xent_args(name: str, sentinel: Any, labels: Any, logits: Any) -> None:
    if sentinel is not None:
        raise ValueError(f"Only call `{name}` with named arguments (labels=..., logits=..., ...)")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")


def _static_rank(t: Tensor) -> Optional[int]:
    return t.shape.ndims


def softmax_cross_entropy_with_logits_v2(labels: Any, logits: Any, axis: Optional[int] = None,
                                         name: Optional[str] = None,
                                         dim: Optional[int] = None) -> Tensor:
    """Softmax cross-entropy between `logits` and a probability distribution `labels`, per row
    (`tf.nn.softmax_cross_entropy_with_logits_v2`); gradients flow into labels too.

    Args:
      labels: Same shape as `logits`; each row a valid probability distribution.
      logits: Unscaled log probabilities.
      axis: The class axis (default -1).
      name: Name scope (default "softmax_cross_entropy_with_logits").
      dim: Deprecated alias of `axis`.

    Returns:
      A tensor of `logits`' shape without the class axis, of `logits`' dtype.
    """
    if axis is None:
        axis = -1 if dim is None else dim
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as name:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        precise = math_ops.cast(logits, dtypes.float32) if logits.dtype == dtypes.float16 \
            else logits
        labels = math_ops.cast(labels, precise.dtype)
        rank = _static_rank(precise)
        if rank is None:
            raise ValueError("softmax_cross_entropy_with_logits needs logits of known rank")
        shape = precise.shape.as_list()
        if labels.shape.ndims == rank:  # a labels batch of size 1 broadcasts (and vice versa)
            shape = [b if a == 1 else a for a, b in zip(shape, labels.shape.as_list())]
        if axis != -1 and axis % rank != rank - 1:
            perm = list(range(rank))
            a = axis % rank
            perm[a], perm[-1] = perm[-1], perm[a]
            precise = array_ops.transpose(precise, perm)
            labels = array_ops.transpose(labels, perm)
            del shape[a]
        else:
            del shape[-1]
        classes = precise.shape.as_list()[-1]
        flat_logits = array_ops.reshape(precise, [-1, classes if classes is not None else
                                                  array_ops.shape(precise)[-1]])
        flat_labels = array_ops.reshape(labels, [-1, classes if classes is not None else
                                                 array_ops.shape(labels)[-1]])
        cost = precise.graph.create_op("SoftmaxCrossEntropyWithLogits", [flat_logits, flat_labels],
                                       name=name).outputs[0]
        if sum(d is None for d in shape) <= 1:
            # static target shape (one unknown size becomes -1): no run-time shape ops
            cost = array_ops.reshape(cost, [-1 if d is None else d for d in shape])
        else:
            cost = array_ops.reshape(cost, _shape_without_last(precise))
        if logits.dtype == dtypes.float16:
            cost = math_ops.cast(cost, dtypes.float16)
        return cost


def _shape_without_last(t: Tensor) -> Tensor:
    s = array_ops.shape(t)
    return array_ops.strided_slice(s, [0], [-1], [1])


def softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, dim: int = -1,
                                      name: Optional[str] = None,
                                      axis: Optional[int] = None) -> Tensor:
    """Softmax cross-entropy; no gradient flows into `labels`
    (`tf.nn.softmax_cross_entropy_with_logits`, TF1's deprecated version).

    Must be called with named arguments (labels=..., logits=...).

    Raises:
      ValueError: If called positionally or without labels and logits.
    """
    _ensure_xent_args("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    if axis is None:
        axis = dim
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as name:
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=axis, name=name)


def sparse_softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                             logits: Any = None,
                                             name: Optional[str] = None) -> Tensor:
    """Softmax cross-entropy with integer class indices as labels
    (`tf.nn.sparse_softmax_cross_entropy_with_logits`).

    Args:
      labels: int32/int64 tensor of shape `logits.shape[:-1]`, values in [0, classes).
      logits: Float tensor [..., classes].
      name: Name scope (default "SparseSoftmaxCrossEntropyWithLogits").

    Returns:
      A tensor shaped like `labels`, of `logits`' dtype.

    Raises:
      ValueError: On positional use, or rank/shape mismatch of labels and logits.
      tf.errors.InvalidArgumentError: At run time, for a label outside [0, classes).
    """
    _ensure_xent_args("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        precise = math_ops.cast(logits, dtypes.float32) if logits.dtype == dtypes.float16 \
            else logits
        lr, gr = labels.shape.ndims, logits.shape.ndims
        if gr == 0:
            raise ValueError(f"Logits cannot be scalars - received shape {logits.shape}.")
        if lr is not None and gr is not None and lr != gr - 1:
            raise ValueError(f"Rank mismatch: Rank of labels (received {lr}) should equal rank of "
                             f"logits minus 1 (received {gr}).")
        if lr is not None and gr is not None:
            ls, gs = labels.shape.as_list(), logits.shape.as_list()[:-1]
            if any(a is not None and b is not None and a != b for a, b in zip(ls, gs)):
                raise ValueError(f"Shape mismatch: The shape of labels (received {labels.shape}) "
                                 f"should equal the shape of logits except for the last "
                                 f"dimension (received {logits.shape}).")
        if gr == 2:
            cost = precise.graph.create_op("SparseSoftmaxCrossEntropyWithLogits",
                                           [precise, labels],
                                           name=name or "SparseSoftmaxCrossEntropyWithLogits"
                                           ).outputs[0]
        else:
            classes = precise.shape.as_list()[-1] if gr is not None else None
            flat_logits = array_ops.reshape(
                precise, [-1, classes if classes is not None else array_ops.shape(precise)[-1]])
            flat_labels = array_ops.reshape(labels, [-1])
            cost = precise.graph.create_op("SparseSoftmaxCrossEntropyWithLogits",
                                           [flat_logits, flat_labels],
                                           name=name or "SparseSoftmaxCrossEntropyWithLogits"
                                           ).outputs[0]
            if labels.shape.is_fully_defined():
                cost = array_ops.reshape(cost, labels.shape.as_list())
            else:
                cost = array_ops.reshape(cost, array_ops.shape(labels))
        if logits.dtype == dtypes.float16:
            cost = math_ops.cast(cost, dtypes.float16)
        return cost


def sigmoid_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, name: Optional[str] = None) -> Tensor:
    """Elementwise logistic loss `max(x, 0) - x * z + log(1 + exp(-|x|))`
    (`tf.nn.sigmoid_cross_entropy_with_logits`), stable for any logits.

    Raises:
      ValueError: On positional use, or if labels and logits shapes differ.
    """
    _ensure_xent_args("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "logistic_loss", [logits, labels]) as name:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(f"logits and labels must have the same shape ({logits.shape} vs "
                             f"{labels.shape})")
        zeros = array_ops.zeros_like(logits, dtype=logits.dtype)
        cond = math_ops.greater_equal(logits, zeros)
        relu_logits = math_ops.where(cond, logits, zeros)
        neg_abs_logits = math_ops.where(cond, math_ops.negative(logits), logits)
        return math_ops.add(math_ops.subtract(relu_logits, math_ops.multiply(logits, labels)),
                            math_ops.log1p(math_ops.exp(neg_abs_logits)), name=name)


def weighted_cross_entropy_with_logits(targets: Any = None, logits: Any = None,
                                       pos_weight: Any = None, name: Optional[str] = None,
                                       labels: Any = None) -> Tensor:
    """Logistic loss with positive examples weighted by `pos_weight`
    (`tf.nn.weighted_cross_entropy_with_logits`)."""
    if targets is None:
        targets = labels
    with name_scope(name, "logistic_loss", [logits, targets]) as name:
        logits = convert_to_tensor(logits, name="logits")
        targets = convert_to_tensor(targets, name="targets")
        if not logits.shape.is_compatible_with(targets.shape):
            raise ValueError(f"logits and targets must have the same shape ({logits.shape} vs "
                             f"{targets.shape})")
        one = convert_to_tensor(1, dtype=logits.dtype)
        pw = convert_to_tensor(pos_weight, dtype=logits.dtype)
        log_weight = math_ops.add(one, math_ops.multiply(math_ops.subtract(pw, one), targets))
        return math_ops.add(
            math_ops.multiply(math_ops.subtract(one, targets), logits),
            math_ops.multiply(log_weight, math_ops.add(
                math_ops.log1p(math_ops.exp(math_ops.negative(math_ops.abs(logits)))),
                nn_ops.relu(math_ops.negative(logits)))),
            name=name)


# --- tf.losses -----------------------------------------------------------------------------------
class Reduction:
    """How `tf.losses` functions reduce the weighted losses (`tf.losses.Reduction`)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


def add_loss(loss: Any, loss_collection: Optional[str] = GraphKeys.LOSSES) -> None:
    """Adds `loss` to `loss_collection` (`tf.losses.add_loss`)."""
    if loss_collection:
        graph = loss.graph if isinstance(loss, Tensor) else get_default_graph()
        graph.add_to_collection(loss_collection, loss)


def _check_weights(weights: Tensor, losses: Tensor) -> None:
    """Static form of TF1's `assert_broadcastable`: scalar, or same rank with sizes 1 or equal."""
    ws, ls = weights.shape, losses.shape
    if ws.ndims is None or ls.ndims is None or ws.ndims == 0:
        return
    if ws.ndims != ls.ndims:
        raise ValueError(f"weights can not be broadcast to values. values.rank={ls.ndims}. "
                         f"weights.rank={ws.ndims}. values.shape={ls}. weights.shape={ws}.")
    for w, v in zip(ws.as_list(), ls.as_list()):
        if w is not None and v is not None and w != 1 and w != v:
            raise ValueError(f"weights can not be broadcast to values. values.shape={ls}. "
                             f"weights.shape={ws}.")


def _num_present(losses: Tensor, weights: Tensor) -> Tensor:
    """The number of losses with a nonzero weight (weights broadcast against losses)."""
    with name_scope(None, "num_present", (losses, weights)) as scope:
        weights = math_ops.cast(weights, dtypes.float32)
        zero = convert_to_tensor(0.0, dtype=dtypes.float32)
        present = math_ops.where(math_ops.equal(weights, zero), array_ops.zeros_like(weights),
                                 array_ops.ones_like(weights))
        if not (present.shape.is_fully_defined() and losses.shape.is_fully_defined()
                and present.shape == losses.shape):
            present = math_ops.multiply(present, array_ops.ones_like(losses, dtype=dtypes.float32))
        return math_ops.reduce_sum(present, name=scope)


def _num_elements(losses: Tensor) -> Tensor:
    with name_scope(None, "num_elements", [losses]) as scope:
        n = losses.shape.num_elements()
        if n is not None:
            return convert_to_tensor(float(n), dtype=dtypes.float32, name=scope)
        return math_ops.cast(array_ops.size(losses), dtypes.float32, name=scope)


def compute_weighted_loss(losses: Any, weights: Any = 1.0, scope: Optional[str] = None,
                          loss_collection: Optional[str] = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weights and reduces `losses`, and adds the result to `loss_collection`
    (`tf.losses.compute_weighted_loss`).

    Args:
      losses: Tensor of per-example losses.
      weights: Scalar or tensor broadcastable to `losses` (same rank, sizes 1 or equal).
      scope: Name scope (default "weighted_loss").
      loss_collection: Collection the loss is added to (default `tf.GraphKeys.LOSSES`).
      reduction: A `tf.losses.Reduction` key; the default divides the weighted sum by the
        number of nonzero weights (0 when there are none).

    Returns:
      A float32-computed loss of `losses`' dtype: scalar unless `reduction` is NONE.

    Raises:
      ValueError: For an invalid reduction or weights that cannot broadcast to losses.
    """
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", (losses, weights)):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        losses = math_ops.cast(losses, dtypes.float32)
        weights = math_ops.cast(convert_to_tensor(weights, dtype_hint=dtypes.float32),
                                dtypes.float32)
        _check_weights(weights, losses)
        weighted = math_ops.multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = math_ops.reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = _safe_mean(loss, math_ops.reduce_sum(
                    math_ops.multiply(array_ops.ones_like(losses), weights)))
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _safe_mean(loss, _num_present(losses, weights))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_mean(loss, _num_elements(losses))
        loss = math_ops.cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _safe_mean(total: Tensor, num_present: Tensor) -> Tensor:
    return math_ops.div_no_nan(math_ops.reduce_sum(total), num_present, name="value")


def _check_not_none(labels: Any, predictions: Any, what: str = "predictions") -> None:
    if labels is None:
        raise ValueError("labels must not be None.")
    if predictions is None:
        raise ValueError(f"{what} must not be None.")


def _float_pair(labels: Any, predictions: Any):
    predictions = math_ops.cast(convert_to_tensor(predictions), dtypes.float32)
    labels = math_ops.cast(convert_to_tensor(labels), dtypes.float32)
    predictions.shape.assert_is_compatible_with(labels.shape)
    return labels, predictions


def absolute_difference(labels: Any, predictions: Any, weights: Any = 1.0,
                        scope: Optional[str] = None,
                        loss_collection: Optional[str] = GraphKeys.LOSSES,
                        reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted `|predictions - labels|` (`tf.losses.absolute_difference`).

    Raises:
      ValueError: If labels/predictions are None or their shapes differ.
    """
    _check_not_none(labels, predictions)
    with name_scope(scope, "absolute_difference", (predictions, labels, weights)) as scope:
        labels, predictions = _float_pair(labels, predictions)
        losses = math_ops.abs(math_ops.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def mean_squared_error(labels: Any, predictions: Any, weights: Any = 1.0,
                       scope: Optional[str] = None,
                       loss_collection: Optional[str] = GraphKeys.LOSSES,
                       reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted `(predictions - labels) ** 2` (`tf.losses.mean_squared_error`).

    Args:
      labels, predictions: Tensors of the same shape (cast to float32).
      weights: Scalar or broadcastable tensor.
      scope: Name scope (default "mean_squared_error").
      loss_collection: Collection to add the loss to.
      reduction: A `tf.losses.Reduction` (default SUM_BY_NONZERO_WEIGHTS: the mean over
        nonzero-weighted elements).

    Returns:
      The loss (float32 scalar unless reduction is NONE).

    Raises:
      ValueError: If labels/predictions are None or their shapes differ.
    """
    _check_not_none(labels, predictions)
    with name_scope(scope, "mean_squared_error", (predictions, labels, weights)) as scope:
        labels, predictions = _float_pair(labels, predictions)
        losses = math_ops.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def huber_loss(labels: Any, predictions: Any, weights: Any = 1.0, delta: float = 1.0,
               scope: Optional[str] = None, loss_collection: Optional[str] = GraphKeys.LOSSES,
               reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Huber loss: `0.5 * e**2` for |e| <= delta, else `delta * (|e| - 0.5 * delta)`
    (`tf.losses.huber_loss`)."""
    _check_not_none(labels, predictions)
    with name_scope(scope, "huber_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _float_pair(labels, predictions)
        error = math_ops.subtract(predictions, labels)
        abs_error = math_ops.abs(error)
        delta_t = convert_to_tensor(delta, dtype=dtypes.float32)
        quadratic = math_ops.minimum(abs_error, delta_t)
        linear = math_ops.subtract(abs_error, quadratic)
        half = convert_to_tensor(0.5, dtype=dtypes.float32)
        losses = math_ops.add(math_ops.multiply(half, math_ops.multiply(quadratic, quadratic)),
                              math_ops.multiply(delta_t, linear))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def log_loss(labels: Any, predictions: Any, weights: Any = 1.0, epsilon: float = 1e-7,
             scope: Optional[str] = None, loss_collection: Optional[str] = GraphKeys.LOSSES,
             reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Binary log loss `-y log(p + eps) - (1 - y) log(1 - p + eps)` (`tf.losses.log_loss`)."""
    _check_not_none(labels, predictions)
    with name_scope(scope, "log_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _float_pair(labels, predictions)
        eps = convert_to_tensor(epsilon, dtype=dtypes.float32)
        one = convert_to_tensor(1.0, dtype=dtypes.float32)
        log_p = math_ops.log(math_ops.add(predictions, eps))
        log_q = math_ops.log(math_ops.add(math_ops.subtract(one, predictions), eps))
        losses = math_ops.subtract(math_ops.negative(math_ops.multiply(labels, log_p)),
                                   math_ops.multiply(math_ops.subtract(one, labels), log_q))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def hinge_loss(labels: Any, logits: Any, weights: Any = 1.0, scope: Optional[str] = None,
               loss_collection: Optional[str] = GraphKeys.LOSSES,
               reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Hinge loss `max(0, 1 - (2 * labels - 1) * logits)` with 0/1 labels
    (`tf.losses.hinge_loss`)."""
    _check_not_none(labels, logits, "logits")
    with name_scope(scope, "hinge_loss", (logits, labels, weights)) as scope:
        logits = math_ops.cast(convert_to_tensor(logits), dtypes.float32)
        labels = math_ops.cast(convert_to_tensor(labels), dtypes.float32)
        logits.shape.assert_is_compatible_with(labels.shape)
        all_ones = array_ops.ones_like(labels)
        labels = math_ops.subtract(math_ops.multiply(convert_to_tensor(2.0), labels), all_ones)
        losses = nn_ops.relu(math_ops.subtract(all_ones, math_ops.multiply(labels, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def cosine_distance(labels: Any, predictions: Any, axis: Optional[int] = None,
                    weights: Any = 1.0, scope: Optional[str] = None,
                    loss_collection: Optional[str] = GraphKeys.LOSSES,
                    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
                    dim: Optional[int] = None) -> Tensor:
    """`1 - sum(labels * predictions, axis)` for unit-normalized inputs
    (`tf.losses.cosine_distance`).

    Raises:
      ValueError: If `axis` is None.
    """
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    _check_not_none(labels, predictions)
    with name_scope(scope, "cosine_distance_loss", (predictions, labels, weights)) as scope:
        labels, predictions = _float_pair(labels, predictions)
        radial = math_ops.multiply(predictions, labels)
        one = convert_to_tensor(1.0, dtype=dtypes.float32)
        losses = math_ops.subtract(one, math_ops.reduce_sum(radial, axis, keepdims=True))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def sigmoid_cross_entropy(multi_class_labels: Any, logits: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: Optional[str] = None,
                          loss_collection: Optional[str] = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted sigmoid cross-entropy (`tf.losses.sigmoid_cross_entropy`).

    Args:
      multi_class_labels: [batch, classes] 0/1 targets (cast to logits' dtype).
      logits: Float [batch, classes].
      weights: Scalar or broadcastable tensor.
      label_smoothing: If > 0, labels become `labels * (1 - s) + 0.5 * s`.
      scope, loss_collection, reduction: As `compute_weighted_loss`.
    """
    _check_not_none(multi_class_labels, logits, "logits")
    with name_scope(scope, "sigmoid_cross_entropy_loss",
                    (logits, multi_class_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(convert_to_tensor(multi_class_labels), logits.dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            keep = convert_to_tensor(1 - label_smoothing, dtype=logits.dtype)
            labels = math_ops.add(math_ops.multiply(labels, keep),
                                  convert_to_tensor(0.5 * label_smoothing, dtype=logits.dtype))
        losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def softmax_cross_entropy(onehot_labels: Any, logits: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: Optional[str] = None,
                          loss_collection: Optional[str] = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted softmax cross-entropy with one-hot labels (`tf.losses.softmax_cross_entropy`).

    Args:
      onehot_labels: [batch, classes] targets (no gradient flows into them).
      logits: [batch, classes] unscaled log probabilities.
      weights: Scalar or [batch] (or [batch, 1]) weights.
      label_smoothing: If > 0, labels become `labels * (1 - s) + s / classes`.
      scope, loss_collection, reduction: As `compute_weighted_loss`.
    """
    _check_not_none(onehot_labels, logits, "logits")
    with name_scope(scope, "softmax_cross_entropy_loss", (logits, onehot_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        onehot_labels = math_ops.cast(convert_to_tensor(onehot_labels), logits.dtype)
        logits.shape.assert_is_compatible_with(onehot_labels.shape)
        if label_smoothing > 0:
            n = logits.shape.as_list()[-1]
            num_classes = convert_to_tensor(float(n), dtype=logits.dtype) if n is not None else \
                math_ops.cast(array_ops.shape(onehot_labels)[-1], logits.dtype)
            smooth_positives = convert_to_tensor(1.0 - label_smoothing, dtype=logits.dtype)
            smooth_negatives = math_ops.realdiv(
                convert_to_tensor(label_smoothing, dtype=logits.dtype), num_classes)
            onehot_labels = math_ops.add(math_ops.multiply(onehot_labels, smooth_positives),
                                         smooth_negatives)
        onehot_labels = array_ops.stop_gradient(onehot_labels, name="labels_stop_gradient")
        losses = softmax_cross_entropy_with_logits_v2(labels=onehot_labels, logits=logits,
                                                      name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def sparse_softmax_cross_entropy(labels: Any, logits: Any, weights: Any = 1.0,
                                 scope: Optional[str] = None,
                                 loss_collection: Optional[str] = GraphKeys.LOSSES,
                                 reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted softmax cross-entropy with integer labels
    (`tf.losses.sparse_softmax_cross_entropy`).

    Args:
      labels: [batch] (or [batch, 1]) int32/int64 class indices.
      logits: [batch, classes].
      weights: Scalar or [batch] (or [batch, 1]) weights.
      scope, loss_collection, reduction: As `compute_weighted_loss`.
    """
    _check_not_none(labels, logits, "logits")
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", (logits, labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels)
        weights = convert_to_tensor(weights, dtype_hint=dtypes.float32)
        labels, weights = _remove_squeezable(labels, logits, weights)
        losses = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def _remove_squeezable(labels: Tensor, logits: Tensor, weights: Tensor):
    """Squeezes a trailing size-1 axis of labels (and weights) shaped [batch, 1]."""
    lr, gr = labels.shape.ndims, logits.shape.ndims
    if lr is not None and gr is not None and lr == gr and labels.shape.as_list()[-1] == 1:
        labels = array_ops.squeeze(labels, [-1])
    wr = weights.shape.ndims
    lr = labels.shape.ndims
    if wr is not None and lr is not None and wr == lr + 1 and weights.shape.as_list()[-1] == 1:
        weights = array_ops.squeeze(weights, [-1])
    return labels, weights


def get_losses(scope: Optional[str] = None,
               loss_collection: str = GraphKeys.LOSSES) -> List[Tensor]:
    """The losses in `loss_collection` (`tf.losses.get_losses`), filtered by `scope`."""
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope: Optional[str] = None) -> List[Tensor]:
    """The tensors in `tf.GraphKeys.REGULARIZATION_LOSSES`
    (`tf.losses.get_regularization_losses`)."""
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope: Optional[str] = None,
                            name: str = "total_regularization_loss") -> Tensor:
    """The sum of the regularization losses, or 0.0 when there are none
    (`tf.losses.get_regularization_loss`)."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return convert_to_tensor(0.0, dtype=dtypes.float32)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss",
                   scope: Optional[str] = None) -> Tensor:
    """The sum of the collected losses (plus the regularization losses by default)
    (`tf.losses.get_total_loss`).

    Raises:
      ValueError: If there are no losses.
    """
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found in collection.")
    return math_ops.add_n(losses, name=name)


__all__: List[str] = []
