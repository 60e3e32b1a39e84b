"""`tf.audio`: WAV decoding and encoding (re-exports of ops/audio_ops.py)."""
from .ops.audio_ops import decode_wav, encode_wav

__all__ = ["decode_wav", "encode_wav"]
