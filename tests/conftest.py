"""Test set-up: kernel output checking on, a fresh default graph for every test."""
import os

# Every kernel's output is checked against its op's static dtype and shape (float32 stays
# float32); must be set before tfgraph is imported.
os.environ.setdefault("TFGRAPH_CHECK_KERNELS", "1")

import pathlib  # noqa: E402

import pytest  # noqa: E402

import tfgraph as tf  # noqa: E402

SHARED_DATASETS = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


@pytest.fixture(autouse=True)
def _fresh_default_graph():
    """Each test starts with an empty default graph and no default session."""
    tf.reset_default_graph()
    yield
    from tfgraph import session as _session
    _session._default_session_stack.clear()
    from tfgraph.framework import graph as _graph
    _graph._default_graph_stack.clear()
    tf.reset_default_graph()


@pytest.fixture
def datasets_dir():
    if not SHARED_DATASETS.is_dir():
        pytest.skip(f"real datasets folder {SHARED_DATASETS} is absent")
    return SHARED_DATASETS


# --- devices: run a test once per device backend (owned by the devices engineer) ---------------
# `on_device` parametrizes a test over "cpu" (NumPy; the strict backend under
# TFGRAPH_BACKEND=strict) and "gpu" (CuPy, marked `gpu`). Sessions created in the test put
# unpinned ops on that device (TFGRAPH_DEVICE).  Every `gpu`-marked test is skipped, with the
# reason, where CuPy or a CUDA device is missing.
def pytest_collection_modifyitems(config, items):
    gpu_items = [item for item in items if item.get_closest_marker("gpu") is not None]
    if not gpu_items:
        return
    from tfgraph.backends import gpu_available
    ok, reason = gpu_available()
    if not ok:
        skip = pytest.mark.skip(reason=f"needs a GPU: {reason}")
        for item in gpu_items:
            item.add_marker(skip)


@pytest.fixture(params=["cpu", pytest.param("gpu", marks=pytest.mark.gpu)])
def on_device(request, monkeypatch):
    """"cpu" or "gpu": the device that runs the test's unpinned ops."""
    monkeypatch.setenv("TFGRAPH_DEVICE", request.param)
    return request.param


# --- shared helpers: a session run, device fakes -------------------------------------------------
@pytest.fixture
def run():
    """`run(fetches, feed_dict=None, times=None)`: the fetched values from a new Session on the
    default graph (variables are not initialized); with `times`, a list of that many runs."""
    def run_in_session(fetches, feed_dict=None, times=None):
        with tf.Session() as sess:
            if times is None:
                return sess.run(fetches, feed_dict)
            return [sess.run(fetches, feed_dict) for _ in range(times)]
    return run_in_session


NO_GPU_REASON = "CuPy is not installed: pip install tfgraph[gpu]"


@pytest.fixture
def plain_environment(monkeypatch):
    """No TFGRAPH_DEVICE, the NumPy backend (for tests that fake devices themselves)."""
    monkeypatch.delenv("TFGRAPH_DEVICE", raising=False)
    monkeypatch.setenv("TFGRAPH_BACKEND", "numpy")


@pytest.fixture
def no_gpu(monkeypatch):
    """A machine without CuPy (also on a machine that has one); returns the reason given."""
    from tfgraph import placement
    monkeypatch.setattr(placement, "gpu_available", lambda: (False, NO_GPU_REASON))
    return NO_GPU_REASON


@pytest.fixture
def fake_gpu(monkeypatch, plain_environment):
    """A machine with one "GPU": a second strict device (its own transfer counters, at zero)
    standing in for CuPy; the CPU runs NumPy."""
    from tfgraph import placement
    from tfgraph.backends.strict_backend import StrictBackend
    gpu = StrictBackend("fake_gpu", "GPU")
    real = placement.get_backend
    monkeypatch.setattr(placement, "gpu_available", lambda: (True, ""))
    monkeypatch.setattr(placement, "get_backend",
                        lambda name: gpu if name == "cupy" else real(name))
    gpu.reset_counters()
    yield gpu
    gpu.reset_counters()


@pytest.fixture
def strict():
    """The shared strict backend, counters at zero."""
    from tfgraph.backends import get_backend
    be = get_backend("strict")
    be.reset_counters()
    yield be
    be.reset_counters()


@pytest.fixture
def strict_cpu(monkeypatch, no_gpu, strict):
    """CPU ops on the strict device (TFGRAPH_BACKEND=strict), no GPU, counters at zero."""
    monkeypatch.delenv("TFGRAPH_DEVICE", raising=False)
    monkeypatch.setenv("TFGRAPH_BACKEND", "strict")
    return strict


@pytest.fixture
def split_on_two_threads(monkeypatch):
    """Runs start unsplit, with the plan's thread mode held by hand; the returned function
    switches tfgraph's kernels to two threads of their own that split work of any size, and
    returns a list that gets one entry per part run (kernels/parallel.py)."""
    from tfgraph.kernels import parallel, threads
    monkeypatch.setattr(threads.ThreadController, "use_own_threads", lambda self, on: None)
    monkeypatch.setattr(threads.CONTROLLER, "own_threads", False)

    def to_two_threads():
        monkeypatch.setattr(threads.CONTROLLER, "own_threads", True)
        monkeypatch.setattr(threads.CONTROLLER, "threads", 2)
        monkeypatch.setattr(parallel, "MIN_BYTES", 0)
        monkeypatch.setattr(parallel, "MIN_MATMUL_MACS", 0)
        parts = []
        real = parallel._part
        monkeypatch.setattr(parallel, "_part",
                            lambda body, s, e, *cpu: parts.append(1) or real(body, s, e, *cpu))
        return parts
    return to_two_threads
