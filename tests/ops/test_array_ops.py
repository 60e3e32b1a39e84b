"""Array ops: values against NumPy, TF1 op names, static shape inference, errors, run-time shapes.

Finite-difference gradient checks of every array op live in cases_array.py (run by
test_gradient_coverage.py); here are the exact-value gradient tests (duplicate indices, ...).
"""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops import array_ops

RNG = np.random.default_rng(0)
X3 = RNG.standard_normal((3, 4, 5)).astype(np.float32)


def shape_of(t):
    return t.shape.as_list() if t.shape.ndims is not None else None


# --- strided slice / __getitem__ --------------------------------------------------------------
SLICES = [
    np.s_[1], np.s_[-1], np.s_[1:], np.s_[:2], np.s_[::2], np.s_[::-1], np.s_[-2:],
    np.s_[1:, ::2], np.s_[:, 1:-1, ::-2], np.s_[5:], np.s_[-10:10], np.s_[2:0:-1],
    np.s_[...], np.s_[..., 0], np.s_[1, ..., 2], np.s_[None], np.s_[:, None, 1],
    np.s_[..., None], np.s_[None, ..., None, 2], np.s_[0, 1, 2], np.s_[-1, -1, -1],
    np.s_[:, :, ::-3], np.s_[1:2, 3], np.s_[()], np.s_[0, None, ..., 1:],
]


@pytest.mark.parametrize("spec", SLICES, ids=[str(s) for s in SLICES])
def test_getitem_matches_numpy(run, spec):
    x = tf.constant(X3)
    y = x[spec]
    expected = X3[spec]
    assert y.op.type == "StridedSlice"
    assert shape_of(y) == list(np.shape(expected))
    out = run(y)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("spec", [np.s_[1:, ::2], np.s_[..., -1], np.s_[0, None]],
                         ids=["slices", "ellipsis", "newaxis"])
def test_getitem_on_unknown_dims_runs_with_fed_shapes(run, spec):
    x = tf.placeholder(tf.float32, [None, 4, None])
    y = x[spec]
    static = list(np.shape(X3[spec]))
    # Dimensions read from unknown input dims stay unknown; the others are inferred.
    expected_static = {str(np.s_[1:, ::2]): [None, 2, None], str(np.s_[..., -1]): [None, 4],
                       str(np.s_[0, None]): [1, 4, None]}[str(spec)]
    assert shape_of(y) == expected_static
    out = run(y, {x: X3})
    assert list(out.shape) == static
    np.testing.assert_array_equal(out, X3[spec])


def test_getitem_unknown_rank_gives_unknown_shape(run):
    x = tf.placeholder(tf.float32)
    y = x[1:, 0]
    assert y.shape.ndims is None
    np.testing.assert_array_equal(run(y, {x: X3}), X3[1:, 0])


def test_getitem_names_follow_tf1():
    x = tf.placeholder(tf.float32, [3, 4], name="x")
    y = x[1:, ::2]
    assert y.op.name == "strided_slice"
    assert [t.op.name for t in y.op.inputs] == [
        "x", "strided_slice/stack", "strided_slice/stack_1", "strided_slice/stack_2"]
    assert [t.op.type for t in y.op.inputs[1:]] == ["Const"] * 3
    np.testing.assert_array_equal(y.op.inputs[1].op.attrs["value"], [1, 0])
    np.testing.assert_array_equal(y.op.inputs[3].op.attrs["value"], [1, 2])
    assert y.op.attrs["begin_mask"] == 2 and y.op.attrs["end_mask"] == 3
    assert x[0].op.name == "strided_slice_1"
    assert x[0].op.attrs["shrink_axis_mask"] == 1
    with tf.name_scope("scope"):
        assert x[..., None].op.name == "scope/strided_slice"


def test_getitem_with_tensor_index(run):
    x = tf.constant(X3)
    i = tf.placeholder(tf.int32, [], name="i")
    y = x[i, 1:]
    # begin is not constant, so the sliced dim is unknown (as in TF1); the shrunk one is gone.
    assert shape_of(y) == [None, 5]
    begin = y.op.inputs[1]
    assert begin.op.type == "Pack" and begin.op.name == "strided_slice/stack"
    assert begin.op.inputs[1].op.name == "strided_slice/stack/1"
    assert y.op.inputs[2].op.inputs[0].op.name == "add"  # end = i + 1, built before the scope
    np.testing.assert_array_equal(run(y, {i: 2}), X3[2, 1:])
    np.testing.assert_array_equal(run(x[:i], {i: 2}), X3[:2])
    np.testing.assert_array_equal(run(x[-1, i, ::i], {i: 2}), X3[-1, 2, ::2])


def test_getitem_on_variable_and_numpy_integer_indices():
    v = tf.Variable(X3)
    y = v[np.int64(1), np.int32(2)]
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(y), X3[1, 2])


@pytest.mark.parametrize("bad", [1.5, [0, 1], "a", np.s_[0.5:]], ids=["float", "list", "str", "float-slice"])
def test_getitem_rejects_bad_index_types(bad):
    x = tf.constant(X3)
    with pytest.raises(TypeError, match="Only integers, slices"):
        x[bad if not isinstance(bad, list) else (bad,)]


