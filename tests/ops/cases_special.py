"""Finite-difference gradient cases for `ops/special_math_ops.py` and `ops/complex_ops.py`."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case


def _c(v):
    return tf.constant(np.asarray(v, dtype=np.float64))


def _pos(low=0.5, high=2.0, shape=(2, 3), **kw):
    return dict(shapes=[shape], low=low, high=high, **kw)


CASES = {
    "Erf": [Case(lambda x: tf.erf(x), [(2, 3)], second_order=True)],
    "Erfc": [Case(lambda x: tf.erfc(x), [(2, 3)])],
    "Erfinv": [Case(lambda x: tf.math.erfinv(x), [(2, 3)], low=-0.8, high=0.8)],
    "Ndtri": [Case(lambda x: tf.math.ndtri(x), [(2, 3)], low=0.1, high=0.9),
              Case(lambda x: tf.math.erfcinv(x), [(2, 3)], low=0.2, high=1.8, label="erfcinv")],
    "Lgamma": [Case(lambda x: tf.lgamma(x), **_pos(0.5, 3.0), second_order=True),
               Case(lambda x: tf.lbeta(x), **_pos(0.5, 3.0), label="lbeta")],
    "Digamma": [Case(lambda x: tf.digamma(x), **_pos(0.5, 3.0), second_order=True)],
    "Polygamma": [Case(lambda x: tf.polygamma(_c([0.0, 1.0, 2.0]), x), **_pos(0.5, 3.0))],
    "Zeta": [Case(lambda q: tf.zeta(_c(3.0), q), **_pos(0.5, 3.0)),
             Case(lambda q: tf.zeta(_c([[2.5], [4.0]]), q), [(3,)], low=0.5, high=3.0,
                  label="broadcast")],
    "Igamma": [Case(lambda a, x: tf.igamma(a, x), [(2, 3), (2, 3)], low=0.5, high=3.0),
               Case(lambda a, x: tf.igamma(a, x), [(2, 3), (3,)], low=0.5, high=3.0,
                    label="broadcast")],
    "Igammac": [Case(lambda a, x: tf.igammac(a, x), [(2, 3), (2, 3)], low=0.5, high=3.0)],
    "Betainc": [Case(lambda x: tf.betainc(_c([[0.5, 1.0, 2.0], [3.0, 1.5, 0.8]]),
                                          _c([[1.0, 2.0, 0.7], [0.9, 4.0, 1.2]]), x),
                     [(2, 3)], low=0.1, high=0.9),
                Case(lambda x: tf.betainc(_c([0.5, 1.0, 2.0]), _c(1.5), x), [()], low=0.1,
                     high=0.9, label="scalar-x")],
    "BesselI0": [Case(lambda x: tf.math.bessel_i0(x), [(2, 3)], low=-2.0, high=2.0)],
    "BesselI0e": [Case(lambda x: tf.math.bessel_i0e(x), [(2, 3)], low=-2.0, high=2.0)],
    "BesselI1": [Case(lambda x: tf.math.bessel_i1(x), [(2, 3)], low=-2.0, high=2.0)],
    "BesselI1e": [Case(lambda x: tf.math.bessel_i1e(x), [(2, 3)], low=-2.0, high=2.0)],
    "BesselJ0": [Case(lambda x: tf.math.special.bessel_j0(x), **_pos(0.5, 3.0))],
    "BesselJ1": [Case(lambda x: tf.math.special.bessel_j1(x), **_pos(0.5, 3.0))],
    "BesselY0": [Case(lambda x: tf.math.special.bessel_y0(x), **_pos(0.5, 3.0))],
    "BesselY1": [Case(lambda x: tf.math.special.bessel_y1(x), **_pos(0.5, 3.0))],
    "BesselK0": [Case(lambda x: tf.math.special.bessel_k0(x), **_pos(0.5, 3.0))],
    "BesselK0e": [Case(lambda x: tf.math.special.bessel_k0e(x), **_pos(0.5, 3.0))],
    "BesselK1": [Case(lambda x: tf.math.special.bessel_k1(x), **_pos(0.5, 3.0))],
    "BesselK1e": [Case(lambda x: tf.math.special.bessel_k1e(x), **_pos(0.5, 3.0))],
    "Dawsn": [Case(lambda x: tf.math.special.dawsn(x), [(2, 3)], low=-2.0, high=2.0)],
    "Expint": [Case(lambda x: tf.math.special.expint(x), **_pos(0.5, 2.0))],
    "FresnelCos": [Case(lambda x: tf.math.special.fresnel_cos(x), [(2, 3)], low=-1.5, high=1.5)],
    "FresnelSin": [Case(lambda x: tf.math.special.fresnel_sin(x), [(2, 3)], low=-1.5, high=1.5)],
    "Spence": [Case(lambda x: tf.math.special.spence(x), **_pos(0.2, 3.0))],
    # complex_ops: real inputs, real outputs, complex values in between.
    "Complex": [Case(lambda a, b: [tf.real(tf.complex(a, b)), tf.imag(tf.complex(a, b))],
                     [(2, 3), (3,)], label="broadcast")],
    "Real": [Case(lambda a, b: tf.real(tf.complex(a, b)), [(2, 3), (2, 3)])],
    "Imag": [Case(lambda a, b: tf.imag(tf.complex(a, b)), [(2, 3), (2, 3)])],
    "Conj": [Case(lambda a, b: [tf.real(tf.conj(tf.complex(a, b))),
                                tf.imag(tf.conj(tf.complex(a, b)))], [(2, 3), (2, 3)])],
    "Angle": [Case(lambda a, b: tf.angle(tf.complex(a, b)), [(2, 3), (2, 3)], low=0.2, high=1.5)],
    "ComplexAbs": [Case(lambda a, b: tf.abs(tf.complex(a, b)), [(2, 3), (2, 3)], low=0.2,
                        high=1.5)],
}

# math_rest_ops
CASES["CumulativeLogsumexp"] = [
    Case(lambda x: tf.math.cumulative_logsumexp(x, axis=1), [(2, 4)], low=-2.0, high=2.0),
    # exclusive + reverse: the last row is -inf (an empty sum); check the others.
    Case(lambda x: tf.math.cumulative_logsumexp(x, axis=0, exclusive=True, reverse=True)[:-1],
         [(3, 2)], low=-2.0, high=2.0, label="exclusive-reverse"),
]


# fft_ops: real inputs and outputs, complex values in between.
def _cplx(fn):
    def build(a, b):
        z = fn(tf.complex(a, b))
        return [tf.real(z), tf.imag(z)] if z.dtype.is_complex else z
    return build


def _parts(fn):
    def build(x):
        z = fn(x)
        return [tf.real(z), tf.imag(z)]
    return build


for _name, _fn, _shape in (("FFT", tf.fft, (2, 4)), ("IFFT", tf.ifft, (2, 4)),
                           ("FFT2D", tf.fft2d, (2, 3, 4)), ("IFFT2D", tf.ifft2d, (2, 3, 4)),
                           ("FFT3D", tf.fft3d, (2, 2, 3)), ("IFFT3D", tf.ifft3d, (2, 2, 3))):
    CASES[_name] = [Case(_cplx(_fn), [_shape, _shape])]
CASES["FFT"].append(Case(_cplx(tf.fft), [(2, 4), (2, 4)], dynamic=True, label="dynamic"))
CASES["RFFT"] = [
    Case(_parts(tf.signal.rfft), [(2, 6)]),
    Case(_parts(lambda x: tf.signal.rfft(x, fft_length=[9])), [(2, 6)], label="pad"),
    Case(_parts(lambda x: tf.signal.rfft(x, fft_length=[4])), [(2, 6)], label="crop"),
    Case(_parts(lambda x: tf.signal.rfft(x, fft_length=[5])), [(2, 6)], dynamic=True,
         label="dynamic"),
]
CASES["IRFFT"] = [
    Case(_cplx(tf.signal.irfft), [(2, 4), (2, 4)]),
    Case(_cplx(lambda z: tf.signal.irfft(z, fft_length=[7])), [(2, 4), (2, 4)], label="odd"),
    Case(_cplx(lambda z: tf.signal.irfft(z, fft_length=[4])), [(2, 5), (2, 5)], label="crop"),
    Case(_cplx(lambda z: tf.signal.irfft(z, fft_length=[5])), [(2, 4), (2, 4)], dynamic=True,
         label="dynamic"),
]
CASES["RFFT2D"] = [Case(_parts(tf.signal.rfft2d), [(2, 3, 4)]),
                   Case(_parts(lambda x: tf.signal.rfft2d(x, fft_length=[4, 3])), [(3, 4)],
                        label="pad-crop")]
CASES["IRFFT2D"] = [Case(_cplx(tf.signal.irfft2d), [(2, 3, 3), (2, 3, 3)]),
                    Case(_cplx(lambda z: tf.signal.irfft2d(z, fft_length=[2, 5])),
                         [(3, 3), (3, 3)], label="crop-odd")]
CASES["RFFT3D"] = [Case(_parts(tf.signal.rfft3d), [(2, 2, 4)])]
CASES["IRFFT3D"] = [Case(_cplx(tf.signal.irfft3d), [(2, 2, 3), (2, 2, 3)])]


# linalg_decomp_ops: sign-invariant functions of the singular/eigen vectors.
def _svd_parts(full=False):
    def build(a):
        s, u, v = tf.svd(a, full_matrices=full)
        p = min(a.shape.as_list()[-2:])
        return [s, tf.matmul(u[..., :, :p], v[..., :, :p], transpose_b=True), tf.square(u),
                tf.square(v)]
    return build


def _eig_parts(a):
    e, v = tf.self_adjoint_eig(a)
    return [e, tf.square(v), tf.matmul(v * v[..., :1, :], v, transpose_b=True)]


def _spd(x):
    n = x.shape.as_list()[-1]
    return tf.matmul(x, x, transpose_b=True) + tf.constant(np.eye(n) * n)


CASES["Svd"] = [
    Case(_svd_parts(), [(3, 3)]), Case(_svd_parts(), [(4, 3)], label="tall"),
    Case(_svd_parts(), [(3, 4)], label="wide"), Case(_svd_parts(), [(2, 3, 2)], label="batch"),
    Case(_svd_parts(full=True), [(3, 4)], label="full"),
    Case(_svd_parts(full=True), [(4, 3)], label="full-tall"),
    Case(lambda a: tf.svd(a, compute_uv=False), [(3, 4)], label="values-only"),
]
CASES["Qr"] = [
    Case(lambda a: list(tf.qr(a)), [(3, 3)]), Case(lambda a: list(tf.qr(a)), [(4, 3)],
                                                  label="deep"),
    Case(lambda a: list(tf.qr(a)), [(3, 5)], label="wide"),
    Case(lambda a: list(tf.linalg.qr(a)), [(2, 3, 3)], label="batch"),
]
CASES["SelfAdjointEigV2"] = [
    Case(_eig_parts, [(3, 3)]), Case(_eig_parts, [(2, 4, 4)], label="batch"),
    Case(lambda a: tf.self_adjoint_eigvals(a), [(3, 3)], label="values-only"),
]
CASES["MatrixSquareRoot"] = [
    Case(lambda x: tf.matrix_square_root(_spd(x)), [(3, 3)]),
    Case(lambda x: tf.linalg.sqrtm(x + tf.constant(np.eye(3) * 2.0)), [(2, 3, 3)],
         low=-0.4, high=0.4, label="non-symmetric-batch"),
]


# linalg_extra_ops
CASES["MatrixExponential"] = [
    Case(lambda a: tf.linalg.expm(a), [(3, 3)], second_order=True),
    Case(lambda a: tf.linalg.expm(a), [(2, 2, 2)], low=-2.0, high=2.0, label="batch"),
]
CASES["Lu"] = [
    Case(lambda a: tf.linalg.lu(a).lu, [(3, 3)]),
    Case(lambda a: tf.linalg.lu_solve(*tf.linalg.lu(a), tf.constant(np.ones((2, 3, 1)))),
         [(2, 3, 3)], label="batch-solve"),
]


# Complex gradients of holomorphic math ops (TF1 multiplies by the conjugate derivative).
def _holo(fn, n=1):
    def build(*parts):
        zs = [tf.complex(parts[2 * i], parts[2 * i + 1]) for i in range(n)]
        w = fn(*zs)
        return [tf.real(w), tf.imag(w)]
    return build


for _name, _fn, _n, _lo in (("Mul", lambda z, w: z * w, 2, -1.0),
                            ("RealDiv", lambda z, w: z / w, 2, 0.5),
                            ("Square", tf.square, 1, -1.0), ("Exp", tf.exp, 1, -1.0),
                            ("Expm1", tf.math.expm1, 1, -1.0), ("Log", tf.log, 1, 0.5),
                            ("Log1p", tf.math.log1p, 1, 0.5), ("Sqrt", tf.sqrt, 1, 0.5),
                            ("Reciprocal", tf.reciprocal, 1, 0.5), ("Sin", tf.sin, 1, -1.0),
                            ("Cos", tf.cos, 1, -1.0),
                            ("MatMul", lambda z, w: tf.matmul(z, w, transpose_b=True), 2, -1.0)):
    CASES.setdefault(_name, []).append(
        Case(_holo(_fn, _n), [(2, 2)] * (2 * _n), low=_lo, high=1.5, label="complex"))
