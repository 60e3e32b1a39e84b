"""Sessions on devices: placement errors before anything runs, soft placement, device logging,
host<->device transfers (counted on strict devices), mixed CPU/GPU plans, host-memory inputs."""
import logging

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.backends import get_backend
from tfgraph.backends.strict_backend import StrictArray
from tfgraph.framework.constant import make_tensor
from tfgraph.framework.registry import NotDifferentiable, OpDef, register_op, spec

pytestmark = pytest.mark.usefixtures("plain_environment")  # every test: NumPy, no TFGRAPH_DEVICE

F32 = np.float32
CPU0 = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU0 = "/job:localhost/replica:0/task:0/device:GPU:0"


# --- test-only op types ------------------------------------------------------------------------
@register_op("TestDevicesNumpyLeak")
class _NumpyLeak(OpDef):
    """A buggy kernel: calls NumPy on its device input."""

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        return np.exp(x)


@register_op("TestDevicesShape")
class _HostShape(OpDef):
    """Like TF1's Shape on a GPU: runs on the device, its output lives in host memory."""

    host_outputs = (0,)

    def infer(self, x):
        return spec(tf.int32, [x.shape.ndims])

    def compute(self, be, x):
        return np.asarray(x.shape, dtype=np.int32)  # host output: a NumPy array


@register_op("TestDevicesReshape")
class _HostShapeInput(OpDef):
    """Like TF1's Reshape on a GPU: the shape input is read in host memory."""

    host_inputs = (1,)

    def infer(self, x, shape):
        return spec(x.dtype, None)

    def compute(self, be, x, shape):
        assert type(shape) is np.ndarray  # host memory, whatever the op's device
        return x.reshape(tuple(shape.tolist()))


@register_op("TestDevicesHostOnly")
class _HostOnly(OpDef):
    """An op with only a host kernel (like file or summary ops)."""

    host_only = True

    def infer(self, x):
        return spec(x.dtype, x.shape)

    def compute(self, be, x):
        assert type(x) is np.ndarray
        return np.negative(x)


for _t in ("TestDevicesNumpyLeak", "TestDevicesShape", "TestDevicesReshape", "TestDevicesHostOnly"):
    NotDifferentiable(_t)


def _op(op_type, *inputs, name=None):
    return make_tensor(op_type, list(inputs), name=name)