def test_getitem_rejects_1d_tensor_index():
    x = tf.constant(X3)
    with pytest.raises(TypeError, match="Only integers, slices"):
        x[tf.constant([0, 1])]


def test_getitem_out_of_bounds_is_a_build_time_value_error():
    x = tf.placeholder(tf.float32, [3, 4], name="x")
    with pytest.raises(ValueError, match="slice index 5 of dimension 1 out of bounds") as e:
        x[0, 5]
    assert "strided_slice" in str(e.value)
    with pytest.raises(ValueError, match="out of bounds"):
        x[-4]


def test_getitem_out_of_bounds_at_run_time_names_the_op(run):
    x = tf.placeholder(tf.float32, [None, 4])
    y = x[3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="strided_slice"):
        run(y, {x: np.zeros((2, 4), np.float32)})


def test_getitem_zero_stride_and_multiple_ellipses_are_errors():
    x = tf.constant(X3)
    with pytest.raises(ValueError, match="non-zero"):
        x[::0]
    with pytest.raises(ValueError, match="Multiple ellipses"):
        x[..., 0, ...]


def test_strided_slice_with_masks_matches_numpy(run):
    x = tf.constant(X3)
    # x[1, ..., tf.newaxis, ::-1] spelled with masks.
    y = tf.strided_slice(x, [1, 0, 0, 0], [2, 0, 0, 0], [1, 1, 1, -1], ellipsis_mask=2,
                         new_axis_mask=4, shrink_axis_mask=1, end_mask=8, begin_mask=8)
    expected = X3[1, ..., None, ::-1]
    assert y.op.name == "StridedSlice" and shape_of(y) == list(expected.shape)
    np.testing.assert_array_equal(run(y), expected)


def test_strided_slice_gradient_scatters_into_zeros(run):
    x = tf.constant(X3)
    g = tf.gradients(tf.reduce_sum(x[1:, ::2, -1] * 3.0), x)[0]
    assert g.op.type == "StridedSliceGrad"
    expected = np.zeros_like(X3)
    expected[1:, ::2, -1] = 3.0
    np.testing.assert_array_equal(run(g), expected)


def test_slices_of_variables_are_copied_when_fetched():
    v = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    views = [v[0], v[:, 1:], tf.reshape(v, [-1]), tf.transpose(v), tf.slice(v, [0, 0], [1, 2]),
             tf.expand_dims(v, 0), tf.squeeze(tf.expand_dims(v, 0)), tf.reverse(v, [1])]
    bump = tf.assign_add(v, tf.ones([2, 3]))
    with tf.Session() as sess:
        sess.run(v.initializer)
        before = sess.run(views)
        snapshot = [b.copy() for b in before]
        sess.run(bump)
        for b, s in zip(before, snapshot):
            np.testing.assert_array_equal(b, s)


# --- shape, size, rank ------------------------------------------------------------------------
def test_shape_size_rank_are_constants_when_static(run):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    s, n, r = tf.shape(x), tf.size(x), tf.rank(x)
    assert (s.op.type, s.op.name, n.op.type, n.op.name, r.op.type, r.op.name) == (
        "Const", "Shape", "Const", "Size", "Const", "Rank")
    np.testing.assert_array_equal(run(s), [2, 3])
    assert run(n) == 6 and run(r) == 2
    assert tf.shape(x, out_type=tf.int64).dtype == tf.int64


def test_shape_size_rank_ops_for_unknown_shapes(run):
    x = tf.placeholder(tf.float32, [None, 3])
    u = tf.placeholder(tf.float32)
    s, n, r = tf.shape(x), tf.size(x), tf.rank(u)
    assert (s.op.type, n.op.type, r.op.type) == ("Shape", "Size", "Rank")
    assert shape_of(s) == [2] and shape_of(n) == [] and shape_of(r) == []
    v = np.zeros((4, 3), np.float32)
    out = run([s, n, r, tf.shape(u)], {x: v, u: X3})
    np.testing.assert_array_equal(out[0], [4, 3])
    assert out[1] == 12 and out[2] == 3
    np.testing.assert_array_equal(out[3], [3, 4, 5])
    assert out[0].dtype == np.int32 and out[1].dtype == np.int32
    assert tf.size(tf.placeholder(tf.float32, [None, 0])).op.type == "Const"


def test_shape_n_and_bad_out_type(run):
    a = tf.placeholder(tf.float32, [None, 2])
    b = tf.constant(X3)
    sa, sb = tf.shape_n([a, b])
    out = run([sa, sb], {a: np.zeros((5, 2))})
    np.testing.assert_array_equal(out[0], [5, 2])
    np.testing.assert_array_equal(out[1], [3, 4, 5])
    with pytest.raises(TypeError, match="out_type"):
        tf.shape(a, out_type=tf.float32)


# --- reshape ----------------------------------------------------------------------------------
def test_reshape_values_names_and_static_shape(run):
    x = tf.constant(X3)
    y = tf.reshape(x, [4, -1])
    assert y.op.name == "Reshape" and y.op.inputs[1].op.name == "Reshape/shape"
    assert shape_of(y) == [4, 15]
    np.testing.assert_array_equal(run(y), X3.reshape(4, -1))
    assert shape_of(tf.reshape(x, tf.TensorShape([60]))) == [60]


