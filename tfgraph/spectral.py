"""`tf.spectral`: TF1's older name for the FFT part of `tf.signal` (re-exports only)."""
from ._reexport import export as _export

_NAMES = """dct fft fft2d fft3d idct ifft ifft2d ifft3d irfft irfft2d irfft3d rfft rfft2d
rfft3d""".split()

__all__ = _export(globals(), _NAMES, ("ops.fft_ops", "ops.signal_ops"))
