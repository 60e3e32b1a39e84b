"""`tf.math.special`: TF1's namespace of special functions (Bessel functions, Dawson's and
Fresnel integrals, the exponential integral, Spence's function); re-exports only."""
from ._reexport import export as _export

_NAMES = """bessel_i0 bessel_i0e bessel_i1 bessel_i1e bessel_j0 bessel_j1 bessel_k0 bessel_k0e
bessel_k1 bessel_k1e bessel_y0 bessel_y1 dawsn expint fresnel_cos fresnel_sin spence""".split()

__all__ = _export(globals(), _NAMES, ("ops.special_math_ops",))
