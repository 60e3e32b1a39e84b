"""`tf.debugging`: TF1's checks and predicates under their names (re-exports only; the
assertions come with the control-flow ops that run them)."""
from ._reexport import export as _export

_NAMES = """Assert assert_all_finite assert_equal assert_greater assert_greater_equal
assert_integer assert_less assert_less_equal assert_near assert_negative assert_non_negative
assert_non_positive assert_none_equal assert_positive assert_proper_iterable assert_rank
assert_rank_at_least assert_rank_in assert_same_float_dtype assert_scalar assert_shapes
assert_type check_numerics disable_traceback_filtering get_log_device_placement is_finite is_inf
is_nan is_non_decreasing is_numeric_tensor is_strictly_increasing
is_traceback_filtering_enabled""".split()

__all__ = _export(globals(), _NAMES, ("ops.math_ops", "ops.misc_api", "ops.control_flow_ops",
                                      "ops.check_ops"),
                  renames={"assert_all_finite": "verify_tensor_all_finite"})

from ._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.debugging", __name__, _TABLES["tf.debugging"])
