"""Fixtures for backend tests: the strict backend with its transfer counters reset."""
import pytest

from tfgraph.backends import get_backend


@pytest.fixture
def strict():
    """The shared strict backend, counters at zero."""
    be = get_backend("strict")
    be.reset_counters()
    yield be
    be.reset_counters()
