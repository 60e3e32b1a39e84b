"""tf.signal beyond FFTs (`ops/signal_ops.py`): windows, frame, overlap_and_add, STFT and its
inverse, DCTs, MFCCs, the mel filterbank, MDCTs, fftshift; against NumPy/SciPy references
and reconstruction identities (the values were also checked against TensorFlow 2.21's
tf.compat.v1 when written)."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf
from gradcheck import check_gradient

scipy_fft = pytest.importorskip("scipy.fft")
windows = pytest.importorskip("scipy.signal").windows

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 37)).astype(np.float32)


def test_windows(run):
    ts = [tf.signal.hann_window(10), tf.signal.hann_window(9, periodic=False),
          tf.signal.hamming_window(8), tf.signal.hamming_window(7, periodic=False),
          tf.signal.kaiser_window(9, beta=5.0), tf.signal.vorbis_window(8),
          tf.signal.kaiser_bessel_derived_window(8, beta=4.0),
          tf.signal.hann_window(1), tf.signal.hann_window(6, dtype=tf.float64)]
    n = np.arange(8)
    refs = [windows.hann(10, sym=False), np.hanning(9), windows.hamming(8, sym=False),
            np.hamming(7), np.kaiser(9, 5.0), np.sin(np.pi / 2 * np.sin(np.pi * (n + 0.5) / 8) ** 2),
            windows.kaiser_bessel_derived(8, 4.0), [1.0], windows.hann(6, sym=False)]
    out = run(ts)
    for o, r in zip(out, refs):
        np.testing.assert_allclose(o, r, atol=1e-6)
    assert [o.dtype for o in out[:-1]] == [np.float32] * 8 and out[-1].dtype == np.float64


def test_frame_and_overlap_and_add(run):
    f = tf.signal.frame(X, 8, 5)
    assert f.shape.as_list() == [2, 6, 8]
    fp = tf.signal.frame(X, 8, 5, pad_end=True, pad_value=-1.0)
    f0 = tf.signal.frame(X.T, 8, 5, axis=0)
    out = run([f, fp, f0, tf.signal.overlap_and_add(f, 5)])
    ref = np.stack([X[:, i * 5:i * 5 + 8] for i in range(6)], axis=1)
    np.testing.assert_array_equal(out[0], ref)
    padded = np.concatenate([X, -np.ones((2, 6), np.float32)], axis=1)
    np.testing.assert_array_equal(out[1], np.stack([padded[:, i * 5:i * 5 + 8]
                                                    for i in range(8)], axis=1))
    np.testing.assert_array_equal(out[2], np.transpose(ref, (1, 2, 0)))
    ola = np.zeros((2, 33), np.float32)
    for i in range(6):
        ola[:, i * 5:i * 5 + 8] += ref[:, i]
    np.testing.assert_allclose(out[3], ola, rtol=1e-6)


def test_frame_with_an_unknown_length(run):
    x = tf.placeholder(tf.float32, [2, None])
    np.testing.assert_array_equal(run(tf.signal.frame(x, 8, 5), {x: X}),
                                  run(tf.signal.frame(X, 8, 5)))


def test_stft_and_perfect_reconstruction(run):
    s = tf.signal.stft(X, 16, 4)
    assert s.dtype == tf.complex64 and s.shape.as_list() == [2, 6, 9]
    rec = tf.signal.inverse_stft(s, 16, 4,
                                 window_fn=tf.signal.inverse_stft_window_fn(4))
    sv, rv = run([s, rec])
    frames = np.stack([X[:, i * 4:i * 4 + 16] for i in range(6)], axis=1)
    np.testing.assert_allclose(sv, np.fft.rfft(frames * windows.hann(16, sym=False), 16),
                               atol=1e-5)
    # every sample covered by 4 overlapping frames is reconstructed exactly
    np.testing.assert_allclose(rv[:, 12:24], X[:, 12:24], atol=1e-5)


@pytest.mark.parametrize("dct_type", [1, 2, 3, 4])
def test_dct_and_idct_match_scipy(run, dct_type):
    ts = [tf.signal.dct(X, type=dct_type), tf.signal.idct(X, type=dct_type),
          tf.signal.dct(X, type=dct_type, n=20)]
    refs = [scipy_fft.dct(X.astype(np.float64), type=dct_type),
            scipy_fft.idct(X.astype(np.float64), type=dct_type) * (
                2 * (37 - 1) if dct_type == 1 else 2 * 37),
            scipy_fft.dct(X[:, :20].astype(np.float64), type=dct_type)]
    if dct_type > 1:
        ts.append(tf.signal.dct(X, type=dct_type, norm="ortho"))
        refs.append(scipy_fft.dct(X.astype(np.float64), type=dct_type, norm="ortho"))
    for o, r in zip(run(ts), refs):
        assert o.dtype == np.float32
        np.testing.assert_allclose(o, r, rtol=1e-4, atol=1e-4)


def test_dct_errors():
    with pytest.raises(NotImplementedError, match="axis must be -1"):
        tf.signal.dct(X, axis=0)
    with pytest.raises(ValueError, match="Type-I DCT"):
        tf.signal.dct(X, type=1, norm="ortho")
    with pytest.raises(ValueError, match="Types I, II, III and IV"):
        tf.signal.dct(X, type=5)


def _htk_mel_matrix(num_mel, num_spec, rate, lo, hi):
    def mel(f):
        return 1127.0 * np.log(1.0 + f / 700.0)
    freqs = np.linspace(0.0, rate / 2.0, num_spec)
    edges = np.linspace(mel(lo), mel(hi), num_mel + 2)
    w = np.zeros((num_spec, num_mel))
    for j in range(num_mel):
        a, c, b = edges[j:j + 3]
        for i in range(1, num_spec):  # HTK leaves out the DC bin
            m = mel(freqs[i])
            w[i, j] = max(0.0, min((m - a) / (c - a), (b - m) / (b - c)))
    return w


def test_mel_matrix_and_mfccs(run):
    m = tf.signal.linear_to_mel_weight_matrix(10, 33, 16000, 100.0, 6000.0, dtype=tf.float64)
    mf = tf.signal.mfccs_from_log_mel_spectrograms(X)
    out = run([m, mf, tf.signal.linear_to_mel_weight_matrix()])
    np.testing.assert_allclose(out[0], _htk_mel_matrix(10, 33, 16000, 100.0, 6000.0),
                               atol=1e-12)
    np.testing.assert_allclose(out[1], scipy_fft.dct(X.astype(np.float64), type=2) /
                               np.sqrt(2 * 37), rtol=1e-4, atol=1e-4)
    assert out[2].shape == (129, 20) and out[2].dtype == np.float32
    with pytest.raises(ValueError, match="upper_edge_hertz"):
        tf.signal.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0)
    with pytest.raises(ValueError, match="num_mel_bins must be positive"):
        tf.signal.linear_to_mel_weight_matrix(num_mel_bins=0)


@pytest.mark.parametrize("norm,window_fn", [(None, tf.signal.vorbis_window),
                                            ("ortho", tf.signal.kaiser_bessel_derived_window)])
def test_mdct_reconstructs_the_signal(run, norm, window_fn):
    x = RNG.standard_normal((2, 64)).astype(np.float32)
    m = tf.signal.mdct(x, 16, window_fn=window_fn, norm=norm)
    assert m.shape.as_list() == [2, 7, 8]
    rec = run(tf.signal.inverse_mdct(m, window_fn=window_fn, norm=norm))
    np.testing.assert_allclose(rec[:, 8:56], x[:, 8:56], atol=1e-5)


def test_fftshift(run):
    out = run([tf.signal.fftshift(X), tf.signal.ifftshift(X, axes=1),
               tf.signal.fftshift(tf.placeholder_with_default(X, [None, None]), axes=-1)])
    np.testing.assert_array_equal(out[0], np.fft.fftshift(X))
    np.testing.assert_array_equal(out[1], np.fft.ifftshift(X, axes=1))
    np.testing.assert_array_equal(out[2], np.fft.fftshift(X, axes=-1))


def test_stft_is_differentiable():
    check_gradient(lambda x: tf.abs(tf.signal.stft(x, 8, 4)), [RNG.standard_normal((1, 20))])
