"""Kernel machinery shared by op families: thread control (`threads`), and the window
geometry, padding, im2col and work-buffer pool of the convolution and pooling kernels
(`window`)."""
