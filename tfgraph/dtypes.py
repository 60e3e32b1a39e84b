"""`tf.dtypes`: the dtypes and dtype functions under TF1's names (re-exports only)."""
from ._reexport import export as _export

_NAMES = """DType as_dtype as_string bool cast complex complex128 complex64 double float16 float32
float64 half int16 int32 int64 int8 saturate_cast string uint16 uint32 uint64 uint8""".split()

__all__ = _export(globals(), _NAMES, ("framework.dtypes", "ops.math_ops", "ops.misc_api",
                                      "ops.more_math_ops", "ops.string_ops"))

from ._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.dtypes", __name__, _TABLES["tf.dtypes"])
