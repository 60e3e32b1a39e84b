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
