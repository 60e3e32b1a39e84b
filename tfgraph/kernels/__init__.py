"""Kernel machinery shared by op families: BLAS thread control (`threads`), C allocator
tuning (`memory`) and the work-buffer pool (`workspace`).  Imports nothing from `ops`;
the window geometry, padding and im2col of the convolution and pooling kernels still live
in `ops/conv_ops.py`."""
