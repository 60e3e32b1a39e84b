"""tf.PriorityQueue (lowest priority first, TF1's component layout) and tf.IdentityReader."""
import numpy as np
import pytest

import tfgraph as tf


def test_priority_queue_dequeues_lowest_priority_first_keeping_ties_in_order():
    with tf.Graph().as_default():
        q = tf.PriorityQueue(10, [tf.string, tf.float32], shapes=[[], [2]])
        assert q.dtypes == [tf.int64, tf.string, tf.float32]
        assert [s.as_list() for s in q.shapes] == [[], [], [2]]
        # the op lists only the user's types, as TF1's PriorityQueueV2 does
        assert q.queue_ref.op.type == "PriorityQueueV2"
        assert list(q.queue_ref.op.get_attr("component_types")) == [tf.string, tf.float32]
        prio = tf.placeholder(tf.int64, [])
        word = tf.placeholder(tf.string, [])
        enq = q.enqueue((prio, word, tf.fill([2], tf.cast(prio, tf.float32))))
        p, w, v = q.dequeue()
        many = q.dequeue_many(2)
        size = q.size()
        with tf.Session() as sess:
            for pr, wd in [(5, b"e"), (1, b"a"), (3, b"c1"), (3, b"c2"), (9, b"z")]:
                sess.run(enq, {prio: pr, word: wd})
            assert sess.run(size) == 5
            got = sess.run([p, w, v])
            assert got[0] == 1 and got[1] == b"a"
            np.testing.assert_array_equal(got[2], np.array([1, 1], np.float32))
            assert got[2].dtype == np.float32
            pm, wm, vm = sess.run(many)
            np.testing.assert_array_equal(pm, [3, 3])
            assert list(wm) == [b"c1", b"c2"]
            assert vm.shape == (2, 2)
            assert [sess.run(w) for _ in range(2)] == [b"e", b"z"]


def test_priority_queue_enqueue_many_and_close():
    with tf.Graph().as_default():
        q = tf.queue.PriorityQueue(4, tf.int32, shapes=[[]])
        enq = q.enqueue_many(([7, 2, 5], [70, 20, 50]))
        p, x = q.dequeue_up_to(10)
        close = q.close()
        with tf.Session() as sess:
            sess.run(enq)
            sess.run(close)
            pv, xv = sess.run([p, x])
            np.testing.assert_array_equal(pv, [2, 5, 7])
            np.testing.assert_array_equal(xv, [20, 50, 70])
            with pytest.raises(tf.errors.OutOfRangeError, match="priority_queue"):
                sess.run(x)


def test_priority_queue_rejects_mismatched_shapes():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="same length as types"):
            tf.PriorityQueue(4, [tf.int32, tf.float32], shapes=[[]])


def test_identity_reader_returns_each_work_item_as_key_and_value():
    with tf.Graph().as_default():
        work = tf.FIFOQueue(5, tf.string, shapes=[[]])
        fill = work.enqueue_many([[b"job-1", b"job-2"]])
        close = work.close()
        reader = tf.IdentityReader(name="ident")
        key, value = reader.read(work)
        keys, values = reader.read_up_to(work, 5)
        assert reader.reader_ref.op.type == "IdentityReaderV2"
        with tf.Session() as sess:
            sess.run(fill)
            assert sess.run([key, value]) == [b"job-1", b"job-1"]
            sess.run(close)
            k, v = sess.run([keys, values])
            assert list(k) == [b"job-2"] and list(v) == [b"job-2"]
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(key)
