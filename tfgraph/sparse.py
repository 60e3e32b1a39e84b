"""`tf.sparse`: TF1's sparse-tensor namespace (the basics; see ops/sparse_ops.py)."""
from .framework.sparse_tensor import SparseTensor  # noqa: F401
from .ops.sparse_ops import (sparse_placeholder as placeholder,  # noqa: F401
                             sparse_reduce_sum as reduce_sum, sparse_reorder as reorder,
                             sparse_tensor_dense_matmul as sparse_dense_matmul,
                             sparse_tensor_dense_matmul as matmul,
                             sparse_tensor_to_dense as to_dense)

__all__ = ["SparseTensor", "placeholder", "reduce_sum", "reorder", "sparse_dense_matmul",
           "matmul", "to_dense"]
