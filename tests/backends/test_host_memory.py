"""Host memory for metadata (TF1's HostMemory): shapes, axes, sizes and index vectors stay in
host memory, so a training step with unknown dimensions moves only its feeds in and its fetches
out and never reads a device value back.

Sessions run CPU ops on the strict device (TFGRAPH_BACKEND=strict), which counts transfers
(`from_host`, `to_host`), values read back by kernels (`host_reads`: `int(x)`, `bool(x)`, ...)
and uploads hidden in kernels (`implicit_uploads`).  A plan's first run also uploads its
constants, so traffic is compared across the 2nd and 3rd runs.
"""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.backends.strict_backend import COUNTERS
from tfgraph.framework.registry import get_op_def

F32 = np.float32


def _steady_traffic(sess, be, fetches, feed):
    """Runs `fetches` three times; returns the 3rd run's values and the traffic of the 2nd and
    3rd runs (which must agree): (from_host, to_host, from_host_bytes, host_reads,
    implicit_uploads)."""
    sess.run(fetches, feed)  # plan set-up: constants are uploaded once
    seen = []
    for _ in range(2):
        be.reset_counters()
        out = sess.run(fetches, feed)
        c = be.counters
        seen.append((c.from_host, c.to_host, c.from_host_bytes, COUNTERS.host_reads,
                     COUNTERS.implicit_uploads))
    assert seen[0] == seen[1], f"traffic changed between runs: {seen}"
    return out, seen[1]


# --- an MLP training step with a None batch dimension -------------------------------------------
def _mlp_params():
    rng = np.random.default_rng(7)
    return [rng.normal(0, 0.05, (784, 32)).astype(F32), rng.normal(0, 0.1, 32).astype(F32),
            rng.normal(0, 0.1, (32, 10)).astype(F32), rng.normal(0, 0.1, 10).astype(F32)]


def _mlp_batch(n=16):
    rng = np.random.default_rng(3)
    x = rng.random((n, 784), dtype=F32)
    y = np.eye(10, dtype=F32)[rng.integers(0, 10, n)]
    return x, y


def _build_mlp(image_metadata=False):
    """Placeholders [None, 784] / [None, 10], two dense layers, a mean loss, one SGD step.

    With `image_metadata`, the input goes through `tf.reshape(x, [-1, 28, 28, 1])` and back
    with `tf.shape(x)[0]`, and the loss is a `reduce_mean` over unknown dimensions.
    """
    w1v, b1v, w2v, b2v = _mlp_params()
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y = tf.placeholder(tf.float32, [None, 10], name="y")
    h = x
    if image_metadata:
        images = tf.reshape(x, [-1, 28, 28, 1])
        batch = tf.shape(x)[0]
        h = tf.reshape(images, [batch, 28 * 28])
    w1, b1 = tf.Variable(w1v, name="w1"), tf.Variable(b1v, name="b1")
    w2, b2 = tf.Variable(w2v, name="w2"), tf.Variable(b2v, name="b2")
    hidden = tf.nn.relu(tf.matmul(h, w1) + b1)
    logits = tf.matmul(hidden, w2) + b2
    xent = getattr(tf.nn, "softmax_cross_entropy_with_logits_v2", None)
    if image_metadata or xent is None:
        loss = tf.reduce_mean(tf.square(logits - y))  # over [None, 10]: both dims at run time
        kind = "mse"
    else:
        loss = tf.reduce_mean(xent(labels=y, logits=logits))
        kind = "xent"
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return x, y, loss, train, [w1, b1, w2, b2], kind


def _reference_step(params, x, y, kind, lr=0.1):
    """NumPy (float64) forward pass and one SGD step: (loss, updated params)."""
    w1, b1, w2, b2 = (p.astype(np.float64) for p in params)
    x, y = x.astype(np.float64), y.astype(np.float64)
    a1 = x @ w1 + b1
    h1 = np.maximum(a1, 0.0)
    logits = h1 @ w2 + b2
    if kind == "xent":
        z = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        loss = np.mean(-(y * np.log(p)).sum(axis=1))
        dlogits = (p - y) / len(x)
    else:
        d = logits - y
        loss = np.mean(d * d)
        dlogits = 2.0 * d / d.size
    dh = (dlogits @ w2.T) * (a1 > 0)
    grads = [x.T @ dh, dh.sum(axis=0), h1.T @ dlogits, dlogits.sum(axis=0)]
    return loss, [p - lr * g for p, g in zip((w1, b1, w2, b2), grads)]


