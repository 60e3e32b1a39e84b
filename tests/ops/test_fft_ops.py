"""FFTs (`ops/fft_ops.py`): values against numpy.fft, complex64 stays complex64, TF1's op types,
names, shape rules and the tf.signal / tf.spectral namespaces."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 4, 6)) + 1j * RNG.standard_normal((2, 4, 6))
R = RNG.standard_normal((2, 4, 6))

COMPLEX = [(tf.fft, "FFT", lambda v: np.fft.fft(v)),
           (tf.ifft, "IFFT", lambda v: np.fft.ifft(v)),
           (tf.fft2d, "FFT2D", lambda v: np.fft.fft2(v)),
           (tf.ifft2d, "IFFT2D", lambda v: np.fft.ifft2(v)),
           (tf.fft3d, "FFT3D", lambda v: np.fft.fftn(v, axes=(-3, -2, -1))),
           (tf.ifft3d, "IFFT3D", lambda v: np.fft.ifftn(v, axes=(-3, -2, -1)))]


@pytest.mark.parametrize("fn,op_type,ref", COMPLEX, ids=[c[1] for c in COMPLEX])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_ffts(run, fn, op_type, ref, dtype):
    t = fn(X.astype(dtype))
    assert t.op.type == op_type and t.op.name == op_type and t.shape.as_list() == [2, 4, 6]
    out = run(t)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, ref(X), rtol=1e-4 if dtype == np.complex64 else 1e-10,
                               atol=1e-4 if dtype == np.complex64 else 1e-10)


def test_rfft_family_values_shapes_and_dtypes(run):
    r32 = R.astype(np.float32)
    cases = [
        (tf.signal.rfft(r32), np.fft.rfft(R), [2, 4, 4], "RFFT", "rfft"),
        (tf.signal.rfft(tf.constant(R), fft_length=[9]), np.fft.rfft(R, 9), [2, 4, 5], "RFFT", "rfft_1"),  # float64
        (tf.spectral.rfft2d(r32, fft_length=[3, 4]), np.fft.rfft2(R, s=(3, 4)), [2, 3, 3],
         "RFFT2D", "rfft2d"),
        (tf.signal.rfft3d(R), np.fft.rfftn(R), [2, 4, 4], "RFFT3D", "rfft3d"),
    ]
    for t, ref, shape, op_type, name in cases:
        assert (t.op.type, t.op.name, t.shape.as_list()) == (op_type, name, shape)
    outs = run([c[0] for c in cases])
    for (t, ref, *_), out in zip(cases, outs):
        assert out.dtype == (np.complex64 if t.dtype == tf.complex64 else np.complex128)
        np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-4)
    # float32 -> complex64, float64 -> complex128 (a NumPy float64 array with TF1's float32
    # preference becomes float32, as in TF1)
    assert outs[0].dtype == np.complex64 and outs[1].dtype == np.complex128


def test_irfft_family_round_trips(run):
    spec1 = np.fft.rfft(R)
    spec3 = np.fft.rfftn(R)
    cases = [
        (tf.signal.irfft(spec1.astype(np.complex64)), np.fft.irfft(spec1), [2, 4, 6]),
        (tf.signal.irfft(tf.constant(spec1), fft_length=[7]), np.fft.irfft(spec1, 7), [2, 4, 7]),
        (tf.signal.irfft2d(spec1, fft_length=[3, 5]), np.fft.irfft2(spec1, s=(3, 5)), [2, 3, 5]),
        (tf.signal.irfft3d(spec3), R, [2, 4, 6]),
    ]
    outs = run([c[0] for c in cases])
    for (t, ref, shape), out in zip(cases, outs):
        assert t.shape.as_list() == shape and out.shape == tuple(shape)
        np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    assert outs[0].dtype == np.float32 and outs[1].dtype == np.float64
    assert [c[0].op.type for c in cases] == ["IRFFT", "IRFFT", "IRFFT2D", "IRFFT3D"]


def test_fft_length_from_a_placeholder(run):
    n = tf.placeholder(tf.int32, [1])
    t = tf.signal.rfft(tf.constant(R), fft_length=n)
    assert t.shape.as_list() == [2, 4, None]
    np.testing.assert_allclose(run(t, {n: [10]}), np.fft.rfft(R, 10), atol=1e-10)


def test_nd_ffts_over_axes_with_norms(run):
    x = tf.constant(X)  # complex128 (a NumPy array would prefer complex64, as in TF1)
    ts = [tf.fftnd(x), tf.signal.fftnd(x, fft_length=[5, 3], axes=[-1, 0]),
          tf.ifftnd(x, norm="ortho"), tf.rfftnd(tf.constant(R), axes=[0, 2], norm="forward"),
          tf.irfftnd(tf.constant(np.fft.rfftn(R)), fft_length=[2, 4, 6])]
    refs = [np.fft.fftn(X), np.fft.fftn(X, s=[5, 3], axes=[-1, 0]),
            np.fft.ifftn(X, norm="ortho"), np.fft.rfftn(R, axes=[0, 2], norm="forward"),
            R]
    assert [t.op.type for t in ts] == ["FFTND", "FFTND", "IFFTND", "RFFTND", "IRFFTND"]
    assert ts[1].shape.as_list() == [3, 4, 5] and ts[3].shape.as_list() == [2, 4, 4]
    for out, ref in zip(run(ts), refs):
        np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-10)


def test_fft_errors_name_what_is_wrong():
    with pytest.raises(TypeError, match="float32"):
        tf.fft(tf.zeros([4]))
    with pytest.raises(ValueError, match="RFFT requires tf.float32 or tf.float64"):
        tf.signal.rfft(tf.zeros([4], tf.complex64))
    with pytest.raises(ValueError, match="IRFFT requires tf.complex64"):
        tf.signal.irfft(tf.zeros([4]))
    with pytest.raises(ValueError, match="FFT2D.*rank 2"):
        tf.fft2d(tf.zeros([4], tf.complex64))
    with pytest.raises(ValueError, match="fft_length must have 2"):
        tf.signal.rfft2d(tf.zeros([4, 4]), fft_length=[4])
    with pytest.raises(ValueError, match="norm"):
        tf.signal.fftnd(X, norm="bogus")


def test_fft_gradients_follow_tf1_conventions(run):
    # d/dx sum(real(fft(x))) for complex x = x_r + i x_i, TF1's convention: a complex
    # gradient whose parts are the derivatives by x_r and x_i.
    x = tf.constant(X[0, 0].astype(np.complex128))
    (g,) = tf.gradients(tf.reduce_sum(tf.real(tf.fft(x))), [x])
    n = X.shape[-1]
    np.testing.assert_allclose(run(g), np.fft.ifft(np.ones(n)) * n, atol=1e-12)


def test_nd_ffts_have_no_gradient_as_in_tf1():
    x = tf.constant(X)
    with pytest.raises(LookupError, match="FFTND"):
        tf.gradients(tf.reduce_sum(tf.real(tf.signal.fftnd(x))), [x])


def test_namespaces_hold_tf1_names():
    for n in ("fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "fftnd", "ifftnd", "rfftnd",
              "irfftnd"):
        assert getattr(tf, n) is getattr(tf.signal, n)
    for n in ("rfft", "irfft", "rfft2d", "irfft2d", "rfft3d", "irfft3d"):
        assert getattr(tf.spectral, n) is getattr(tf.signal, n)
    assert not hasattr(tf, "rfft")
