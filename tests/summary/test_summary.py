"""Summary ops: TF1 naming and tags, collections, the serialized Summary values (scalar,
histogram with TF1's buckets, PNG images, text), merge / merge_all, and run-time errors."""
import io
import sys

import numpy as np
import pytest

import tfgraph as tf

summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")

F32 = np.float32


def _parse(serialized):
    assert isinstance(serialized, bytes)
    return summary_pb2.Summary.FromString(serialized)


# --- naming, tags, collections -------------------------------------------------------------------
def test_scalar_op_and_tag_names_follow_tf1():
    x = tf.constant(1.5)
    a = tf.summary.scalar("loss", x)
    b = tf.summary.scalar("loss", x)
    with tf.name_scope("train"):
        c = tf.summary.scalar("loss", x)
    d = tf.summary.scalar("acc", x, family="eval")
    e = tf.summary.scalar("my loss!", x)
    assert [t.op.name for t in (a, b, c, d, e)] == ["loss", "loss_1", "train/loss", "eval/acc",
                                                    "my_loss_"]
    assert a.name == "loss:0" and a.dtype == tf.string and a.shape.as_list() == []
    assert a.op.type == "ScalarSummary"
    assert a.op.inputs[0].op.name == "loss/tags"
    with tf.Session() as sess:
        tags = [_parse(sess.run(t)).value[0].tag for t in (a, b, c, d, e)]
    assert tags == ["loss", "loss_1", "train/loss", "eval/eval/acc", "my_loss_"]


def test_summaries_go_to_the_summaries_collection_or_the_given_ones():
    x = tf.constant(1.0)
    a = tf.summary.scalar("a", x)
    b = tf.summary.histogram("b", x, collections=["mine"])
    c = tf.summary.scalar("c", x, collections=[])
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a]
    assert tf.get_collection("mine") == [b]
    assert c not in tf.get_collection(tf.GraphKeys.SUMMARIES)


def test_summary_ops_run_on_the_host_inside_a_device_scope():
    x = tf.constant([1.0, 2.0])
    with tf.device("/device:GPU:7"):  # no such device, and no soft placement: only host ops run
        h = tf.summary.histogram("h", x)
        m = tf.summary.merge([h])
    assert h.op.device == "/device:GPU:7"  # the device scope is recorded as in TF1
    with tf.Session() as sess:
        value = _parse(sess.run(m)).value[0]
    assert (value.tag, value.histo.num, value.histo.sum) == ("h", 2.0, 3.0)


# --- values ---------------------------------------------------------------------------------------
def test_scalar_value_from_float_and_int_tensors():
    p = tf.placeholder(tf.float32, [], name="p")
    s1 = tf.summary.scalar("f", p)
    s2 = tf.summary.scalar("i", tf.constant(7, tf.int64))
    with tf.Session() as sess:
        v1, v2 = sess.run([s1, s2], {p: 0.25})
    assert _parse(v1).value[0].simple_value == 0.25
    assert (_parse(v2).value[0].tag, _parse(v2).value[0].simple_value) == ("i", 7.0)


def test_scalar_rejects_non_numeric_and_non_scalar():
    with pytest.raises(TypeError, match="bool"):
        tf.summary.scalar("b", tf.constant(True))
    with pytest.raises(ValueError, match="not the same shape"):
        tf.summary.scalar("v", tf.constant([1.0, 2.0]))
    p = tf.placeholder(tf.float32, None, name="any")
    s = tf.summary.scalar("late", p)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="not the same shape"):
            sess.run(s, {p: np.ones(3, F32)})


def _tf1_histogram(values):
    """TF1's Histogram (core/lib/histogram/histogram.cc), transcribed loop by loop."""
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(sys.float_info.max)
    limits = [-x for x in reversed(pos)] + [0.0] + pos
    buckets = [0.0] * len(limits)
    for x in values:
        b = next(i for i, lim in enumerate(limits) if lim > x)  # std::upper_bound
        buckets[b] += 1.0
    limit_out, count_out, i = [], [], 0
    while i < len(buckets):
        end, count, j = limits[i], buckets[i], i + 1
        while count <= 0 and j < len(buckets) and buckets[j] <= 0:
            end, count, j = limits[j], buckets[j], j + 1
        limit_out.append(end)
        count_out.append(count)
        i = j
    return limit_out, count_out