@pytest.mark.parametrize("image_metadata", [False, True], ids=["dense", "reshape_shape_mean"])
def test_mlp_training_step_moves_feeds_in_the_loss_out_and_reads_nothing_back(
        strict_cpu, image_metadata):
    x, y, loss, train, params, kind = _build_mlp(image_metadata)
    xb, yb = _mlp_batch()
    feed = {x: xb, y: yb}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want_loss, want_params = _reference_step(_mlp_params(), xb, yb, kind)
        l0 = sess.run(loss, feed)
        np.testing.assert_allclose(l0, want_loss, rtol=1e-5)
        sess.run(train, feed)
        for got, want in zip(sess.run(params), want_params):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
        (_, l3), traffic = _steady_traffic(sess, strict_cpu, [train, loss], feed)
    # Exactly the two fed arrays in, the loss out; no value read back, no hidden upload.
    assert traffic == (2, 1, xb.nbytes + yb.nbytes, 0, 0)
    assert type(l3) is np.float32 and l3 < l0


def test_the_batch_size_can_change_between_runs_without_traffic(strict_cpu):
    x, y, loss, train, _, _ = _build_mlp(image_metadata=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for n in (5, 16, 1):
            xb, yb = _mlp_batch(n)
            _, traffic = _steady_traffic(sess, strict_cpu, [train, loss], {x: xb, y: yb})
            assert traffic == (2, 1, xb.nbytes + yb.nbytes, 0, 0)


def test_mlp_training_step_on_a_gpu_reads_nothing_back(fake_gpu):
    x, y, loss, train, _, _ = _build_mlp(image_metadata=True)
    xb, yb = _mlp_batch()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([train, loss], {x: xb, y: yb})  # the plan's constants go to the GPU once
        for _ in range(2):
            COUNTERS.reset()
            fake_gpu.reset_counters()
            sess.run([train, loss], {x: xb, y: yb})
            c = fake_gpu.counters
            assert (c.from_host, c.to_host, c.from_host_bytes) == (2, 1, xb.nbytes + yb.nbytes)
            assert (COUNTERS.host_reads, COUNTERS.implicit_uploads) == (0, 0)


# --- metadata ops one by one ------------------------------------------------------------------
def _x(shape=(None, None)):
    return tf.placeholder(tf.float32, list(shape) if shape is not None else None, name="x")


def _case_reshape_with_run_time_batch():
    x = _x([None, 2, 3])
    out = tf.reshape(x, tf.stack([tf.shape(x)[0], -1]))
    v = np.arange(24, dtype=F32).reshape(4, 2, 3)
    return [out], {x: v}, [v.reshape(4, 6)]


def _case_mean_gradient_over_unknown_dims():
    x = _x()
    g = tf.gradients(tf.reduce_mean(x), x)[0]
    v = np.ones((3, 5), F32)
    return [g], {x: v}, [np.full((3, 5), 1 / 15, F32)]


def _case_mean_over_an_axis_gradient():
    x = _x()
    g = tf.gradients(tf.reduce_mean(x, axis=1) * tf.constant(2.0), x)[0]
    v = np.ones((2, 4), F32)
    return [g], {x: v}, [np.full((2, 4), 0.5, F32)]


def _case_broadcast_add_gradient():
    x, b = _x(), tf.placeholder(tf.float32, [None], name="b")
    gx, gb = tf.gradients(tf.reduce_sum((x + b) * 3.0), [x, b])
    return [gx, gb], {x: np.ones((2, 3), F32), b: np.ones(3, F32)}, \
        [np.full((2, 3), 3.0, F32), np.full(3, 6.0, F32)]


def _case_transpose_of_unknown_rank_and_its_gradient():
    x = _x(None)
    t = tf.transpose(x)
    g = tf.gradients(tf.reduce_sum(t * tf.constant(np.arange(6, dtype=F32).reshape(3, 2))), x)[0]
    v = np.arange(6, dtype=F32).reshape(2, 3)
    return [t, g], {x: v}, [v.T, np.arange(6, dtype=F32).reshape(3, 2).T]


def _case_tile_gradient_with_fed_multiples():
    x, m = _x(), tf.placeholder(tf.int32, [2], name="multiples")
    g = tf.gradients(tf.reduce_sum(tf.tile(x, m)), x)[0]
    return [g], {x: np.ones((2, 3), F32), m: np.array([2, 3], np.int32)}, \
        [np.full((2, 3), 6.0, F32)]


def _case_concat_gradient():
    x, y = _x(), tf.placeholder(tf.float32, [None, None], name="y")
    c = tf.concat([x, y], 1)
    w = tf.constant(np.arange(10, dtype=F32).reshape(2, 5))
    gx, gy = tf.gradients(tf.reduce_sum(c * w), [x, y])
    w_ = np.arange(10, dtype=F32).reshape(2, 5)
    return [gx, gy], {x: np.ones((2, 2), F32), y: np.ones((2, 3), F32)}, [w_[:, :2], w_[:, 2:]]


def _case_pad_and_slice_gradients():
    x = _x([None, 4])
    p = tf.pad(x, [[0, 0], [1, 2]])
    s = tf.slice(x, [0, 1], [-1, 2])
    g = tf.gradients(tf.reduce_sum(p) + tf.reduce_sum(s) * 2.0, x)[0]
    want = np.ones((3, 4), F32)
    want[:, 1:3] += 2.0
    return [g], {x: np.ones((3, 4), F32)}, [want]


def _case_strided_slice_gradient():
    x = _x()
    g = tf.gradients(tf.reduce_sum(x[:, 1:] * 5.0), x)[0]
    want = np.full((2, 3), 5.0, F32)
    want[:, 0] = 0
    return [g], {x: np.ones((2, 3), F32)}, [want]


def _case_segment_sum_with_run_time_num_segments():
    x = _x()
    data = tf.placeholder(tf.float32, [None], name="data")
    ids = tf.constant(np.array([0, -1, 2, 0], np.int32))
    out = tf.unsorted_segment_sum(data, ids, tf.shape(x)[0])
    return [out], {x: np.zeros((3, 1), F32), data: np.array([1, 2, 3, 4], F32)}, \
        [np.array([5.0, 0.0, 3.0], F32)]


def _case_one_hot_depth_and_range_from_shapes():
    x = _x()
    labels = tf.constant(np.array([2, 0], np.int32))
    oh = tf.one_hot(labels, tf.shape(x)[1])
    r = tf.range(tf.shape(x)[0])  # data: made on the device
    return [oh, r], {x: np.zeros((2, 3), F32)}, [np.eye(3, dtype=F32)[[2, 0]],
                                               np.arange(2, dtype=np.int32)]


def _case_divide_by_a_run_time_count():
    x = _x()
    out = x / tf.cast(tf.shape(x)[0], tf.float32) + tf.cast(tf.size(x), tf.float32)
    v = np.arange(6, dtype=F32).reshape(3, 2)
    return [out], {x: v}, [v / 3 + 6]


def _case_shape_ops_are_fetched_from_host_memory():
    x = _x()
    return [tf.shape(x), tf.size(x), tf.shape(x)[1] * 2], \
        {x: np.zeros((2, 3), F32)}, [np.array([2, 3], np.int32), np.int32(6), np.int32(6)]


def _case_reduce_and_argmax_over_run_time_axes():
    x = _x()
    axis = tf.rank(x) - 1
    s = tf.reduce_sum(x, axis=axis)
    a = tf.argmax(x, axis=axis)
    e = tf.expand_dims(s, axis)
    v = np.array([[1, 5, 2], [7, 0, 1]], F32)
    return [s, a, e], {x: v}, [v.sum(1), v.argmax(1), v.sum(1)[:, None]]


# (case, arrays uploaded per run, arrays fetched from the device per run).  A fed float array
# goes to the device once, even when only its shape is looked at (Shape runs on the device).
_CASES = [
    (_case_reshape_with_run_time_batch, 1, 1),
    (_case_mean_gradient_over_unknown_dims, 1, 1),
    (_case_mean_over_an_axis_gradient, 1, 1),
    (_case_broadcast_add_gradient, 2, 2),
    (_case_transpose_of_unknown_rank_and_its_gradient, 1, 2),
    (_case_tile_gradient_with_fed_multiples, 1, 1),  # the int multiples stay on the host
    (_case_concat_gradient, 2, 2),
    (_case_pad_and_slice_gradients, 1, 1),
    (_case_strided_slice_gradient, 1, 1),
    (_case_segment_sum_with_run_time_num_segments, 2, 1),
    (_case_one_hot_depth_and_range_from_shapes, 1, 2),
    (_case_divide_by_a_run_time_count, 1, 1),
    (_case_shape_ops_are_fetched_from_host_memory, 1, 0),
    (_case_reduce_and_argmax_over_run_time_axes, 1, 3),
]


@pytest.mark.parametrize("case,uploads,downloads", _CASES,
                         ids=[c[0].__name__[len("_case_"):] for c in _CASES])
def test_metadata_stays_in_host_memory(strict_cpu, case, uploads, downloads):
    fetches, feed, want = case()
    with tf.Session() as sess:
        got, (up, down, _, reads, hidden) = _steady_traffic(sess, strict_cpu, fetches, feed)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)
        assert np.asarray(g).dtype == np.asarray(w).dtype
    # UnsortedSegmentSum validates its (device) ids: one value read back, data not metadata.
    validation = 1 if case is _case_segment_sum_with_run_time_num_segments else 0
    assert (up, down, reads, hidden) == (uploads, downloads, validation, 0)


