"""Backend registry, the NumPy backend, the shared helpers, and CuPy's errors when it is missing."""
import sys
import types

import numpy as np
import pytest

from tfgraph import backends
from tfgraph.backends import cupy_backend, default_backend_name, get_backend

F32 = np.float32


def test_get_backend_returns_shared_instances():
    assert get_backend("numpy") is get_backend("numpy")
    assert get_backend("strict") is get_backend("strict")
    with pytest.raises(ValueError, match="unknown backend 'tpu'"):
        get_backend("tpu")


def test_numpy_backend_transfers_are_free():
    be = get_backend("numpy")
    a = np.ones(3, F32)
    assert be.from_host(a) is a and be.to_host(a) is a
    assert be.is_host and be.device_type == "CPU" and be.xp is np
    assert be.device_name == "/job:localhost/replica:0/task:0/device:CPU:0"
    assert be.asarray([1, 2], dtype=np.int32).dtype == np.int32


def test_default_backend_name_reads_the_environment(monkeypatch):
    monkeypatch.delenv("TFGRAPH_BACKEND", raising=False)
    assert default_backend_name() == "numpy"
    monkeypatch.setenv("TFGRAPH_BACKEND", "Strict")
    assert default_backend_name() == "strict"
    monkeypatch.setenv("TFGRAPH_BACKEND", "cupy")
    with pytest.raises(ValueError, match="TFGRAPH_DEVICE=gpu"):
        default_backend_name()


@pytest.mark.parametrize("name", ["numpy", "strict"])
def test_scatter_add_accumulates_repeated_indices(name):
    be = get_backend(name)
    target = be.xp.zeros((3, 2), dtype=F32)
    be.scatter_add(target, be.asarray([0, 2, 0]), be.asarray(np.ones((3, 2), F32)))
    np.testing.assert_array_equal(be.to_host(target), [[2, 2], [0, 0], [1, 1]])


@pytest.mark.parametrize("name", ["numpy", "strict"])
def test_window_views(name):
    be = get_backend(name)
    a = np.arange(16, dtype=F32).reshape(1, 4, 4, 1)
    x = be.asarray(a)
    w = be.sliding_window_view(x, (2, 2), axis=(1, 2))
    assert w.shape == (1, 3, 3, 1, 2, 2)
    np.testing.assert_array_equal(be.to_host(w)[0, 1, 2, 0], [[6, 7], [10, 11]])
    s = be.as_strided(be.asarray(np.arange(6, dtype=F32)), (2, 3), (12, 4))
    np.testing.assert_array_equal(be.to_host(s), [[0, 1, 2], [3, 4, 5]])


@pytest.fixture
def fresh_probe(monkeypatch):
    """Forget the cached CuPy probe and backend so a test can fake CuPy's absence."""
    monkeypatch.setattr(cupy_backend, "_probe_result", None)
    monkeypatch.delitem(backends._INSTANCES, "cupy", raising=False)
    yield
    cupy_backend._probe_result = None


def test_missing_cupy_names_the_install_command(monkeypatch, fresh_probe):
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` raises ImportError
    assert backends.gpu_available() == (False, "CuPy is not installed: pip install tfgraph[gpu]")
    with pytest.raises(ImportError, match=r"/device:GPU:0: CuPy is not installed: pip install "
                                          r"tfgraph\[gpu\]"):
        get_backend("cupy")


def test_cupy_without_a_cuda_device_says_so(monkeypatch, fresh_probe):
    def no_device():
        raise RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")
    fake = types.ModuleType("cupy")
    fake.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=no_device))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    ok, reason = backends.gpu_available()
    assert not ok and reason.startswith("no CUDA device: cudaErrorNoDevice")
    with pytest.raises(RuntimeError, match="Cannot use /device:GPU:0: no CUDA device"):
        get_backend("cupy")
    assert "cupy" not in backends._INSTANCES
