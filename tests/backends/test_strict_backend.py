"""The strict backend: StrictArray refuses NumPy, mirrors NumPy's API, and counts transfers."""
import copy
import operator

import numpy as np
import pytest

from tfgraph.backends.strict_backend import COUNTERS, StrictArray, StrictBackend

F32 = np.float32


def dev(be, value, dtype=F32):
    return be.from_host(np.asarray(value, dtype=dtype))


# --- refusing NumPy ------------------------------------------------------------------------------
@pytest.mark.parametrize("convert", [
    np.asarray, np.array, lambda x: np.exp(x), lambda x: np.sum(x), lambda x: np.add(x, x),
    lambda x: np.concatenate([x, x]), lambda x: np.matmul(x, x.T), lambda x: np.ones(3) + x,
    lambda x: x + np.ones(3), lambda x: np.float64(1.0) + np.zeros(3) * x,
])
def test_numpy_on_a_device_array_raises_type_error_naming_the_strict_device(strict, convert):
    x = dev(strict, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="strict"):
        convert(x)


def test_host_arrays_are_rejected_as_operands_and_xp_arguments(strict):
    x = dev(strict, [1.0, 2.0])
    with pytest.raises(TypeError, match="host NumPy array"):
        strict.xp.add(x, np.ones(2, F32))
    with pytest.raises(TypeError, match="host NumPy array"):
        strict.xp.concatenate([x, np.ones(2, F32)])
    with pytest.raises(TypeError, match="host NumPy array"):
        x[0:2] = np.zeros(2, F32)
    with pytest.raises(TypeError, match="host NumPy array"):
        x * np.asarray(2.0, F32)  # even 0-d: CuPy only takes scalars


def test_numpy_and_python_scalars_mix_with_device_arrays(strict):
    x = dev(strict, [1.0, 2.0])
    for y in (x * F32(2), F32(2) * x, 2.0 * x, x * 2, x / F32(2), F32(1) - x):
        assert type(y) is StrictArray and y.dtype == F32
    np.testing.assert_array_equal(strict.to_host(F32(10) - x), [9.0, 8.0])


def test_get_and_pickle_are_refused(strict):
    x = dev(strict, [1.0])
    with pytest.raises(TypeError, match=r"StrictArray\.get\(\)"):
        x.get()
    import pickle
    with pytest.raises(TypeError, match=r"StrictArray cannot be pickled"):
        pickle.dumps(x)


# --- NumPy's behaviour, on the device ----------------------------------------------------------
_BINARY = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
           operator.mod, operator.pow, operator.eq, operator.ne, operator.lt, operator.le,
           operator.gt, operator.ge, operator.matmul, divmod]


@pytest.mark.parametrize("op", _BINARY, ids=lambda f: f.__name__)
def test_binary_operators_match_numpy(strict, op):
    a = np.array([[1.5, 2.0], [-3.0, 4.0]], F32)
    b = np.array([[2.0, 0.5], [-1.0, 3.0]], F32)  # negative base only with an integer power
    got = op(dev(strict, a), dev(strict, b))
    want = op(a, b)
    if isinstance(want, tuple):
        assert isinstance(got, tuple)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(strict.to_host(g), w)
    else:
        assert type(got) is StrictArray and got.dtype == want.dtype
        np.testing.assert_array_equal(strict.to_host(got), want)


@pytest.mark.parametrize("op", [operator.and_, operator.or_, operator.xor, operator.lshift,
                                operator.rshift], ids=lambda f: f.__name__)
def test_integer_operators_match_numpy(strict, op):
    a, b = np.array([5, 12, 7], np.int32), np.array([3, 1, 2], np.int32)
    np.testing.assert_array_equal(strict.to_host(op(dev(strict, a, np.int32),
                                                    dev(strict, b, np.int32))), op(a, b))


def test_unary_and_reflected_operators(strict):
    a = np.array([1.0, -2.0], F32)
    x = dev(strict, a)
    np.testing.assert_array_equal(strict.to_host(-x), -a)
    np.testing.assert_array_equal(strict.to_host(+x), a)
    np.testing.assert_array_equal(strict.to_host(abs(x)), abs(a))
    np.testing.assert_array_equal(strict.to_host(~dev(strict, [True, False], bool)), [False, True])
    np.testing.assert_array_equal(strict.to_host(3.0 / x), F32(3.0) / a)
    np.testing.assert_array_equal(strict.to_host(2 ** x), F32(2) ** a)


def test_inplace_operators_update_the_buffer_and_keep_the_object(strict):
    x = dev(strict, [1.0, 2.0])
    buf = x._a
    y = x
    y += dev(strict, [1.0, 1.0])
    y *= F32(3)
    y -= 1
    assert y is x and x._a is buf
    np.testing.assert_array_equal(strict.to_host(x), [5.0, 8.0])


