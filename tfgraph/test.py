"""`tf.test`: the gradient checker (`compute_gradient`, `compute_gradient_error`), `TestCase`,
and device queries, as TF1 test scripts use them. Re-exports of `tfgraph/_testing.py`."""
from ._testing import (TestCase, compute_gradient, compute_gradient_error,  # noqa: F401
                       get_temp_dir, gpu_device_name, is_built_with_cuda,
                       is_built_with_gpu_support, is_built_with_rocm, is_gpu_available, main)

__all__ = ["compute_gradient", "compute_gradient_error", "TestCase", "main", "get_temp_dir",
           "is_gpu_available", "gpu_device_name", "is_built_with_cuda",
           "is_built_with_gpu_support", "is_built_with_rocm", "mock"]


def __getattr__(name: str):
    # `tf.test.mock` is unittest.mock, imported on first use (it pulls in asyncio).
    if name == "mock":
        from unittest import mock
        return mock
    raise AttributeError(f"module 'tfgraph.test' has no attribute {name!r}")
