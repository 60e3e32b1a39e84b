"""`tf.signal`: TF1's signal-processing namespace (FFTs, windows, framing, STFT, ...) under its
names (re-exports only; see `_reexport.export`). Names tfgraph does not offer raise
`NotImplementedError` with advice (`_unsupported.TABLES["tf.signal"]`)."""
from ._reexport import export as _export

_NAMES = """dct fft fft2d fft3d fftnd fftshift frame hamming_window hann_window idct ifft ifft2d
ifft3d ifftnd ifftshift inverse_mdct inverse_stft inverse_stft_window_fn irfft irfft2d irfft3d
irfftnd kaiser_bessel_derived_window kaiser_window linear_to_mel_weight_matrix mdct
mfccs_from_log_mel_spectrograms overlap_and_add rfft rfft2d rfft3d rfftnd stft
vorbis_window""".split()

__all__ = _export(globals(), _NAMES, ("ops.fft_ops", "ops.signal_ops"))

from ._unsupported import refusing_getattr as _refusing_getattr  # noqa: E402

# tf.signal is not one of the namespaces of ../shared/tf1-api, so its refusals live here.
_REFUSED = {}
__getattr__ = _refusing_getattr("tf.signal", __name__, _REFUSED)
