"""The rest of `tf.signal`: windows, framing, overlap-add, STFT and its inverse, DCTs, MFCCs,
the mel filterbank, MDCTs and fftshift.

All are TF1's compositions of existing ops (FFTs from `fft_ops`, `GatherV2`, `Pad`,
`UnsortedSegmentSum`, ...), so they are differentiable wherever their parts are; values
follow TF1's definitions (`tf.signal.stft` uses TF1's default window and power-of-two FFT
length, `dct`/`idct` equal `scipy.fftpack.dct`/`idct` for types 1-4).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, name_scope
from ..framework.tensor_util import constant_value
from .array_ops import (concat, expand_dims, gather, ones, pad, range as _range, reshape,
                        reverse, shape, split, stack, tile, transpose, zeros_like)
from .complex_ops import complex as _complex, real
from .fft_ops import irfft, rfft
from .math_ops import (add, cast, cos, cumsum, exp, floordiv, floormod, maximum, multiply,
                       negative, realdiv, reduce_sum, rsqrt, sin, sqrt, square, subtract)
from .array_ops import unsorted_segment_sum
from .special_math_ops import bessel_i0e


def _int_scalar(x: Any, name: str) -> Tensor:
    t = convert_to_tensor(x, dtype=dtypes.int32, name=name)
    if t.shape.ndims not in (None, 0):
        raise ValueError(f"{name} must be a scalar, got shape {t.shape}")
    return t


# --- windows ---------------------------------------------------------------------------------
def _raised_cosine_window(name, default_name, window_length, periodic, dtype, a, b):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dtype}")
    with name_scope(name, default_name, [window_length, periodic]):
        window_length = _int_scalar(window_length, "window_length")
        n_static = constant_value(window_length)
        if n_static is None:
            raise ValueError(f"{default_name}: window_length must be known when the graph is "
                             "built (a Python int or a constant)")
        n_static = int(n_static)
        if n_static == 1:
            return ones([1], dtype=dtype)
        p = constant_value(convert_to_tensor(periodic, dtype=dtypes.bool, name="periodic"))
        if p is None:
            raise ValueError(f"{default_name}: periodic must be a Python bool")
        even = 1 - n_static % 2
        denom = n_static + int(bool(p)) * even - 1
        count = cast(_range(n_static), dtype)
        cos_arg = multiply(count, convert_to_tensor(2 * np.pi / denom, dtype=dtype))
        return subtract(convert_to_tensor(a, dtype=dtype),
                        multiply(convert_to_tensor(b, dtype=dtype), cos(cos_arg)))


def hann_window(window_length: Any, periodic: bool = True, dtype: Any = dtypes.float32,
                name: Optional[str] = None) -> Tensor:
    """A Hann window `0.5 - 0.5 cos(2 pi n / N)` (`tf.signal.hann_window`); periodic (N =
    length) by default, symmetric (N = length - 1) with `periodic=False`."""
    return _raised_cosine_window(name, "hann_window", window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length: Any, periodic: bool = True, dtype: Any = dtypes.float32,
                   name: Optional[str] = None) -> Tensor:
    """A Hamming window `0.54 - 0.46 cos(2 pi n / N)` (`tf.signal.hamming_window`)."""
    return _raised_cosine_window(name, "hamming_window", window_length, periodic, dtype, 0.54,
                                 0.46)


def vorbis_window(window_length: Any, dtype: Any = dtypes.float32,
                  name: Optional[str] = None) -> Tensor:
    """The Vorbis power-complementary window `sin(pi/2 sin^2(pi (n + 1/2) / N))`
    (`tf.signal.vorbis_window`)."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "vorbis_window", [window_length]):
        n = _int_scalar(window_length, "window_length")
        arg = realdiv(add(cast(_range(n), dtype), convert_to_tensor(0.5, dtype=dtype)),
                      cast(n, dtype))
        inner = square(sin(multiply(convert_to_tensor(np.pi, dtype=dtype), arg)))
        return sin(multiply(convert_to_tensor(np.pi / 2, dtype=dtype), inner))


