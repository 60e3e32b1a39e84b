"""tfgraph's own kernel threads (tfgraph.kernels.parallel): batch splits cover the range once,
errors surface after every part ended, split kernels give the unsplit results, and a plan
holding batch-parallel kernels switches BLAS to one thread (and back for other plans)."""
import threading

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.backends import default_backend_name, get_backend
from tfgraph.kernels import parallel, threads

pytestmark = pytest.mark.skipif(default_backend_name() != "numpy",
                                reason="only NumPy arrays are split")


@pytest.fixture
def two_threads(monkeypatch):
    """Splits everything in two, whatever its size."""
    monkeypatch.setattr(threads.CONTROLLER, "own_threads", True)
    monkeypatch.setattr(threads.CONTROLLER, "threads", 2)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_MATMUL_MACS", 0)


def test_parts_cover_the_range_once_on_two_threads(two_threads):
    be = get_backend("numpy")
    seen, who = [], set()

    def body(s, e):
        seen.append((s, e))
        who.add(threading.get_ident())
    parallel.parallel_for(be, 7, body, 1 << 30)
    assert sorted(seen) == [(0, 3), (3, 7)]
    assert len(who) == 2


def test_a_part_that_raises_surfaces_after_the_others(two_threads):
    be = get_backend("numpy")
    done = []

    def body(s, e):
        if s == 0:
            raise ValueError("part 0 failed")
        done.append(s)
    with pytest.raises(ValueError, match="part 0 failed"):
        parallel.parallel_for(be, 4, body, 1 << 30)
    assert done == [2]


@pytest.mark.skipif(parallel._getcpu is None or len(__import__("os").sched_getaffinity(0)) < 2,
                    reason="needs sched_getcpu and two CPUs")
def test_parts_run_on_different_cpus_and_the_callers_mask_comes_back(two_threads):
    import os
    be = get_backend("numpy")
    before = os.sched_getaffinity(0)
    cpus, masks = {}, {}

    def body(s, e):
        cpus[s] = parallel._getcpu()
        masks[s] = os.sched_getaffinity(0)
    for _ in range(3):
        parallel.parallel_for(be, 2, body, 1 << 30)
        assert cpus[0] != cpus[1]
        assert masks[0] == {cpus[0]}  # the caller, held where it ran
        assert cpus[0] not in masks[1]  # the helper, anywhere else
        assert os.sched_getaffinity(0) == before

    def failing(s, e):
        raise ValueError(f"part {s}")
    with pytest.raises(ValueError, match="part 0"):
        parallel.parallel_for(be, 2, failing, 1 << 30)
    assert os.sched_getaffinity(0) == before


def test_nested_splits_run_serially(two_threads):
    be = get_backend("numpy")
    inner = []
    parallel.parallel_for(be, 2, lambda s, e: parallel.parallel_for(
        be, 4, lambda a, b: inner.append((a, b)), 1 << 30), 1 << 30)
    assert sorted(inner) == [(0, 4), (0, 4)]


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_forked_child_gets_its_own_threads(two_threads):
    import os
    be = get_backend("numpy")
    parallel.parallel_for(be, 2, lambda s, e: None, 1 << 30)  # the parent's pool exists
    pid = os.fork()
    if pid == 0:  # the child: parts must run, not wait on the parent's (absent) threads
        seen = []
        try:
            parallel.parallel_for(be, 4, lambda s, e: seen.append((s, e)), 1 << 30)
            os._exit(0 if sorted(seen) == [(0, 2), (2, 4)] else 1)
        finally:
            os._exit(2)
    import signal
    import time
    deadline = time.monotonic() + 20
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung in parallel_for")
        time.sleep(0.02)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_fixed_slices_do_not_depend_on_the_thread_count(monkeypatch):
    be = get_backend("numpy")
    monkeypatch.setattr(threads.CONTROLLER, "own_threads", True)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    seen = {}
    for nthreads in (1, 2, 3):
        monkeypatch.setattr(threads.CONTROLLER, "threads", nthreads)
        calls = []
        parallel.parallel_slices(be, 21, lambda s, e: calls.append((s, e)), 1 << 30, slices=8)
        seen[nthreads] = sorted(calls)
    assert seen[1] == seen[2] == seen[3]
    assert seen[1][0] == (0, 2) and seen[1][-1] == (18, 21) and len(seen[1]) == 8


