"""Device placement rules: tf.device scopes, the default device, soft placement, ConfigProto."""
import logging

import numpy as np
import pytest

import tfgraph as tf
from tfgraph import placement
from tfgraph.backends import get_backend
from tfgraph.framework.device import DeviceSpec, canonical_device, full_device_name, merge_device
from tfgraph.placement import Placer

pytestmark = pytest.mark.usefixtures("plain_environment")  # every test: NumPy, no TFGRAPH_DEVICE

CPU0 = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU0 = "/job:localhost/replica:0/task:0/device:GPU:0"


# --- device strings and scopes ---------------------------------------------------------------
@pytest.mark.parametrize("spec, canonical", [
    ("/gpu:0", "/device:GPU:0"), ("/device:GPU:0", "/device:GPU:0"), ("/cpu:0", "/device:CPU:0"),
    ("/GPU:1", "/device:GPU:1"), ("/device:CPU:*", "/device:CPU:*"), ("", ""),
    ("/job:worker/task:1/gpu:0", "/job:worker/task:1/device:GPU:0"),
])
def test_device_spellings_are_canonicalized(spec, canonical):
    with tf.device(spec):
        c = tf.constant(1.0)
    assert c.op.device == canonical == canonical_device(spec)


def test_nested_scopes_inner_wins_and_none_clears():
    with tf.device("/gpu:0"):
        a = tf.constant(1.0, name="a")
        with tf.device("/cpu:0"):
            b = tf.constant(1.0, name="b")
        with tf.device(None):
            c = tf.constant(1.0, name="c")
            with tf.device("/cpu:0"):
                d = tf.constant(1.0, name="d")
        with tf.device(""):  # an empty string changes nothing (TF1)
            e = tf.constant(1.0, name="e")
    f = tf.constant(1.0, name="f")
    assert [t.op.device for t in (a, b, c, d, e, f)] == [
        "/device:GPU:0", "/device:CPU:0", "", "/device:CPU:0", "/device:GPU:0", ""]


def test_job_scope_merges_with_device_scope():
    with tf.device("/job:w"):
        with tf.device("/gpu:0"):
            a = tf.constant(1.0)
        b = tf.constant(1.0)
    assert a.op.device == "/job:w/device:GPU:0" and b.op.device == "/job:w"
    assert merge_device("/job:w/device:CPU:0", "/device:GPU:1") == "/job:w/device:GPU:1"


def test_device_functions_choose_per_op():
    def matmul_on_gpu(op):
        return "/device:GPU:0" if op.type == "MatMul" else "/cpu:0"

    with tf.device(matmul_on_gpu):
        x = tf.constant(np.ones((2, 2), np.float32))
        y = tf.matmul(x, x)
    assert (x.op.device, y.op.device) == ("/device:CPU:0", "/device:GPU:0")
    with tf.device("/job:w"):
        with tf.device(lambda op: None):
            z = tf.constant(1.0)
    assert z.op.device == "/job:w"


def test_device_spec():
    s = DeviceSpec.from_string("/job:w/replica:0/task:2/device:GPU:1")
    assert (s.job, s.task, s.device_type, s.device_index) == ("w", "2", "GPU", 1)
    s.merge_from(DeviceSpec(device_type="CPU", device_index=0))
    assert s.to_string() == "/job:w/replica:0/task:2/device:CPU:0"
    assert full_device_name("gpu", 0) == GPU0
    with tf.device(DeviceSpec(device_type="GPU", device_index=0)):
        c = tf.constant(1.0)
    assert c.op.device == "/device:GPU:0"


# --- the default device ------------------------------------------------------------------------
def test_unpinned_ops_run_on_the_cpu_without_a_gpu(no_gpu):
    c = tf.constant(1.0)
    assert Placer().backend_for(c.op) is get_backend("numpy")


def test_unpinned_ops_run_on_the_gpu_when_one_is_available(fake_gpu):
    c = tf.constant(1.0)
    with tf.device("/cpu:0"):
        d = tf.constant(1.0)
    p = Placer()
    assert p.backend_for(c.op) is fake_gpu and p.backend_for(d.op) is get_backend("numpy")


@pytest.mark.parametrize("count", [{"GPU": 0}, {"gpu": 0}])
def test_device_count_gpu_0_forces_the_cpu(fake_gpu, count):
    c = tf.constant(1.0)
    p = Placer(tf.ConfigProto(device_count=count))
    assert p.backend_for(c.op) is get_backend("numpy")
    assert [d.name for d in p.list_devices()] == [CPU0]
    with tf.device("/gpu:0"):
        g = tf.constant(1.0, name="pinned")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"device_count=\{'GPU': 0\}"):
        p.backend_for(g.op)


def test_tfgraph_device_environment_overrides_the_default(fake_gpu, monkeypatch):
    c = tf.constant(1.0)
    with tf.device("/gpu:0"):
        g = tf.constant(1.0)
    monkeypatch.setenv("TFGRAPH_DEVICE", "cpu")
    p = Placer()
    assert p.backend_for(c.op) is get_backend("numpy") and p.backend_for(g.op) is fake_gpu
    monkeypatch.setenv("TFGRAPH_DEVICE", "GPU")
    assert Placer().backend_for(c.op) is fake_gpu
    monkeypatch.setenv("TFGRAPH_DEVICE", "tpu")
    with pytest.raises(ValueError, match="TFGRAPH_DEVICE='tpu'"):
        Placer()