# --- the declarations and the planner's decisions ---------------------------------------------
@pytest.mark.parametrize("op_type,inputs,outputs", [
    ("Shape", (), (0,)), ("Size", (), (0,)), ("Rank", (), (0,)), ("AllAxes", (), (0,)),
    ("BroadcastGradientArgs", (0, 1), (0, 1)), ("ReducedShape", (0, 1), (0,)),
    ("InvertPermutation", (0,), (0,)), ("Reshape", (1,), ()), ("BroadcastTo", (1,), ()),
    ("Fill", (0,), ()), ("Tile", (1,), ()), ("Slice", (1, 2), ()), ("Pad", (1,), ()),
    ("PadV2", (1,), ()), ("MirrorPad", (1,), ()), ("MirrorPadGrad", (1,), ()),
    ("StridedSlice", (1, 2, 3), ()), ("StridedSliceGrad", (0, 1, 2, 3), ()),
    ("ReverseV2", (1,), ()), ("ScatterNd", (2,), ()), ("Range", (0, 1, 2), ()),
    ("Split", (0,), ()), ("SplitV", (1, 2), ()), ("OneHot", (1,), ()),
    ("UnsortedSegmentSum", (2,), ()), ("ExpandDims", (1,), ()), ("Transpose", (1,), ()),
    ("ConjugateTranspose", (1,), ()), ("GatherV2", (2,), ()), ("LinSpace", (2,), ()),
    ("Sum", (1,), ()), ("Mean", (1,), ()), ("Prod", (1,), ()), ("Max", (1,), ()),
    ("Min", (1,), ()), ("Any", (1,), ()), ("All", (1,), ()), ("ArgMax", (1,), ()),
    ("ArgMin", (1,), ()), ("Cumsum", (1,), ()),
])
def test_op_types_declare_their_host_memory(op_type, inputs, outputs):
    od = get_op_def(op_type)
    for i in range(5):
        assert (i in od.host_inputs) == (i in inputs), (op_type, "input", i)
    for i in range(3):
        assert (i in od.host_outputs) == (i in outputs), (op_type, "output", i)


