"""tf.data: constructors, transformations, iterators, errors and threads (TF1 semantics)."""
import pathlib
import threading
import time

import numpy as np
import pytest

import tfgraph as tf

ART = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "tf-artifacts" / "tfrecord"


def _all(sess, nxt, feed=None):
    out = []
    try:
        while True:
            out.append(sess.run(nxt, feed))
    except tf.errors.OutOfRangeError:
        return out


def _values(ds):
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        return _all(sess, nxt)


def test_slices_map_batch_structure_and_end_of_sequence():
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    ds = tf.data.Dataset.from_tensor_slices({"x": x, "y": np.arange(5)})
    assert ds.output_types == {"x": tf.float32, "y": tf.int64}
    assert ds.output_shapes["x"].as_list() == [2]
    ds = ds.map(lambda d: (d["x"] * 2.0, d["y"] + 1)).batch(2)
    assert ds.output_types == (tf.float32, tf.int64)
    assert [s.as_list() for s in ds.output_shapes] == [[None, 2], [None]]
    assert ds.output_classes == (tf.Tensor, tf.Tensor)
    it = ds.make_one_shot_iterator()
    a, b = it.get_next()
    assert a.shape.as_list() == [None, 2] and a.dtype == tf.float32
    with tf.Session() as sess:
        got = _all(sess, (a, b))
        with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
            sess.run(a)
    np.testing.assert_array_equal(np.concatenate([g[0] for g in got]), x * 2)
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got]), np.arange(1, 6))
    assert [len(g[1]) for g in got] == [2, 2, 1]
    assert got[0][0].dtype == np.float32


def test_range_take_skip_repeat_concatenate_zip_filter():
    D = tf.data.Dataset
    assert _values(D.range(5)) == [0, 1, 2, 3, 4]
    assert _values(D.range(2, 10, 3)) == [2, 5, 8]
    assert _values(D.range(10).skip(2).take(3).repeat(2)) == [2, 3, 4, 2, 3, 4]
    assert _values(D.range(3).concatenate(D.range(7, 9))) == [0, 1, 2, 7, 8]
    z = _values(D.zip((D.range(3), D.range(10, 20).map(lambda v: tf.cast(v, tf.float32)))))
    assert [(int(a), float(b)) for a, b in z] == [(0, 10.0), (1, 11.0), (2, 12.0)]
    assert _values(D.range(10).filter(lambda v: tf.equal(v % 3, 0))) == [0, 3, 6, 9]
    assert _values(D.range(3).take(-1)) == [0, 1, 2]
    with pytest.raises(TypeError, match="different types"):
        D.range(3).concatenate(D.from_tensor_slices([1.0]))


def test_flat_map_and_interleave_order_as_tf():
    D = tf.data.Dataset
    assert _values(D.range(1, 4).flat_map(lambda v: D.from_tensors(v).repeat(v))) == [1, 2, 2, 3, 3, 3]
    # The example of TF's Dataset.interleave documentation.
    ds = D.range(1, 6).interleave(lambda v: D.from_tensors(v).repeat(6), cycle_length=2, block_length=4)
    assert _values(ds) == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4, 4,
                           5, 5, 5, 5, 5, 5]


def test_batch_drop_remainder_padded_batch_unbatch():
    D = tf.data.Dataset
    ds = D.range(7).batch(3, drop_remainder=True)
    assert ds.output_shapes.as_list() == [3]
    assert [list(v) for v in _values(ds)] == [[0, 1, 2], [3, 4, 5]]
    pb = D.range(1, 5).map(lambda n: tf.fill([n], n)).padded_batch(2, padded_shapes=[None])
    got = _values(pb)
    np.testing.assert_array_equal(got[0], [[1, 0], [2, 2]])
    np.testing.assert_array_equal(got[1], [[3, 3, 3, 0], [4, 4, 4, 4]])
    pb = D.range(1, 3).map(lambda n: tf.fill([n], n)).padded_batch(2, [4], padding_values=tf.constant(-1, tf.int64))
    np.testing.assert_array_equal(_values(pb)[0], [[1, -1, -1, -1], [2, 2, -1, -1]])
    un = _values(D.from_tensor_slices(np.arange(6).reshape(3, 2)).batch(2).unbatch())
    np.testing.assert_array_equal(np.stack(un), np.arange(6).reshape(3, 2))
    assert D.range(4).batch(2).unbatch().output_shapes.as_list() == []


def test_batch_of_mismatched_shapes_names_both_and_suggests_padded_batch():
    ds = tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([n], n)).batch(3)
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"(?s)different shapes in component 0. First element had shape \[1\] "
                                 r"and element 1 had shape \[2\].*padded_batch.*IteratorGetNext"):
            sess.run(nxt)


