"""The CuPy backend on a real GPU (tests marked `gpu`: skipped, with the reason, without one)."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.backends import get_backend

pytestmark = pytest.mark.gpu
F32 = np.float32


@pytest.fixture
def cupy_be():
    return get_backend("cupy")


def test_transfers_round_trip(cupy_be):
    import cupy
    a = np.arange(6, dtype=F32).reshape(2, 3)
    x = cupy_be.from_host(a)
    assert isinstance(x, cupy.ndarray) and cupy_be.is_array(x) and not cupy_be.is_host
    back = cupy_be.to_host(x * 2)
    assert type(back) is np.ndarray
    np.testing.assert_array_equal(back, a * 2)
    assert cupy_be.device_type == "GPU" and cupy_be.xp is cupy


def test_rng_and_helpers_on_the_gpu(cupy_be):
    r = cupy_be.rng(0).standard_normal((3, 4), dtype=F32)
    assert r.dtype == F32 and r.shape == (3, 4)
    t = cupy_be.xp.zeros(3, dtype=F32)
    cupy_be.scatter_add(t, cupy_be.asarray([0, 0, 2]), cupy_be.asarray(np.ones(3, F32)))
    np.testing.assert_array_equal(cupy_be.to_host(t), [2, 0, 1])


def test_variables_live_on_the_gpu_and_fetches_come_back_as_numpy(monkeypatch):
    monkeypatch.setenv("TFGRAPH_DEVICE", "auto")
    import cupy
    x = tf.placeholder(tf.float32, [2, 2])
    with tf.device("/gpu:0"):
        v = tf.Variable(np.eye(2, dtype=F32))
        y = tf.matmul(x, v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        out = sess.run(y, {x: np.full((2, 2), 3.0, F32)})
        assert type(out) is np.ndarray
        np.testing.assert_array_equal(out, np.full((2, 2), 3.0))
        assert isinstance(sess._cells[v.op].value, cupy.ndarray)
        names = [d.name for d in sess.list_devices()]
        assert names[-1] == "/job:localhost/replica:0/task:0/device:GPU:0"