def test_variable_arity_metadata_ops_are_all_host_memory():
    assert 7 in get_op_def("ShapeN").host_outputs
    assert 7 in get_op_def("ConcatOffset").host_inputs
    assert 7 in get_op_def("ConcatOffset").host_outputs
    assert -1 in get_op_def("ConcatV2").host_inputs and 0 not in get_op_def("ConcatV2").host_inputs


@pytest.mark.parametrize("op_type", [
    "Identity", "StopGradient", "Shape", "ShapeN", "Size", "Rank", "Reshape", "ExpandDims",
    "Squeeze", "Pack", "Unpack", "ConcatV2", "StridedSlice", "Slice", "GatherV2", "Transpose",
    "Cast", "Add", "AddV2", "Sub", "Mul", "FloorDiv", "FloorMod", "Maximum", "Minimum", "Neg",
    "Abs", "RealDiv", "Sum", "Prod", "Max", "Min", "Range"])
def test_shape_arithmetic_op_types_may_run_in_host_memory(op_type):
    assert get_op_def(op_type).host_memory_ok
    assert (get_op_def(op_type).host_memory_ok == "if_consumed_as_metadata") == (op_type == "Range")


@pytest.mark.parametrize("op_type", ["MatMul", "Exp", "ConjugateTranspose", "Pow", "OneHot"])
def test_other_op_types_stay_on_their_device(op_type):
    assert not get_op_def(op_type).host_memory_ok