def test_shuffle_seeds_and_reshuffle_each_iteration():
    D = tf.data.Dataset

    def epochs(seed, reshuffle, graph_seed=None, inits=1):
        tf.reset_default_graph()
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        ds = D.range(20).shuffle(20, seed=seed, reshuffle_each_iteration=reshuffle).repeat(2)
        it = ds.make_initializable_iterator()
        nxt = it.get_next()
        runs = []
        with tf.Session() as sess:
            for _ in range(inits):
                sess.run(it.initializer)
                v = [int(x) for x in _all(sess, nxt)]
                runs.append((v[:20], v[20:]))
        return runs

    (a1, a2), = epochs(7, True)
    assert sorted(a1) == list(range(20)) and sorted(a2) == list(range(20))
    assert a1 != a2 and a1 != list(range(20))  # a new order per pass
    assert epochs(7, True) == [(a1, a2)]  # deterministic with a seed
    (b1, b2), = epochs(7, False)
    assert b1 == b2  # the same order every pass
    r = epochs(7, True, inits=2)
    assert r[0] == r[1]  # re-initializing restarts the seeded sequence
    assert epochs(None, True, graph_seed=3) == epochs(None, True, graph_seed=3)
    assert epochs(None, True)[0] != epochs(None, True)[0]  # no seed: differs (1/20! chance)


def test_initializable_iterator_feeds_placeholders_and_restarts():
    x = tf.placeholder(tf.float32, [None])
    scale = tf.placeholder(tf.float32, [])
    ds = tf.data.Dataset.from_tensor_slices(x).map(lambda v: v * scale)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt)
        sess.run(it.initializer, {x: [1, 2, 3], scale: 10.0})
        assert sess.run(nxt) == 10.0
        sess.run(it.initializer, {x: [5, 6], scale: -1.0})
        assert _all(sess, nxt) == [-5.0, -6.0]
    with pytest.raises(ValueError, match="placeholder 'Placeholder'"):
        ds.make_one_shot_iterator()


def test_reinitializable_and_feedable_iterators():
    D = tf.data.Dataset
    train = D.range(100).map(lambda v: tf.cast(v, tf.int32))
    val = D.range(1000, 1003).map(lambda v: tf.cast(v, tf.int32))
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    nxt = it.get_next()
    ti, vi = it.make_initializer(train), it.make_initializer(val)
    with tf.Session() as sess:
        sess.run(ti)
        assert [sess.run(nxt) for _ in range(2)] == [0, 1]
        sess.run(vi)
        assert _all(sess, nxt) == [1000, 1001, 1002]
    with pytest.raises(TypeError, match="Expected output types"):
        it.make_initializer(D.range(3))

    handle = tf.placeholder(tf.string, [])
    feedable = tf.data.Iterator.from_string_handle(handle, train.output_types, train.output_shapes)
    fnext = feedable.get_next()
    t_it = train.repeat().make_one_shot_iterator()
    v_it = val.make_initializable_iterator()
    with tf.Session() as sess:
        th, vh = sess.run([t_it.string_handle(), v_it.string_handle()])
        assert sess.run(fnext, {handle: th}) == 0
        sess.run(v_it.initializer)
        assert sess.run(fnext, {handle: vh}) == 1000
        assert sess.run(fnext, {handle: th}) == 1  # the training iterator kept its position
        assert _all(sess, fnext, {handle: vh}) == [1001, 1002]


def test_from_generator_values_args_and_errors():
    def gen(n):
        for i in range(n):
            yield i, [float(i)] * i

    ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32), ([], [None]), args=(3,))
    got = _values(ds)
    assert [int(a) for a, _ in got] == [0, 1, 2]
    np.testing.assert_array_equal(got[2][1], np.array([2.0, 2.0], np.float32))

    def bad():
        yield 1
        raise RuntimeError("disk on fire")

    nxt = tf.data.Dataset.from_generator(bad, tf.int32).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run(nxt) == 1
        with pytest.raises(tf.errors.UnknownError, match="RuntimeError: disk on fire"):
            sess.run(nxt)
    wrong = tf.data.Dataset.from_generator(lambda: iter([[1, 2]]), tf.int32, [3])
    nxt = wrong.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"shape \[2\].*\(3,\)"):
            sess.run(nxt)


def _threads():
    return {t for t in threading.enumerate() if t.name.startswith("tfgraph-")}


