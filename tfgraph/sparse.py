"""`tf.sparse`: TF1's sparse-tensor namespace (the basics; see ops/sparse_ops.py)."""
from .framework.sparse_tensor import SparseTensor  # noqa: F401
from .ops.sparse_ops import (sparse_placeholder as placeholder,  # noqa: F401
                             sparse_reduce_sum as reduce_sum, sparse_reorder as reorder,
                             sparse_tensor_dense_matmul as sparse_dense_matmul,
                             sparse_tensor_dense_matmul as matmul,
                             sparse_tensor_to_dense as to_dense)

__all__ = ["SparseTensor", "placeholder", "reduce_sum", "reorder", "sparse_dense_matmul",
           "matmul", "to_dense"]

# The rest of TF1's tf.sparse (ops/sparse_more_ops.py).
from .ops.sparse_more_ops import (from_dense, sparse_add as add,  # noqa: E402,F401
                                  sparse_concat as concat, sparse_expand_dims as expand_dims,
                                  sparse_eye as eye, sparse_fill_empty_rows as fill_empty_rows,
                                  sparse_mask as mask, sparse_maximum as maximum,
                                  sparse_merge as merge,
                                  sparse_minimum as minimum, sparse_reduce_max as reduce_max,
                                  sparse_reduce_max_sparse as reduce_max_sparse,
                                  sparse_reduce_sum_sparse as reduce_sum_sparse,
                                  sparse_reset_shape as reset_shape, sparse_reshape as reshape,
                                  sparse_retain as retain, sparse_slice as slice,
                                  sparse_softmax as softmax, sparse_split as split,
                                  sparse_to_indicator as to_indicator,
                                  sparse_transpose as transpose)

__all__ += ["add", "concat", "expand_dims", "eye", "fill_empty_rows", "from_dense", "mask",
            "maximum",
            "merge", "minimum", "reduce_max", "reduce_max_sparse", "reduce_sum_sparse",
            "reset_shape", "reshape", "retain", "slice", "softmax", "split", "to_indicator",
            "transpose"]

from .ops.sparse_segment_ops import (sparse_segment_mean as segment_mean,  # noqa: E402,F401
                                     sparse_segment_sqrt_n as segment_sqrt_n,
                                     sparse_segment_sum as segment_sum)

__all__ += ["segment_mean", "segment_sqrt_n", "segment_sum"]

from .ops.sparse_misc_ops import (bincount, sparse_cross as cross,  # noqa: E402,F401
                                  sparse_cross_hashed as cross_hashed)

__all__ += ["bincount", "cross", "cross_hashed"]

from ._unsupported import TABLES as _TABLES, refusing_getattr as _refusing_getattr  # noqa: E402

__getattr__ = _refusing_getattr("tf.sparse", __name__, _TABLES["tf.sparse"])
