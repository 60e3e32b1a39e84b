"""`tf.math`: TF1's math namespace: the math, segment and activation ops under TF1's names
(re-exports only; see `_reexport.export`)."""
from ._reexport import export as _export

_NAMES = """abs accumulate_n acos acosh add add_n angle argmax argmin asin asinh atan atan2
atanh bessel_i0 bessel_i0e bessel_i1 bessel_i1e betainc bincount ceil confusion_matrix conj cos
cosh count_nonzero cumprod cumsum cumulative_logsumexp digamma divide divide_no_nan equal erf
erfc erfcinv erfinv exp expm1 floor floordiv floormod greater greater_equal igamma igammac imag
in_top_k invert_permutation is_finite is_inf is_nan is_non_decreasing is_strictly_increasing
l2_normalize lbeta less less_equal lgamma log log1p log_sigmoid log_softmax logical_and
logical_not logical_or logical_xor maximum minimum mod multiply multiply_no_nan ndtri negative
nextafter not_equal polygamma polyval pow real reciprocal reciprocal_no_nan reduce_all
reduce_any reduce_euclidean_norm reduce_logsumexp reduce_max reduce_mean reduce_min
reduce_prod reduce_std reduce_sum reduce_variance rint round rsqrt scalar_mul segment_max
segment_mean segment_min segment_prod segment_sum sigmoid sign sin sinh sobol_sample softmax
softplus softsign sqrt square squared_difference subtract tan tanh top_k truediv
unsorted_segment_max unsorted_segment_mean unsorted_segment_min unsorted_segment_prod
unsorted_segment_sqrt_n unsorted_segment_sum xdivy xlog1py xlogy zero_fraction zeta""".split()

__all__ = _export(globals(), _NAMES,
                  ("ops.math_ops", "ops.more_math_ops", "ops.segment_ops", "ops.array_ops",
                   "ops.nn_ops", "ops.misc_api", "ops.linalg_ops", "ops.array_extra_ops",
                   "ops.special_math_ops", "ops.complex_ops", "ops.math_rest_ops"),
                  renames={"divide_no_nan": "div_no_nan"})

from ._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.math", __name__, _TABLES["tf.math"])

# mathfn: tf.math.special (a module of its own, as in TF1).
from . import _math_special as special  # noqa: E402
__all__.append("special")
