"""Queues (FIFO, RandomShuffle, PaddingFIFO), QueueRunner/Coordinator and tf.train's
queue-based input functions."""
import threading
import time

import numpy as np
import pytest

import tfgraph as tf


def _queue_threads():
    return {t for t in threading.enumerate() if t.name.startswith("tfgraph-queue")}


def test_fifo_queue_order_shapes_close_and_out_of_range():
    q = tf.FIFOQueue(4, [tf.int32, tf.string], shapes=[[2], []], name="q")
    enq = q.enqueue_many([[[1, 2], [3, 4], [5, 6]], [b"a", b"b", b"c"]])
    one = q.dequeue()
    many = q.dequeue_many(2)
    assert [t.shape.as_list() for t in many] == [[2, 2], [2]]
    assert one[0].name == "q_Dequeue:0"
    with tf.Session() as sess:
        sess.run(enq)
        assert sess.run(q.size()) == 3
        a, s = sess.run(one)
        np.testing.assert_array_equal(a, [1, 2])
        assert s == b"a"
        a, s = sess.run(many)
        np.testing.assert_array_equal(a, [[3, 4], [5, 6]])
        assert list(s) == [b"b", b"c"]
        sess.run(q.close())
        assert sess.run(q.is_closed())
        with pytest.raises(tf.errors.OutOfRangeError, match="'q' is closed and has insufficient"):
            sess.run(one)
        with pytest.raises(tf.errors.CancelledError, match="'q' is closed"):
            sess.run(q.enqueue([[7, 8], b"x"]))
    with pytest.raises(ValueError, match="incompatible with the queue 'q'"):
        q.enqueue([[1, 2, 3], b"x"])


def test_dequeue_up_to_gives_the_last_smaller_batch():
    q = tf.FIFOQueue(10, tf.float32, shapes=[[]])
    up = q.dequeue_up_to(4)
    assert up.shape.as_list() == [None]
    with tf.Session() as sess:
        sess.run(q.enqueue_many([[1.0, 2.0, 3.0, 4.0, 5.0]]))
        sess.run(q.close())
        np.testing.assert_array_equal(sess.run(up), [1, 2, 3, 4])
        np.testing.assert_array_equal(sess.run(up), [5])
        with pytest.raises(tf.errors.OutOfRangeError, match=r"'fifo_queue'"):
            sess.run(up)


def test_padding_fifo_queue_pads_to_the_longest():
    q = tf.PaddingFIFOQueue(5, [tf.int32], shapes=[[None]])
    with tf.Session() as sess:
        for v in ([1], [2, 2, 2], [3, 3]):
            sess.run(q.enqueue([v]))
        np.testing.assert_array_equal(sess.run(q.dequeue_many(3)),
                                      [[1, 0, 0], [2, 2, 2], [3, 3, 0]])
    with pytest.raises(ValueError, match="known rank"):
        tf.PaddingFIFOQueue(5, [tf.int32], shapes=[None])


def test_random_shuffle_queue_keeps_min_after_dequeue_and_permutes():
    q = tf.RandomShuffleQueue(100, 5, tf.int32, shapes=[[]], seed=3)
    d = q.dequeue()
    with tf.Session() as sess:
        sess.run(q.enqueue_many([list(range(20))]))
        got = [int(sess.run(d)) for _ in range(15)]  # 20 - 15 = 5 = min_after_dequeue left
        assert sess.run(q.size()) == 5
        sess.run(q.close())
        got += [int(sess.run(d)) for _ in range(5)]  # closed: drains below the minimum
    assert sorted(got) == list(range(20)) and got != list(range(20))
    with pytest.raises(ValueError, match="min_after_dequeue"):
        tf.RandomShuffleQueue(5, 5, tf.int32)


def test_blocking_dequeue_waits_for_another_thread_enqueue():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq = q.enqueue(tf.constant(42))
    d = q.dequeue()
    with tf.Session() as sess:
        t = threading.Timer(0.2, lambda: sess.run(enq))
        t.start()
        assert sess.run(d) == 42  # the run lock is released while waiting
        t.join()


def test_closing_the_session_wakes_blocked_dequeues():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    d = q.dequeue()
    sess = tf.Session()
    errs = []

    def consume():
        try:
            sess.run(d)
        except Exception as e:  # noqa: BLE001
            errs.append(e)

    t = threading.Thread(target=consume)
    t.start()
    time.sleep(0.2)
    sess.close()
    t.join(5)
    assert not t.is_alive()
    assert isinstance(errs[0], tf.errors.CancelledError)