def kaiser_window(window_length: Any, beta: Any = 12.0, dtype: Any = dtypes.float32,
                  name: Optional[str] = None) -> Tensor:
    """A Kaiser window `I0(beta sqrt(1 - (2n/(N-1) - 1)^2)) / I0(beta)`
    (`tf.signal.kaiser_window`, as `numpy.kaiser`)."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "kaiser_window", [window_length, beta]):
        n = _int_scalar(window_length, "window_length")
        n_static = constant_value(n)
        if n_static is not None and int(n_static) == 1:
            return ones([1], dtype=dtype)
        half = realdiv(subtract(cast(n, dtype), convert_to_tensor(1.0, dtype=dtype)),
                       convert_to_tensor(2.0, dtype=dtype))
        arg = subtract(cast(_range(n), dtype), half)
        beta = cast(convert_to_tensor(beta, name="beta"), dtype)
        one = convert_to_tensor(1.0, dtype=dtype)
        num = multiply(beta, sqrt(maximum(subtract(one, square(realdiv(arg, half))),
                                          zeros_like(arg))))
        return realdiv(multiply(exp(subtract(num, beta)), bessel_i0e(num)), bessel_i0e(beta))


def kaiser_bessel_derived_window(window_length: Any, beta: Any = 12.0,
                                 dtype: Any = dtypes.float32,
                                 name: Optional[str] = None) -> Tensor:
    """The Kaiser-Bessel-derived window (`tf.signal.kaiser_bessel_derived_window`), for
    MDCTs: square roots of the normalized cumulative sums of a Kaiser window, mirrored."""
    with name_scope(name, "kaiser_bessel_derived_window", [window_length, beta]):
        n = _int_scalar(window_length, "window_length")
        halflen = floordiv(n, 2)
        kaiserw = kaiser_window(add(halflen, 1), beta, dtype=dtype)
        csum = cumsum(kaiserw)
        halfw = sqrt(realdiv(csum[:-1], csum[-1]))
        return concat([halfw, reverse(halfw, [0])], 0)


# --- frame / overlap_and_add -------------------------------------------------------------------
def frame(signal: Any, frame_length: Any, frame_step: Any, pad_end: bool = False,
          pad_value: Any = 0, axis: int = -1, name: Optional[str] = None) -> Tensor:
    """Slides a window of `frame_length` samples by `frame_step` over `axis`
    (`tf.signal.frame`): the axis becomes two, `[..., frames, frame_length, ...]`.

    Args:
      signal: A tensor of rank >= 1.
      frame_length, frame_step: Python ints (or constant int scalars).
      pad_end: Pad the end with `pad_value` so that every sample is in a frame.
      pad_value: The padding value.
      axis: The axis to frame (a Python int).
      name: Name scope (default "frame").
    """
    with name_scope(name, "frame", [signal, frame_length, frame_step, pad_value]):
        signal = convert_to_tensor(signal, name="signal")
        fl = constant_value(_int_scalar(frame_length, "frame_length"))
        fs = constant_value(_int_scalar(frame_step, "frame_step"))
        if fl is None or fs is None:
            raise ValueError("frame: frame_length and frame_step must be known when the graph "
                             "is built (Python ints or constants)")
        fl, fs = int(fl), int(fs)
        if fl <= 0 or fs <= 0:
            raise ValueError(f"frame: frame_length ({fl}) and frame_step ({fs}) must be "
                             "positive")
        rank = signal.shape.ndims
        if rank is None:
            raise ValueError("frame: the signal's rank must be known")
        if rank == 0:
            raise ValueError("frame: the signal must have rank at least 1")
        ax = axis % rank
        length = signal.shape.as_list()[ax]
        if length is None:
            length_t = shape(signal)[ax]
        if pad_end:
            if length is not None:
                frames = -(-length // fs)
                pad_amount = max(0, (frames - 1) * fs + fl - length)
                paddings = [[0, 0]] * rank
                paddings[ax] = [0, pad_amount]
                signal = pad(signal, paddings, constant_values=pad_value)
            else:
                frames = floordiv(add(length_t, fs - 1), fs)
                pad_amount = maximum(subtract(add(multiply(subtract(frames, 1), fs), fl),
                                              length_t), 0)
                after = [pad_amount if i == ax else 0 for i in range(rank)]
                signal = pad(signal, stack([zeros_like(stack(after)), stack(after)], axis=1),
                             constant_values=pad_value)
        elif length is not None:
            frames = max(0, 1 + (length - fl) // fs)
        else:
            frames = maximum(add(floordiv(subtract(length_t, fl), fs), 1), 0)
        if isinstance(frames, int):
            indices = (np.arange(frames)[:, None] * fs + np.arange(fl)[None, :]).astype(
                np.int32)
            indices = convert_to_tensor(indices, name="indices")
        else:
            indices = add(expand_dims(multiply(_range(frames), fs), 1),
                          expand_dims(_range(fl), 0))
        return gather(signal, indices, axis=ax)


def overlap_and_add(signal: Any, frame_step: Any, name: Optional[str] = None) -> Tensor:
    """Adds overlapping frames back into a signal (`tf.signal.overlap_and_add`): `[...,
    frames, frame_length]` -> `[..., (frames - 1) * frame_step + frame_length]`."""
    with name_scope(name, "overlap_and_add", [signal, frame_step]):
        signal = convert_to_tensor(signal, name="signal")
        fs = constant_value(_int_scalar(frame_step, "frame_step"))
        if fs is None:
            raise ValueError("overlap_and_add: frame_step must be a Python int or a constant")
        fs = int(fs)
        dims = signal.shape.as_list() if signal.shape.ndims is not None else None
        if dims is None or len(dims) < 2:
            raise ValueError(f"overlap_and_add: signal must have rank at least 2, got shape "
                             f"{signal.shape}")
        frames, fl = dims[-2], dims[-1]
        if frames is None or fl is None:
            raise ValueError("overlap_and_add: the last two dimensions must be known")
        if fs > fl:
            raise ValueError(f"overlap_and_add: frame_step ({fs}) must be at most "
                             f"frame_length ({fl})")
        out_len = (frames - 1) * fs + fl if frames else 0
        outer = shape(signal)[:-2]
        ids = (np.arange(frames)[:, None] * fs + np.arange(fl)[None, :]).reshape(-1)
        # [..., F*L] -> [F*L, batch]: segment-sum the samples onto their output positions.
        flat = reshape(signal, concat([[-1], [frames * fl]], 0))
        summed = unsorted_segment_sum(transpose(flat), convert_to_tensor(
            ids.astype(np.int32), name="segment_ids"), out_len)
        return reshape(transpose(summed), concat([outer, [out_len]], 0))


# --- STFT --------------------------------------------------------------------------------------
def _enclosing_power_of_two(n: int) -> int:
    return int(2 ** math.ceil(math.log2(n))) if n > 0 else 1


def stft(signals: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
         window_fn: Optional[Callable] = hann_window, pad_end: bool = False,
         name: Optional[str] = None) -> Tensor:
    """The short-time Fourier transform (`tf.signal.stft`): frames of `frame_length`
    samples every `frame_step`, windowed by `window_fn`, through an RFFT of `fft_length`
    (default: the smallest power of two >= frame_length).

    Returns:
      A complex tensor `[..., frames, fft_length // 2 + 1]`.
    """
    with name_scope(name, "stft", [signals, frame_length, frame_step]):
        signals = convert_to_tensor(signals, name="signals")
        fl = constant_value(_int_scalar(frame_length, "frame_length"))
        if fl is None:
            raise ValueError("stft: frame_length must be a Python int or a constant")
        fl = int(fl)
        framed = frame(signals, fl, frame_step, pad_end=pad_end)
        if fft_length is None:
            fft_length = _enclosing_power_of_two(fl)
        if window_fn is not None:
            framed = multiply(framed, window_fn(fl, dtype=framed.dtype))
        return rfft(framed, [fft_length])


def inverse_stft_window_fn(frame_step: Any, forward_window_fn: Callable = hann_window,
                           name: Optional[str] = None) -> Callable:
    """A window function for `inverse_stft` that undoes `forward_window_fn`'s overlap gain
    (Griffin and Lim's equation 7), `tf.signal.inverse_stft_window_fn`."""
    def inverse_stft_window_fn_inner(frame_length: Any, dtype: Any) -> Tensor:
        with name_scope(name, "inverse_stft_window_fn", [frame_step, frame_length]):
            step = constant_value(_int_scalar(frame_step, "frame_step"))
            fl = constant_value(_int_scalar(frame_length, "frame_length"))
            if step is None or fl is None:
                raise ValueError("inverse_stft_window_fn: frame_step and frame_length must "
                                 "be Python ints or constants")
            step, fl = int(step), int(fl)
            forward = forward_window_fn(fl, dtype=dtype)
            denom = square(forward)
            overlaps = -(-fl // step)
            denom = pad(denom, [[0, overlaps * step - fl]])
            denom = reduce_sum(reshape(denom, [overlaps, step]), 0, keepdims=True)
            denom = reshape(tile(denom, [overlaps, 1]), [overlaps * step])
            return realdiv(forward, denom[:fl])
    return inverse_stft_window_fn_inner


def inverse_stft(stfts: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
                 window_fn: Optional[Callable] = hann_window,
                 name: Optional[str] = None) -> Tensor:
    """The inverse of `stft` up to the window's overlap gain (`tf.signal.inverse_stft`; use
    `window_fn=tf.signal.inverse_stft_window_fn(frame_step)` for perfect reconstruction)."""
    with name_scope(name, "inverse_stft", [stfts]):
        stfts = convert_to_tensor(stfts, name="stfts")
        fl = constant_value(_int_scalar(frame_length, "frame_length"))
        if fl is None:
            raise ValueError("inverse_stft: frame_length must be a Python int or a constant")
        fl = int(fl)
        if fft_length is None:
            fft_length = _enclosing_power_of_two(fl)
        frames = irfft(stfts, [fft_length])
        n = frames.shape.as_list()[-1]
        if n > fl:
            frames = frames[..., :fl]
        elif n < fl:
            frames = pad(frames, [[0, 0]] * (frames.shape.ndims - 1) + [[0, fl - n]])
        if window_fn is not None:
            frames = multiply(frames, window_fn(fl, dtype=stfts.dtype.real_dtype))
        return overlap_and_add(frames, frame_step)


# --- DCT ---------------------------------------------------------------------------------------
def _check_dct(input: Tensor, type: int, n: Any, axis: int, norm: Any) -> None:  # noqa: A002
    if type not in (1, 2, 3, 4):
        raise ValueError(f"Types I, II, III and IV (I)DCT are supported, got type {type}")
    if axis != -1:
        raise NotImplementedError("axis must be -1. Got: %s" % axis)
    if n is not None and n < 1:
        raise ValueError("n should be a positive integer or None")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    if type == 1 and norm == "ortho":
        raise ValueError("Normalization is not supported for the Type-I DCT.")


def dct(input: Any, type: int = 2, n: Optional[int] = None, axis: int = -1,  # noqa: A002
        norm: Optional[str] = None, name: Optional[str] = None) -> Tensor:
    """The discrete cosine transform of types I-IV over the last axis (`tf.signal.dct`),
    as `scipy.fftpack.dct`, computed through RFFTs.

    Args:
      input: A float32/float64 tensor `[..., samples]`.
      type: 1, 2, 3 or 4.
      n: Truncate or zero-pad the last axis to this length first.
      axis: Must be -1.
      norm: None or "ortho" (not for type 1).
      name: Name scope (default "dct").
    """
    _check_dct(input, type, n, axis, norm)
    with name_scope(name, "dct", [input]):
        x = convert_to_tensor(input, name="input")
        if x.dtype not in (dtypes.float32, dtypes.float64):
            raise ValueError(f"dct: input must be float32 or float64, got {x.dtype.name}")
        if x.shape.ndims is None or x.shape.as_list()[-1] is None:
            raise ValueError("dct: the last dimension must be known")
        size = x.shape.as_list()[-1]
        if n is not None:
            if n <= size:
                x = x[..., :n]
            else:
                x = pad(x, [[0, 0]] * (x.shape.ndims - 1) + [[0, n - size]])
            size = n
        return _dct(x, type, size, norm)


def _dct(x: Tensor, type: int, size: int, norm: Optional[str]) -> Tensor:  # noqa: A002
    dt = x.dtype
    c = lambda v: convert_to_tensor(v, dtype=dt)  # noqa: E731
    if type == 1:
        if size < 2:
            raise ValueError("The Type-I DCT requires at least 2 samples")
        ext = concat([x, reverse(x[..., 1:-1], [-1])], -1)
        return real(rfft(ext))
    if type == 2:
        k = np.arange(size)
        scale = (2.0 * np.exp(-1j * np.pi * k / (2.0 * size))).astype(
            np.complex64 if dt == dtypes.float32 else np.complex128)
        out = real(multiply(rfft(x, [2 * size])[..., :size], convert_to_tensor(scale)))
        if norm == "ortho":
            w = np.full(size, math.sqrt(2.0 / size) * 0.5)
            w[0] = 0.5 / math.sqrt(size)
            out = multiply(out, c(w))
        return out
    if type == 3:
        if norm == "ortho":
            w = np.full(size, math.sqrt(size) * math.sqrt(0.5))
            w[0] = math.sqrt(size)
            x = multiply(x, c(w))
        else:
            x = multiply(x, c(float(size)))
        k = np.arange(size)
        scale = (2.0 * np.exp(1j * np.pi * k / (2.0 * size))).astype(
            np.complex64 if dt == dtypes.float32 else np.complex128)
        z = multiply(convert_to_tensor(scale), _complex(x, zeros_like(x)))
        return irfft(z, [2 * size])[..., :size]
    # type 4: the odd outputs of a double-length type-2 DCT of the zero-padded input.
    padded = pad(x, [[0, 0]] * (x.shape.ndims - 1) + [[0, size]])
    out = _dct(padded, 2, 2 * size, None)[..., 1::2]
    if norm == "ortho":
        out = multiply(out, c(math.sqrt(0.5) / math.sqrt(size)))
    return out


def idct(input: Any, type: int = 2, n: Optional[int] = None, axis: int = -1,  # noqa: A002
         norm: Optional[str] = None, name: Optional[str] = None) -> Tensor:
    """The inverse DCT (`tf.signal.idct`), as `scipy.fftpack.idct`: the DCT of the inverse
    type (II <-> III; I and IV are their own), unnormalized unless `norm="ortho"`."""
    _check_dct(input, type, n, axis, norm)
    inverse_type = {1: 1, 2: 3, 3: 2, 4: 4}[type]
    return dct(input, type=inverse_type, n=n, axis=axis, norm=norm, name=name or "idct")


# --- mel filterbank, MFCCs ---------------------------------------------------------------------
def linear_to_mel_weight_matrix(num_mel_bins: int = 20, num_spectrogram_bins: int = 129,
                                sample_rate: Any = 8000, lower_edge_hertz: float = 125.0,
                                upper_edge_hertz: float = 3800.0, dtype: Any = dtypes.float32,
                                name: Optional[str] = None) -> Tensor:
    """The `[num_spectrogram_bins, num_mel_bins]` matrix mapping a linear-frequency
    spectrogram to mel bands (HTK's mel scale, triangular filters, DC bin excluded), as TF1's
    `tf.signal.linear_to_mel_weight_matrix`. All arguments are Python numbers: the matrix is
    computed once, in `dtype`, and added as a constant.

    Raises:
      ValueError: For non-positive bin counts or sample rate, or band edges outside
        [0, sample_rate / 2].
    """
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dtype}")
    if num_mel_bins <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {num_mel_bins}")
    if lower_edge_hertz < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lower_edge_hertz}")
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(f"lower_edge_hertz {lower_edge_hertz} >= upper_edge_hertz "
                         f"{upper_edge_hertz}")
    if isinstance(sample_rate, Tensor):
        sample_rate = constant_value(sample_rate)
        if sample_rate is None:
            raise ValueError("linear_to_mel_weight_matrix: sample_rate must be a Python number "
                             "or a constant")
    if float(sample_rate) <= 0.0:
        raise ValueError(f"sample_rate must be positive. Got: {sample_rate}")
    if upper_edge_hertz > float(sample_rate) / 2:
        raise ValueError(f"upper_edge_hertz must not be larger than the Nyquist frequency "
                         f"(sample_rate / 2). Got {upper_edge_hertz} for sample_rate: "
                         f"{sample_rate}")
    f = dtype.as_numpy_dtype

    def to_mel(hz):
        return f(1127.0) * np.log(f(1.0) + hz / f(700.0))

    nyquist = f(sample_rate) / f(2.0)
    linear = np.linspace(f(0.0), nyquist, num_spectrogram_bins, dtype=f)[1:]
    bins_mel = to_mel(linear)[:, None]
    edges = np.linspace(to_mel(f(lower_edge_hertz)), to_mel(f(upper_edge_hertz)),
                        num_mel_bins + 2, dtype=f)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(f(0.0), np.minimum(lower_slopes, upper_slopes))
    weights = np.pad(weights, [[1, 0], [0, 0]]).astype(f)
    return convert_to_tensor(weights, name=name or "linear_to_mel_weight_matrix")


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms: Any,
                                    name: Optional[str] = None) -> Tensor:
    """MFCCs from `[..., num_mel_bins]` log-magnitude mel spectrograms
    (`tf.signal.mfccs_from_log_mel_spectrograms`): an orthonormally scaled DCT-II, as TF1."""
    with name_scope(name, "mfccs_from_log_mel_spectrograms", [log_mel_spectrograms]):
        x = convert_to_tensor(log_mel_spectrograms, name="log_mel_spectrograms")
        bins = x.shape.as_list()[-1] if x.shape.ndims else None
        if bins == 0:
            raise ValueError(f"num_mel_bins must be positive. Got: {x}")
        dct2 = dct(x, type=2)
        return multiply(dct2, rsqrt(multiply(cast(shape(x)[-1], dct2.dtype),
                                             convert_to_tensor(2.0, dtype=dct2.dtype))))