def test_binary_elementwise_op_types_take_scalar_operands():
    for t in ("Add", "AddV2", "Sub", "Mul", "RealDiv", "FloorDiv", "FloorMod", "Maximum",
              "Minimum", "Pow"):
        assert get_op_def(t).scalar_operands_ok, t
    assert not get_op_def("MatMul").scalar_operands_ok


def _placement(fetches, feeds):
    """op -> backend name in the plan of `fetches` fed with `feeds` (nothing runs)."""
    with tf.Session() as sess:
        plan = sess._compile(fetches, tuple(feeds))
    return {op: be.name for op, be in plan.backends.items()}


def test_shape_arithmetic_runs_in_host_memory_and_data_stays_on_the_device(strict_cpu):
    x = _x()
    n = tf.shape(x)[0]
    pair = tf.stack([n, -1])
    assert n.op.op_def is get_op_def("StridedSlice")  # the op types' own definitions
    assert pair.op.op_def is get_op_def("Pack")
    data = x[0]  # slicing data: on the device
    r = tf.range(n)  # a range is data ...
    cast = tf.cast(tf.constant([1, 2]), tf.float32)
    c = tf.concat([x, x], tf.rank(x) - 1)
    placed = _placement([n, pair, data, r, cast, c], [x])
    assert placed[n.op] == placed[pair.op] == "numpy"
    assert placed[data.op] == placed[r.op] == placed[cast.op] == placed[c.op] == "strict"
    assert placed[c.op.inputs[-1].op] == "numpy"  # the concat axis: rank - 1 on the host
    xu = _x(None)
    tr = tf.transpose(xu)  # of unknown rank: perm = (rank - 1) - range(rank), axes: metadata
    placed = _placement([tr], [xu])
    assert tr.op.inputs[1].op.type == "Sub" and placed[tr.op.inputs[1].op] == "numpy"
    ranges = [op for op in placed if op.type == "Range"]
    assert len(ranges) == 1 and placed[ranges[0]] == "numpy"
    n_data = tf.reduce_sum(tf.gather(x, tf.range(n)))  # range as gather indices: data
    assert _placement([n_data], [x])[n_data.op.inputs[0].op.inputs[1].op] == "strict"


def test_ops_built_with_create_op_directly_keep_metadata_in_host_memory(strict_cpu):
    """The planner decides, not the builders: ops made by `graph.create_op` (no builder) on
    shape metadata run in host memory too, and a 0-d host value is a scalar operand."""
    g = tf.get_default_graph()
    x = _x()
    shp = g.create_op("Shape", [x], {"out_type": tf.int32}).outputs[0]
    two = tf.constant(2)
    one = tf.constant(1)
    rows = g.create_op("StridedSlice", [shp, tf.constant([0]), tf.constant([1]),
                                        tf.constant([1])],
                       {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0,
                        "new_axis_mask": 0, "shrink_axis_mask": 1}).outputs[0]
    double = g.create_op("Mul", [rows, two]).outputs[0]
    new_shape = g.create_op("Pack", [double, g.create_op("Neg", [one]).outputs[0]],
                            {"axis": 0}).outputs[0]
    out = g.create_op("Reshape", [x, new_shape]).outputs[0]
    count = g.create_op("Cast", [rows], {"SrcT": tf.int32, "DstT": tf.float32,
                                         "Truncate": False}).outputs[0]
    scaled = g.create_op("RealDiv", [out, count]).outputs[0]
    axis = g.create_op("Sub", [g.create_op("Rank", [x]).outputs[0], one]).outputs[0]
    joined = g.create_op("ConcatV2", [x, x, axis]).outputs[0]
    placed = _placement([scaled, joined], [x])
    for t in (rows, double, new_shape, count, axis):
        assert placed[t.op] == "numpy", t.op.type
    assert placed[out.op] == placed[scaled.op] == placed[joined.op] == "strict"
    v = np.arange(24, dtype=F32).reshape(4, 6)
    with tf.Session() as sess:
        (got, got_j), (up, down, _, reads, hidden) = _steady_traffic(
            sess, strict_cpu, [scaled, joined], {x: v})
    np.testing.assert_allclose(got, v.reshape(8, -1) / 4)
    np.testing.assert_allclose(got_j, np.concatenate([v, v], 1))
    # x goes up once, the two results come down; no metadata moves, nothing is read back.
    assert (up, down, reads, hidden) == (1, 2, 0, 0)