def test_histogram_matches_tf1_buckets_and_statistics():
    values = np.array([[-3.0, -0.5, 0.0], [0.0, 1e-13, 2.0], [2.0, 150.0, 7.25]], F32)
    h = tf.summary.histogram("weights", tf.constant(values))
    with tf.Session() as sess:
        value = _parse(sess.run(h)).value[0]
    assert value.tag == "weights"
    histo = value.histo
    x = values.astype(np.float64).ravel()
    assert (histo.min, histo.max, histo.num) == (-3.0, 150.0, 9.0)
    assert histo.sum == pytest.approx(x.sum(), rel=1e-15)
    assert histo.sum_squares == pytest.approx((x * x).sum(), rel=1e-15)
    limits, counts = _tf1_histogram(x.tolist())
    assert list(histo.bucket_limit) == limits
    assert list(histo.bucket) == counts
    assert sum(histo.bucket) == 9


def test_histogram_of_nan_is_an_error_naming_the_tag():
    p = tf.placeholder(tf.float32, [2], name="p")
    h = tf.summary.histogram("acts", p)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Nan in summary histogram for: acts"):
            sess.run(h, {p: np.array([1.0, np.nan], F32)})


def _decode_png(data):
    image_mod = pytest.importorskip("PIL.Image")
    return np.asarray(image_mod.open(io.BytesIO(data)))


def test_image_summary_uint8_round_trips_through_png():
    imgs = np.random.RandomState(1).randint(0, 256, size=(4, 5, 6, 3)).astype(np.uint8)
    s = tf.summary.image("pics", tf.constant(imgs), max_outputs=2)
    with tf.Session() as sess:
        summ = _parse(sess.run(s))
    assert [v.tag for v in summ.value] == ["pics/image/0", "pics/image/1"]
    for i, v in enumerate(summ.value):
        assert (v.image.height, v.image.width, v.image.colorspace) == (5, 6, 3)
        np.testing.assert_array_equal(_decode_png(v.image.encoded_image_string), imgs[i])


def test_image_summary_normalizes_floats_like_tf1():
    pos = np.array([[[0.0], [0.5]], [[1.0], [2.0]]], F32)[None]   # 1 image, 2x2 gray, >= 0
    mixed = np.array([[[-1.0], [0.0]], [[0.5], [1.0]]], F32)[None]
    sp = tf.summary.image("pos", tf.constant(pos))
    sm = tf.summary.image("mixed", tf.constant(mixed))
    with tf.Session() as sess:
        vp, vm = _parse(sess.run(sp)).value, _parse(sess.run(sm)).value
    assert [v.tag for v in vp] == ["pos/image"]  # a single image has no index
    got_p = _decode_png(vp[0].image.encoded_image_string)
    got_m = _decode_png(vm[0].image.encoded_image_string)
    # All >= 0: scaled so the largest is 255.  Any < 0: 0 -> 128, largest magnitude -> 127 away.
    np.testing.assert_array_equal(got_p, np.array([[0, 63], [127, 255]], np.uint8))
    np.testing.assert_array_equal(got_m, np.array([[1, 128], [191, 255]], np.uint8))


def test_image_rejects_bad_shapes():
    with pytest.raises(ValueError, match="4-D with last dim 1, 3, or 4"):
        tf.summary.image("bad", tf.zeros([2, 4, 4, 2]))
    with pytest.raises(ValueError, match="4-D"):
        tf.summary.image("bad", tf.zeros([4, 4, 3]))