def test_prefetch_and_parallel_map_threads_end_with_session():
    before = _threads()
    ds = tf.data.Dataset.range(50).map(lambda v: v * v, num_parallel_calls=2).prefetch(2)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    sess = tf.Session()
    sess.run(it.initializer)
    assert [int(sess.run(nxt)) for _ in range(5)] == [0, 1, 4, 9, 16]
    assert len(_threads() - before) >= 2  # prefetch + map workers
    sess.run(it.initializer)  # re-initializing stops the old pipeline's threads
    assert _all(sess, nxt) == [i * i for i in range(50)]
    sess.close()
    deadline = time.time() + 5
    while _threads() - before and time.time() < deadline:
        time.sleep(0.01)
    assert not (_threads() - before)


def test_prefetch_surfaces_errors_from_the_background_thread():
    def gen():
        yield 1.0
        raise ValueError("bad sample 2")

    ds = tf.data.Dataset.from_generator(gen, tf.float32).prefetch(1)
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run(nxt) == 1.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="ValueError: bad sample 2"):
            sess.run(nxt)


def test_map_captures_outer_tensors_and_cache_replays():
    offset = tf.constant(100, tf.int64)
    ds = tf.data.Dataset.range(3).map(lambda v: v + offset).cache().repeat(2)
    assert _values(ds) == [100, 101, 102, 100, 101, 102]
    calls = []

    def gen():
        calls.append(1)
        yield from range(3)

    cached = tf.data.Dataset.from_generator(gen, tf.int64).cache().repeat(3)
    assert _values(cached) == [0, 1, 2] * 3
    assert len(calls) == 1


def test_experimental_helpers():
    E = tf.data.experimental
    ds = tf.data.Dataset.range(4).apply(E.shuffle_and_repeat(4, count=2, seed=1))
    v = [int(x) for x in _values(ds)]
    assert sorted(v[:4]) == [0, 1, 2, 3] and sorted(v[4:]) == [0, 1, 2, 3]
    ds = tf.data.Dataset.range(5).apply(E.map_and_batch(lambda x: x * 2, 2,
                                                        num_parallel_calls=E.AUTOTUNE))
    assert [list(b) for b in _values(ds)] == [[0, 2], [4, 6], [8]]
    assert [int(x) for x in _values(tf.data.Dataset.range(4).batch(2).apply(E.unbatch()))] == [0, 1, 2, 3]


@pytest.fixture
def art():
    if not ART.is_dir():
        pytest.skip(f"TensorFlow's TFRecord artifacts {ART} are absent")
    return ART


@pytest.mark.parametrize("fname,ctype", [("data.tfrecord", None), ("data.tfrecord.gz", "GZIP")])
def test_tfrecord_dataset_parses_tensorflows_files(art, fname, ctype):
    feats = {"image_raw": tf.FixedLenFeature([], tf.string), "label": tf.FixedLenFeature([], tf.int64),
             "weights": tf.FixedLenFeature([3], tf.float32)}

    def parse(rec):
        p = tf.parse_single_example(rec, feats)
        return tf.reshape(tf.decode_raw(p["image_raw"], tf.uint8), [28, 28]), p["label"], p["weights"]

    ds = tf.data.TFRecordDataset(str(art / fname), compression_type=ctype).map(parse).batch(8)
    got = _values(ds)
    exp = np.load(art / "expected.npz")
    np.testing.assert_array_equal(np.concatenate([g[0] for g in got]), exp["images"])
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got]), exp["labels"])
    np.testing.assert_array_equal(np.concatenate([g[2] for g in got]), exp["weights"])


def test_file_datasets_and_list_files(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"one\ntwo\r\nthree")
    (tmp_path / "b.txt").write_bytes(b"four\n")
    files = tf.data.Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False)
    assert _values(tf.data.TextLineDataset(files)) == [b"one", b"two", b"three", b"four"]
    (tmp_path / "r.bin").write_bytes(b"HH" + b"abcdef" + b"F")
    fl = tf.data.FixedLengthRecordDataset(str(tmp_path / "r.bin"), 3, header_bytes=2, footer_bytes=1)
    assert _values(fl) == [b"abc", b"def"]
    names = tf.placeholder(tf.string, [None])
    it = tf.data.TFRecordDataset(names).make_initializable_iterator()
    nxt = it.get_next()
    path = str(tmp_path / "x.tfrecord")
    with tf.io.TFRecordWriter(path) as w:
        w.write(b"r1")
    with tf.Session() as sess:
        sess.run(it.initializer, {names: [path, path]})
        assert _all(sess, nxt) == [b"r1", b"r1"]
        sess.run(it.initializer, {names: [str(tmp_path / "missing.tfrecord")]})
        with pytest.raises(tf.errors.NotFoundError, match="missing.tfrecord"):
            sess.run(nxt)
    nomatch = tf.data.Dataset.list_files(str(tmp_path / "*.nothing")).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"No files matched pattern: .*\*.nothing"):
            sess.run(nomatch)


