"""tf.roll, sort/argsort, searchsorted, meshgrid, repeat, unique_with_counts, setdiff1d,
unravel_index, reverse_sequence, dynamic_partition, batch_gather/batch_scatter_update,
tensor_scatter_nd_max/min, broadcast_dynamic_shape, ensure_shape, histograms, truncated
division: NumPy references, TF1's op types, names, static shapes and errors."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(0)


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_roll_matches_numpy_and_names():
    x = RNG.normal(size=(3, 4, 5)).astype(np.float32)
    r = tf.roll(x, [1, -2], [0, 2])
    assert r.op.type == "Roll" and r.op.name == "Roll" and r.shape.as_list() == [3, 4, 5]
    got = run(r)
    np.testing.assert_array_equal(got, np.roll(x, (1, -2), (0, 2)))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(run(tf.manip.roll(x, 7, 1)), np.roll(x, 7, 1))
    p = tf.placeholder(tf.int32, [None])
    np.testing.assert_array_equal(run(tf.roll(p, 2, 0), {p: [1, 2, 3]}), [2, 3, 1])


def test_roll_errors():
    with pytest.raises(ValueError, match="same size"):
        tf.roll(tf.zeros([2, 3]), [1, 2], [0])
    with pytest.raises(ValueError, match="out of range"):
        tf.roll(tf.zeros([2, 3]), 1, 2)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.uint8, np.int64])
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_sort_and_argsort_match_numpy(dtype, axis):
    x = RNG.integers(0, 6, size=(4, 5, 3)).astype(dtype)  # many ties: argsort is stable
    for direction in ("ASCENDING", "DESCENDING"):
        s = tf.sort(x, axis=axis, direction=direction)
        a = tf.argsort(x, axis=axis, direction=direction)
        assert a.dtype == tf.int32 and s.shape.as_list() == [4, 5, 3]
        got_s, got_a = run([s, a])
        key = x if direction == "ASCENDING" else -x.astype(np.int64)
        want_a = np.argsort(key, axis=axis, kind="stable")
        np.testing.assert_array_equal(got_a, want_a)
        np.testing.assert_array_equal(got_s, np.take_along_axis(x, want_a, axis=axis))
        assert got_s.dtype == dtype


def test_sort_of_unknown_rank():
    p = tf.placeholder(tf.float32)
    x = RNG.normal(size=(3, 4, 2)).astype(np.float32)
    s, a = tf.sort(p, axis=1, direction="DESCENDING"), tf.argsort(p, axis=-3)
    gs, ga = run([s, a], {p: x})
    np.testing.assert_array_equal(gs, -np.sort(-x, axis=1))
    np.testing.assert_array_equal(ga, np.argsort(x, axis=0, kind="stable"))


def test_sort_names_and_errors():
    x = tf.placeholder(tf.float32, [3, None])
    assert tf.sort(x, axis=0).op.name == "sort/Neg_1"
    assert tf.argsort(x, direction="DESCENDING").op.type == "TopKV2"
    assert tf.argsort(x).name == "argsort_1/TopKV2:1"
    with pytest.raises(ValueError, match="direction"):
        tf.sort(x, direction="UP")
    with pytest.raises(ValueError, match="axis"):
        tf.sort(x, axis=tf.placeholder(tf.int32, []))


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted(side):
    seq = np.sort(RNG.integers(0, 10, size=(2, 3, 6)), axis=-1).astype(np.float32)
    vals = RNG.integers(-1, 11, size=(2, 3, 4)).astype(np.float32)
    out = tf.searchsorted(seq, vals, side=side, out_type=tf.int64)
    assert out.dtype == tf.int64
    assert any(op.type == ("LowerBound" if side == "left" else "UpperBound")
               for op in tf.get_default_graph().get_operations())
    want = np.stack([np.stack([np.searchsorted(seq[i, j], vals[i, j], side=side)
                               for j in range(3)]) for i in range(2)])
    np.testing.assert_array_equal(run(out), want)
    with pytest.raises(ValueError, match="side"):
        tf.searchsorted(seq, vals, side="middle")


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing):
    a, b, c = np.arange(3.0), np.arange(4.0) * 2, np.arange(2.0) - 5
    outs = tf.meshgrid(a, b, c, indexing=indexing)
    want = np.meshgrid(a, b, c, indexing=indexing)
    for o, w in zip(run(outs), want):
        np.testing.assert_array_equal(o, w)
    assert [o.shape.as_list() for o in outs] == [list(w.shape) for w in want]
    assert outs[0].name.startswith("meshgrid/")
    with pytest.raises(TypeError, match="invalid keyword"):
        tf.meshgrid(a, b, sparse=True)
    with pytest.raises(ValueError, match="indexing"):
        tf.meshgrid(a, indexing="yx")


def test_repeat():
    x = RNG.normal(size=(2, 3, 2)).astype(np.float32)
    cases = [(2, None), (3, 1), ([1, 0, 2], 1), ([2, 1], 0), ([0, 3], -1)]
    for reps, axis in cases:
        got = run(tf.repeat(x, reps, axis=axis))
        np.testing.assert_array_equal(got, np.repeat(x, reps, axis=axis))
        assert got.dtype == np.float32
    p = tf.placeholder(tf.int32, [None])
    np.testing.assert_array_equal(run(tf.repeat(x, p, axis=1), {p: [2, 0, 1]}),
                                  np.repeat(x, [2, 0, 1], axis=1))
    with pytest.raises(TypeError, match="axis"):
        tf.repeat(x, 2, axis=1.5)
    with pytest.raises(ValueError):
        tf.repeat(x, [1, 2], axis=1)


def test_unique_with_counts_and_setdiff1d():
    x = np.array([4, 1, 4, 2, 1, 4, 7], np.int32)
    y, idx, count = tf.unique_with_counts(x, out_idx=tf.int64)
    assert y.op.type == "UniqueWithCounts" and idx.dtype == tf.int64 == count.dtype
    gy, gi, gc = run([y, idx, count])
    np.testing.assert_array_equal(gy, [4, 1, 2, 7])
    np.testing.assert_array_equal(gi, [0, 1, 0, 2, 1, 0, 3])
    np.testing.assert_array_equal(gc, [3, 2, 1, 1])
    out, i = tf.setdiff1d([1, 2, 3, 4, 5, 6], [1, 3, 5])
    assert out.op.type == "ListDiff" and i.dtype == tf.int32
    go, gi = run([out, i])
    np.testing.assert_array_equal(go, [2, 4, 6])
    np.testing.assert_array_equal(gi, [1, 3, 5])
    with pytest.raises(TypeError, match="ListDiff"):
        tf.setdiff1d([1.0], [1])


def test_unravel_index():
    out = tf.unravel_index([1, 5, 4], [2, 3])
    assert out.op.type == "UnravelIndex" and out.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(out), np.stack(np.unravel_index([1, 5, 4], (2, 3))))
    s = tf.unravel_index(tf.constant(7, tf.int64), tf.constant([2, 4], tf.int64))
    assert s.shape.as_list() == [2] and s.dtype == tf.int64
    np.testing.assert_array_equal(run(s), [1, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="UnravelIndex"):
        run(tf.unravel_index([1, 6], [2, 3]))


@pytest.mark.parametrize("seq_axis,batch_axis", [(1, 0), (0, 1), (2, 0)])
def test_reverse_sequence(seq_axis, batch_axis):
    x = RNG.normal(size=(3, 4, 5))
    nb, ns = x.shape[batch_axis], x.shape[seq_axis]
    lens = RNG.integers(0, ns + 1, size=nb)
    want = x.copy()
    for b, L in enumerate(lens):
        idx = [slice(None)] * 3
        idx[batch_axis] = b
        idx[seq_axis] = slice(0, L)
        want[tuple(idx)] = np.flip(x[tuple(idx)], axis=seq_axis - (seq_axis > batch_axis))
    out = tf.reverse_sequence(x, lens, seq_axis=seq_axis, batch_axis=batch_axis)
    assert out.op.type == "ReverseSequence" and out.op.get_attr("seq_dim") == seq_axis
    np.testing.assert_array_equal(run(out), want)
    np.testing.assert_array_equal(
        run(tf.reverse_sequence(x, lens, seq_dim=seq_axis, batch_dim=batch_axis)), want)


def test_reverse_sequence_errors():
    with pytest.raises(ValueError, match="seq_lengths"):
        tf.reverse_sequence(tf.zeros([2, 3]), [1, 2, 3], seq_axis=1)
    p = tf.placeholder(tf.int64, [2])
    r = tf.reverse_sequence(tf.zeros([2, 3]), p, seq_axis=1, name="rs")
    with pytest.raises(tf.errors.InvalidArgumentError, match="rs"):
        run(r, {p: [1, 4]})


def test_dynamic_partition():
    data = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    parts = np.array([[0, 2, 1], [2, 2, 0]], np.int32)
    outs = tf.dynamic_partition(data, parts, 3)
    assert len(outs) == 3 and outs[0].op.type == "DynamicPartition"
    assert outs[1].shape.as_list() == [None, 4]
    for i, o in enumerate(run(outs)):
        np.testing.assert_array_equal(o, data[parts == i])
    with pytest.raises(tf.errors.InvalidArgumentError, match="partitions"):
        run(tf.dynamic_partition(data, parts + 1, 3))


def test_batch_gather_and_batch_scatter_update():
    params = RNG.normal(size=(2, 3, 5, 2)).astype(np.float32)
    idx = RNG.integers(0, 5, size=(2, 3, 4)).astype(np.int32)
    out = tf.batch_gather(params, idx)
    assert out.shape.as_list() == [2, 3, 4, 2] and out.name.startswith("BatchGather/")
    want = np.take_along_axis(params, idx[..., None].repeat(2, -1), axis=2)
    np.testing.assert_array_equal(run(out), want)
    np.testing.assert_array_equal(run(tf.batch_gather([1, 2, 3], [2, 0])), [3, 1])
    v = tf.Variable(np.zeros((2, 4), np.float32))
    upd = tf.batch_scatter_update(v, [[1, 3], [0, 0]], [[1.0, 2.0], [3.0, 3.0]])
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(upd), [[0, 1, 0, 2], [3, 0, 0, 0]])


def test_tensor_scatter_nd_max_min():
    t = np.arange(6, dtype=np.float32).reshape(3, 2)
    idx = [[0], [2], [0]]
    upd = np.array([[9, -1], [0, 8], [10, 0]], np.float32)
    mx, mn = tf.tensor_scatter_nd_max(t, idx, upd), tf.tensor_scatter_nd_min(t, idx, upd)
    assert mx.op.type == "TensorScatterMax" and mn.op.type == "TensorScatterMin"
    w_max, w_min = t.copy(), t.copy()
    np.maximum.at(w_max, [0, 2, 0], upd)
    np.minimum.at(w_min, [0, 2, 0], upd)
    got = run([mx, mn])
    np.testing.assert_array_equal(got[0], w_max)
    np.testing.assert_array_equal(got[1], w_min)


def test_broadcast_dynamic_shape():
    p = tf.placeholder(tf.int32, [None])
    out = tf.broadcast_dynamic_shape(p, [4, 1, 3])
    assert out.op.type == "BroadcastArgs"
    np.testing.assert_array_equal(run(out, {p: [2, 1]}), [4, 2, 3])
    np.testing.assert_array_equal(tf.get_static_value(tf.broadcast_dynamic_shape([2, 1], [3])),
                                  [2, 3])
    with pytest.raises(ValueError, match="Incompatible shapes"):
        tf.broadcast_dynamic_shape([2], [3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
        run(out, {p: [2, 2]})


def test_ensure_shape():
    p = tf.placeholder(tf.float32, [None, 3])
    e = tf.ensure_shape(p, [2, None], name="checked")
    assert e.op.type == "EnsureShape" and e.shape.as_list() == [2, 3]
    v = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(run(e, {p: v}), v)
    with pytest.raises(tf.errors.InvalidArgumentError, match="checked"):
        run(e, {p: np.ones((4, 3), np.float32)})
    with pytest.raises(ValueError, match="compatible"):
        tf.ensure_shape(p, [2, 4])
    g, = tf.gradients(tf.reduce_sum(e * 2.0), p)
    np.testing.assert_array_equal(run(g, {p: v}), 2 * v)


def test_histogram_fixed_width_and_bins():
    vals = np.array([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0, 9.999], np.float32)
    h = tf.histogram_fixed_width(vals, [0.0, 10.0], nbins=5)
    assert h.op.type == "HistogramFixedWidth" and h.shape.as_list() == [5] and h.dtype == tf.int32
    np.testing.assert_array_equal(run(h), [3, 1, 1, 0, 2])
    b = tf.histogram_fixed_width_bins(vals.reshape(7, 1), [0.0, 10.0], nbins=5, dtype=tf.int64)
    assert b.shape.as_list() == [7, 1] and b.dtype == tf.int64
    np.testing.assert_array_equal(run(b).ravel(), [0, 0, 0, 1, 2, 4, 4])
    x = RNG.normal(size=1000)
    np.testing.assert_array_equal(run(tf.histogram_fixed_width(x, [-2.0, 2.0], 8)),
                                  np.histogram(np.clip(x, -2, 2), bins=8, range=(-2, 2))[0])


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_truncatediv_truncatemod(dtype):
    x = np.array([7, -7, 7, -7, 0, 5], dtype)
    y = np.array([2, 2, -2, -2, 3, 5], dtype)
    d, m = tf.truncatediv(x, y), tf.truncatemod(x, y)
    assert d.op.type == "TruncateDiv" and m.op.type == "TruncateMod"
    gd, gm = run([d, m])
    np.testing.assert_array_equal(gd, np.trunc(x / y).astype(dtype))
    np.testing.assert_array_equal(gm, np.fmod(x, y))
    assert gd.dtype == dtype and gm.dtype == dtype


def test_truncatediv_by_zero_names_op():
    with pytest.raises(tf.errors.InvalidArgumentError, match="tdiv"):
        run(tf.truncatediv([1, 2], [0, 1], name="tdiv"))


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.uint16])
def test_bitwise_namespace(dtype):
    info = np.iinfo(dtype)
    x = RNG.integers(info.min, info.max, size=20, endpoint=True).astype(dtype)
    y = RNG.integers(info.min, info.max, size=20, endpoint=True).astype(dtype)
    bits = info.bits
    s = RNG.integers(-2, bits + 3, size=20).astype(dtype if info.min < 0 else np.int64)
    s = np.clip(s, 0 if info.min == 0 else s.min(), None).astype(dtype)
    b = tf.bitwise
    outs = [b.bitwise_and(x, y), b.bitwise_or(x, y), b.bitwise_xor(x, y), b.invert(x),
            b.left_shift(x, s), b.right_shift(x, s)]
    assert [o.op.type for o in outs] == ["BitwiseAnd", "BitwiseOr", "BitwiseXor", "Invert",
                                         "LeftShift", "RightShift"]
    clamped = np.clip(s.astype(np.int64), 0, bits - 1).astype(dtype)
    want = [x & y, x | y, x ^ y, ~x, np.left_shift(x, clamped), np.right_shift(x, clamped)]
    for got, w in zip(run(outs), want):
        np.testing.assert_array_equal(got, w)
        assert got.dtype == dtype


def test_bitwise_and_manip_namespaces_hold_tf1_names_only():
    assert sorted(n for n in dir(tf.bitwise) if not n.startswith("_")) == [
        "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]
    assert {n for n in dir(tf.manip) if not n.startswith("_")} == {
        "batch_to_space_nd", "gather_nd", "reshape", "reverse", "roll", "scatter_nd",
        "space_to_batch_nd", "tile"}
    with pytest.raises(TypeError, match="BitwiseAnd"):
        tf.bitwise.bitwise_and(tf.constant([1.0]), tf.constant([1.0]))