def test_reshape_mismatch_is_a_build_time_value_error():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    with pytest.raises(ValueError, match=r"6 elements to shape \[4\]") as e:
        tf.reshape(x, [4])
    assert "Reshape" in str(e.value)
    with pytest.raises(ValueError, match="6 elements"):
        tf.reshape(x, [4, -1])
    with pytest.raises(ValueError, match="-1"):
        tf.reshape(x, [-1, -1])


def test_reshape_partial_shapes(run):
    x = tf.placeholder(tf.float32, [None, 4, 5])
    assert shape_of(tf.reshape(x, [-1, 20])) == [None, 20]
    assert shape_of(tf.reshape(x, [tf.shape(x)[0], -1])) == [None, 20]
    assert shape_of(tf.reshape(x, tf.stack([-1, tf.shape(x)[1]]))) == [None, 4]
    p = tf.placeholder(tf.int32, [3])
    assert shape_of(tf.reshape(x, p)) == [None, None, None]
    assert tf.reshape(x, tf.placeholder(tf.int32)).shape.ndims is None
    # A known element count determines the single unknown entry.
    n = tf.placeholder(tf.int32, [])
    assert shape_of(tf.reshape(tf.constant(X3), tf.stack([n, 20]))) == [3, 20]
    out = run(tf.reshape(x, [tf.shape(x)[0], -1]), {x: X3})
    np.testing.assert_array_equal(out, X3.reshape(3, 20))


def test_reshape_run_time_mismatch_names_the_op(run):
    x = tf.placeholder(tf.float32, [None])
    y = tf.reshape(x, [2, 2], name="r")
    with pytest.raises(tf.errors.InvalidArgumentError, match="'r'"):
        run(y, {x: np.zeros(5, np.float32)})


# --- constructors -----------------------------------------------------------------------------
def test_zeros_ones_small_are_constants_large_are_fills(run):
    z = tf.zeros([2, 3])
    assert (z.op.type, z.op.name, z.dtype) == ("Const", "zeros", tf.float32)
    o = tf.ones([2], dtype=tf.int32)
    assert (o.op.type, o.op.name) == ("Const", "ones")
    big = tf.zeros([50, 40])
    assert (big.op.type, big.op.name) == ("Fill", "zeros_1")
    assert [t.op.name for t in big.op.inputs] == ["zeros_1/shape_as_tensor", "zeros_1/Const"]
    out = run([z, o, big, tf.ones([3], tf.bool), tf.zeros((), tf.int64)])
    np.testing.assert_array_equal(out[0], np.zeros((2, 3), np.float32))
    assert out[1].dtype == np.int32 and out[2].shape == (50, 40) and out[2].dtype == np.float32
    assert out[3].tolist() == [True, True, True] and out[4].dtype == np.int64


def test_zeros_with_tensor_shape(run):
    n = tf.placeholder(tf.int32, [])
    z = tf.zeros([n, 2], name="z")
    assert z.op.type == "Fill" and z.op.name == "z" and shape_of(z) == [None, 2]
    s = tf.placeholder(tf.int32, [2])
    assert shape_of(tf.ones(s)) == [None, None]
    np.testing.assert_array_equal(run(z, {n: 3}), np.zeros((3, 2)))


def test_zeros_like_ones_like(run):
    c = tf.constant(X3)
    zl = tf.zeros_like(c)
    assert (zl.op.type, zl.op.name) == ("Const", "zeros_like")  # static and < 1000 elements
    big = tf.zeros_like(tf.placeholder(tf.float32, [40, 30]))
    assert (big.op.type, big.op.name) == ("Fill", "zeros_like_1")
    p = tf.placeholder(tf.float32, [None, 2])
    zp = tf.zeros_like(p)
    assert zp.op.type == "ZerosLike" and shape_of(zp) == [None, 2]
    ol = tf.ones_like(p, dtype=tf.int32)
    assert ol.op.type == "Fill" and ol.op.name == "ones_like" and shape_of(ol) == [None, 2]
    zi = tf.zeros_like(p, dtype=tf.int64)
    out = run([zl, zp, ol, zi], {p: np.ones((3, 2))})
    np.testing.assert_array_equal(out[0], np.zeros_like(X3))
    assert out[1].shape == (3, 2) and out[2].dtype == np.int32 and out[3].dtype == np.int64
    np.testing.assert_array_equal(out[2], np.ones((3, 2)))


def test_fill(run):
    f = tf.fill([2, 3], 7)
    assert f.op.name == "Fill" and f.dtype == tf.int32
    assert [t.op.name for t in f.op.inputs] == ["Fill/dims", "Fill/value"]
    np.testing.assert_array_equal(run(f), np.full((2, 3), 7))
    with pytest.raises(ValueError, match="rank 0"):
        tf.fill([2], [1.0, 2.0])


def test_linspace(run):
    t = tf.linspace(1.0, 2.0, 5)
    assert t.op.type == "LinSpace" and t.op.name == "LinSpace" and shape_of(t) == [5]
    out = run(t)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.linspace(1, 2, 5), rtol=1e-6)
    assert out[-1] == 2.0
    np.testing.assert_array_equal(run(tf.linspace(3.0, 4.0, 1)), [3.0])
    with pytest.raises(ValueError, match="num > 0"):
        tf.linspace(0.0, 1.0, 0)


