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
