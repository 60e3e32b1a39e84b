"""Clipping: `tf.clip_by_value`, `clip_by_norm`, `clip_by_average_norm`, `global_norm`,
`clip_by_global_norm`, built from existing ops exactly as TF1's `clip_ops.py` builds them
(same name scopes, same guards against zero norms, NaN for an infinite global norm)."""
from __future__ import annotations

import collections.abc
from typing import Any, List, Optional, Sequence, Tuple

from ..framework.ops import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from . import array_ops, math_ops
from .nn_ops import l2_loss


def _values(t: Any) -> Any:
    """The dense values of a tensor or of IndexedSlices-like objects (`.values`)."""
    return t.values if hasattr(t, "values") and hasattr(t, "indices") else t


def _rewrap(t: Any, values: Tensor) -> Any:
    if hasattr(t, "values") and hasattr(t, "indices"):
        return type(t)(values, t.indices, getattr(t, "dense_shape", None))
    return values


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any,
                  name: Optional[str] = None) -> Tensor:
    """Clips `t` elementwise to `[clip_value_min, clip_value_max]` (`tf.clip_by_value`).

    Args:
      t: A tensor (or IndexedSlices: its values are clipped).
      clip_value_min, clip_value_max: Scalars or tensors broadcastable to `t`'s shape.
      name: Name of the result (default scope "clip_by_value").

    Raises:
      ValueError: If the bounds do not broadcast to `t`'s shape (the result would change shape).
    """
    with name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = convert_to_tensor(_values(t), name="t")
        t_min = math_ops.minimum(values, clip_value_max)
        if not values.shape.is_compatible_with(t_min.shape) or (
                values.shape.ndims is not None and t_min.shape.ndims is not None
                and values.shape.ndims != t_min.shape.ndims):
            raise ValueError(f"clip_by_value: clip_value_max of this shape would broadcast "
                             f"{values.shape} to {t_min.shape}")
        t_max = math_ops.maximum(t_min, clip_value_min, name=scope)
        if not values.shape.is_compatible_with(t_max.shape):
            raise ValueError(f"clip_by_value: clip_value_min of this shape would broadcast "
                             f"{values.shape} to {t_max.shape}")
        return _rewrap(t, t_max)


def clip_by_norm(t: Any, clip_norm: Any, axes: Any = None, name: Optional[str] = None) -> Tensor:
    """Scales `t` so that its L2 norm (over `axes`) is at most `clip_norm` (`tf.clip_by_norm`).

    `t * clip_norm / max(l2norm(t), clip_norm)`; a zero norm leaves `t` unchanged (the
    gradient stays finite, as in TF1).
    """
    with name_scope(name, "clip_by_norm", [t, clip_norm]) as scope:
        values = convert_to_tensor(_values(t), name="t")
        l2sum = math_ops.reduce_sum(math_ops.multiply(values, values), axes, keepdims=True)
        pred = math_ops.greater(l2sum, 0)
        l2sum_safe = math_ops.select(pred, l2sum, array_ops.ones_like(l2sum))
        l2norm = math_ops.select(pred, math_ops.sqrt(l2sum_safe), l2sum)
        clip = convert_to_tensor(clip_norm, dtype=values.dtype, name="clip_norm")
        intermediate = math_ops.multiply(values, clip)
        if not values.shape.is_compatible_with(intermediate.shape):
            raise ValueError(f"clip_by_norm: clip_norm must be a scalar or broadcast to "
                             f"{values.shape}, got {intermediate.shape}")
        clipped = array_ops.identity(
            math_ops.truediv(intermediate, math_ops.maximum(l2norm, clip)), name=scope)
        return _rewrap(t, clipped)


def global_norm(t_list: Sequence[Any], name: Optional[str] = None) -> Tensor:
    """`sqrt(sum(l2norm(t)**2 for t in t_list))`, skipping None entries (`tf.global_norm`).

    Raises:
      TypeError: If `t_list` is not a sequence.
    """
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    with name_scope(name, "global_norm", [v for v in t_list if v is not None]):
        values = [convert_to_tensor(_values(t), name=f"t_{i}")
                  for i, t in enumerate(t_list) if t is not None]
        if not values:
            raise ValueError("global_norm: t_list has no tensors (all None)")
        half = [l2_loss(v) for v in values]
        half_squared_norm = math_ops.reduce_sum(array_ops.stack(half))
        two = convert_to_tensor(2.0, dtype=half[0].dtype)
        return math_ops.sqrt(math_ops.multiply(half_squared_norm, two), name="global_norm")


def clip_by_global_norm(t_list: Sequence[Any], clip_norm: Any, use_norm: Any = None,
                        name: Optional[str] = None) -> Tuple[List[Any], Tensor]:
    """Scales every tensor of `t_list` by `clip_norm / max(global_norm, clip_norm)`
    (`tf.clip_by_global_norm`).

    Args:
      t_list: Tensors (None entries stay None).
      clip_norm: The maximum global norm (a positive scalar).
      use_norm: A precomputed global norm (default: `global_norm(t_list)`).
      name: Name scope (default "clip_by_global_norm").

    Returns:
      `(list_clipped, global_norm)`; with an infinite global norm every entry is NaN, as TF1.

    Raises:
      TypeError: If `t_list` is not a sequence.
    """
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    norm = global_norm(t_list, name) if use_norm is None else use_norm
    with name_scope(name, "clip_by_global_norm",
                    [v for v in t_list if v is not None] + [clip_norm]) as scope:
        norm = convert_to_tensor(norm, name="use_norm")
        dtype = norm.dtype
        clip = convert_to_tensor(clip_norm, dtype=dtype, name="clip_norm")
        one = convert_to_tensor(1.0, dtype=dtype)
        scale_for_finite = math_ops.multiply(clip, math_ops.minimum(
            math_ops.truediv(one, norm), math_ops.truediv(one, clip)))
        # NaN when the norm is inf (inf - inf), so a blown-up step is visible, as in TF1.
        scale = math_ops.add(scale_for_finite, math_ops.subtract(norm, norm))
        out = []
        for i, t in enumerate(t_list):
            if t is None:
                out.append(None)
                continue
            v = convert_to_tensor(_values(t))
            s = scale if v.dtype == dtype else math_ops.cast(scale, v.dtype)
            # TF1 names the results "<scope>_<i>" inside the scope.
            out.append(_rewrap(t, array_ops.identity(math_ops.multiply(v, s),
                                                     name=f"{scope}_{i}")))
        return out, norm


def clip_by_average_norm(t: Any, clip_norm: Any, name: Optional[str] = None) -> Tensor:
    """Scales `t` so its L2 norm divided by its number of elements is at most `clip_norm`
    (`tf.clip_by_average_norm`)."""
    with name_scope(name, "clip_by_average_norm", [t, clip_norm]) as scope:
        t = convert_to_tensor(t, name="t")
        n = math_ops.cast(array_ops.size(t), t.dtype)
        clip = convert_to_tensor(clip_norm, dtype=t.dtype, name="clip_norm")
        l2norm_inv = math_ops.rsqrt(math_ops.reduce_sum(math_ops.multiply(t, t)))
        factor = math_ops.minimum(math_ops.multiply(l2norm_inv, n),
                                  math_ops.truediv(convert_to_tensor(1.0, dtype=t.dtype), clip))
        return array_ops.identity(math_ops.multiply(math_ops.multiply(t, clip), factor),
                                  name=scope)


__all__ = ["clip_by_average_norm", "clip_by_global_norm", "clip_by_norm", "clip_by_value",
           "global_norm"]
