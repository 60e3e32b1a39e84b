"""`tf.signal`: TF1's signal-processing namespace (FFTs, windows, framing, STFT, ...) under its
names (re-exports only; see `_reexport.export`); tfgraph offers all of TF1's names here."""
from ._reexport import export as _export

_NAMES = """dct fft fft2d fft3d fftnd fftshift frame hamming_window hann_window idct ifft ifft2d
ifft3d ifftnd ifftshift inverse_mdct inverse_stft inverse_stft_window_fn irfft irfft2d irfft3d
irfftnd kaiser_bessel_derived_window kaiser_window linear_to_mel_weight_matrix mdct
mfccs_from_log_mel_spectrograms overlap_and_add rfft rfft2d rfft3d rfftnd stft
vorbis_window""".split()

__all__ = _export(globals(), _NAMES, ("ops.fft_ops", "ops.signal_ops"))