def test_batched_slices_fast_path_keeps_the_element_order():
    """slices -> shuffle -> batch gathers rows by index; it must give exactly what the
    element-by-element path (a map in between) gives."""
    x = np.arange(23, dtype=np.float32)
    s = np.array([str(i).encode() for i in range(23)], dtype=object)
    D = tf.data.Dataset
    fast = D.from_tensor_slices((x, s)).shuffle(7, seed=3).batch(4)
    slow = D.from_tensor_slices((x, s)).shuffle(7, seed=3).map(lambda a, b: (a, b)).batch(4)
    f, w = _values(fast.repeat(2)), _values(slow.repeat(2))
    assert len(f) == len(w) == 12
    for (fa, fb), (wa, wb) in zip(f, w):
        np.testing.assert_array_equal(fa, wa)
        assert list(fb) == list(wb)
    assert sorted(np.concatenate([a for a, _ in f[:6]]).tolist()) == list(range(23))


def test_reinitializing_many_times_keeps_state_bounded():
    """Every initialization closes the previous pipeline: its threads and function sessions."""
    before = _threads()
    ds = tf.data.Dataset.range(30).map(lambda v: v + 1, num_parallel_calls=2).prefetch(1)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        for _ in range(20):
            sess.run(it.initializer)
            sess.run(nxt)
        res = sess._resources[("iterator", "Iterator")]
        runners = list(res.runtime.root._runners.values())
        assert len(runners) == 1 and len(runners[0]._sessions) <= 2
        assert len(_threads() - before) <= 3  # the live pipeline's prefetch + 2 map workers
    time.sleep(0.1)
    assert not (_threads() - before)


def test_varlen_features_as_sparse_elements_batch_and_get_next(art):
    """VarLen features parsed in map() are SparseTensor elements: batched as TF1 does (batch
    index prepended, largest dense shape) and returned by get_next as a SparseTensor."""
    def parse(rec):
        p = tf.parse_single_example(rec, {"label": tf.FixedLenFeature([], tf.int64),
                                          "tags": tf.VarLenFeature(tf.string)})
        return p["label"], p["tags"]

    ds = tf.data.TFRecordDataset(str(art / "data.tfrecord")).map(parse)
    assert ds.output_classes == (tf.Tensor, tf.SparseTensor)
    assert ds.output_types == (tf.int64, tf.string) and ds.output_shapes[1].as_list() == [None]
    ds = ds.map(lambda label, tags: (label, tags)).batch(20)  # sparse arguments pass through
    it = ds.make_initializable_iterator()
    label, tags = it.get_next()
    assert isinstance(tags, tf.SparseTensor) and tags.dtype == tf.string
    with tf.Session() as sess:
        sess.run(it.initializer)
        lv, tv = sess.run([label, tags])
    exp = np.load(art / "expected.npz")
    np.testing.assert_array_equal(lv, exp["labels"])
    padded = np.full((20, 3), "", dtype="<U3")
    for (r, c), v in zip(tv.indices, tv.values):
        padded[r, c] = v.decode()
    np.testing.assert_array_equal(padded, exp["tags"])
    assert list(tv.dense_shape) == [20, exp["tag_counts"].max()]
    with pytest.raises(TypeError, match="padded_batch of SparseTensor"):
        tf.data.TFRecordDataset(str(art / "data.tfrecord")).map(parse).padded_batch(2, ([], [None]))


def test_input_pipeline_graphs_export_as_graph_def():
    """Iterator, parsing, queue and reader ops (Python-object attributes) serialize."""
    pytest.importorskip("tensorboard")
    x = tf.placeholder(tf.float32, [None, 3])
    it = tf.data.Dataset.from_tensor_slices(x).map(lambda v: v * 2).batch(2) \
        .make_initializable_iterator()
    it.get_next()
    tf.parse_single_example(tf.constant(b""), {"a": tf.FixedLenFeature([2], tf.float32, [1., 2.]),
                                               "b": tf.VarLenFeature(tf.int64)})
    tf.io.parse_single_sequence_example(tf.constant(b""),
                                        sequence_features={"t": tf.VarLenFeature(tf.int64)})
    tf.TFRecordReader().read(tf.train.string_input_producer(["a"], num_epochs=1))
    ops = {n.op for n in tf.get_default_graph().as_graph_def().node}
    assert {"MakeIterator", "IteratorGetNext", "ParseSingleExample", "ParseSingleSequenceExample",
            "FIFOQueueV2", "ReaderReadV2", "CountUpTo"} <= ops