def test_tfgraph_device_gpu_without_a_gpu(no_gpu, monkeypatch):
    monkeypatch.setenv("TFGRAPH_DEVICE", "gpu")
    c = tf.constant(1.0, name="c")
    with pytest.raises(tf.errors.InvalidArgumentError, match="TFGRAPH_DEVICE=gpu"):
        Placer().backend_for(c.op)
    soft = Placer(tf.ConfigProto(allow_soft_placement=True))
    assert soft.backend_for(c.op) is get_backend("numpy")


def test_strict_backend_serves_cpu_ops(no_gpu, monkeypatch):
    monkeypatch.setenv("TFGRAPH_BACKEND", "strict")
    c = tf.constant(1.0)
    assert Placer().backend_for(c.op) is get_backend("strict")


# --- devices that do not exist ----------------------------------------------------------------
def test_op_pinned_to_a_missing_gpu_raises_invalid_argument(no_gpu):
    x = tf.constant(np.ones((2, 2), np.float32))
    with tf.device("/gpu:0"):
        y = tf.matmul(x, x)
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        Placer().backend_for(y.op)
    msg = str(info.value)
    assert msg.startswith("Cannot assign a device for operation 'MatMul': Operation was "
                          "explicitly assigned to /device:GPU:0 but available devices are "
                          f"[ {CPU0} ]")
    assert f"no GPU devices available: {no_gpu}" in msg
    assert info.value.op is y.op


@pytest.mark.parametrize("spec", ["/cpu:1", "/device:TPU:0", "/device:XLA_GPU:0"])
def test_other_missing_devices_raise(no_gpu, spec):
    with tf.device(spec):
        c = tf.constant(1.0, name="odd")
    canonical = spec.replace("/cpu", "/device:CPU")
    with pytest.raises(tf.errors.InvalidArgumentError, match="'odd'.*" + canonical):
        Placer().backend_for(c.op)


def test_second_gpu_raises_or_soft_places_on_the_first(fake_gpu):
    with tf.device("/gpu:1"):
        c = tf.constant(1.0, name="second")
    with pytest.raises(tf.errors.InvalidArgumentError, match="one GPU per process"):
        Placer().backend_for(c.op)
    assert Placer(tf.ConfigProto(allow_soft_placement=True)).backend_for(c.op) is fake_gpu


def test_soft_placement_runs_on_the_cpu_and_warns_once(no_gpu, caplog):
    with tf.device("/gpu:0"):
        a = tf.constant(1.0, name="a")
        b = tf.constant(2.0, name="b")
    p = Placer(tf.ConfigProto(allow_soft_placement=True))
    with caplog.at_level(logging.WARNING, logger="tfgraph"):
        placed = p.place([a.op, b.op])
        p.place([a.op, b.op])
    assert set(placed.values()) == {get_backend("numpy")}
    warnings = [r for r in caplog.records if "Soft placement" in r.getMessage()]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert message.startswith("Soft placement: 2 ops pinned to /device:GPU:0 ran on CPU:0 "
                              "instead (") and message.endswith("), e.g. a, b")
    assert "\n" not in message


# --- colocation and host-only ops ----------------------------------------------------------------
def test_assignments_run_where_their_variable_lives(fake_gpu):
    with tf.device("/cpu:0"):
        v = tf.Variable(1.0, name="v")
    upd = tf.assign_add(v, 2.0)  # unpinned: would go to the GPU, but the variable is on the CPU
    p = Placer()
    assert p.backend_for(upd.op) is get_backend("numpy")
    assert p.backend_for(v.initializer) is get_backend("numpy")


def test_string_ops_run_on_the_host_even_when_pinned(fake_gpu, monkeypatch):
    monkeypatch.setenv("TFGRAPH_BACKEND", "strict")
    with tf.device("/gpu:0"):
        s = tf.constant("hello")
    assert Placer().backend_for(s.op) is get_backend("numpy")


# --- ConfigProto and device listing --------------------------------------------------------------
def test_config_proto_fields():
    c = tf.ConfigProto(allow_soft_placement=True, log_device_placement=True,
                       gpu_options=tf.GPUOptions(allow_growth=True), operation_timeout_in_ms=5)
    assert c.allow_soft_placement and c.log_device_placement and c.gpu_options.allow_growth
    assert c.max_devices("GPU") is None
    c.device_count["GPU"] = 0  # TF1 scripts mutate the map after construction
    assert c.max_devices("gpu") == 0
    c.graph_options.optimizer_options.global_jit_level = 1  # nested TF1 messages are accepted
    assert c.graph_options.optimizer_options.global_jit_level == 1
    with pytest.raises(ValueError, match='ConfigProto has no "allow_soft" field'):
        tf.ConfigProto(allow_soft=True)
    with pytest.raises(ValueError, match='GPUOptions has no "grow" field'):
        tf.GPUOptions(grow=True)


def test_list_devices(no_gpu):
    with tf.Session() as sess:
        devices = sess.list_devices()
    assert [(d.name, d.device_type) for d in devices] == [(CPU0, "CPU")]
    assert devices[0].memory_limit_bytes > 0 and "CPU" in repr(devices[0])


def test_list_devices_with_a_gpu(fake_gpu):
    assert [d.device_type for d in Placer().list_devices()] == ["CPU", "GPU"]
    assert placement.list_local_devices()[1].name == GPU0


def test_tf1_gpu_queries(no_gpu):
    assert placement.is_gpu_available() is False and placement.gpu_device_name() == ""