def test_small_work_or_blas_threading_stays_on_one_thread(monkeypatch):
    be = get_backend("numpy")
    monkeypatch.setattr(threads.CONTROLLER, "threads", 2)
    monkeypatch.setattr(threads.CONTROLLER, "own_threads", False)
    assert parallel.threads_for(be, 1 << 30) == 1
    monkeypatch.setattr(threads.CONTROLLER, "own_threads", True)
    assert parallel.threads_for(be, 1 << 30) == 2
    assert parallel.threads_for(be, parallel.MIN_BYTES - 1) == 1


def _conv_net_values(x_val, w_val, dy_val, padding="VALID"):
    """Conv2D, its two gradients, BiasAdd/Relu/ReluGrad in place, MaxPool and MaxPoolGrad, and
    a MatMul with its gradients."""
    tf.reset_default_graph()
    x = tf.constant(x_val)
    w = tf.constant(w_val)
    y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], padding),
                                  tf.constant([0.5, -0.25, 0.0, 1.0])))
    dx, dw = tf.gradients(y, [x, w], grad_ys=tf.constant(dy_val) * 1.0)  # fresh: ReluGrad in place
    p = tf.nn.max_pool(y, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    dp = tf.gradients(p, y, grad_ys=p * 2.0)[0]
    # overlapping padded windows (the general paths) and average pooling, tiled or not
    p3 = tf.nn.max_pool(y, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    a3 = tf.nn.avg_pool(y, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    a2 = tf.nn.avg_pool(y, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    others = [p3, a3, a2] + tf.gradients([p3, a3, a2], y, grad_ys=[p3 * 1.5, a3 * 2.0, a2])
    flat = tf.reshape(p, [x_val.shape[0], -1])
    m = tf.matmul(flat, tf.ones([flat.shape[1], 5]) * 0.01)
    dm = tf.gradients(m, flat, grad_ys=m)[0]
    # AddN of three feature maps: into a new array, and in place into a dying fresh one
    sums = [tf.add_n([y, dx[:, :y.shape[1], :y.shape[2], :1] * y, y * 2.0]),
            tf.add_n([y * 3.0, y, y])]
    # 4 -> 4 channels: the input gradient as a full convolution
    w2 = tf.constant(np.linspace(-1.0, 1.0, 3 * 3 * 4 * 4).reshape(3, 3, 4, 4).astype(np.float32))
    y2 = tf.nn.conv2d(y, w2, [1, 1, 1, 1], padding)
    full = tf.gradients(y2, y, grad_ys=y2 * 0.5)
    # depthwise, channel multiplier 1, and both its gradients
    wd = tf.constant(np.linspace(-1.0, 1.0, 3 * 3 * 4).reshape(3, 3, 4, 1).astype(np.float32))
    yd = tf.nn.depthwise_conv2d(y, wd, [1, 1, 1, 1], padding)
    depthwise = [yd] + tf.gradients(yd, [y, wd], grad_ys=yd * 0.5)
    with tf.Session() as sess:
        return sess.run([y, dx, dw, p, dp, m, dm] + others + sums + full + depthwise)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_split_kernels_give_the_unsplit_results(split_on_two_threads, padding):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 10, 9, 3)).astype(np.float32)
    w = rng.normal(size=(3, 2, 3, 4)).astype(np.float32)
    dy = rng.normal(size=(32, 8, 8, 4) if padding == "VALID" else (32, 10, 9, 4)
                    ).astype(np.float32)
    whole = _conv_net_values(x, w, dy, padding)
    parts = split_on_two_threads()
    split = _conv_net_values(x, w, dy, padding)
    # the conv/pool kernels, BiasAdd, Relu, ReluGrad and two MatMuls: two parts each (SAME's
    # 10x9 output has no exactly tiling pool windows: MaxPoolGrad's general path is whole)
    assert len(parts) >= 2 * (10 if padding == "VALID" else 9)
    names = ["conv", "dx", "dw", "pool", "pool grad", "matmul", "matmul grad",
             "max pool 3x3", "avg pool 3x3", "avg pool 2x2", "their gradient", "add_n",
             "add_n in place", "full-convolution input gradient", "depthwise",
             "depthwise input gradient", "depthwise filter gradient"]
    assert len(whole) == len(names)
    for name, a, b in zip(names, whole, split):
        assert a.dtype == b.dtype == np.float32, name
        # the same bits: every element is summed in the same order whatever the split (the
        # filter gradient sums fixed slices' products)
        np.testing.assert_array_equal(b, a, err_msg=name)


def test_a_plan_with_batch_parallel_kernels_holds_blas_at_one_thread(monkeypatch):
    c = threads.CONTROLLER
    applied = []
    monkeypatch.setattr(threads.ThreadController, "_apply",
                        lambda self, n: applied.append(1 if self.own_threads else n))
    monkeypatch.setattr(c, "enabled", True)
    monkeypatch.setattr(c, "own_threads", False)
    monkeypatch.setattr(c, "threads", 2)
    x = tf.placeholder(tf.float32, [2, 4, 4, 1])
    conv = tf.nn.conv2d(x, tf.ones([2, 2, 1, 1]), [1, 1, 1, 1], "VALID")
    dense = tf.matmul(tf.reshape(x, [2, 16]), tf.ones([16, 3]))
    neither = x * 2.0  # e.g. an input pipeline's runs between training steps
    xv = np.ones((2, 4, 4, 1), np.float32)
    with tf.Session() as sess:
        assert sess.run(conv, {x: xv}).sum() == 2 * 9 * 4
        assert c.own_threads and applied == [1]
        assert sess.run(neither, {x: xv}).sum() == 64
        assert c.own_threads and applied == [1]  # a plan without products leaves it
        assert sess.run(dense, {x: xv}).tolist() == [[16.0] * 3] * 2
        assert not c.own_threads and applied == [1, 2]
        sess.run(dense, {x: xv})
        sess.run(neither, {x: xv})
        assert applied == [1, 2]  # no change, no call


def test_without_blas_control_no_plan_splits(monkeypatch):
    """threadpoolctl missing: the first switch fails, BLAS is left alone and later runs of a
    convolutional plan neither split nor try again."""
    c = threads.CONTROLLER
    tries = []

    monkeypatch.setattr(c, "_blas", None)
    monkeypatch.setattr(c, "_blas_failed", False)
    monkeypatch.setattr(c, "enabled", True)
    monkeypatch.setattr(c, "own_threads", False)
    monkeypatch.setattr(c, "fixed", 2)
    import builtins
    real_import = builtins.__import__

    def no_threadpoolctl(name, *a, **k):
        if name == "threadpoolctl":
            tries.append(name)
            raise ImportError("no threadpoolctl")
        return real_import(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_threadpoolctl)
    x = tf.placeholder(tf.float32, [2, 4, 4, 1])
    conv = tf.nn.conv2d(x, tf.ones([2, 2, 1, 1]), [1, 1, 1, 1], "VALID")
    with tf.Session() as sess:
        for _ in range(3):
            assert sess.run(conv, {x: np.ones((2, 4, 4, 1), np.float32)}).sum() == 2 * 9 * 4
    assert tries == ["threadpoolctl"] and not c.own_threads


def _optimizer_values(make_opt):
    """A 64x80 variable (and its slots) after two steps of `make_opt()` on fixed gradients."""
    tf.reset_default_graph()
    rng = np.random.default_rng(5)
    w = tf.Variable(rng.normal(size=(64, 80)).astype(np.float32))
    g = tf.constant(rng.normal(size=(64, 80)).astype(np.float32))
    opt = make_opt()
    step = opt.apply_gradients([(g, w)], global_step=tf.train.get_or_create_global_step())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        sess.run(step)
        return sess.run([w] + [opt.get_slot(w, n) for n in opt.get_slot_names()])


def test_split_optimizer_updates_give_the_unsplit_results(split_on_two_threads):
    """Every dense Apply* update run by rows on tfgraph's threads gives the same bits."""
    makers = {
        "sgd": lambda: tf.train.GradientDescentOptimizer(0.1),
        "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
        "adam": lambda: tf.train.AdamOptimizer(0.01),
        "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5, centered=True),
        "adagrad": lambda: tf.train.AdagradOptimizer(0.1),
        "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0),
        "proximal": lambda: tf.train.ProximalAdagradOptimizer(0.1, l1_regularization_strength=0.01),
        "ftrl": lambda: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.01,
                                               l2_shrinkage_regularization_strength=0.01),
        "adagrad_da": lambda: tf.train.AdagradDAOptimizer(
            0.1, tf.train.get_or_create_global_step(), l1_regularization_strength=0.01),
    }
    whole = {k: _optimizer_values(m) for k, m in makers.items()}
    parts = split_on_two_threads()
    for name, make in makers.items():
        before = len(parts)
        split = _optimizer_values(make)
        assert len(parts) > before, name  # the update ran in parts
        assert len(split) == len(whole[name]) >= 1
        for a, b in zip(whole[name], split):
            np.testing.assert_array_equal(b, a, err_msg=name)
