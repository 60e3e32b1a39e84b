"""Values, dtypes and errors of `ops/more_math_ops.py` and `ops/segment_ops.py` (NumPy
references); the gradients are checked in cases_more_math.py."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("fn,ref,low,high", [
    (tf.tan, np.tan, -1.0, 1.0), (tf.sinh, np.sinh, -2, 2), (tf.cosh, np.cosh, -2, 2),
    (tf.asin, np.arcsin, -0.9, 0.9), (tf.acos, np.arccos, -0.9, 0.9),
    (tf.atan, np.arctan, -3, 3), (tf.asinh, np.arcsinh, -3, 3), (tf.acosh, np.arccosh, 1, 3),
    (tf.atanh, np.arctanh, -0.9, 0.9), (tf.math.rint, np.rint, -3, 3)])
def test_unary_values_keep_float32(run, fn, ref, low, high):
    x = RNG.uniform(low, high, (3, 4)).astype(np.float32)
    out = run(fn(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ref(x), rtol=1e-6, atol=1e-6)


def test_rint_rounds_half_to_even_and_op_names(run):
    assert run(tf.rint([0.5, 1.5, 2.5, -0.5])).tolist() == [0.0, 2.0, 2.0, -0.0]
    assert tf.tan(1.0).op.type == "Tan" and tf.tan(1.0, name="t").op.name == "t"
    assert tf.math.atan2(1.0, 2.0).op.type == "Atan2"


def test_atan2_broadcasts_y_first(run):
    y = RNG.uniform(-1, 1, (2, 3)).astype(np.float32)
    x = RNG.uniform(-1, 1, (3,)).astype(np.float32)
    np.testing.assert_allclose(run(tf.atan2(y, x)), np.arctan2(y, x), rtol=1e-6)


def test_xlogy_family_is_zero_where_x_is_zero(run):
    x = np.array([0.0, 0.0, 2.0, 3.0], np.float32)
    y = np.array([0.0, -1.0, 4.0, 0.5], np.float32)
    xl, xd, x1, mn = run([tf.math.xlogy(x, y), tf.math.xdivy(x, y), tf.math.xlog1py(x, y),
                           tf.math.multiply_no_nan([np.inf, np.nan, 2.0, 3.0], y)])
    np.testing.assert_allclose(xl, [0, 0, 2 * np.log(4), 3 * np.log(0.5)], rtol=1e-6)
    np.testing.assert_allclose(xd, [0, 0, 0.5, 6.0], rtol=1e-6)
    np.testing.assert_allclose(x1, [0, 0, 2 * np.log1p(4), 3 * np.log1p(0.5)], rtol=1e-6)
    np.testing.assert_allclose(mn, [0, np.nan, 8.0, 1.5], rtol=1e-6)
    assert xl.dtype == np.float32
    np.testing.assert_allclose(run(tf.math.reciprocal_no_nan([0.0, 4.0])), [0.0, 0.25])


def test_cumprod_matches_numpy(run):
    x = RNG.uniform(0.5, 2, (3, 4)).astype(np.float32)
    a, b, c = run([tf.cumprod(x, axis=1), tf.math.cumprod(x, axis=0, exclusive=True),
                    tf.cumprod(x, axis=-1, reverse=True)])
    np.testing.assert_allclose(a, np.cumprod(x, 1), rtol=1e-6)
    np.testing.assert_allclose(b, np.concatenate([np.ones((1, 4)), np.cumprod(x, 0)[:-1]]),
                               rtol=1e-6)
    np.testing.assert_allclose(c, np.cumprod(x[:, ::-1], 1)[:, ::-1], rtol=1e-6)
    assert a.dtype == np.float32
    with pytest.raises(ValueError, match="Cumprod"):
        tf.cumprod(x, axis=2)


def test_bitcast_reinterprets_bytes(run):
    x = np.array([1.0, -2.5], np.float32)
    u8, i32, back = run([tf.bitcast(x, tf.uint8), tf.bitcast(x, tf.int32),
                          tf.bitcast(tf.bitcast(x, tf.uint8), tf.float32)])
    assert u8.shape == (2, 4) and (u8 == x.view(np.uint8).reshape(2, 4)).all()
    assert (i32 == x.view(np.int32)).all()
    np.testing.assert_array_equal(back, x)
    assert tf.bitcast(x, tf.uint8).shape.as_list() == [2, 4]
    with pytest.raises(ValueError, match="Bitcast"):
        tf.bitcast(tf.zeros([3], tf.uint8), tf.float32)


def _np_segment(data, ids, k, kind, empty):
    out = np.full((k,) + data.shape[ids.ndim:], empty, np.float64)
    flat = data.reshape((-1,) + data.shape[ids.ndim:])
    for i, s in enumerate(ids.reshape(-1)):
        if s < 0:
            continue
        rows = flat[ids.reshape(-1) == s]
        out[s] = {"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0),
                  "min": rows.min(0), "prod": rows.prod(0)}[kind]
    return out


@pytest.mark.parametrize("kind", ["sum", "mean", "max", "min", "prod"])
def test_sorted_segments_match_numpy(run, kind):
    data = RNG.uniform(-2, 2, (6, 3)).astype(np.float32)
    ids = np.array([0, 0, 2, 2, 2, 4])
    empty = 1.0 if kind == "prod" else 0.0
    out = run(getattr(tf.math, f"segment_{kind}")(data, ids))
    assert out.dtype == np.float32 and out.shape == (5, 3)
    np.testing.assert_allclose(out, _np_segment(data, ids, 5, kind, empty), rtol=1e-5)
    assert getattr(tf, f"segment_{kind}")(data, ids).shape.as_list() == [None, 3]


@pytest.mark.parametrize("kind,empty", [("max", np.finfo(np.float32).min),
                                        ("min", np.finfo(np.float32).max), ("prod", 1.0),
                                        ("mean", 0.0)])
def test_unsorted_segments_match_numpy(run, kind, empty):
    data = RNG.uniform(-2, 2, (2, 3, 2)).astype(np.float32)
    ids = np.array([[2, 0, -1], [0, 2, 0]])
    out = run(getattr(tf.math, f"unsorted_segment_{kind}")(data, ids, 4))
    assert out.shape == (4, 2) and out.dtype == np.float32
    np.testing.assert_allclose(out, _np_segment(data, ids, 4, kind, empty), rtol=1e-5)


def test_unsorted_segment_sqrt_n(run):
    data = np.arange(8, dtype=np.float32).reshape(4, 2)
    ids = np.array([1, 1, 0, 1])
    ref = np.stack([data[2], data[[0, 1, 3]].sum(0) / np.sqrt(3)])
    np.testing.assert_allclose(run(tf.math.unsorted_segment_sqrt_n(data, ids, 2)), ref,
                               rtol=1e-6)


def test_segment_errors_name_the_problem(run):
    with pytest.raises(ValueError, match="SegmentSum"):
        tf.segment_sum(tf.zeros([3, 2]), [0, 1])
    with pytest.raises(TypeError, match="segment_ids"):
        tf.segment_max(tf.zeros([2]), tf.constant([0.0, 1.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
        run(tf.segment_sum(tf.zeros([3]), [1, 0, 0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        run(tf.unsorted_segment_max(tf.zeros([3]), [0, 5, 1], 2))