def test_slice_input_producer_batch_epochs_and_threads_end():
    before = _queue_threads()
    x = np.arange(10, dtype=np.float32)
    y = np.arange(10, dtype=np.int64) * 10
    xs, ys = tf.train.slice_input_producer([x, y], num_epochs=2, shuffle=False)
    bx, by = tf.train.batch([xs, ys], batch_size=4, allow_smaller_final_batch=True)
    assert bx.shape.as_list() == [None] and by.dtype == tf.int64
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        got = []
        try:
            while True:
                got.append(sess.run([bx, by]))
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)
    xs_all = np.concatenate([g[0] for g in got])
    np.testing.assert_array_equal(xs_all, np.concatenate([x, x]))
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got]), xs_all.astype(np.int64) * 10)
    assert not (_queue_threads() - before)


def test_shuffle_batch_and_string_input_producer():
    before = _queue_threads()
    files = tf.train.string_input_producer(["a", "b", "c"], shuffle=False)
    name = files.dequeue()
    v = tf.train.shuffle_batch([tf.range(3)], batch_size=5, capacity=50, min_after_dequeue=10,
                               seed=1, enqueue_many=True)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        assert [sess.run(name) for _ in range(4)] == [b"a", b"b", b"c", b"a"]
        b = sess.run(v)
        assert b.shape == (5,) and set(b.tolist()) <= {0, 1, 2}
        coord.request_stop()
        coord.join(threads)
    assert not (_queue_threads() - before)
    with pytest.raises(ValueError, match="non-null input tensor"):
        tf.train.string_input_producer([])


def test_session_close_ends_runner_threads_without_coordinator_join():
    before = _queue_threads()
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(tf.constant(1))]))
    sess = tf.Session()
    threads = tf.train.start_queue_runners(sess)
    assert sess.run(q.dequeue()) == 1
    sess.close()
    for t in threads:
        t.join(5)
    assert not (_queue_threads() - before)


def test_coordinator_reraises_the_requested_exception():
    coord = tf.train.Coordinator()

    def worker():
        with coord.stop_on_exception():
            raise ValueError("worker broke")

    t = threading.Thread(target=worker)
    coord.register_thread(t)
    t.start()
    with pytest.raises(ValueError, match="worker broke"):
        coord.join()
    clean = tf.train.Coordinator()
    clean.request_stop(tf.errors.OutOfRangeError(None, None, "end"))
    clean.join([])  # OutOfRange is a clean stop
    assert clean.should_stop()


def test_limit_epochs_counts_and_needs_local_init():
    v = tf.train.limit_epochs(tf.constant([1, 2]), num_epochs=2)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="limit_epochs/epochs"):
            sess.run(v)
        sess.run(tf.local_variables_initializer())
        sess.run(v)
        sess.run(v)
        with pytest.raises(tf.errors.OutOfRangeError, match="Reached limit of 2"):
            sess.run(v)


def test_tfrecord_reader_with_string_input_producer_and_tf1_names(tmp_path):
    paths = []
    for i in range(2):
        p = str(tmp_path / f"f{i}.tfrecord")
        with tf.io.TFRecordWriter(p) as w:
            for j in range(3):
                w.write(f"r{i}{j}".encode())
        paths.append(p)
    (tmp_path / "t.txt").write_bytes(b"head\nl1\nl2\n")
    q = tf.train.string_input_producer(paths, num_epochs=1, shuffle=False)
    assert q.queue_ref.op.name == "input_producer"
    key, value = tf.TFRecordReader().read(q)
    tq = tf.train.string_input_producer([str(tmp_path / "t.txt")], num_epochs=1, shuffle=False)
    tkeys, tvals = tf.TextLineReader(skip_header_lines=1).read_up_to(tq, 5)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        got = []
        with pytest.raises(tf.errors.OutOfRangeError, match="'input_producer' is closed"):
            while True:
                got.append(sess.run([key, value]))
        tk, tv = sess.run([tkeys, tvals])
        coord.request_stop()
        coord.join(threads)
    assert [v for _, v in got] == [b"r00", b"r01", b"r02", b"r10", b"r11", b"r12"]
    assert got[4][0] == f"{paths[1]}:1".encode()
    assert list(tv) == [b"l1", b"l2"] and tk[0].endswith(b"t.txt:2")