def test_range(run):
    r = tf.range(5)
    assert (r.op.type, r.op.name, r.dtype, shape_of(r)) == ("Range", "range", tf.int32, [5])
    assert [t.op.name for t in r.op.inputs] == ["range/start", "range/limit", "range/delta"]
    f = tf.range(1.0, 2.0, 0.25)
    assert f.dtype == tf.float32 and shape_of(f) == [4]
    d = tf.range(10, 2, -3)
    i64 = tf.range(3, dtype=tf.int64)
    mixed = tf.range(0, 2.5)  # int start, float limit -> float32
    n = tf.placeholder(tf.int32, [])
    dyn = tf.range(n)
    assert shape_of(dyn) == [None] and mixed.dtype == tf.float32
    out = run([r, f, d, i64, mixed, dyn], {n: 4})
    np.testing.assert_array_equal(out[0], np.arange(5))
    assert out[1].dtype == np.float32
    np.testing.assert_allclose(out[1], [1.0, 1.25, 1.5, 1.75])
    np.testing.assert_array_equal(out[2], [10, 7, 4])
    assert out[3].dtype == np.int64
    np.testing.assert_array_equal(out[4], [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(out[5], np.arange(4))
    assert run(tf.range(3, 3)).shape == (0,)


def test_range_errors(run):
    with pytest.raises(ValueError, match="delta != 0"):
        tf.range(0, 5, 0)
    with pytest.raises(ValueError, match="start <= limit"):
        tf.range(5, 1)
    n = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="range"):
        run(tf.range(0, 5, n), {n: 0})


def test_one_hot(run):
    idx = tf.constant([0, 2, -1, 5])
    oh = tf.one_hot(idx, 3)
    assert (oh.op.type, oh.op.name, oh.dtype, shape_of(oh)) == ("OneHot", "one_hot", tf.float32, [4, 3])
    assert [t.op.name for t in oh.op.inputs[1:]] == ["one_hot/depth", "one_hot/on_value",
                                                     "one_hot/off_value"]
    expected = np.array([[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], np.float32)
    ax0 = tf.one_hot(idx, 3, axis=0)
    custom = tf.one_hot([[1], [0]], 2, on_value=5, off_value=-1)
    assert custom.dtype == tf.int32 and shape_of(custom) == [2, 1, 2] and shape_of(ax0) == [3, 4]
    out = run([oh, ax0, custom])
    np.testing.assert_array_equal(out[0], expected)
    np.testing.assert_array_equal(out[1], expected.T)
    np.testing.assert_array_equal(out[2], [[[-1, 5]], [[5, -1]]])
    p = tf.placeholder(tf.int64, [None])
    assert shape_of(tf.one_hot(p, 4, dtype=tf.float64)) == [None, 4]
    assert tf.gradients(tf.reduce_sum(oh), idx) == [None]


def test_one_hot_dtype_errors():
    with pytest.raises(TypeError, match="on_value"):
        tf.one_hot([0], 2, on_value=1.0, dtype=tf.int32)
    with pytest.raises(TypeError, match="off_value"):
        tf.one_hot([0], 2, on_value=1.0, off_value=0)


def test_eye_and_matrix_diag_family(run):
    e = tf.eye(3)
    assert e.op.type == "MatrixDiag" and e.op.name == "eye/MatrixDiag" and e.dtype == tf.float32
    r = tf.eye(2, 4, batch_shape=[3], dtype=tf.int32)
    assert shape_of(r) == [3, 2, 4]
    d = RNG.standard_normal((2, 3)).astype(np.float32)
    m = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    out = run([e, r, tf.matrix_diag(d), tf.matrix_diag_part(m), tf.matrix_set_diag(m, d)])
    np.testing.assert_array_equal(out[0], np.eye(3))
    np.testing.assert_array_equal(out[1], np.broadcast_to(np.eye(2, 4), (3, 2, 4)))
    np.testing.assert_array_equal(out[2], np.stack([np.diag(v) for v in d]))
    np.testing.assert_array_equal(out[3], np.stack([np.diag(v) for v in m]))
    expected = m.copy()
    for b in range(2):
        np.fill_diagonal(expected[b], d[b])
    np.testing.assert_array_equal(out[4], expected)
    n = tf.placeholder(tf.int32, [])
    np.testing.assert_array_equal(run(tf.eye(n), {n: 2}), np.eye(2))


# --- transpose, expand_dims, squeeze ----------------------------------------------------------
def test_transpose(run):
    x = tf.constant(X3)
    t = tf.transpose(x)
    assert (t.op.type, t.op.name, t.op.inputs[1].op.name) == ("Transpose", "transpose", "transpose/perm")
    assert shape_of(t) == [5, 4, 3]
    p = tf.transpose(x, [1, 0, 2])
    u = tf.placeholder(tf.float32)
    tu = tf.transpose(u)
    assert tu.shape.ndims is None
    partial = tf.transpose(tf.placeholder(tf.float32, [None, 2]))
    assert shape_of(partial) == [2, None]
    out = run([t, p, tu, tf.matrix_transpose(x)], {u: X3})
    np.testing.assert_array_equal(out[0], X3.T)
    np.testing.assert_array_equal(out[1], X3.transpose(1, 0, 2))
    np.testing.assert_array_equal(out[2], X3.T)
    np.testing.assert_array_equal(out[3], X3.transpose(0, 2, 1))


def test_transpose_errors():
    x = tf.constant(X3)
    with pytest.raises(ValueError, match="permutation"):
        tf.transpose(x, [0, 0, 1])
    with pytest.raises(ValueError, match="Dimension must be 3"):
        tf.transpose(x, [1, 0])
    with pytest.raises(ValueError, match="rank >= 2"):
        tf.matrix_transpose(tf.constant([1.0]))


def test_transpose_gradient_uses_inverse_permutation(run):
    x = tf.constant(X3)
    w = tf.constant(RNG.standard_normal((4, 5, 3)).astype(np.float32))
    g = tf.gradients(tf.reduce_sum(tf.transpose(x, [1, 2, 0]) * w), x)[0]
    assert any(op.type == "InvertPermutation" for op in tf.get_default_graph().get_operations())
    assert shape_of(g) == [3, 4, 5]
    np.testing.assert_array_equal(run(g), run(w).transpose(2, 0, 1))
    np.testing.assert_array_equal(run(tf.invert_permutation([2, 0, 1])), [1, 2, 0])


def test_expand_dims_and_squeeze(run):
    x = tf.placeholder(tf.float32, [None, 1, 3])
    e = tf.expand_dims(x, -1)
    assert (e.op.type, e.op.name, e.op.inputs[1].op.name) == ("ExpandDims", "ExpandDims", "ExpandDims/dim")
    assert shape_of(e) == [None, 1, 3, 1]
    assert shape_of(tf.expand_dims(x, dim=0)) == [1, None, 1, 3]
    s = tf.squeeze(x, [1])
    assert s.op.type == "Squeeze" and shape_of(s) == [None, 3]
    assert tf.squeeze(x).shape.ndims is None  # an unknown dim might be 1
    assert shape_of(tf.squeeze(tf.constant(np.zeros((1, 2, 1))))) == [2]
    assert shape_of(tf.squeeze(x, squeeze_dims=-2)) == [None, 3]
    v = np.ones((2, 1, 3), np.float32)
    out = run([e, s, tf.squeeze(x)], {x: v})
    assert out[0].shape == (2, 1, 3, 1) and out[1].shape == (2, 3) and out[2].shape == (2, 3)


def test_expand_dims_and_squeeze_errors():
    x = tf.placeholder(tf.float32, [2, 3])
    with pytest.raises(ValueError, match="Must specify an axis"):
        tf.expand_dims(x)
    with pytest.raises(ValueError, match="expand dim index 3"):
        tf.expand_dims(x, 3)
    with pytest.raises(ValueError, match=r"Can not squeeze dim\[1\]"):
        tf.squeeze(x, [1])
    with pytest.raises(ValueError, match="squeeze dim index 2"):
        tf.squeeze(x, 2)


# --- concat, split, stack ---------------------------------------------------------------------
def test_concat_values_shapes_and_names(run):
    a = tf.placeholder(tf.float32, [None, 2], name="a")
    b = tf.placeholder(tf.float32, [3, None], name="b")
    c = tf.concat([a, b], 1)
    assert (c.op.type, c.op.name, c.op.inputs[-1].op.name) == ("ConcatV2", "concat", "concat/axis")
    assert shape_of(c) == [3, None]
    assert shape_of(tf.concat([a, b], 0)) == [None, 2]
    av, bv = np.ones((3, 2), np.float32), np.zeros((3, 4), np.float32)
    np.testing.assert_array_equal(run(c, {a: av, b: bv}), np.concatenate([av, bv], 1))
    k = tf.concat([[1, 2], tf.constant([3])], 0)  # a Python list takes the tensors' dtype
    assert k.dtype == tf.int32 and k.op.inputs[0].op.name == "concat_2/values_0"
    np.testing.assert_array_equal(run(k), [1, 2, 3])


def test_concat_single_value_is_identity():
    x = tf.constant([1.0])
    c = tf.concat([x], 0)
    assert (c.op.type, c.op.name) == ("Identity", "concat/concat")


def test_concat_errors():
    with pytest.raises(ValueError, match="rank 2 but is rank 3") as e:
        tf.concat([tf.zeros([2, 3]), tf.zeros([2, 3, 1])], 0)
    assert "concat" in str(e.value)
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal"):
        tf.concat([tf.zeros([2, 3]), tf.zeros([2, 4])], 0)
    with pytest.raises(TypeError, match="don't all match"):
        tf.concat([tf.zeros([2]), tf.zeros([2], tf.int32)], 0)
    with pytest.raises(ValueError, match="range"):
        tf.concat([tf.zeros([2]), tf.zeros([2])], 1)


def test_concat_with_run_time_axis(run):
    a = tf.constant(X3)
    axis = tf.placeholder(tf.int32, [])
    c = tf.concat([a, a], axis)
    assert shape_of(c) == [None, None, None]
    np.testing.assert_array_equal(run(c, {axis: -1}), np.concatenate([X3, X3], -1))


def test_split(run):
    x = tf.constant(X3)
    parts = tf.split(x, 2, axis=1)
    op = parts[0].op
    assert (op.type, op.name, op.inputs[0].op.name) == ("Split", "split", "split/split_dim")
    # TF1 converts num_or_size_splits first, leaving a stray Const.
    assert "Const" in [o.name for o in tf.get_default_graph().get_operations()]
    assert [shape_of(p) for p in parts] == [[3, 2, 5]] * 2
    sv = tf.split(x, [1, -1, 2], axis=2)
    assert sv[0].op.type == "SplitV" and [shape_of(p) for p in sv] == [[3, 4, 1], [3, 4, 2], [3, 4, 2]]
    out = run(parts + sv)
    for o, e in zip(out, np.split(X3, 2, axis=1) + np.split(X3, [1, 3], axis=2)):
        np.testing.assert_array_equal(o, e)
    p = tf.placeholder(tf.float32, [None, 4])
    dyn = tf.split(p, 2, axis=0)
    assert shape_of(dyn[0]) == [None, 4]
    out = run(dyn, {p: np.ones((6, 4))})
    assert out[0].shape == (3, 4)


def test_split_errors(run):
    x = tf.constant(X3)
    with pytest.raises(ValueError, match="evenly divisible by 3"):
        tf.split(x, 3, axis=1)
    with pytest.raises(ValueError, match="Rank-0"):
        tf.split(x, tf.constant(2))
    with pytest.raises(ValueError, match="Cannot infer num"):
        tf.split(x, tf.placeholder(tf.int32, [None]))
    with pytest.raises(ValueError, match="must either match"):
        tf.split(x, [1, 1], axis=0)
    p = tf.placeholder(tf.float32, [None])
    with pytest.raises(tf.errors.InvalidArgumentError, match="split"):
        run(tf.split(p, 2), {p: np.ones(3)})


def test_stack_unstack(run):
    assert tf.stack([1, 2]).op.type == "Const"
    a, b = tf.constant([1.0, 2.0]), tf.placeholder(tf.float32, [None])
    s = tf.stack([a, b], axis=1)
    assert (s.op.type, s.op.name, shape_of(s)) == ("Pack", "stack_1", [2, 2])
    mixed = tf.stack([a[0], 3.0])
    assert mixed.op.type == "Pack" and mixed.op.inputs[1].op.name == "stack_2/1"
    us = tf.unstack(tf.constant(X3), axis=1)
    assert len(us) == 4 and us[0].op.name == "unstack" and shape_of(us[0]) == [3, 5]
    out = run([s, mixed] + us, {b: [3.0, 4.0]})
    np.testing.assert_array_equal(out[0], [[1, 3], [2, 4]])
    np.testing.assert_array_equal(out[1], [1.0, 3.0])
    for i in range(4):
        np.testing.assert_array_equal(out[2 + i], X3[:, i])
    with pytest.raises(ValueError, match="axis = 3"):
        tf.stack([a, a], axis=3)
    with pytest.raises(TypeError, match="int32"):
        tf.stack([a, tf.constant([1, 2])])
    with pytest.raises(ValueError, match="Cannot infer num"):
        tf.unstack(tf.placeholder(tf.float32, [None, 2]))


# --- tile, pad, reverse -------------------------------------------------------------------------
def test_tile(run):
    x = tf.placeholder(tf.float32, [None, 2])
    t = tf.tile(x, [2, 3])
    assert (t.op.type, t.op.name, t.op.inputs[1].op.name) == ("Tile", "Tile", "Tile/multiples")
    assert shape_of(t) == [None, 6]
    v = RNG.standard_normal((3, 2)).astype(np.float32)
    np.testing.assert_array_equal(run(t, {x: v}), np.tile(v, (2, 3)))
    with pytest.raises(ValueError, match="multiples"):
        tf.tile(x, [2])
    g = tf.gradients(tf.reduce_sum(t), x)[0]
    np.testing.assert_array_equal(run(g, {x: v}), np.full((3, 2), 6.0))


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC", "reflect"])
def test_pad_modes(run, mode):
    x = tf.constant(X3)
    p = [[1, 2], [0, 3], [2, 1]]
    y = tf.pad(x, p, mode=mode)
    expected_type = "Pad" if mode == "CONSTANT" else "MirrorPad"
    assert y.op.type == expected_type and y.op.name == expected_type
    assert y.op.inputs[1].op.name == f"{expected_type}/paddings"
    expected = np.pad(X3, p, mode=mode.lower())
    assert shape_of(y) == list(expected.shape)
    np.testing.assert_array_equal(run(y), expected)


def test_pad_constant_values_and_unknown_dims(run):
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.pad(x, [[1, 1], [0, 2]], constant_values=-1.5)
    assert y.op.type == "PadV2" and shape_of(y) == [None, 4]
    v = np.ones((2, 2), np.float32)
    out = run(y, {x: v})
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.pad(v, [[1, 1], [0, 2]], constant_values=-1.5))


def test_pad_errors():
    x = tf.constant(X3)
    with pytest.raises(ValueError, match="Unknown padding mode"):
        tf.pad(x, [[0, 0]] * 3, mode="WRAP")
    with pytest.raises(ValueError, match="rank of inputs"):
        tf.pad(x, [[0, 0]] * 2)
    with pytest.raises(ValueError, match="no greater than"):
        tf.pad(x, [[3, 0], [0, 0], [0, 0]], mode="REFLECT")
    with pytest.raises(ValueError, match="non-negative"):
        tf.pad(x, [[-1, 0], [0, 0], [0, 0]])


def test_reverse(run):
    x = tf.constant(X3)
    r = tf.reverse(x, [0, -1])
    assert (r.op.type, r.op.name) == ("ReverseV2", "ReverseV2")
    np.testing.assert_array_equal(run(r), X3[::-1, :, ::-1])
    with pytest.raises(ValueError, match="out of valid range"):
        tf.reverse(x, [3])
    with pytest.raises(ValueError, match="more than once"):
        tf.reverse(x, [1, -2])


# --- slice ------------------------------------------------------------------------------------
def test_slice(run):
    x = tf.constant(X3)
    s = tf.slice(x, [1, 0, 2], [2, -1, 3])
    assert (s.op.type, s.op.name) == ("Slice", "Slice")
    assert [t.op.name for t in s.op.inputs[1:]] == ["Slice/begin", "Slice/size"]
    assert shape_of(s) == [2, 4, 3]
    np.testing.assert_array_equal(run(s), X3[1:3, :, 2:5])
    p = tf.placeholder(tf.float32, [None, 4])
    ps = tf.slice(p, [1, 1], [-1, 2])
    assert shape_of(ps) == [None, 2]
    v = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(run(ps, {p: v}), v[1:, 1:3])
    with pytest.raises(ValueError, match="size"):
        tf.slice(x, [2, 0, 0], [2, 1, 1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Slice"):
        run(tf.slice(p, [0, 0], [5, 1]), {p: v})


# --- gather, segment sums, scatter ------------------------------------------------------------
def test_gather(run):
    params = tf.constant(X3)
    g = tf.gather(params, [2, 0, 2])
    assert (g.op.type, g.op.name, g.op.inputs[2].op.name) == ("GatherV2", "GatherV2", "GatherV2/axis")
    assert shape_of(g) == [3, 4, 5]
    g1 = tf.gather(params, [[1, 1], [0, 3]], axis=1)
    assert shape_of(g1) == [3, 2, 2, 5]
    idx = tf.placeholder(tf.int64, [None])
    g2 = tf.gather(params, idx, axis=-1)
    assert shape_of(g2) == [3, 4, None]
    out = run([g, g1, g2], {idx: [4, 0]})
    np.testing.assert_array_equal(out[0], X3[[2, 0, 2]])
    np.testing.assert_array_equal(out[1], X3[:, [[1, 1], [0, 3]]])
    np.testing.assert_array_equal(out[2], X3[..., [4, 0]])
    with pytest.raises(TypeError, match="indices"):
        tf.gather(params, [0.5])


def test_gather_out_of_range_names_the_op(run):
    idx = tf.placeholder(tf.int32, [None])
    g = tf.gather(tf.constant(X3), idx, name="g")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"'g'.*not in \[0, 3\)"):
        run(g, {idx: [0, 3]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="'g'"):
        run(g, {idx: [-1]})


def test_gather_gradient_accumulates_duplicates(run):
    params = tf.placeholder(tf.float32, [4, 2])
    g = tf.gather(params, [1, 3, 1, 1])
    sparse = tf.gradients(tf.reduce_sum(g), params)[0]
    assert isinstance(sparse, tf.IndexedSlices)  # as TF1; densified by conversion
    grad = tf.convert_to_tensor(sparse)
    assert grad.dtype == tf.float32 and shape_of(grad) == [4, 2]
    out = run(grad, {params: np.zeros((4, 2))})
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0, 0], [3, 3], [0, 0], [1, 1]])
    g_axis = tf.gather(params, [0, 0, 1], axis=1)
    grad1 = tf.gradients(tf.reduce_sum(g_axis), params)[0]
    np.testing.assert_array_equal(run(grad1, {params: np.zeros((4, 2))}), [[2, 1]] * 4)