def test_text_summary_holds_the_string_tensor_with_text_plugin():
    t = tf.summary.text("notes", tf.constant(["hello", "*world*"]))
    assert t.op.name == "notes" and t.op.type == "TensorSummaryV2"
    with tf.Session() as sess:
        value = _parse(sess.run(t)).value[0]
    assert value.tag == "notes"
    assert value.metadata.plugin_data.plugin_name == "text"
    assert list(value.tensor.string_val) == [b"hello", b"*world*"]
    assert [d.size for d in value.tensor.tensor_shape.dim] == [2]
    with pytest.raises(ValueError, match="dtype string"):
        tf.summary.text("bad", tf.constant(1.0))


# --- merge ----------------------------------------------------------------------------------------
def test_merge_and_merge_all():
    assert tf.summary.merge_all() is None  # no summaries yet: None, as TF1
    x = tf.placeholder(tf.float32, [], name="x")
    a = tf.summary.scalar("a", x)
    with tf.name_scope("sub"):
        b = tf.summary.histogram("b", x * 1.0)
    m = tf.summary.merge([a, b])
    named = tf.summary.merge([a], name="m")
    everything = tf.summary.merge_all()
    only_sub = tf.summary.merge_all(scope="sub")
    assert m.op.name == "Merge/MergeSummary" and m.op.type == "MergeSummary"
    assert named.op.name == "m/m"
    assert everything.op.name == "Merge_1/MergeSummary"
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a, b]  # merged ones are not collected
    with tf.Session() as sess:
        vm, va, vs = sess.run([m, everything, only_sub], {x: 2.0})
    assert [v.tag for v in _parse(vm).value] == ["a", "sub/b"]
    assert _parse(vm).value[0].simple_value == 2.0
    assert vm == va
    assert [v.tag for v in _parse(vs).value] == ["sub/b"]


def test_merge_with_duplicate_tags_fails_at_run_time():
    x = tf.constant(1.0)
    a = tf.summary.scalar("a", x)
    m = tf.summary.merge([a, a])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Duplicate tag a found in summary inputs"):
            sess.run(m)
    with pytest.raises(ValueError, match=r"tf\.summary\.merge needs at least one input"):
        tf.summary.merge([])
    with pytest.raises(TypeError, match="string"):
        tf.summary.merge([x])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_histogram_bucket_index_equals_a_binary_search_at_every_limit(dtype):
    from tfgraph.summary.summary_ops import bucket_indices, default_bucket_limits
    limits = default_bucket_limits()
    inner = limits[1:-1]
    if dtype == np.float32:
        inner = inner[np.abs(inner) < 3e38].astype(np.float32)
    rng = np.random.default_rng(5)
    big = np.finfo(dtype).max
    x = np.concatenate([
        inner, np.nextafter(inner, dtype(np.inf)), np.nextafter(inner, dtype(-np.inf)),
        *(rng.standard_normal(2000) * s for s in (1e-40, 1e-13, 1e-3, 1.0, 1e6, 1e30)),
        [0.0, -0.0, np.finfo(dtype).tiny, -np.finfo(dtype).tiny, big, -big],
    ]).astype(dtype)
    # C++ std::upper_bound over the float64 limits, clipped to the last bucket (TF1)
    want = np.minimum(np.searchsorted(limits, x.astype(np.float64), side="right"),
                      len(limits) - 1)
    np.testing.assert_array_equal(bucket_indices(x), want)
    np.testing.assert_array_equal(bucket_indices(x[::2]), want[::2])  # a strided view


def test_histogram_of_a_large_float32_tensor_counts_every_value():
    rng = np.random.default_rng(6)
    values = (rng.standard_normal((300, 200)) * 0.05).astype(F32)
    with tf.Session() as sess:
        histo = _parse(sess.run(tf.summary.histogram("w", tf.constant(values)))).value[0].histo
    limits, counts = _tf1_histogram(values.astype(np.float64).ravel().tolist())
    assert list(histo.bucket_limit) == limits and list(histo.bucket) == counts
    assert histo.num == 60000.0
