"""Kernel machinery shared by op families: BLAS thread control (`threads`), tfgraph's own
kernel threads (`parallel`), C allocator tuning (`memory`), the work-buffer pool
(`workspace`) and maximum/minimum with a scalar at SIMD speed (`scalar_blocks`).  Imports
nothing from `ops`; the window geometry, padding and im2col of the convolution and pooling
kernels still live in `ops/conv_ops.py`."""
