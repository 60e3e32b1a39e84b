"""Variable initializers (`tf.zeros_initializer`, `tf.glorot_uniform_initializer`, ...).

Each initializer is a TF1 class whose instances are called as `init(shape, dtype=None,
partition_info=None)` and build the ops of the initial value in the current name scope (inside
`tf.get_variable` that is "<var>/Initializer/"), exactly as TF1's `init_ops` v1 classes do.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional

import numpy as np

from ..framework import dtypes
from ..framework.constant import constant
from ..framework.graph import Tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import as_shape
from . import random_ops


def _assert_float_dtype(dtype: Any) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


def _shape_list(shape: Any) -> list:
    """A fully known shape as a list of ints (initializers compute fans from it)."""
    if isinstance(shape, Tensor):
        raise TypeError(f"This initializer needs a static shape, got the tensor {shape}")
    dims = as_shape(shape).as_list()
    if any(d is None for d in dims):
        raise ValueError(f"This initializer needs a fully defined shape, got {as_shape(shape)}")
    return dims


def _compute_fans(shape: list):
    """TF1's fan-in / fan-out: conv kernels [..., in, out] count the receptive field too."""
    if len(shape) < 1:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    elif len(shape) == 2:
        fan_in, fan_out = shape
    else:
        receptive_field_size = 1
        for dim in shape[:-2]:
            receptive_field_size *= dim
        fan_in = shape[-2] * receptive_field_size
        fan_out = shape[-1] * receptive_field_size
    return int(fan_in), int(fan_out)


class Initializer:
    """Base class of the initializers: `init(shape, dtype=None, partition_info=None)`."""

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> Dict[str, Any]:
        """The constructor arguments, so that `cls.from_config(init.get_config())` rebuilds it."""
        return {}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "Initializer":
        return cls(**config)