# --- MDCT --------------------------------------------------------------------------------------
def mdct(signals: Any, frame_length: int, window_fn: Optional[Callable] = vorbis_window,
         pad_end: bool = False, norm: Optional[str] = None,
         name: Optional[str] = None) -> Tensor:
    """The modified DCT of frames of `frame_length` samples (a multiple of 4) with 50%
    overlap (`tf.signal.mdct`), through a type-IV DCT."""
    with name_scope(name, "mdct", [signals, frame_length]):
        signals = convert_to_tensor(signals, name="signals")
        fl = constant_value(_int_scalar(frame_length, "frame_length"))
        if fl is None or int(fl) % 4:
            raise ValueError(f"The frame length must be a multiple of 4, got {fl}")
        fl = int(fl)
        framed = frame(signals, fl, fl // 2, pad_end=pad_end)
        if window_fn is not None:
            framed = multiply(framed, window_fn(fl, dtype=framed.dtype))
        else:
            framed = multiply(framed, convert_to_tensor(1.0 / np.sqrt(2), dtype=framed.dtype))
        q = split(framed, 4, axis=-1)
        first = subtract(negative(reverse(q[2], [-1])), q[3])
        second = subtract(q[0], reverse(q[1], [-1]))
        return dct(concat([first, second], -1), type=4, norm=norm)


def inverse_mdct(mdcts: Any, window_fn: Optional[Callable] = vorbis_window,
                 norm: Optional[str] = None, name: Optional[str] = None) -> Tensor:
    """The inverse of `mdct` (`tf.signal.inverse_mdct`): type-IV DCTs, unfolding, windowing
    and overlap-add; with a power-complementary window it reconstructs the signal."""
    with name_scope(name, "inverse_mdct", [mdcts]):
        mdcts = convert_to_tensor(mdcts, name="mdcts")
        half = mdcts.shape.as_list()[-1] if mdcts.shape.ndims else None
        if half is None:
            raise ValueError("inverse_mdct: the last dimension must be known")
        fl = 2 * half
        if norm is None:
            out = multiply(dct(mdcts, type=4), convert_to_tensor(0.5 / half, dtype=mdcts.dtype))
        elif norm == "ortho":
            out = dct(mdcts, type=4, norm="ortho")
        else:
            raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
        h = split(out, 2, axis=-1)
        frames = concat([h[1], negative(reverse(h[1], [-1])), negative(reverse(h[0], [-1])),
                         negative(h[0])], -1)
        if window_fn is not None:
            frames = multiply(frames, window_fn(fl, dtype=mdcts.dtype))
        else:
            frames = multiply(frames, convert_to_tensor(1.0 / np.sqrt(2), dtype=mdcts.dtype))
        return overlap_and_add(frames, fl // 2)


# --- fftshift ----------------------------------------------------------------------------------
def _shift(x: Any, axes: Any, name: Optional[str], default: str, inverse: bool) -> Tensor:
    with name_scope(name, default, [x]):
        x = convert_to_tensor(x, name="x")
        rank = x.shape.ndims
        if rank is None:
            raise ValueError(f"{default}: the input's rank must be known")
        if axes is None:
            axes = list(range(rank))
        elif isinstance(axes, int):
            axes = [axes]
        for ax in axes:
            ax %= rank
            n = x.shape.as_list()[ax]
            if n is None:
                size = shape(x)[ax]
                half = floordiv(size, 2)
                shift = negative(half) if inverse else half
                idx = floormod(subtract(_range(size), shift), size)
            else:
                shift = -(n // 2) if inverse else n // 2
                idx = convert_to_tensor(((np.arange(n) - shift) % n).astype(np.int32))
            x = gather(x, idx, axis=ax)
        return x


def fftshift(x: Any, axes: Any = None, name: Optional[str] = None) -> Tensor:
    """Moves the zero-frequency term to the center (`tf.signal.fftshift`, as
    `numpy.fft.fftshift`), over `axes` (default: all)."""
    return _shift(x, axes, name, "fftshift", False)


def ifftshift(x: Any, axes: Any = None, name: Optional[str] = None) -> Tensor:
    """The inverse of `fftshift` (`tf.signal.ifftshift`)."""
    return _shift(x, axes, name, "ifftshift", True)
