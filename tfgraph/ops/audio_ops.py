"""WAV audio ops (`tf.audio.decode_wav`, `tf.audio.encode_wav`, TF1's DecodeWav/EncodeWav) and
the 16-bit PCM WAV encoding `tf.summary.audio` stores.

TF1 reads and writes 16-bit little-endian PCM WAV only; samples are floats in [-1, 1]
(`int16 / 32768` when decoding, `roundf(x * 32768)` clamped to int16 when encoding, as TF's
wav_io.cc). The container is written and parsed with Python's `wave` module.
"""
from __future__ import annotations

import io
import wave
from typing import Any, Optional, Tuple

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor, name_scope
from ..framework.graph import Tensor
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec


def encode_wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """16-bit PCM WAV bytes of float `samples` [frames, channels] (TF's EncodeAudioAsS16LEWav).

    Raises:
      ValueError: If `sample_rate` is not positive or `samples` is not 2-D.
    """
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 2:
        raise ValueError(f"audio must be 2-D [frames, channels], got shape {samples.shape}")
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate}")
    # exact (a power of two); C's roundf rounds half away from zero (float64: +0.5 is exact)
    scaled = (samples * np.float32(32768.0)).astype(np.float64)
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
    pcm = np.clip(rounded, -32768, 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(max(samples.shape[1], 1))
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def decode_wav_bytes(contents: bytes) -> Tuple[np.ndarray, int]:
    """(float32 samples [frames, channels] in [-1, 1), sample rate) of 16-bit PCM WAV bytes.

    Raises:
      ValueError: If `contents` is not a 16-bit PCM WAV file.
    """
    try:
        with wave.open(io.BytesIO(contents), "rb") as w:
            if w.getsampwidth() != 2:
                raise ValueError(f"Can only read 16-bit WAV files, but received "
                                 f"{8 * w.getsampwidth()}")
            channels, rate = w.getnchannels(), w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    except (wave.Error, EOFError) as e:
        raise ValueError(f"Bad WAV file: {e}") from None
    return (pcm.reshape(-1, channels).astype(np.float32) / np.float32(32768.0)), rate


@register_op("DecodeWav")
class DecodeWav(OpDef):
    """(audio float32 [samples, channels], sample_rate int32) of a WAV string."""

    host_only = True

    def infer(self, contents, *, desired_channels=-1, desired_samples=-1):
        if contents.dtype != dtypes.string:
            raise TypeError(f"DecodeWav needs a string tensor, got {contents.dtype.name} "
                            f"({contents.name})")
        return [spec(dtypes.float32, [None if desired_samples < 0 else desired_samples,
                                      None if desired_channels < 0 else desired_channels]),
                spec(dtypes.int32, [])]

    def kernel(self, be, op, ctx):
        want_c = op.attrs.get("desired_channels", -1)
        want_n = op.attrs.get("desired_samples", -1)

        def run(contents):
            raw = be.to_host(contents)[()]
            try:
                audio, rate = decode_wav_bytes(raw if isinstance(raw, bytes) else bytes(raw))
            except ValueError as e:
                raise errors.InvalidArgumentError(None, op, f"{e}\n\t [[node {op.name}]]") \
                    from None
            if want_c > 0 and want_c != audio.shape[1]:  # TF: mono <-> n channels only
                if audio.shape[1] == 1:
                    audio = np.repeat(audio, want_c, axis=1)
                elif want_c == 1:
                    audio = audio[:, :1]
                else:
                    raise errors.InvalidArgumentError(
                        None, op, f"Can't convert {audio.shape[1]} channels to {want_c}"
                                  f"\n\t [[node {op.name}]]")
            if want_n >= 0:  # truncate or zero-pad to the wanted length
                out = np.zeros((want_n, audio.shape[1]), np.float32)
                n = min(want_n, audio.shape[0])
                out[:n] = audio[:n]
                audio = out
            return audio, np.array(rate, np.int32)
        return run


@register_op("EncodeWav")
class EncodeWav(OpDef):
    """A WAV string of float32 audio [samples, channels] at `sample_rate`."""

    host_only = True

    def infer(self, audio, sample_rate):
        if audio.dtype != dtypes.float32:
            raise TypeError(f"EncodeWav needs float32 audio, got {audio.dtype.name} "
                            f"({audio.name})")
        if audio.shape.ndims not in (None, 2):
            raise ValueError(f"audio must be 2-D [samples, channels], got {audio.shape} "
                             f"({audio.name})")
        return spec(dtypes.string, [])

    def kernel(self, be, op, ctx):
        def run(audio, sample_rate):
            a, rate = be.to_host(audio), int(be.to_host(sample_rate))
            try:
                data = encode_wav_bytes(a, rate)
            except ValueError as e:
                raise errors.InvalidArgumentError(None, op, f"{e}\n\t [[node {op.name}]]") \
                    from None
            out = np.empty((), dtype=object)
            out[()] = data
            return out
        return run


for _t in ("DecodeWav", "EncodeWav"):
    NotDifferentiable(_t)


def decode_wav(contents: Any, desired_channels: int = -1, desired_samples: int = -1,
               name: Optional[str] = None) -> Tuple[Tensor, Tensor]:
    """Decodes a 16-bit PCM WAV file (`tf.audio.decode_wav`).

    Args:
      contents: A scalar string tensor (the file's bytes).
      desired_channels: Channels wanted (-1: as in the file; mono converts to any count).
      desired_samples: Frames wanted (-1: all; more are zero-padded, fewer truncated).
      name: Op name (default "DecodeWav").

    Returns:
      `(audio, sample_rate)`: float32 [samples, channels] in [-1, 1) and an int32 scalar.

    Raises:
      tf.errors.InvalidArgumentError (at run time): If `contents` is not a 16-bit WAV file.
    """
    with name_scope(name, "DecodeWav", [contents]) as scope:
        c = convert_to_tensor(contents, dtype=dtypes.string, name="contents")
        op = c.graph.create_op("DecodeWav", [c], {"desired_channels": int(desired_channels),
                                                   "desired_samples": int(desired_samples)},
                               name=scope)
        return op.outputs[0], op.outputs[1]


def encode_wav(audio: Any, sample_rate: Any, name: Optional[str] = None) -> Tensor:
    """Encodes float32 audio [samples, channels] as a 16-bit PCM WAV file (`tf.audio.encode_wav`).

    Args:
      audio: Samples in [-1, 1] (clipped), shape [samples, channels].
      sample_rate: An int32 scalar, samples per second.
      name: Op name (default "EncodeWav").

    Returns:
      A scalar string tensor with the file's bytes.
    """
    with name_scope(name, "EncodeWav", [audio, sample_rate]) as scope:
        a = convert_to_tensor(audio, dtype=dtypes.float32, name="audio")
        r = convert_to_tensor(sample_rate, dtype=dtypes.int32, name="sample_rate")
        return a.graph.create_op("EncodeWav", [a, r], {}, name=scope).outputs[0]