class Zeros(Initializer):
    """Initializer that generates tensors initialized to 0 (`tf.zeros_initializer`)."""

    def __init__(self, dtype: Any = dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import array_ops
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        return array_ops.zeros(shape, dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """Initializer that generates tensors initialized to 1 (`tf.ones_initializer`)."""

    def __init__(self, dtype: Any = dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import array_ops
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        return array_ops.ones(shape, dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """Initializer that generates tensors with constant values (`tf.constant_initializer`).

    A scalar fills the shape; a list or array with as many elements is reshaped to it; a
    shorter list is padded with its last element (TF1's `tf.constant` rules).

    Args:
      value: A Python scalar, list or tuple of values, or a NumPy array.
      dtype: The default element type.
      verify_shape: If True, `value`'s shape must equal the requested shape.

    Raises:
      TypeError: If `value` is of another type.
    """

    def __init__(self, value: Any = 0, dtype: Any = dtypes.float32, verify_shape: bool = False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(f"Invalid type for initial value: {type(value)} (expected Python "
                            "scalar, list or tuple of values, or numpy.ndarray).")
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        if verify_shape is None:
            verify_shape = self._verify_shape
        return constant(self.value, dtype=dtype, shape=shape, verify_shape=verify_shape)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Uniform values in `[minval, maxval)` (`tf.random_uniform_initializer`).

    Args:
      minval: Lower bound (default 0).
      maxval: Upper bound (default 1 for floats; required for integer dtypes).
      seed: Op-level seed.
      dtype: The default element type.
    """

    def __init__(self, minval: Any = 0, maxval: Any = None, seed: Optional[int] = None,
                 dtype: Any = dtypes.float32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        return random_ops.random_uniform(shape, self.minval, self.maxval, dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(Initializer):
    """Normally distributed values (`tf.random_normal_initializer`).

    Raises:
      ValueError: If `dtype` is not floating point.
    """

    _sample = staticmethod(random_ops.random_normal)

    def __init__(self, mean: Any = 0.0, stddev: Any = 1.0, seed: Optional[int] = None,
                 dtype: Any = dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _assert_float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        return self._sample(shape, self.mean, self.stddev, dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """Normal values re-drawn beyond two standard deviations (`tf.truncated_normal_initializer`).

    Raises:
      ValueError: If `dtype` is not floating point.
    """

    _sample = staticmethod(random_ops.truncated_normal)


class UniformUnitScaling(Initializer):
    """Deprecated TF1 initializer: uniform in +-sqrt(3 / input_size) * factor.

    The input size is the product of all dimensions but the last.
    """

    def __init__(self, factor: float = 1.0, seed: Optional[int] = None,
                 dtype: Any = dtypes.float32):
        self.factor = factor
        self.seed = seed
        self.dtype = _assert_float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        scale_shape = _shape_list(shape if partition_info is None else partition_info.full_shape)
        input_size = 1.0
        for dim in scale_shape[:-1]:
            input_size *= float(dim)
        input_size = max(input_size, 1.0)  # zero-size tensors
        max_val = math.sqrt(3 / input_size) * self.factor
        return random_ops.random_uniform(shape, -max_val, max_val, dtype, seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


class VarianceScaling(Initializer):
    """Scales its distribution to the shape of the weights (`tf.variance_scaling_initializer`).

    With `n` the fan-in, fan-out or their average (by `mode`), values have variance
    `scale / n`: "truncated_normal" (or "normal") draws a truncated normal of stddev
    `sqrt(scale / n) / .87962566103423978` (undoing the truncation's variance loss),
    "untruncated_normal" a normal of stddev `sqrt(scale / n)`, "uniform" a uniform within
    `+-sqrt(3 * scale / n)`.

    Args:
      scale: Positive scaling factor.
      mode: "fan_in", "fan_out" or "fan_avg".
      distribution: "truncated_normal", "normal", "untruncated_normal" or "uniform".
      seed: Op-level seed.
      dtype: A floating type.

    Raises:
      ValueError: For a non-positive scale, an unknown mode or distribution, or a
        non-floating dtype.
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: Optional[int] = None,
                 dtype: Any = dtypes.float32):
        if scale <= 0.:
            raise ValueError("`scale` must be positive float.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError(f"Invalid `mode` argument: {mode}")
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _assert_float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        scale_shape = shape if partition_info is None else partition_info.full_shape
        fan_in, fan_out = _compute_fans(_shape_list(scale_shape))
        scale = self.scale
        if self.mode == "fan_in":
            scale /= max(1., fan_in)
        elif self.mode == "fan_out":
            scale /= max(1., fan_out)
        else:
            scale /= max(1., (fan_in + fan_out) / 2.)
        if self.distribution in ("normal", "truncated_normal"):
            # The stddev of a unit normal truncated to [-2, 2] (scipy.stats.truncnorm.std(-2, 2)).
            stddev = math.sqrt(scale) / .87962566103423978
            return random_ops.truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Glorot (Xavier) uniform: within `+-sqrt(6 / (fan_in + fan_out))`
    (`tf.glorot_uniform_initializer`, the default of `tf.get_variable` for floats)."""

    def __init__(self, seed: Optional[int] = None, dtype: Any = dtypes.float32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed, dtype=dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Glorot (Xavier) normal: truncated normal of variance `2 / (fan_in + fan_out)`
    (`tf.glorot_normal_initializer`)."""

    def __init__(self, seed: Optional[int] = None, dtype: Any = dtypes.float32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="truncated_normal", seed=seed,
                         dtype=dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


@register_op("OrthogonalQ")
class OrthogonalQ(OpDef):
    """The Q factor of a matrix's QR decomposition, with columns signed so diag(R) >= 0.

    tfgraph-specific: stands in for TF1's Qr + DiagPart + Sign + Mul (+ transpose) chain of the
    orthogonal initializer; `transpose` returns Q transposed (for wide matrices).
    """

    def infer(self, a, *, transpose):
        if a.shape.ndims not in (None, 2):
            raise ValueError(f"OrthogonalQ: expected a matrix, got shape {a.shape}")
        if a.shape.ndims is None:
            return spec(a.dtype, [None, None])
        m, n = a.shape.as_list()
        k = None if m is None or n is None else min(m, n)
        return spec(a.dtype, [k, m] if transpose else [m, k])

    def compute(self, be, a, *, transpose):
        xp = be.xp
        q, r = xp.linalg.qr(a)
        d = xp.sign(xp.diagonal(r))
        d = xp.where(d == 0, xp.ones_like(d), d)  # keep a column whose R diagonal is 0
        q = (q * d).astype(a.dtype)
        return q.T.copy() if transpose else q


NotDifferentiable("OrthogonalQ")


class Orthogonal(Initializer):
    """An orthogonal matrix (rows or columns orthonormal) times `gain`
    (`tf.orthogonal_initializer`).

    Shapes of rank > 2 are flattened to `[prod(shape[:-1]), shape[-1]]`.

    Raises:
      ValueError: If the shape has rank < 2, or `dtype` is not floating point.
    """

    def __init__(self, gain: float = 1.0, seed: Optional[int] = None,
                 dtype: Any = dtypes.float32):
        self.gain = gain
        self.seed = seed
        self.dtype = _assert_float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import array_ops
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        dims = _shape_list(shape)
        if len(dims) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        num_rows = 1
        for dim in dims[:-1]:
            num_rows *= dim
        num_cols = dims[-1]
        wide = num_rows < num_cols
        flat_shape = (num_cols, num_rows) if wide else (num_rows, num_cols)
        a = random_ops.random_normal(flat_shape, dtype=dtype, seed=self.seed)
        q = a.graph.create_op("OrthogonalQ", [a], {"transpose": wide},
                              name="OrthogonalQ").outputs[0]
        return self.gain * array_ops.reshape(q, dims)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class Identity(Initializer):
    """The identity matrix times `gain` (2-D shapes only) (`tf.initializers.identity`).

    Raises:
      ValueError: If the shape is not 2-D.
    """

    def __init__(self, gain: float = 1.0, dtype: Any = dtypes.float32):
        self.gain = gain
        self.dtype = _assert_float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        full_shape = shape if partition_info is None else partition_info.full_shape
        dims = _shape_list(full_shape)
        if len(dims) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        eye = np.eye(*dims, dtype=dtype.np_dtype) * np.asarray(self.gain, dtype=dtype.np_dtype)
        return constant(eye, dtype=dtype, name="identity")

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


def lecun_normal(seed: Optional[int] = None) -> VarianceScaling:
    """LeCun normal: truncated normal with variance `1 / fan_in`."""
    return VarianceScaling(scale=1., mode="fan_in", distribution="truncated_normal", seed=seed)


def lecun_uniform(seed: Optional[int] = None) -> VarianceScaling:
    """LeCun uniform: within `+-sqrt(3 / fan_in)`."""
    return VarianceScaling(scale=1., mode="fan_in", distribution="uniform", seed=seed)


def he_normal(seed: Optional[int] = None) -> VarianceScaling:
    """He normal: truncated normal with variance `2 / fan_in`."""
    return VarianceScaling(scale=2., mode="fan_in", distribution="truncated_normal", seed=seed)


def he_uniform(seed: Optional[int] = None) -> VarianceScaling:
    """He uniform: within `+-sqrt(6 / fan_in)`."""
    return VarianceScaling(scale=2., mode="fan_in", distribution="uniform", seed=seed)


# TF1's public (lower-case) names.
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity

__all__ = ["zeros_initializer", "ones_initializer", "constant_initializer",
           "random_uniform_initializer", "random_normal_initializer",
           "truncated_normal_initializer", "uniform_unit_scaling_initializer",
           "variance_scaling_initializer", "glorot_uniform_initializer",
           "glorot_normal_initializer", "orthogonal_initializer"]