def test_attributes_and_methods(strict):
    a = np.arange(6, dtype=F32).reshape(2, 3)
    x = dev(strict, a)
    assert x.shape == (2, 3) and x.dtype == F32 and x.ndim == 2 and x.size == 6
    assert x.itemsize == 4 and x.nbytes == 24 and len(x) == 2
    np.testing.assert_array_equal(strict.to_host(x.T), a.T)
    for got, want in [(x.reshape(3, 2), a.reshape(3, 2)), (x.reshape((6,)), a.reshape(6)),
                      (x.astype(np.int32), a.astype(np.int32)), (x.copy(), a),
                      (x.transpose(1, 0), a.T), (x.sum(axis=0), a.sum(axis=0)),
                      (x.mean(axis=1, keepdims=True), a.mean(axis=1, keepdims=True)),
                      (x.max(), a.max()), (x.argmax(axis=1), a.argmax(axis=1)),
                      (x.ravel(), a.ravel()), (x.clip(1, 4), a.clip(1, 4)),
                      (x.swapaxes(0, 1), a.swapaxes(0, 1)), (x.cumsum(axis=1), a.cumsum(axis=1))]:
        assert type(got) is StrictArray
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(strict.to_host(got), want)
    c = x.copy()
    assert c._a is not x._a


def test_reductions_return_0d_device_arrays(strict):
    x = dev(strict, [1.0, 2.0, 4.0])
    for r in (x.sum(), strict.xp.sum(x), strict.xp.max(x), x.mean(), strict.xp.linalg.norm(x)):
        assert type(r) is StrictArray and r.ndim == 0 and r.dtype == F32
    assert strict.to_host(x.sum()) == 7.0


def test_indexing_with_ints_slices_tuples_masks_and_device_indices(strict):
    a = np.arange(12, dtype=F32).reshape(3, 4)
    x = dev(strict, a)
    idx = dev(strict, [2, 0], np.int64)
    mask = dev(strict, a > 5, bool)
    for got, want in [(x[1], a[1]), (x[1, 2], a[1, 2]), (x[:, 1:3], a[:, 1:3]),
                      (x[idx], a[[2, 0]]), (x[mask], a[a > 5]), (x[..., None], a[..., None]),
                      (x[(slice(None), idx)], a[:, [2, 0]]), (x[np.array([1])], a[[1]])]:
        assert type(got) is StrictArray
        np.testing.assert_array_equal(strict.to_host(got), want)
    x[0] = F32(-1)
    x[1, :] = dev(strict, [9.0, 9.0, 9.0, 9.0])
    x[mask] = 0.0
    b = a.copy()
    b[0], b[1, :] = -1, 9
    b[a > 5] = 0
    np.testing.assert_array_equal(strict.to_host(x), b)


def test_iteration_yields_device_rows(strict):
    rows = list(dev(strict, [[1.0, 2.0], [3.0, 4.0]]))
    assert all(type(r) is StrictArray for r in rows)
    np.testing.assert_array_equal(strict.to_host(rows[1]), [3.0, 4.0])


# --- the xp namespace ------------------------------------------------------------------------
def test_xp_functions_unwrap_arguments_and_wrap_results(strict):
    xp = strict.xp
    a, b = np.array([[1.0, 2.0]], F32), np.array([[3.0, 4.0]], F32)
    x, y = dev(strict, a), dev(strict, b)
    for got, want in [(xp.concatenate([x, y], axis=0), np.concatenate([a, b])),
                      (xp.stack((x, y)), np.stack((a, b))),
                      (xp.where(x > 1.5, x, y), np.where(a > 1.5, a, b)),
                      (xp.matmul(x, y.T), a @ b.T),
                      (xp.einsum("ij,kj->ik", x, y), np.einsum("ij,kj->ik", a, b)),
                      (xp.zeros((2, 2), dtype=F32), np.zeros((2, 2), F32)),
                      (xp.exp(x), np.exp(a)), (xp.maximum(x, F32(1.5)), np.maximum(a, F32(1.5)))]:
        assert type(got) is StrictArray
        assert got.dtype == want.dtype
        np.testing.assert_allclose(strict.to_host(got), want, rtol=1e-6)
    assert isinstance(x, xp.ndarray)
    assert xp.float32 is np.float32 and xp.newaxis is None and xp.pi == np.pi


def test_xp_tuple_and_list_results_are_wrapped(strict):
    xp = strict.xp
    x = dev(strict, [[0.0, 1.0], [2.0, 0.0]])
    rows, cols = xp.nonzero(x)
    assert type(rows) is StrictArray
    np.testing.assert_array_equal(strict.to_host(cols), [1, 0])
    parts = xp.split(x, 2, axis=1)
    assert isinstance(parts, list) and all(type(p) is StrictArray for p in parts)
    q, r = xp.divmod(x, F32(2))
    np.testing.assert_array_equal(strict.to_host(r), [[0.0, 1.0], [0.0, 0.0]])


