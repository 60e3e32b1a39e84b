"""Math ops: values against NumPy, TF1 dtype and naming rules, shape inference and errors,
gradients (first and second order)."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(1234)


def op_types():
    return [op.type for op in tf.get_default_graph().get_operations()]


# --- the seed graph from the issue --------------------------------------------------------------
def test_seed_graph_multiply_add(run):
    a = tf.placeholder(tf.float32)
    b = tf.placeholder(tf.float32)
    c = tf.placeholder(tf.float32)
    d = tf.multiply(a, b, name="mul")
    e = tf.add(c, d, name="add")
    assert (d.op.name, e.op.name, e.op.type) == ("mul", "add", "Add")
    out = run(e, {a: [1.2, 2.4], b: [1.0, 0.5], c: [0.1, 0.2]})
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [1.3, 1.4], rtol=1e-6)


# --- elementwise values -------------------------------------------------------------------------
BINARY = [
    (tf.add, np.add), (tf.subtract, np.subtract), (tf.multiply, np.multiply),
    (tf.realdiv, np.true_divide), (tf.maximum, np.maximum), (tf.minimum, np.minimum),
    (tf.squared_difference, lambda x, y: (x - y) ** 2), (tf.pow, np.power),
    (tf.floordiv, np.floor_divide), (tf.floormod, np.mod), (tf.truediv, np.true_divide),
    (tf.divide, np.true_divide), (tf.div, np.true_divide),
]


@pytest.mark.parametrize("fn,ref", BINARY, ids=[f.__name__ for f, _ in BINARY])
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 3)), ((), (2,))])
def test_binary_values_and_broadcasting(run, fn, ref, shapes):
    x = RNG.uniform(0.5, 2.0, shapes[0]).astype(np.float32)
    y = RNG.uniform(0.5, 2.0, shapes[1]).astype(np.float32) * np.float32(1.3)
    out = run(fn(tf.constant(x), tf.constant(y)))
    expected = ref(x, y)
    assert out.dtype == np.float32
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-5)


UNARY = [
    (tf.negative, np.negative, (-2, 2)), (tf.abs, np.abs, (-2, 2)), (tf.sign, np.sign, (-2, 2)),
    (tf.square, np.square, (-2, 2)), (tf.sqrt, np.sqrt, (0.1, 4)),
    (tf.rsqrt, lambda v: 1 / np.sqrt(v), (0.1, 4)), (tf.exp, np.exp, (-2, 2)),
    (tf.expm1, np.expm1, (-2, 2)), (tf.log, np.log, (0.1, 4)), (tf.log1p, np.log1p, (-0.5, 4)),
    (tf.reciprocal, np.reciprocal, (0.5, 4)), (tf.sin, np.sin, (-3, 3)),
    (tf.cos, np.cos, (-3, 3)), (tf.floor, np.floor, (-3, 3)), (tf.ceil, np.ceil, (-3, 3)),
    (tf.round, np.round, (-3, 3)),
]


@pytest.mark.parametrize("fn,ref,rng", UNARY, ids=[f.__name__ for f, _, _ in UNARY])
def test_unary_values_keep_float32(run, fn, ref, rng):
    x = RNG.uniform(*rng, (3, 4)).astype(np.float32)
    out = run(fn(tf.constant(x)))
    assert out.dtype == np.float32 and out.shape == (3, 4)
    np.testing.assert_allclose(out, ref(x), rtol=1e-5, atol=1e-6)


def test_unary_default_op_names():
    x = tf.constant([1.0, 2.0])
    names = {f.__name__: f(x).op.name for f in
             (tf.sqrt, tf.exp, tf.log, tf.abs, tf.negative, tf.square, tf.rsqrt, tf.sign)}
    assert names == {"sqrt": "Sqrt", "exp": "Exp", "log": "Log", "abs": "Abs", "negative": "Neg",
                     "square": "Square", "rsqrt": "Rsqrt", "sign": "Sign"}


def test_round_is_half_to_even_and_identity_for_ints(run):
    out = run(tf.round(tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, 2.4])))
    np.testing.assert_array_equal(out, [0.0, 2.0, 2.0, -0.0, -2.0, 2.0])
    i = tf.constant([1, 2])
    assert tf.round(i) is i


def test_is_nan_inf_finite(run):
    x = tf.constant([1.0, np.nan, np.inf, -np.inf])
    nan, inf, fin = run([tf.is_nan(x), tf.is_inf(x), tf.is_finite(x)])
    np.testing.assert_array_equal(nan, [False, True, False, False])
    np.testing.assert_array_equal(inf, [False, False, True, True])
    np.testing.assert_array_equal(fin, [True, False, False, False])
    assert nan.dtype == np.bool_


def test_div_no_nan(run):
    out = run(tf.div_no_nan(tf.constant([1.0, 2.0, 3.0]), tf.constant([2.0, 0.0, -1.0])))
    np.testing.assert_array_equal(out, [0.5, 0.0, -3.0])


def test_floordiv_floormod_signs_like_python(run):
    x = np.array([7, -7, 7, -7], dtype=np.int32)
    y = np.array([2, 2, -2, -2], dtype=np.int32)
    q, r = run([tf.constant(x) // tf.constant(y), tf.constant(x) % tf.constant(y)])
    np.testing.assert_array_equal(q, [3, -4, -4, 3])
    np.testing.assert_array_equal(r, [1, 1, -1, -1])
    assert q.dtype == np.int32 and r.dtype == np.int32
    fq, fr = run([tf.floordiv(-7.5, tf.constant(2.0)), tf.floormod(tf.constant(-7.5), 2.0)])
    assert (fq, fr) == (-4.0, 0.5)


def test_integer_division_by_zero_names_the_op(run):
    x = tf.constant([1, 2])
    q = tf.floordiv(x, tf.constant([1, 0]), name="intdiv")
    with pytest.raises(tf.errors.InvalidArgumentError, match="intdiv"):
        run(q)


def test_pow_values_and_integer_pow(run):
    out = run(tf.pow(tf.constant([2, 3]), tf.constant([3, 2])))
    np.testing.assert_array_equal(out, [8, 9])
    assert out.dtype == np.int32
    assert run(tf.constant(2.0) ** 3).dtype == np.float32
    with tf.Graph().as_default():
        p = tf.pow(tf.constant(2.0), 3.0)
        assert p.op.name == "Pow" and p.op.inputs[1].op.name == "Pow/y"
        assert (p ** 2.0).op.name == "pow_1"  # names are unique case-insensitively (TF 1.15)


# --- dtype rules ----------------------------------------------------------------------------------
def test_python_scalar_takes_tensor_dtype(run):
    x = tf.placeholder(tf.float32, [2])
    for t in (x * 2.0, 2.0 * x, x + 1, x - 0.5, x / 2, 1 / x, x ** 2):
        assert t.dtype == tf.float32, t
    d = tf.constant([1.0, 2.0], dtype=tf.float64)
    assert (d * 2.0).dtype == tf.float64
    assert run(x * 2.0, {x: [1.0, 2.0]}).dtype == np.float32


def test_int_truediv_is_float64_as_tf1(run):
    q = tf.constant(1) / tf.constant(2)
    assert q.dtype == tf.float64
    assert q.op.type == "RealDiv" and q.op.name == "truediv"
    assert [op.name for op in tf.get_default_graph().get_operations() if op.type == "Cast"] == \
        ["truediv/Cast", "truediv/Cast_1"]
    out = run(q)
    assert out == 0.5 and out.dtype == np.float64


@pytest.mark.parametrize("dtype,expected", [(tf.int8, tf.float32), (tf.uint8, tf.float32),
                                            (tf.int16, tf.float32), (tf.int32, tf.float64),
                                            (tf.int64, tf.float64), (tf.float16, tf.float16),
                                            (tf.float32, tf.float32), (tf.float64, tf.float64)])
def test_truediv_table(run, dtype, expected):
    q = tf.truediv(tf.constant([3, 4], dtype=dtype), tf.constant([2, 8], dtype=dtype))
    assert q.dtype == expected
    np.testing.assert_allclose(run(q), [1.5, 0.5])


def test_truediv_mixed_dtypes_raise():
    with pytest.raises(TypeError, match="same dtype"):
        tf.truediv(tf.constant([1.0]), tf.constant([1]))


def test_div_is_python2_division(run):
    qi = tf.div(tf.constant([7, -7]), tf.constant([2, 2]))
    qf = tf.div(tf.constant([7.0, -7.0]), tf.constant([2.0, 2.0]))
    assert (qi.op.type, qi.op.name) == ("FloorDiv", "div")
    assert (qf.op.type, qf.op.name) == ("RealDiv", "div_1")
    a, b = run([qi, qf])
    np.testing.assert_array_equal(a, [3, -4])
    np.testing.assert_array_equal(b, [3.5, -3.5])


def test_divide_names_like_the_operator():
    x = tf.constant([1.0])
    assert tf.divide(x, 2.0).op.name == "truediv"
    assert (x / 2.0).op.name == "truediv_1"
    assert tf.divide(x, 2.0, name="ratio").op.name == "ratio"
    assert tf.divide(6, 3) == 2  # two Python numbers: Python division, as TF1


def test_mixed_tensor_dtypes_raise_type_error():
    with pytest.raises(TypeError, match="int32.*float32|float32.*int32"):
        tf.add(tf.constant([1.0]), tf.constant([1]))
    with pytest.raises(TypeError, match=r"op 'mul' of type Mul"):
        tf.constant([1]) * 2.5


def test_float_only_ops_reject_ints():
    with pytest.raises(TypeError, match="int32 not in list of allowed values"):
        tf.sqrt(tf.constant([4]))
    with pytest.raises(TypeError, match="Sqrt"):
        tf.sqrt(tf.constant([4]))


def test_cast_values_names_and_identity(run):
    p = tf.cast([1, 2], tf.float64)  # a Python value: Const "Cast/x", then the Cast "Cast"
    assert p.op.name == "Cast" and p.op.inputs[0].op.name == "Cast/x"
    x = tf.constant([1.7, -1.7, 0.0])
    i = tf.cast(x, tf.int32)
    assert (i.op.type, i.op.name, i.dtype) == ("Cast", "Cast_1", tf.int32)
    assert i.op.get_attr("DstT") == tf.int32
    assert tf.cast(x, tf.float32) is x
    b = tf.cast(x, tf.bool)
    f = tf.to_float(tf.constant([1, 2]))
    assert f.op.name == "ToFloat" and f.dtype == tf.float32
    assert tf.to_int64(x).dtype == tf.int64 and tf.to_double(x).dtype == tf.float64
    assert tf.to_int32(x).op.name == "ToInt32"
    vi, vb, vf = run([i, b, f])
    np.testing.assert_array_equal(vi, [1, -1, 0])  # truncation toward zero
    np.testing.assert_array_equal(vb, [True, True, False])
    assert vf.dtype == np.float32


def test_saturate_cast_clips(run):
    out = run(tf.saturate_cast(tf.constant([-300.0, 12.7, 300.0]), tf.uint8))
    np.testing.assert_array_equal(out, [0, 12, 255])
    assert out.dtype == np.uint8


# --- names ---------------------------------------------------------------------------------------
def test_operator_and_function_names():
    x = tf.placeholder(tf.float32, name="x")
    y = tf.placeholder(tf.float32, name="y")
    assert tf.add(x, y).op.name == "Add"
    assert (x + y).op.name == "add_1"  # unique case-insensitively, as TF 1.15
    assert (x + y).op.name == "add_2"
    assert (x * y).op.name == "mul" and (x - y).op.name == "sub"
    assert (x // y).op.name == "floordiv" and (x % y).op.name == "mod"
    assert (x ** y).op.name == "pow" and (-x).op.name == "Neg"
    assert (x < y).op.name == "Less" and (x >= y).op.type == "GreaterEqual"
    c = tf.add(x, 1.0)
    assert c.op.name == "Add_3" and c.op.inputs[1].op.name == "Add_3/y"
    with tf.name_scope("layer"):
        assert tf.maximum(x, y).op.name == "layer/Maximum"
        assert (x * 2.0).op.inputs[1].op.name == "layer/mul/y"


def test_reduction_and_misc_names():
    x = tf.placeholder(tf.float32, [2, 3])
    m = tf.reduce_mean(x)
    assert m.op.name == "Mean" and m.op.inputs[1].op.name == "Const"
    s = tf.reduce_sum(x, axis=1)
    assert s.op.name == "Sum" and s.op.inputs[1].op.name == "Sum/reduction_indices"
    assert tf.reduce_max(x).op.name == "Max" and tf.reduce_min(x).op.name == "Min"
    assert tf.reduce_prod(x).op.name == "Prod"
    assert tf.argmax(x, 1).op.name == "ArgMax" and tf.argmin(x, 1).op.name == "ArgMin"
    assert tf.equal(x, x).op.name == "Equal"
    assert tf.matmul(x, x, transpose_b=True).op.name == "MatMul"
    assert tf.reduce_mean(x, name="loss").op.name == "loss"


# --- shape inference and errors -----------------------------------------------------------------
def test_broadcast_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\[2,3\].*\[4\]"):
        tf.add(tf.placeholder(tf.float32, [2, 3]), tf.placeholder(tf.float32, [4]))


def test_matmul_inner_dimension_mismatch_names_both_shapes():
    x = tf.placeholder(tf.float32, [None, 784])
    w = tf.placeholder(tf.float32, [100, 10])
    with pytest.raises(ValueError, match=r"784 and 100.*\[\?,784\], \[100,10\]"):
        tf.matmul(x, w)


def test_matmul_values_transposes_and_rank_check(run):
    a = RNG.normal(size=(3, 4)).astype(np.float32)
    b = RNG.normal(size=(4, 5)).astype(np.float32)
    ta, tb = tf.constant(a), tf.constant(b)
    outs = run([tf.matmul(ta, tb), tf.matmul(tf.constant(a.T), tb, transpose_a=True),
                tf.matmul(ta, tf.constant(b.T), transpose_b=True),
                tf.matmul(tf.constant(a.T), tf.constant(b.T), transpose_a=True, transpose_b=True),
                ta @ tb])
    for o in outs:
        assert o.dtype == np.float32
        np.testing.assert_allclose(o, a @ b, rtol=1e-5, atol=1e-6)
    assert tf.matmul(tf.placeholder(tf.float32, [None, 4]), tb).shape.as_list() == [None, 5]
    with pytest.raises(ValueError, match="rank 2"):
        tf.matmul(tf.constant([1.0, 2.0]), tb)


def test_batch_matmul_broadcasting_and_adjoints(run):
    x = RNG.normal(size=(2, 1, 3, 4))
    y = RNG.normal(size=(5, 4, 2))
    z = tf.matmul(tf.constant(x), tf.constant(y))
    assert z.op.type == "BatchMatMulV2" and z.op.name == "MatMul"
    assert z.shape.as_list() == [2, 5, 3, 2]
    np.testing.assert_allclose(run(z), np.matmul(x, y), rtol=1e-10)
    xa = tf.constant(np.swapaxes(x, -1, -2))
    ya = tf.constant(np.swapaxes(y, -1, -2))
    np.testing.assert_allclose(run(tf.matmul(xa, ya, adjoint_a=True, adjoint_b=True)),
                               np.matmul(x, y), rtol=1e-10)
    with pytest.raises(ValueError, match=r"4 and 3.*\[2,1,3,4\], \[5,3,2\]"):
        tf.matmul(tf.constant(x), tf.constant(RNG.normal(size=(5, 3, 2))))
    with pytest.raises(ValueError, match="cannot be broadcast"):
        tf.matmul(tf.constant(RNG.normal(size=(2, 3, 4))), tf.constant(RNG.normal(size=(3, 4, 2))))
    unknown = tf.matmul(tf.placeholder(tf.float64), tf.constant(y))
    assert unknown.op.type == "BatchMatMulV2"
    np.testing.assert_allclose(run(unknown, {unknown.op.inputs[0]: x}), np.matmul(x, y), rtol=1e-10)


def test_tensordot_matches_numpy(run):
    a = RNG.normal(size=(2, 3, 4))
    b = RNG.normal(size=(4, 3, 5))
    t1 = tf.tensordot(tf.constant(a), tf.constant(b), axes=1)
    t2 = tf.tensordot(tf.constant(a), tf.constant(b), axes=[[1, 2], [1, 0]])
    assert t1.shape.as_list() == [2, 3, 3, 5] and t2.shape.as_list() == [2, 5]
    assert t1.op.name == "Tensordot"
    v1, v2 = run([t1, t2])
    np.testing.assert_allclose(v1, np.tensordot(a, b, axes=1), rtol=1e-10)
    np.testing.assert_allclose(v2, np.tensordot(a, b, axes=[[1, 2], [1, 0]]), rtol=1e-10)
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.tensordot(tf.constant(a), tf.constant(b), axes=[[0], [0]])


def test_tensordot_with_unknown_batch_and_gradient(run):
    x = tf.placeholder(tf.float64, [None, 3, 4])
    w = tf.constant(RNG.normal(size=(4, 2)))
    y = tf.tensordot(x, w, axes=1)
    assert y.shape.as_list() == [None, 3, 2]
    xv = RNG.normal(size=(5, 3, 4))
    np.testing.assert_allclose(run(y, {x: xv}), np.tensordot(xv, run(w), axes=1), rtol=1e-10)
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    expected = np.broadcast_to(run(w).sum(1), xv.shape)
    np.testing.assert_allclose(run(g, {x: xv}), expected, rtol=1e-10)
    # several unknown dimensions: the output shape is computed at run time
    x2 = tf.placeholder(tf.float64, [None, None, 4])
    y2 = tf.tensordot(x2, w, axes=[[2], [0]])
    assert y2.shape.as_list() == [None, None, 2]
    np.testing.assert_allclose(run(y2, {x2: xv}), np.tensordot(xv, run(w), axes=1), rtol=1e-10)


# --- comparisons and logic ---------------------------------------------------------------------
def test_comparisons_return_bool(run):
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    tx = tf.constant(x)
    fns = [(tf.equal, np.equal), (tf.not_equal, np.not_equal), (tf.less, np.less),
           (tf.less_equal, np.less_equal), (tf.greater, np.greater),
           (tf.greater_equal, np.greater_equal)]
    outs = run([f(tx, 2.0) for f, _ in fns])
    for (_, ref), out in zip(fns, outs):
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(out, ref(x, np.float32(2.0)))
    assert run(tf.equal(tf.constant(["a", "b"]), tf.constant(["a", "c"]))).tolist() == [True, False]


def test_logical_ops(run):
    a = tf.constant([True, True, False, False])
    b = tf.constant([True, False, True, False])
    outs = run([tf.logical_and(a, b), tf.logical_or(a, b), tf.logical_not(a),
                tf.logical_xor(a, b), a & b, a | b, a ^ b, ~a])
    expected = [[1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1], [0, 1, 1, 0], [1, 0, 0, 0],
                [1, 1, 1, 0], [0, 1, 1, 0], [0, 0, 1, 1]]
    for o, e in zip(outs, expected):
        np.testing.assert_array_equal(o, np.array(e, dtype=bool))
    xor = tf.logical_xor(a, b)
    assert xor.op.name == "LogicalXor_1" and xor.op.type == "LogicalAnd"
    with pytest.raises(TypeError, match="bool"):
        tf.logical_and(tf.constant([1.0]), tf.constant([0.0]))


def test_comparisons_are_not_differentiable(run):
    x = tf.placeholder(tf.float32, [3])
    y = tf.cast(tf.greater(x, 0.0), tf.float32) * x
    g = tf.gradients(y, x)[0]
    np.testing.assert_array_equal(run(g, {x: [-1.0, 2.0, 3.0]}), [0.0, 1.0, 1.0])
    assert tf.gradients(tf.cast(tf.argmax(x), tf.float32), x) == [None]


# --- where / select -------------------------------------------------------------------------------
def test_where_select_forms(run):
    cond = tf.constant([[True, False], [False, True]])
    x = tf.constant([[1, 2], [3, 4]])
    y = tf.constant([[10, 20], [30, 40]])
    s = tf.where(cond, x, y)
    assert (s.op.type, s.op.name) == ("Select", "Select")
    rows = tf.where(tf.constant([False, True]), x, y)  # a vector condition picks rows
    np.testing.assert_array_equal(run(s), [[1, 20], [30, 4]])
    np.testing.assert_array_equal(run(rows), [[10, 20], [3, 4]])
    assert run(tf.where(True, x, y)).tolist() == [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="both be non-None"):
        tf.where(cond, x)
    with pytest.raises(ValueError, match=r"\[3\]"):
        tf.where(tf.constant([True, False, True]), x, y)
    with pytest.raises(ValueError, match=r"'Select_4'"):
        tf.where(cond, x, tf.constant([1, 2]))  # TF1's where does not broadcast x and y


def test_where_coordinates_form(run):
    c = tf.constant([[True, False, True], [False, False, True]])
    w = tf.where(c)
    assert (w.op.type, w.op.name, w.dtype) == ("Where", "Where", tf.int64)
    assert w.shape.as_list() == [None, 2]
    out = run(w)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [[0, 0], [0, 2], [1, 2]])
    assert run(tf.where(tf.constant([False, False]))).shape == (0, 1)


def test_where_v2_broadcasts(run):
    out = run(tf.where_v2(tf.constant([True, False, True]), tf.constant([[1.0], [2.0]]), 0.0))
    np.testing.assert_array_equal(out, [[1.0, 0.0, 1.0], [2.0, 0.0, 2.0]])


def test_select_shape_checked_at_run_time(run):
    c = tf.placeholder(tf.bool)
    s = tf.where(c, tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]), name="pick")
    with pytest.raises(tf.errors.InvalidArgumentError, match="pick"):
        run(s, {c: [True, False, True]})


# --- reductions ----------------------------------------------------------------------------------
X = RNG.normal(size=(2, 3, 4)).astype(np.float32)


@pytest.mark.parametrize("fn,ref", [(tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean),
                                    (tf.reduce_max, np.max), (tf.reduce_min, np.min),
                                    (tf.reduce_prod, np.prod)])
@pytest.mark.parametrize("axis,keep", [(None, False), (1, False), (-1, True), ([0, 2], False),
                                       ([0, -1], True), ((), False)])
def test_reductions_match_numpy(run, fn, ref, axis, keep):
    t = fn(tf.constant(X), axis=axis, keepdims=keep)
    expected = ref(X, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keep)
    assert t.shape.as_list() == list(expected.shape)
    out = run(t)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_reduction_tf1_aliases_and_conflicts(run):
    x = tf.constant(X)
    a = tf.reduce_sum(x, reduction_indices=[1], keep_dims=True)
    assert a.shape.as_list() == [2, 1, 4]
    np.testing.assert_allclose(run(a), X.sum(1, keepdims=True), rtol=1e-5)
    with pytest.raises(ValueError, match="both 'axis' and 'reduction_indices'"):
        tf.reduce_sum(x, axis=1, reduction_indices=1)
    with pytest.raises(ValueError, match="Invalid reduction dimension 3"):
        tf.reduce_sum(x, axis=3)


def test_integer_reductions_keep_dtype(run):
    x = tf.constant([[1, 2], [-3, -4]])
    s, m, p, mx = run([tf.reduce_sum(x), tf.reduce_mean(x, 1), tf.reduce_prod(x, 0),
                       tf.reduce_max(x)])
    assert s.dtype == np.int32 and s == -4
    np.testing.assert_array_equal(m, [1, -3])  # integer mean truncates toward zero, as TF1
    assert m.dtype == np.int32 and p.dtype == np.int32
    np.testing.assert_array_equal(p, [-3, -8])
    assert mx == 2


def test_reduce_any_all(run):
    b = tf.constant([[True, False], [True, True]])
    a1, a2, a3 = run([tf.reduce_any(b, 1), tf.reduce_all(b, 1), tf.reduce_all(b)])
    np.testing.assert_array_equal(a1, [True, True])
    np.testing.assert_array_equal(a2, [False, True])
    assert not a3 and tf.reduce_any(b).op.name == "Any_1"


def test_reductions_with_unknown_shapes_at_run_time(run):
    x = tf.placeholder(tf.float32)  # unknown rank
    s = tf.reduce_sum(x)
    assert s.shape.as_list() == []
    m = tf.reduce_mean(x, axis=-1, keepdims=True)
    assert m.shape.ndims is None
    p = tf.placeholder(tf.float32, [None, None])
    mx = tf.reduce_max(p, axis=0)
    assert mx.shape.as_list() == [None]
    ax = tf.placeholder(tf.int32)
    dyn = tf.reduce_sum(p, axis=ax)
    vs, vm, vmx, vd = run([s, m, mx, dyn], {x: X, p: X[0], ax: [1, 0]})
    np.testing.assert_allclose(vs, X.sum(), rtol=1e-5)
    np.testing.assert_allclose(vm, X.mean(-1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(vmx, X[0].max(0))
    np.testing.assert_allclose(vd, X[0].sum(), rtol=1e-5)


def test_reduce_logsumexp_is_stable(run):
    v = np.array([[1000.0, 1000.0], [-1000.0, 0.0]], dtype=np.float32)
    out = run(tf.reduce_logsumexp(tf.constant(v), axis=1))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [1000.0 + np.log(2.0), 0.0], rtol=1e-6)
    small = RNG.normal(size=(3, 4))
    np.testing.assert_allclose(run(tf.reduce_logsumexp(tf.constant(small))),
                               np.log(np.exp(small).sum()), rtol=1e-12)
    k = tf.reduce_logsumexp(tf.constant(small), axis=0, keepdims=True)
    assert k.shape.as_list() == [1, 4]
    x = tf.placeholder(tf.float64, [3])
    g = tf.gradients(tf.reduce_logsumexp(x), x)[0]  # softmax
    xv = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(run(g, {x: xv}), np.exp(xv) / np.exp(xv).sum(), rtol=1e-12)


def test_count_nonzero(run):
    x = tf.constant([[0.0, 1.5, 0.0], [2.0, 3.0, 0.0]])
    c, c1 = run([tf.count_nonzero(x), tf.count_nonzero(x, axis=1)])
    assert c == 3 and c.dtype == np.int64
    np.testing.assert_array_equal(c1, [1, 2])
    assert run(tf.count_nonzero(x, dtype=tf.int32)).dtype == np.int32


def test_argmax_argmin(run):
    v = np.array([[1, 9, 3], [7, 2, 8]], dtype=np.float32)
    x = tf.constant(v)
    a0 = tf.argmax(x)  # axis None means 0 in TF1
    a1 = tf.argmax(x, axis=1, output_type=tf.int32)
    a2 = tf.argmin(x, dimension=1)
    assert a0.dtype == tf.int64 and a1.dtype == tf.int32 and a0.shape.as_list() == [3]
    o0, o1, o2 = run([a0, a1, a2])
    np.testing.assert_array_equal(o0, [1, 0, 1])
    np.testing.assert_array_equal(o1, [1, 2])
    np.testing.assert_array_equal(o2, [0, 1])
    assert o0.dtype == np.int64 and o1.dtype == np.int32
    with pytest.raises(ValueError, match=r"range \[-2, 2\)"):
        tf.argmax(x, 2)
    with pytest.raises(ValueError, match="both"):
        tf.argmax(x, axis=1, dimension=1)


def test_cumsum_variants(run):
    v = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    x = tf.constant(v)
    outs = run([tf.cumsum(x, axis=1), tf.cumsum(x, axis=1, exclusive=True),
                tf.cumsum(x, axis=1, reverse=True),
                tf.cumsum(x, axis=0, exclusive=True, reverse=True)])
    np.testing.assert_array_equal(outs[0], [[1, 3, 6], [4, 9, 15]])
    np.testing.assert_array_equal(outs[1], [[0, 1, 3], [0, 4, 9]])
    np.testing.assert_array_equal(outs[2], [[6, 5, 3], [15, 11, 6]])
    np.testing.assert_array_equal(outs[3], [[4, 5, 6], [0, 0, 0]])
    assert outs[0].dtype == np.float32 and tf.cumsum(x).op.name == "Cumsum_4"
    assert tf.cumsum(x, name="cs").op.inputs[1].op.name == "cs/axis"


def test_add_n(run):
    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    s = tf.add_n([a, b, a])
    assert s.op.type == "AddN"
    np.testing.assert_array_equal(run(s), [5.0, 8.0])
    assert tf.add_n([a]) is a
    assert tf.add_n([a], name="total").op.name == "total"
    with pytest.raises(ValueError, match=r"inputs must be a list of at least one Tensor"):
        tf.add_n([])
    with pytest.raises(ValueError, match="shapes"):
        tf.add_n([a, tf.constant([1.0, 2.0, 3.0])])
    # fresh (computed) inputs: the first one's buffer is reused when it dies there
    v = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    c = tf.constant(v)
    sums = [tf.add_n([c * 2.0, c, c * 0.5]), tf.add_n([c, c * 2.0])]
    got = run(sums)
    np.testing.assert_array_equal(got[0], v * 3.5)
    np.testing.assert_array_equal(got[1], v * 3.0)
    np.testing.assert_array_equal(run(c), v)


def test_scalar_mul_and_log_sigmoid(run):
    x = tf.constant([1.0, -2.0])
    np.testing.assert_array_equal(run(tf.scalar_mul(3.0, x)), [3.0, -6.0])
    with pytest.raises(ValueError, match="Only scalar multiply"):
        tf.scalar_mul([1.0, 2.0], x)
    v = np.array([-1000.0, -1.0, 0.0, 2.0, 1000.0], dtype=np.float32)
    out = run(tf.log_sigmoid(tf.constant(v)))
    assert out.dtype == np.float32 and np.all(np.isfinite(out))
    np.testing.assert_allclose(out, -np.logaddexp(0.0, -v.astype(np.float64)), rtol=1e-6)


def test_math_namespace():
    assert tf.math.reduce_sum is tf.reduce_sum and tf.math.floormod is tf.mod
    assert tf.math.divide_no_nan is tf.div_no_nan and tf.math.log1p is tf.log1p


# --- gradients -----------------------------------------------------------------------------------
def test_maximum_minimum_ties_go_to_x(run):
    x = tf.placeholder(tf.float32, [3])
    y = tf.placeholder(tf.float32, [3])
    gmax = tf.gradients(tf.maximum(x, y), [x, y])
    gmin = tf.gradients(tf.minimum(x, y), [x, y])
    feed = {x: [1.0, 2.0, 3.0], y: [1.0, 5.0, 0.0]}
    gx, gy, hx, hy = run(gmax + gmin, feed)
    np.testing.assert_array_equal(gx, [1, 0, 1])
    np.testing.assert_array_equal(gy, [0, 1, 0])
    np.testing.assert_array_equal(hx, [1, 1, 0])
    np.testing.assert_array_equal(hy, [0, 0, 1])


def test_pow_gradient_at_zero_base_is_finite(run):
    x = tf.placeholder(tf.float64, [3])
    y = tf.placeholder(tf.float64, [3])
    gx, gy = tf.gradients(tf.pow(x, y), [x, y])
    vx, vy = run([gx, gy], {x: [0.0, 2.0, -2.0], y: [2.0, 3.0, 2.0]})
    np.testing.assert_allclose(vx, [0.0, 12.0, -4.0])
    np.testing.assert_allclose(vy, [0.0, 8.0 * np.log(2.0), 0.0])


def test_reduce_max_splits_ties_equally(run):
    x = tf.placeholder(tf.float32, [2, 3])
    g = tf.gradients(tf.reduce_max(x, axis=1), x)[0]
    out = run(g, {x: [[1, 5, 5], [7, 7, 7]]})
    np.testing.assert_allclose(out, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-6)


def test_mean_gradient_with_unknown_dims(run):
    x = tf.placeholder(tf.float32, [None, None])
    g = tf.gradients(tf.reduce_mean(x), x)[0]
    out = run(g, {x: np.ones((4, 5), np.float32)})
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.full((4, 5), 1 / 20))


def test_cast_gradient_between_floats_only(run):
    x = tf.placeholder(tf.float32, [2])
    g = tf.gradients(tf.cast(x, tf.float64) * 3.0, x)[0]
    assert g.dtype == tf.float32
    np.testing.assert_array_equal(run(g, {x: [1.0, 2.0]}), [3.0, 3.0])
    assert tf.gradients(tf.cast(tf.cast(x, tf.int32), tf.float32), x) == [None]


def test_second_derivative_of_cube_is_6x(run):
    x = tf.placeholder(tf.float32, [4])
    y = x * x * x
    dy = tf.gradients(y, x)[0]
    d2y = tf.gradients(dy, x)[0]
    xv = np.array([-2.0, -0.5, 1.0, 3.0], dtype=np.float32)
    v1, v2 = run([dy, d2y], {x: xv})
    np.testing.assert_allclose(v1, 3 * xv ** 2, rtol=1e-6)
    np.testing.assert_allclose(v2, 6 * xv, rtol=1e-6)
    assert v2.dtype == np.float32


def _tanh(z):
    """tanh built from Exp (a nonlinearity of this family's ops only)."""
    e = tf.exp(-2.0 * z)
    return (1.0 - e) / (1.0 + e)


def test_hessian_vector_product_of_small_mlp_matches_finite_differences():
    rng = np.random.default_rng(7)
    x_val = rng.normal(size=(5, 3))
    y_val = rng.normal(size=(5, 2))
    w1 = tf.placeholder(tf.float64, [3, 4])
    w2 = tf.placeholder(tf.float64, [4, 2])
    h = _tanh(tf.matmul(tf.constant(x_val), w1))
    loss = tf.reduce_mean(tf.square(tf.matmul(h, w2) - tf.constant(y_val)))
    g1, g2 = tf.gradients(loss, [w1, w2])
    v1 = tf.constant(rng.normal(size=(3, 4)))
    v2 = tf.constant(rng.normal(size=(4, 2)))
    gv = tf.reduce_sum(g1 * v1) + tf.reduce_sum(g2 * v2)
    hv1, hv2 = tf.gradients(gv, [w1, w2])

    p1, p2 = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    with tf.Session() as sess:
        hv = sess.run([hv1, hv2], {w1: p1, w2: p2})
        dv1, dv2 = sess.run([v1, v2])
        eps = 1e-5
        plus = sess.run([g1, g2], {w1: p1 + eps * dv1, w2: p2 + eps * dv2})
        minus = sess.run([g1, g2], {w1: p1 - eps * dv1, w2: p2 - eps * dv2})
        # the HVP is not trivially zero, and tanh(z) built from exp matches np.tanh
        assert np.abs(hv[0]).max() > 1e-3
        np.testing.assert_allclose(sess.run(h, {w1: p1}), np.tanh(x_val @ p1), rtol=1e-12)
    for got, p, m in zip(hv, plus, minus):
        np.testing.assert_allclose(got, (p - m) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_gradients_of_broadcast_ops_reduce_to_input_shapes(run):
    x = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [3])
    gx, gb = tf.gradients(tf.reduce_sum((x - b) / (b * 2.0)), [x, b])
    assert gb.shape.as_list() == [3]
    xv = RNG.uniform(1, 2, (4, 3)).astype(np.float32)
    bv = np.array([1.0, 2.0, 4.0], np.float32)
    vx, vb = run([gx, gb], {x: xv, b: bv})
    np.testing.assert_allclose(vx, np.broadcast_to(1 / (2 * bv), xv.shape), rtol=1e-6)
    np.testing.assert_allclose(vb, (-xv / (2 * bv ** 2)).sum(0), rtol=1e-5)


def test_maximum_minimum_with_a_scalar_keep_special_values():
    """maximum/minimum/clip_by_value/relu6 of a big array and a scalar (through a block of the
    scalar, kernels/scalar_blocks.py), either operand order, in place or not: bit for bit
    NumPy's plain call, NaN kept, signed zeros as NumPy orders them, a ragged tail."""
    special = np.array([np.nan, -np.nan, -0.0, 0.0, -np.inf, np.inf, -1.0, 1e-45, -1e-45, 3.0,
                        7.0, 0.5], np.float32)
    x = np.concatenate([np.tile(special, 3000), special[:5]])
    a = tf.placeholder(tf.float32, [None])
    f32 = np.float32
    cases = [(tf.maximum(a, 0.0), np.maximum(x, f32(0))),
             (tf.maximum(0.0, a), np.maximum(f32(0), x)),
             (tf.minimum(a, 1.0), np.minimum(x, f32(1))),
             (tf.minimum(1.0, a), np.minimum(f32(1), x)),
             (tf.maximum(a * 1.0, 0.5), np.maximum(x, f32(0.5))),  # in place
             (tf.minimum(a * 1.0, -0.0), np.minimum(x, f32(-0.0))),
             (tf.clip_by_value(a, -0.0, 6.0), np.maximum(np.minimum(x, f32(6)), f32(-0.0))),
             (tf.nn.relu6(a), np.minimum(np.maximum(x, f32(0)), f32(6)))]
    with tf.Session() as sess:
        got = sess.run([c[0] for c in cases], {a: x})
    for i, (out, (_, want)) in enumerate(zip(got, cases)):
        assert out.dtype == np.float32, i
        np.testing.assert_array_equal(out.view(np.uint32), want.view(np.uint32), err_msg=str(i))
    xi = np.arange(-20000, 20000, dtype=np.int32)
    b = tf.placeholder(tf.int32, [None])
    with tf.Session() as sess:
        got = sess.run([tf.maximum(b, 3), tf.nn.relu6(b), tf.nn.relu6(tf.constant(9))], {b: xi})
    np.testing.assert_array_equal(got[0], np.maximum(xi, 3))
    np.testing.assert_array_equal(got[1], np.clip(xi, 0, 6))
    assert got[2] == 6


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_where_of_big_arrays_is_numpys_where_bit_for_bit(dtype):
    """Select/SelectV2 of big same-shaped operands (kernels/select.py builds the result from
    the operands' bits, without NumPy's per-element branch): the same bits as np.where for a
    random mask, NaN payloads and signed zeros included; broadcasting keeps np.where."""
    from tfgraph.kernels.select import select
    rng = np.random.default_rng(4)
    n = 50001
    if np.dtype(dtype).kind == "f":
        a = rng.standard_normal(n).astype(dtype)
        b = rng.standard_normal(n).astype(dtype)
        a[:4] = [np.nan, -0.0, np.inf, -np.nan]
        b[:4] = [-0.0, np.nan, -np.inf, 0.0]
    else:
        a = rng.integers(-2**30, 2**30, n).astype(dtype)
        b = rng.integers(-2**30, 2**30, n).astype(dtype)
    mask = rng.random(n) < 0.5
    want = np.where(mask, a, b)
    got = select(np, mask, a, b)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got.view(f"u{want.itemsize}"), want.view(f"u{want.itemsize}"))
    c, x, y = (tf.placeholder(tf.bool, [None]), tf.placeholder(tf.as_dtype(dtype), [None]),
               tf.placeholder(tf.as_dtype(dtype), [None]))
    with tf.Session() as sess:
        outs = sess.run([tf.where(c, x, y), tf.where_v2(c, x, y), tf.where_v2(c, x, y[0])],
                        {c: mask, x: a, y: b})
    for out in outs[:2]:
        np.testing.assert_array_equal(out.view(f"u{want.itemsize}"), want.view(f"u{want.itemsize}"))
    np.testing.assert_array_equal(outs[2], np.where(mask, a, b[0]))  # broadcast: np.where