def test_shape_arithmetic_is_made_and_fetched_in_host_memory(strict_cpu):
    x = _x()
    k = tf.cast(tf.shape(x)[0] * 2 + 1, tf.float32)
    with tf.Session() as sess:
        out = sess.run(k, {x: np.zeros((3, 1), F32)})
    assert type(out) is np.float32 and out == 7.0
    assert strict_cpu.counters.to_host == 0 and COUNTERS.host_reads == 0


def test_gradient_of_a_metadata_graph_matches_the_numpy_backend(strict_cpu, monkeypatch):
    def build():
        x = tf.placeholder(tf.float32, [None, None, 3], name="x")
        flat = tf.reshape(x, [tf.shape(x)[0], -1])
        m = tf.reduce_mean(tf.square(flat), axis=[1])
        loss = tf.reduce_sum(m / tf.cast(tf.shape(x)[1], tf.float32))
        return x, loss, tf.gradients(loss, x)[0]

    v = np.random.default_rng(0).random((2, 4, 3), dtype=F32)
    x, loss, g = build()
    with tf.Session() as sess:
        got = sess.run([loss, g], {x: v})
    monkeypatch.setenv("TFGRAPH_BACKEND", "numpy")
    tf.reset_default_graph()
    x, loss, g = build()
    with tf.Session() as sess:
        want = sess.run([loss, g], {x: v})
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6)
    np.testing.assert_allclose(want[1], 2 * v / (12 * 4), rtol=1e-5)


# --- while loops: no host round trip per iteration ---------------------------------------------
def _loop_traffic(sess, be, fetch, feed):
    be.reset_counters()
    h0, u0 = COUNTERS.host_reads, COUNTERS.implicit_uploads
    out = sess.run(fetch, feed)
    c = be.counters
    return out, (c.from_host, c.to_host, COUNTERS.host_reads - h0, COUNTERS.implicit_uploads - u0)


def test_a_loop_moves_nothing_per_iteration(fake_gpu):
    """The counter, its limit and the predicate live in host memory; the loop variable stays
    on the device: the traffic of 3 and of 13 iterations is the same (feed in, fetch out)."""
    n = tf.placeholder(tf.int32, [])
    x = tf.placeholder(tf.float32, [4])
    i, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * 2.0 + 1.0), [0, x])
    sess = tf.Session()
    feed = {x: np.ones(4, F32)}
    sess.run(y, {n: 1, **feed})
    out3, t3 = _loop_traffic(sess, fake_gpu, y, {n: 3, **feed})
    out13, t13 = _loop_traffic(sess, fake_gpu, y, {n: 13, **feed})
    np.testing.assert_allclose(out3, [15.0] * 4)
    np.testing.assert_allclose(out13, [2.0 ** 14 - 1] * 4)
    assert t3 == t13 == (1, 1, 0, 0), (t3, t13)


def test_tensor_array_loop_and_its_gradient_move_nothing_per_iteration(fake_gpu):
    """map_fn (TensorArray handles and flows in host memory, elements on the device) and its
    backward loop (stack pushes and pops stay on the device)."""
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.map_fn(lambda r: tf.tanh(r) * 2.0, x)
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    sess = tf.Session()
    rng = np.random.default_rng(0)
    small, big = rng.normal(size=(3, 3)).astype(F32), rng.normal(size=(9, 3)).astype(F32)
    sess.run([y, g], {x: small})
    (ys, gs), t_small = _loop_traffic(sess, fake_gpu, [y, g], {x: small})
    (yb, gb), t_big = _loop_traffic(sess, fake_gpu, [y, g], {x: big})
    np.testing.assert_allclose(yb, np.tanh(big) * 2.0, rtol=1e-5)
    np.testing.assert_allclose(gb, 2.0 * (1 - np.tanh(big) ** 2), rtol=1e-5)
    assert t_small == t_big, (t_small, t_big)
