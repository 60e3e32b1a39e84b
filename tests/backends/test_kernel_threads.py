"""The BLAS thread controller (tfgraph.kernels.threads): pool size follows the cores other
processes leave free, with hysteresis; TFGRAPH_NUM_THREADS fixes it; Session.run ticks it."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.kernels import threads


class _Clock:
    """Fake /proc/stat busy time, own CPU time and monotonic clock."""

    def __init__(self, monkeypatch):
        self.now, self.busy, self.own = 100.0, 1000.0, 10.0
        monkeypatch.setattr(threads, "_machine_busy_seconds", lambda: self.busy)
        monkeypatch.setattr(threads, "_own_cpu_seconds", lambda: self.own)
        monkeypatch.setattr(threads.time, "monotonic", lambda: self.now)

    def advance(self, wall, others, own=1.0):
        """`wall` seconds pass; other processes use `others` cores, we use `own` cores."""
        self.now += wall
        self.own += own * wall
        self.busy += (others + own) * wall


def _controller(monkeypatch, ncpu=2, env=None):
    if env is None:
        monkeypatch.delenv("TFGRAPH_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("TFGRAPH_NUM_THREADS", env)
    monkeypatch.setattr(threads, "_cpu_count", lambda: ncpu)
    applied = []
    monkeypatch.setattr(threads.ThreadController, "_apply",
                        lambda self, n: (applied.append(n), setattr(self, "threads", n)))
    return threads.ThreadController(window=0.5, first_window=0.1, sample=0.05,
                                     active=0.8), applied


def _work(c, clock, seconds, others, own=1.0):
    """`seconds` of 10 ms runs back to back, while others use `others` cores."""
    for _ in range(int(round(seconds / 0.01))):
        c.tick()
        clock.advance(0.01, others=others, own=own)


def test_a_busy_core_shrinks_the_pool_and_a_free_one_grows_it_back(monkeypatch):
    clock = _Clock(monkeypatch)
    c, applied = _controller(monkeypatch)
    assert c.enabled and c.threads == 2
    _work(c, clock, 0.11, others=1.0)  # the first decision comes after 0.1 s
    assert c.threads == 1 and applied == [1]
    assert c.others == pytest.approx(1.0)
    _work(c, clock, 0.1, others=1.0)  # a change is judged again after 0.1 s: still busy
    assert c.threads == 1 and applied == [1]
    _work(c, clock, 0.3, others=0.0)  # later decisions after 0.5 s: none yet
    assert applied == [1]
    _work(c, clock, 0.2, others=1.0)  # mean 0.4 busy over 0.5 s: 1.6 free, keep 1 (hysteresis)
    assert c.threads == 1 and c.others == pytest.approx(0.4)
    _work(c, clock, 0.5, others=0.05)
    assert c.threads == 2 and applied == [1, 2]
    _work(c, clock, 0.5, others=0.3)  # a little load: stay at 2
    assert c.threads == 2 and applied == [1, 2]


def test_half_a_core_taken_is_enough_to_shrink(monkeypatch):
    clock = _Clock(monkeypatch)
    c, applied = _controller(monkeypatch)
    _work(c, clock, 0.11, others=0.45)  # 1.55 cores free: under 2 - 0.4
    assert applied == [1] and c.threads == 1


def test_what_others_do_while_this_process_idles_is_not_counted(monkeypatch):
    """A benchmark taking 80 ms turns with other programs that use both cores in between:
    only the turns are judged, so the pool stays at 2; with a core busy during the turns
    too, it shrinks once the turns add up to the first window."""
    clock = _Clock(monkeypatch)
    c, applied = _controller(monkeypatch)
    for _ in range(20):
        _work(c, clock, 0.08, others=0.0, own=1.9)
        clock.advance(1.4, others=2.0, own=0.0)  # the others' turns: both cores theirs
    assert applied == [] and c.threads == 2
    assert c.others is not None and c.others < 0.05
    for _ in range(20):  # 0.05 s counted per turn; 0.5 s windows, the first mixed
        _work(c, clock, 0.08, others=1.0, own=1.0)
        clock.advance(1.4, others=2.0, own=0.0)
    assert applied == [1]
    assert 0.8 < c.others <= 1.0


def test_work_between_runs_still_counts(monkeypatch):
    """Python work between runs (feeding the next batch) keeps the process active."""
    clock = _Clock(monkeypatch)
    c, applied = _controller(monkeypatch)
    for _ in range(20):
        c.tick()
        clock.advance(0.008, others=1.0)
        clock.advance(0.004, others=1.0)  # between runs, the program's own Python work
    assert applied == [1] and c.others == pytest.approx(1.0)


def test_environment_fixes_or_disables_the_pool(monkeypatch):
    clock = _Clock(monkeypatch)
    c, applied = _controller(monkeypatch, env="1")
    assert applied == [1] and c.threads == 1
    c.tick()
    clock.advance(0.5, others=0.0)
    c.tick()
    assert applied == [1]
    c0, applied0 = _controller(monkeypatch, env="0")
    assert not c0.enabled and applied0 == []


def test_one_cpu_never_adapts(monkeypatch):
    _Clock(monkeypatch)
    c, applied = _controller(monkeypatch, ncpu=1)
    assert not c.enabled


def test_session_run_ticks_the_controller(monkeypatch):
    calls = []
    monkeypatch.setattr(threads.CONTROLLER, "tick", lambda own_threads=None: calls.append(1))
    x = tf.placeholder(tf.float32, [2])
    y = x * 2.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
        f = sess.make_callable(y, [x])
        np.testing.assert_array_equal(f(np.ones(2, np.float32)), [2.0, 2.0])
    assert len(calls) == 2


def test_apply_sets_the_blas_pool(monkeypatch):
    pytest.importorskip("threadpoolctl")
    from threadpoolctl import threadpool_info, threadpool_limits
    if not any(d["user_api"] == "blas" for d in threadpool_info()):
        pytest.skip("NumPy's BLAS is not visible to threadpoolctl")
    c = threads.ThreadController()
    with threadpool_limits(limits=None):  # restores the pool size afterwards
        c._apply(1)
        assert c.threads == 1
        assert all(d["num_threads"] == 1 for d in threadpool_info() if d["user_api"] == "blas")


def test_allocator_tuning_runs_once_and_can_be_turned_off(monkeypatch):
    from tfgraph.kernels import memory
    monkeypatch.setattr(memory, "_done", False)
    monkeypatch.setenv("TFGRAPH_MALLOC_TUNING", "0")
    assert memory.tune_allocator() is False
    monkeypatch.setattr(memory, "_done", False)
    monkeypatch.delenv("TFGRAPH_MALLOC_TUNING")
    import sys
    applied = memory.tune_allocator()
    assert applied is sys.platform.startswith("linux")  # glibc's mallopt accepted both
    assert memory.tune_allocator() is False  # once per process