def test_xp_metadata_functions_return_host_values(strict):
    xp = strict.xp
    x = dev(strict, np.zeros((2, 3)))
    assert xp.shape(x) == (2, 3) and xp.ndim(x) == 2 and xp.size(x) == 6
    assert xp.result_type(x, F32) == np.float32


def test_stride_tricks_linalg_random_and_ufunc_methods(strict):
    xp = strict.xp
    a = np.arange(5, dtype=F32)
    x = dev(strict, a)
    w = xp.lib.stride_tricks.sliding_window_view(x, 3)
    np.testing.assert_array_equal(strict.to_host(w), np.lib.stride_tricks.sliding_window_view(a, 3))
    s = xp.lib.stride_tricks.as_strided(x, shape=(2, 2), strides=(8, 4))
    np.testing.assert_array_equal(strict.to_host(s), [[0.0, 1.0], [2.0, 3.0]])
    m = dev(strict, [[2.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(strict.to_host(xp.linalg.inv(m)), [[0.5, 0.0], [0.0, 0.25]])
    target = xp.zeros(3, dtype=F32)
    xp.add.at(target, dev(strict, [0, 2, 0], np.int64), dev(strict, [1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(strict.to_host(target), [4.0, 0.0, 2.0])
    np.testing.assert_array_equal(strict.to_host(xp.maximum.reduce(x)), 4.0)
    assert xp.add.nin == 2
    g = xp.random.default_rng(0)
    r = g.standard_normal((2, 2), dtype=F32)
    assert type(r) is StrictArray and r.dtype == F32
    np.testing.assert_array_equal(strict.to_host(r),
                                  np.random.default_rng(0).standard_normal((2, 2), dtype=F32))


def test_out_argument_returns_the_same_device_array(strict):
    x = dev(strict, [1.0, 4.0])
    out = strict.xp.empty(2, dtype=F32)
    assert strict.xp.sqrt(x, out=out) is out
    np.testing.assert_array_equal(strict.to_host(out), [1.0, 2.0])


# --- counting ----------------------------------------------------------------------------------
def test_transfers_are_counted_and_copied(strict):
    host = np.array([1.0, 2.0], F32)
    x = strict.from_host(host)
    host[0] = 99.0  # the device owns its own buffer
    back = strict.to_host(x)
    assert isinstance(back, np.ndarray) and back.tolist() == [1.0, 2.0]
    back[1] = -5.0
    assert strict.to_host(x).tolist() == [1.0, 2.0]
    c = strict.counters
    assert (c.from_host, c.to_host, c.from_host_bytes, c.to_host_bytes) == (1, 2, 8, 16)
    strict.reset_counters()
    assert c.as_dict() == dict.fromkeys(c.as_dict(), 0)


def test_host_reads_are_allowed_and_counted(strict):
    i = dev(strict, 3, np.int64)
    f = dev(strict, 2.5)
    assert int(i) == 3 and operator.index(i) == 3 and float(f) == 2.5 and bool(f)
    assert f.item() == 2.5 and dev(strict, [1.0]).tolist() == [1.0]
    assert list(range(10))[i] == 3
    assert f"{f:.1f}" == "2.5"
    assert strict.counters.host_reads == 8
    assert strict.counters.to_host == 0


def test_implicit_uploads_are_counted(strict):
    xp = strict.xp
    x = xp.asarray([1, 2, 3], dtype=np.int32)
    assert type(x) is StrictArray
    xp.array(np.ones(2))
    assert strict.counters.implicit_uploads == 2
    xp.asarray(x, dtype=F32)
    xp.array(x, copy=True)
    assert strict.counters.implicit_uploads == 2


def test_to_host_refuses_host_values(strict):
    with pytest.raises(TypeError, match="returned a host value"):
        strict.to_host(np.ones(2))
    with pytest.raises(TypeError, match="already"):
        strict.from_host(dev(strict, [1.0]))


def test_a_second_strict_device_has_its_own_transfer_counters(strict):
    gpu = StrictBackend("fake_gpu", "GPU")
    gpu.to_host(gpu.from_host(np.ones(2)))
    assert (gpu.counters.from_host, gpu.counters.to_host) == (1, 1)
    assert (strict.counters.from_host, strict.counters.to_host) == (0, 0)
    assert gpu.device_name == "/job:localhost/replica:0/task:0/device:GPU:0"


def test_rng_returns_device_arrays(strict):
    r = strict.rng(7).random((3,), dtype=F32)
    assert type(r) is StrictArray and r.dtype == F32
    i = strict.rng(7).integers(0, 5, size=(4,), dtype=np.int32)
    assert type(i) is StrictArray and i.dtype == np.int32


def test_copy_module_copies_device_arrays(strict):
    x = dev(strict, [1.0])
    y = copy.deepcopy(x)
    assert type(y) is StrictArray and y._a is not x._a
    assert COUNTERS is strict.counters