def _mlp(batch):
    """A two-layer perceptron, its loss and one gradient-descent step."""
    x = tf.placeholder(tf.float32, [batch, 4], name="x")
    y = tf.placeholder(tf.float32, [batch, 2], name="y")
    w1 = tf.Variable(tf.random_normal([4, 8], seed=1), name="w1")
    b1 = tf.Variable(np.zeros(8, F32), name="b1")
    w2 = tf.Variable(tf.random_normal([8, 2], seed=2), name="w2")
    b2 = tf.Variable(np.zeros(2, F32), name="b2")
    h = tf.maximum(tf.matmul(x, w1) + b1, 0.0)
    loss = tf.reduce_mean(tf.square(tf.matmul(h, w2) + b2 - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return x, y, loss, train


# --- placement errors happen before anything runs ------------------------------------------
def test_missing_gpu_raises_when_the_plan_compiles_and_nothing_runs(no_gpu):
    v = tf.Variable(np.ones((2, 2), F32), name="v")
    with tf.device("/gpu:0"):
        y = tf.matmul(v, v)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"operation 'MatMul'.*/device:GPU:0.*no GPU devices available"):
            sess.run([v.initializer, y])
        assert not sess.run(tf.is_variable_initialized(v))  # the initializer did not run


def test_soft_placement_runs_pinned_ops_on_the_cpu(no_gpu, caplog):
    with tf.device("/device:GPU:0"):
        a = tf.constant(np.arange(4, dtype=F32).reshape(2, 2))
        y = tf.matmul(a, a)
    config = tf.ConfigProto(allow_soft_placement=True)
    with caplog.at_level(logging.WARNING, logger="tfgraph"), tf.Session(config=config) as sess:
        out1 = sess.run(y)
        out2 = sess.run(y)
    np.testing.assert_array_equal(out1, [[2, 3], [6, 11]])
    np.testing.assert_array_equal(out2, out1)
    soft = [r for r in caplog.records if "Soft placement" in r.getMessage()]
    assert len(soft) == 1 and "MatMul" in soft[0].getMessage() and no_gpu in soft[0].getMessage()


# --- log_device_placement -----------------------------------------------------------------------
def test_log_device_placement_prints_each_op_once_per_plan(no_gpu, capsys):
    a = tf.constant(np.ones((2, 2), F32), name="a")
    y = tf.matmul(a, a)
    z = y + 1.0
    with tf.Session(config=tf.ConfigProto(log_device_placement=True)) as sess:
        assert "Device mapping: no known devices." in capsys.readouterr().err
        sess.run(y)
        err = capsys.readouterr().err
        assert err.splitlines() == [f"a: (Const): {CPU0}", f"MatMul: (MatMul): {CPU0}"]
        sess.run(y)
        assert capsys.readouterr().err == ""  # the plan is cached: placement is not logged again
        sess.run(z)  # a new plan: its ops are logged
        assert f"MatMul: (MatMul): {CPU0}" in capsys.readouterr().err
    with tf.Session() as sess:
        sess.run(y)
    assert capsys.readouterr().err == ""


def test_log_device_placement_names_the_gpu(fake_gpu, capsys):
    with tf.device("/cpu:0"):
        a = tf.constant(np.ones((2, 2), F32), name="a")
    y = tf.matmul(a, a)
    with tf.Session(config=tf.ConfigProto(log_device_placement=True)) as sess:
        sess.run(y)
    err = capsys.readouterr().err
    assert f"a: (Const): {CPU0}" in err and f"MatMul: (MatMul): {GPU0}" in err
    assert f"Device mapping:\n{GPU0} -> device: 0" in err


# --- transfers -------------------------------------------------------------------------------
def test_training_step_moves_only_the_feeds_in_and_the_fetches_out(strict_cpu):
    x, y, loss, train = _mlp(batch=5)
    rng = np.random.default_rng(0)
    feed = {x: rng.random((5, 4), dtype=F32), y: rng.random((5, 2), dtype=F32)}
    c = strict_cpu.counters
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        strict_cpu.reset_counters()
        _, l0 = sess.run([train, loss], feed)
        first = c.from_host  # feeds + this plan's constants, uploaded once
        assert first > 2 and c.to_host == 1
        for _ in range(2):
            strict_cpu.reset_counters()
            _, l1 = sess.run([train, loss], feed)
            assert (c.from_host, c.to_host) == (2, 1)
            assert c.from_host_bytes == feed[x].nbytes + feed[y].nbytes
            assert c.to_host_bytes == 4 and c.implicit_uploads == 0
        assert type(l1) is np.float32 and l1 < l0
        w = sess.run(tf.trainable_variables()[0])
        assert type(w) is np.ndarray
        assert all(type(cell.value) is StrictArray for cell in sess._cells.values())


def test_one_transfer_per_value_and_device_not_per_consumer(fake_gpu):
    x = tf.placeholder(tf.float32, [3], name="x")
    outs = [x * 2.0, x + 1.0, tf.square(x)]  # three GPU consumers of one fed value
    with tf.Session() as sess:
        feed = {x: np.array([1.0, 2.0, 3.0], F32)}
        sess.run(outs, feed)
        fake_gpu.reset_counters()
        got = sess.run(outs, feed)
    assert fake_gpu.counters.from_host == 1 and fake_gpu.counters.to_host == 3
    np.testing.assert_array_equal(got[2], [1.0, 4.0, 9.0])
    assert all(type(g) is np.ndarray for g in got)


def test_mixed_placement_preprocessing_on_cpu_model_on_gpu(fake_gpu):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    with tf.device("/cpu:0"):
        scaled = x / 255.0  # preprocessing on the host
    w = tf.Variable(np.full((3, 2), 0.5, F32), name="w")  # unpinned: on the GPU
    logits = tf.matmul(scaled, w) + tf.matmul(scaled, w * 2.0)
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert type(sess._cells[w.op].value) is StrictArray  # the variable lives on the "GPU"
        data = np.arange(6, dtype=F32).reshape(2, 3) * 51.0
        fake_gpu.reset_counters()
        out = sess.run(logits, {x: data})
        # First run: `scaled` (once for its two GPU consumers) and the GPU constant 2.0.
        assert fake_gpu.counters.from_host_bytes == data.nbytes + 4
        assert fake_gpu.counters.to_host == 1  # `logits`
        fake_gpu.reset_counters()
        sess.run(logits, {x: data})
        assert (fake_gpu.counters.from_host, fake_gpu.counters.to_host) == (1, 1)
        assert fake_gpu.counters.from_host_bytes == data.nbytes
    np.testing.assert_allclose(out, (data / 255.0) @ np.full((3, 2), 1.5, F32), rtol=1e-6)


def test_variables_on_the_gpu_stay_there_across_steps(fake_gpu):
    x, y, loss, train = _mlp(batch=4)
    feed = {x: np.ones((4, 4), F32), y: np.zeros((4, 2), F32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, feed)
        fake_gpu.reset_counters()
        sess.run(train, feed)
        assert (fake_gpu.counters.from_host, fake_gpu.counters.to_host) == (2, 0)
        assert all(type(c.value) is StrictArray for c in sess._cells.values())


# --- the strict device catches NumPy leaks ------------------------------------------------------
def test_kernel_calling_numpy_on_a_device_value_fails_under_strict(strict_cpu):
    x = tf.placeholder(tf.float32, [2])
    y = _op("TestDevicesNumpyLeak", x, name="leaky")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="'leaky'.*strict"):
            sess.run(y, {x: np.ones(2, F32)})


def test_the_same_kernel_works_on_the_numpy_backend(no_gpu):
    x = tf.placeholder(tf.float32, [2])
    y = _op("TestDevicesNumpyLeak", x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: np.zeros(2, F32)}), [1.0, 1.0])


