"""`tf.layers.BatchNormalization` / `tf.layers.batch_normalization`, as TF1's graph-mode layer.

Variables "batch_normalization/gamma", "beta" (trainable), "moving_mean" and
"moving_variance" (not trainable; GLOBAL_VARIABLES). With `training` true the batch
statistics normalize the inputs and two update ops, added to `tf.GraphKeys.UPDATE_OPS`, move
the averages: `moving -= (moving - batch) * (1 - momentum)`. As in TF1, 4-D inputs
normalized over their channel axis take the fused path by default: one FusedBatchNormV3 op
(node for node TF1's graph), whose moving variance receives the unbiased (n / (n - 1))
batch variance; other inputs are normalized by composite ops with the biased one. With
`training` false the moving statistics normalize. `training` may be a bool tensor: `tf.cond`
picks the statistics, and the averages move only when it is true (on the fused path, as in
TF1, through a momentum of 1 otherwise).
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.constant import constant
from ..framework.ops import convert_to_tensor, name_scope
from ..framework.graph_keys import GraphKeys
from ..framework.tensor_util import constant_value
from ..ops import array_ops, init_ops, math_ops, nn_ops, state_ops
from ..ops.batch_norm_ops import fused_batch_norm
from ..ops.cond_v1 import cond, smart_cond
from ._base import Layer


class BatchNormalization(Layer):
    """Batch normalization layer (`tf.layers.BatchNormalization`).

    Args:
      axis: The feature axis (or list of axes) to keep; -1 (channels last) by default.
      momentum: Momentum of the moving averages.
      epsilon: Added to the variance.
      center, scale: Add the offset `beta` / the factor `gamma`.
      *_initializer, *_regularizer, *_constraint: For the variables.
      renorm, virtual_batch_size, adjustment: Not offered (NotImplementedError).
      fused: None (fused when possible: 4-D inputs, channel axis 1 or 3), True (required) or
        False.
      trainable: Put gamma and beta in TRAINABLE_VARIABLES.
      name: Variable scope name (default "batch_normalization").
    """

    _base_name = "batch_normalization"

    def __init__(self, axis: Any = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: Any = None,
                 gamma_initializer: Any = None, moving_mean_initializer: Any = None,
                 moving_variance_initializer: Any = None,
                 beta_regularizer: Optional[Callable] = None,
                 gamma_regularizer: Optional[Callable] = None,
                 beta_constraint: Optional[Callable] = None,
                 gamma_constraint: Optional[Callable] = None, renorm: bool = False,
                 renorm_clipping: Any = None, renorm_momentum: float = 0.99, fused: Any = None,
                 trainable: bool = True, virtual_batch_size: Any = None,
                 adjustment: Any = None, name: Optional[str] = None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if renorm:
            raise NotImplementedError("batch_normalization(renorm=True) is not offered by "
                                      "tfgraph; use renorm=False")
        if virtual_batch_size is not None:
            raise NotImplementedError("batch_normalization(virtual_batch_size=...) is not "
                                      "offered by tfgraph")
        if adjustment is not None:
            raise NotImplementedError("batch_normalization(adjustment=...) is not offered by "
                                      "tfgraph")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = beta_initializer or init_ops.zeros_initializer()
        self.gamma_initializer = gamma_initializer or init_ops.ones_initializer()
        self.moving_mean_initializer = moving_mean_initializer or init_ops.zeros_initializer()
        self.moving_variance_initializer = (moving_variance_initializer or
                                            init_ops.ones_initializer())
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.fused = fused
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None
        # Where the update ops go (tf.contrib.layers.batch_norm lets callers choose).
        self._updates_collections = [GraphKeys.UPDATE_OPS]
        self.updates: List[Any] = []

    def build(self, input_shape) -> None:
        if input_shape.ndims is None:
            raise ValueError("Input has undefined rank: BatchNormalization needs it")
        ndims = input_shape.ndims
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndims <= a < ndims:
                raise ValueError(f"Invalid axis: {a} (the input has rank {ndims})")
        self._axes = sorted(a % ndims for a in axes)
        if len(set(self._axes)) != len(self._axes):
            raise ValueError(f"Duplicate axis: {self.axis}")
        dims = input_shape.as_list()
        for a in self._axes:
            if dims[a] is None:
                raise ValueError(f"Input has undefined `axis` dimension. Input shape: "
                                 f"{input_shape}")
        possible = ndims == 4 and self._axes in ([1], [3])
        if self.fused and not possible:
            raise ValueError(f"fused=True needs 4-D inputs normalized over axis 1 or 3, got "
                             f"rank {ndims} and axis {self.axis}")
        self._fused = possible if self.fused is None else bool(self.fused)
        if self._fused and self.epsilon < 1.001e-5:
            self.epsilon = 1.001e-5  # TF1's fused kernel needs epsilon >= 1.001e-5
        if len(self._axes) == 1:
            param_shape = [dims[self._axes[0]]]
        else:  # several kept axes: parameters broadcastable against the inputs, as TF1
            param_shape = [dims[i] if i in self._axes else 1 for i in range(ndims)]
        self._param_shape = param_shape
        pdtype = dtypes.float32 if self.dtype == dtypes.float16 else self.dtype
        if self.scale:
            self.gamma = self.add_weight("gamma", param_shape, dtype=pdtype,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", param_shape, dtype=pdtype,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight("moving_mean", param_shape, dtype=pdtype,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", param_shape, dtype=pdtype,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def _broadcast(self, v: Any, ndims: int) -> Any:
        """A [C] parameter reshaped to broadcast against the inputs (one kept axis)."""
        if v is None or len(self._axes) > 1 or self._axes[0] == ndims - 1:
            return v
        shape = [1] * ndims
        shape[self._axes[0]] = self._param_shape[0]
        return array_ops.reshape(v, shape)

    def _normalize(self, inputs: Tensor, mean: Any, variance: Any) -> Tensor:
        n = inputs.shape.ndims
        return nn_ops.batch_normalization(inputs, self._broadcast(mean, n),
                                          self._broadcast(variance, n),
                                          self._broadcast(self.beta, n),
                                          self._broadcast(self.gamma, n), self.epsilon)

    def _batch_moments(self, inputs: Tensor):
        n = inputs.shape.ndims
        reduction = [i for i in range(n) if i not in self._axes]
        keep = len(self._axes) > 1
        return nn_ops.moments(inputs, reduction, keep_dims=keep)

    def _assign_moving_average(self, variable, value, momentum: Any):
        """`variable -= (variable - value) * (1 - momentum)` under "AssignMovingAvg", the
        AssignSub op named after the scope (TF1's names: "decay" for a Python momentum,
        "sub" for a tensor one, then "sub_1"/"sub" and "mul")."""
        with name_scope(None, "AssignMovingAvg", [variable, value]) as scope:
            if isinstance(momentum, Tensor):
                decay = 1.0 - momentum
            else:
                decay = convert_to_tensor(1.0 - momentum, name="decay")
            if decay.dtype != variable.dtype.base_dtype:
                decay = math_ops.cast(decay, variable.dtype.base_dtype)
            delta = (variable - math_ops.cast(value, variable.dtype.base_dtype)) * decay
            return state_ops.assign_sub(variable, delta, name=scope)

    def _add_updates(self, mean_update: Any, var_update: Any) -> None:
        for u in (mean_update, var_update):
            self.updates.append(u)
            u.graph.add_to_collections(self._updates_collections, u)

    def _fused_call(self, inputs: Tensor, training: Any) -> Tensor:
        """TF1's fused path: one FusedBatchNormV3 (under `tf.cond` for a tensor `training`),
        whose outputs 1 and 2 (the batch mean and unbiased variance) move the averages."""
        fmt = "NCHW" if self._axes == [1] else "NHWC"
        pdtype = self.moving_mean.dtype.base_dtype
        beta = self.beta if self.center else constant(0.0, pdtype, self._param_shape)
        gamma = self.gamma if self.scale else constant(1.0, pdtype, self._param_shape)

        def fused(is_training: bool):
            return lambda: fused_batch_norm(
                inputs, gamma, beta, mean=self.moving_mean, variance=self.moving_variance,
                epsilon=self.epsilon, is_training=is_training, data_format=fmt)
        output, mean, variance = smart_cond(training, fused(True), fused(False))
        if training is False:
            return output
        momentum = constant(self.momentum) if training is True else smart_cond(
            training, lambda: constant(self.momentum), lambda: constant(1.0))
        self._add_updates(self._assign_moving_average(self.moving_mean, mean, momentum),
                          self._assign_moving_average(self.moving_variance, variance, momentum))
        return output

    def call(self, inputs: Tensor, training: Any = False) -> Tensor:
        if isinstance(training, Tensor):
            static = constant_value(training)
            if static is not None:
                training = bool(static)
        else:
            training = bool(training)  # None: inference, as TF1
        if self._fused:
            return self._fused_call(inputs, training)
        if training is False:
            return self._normalize(inputs, self.moving_mean, self.moving_variance)
        mean, variance = self._batch_moments(inputs)
        if isinstance(training, Tensor):
            mm, mv = self.moving_mean, self.moving_variance
            mean_used = cond(training, lambda: mean, lambda: array_ops.identity(mm))
            var_used = cond(training, lambda: variance, lambda: array_ops.identity(mv))
            out = self._normalize(inputs, mean_used, var_used)
            mean_update = cond(training,
                               lambda: self._assign_moving_average(mm, mean, self.momentum),
                               lambda: array_ops.identity(mm))
            var_update = cond(training,
                              lambda: self._assign_moving_average(mv, variance, self.momentum),
                              lambda: array_ops.identity(mv))
        else:
            out = self._normalize(inputs, mean, variance)
            mean_update = self._assign_moving_average(self.moving_mean, mean, self.momentum)
            var_update = self._assign_moving_average(self.moving_variance, variance,
                                                     self.momentum)
        self._add_updates(mean_update, var_update)
        return out


def batch_normalization(inputs: Any, axis: Any = -1, momentum: float = 0.99,
                        epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                        beta_initializer: Any = None, gamma_initializer: Any = None,
                        moving_mean_initializer: Any = None,
                        moving_variance_initializer: Any = None,
                        beta_regularizer: Optional[Callable] = None,
                        gamma_regularizer: Optional[Callable] = None,
                        beta_constraint: Optional[Callable] = None,
                        gamma_constraint: Optional[Callable] = None, training: Any = False,
                        trainable: bool = True, name: Optional[str] = None, reuse: Any = None,
                        renorm: bool = False, renorm_clipping: Any = None,
                        renorm_momentum: float = 0.99, fused: Any = None,
                        virtual_batch_size: Any = None, adjustment: Any = None) -> Tensor:
    """Batch normalization (`tf.layers.batch_normalization`).

    Typical training code runs the moving-average updates with the train step::

        x = tf.layers.batch_normalization(x, training=is_training)
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_op = optimizer.minimize(loss)

    Args: as `BatchNormalization`, plus
      inputs: The tensor to normalize.
      training: A Python bool or a bool tensor: batch statistics (and updates) when true,
        moving statistics when false.
      reuse: Reuse the variables of a previous layer of the same name.

    Raises:
      NotImplementedError: For renorm, virtual_batch_size or adjustment.
      ValueError: For an invalid axis, an unknown channel dimension or an impossible fused=True.
    """
    layer = BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                               scale=scale, beta_initializer=beta_initializer,
                               gamma_initializer=gamma_initializer,
                               moving_mean_initializer=moving_mean_initializer,
                               moving_variance_initializer=moving_variance_initializer,
                               beta_regularizer=beta_regularizer,
                               gamma_regularizer=gamma_regularizer,
                               beta_constraint=beta_constraint, gamma_constraint=gamma_constraint,
                               renorm=renorm, renorm_clipping=renorm_clipping,
                               renorm_momentum=renorm_momentum, fused=fused, trainable=trainable,
                               virtual_batch_size=virtual_batch_size, adjustment=adjustment,
                               name=name, _reuse=reuse)
    return layer(inputs, training=training)