def test_unsorted_segment_sum(run):
    data = RNG.standard_normal((6, 2)).astype(np.float32)
    ids = np.array([2, 0, 2, -1, 1, 2], np.int32)
    s = tf.unsorted_segment_sum(data, ids, 4)
    assert s.op.type == "UnsortedSegmentSum" and shape_of(s) == [4, 2]
    expected = np.zeros((4, 2), np.float32)
    for d, i in zip(data, ids):
        if i >= 0:
            expected[i] += d
    out = run(s)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        run(tf.unsorted_segment_sum(data, [0, 1, 2, 3, 4, 9], 4))


def test_gather_nd_and_scatter_nd(run):
    params = tf.constant(X3)
    idx = np.array([[0, 1, 2], [2, 3, 4]], np.int32)
    g = tf.gather_nd(params, idx)
    assert g.op.type == "GatherNd" and shape_of(g) == [2]
    g2 = tf.gather_nd(params, [[1], [0]])
    assert shape_of(g2) == [2, 4, 5]
    sc = tf.scatter_nd([[0], [2], [0]], tf.constant([1.0, 2.0, 3.0]), [4])
    assert sc.op.type == "ScatterNd" and shape_of(sc) == [4]
    out = run([g, g2, sc])
    np.testing.assert_array_equal(out[0], [X3[0, 1, 2], X3[2, 3, 4]])
    np.testing.assert_array_equal(out[1], X3[[1, 0]])
    np.testing.assert_array_equal(out[2], [4.0, 0.0, 2.0, 0.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="GatherNd"):
        run(tf.gather_nd(params, [[3, 0, 0]]))


# --- masks, unique, broadcast_to, identity ------------------------------------------------------
def test_boolean_mask(run):
    x = tf.constant(X3)
    mask = np.array([True, False, True])
    m = tf.boolean_mask(x, mask)
    assert shape_of(m) == [None, 4, 5]
    np.testing.assert_array_equal(run(m), X3[mask])
    mask2 = RNG.random((3, 4)) > 0.5
    np.testing.assert_array_equal(run(tf.boolean_mask(x, mask2)), X3[mask2])
    np.testing.assert_array_equal(run(x[tf.constant(mask)]), X3[mask])
    m1 = np.array([False, True, True, False])
    np.testing.assert_array_equal(run(tf.boolean_mask(x, m1, axis=1)), X3[:, m1])
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        tf.boolean_mask(x, True)


def test_sequence_mask(run):
    m = tf.sequence_mask([1, 3, 0], 4)
    assert m.dtype == tf.bool and shape_of(m) == [3, 4]
    np.testing.assert_array_equal(run(m), np.arange(4) < np.array([[1], [3], [0]]))
    mf = tf.sequence_mask(tf.constant([[2], [1]]), dtype=tf.float32)
    np.testing.assert_array_equal(run(mf), [[[1.0, 1.0]], [[1.0, 0.0]]])


def test_unique(run):
    y, idx = tf.unique(tf.constant([4, 1, 4, 2, 1, 7]))
    assert y.op.type == "Unique" and shape_of(y) == [None] and shape_of(idx) == [6]
    out = run([y, idx])
    np.testing.assert_array_equal(out[0], [4, 1, 2, 7])  # order of first occurrence
    np.testing.assert_array_equal(out[1], [0, 1, 0, 2, 1, 3])
    assert out[1].dtype == np.int32


def test_broadcast_to(run):
    x = tf.constant([[1.0], [2.0]])
    b = tf.broadcast_to(x, [3, 2, 4])
    assert (b.op.type, b.op.name, shape_of(b)) == ("BroadcastTo", "BroadcastTo", [3, 2, 4])
    np.testing.assert_array_equal(run(b), np.broadcast_to([[1.0], [2.0]], (3, 2, 4)))
    with pytest.raises(ValueError, match="broadcast"):
        tf.broadcast_to(x, [3, 3])


def test_identity_family_and_placeholders(run):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    assert x.op.type == "Placeholder" and shape_of(x) == [None, 3]
    i = tf.identity([1.0, 2.0])
    assert (i.op.name, i.op.inputs[0].op.name) == ("Identity", "Identity/input")
    s = tf.stop_gradient(x)
    assert s.op.type == "StopGradient" and tf.gradients(tf.reduce_sum(s), x) == [None]
    d = tf.placeholder_with_default([[1.0, 2.0, 3.0]], [None, 3])
    assert d.op.type == "PlaceholderWithDefault" and shape_of(d) == [None, 3]
    np.testing.assert_array_equal(run(d), [[1, 2, 3]])
    np.testing.assert_array_equal(run(d, {d: np.zeros((2, 3))}), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="incompatible"):
        tf.placeholder_with_default([1.0, 2.0], [3])
    v = tf.Variable([1.0, 2.0], name="v")
    assert tf.identity(v).op.inputs[0].name == "v/read:0"
    assert tf.newaxis is None


def test_constant_value_evaluates_small_constant_subgraphs():
    x = tf.placeholder(tf.float32, [None, 3])
    s = tf.concat([tf.shape(tf.zeros([2, 5])), [7]], 0)
    np.testing.assert_array_equal(array_ops.constant_value(s), [2, 5, 7])
    assert array_ops.constant_value(tf.shape(x)) is None
    np.testing.assert_array_equal(array_ops.constant_value(tf.range(4)[::2]), [0, 2])
    assert array_ops._partial_shape_vector(tf.shape(x)) == [None, 3]


def test_multi_output_gradients_treat_missing_grads_as_zeros(run):
    x = tf.constant(X3)
    parts = tf.split(x, [1, 3], axis=1)
    pieces = tf.unstack(x)
    g = tf.gradients([tf.reduce_sum(parts[1]) + tf.reduce_sum(pieces[2])], x)[0]
    expected = np.zeros_like(X3)
    expected[:, 1:] += 1
    expected[2] += 1
    np.testing.assert_array_equal(run(g), expected)
    split_op, unpack_op = parts[0].op, pieces[0].op
    direct = split_op.op_def.gradient(split_op, None, tf.ones([3, 3, 5]))[0]
    np.testing.assert_array_equal(run(direct), np.concatenate([np.zeros((3, 1, 5)),
                                                               np.ones((3, 3, 5))], 1))
    stacked = unpack_op.op_def.gradient(unpack_op, None, tf.ones([4, 5]), None)[0]
    np.testing.assert_array_equal(run(stacked), np.stack([np.zeros((4, 5)), np.ones((4, 5)),
                                                          np.zeros((4, 5))]))