# --- host-memory inputs and outputs, host-only ops ---------------------------------------------
def test_host_memory_outputs_and_inputs_need_no_transfer(strict_cpu):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    sq = tf.square(x)
    shape = _op("TestDevicesShape", sq)
    flat_shape = tf.constant(np.array([6], np.int32))
    r1 = _op("TestDevicesReshape", sq, shape)  # shape made in host memory on the device
    r2 = _op("TestDevicesReshape", sq, flat_shape)  # a constant shape: bound on the host
    with tf.Session() as sess:
        feed = {x: np.arange(6, dtype=F32).reshape(2, 3)}
        sess.run([r1, r2], feed)
        strict_cpu.reset_counters()
        a, b = sess.run([r1, r2], feed)
        c = strict_cpu.counters
        assert (c.from_host, c.to_host, c.host_reads) == (1, 2, 0)
    np.testing.assert_array_equal(b, np.arange(6, dtype=F32) ** 2)
    assert a.shape == (2, 3)


def test_host_only_ops_run_on_the_host(strict_cpu):
    x = tf.placeholder(tf.float32, [2])
    y = _op("TestDevicesHostOnly", tf.square(x))
    with tf.Session() as sess:
        out = sess.run(y, {x: np.array([1.0, 2.0], F32)})
        assert sess._placer.backend_for(y.op) is get_backend("numpy")
    np.testing.assert_array_equal(out, [-1.0, -4.0])
    assert strict_cpu.counters.to_host == 1  # the square, moved to the host op; y is on the host


def test_fetching_a_device_constant_needs_no_transfer(strict_cpu):
    c = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        out = sess.run(c)
    np.testing.assert_array_equal(out, [1.0, 2.0])
    assert strict_cpu.counters.to_host == 0


# --- the per-device test fixture ---------------------------------------------------------------
def test_small_graph_gives_the_same_result_on_every_device(on_device):
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.Variable(np.array([[1.0, -1.0], [2.0, 0.5]], F32))
    y = tf.reduce_sum(tf.matmul(x, w) * 3.0, axis=1)
    with tf.Session() as sess:
        sess.run(w.initializer)
        out = sess.run(y, {x: np.array([[1.0, 1.0], [0.0, 2.0]], F32)})
        assert sess._placer.backend_for(y.op).device_type == on_device.upper()
    np.testing.assert_allclose(out, [7.5, 15.0])
