"""`tf.linalg`: TF1's linear-algebra namespace under its names (re-exports only)."""
from ._reexport import export as _export

_NAMES = """adjoint band_part cholesky cholesky_solve cross det diag diag_part eigh eigvalsh einsum
expm eye global_norm inv l2_normalize logdet logm lstsq lu matmul matrix_rank matrix_transpose
matvec norm pinv qr set_diag slogdet solve sqrtm svd tensor_diag tensor_diag_part tensordot trace
transpose triangular_solve""".split()

__all__ = _export(globals(), _NAMES,
                  ("ops.linalg_ops", "ops.array_ops", "ops.math_ops", "ops.clip_ops",
                   "ops.nn_ops", "ops.linalg_decomp_ops", "ops.linalg_extra_ops"),
                  renames={"band_part": "matrix_band_part", "det": "matrix_determinant",
                           "diag": "matrix_diag", "diag_part": "matrix_diag_part",
                           "inv": "matrix_inverse", "set_diag": "matrix_set_diag",
                           "slogdet": "log_matrix_determinant", "solve": "matrix_solve",
                           "tensor_diag": "diag", "tensor_diag_part": "diag_part",
                           "transpose": "matrix_transpose",
                           "triangular_solve": "matrix_triangular_solve"})

# mathfn: TF1's tridiagonal, LU and normalize helpers.
__all__ += _export(globals(), """eigh_tridiagonal lu_matrix_inverse lu_reconstruct lu_solve
normalize tridiagonal_matmul tridiagonal_solve""".split(), ("ops.linalg_extra_ops",))

from ._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.linalg", __name__, _TABLES["tf.linalg"])
