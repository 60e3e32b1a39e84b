"""`tf.audio` (DecodeWav/EncodeWav) and `tf.summary.audio`: 16-bit PCM WAV as TF1 writes it
(checked against Python's `wave` module and TF's rounding)."""
from __future__ import annotations

import io
import wave

import numpy as np
import pytest

import tfgraph as tf


def _wav(samples_i16: np.ndarray, rate: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(samples_i16.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples_i16.astype("<i2").tobytes())
    return buf.getvalue()


def test_encode_wav_rounds_half_away_and_clips():
    audio = np.array([[0.5 / 32768, -0.5 / 32768], [1.5, -1.5], [0.25, -0.25]], np.float32)
    out = tf.audio.encode_wav(audio, 8000)
    assert out.op.type == "EncodeWav" and out.dtype == tf.string
    data = tf.Session().run(out)
    with wave.open(io.BytesIO(data), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 8000)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2)
    np.testing.assert_array_equal(pcm, [[1, -1], [32767, -32768], [8192, -8192]])


def test_decode_wav_values_channels_and_length():
    pcm = np.array([[0], [16384], [-32768], [100]], np.int16)
    contents = tf.placeholder(tf.string, [])
    audio, rate = tf.audio.decode_wav(contents)
    stereo, _ = tf.audio.decode_wav(contents, desired_channels=2, desired_samples=6)
    assert audio.shape.as_list() == [None, None] and stereo.shape.as_list() == [6, 2]
    with tf.Session() as sess:
        a, r, s = sess.run([audio, rate, stereo], {contents: _wav(pcm, 22050)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="DecodeWav"):
            sess.run(audio, {contents: b"not a wav"})
    assert a.dtype == np.float32 and r == 22050
    np.testing.assert_array_equal(a[:, 0], pcm[:, 0] / 32768.0)
    np.testing.assert_array_equal(s[:4], np.repeat(pcm / 32768.0, 2, axis=1))
    np.testing.assert_array_equal(s[4:], 0)


def test_wav_round_trip():
    x = np.linspace(-1, 1, 64, dtype=np.float32).reshape(32, 2)
    audio, rate = tf.audio.decode_wav(tf.audio.encode_wav(x, 44100))
    a, r = tf.Session().run([audio, rate])
    assert r == 44100
    np.testing.assert_allclose(a, x, atol=1.0 / 32768)


def test_summary_audio_tags_and_wav_contents():
    clips = np.sin(np.arange(2 * 50 * 2) / 3.0).astype(np.float32).reshape(2, 50, 2) * 0.9
    x = tf.placeholder(tf.float32, [None, 50, 2])
    s = tf.summary.audio("snd", x, 8000.0)
    one = tf.summary.audio("one", x[:, :, 0], 16000, max_outputs=1)
    assert s.name == "snd:0" and s.op.type == "AudioSummaryV2"
    assert s in tf.get_collection(tf.GraphKeys.SUMMARIES)
    with tf.Session() as sess:
        pb, pb1 = (tf.Summary.FromString(v) for v in sess.run([s, one], {x: clips}))
    assert [v.tag for v in pb.value] == ["snd/audio/0", "snd/audio/1"]
    assert [v.tag for v in pb1.value] == ["one/audio"]
    au = pb.value[1].audio
    assert (au.sample_rate, au.num_channels, au.length_frames, au.content_type) == \
        (8000.0, 2, 50, "audio/wav")
    with wave.open(io.BytesIO(au.encoded_audio_string), "rb") as w:
        pcm = np.frombuffer(w.readframes(50), "<i2").reshape(50, 2)
    np.testing.assert_array_equal(pcm, np.round(clips[1] * 32768).astype(np.int16))
    assert pb1.value[0].audio.num_channels == 1
    with pytest.raises(ValueError, match="3-D or 2-D"):
        tf.summary.audio("bad", tf.zeros([2]), 8000)
