"""Fast Fourier transforms: TF1's spectral ops (`tf.fft`, `tf.signal.rfft2d`, ...).

- `FFT`/`IFFT`, `FFT2D`/`IFFT2D`, `FFT3D`/`IFFT3D`: complex -> complex over the innermost 1, 2
  or 3 dimensions.
- `RFFT*`: float32/float64 -> complex64/complex128 with an `fft_length` input (the input is
  cropped or zero-padded to it; the innermost output dimension is `fft_length[-1] // 2 + 1`).
  `IRFFT*`: the inverse, complex -> real, output inner dimensions `fft_length`.
- `FFTND`/`IFFTND`/`RFFTND`/`IRFFTND`: over the `axes` input, with `fft_length` per axis.

Kernels are `xp.fft` (NumPy's pocketfft, cuFFT through CuPy). Gradients are TF1's
(`spectral_grad.py`): the FFT's is `size * ifft(grad)`, the IFFT's `fft(grad) / size`; the
RFFT's is the adjoint of "pad/crop, FFT, keep half the spectrum" (the real part of
`size * ifft` of the zero-extended gradient), the IRFFT's TF1's `rfft(grad) * mask / size`;
both then crop or zero-pad back to the input's inner dimensions. TF1 has no gradient for the
N-d ops, nor does tfgraph.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.ops import convert_to_tensor, graph_of, name_scope
from ..framework.registry import OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from ..framework.tensor_util import constant_value
from ._helpers import COMPLEX, check_dtype, host_ints
from .array_ops import concat, ones, pad, shape, slice as _slice, stack, zeros_like
from .math_ops import cast, maximum, minimum, multiply, realdiv, reduce_prod, subtract
from .complex_ops import complex as _complex, real

_F32_64 = frozenset({dtypes.float32, dtypes.float64})
_COMPLEX_OF = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}


def _rank_check(op_type: str, x: Tensor, k: int) -> None:
    n = x.shape.ndims
    if n is not None and n < k:
        raise ValueError(f"{op_type}: Shape must be at least rank {k} but is rank {n}")


# --- complex -> complex ---------------------------------------------------------------------
class _FFTBase(OpDef):
    """A complex FFT (or inverse) over the innermost `rank` dimensions."""

    fresh_outputs = True
    rank = 1
    inverse = False

    def infer(self, input):  # noqa: A002
        check_dtype(input, COMPLEX, "input")
        _rank_check(type(self).__name__, input, self.rank)
        return spec(input.dtype, input.shape)

    def kernel(self, be, op, ctx):
        xp = be.xp
        f = xp.fft.ifftn if self.inverse else xp.fft.fftn
        axes = tuple(range(-self.rank, 0))
        out_dtype = op.outputs[0].dtype.as_numpy_dtype

        def fft(x):
            if x.size == 0:
                return xp.zeros(x.shape, out_dtype)
            return f(x, axes=axes).astype(out_dtype, copy=False)
        return fft

    def gradient(self, op, grad):
        size = cast(_inner_size(grad, self.rank), grad.dtype)
        if self.inverse:
            # TF1: fft(grad) / size
            return [realdiv(_FORWARD[self.rank](grad), size)]
        return [multiply(_INVERSE[self.rank](grad), size)]


def _inner_size(t: Tensor, k: int) -> Any:
    """The product of the innermost `k` dimensions (a Python int when static)."""
    dims = t.shape.as_list()[-k:] if t.shape.ndims is not None else [None]
    if all(d is not None for d in dims):
        return convert_to_tensor(int(np.prod(dims)), dtype=dtypes.int32)
    return reduce_prod(shape(t)[-k:])


def _declare_fft(type_name: str, rank: int, inverse: bool) -> type:
    cls = type(type_name, (_FFTBase,), {"rank": rank, "inverse": inverse, "__module__": __name__,
                                        "__doc__": f"{'Inverse c' if inverse else 'C'}omplex "
                                                   f"{rank}-D FFT over the innermost {rank} "
                                                   f"dimension(s)."})
    return register_op(type_name)(cls)


for _k, _suffix in ((1, ""), (2, "2D"), (3, "3D")):
    _declare_fft(f"FFT{_suffix}", _k, False)
    _declare_fft(f"IFFT{_suffix}", _k, True)


def _fft_builder(type_name: str, tf_name: str):
    def build(input: Any, name: Optional[str] = None) -> Tensor:  # noqa: A002
        graph = graph_of([input])
        with graph.as_default(), graph.name_scope(name or type_name) as scope:
            x = convert_to_tensor(input, name="input")
            return graph.create_op(type_name, [x], name=scope).outputs[0]
    build.__name__ = build.__qualname__ = tf_name
    build.__doc__ = (f"The {type_name} of a complex64/complex128 tensor over its innermost "
                     f"dimension(s) (`tf.signal.{tf_name}`, `tf.{tf_name}`, op "
                     f"\"{type_name}\").\n\n    Args:\n      input: A complex tensor.\n      "
                     f"name: Op name (default \"{type_name}\").\n")
    return build


fft = _fft_builder("FFT", "fft")
ifft = _fft_builder("IFFT", "ifft")
fft2d = _fft_builder("FFT2D", "fft2d")
ifft2d = _fft_builder("IFFT2D", "ifft2d")
fft3d = _fft_builder("FFT3D", "fft3d")
ifft3d = _fft_builder("IFFT3D", "ifft3d")
_FORWARD = {1: fft, 2: fft2d, 3: fft3d}
_INVERSE = {1: ifft, 2: ifft2d, 3: ifft3d}


# --- real <-> complex -----------------------------------------------------------------------
def _inner_dims(fft_length: Tensor, k: int, half: bool):
    v = constant_value(fft_length)
    if v is None:
        return [None] * k
    dims = [int(d) for d in np.asarray(v).reshape(-1)]
    if len(dims) != k:
        raise ValueError(f"fft_length must have {k} element(s), got {dims}")
    if half:
        dims[-1] = dims[-1] // 2 + 1
    return dims


def _replace_inner(x: Tensor, dims) -> TensorShape:
    if x.shape.ndims is None:
        return TensorShape(None)
    return TensorShape(x.shape.as_list()[:-len(dims)] + list(dims))


class _RFFTBase(OpDef):
    """A real-to-complex (or complex-to-real) FFT over the innermost `rank` dimensions."""

    fresh_outputs = True
    host_inputs = (1,)
    rank = 1
    inverse = False

    def infer(self, input, fft_length, *, Tcomplex=None, Treal=None):  # noqa: A002,N803
        name = type(self).__name__
        check_dtype(fft_length, (dtypes.int32,), "fft_length")
        if self.inverse:
            check_dtype(input, COMPLEX, "input")
            out = input.dtype.real_dtype
        else:
            check_dtype(input, _F32_64, "input")
            out = _COMPLEX_OF[input.dtype]
        _rank_check(name, input, self.rank)
        dims = _inner_dims(fft_length, self.rank, half=not self.inverse)
        return spec(out, _replace_inner(input, dims))

    def kernel(self, be, op, ctx):
        xp = be.xp
        f = xp.fft.irfftn if self.inverse else xp.fft.rfftn
        axes = tuple(range(-self.rank, 0))
        out_dtype = op.outputs[0].dtype.as_numpy_dtype

        def rfft(x, fft_length):
            s = host_ints(be, fft_length)
            if any(d < 0 for d in s):
                raise ValueError(f"fft_length must be non-negative, got {list(s)}")
            if x.size == 0 or 0 in s:
                dims = list(s)
                if not self.inverse:
                    dims[-1] = dims[-1] // 2 + 1
                return xp.zeros(x.shape[:-self.rank] + tuple(dims), out_dtype)
            return f(x, s=s, axes=axes).astype(out_dtype, copy=False)
        return rfft

    def gradient(self, op, grad):
        x, fft_length = op.inputs
        k = self.rank
        if self.inverse:
            return [_irfft_grad(x, fft_length, grad, k), None]
        return [_rfft_grad(x, fft_length, grad, k), None]


def _declare_rfft(type_name: str, rank: int, inverse: bool) -> type:
    cls = type(type_name, (_RFFTBase,), {
        "rank": rank, "inverse": inverse, "__module__": __name__,
        "__doc__": (f"{'Inverse real' if inverse else 'Real'} {rank}-D FFT over the innermost "
                    f"{rank} dimension(s), with fft_length.")})
    return register_op(type_name)(cls)


for _k, _suffix in ((1, ""), (2, "2D"), (3, "3D")):
    _declare_rfft(f"RFFT{_suffix}", _k, False)
    _declare_rfft(f"IRFFT{_suffix}", _k, True)


def _fit_inner(t: Tensor, like: Tensor, k: int) -> Tensor:
    """`t` cropped or zero-padded on its innermost `k` dimensions to those of `like` (the
    adjoint of the padding/cropping an R/IRFFT kernel applies to its input)."""
    ts, ls = t.shape, like.shape
    if ts.ndims is not None and ls.ndims is not None:
        a, b = ts.as_list()[-k:], ls.as_list()[-k:]
        if all(d is not None for d in a + b):
            if a == b:
                return t
            n = ts.ndims
            if any(p > q for p, q in zip(a, b)):
                t = _slice(t, [0] * n, [-1] * (n - k) + [min(p, q) for p, q in zip(a, b)])
            if any(p < q for p, q in zip(a, b)):
                t = pad(t, [[0, 0]] * (n - k) + [[0, max(q - p, 0)] for p, q in zip(a, b)])
            return t
    st, sl = shape(t), shape(like)
    cur, tgt = st[-k:], sl[-k:]
    outer = st[:-k]
    t = _slice(t, zeros_like(st), concat([outer, minimum(cur, tgt)], 0))
    after = concat([zeros_like(outer), maximum(subtract(tgt, cur), 0)], 0)
    return pad(t, stack([zeros_like(after), after], axis=1))


def _rfft_grad(x: Tensor, fft_length: Tensor, grad: Tensor, k: int) -> Tensor:
    """The adjoint of RFFT applied to `grad`: real(size * ifft(zero-extended grad))."""
    n = constant_value(fft_length)
    if n is not None:
        n = [int(v) for v in np.asarray(n).reshape(-1)]
        extend = n[-1] - (n[-1] // 2 + 1)
        rank = grad.shape.ndims
        g = grad if extend == 0 else pad(grad, [[0, 0]] * (rank - 1) + [[0, extend]]) \
            if rank is not None else _pad_last_dynamic(grad, extend)
        size = convert_to_tensor(int(np.prod(n)), dtype=grad.dtype)
    else:
        extend = subtract(fft_length[-1], _plus_one(fft_length[-1] // 2))
        g = _pad_last_dynamic(grad, extend)
        size = cast(reduce_prod(fft_length), grad.dtype)
    full = multiply(_INVERSE[k](g), size)
    return _fit_inner(real(full), x, k)


def _plus_one(t: Tensor) -> Tensor:
    return t + 1


def _pad_last_dynamic(t: Tensor, extend: Any) -> Tensor:
    st = shape(t)
    zeros = zeros_like(st)
    after = concat([zeros[:-1], stack([extend])], 0)
    return pad(t, stack([zeros, after], axis=1))


def _irfft_grad(x: Tensor, fft_length: Tensor, grad: Tensor, k: int) -> Tensor:
    """TF1's IRFFT gradient: rfft(grad) * mask / size, the mask doubling the bins that
    stand for two (conjugate) bins of the full spectrum; then fit to the input's shape."""
    real_dtype = grad.dtype
    complex_dtype = _COMPLEX_OF[real_dtype]
    the_rfft = _RFFT_BUILDERS[k](grad, fft_length)
    n = constant_value(fft_length)
    if n is not None:
        n = [int(v) for v in np.asarray(n).reshape(-1)]
        m = n[-1] // 2 + 1
        mask = np.full(m, 2.0)
        mask[0] = 1.0
        if n[-1] % 2 == 0:
            mask[-1] = 1.0
        scale = convert_to_tensor((mask / max(int(np.prod(n)), 1)).astype(
            complex_dtype.as_numpy_dtype))
    else:
        last = fft_length[-1]
        is_odd = last % 2
        m = last // 2 + 1
        twos = _ones_vector(subtract(m, _plus_one(subtract(1, is_odd))), real_dtype) * 2.0
        mask = concat([convert_to_tensor([1.0], dtype=real_dtype), twos,
                       _ones_vector(subtract(1, is_odd), real_dtype)], 0)
        size = cast(reduce_prod(fft_length), real_dtype)
        scale = _complex(realdiv(mask, size), zeros_like(mask))
    return _fit_inner(multiply(the_rfft, scale), x, k)


def _ones_vector(n: Tensor, dtype: dtypes.DType) -> Tensor:
    return ones(stack([n]), dtype=dtype)


def _rfft_builder(type_name: str, tf_name: str, k: int, inverse: bool):
    def build(input_tensor: Any, fft_length: Any = None, name: Optional[str] = None) -> Tensor:
        graph = graph_of([input_tensor, fft_length])
        with graph.as_default(), name_scope(name, tf_name, [input_tensor, fft_length]) as scope:
            x = convert_to_tensor(input_tensor, dtype_hint=dtypes.complex64 if inverse
                                  else dtypes.float32)
            if inverse and x.dtype not in COMPLEX:
                raise ValueError(f"IRFFT requires tf.complex64 or tf.complex128 inputs, got: "
                                 f"{x}")
            if not inverse and x.dtype not in _F32_64:
                raise ValueError(f"RFFT requires tf.float32 or tf.float64 inputs, got: {x}")
            _rank_check(type_name, x, k)
            if fft_length is None:
                fft_length = _infer_fft_length(x, k, inverse)
            else:
                fft_length = convert_to_tensor(fft_length, dtype=dtypes.int32,
                                               name="fft_length")
            attrs = ({"Treal": x.dtype.real_dtype} if inverse
                     else {"Tcomplex": _COMPLEX_OF[x.dtype]})
            return graph.create_op(type_name, [x, fft_length], attrs, name=scope).outputs[0]
    build.__name__ = build.__qualname__ = tf_name
    what = ("complex64/complex128 half-spectrum -> float32/float64 signal" if inverse
            else "float32/float64 signal -> complex64/complex128 half-spectrum")
    build.__doc__ = (
        f"The {k}-D {'inverse ' if inverse else ''}real FFT ({what}) over the innermost {k} "
        f"dimension(s) (`tf.signal.{tf_name}`, op \"{type_name}\").\n\n    Args:\n"
        f"      input_tensor: The input.\n      fft_length: {k} int32 value(s): the FFT "
        f"length per dimension (default: the {'signal' if not inverse else 'spectrum'}'s "
        f"inner dimensions{', the last as 2 * (n - 1)' if inverse else ''}); the input is "
        f"cropped or zero-padded to it.\n      name: Name scope (default \"{tf_name}\").\n")
    return build


def _infer_fft_length(x: Tensor, k: int, inverse: bool) -> Tensor:
    dims = x.shape.as_list()[-k:] if x.shape.ndims is not None else [None] * k
    if all(d is not None for d in dims):
        if inverse:
            dims[-1] = max(0, 2 * (dims[-1] - 1))
        return convert_to_tensor(np.array(dims, np.int32), name="fft_length")
    inner = shape(x)[-k:]
    if not inverse:
        return inner
    last = maximum(multiply(subtract(inner[-1], 1), 2), 0)
    return concat([inner[:-1], stack([last])], 0)


rfft = _rfft_builder("RFFT", "rfft", 1, False)
irfft = _rfft_builder("IRFFT", "irfft", 1, True)
rfft2d = _rfft_builder("RFFT2D", "rfft2d", 2, False)
irfft2d = _rfft_builder("IRFFT2D", "irfft2d", 2, True)
rfft3d = _rfft_builder("RFFT3D", "rfft3d", 3, False)
irfft3d = _rfft_builder("IRFFT3D", "irfft3d", 3, True)
_RFFT_BUILDERS = {1: rfft, 2: rfft2d, 3: rfft3d}


# --- N-d transforms over `axes` -------------------------------------------------------------
class _FFTNDBase(OpDef):
    """An N-d FFT over the `axes` input, each axis cropped or zero-padded to `fft_length`."""

    fresh_outputs = True
    host_inputs = (1, 2)
    kind = "fftn"

    def infer(self, input, fft_length, axes, *, Tcomplex=None, Treal=None):  # noqa: A002,N803
        check_dtype(fft_length, (dtypes.int32,), "fft_length")
        check_dtype(axes, (dtypes.int32,), "axes")
        if self.kind == "rfftn":
            check_dtype(input, _F32_64, "input")
            out = _COMPLEX_OF[input.dtype]
        else:
            check_dtype(input, COMPLEX, "input")
            out = input.dtype.real_dtype if self.kind == "irfftn" else input.dtype
        lengths, ax = constant_value(fft_length), constant_value(axes)
        n = input.shape.ndims
        if lengths is None or ax is None or n is None:
            return spec(out, TensorShape(None) if n is None else TensorShape([None] * n))
        lengths = [int(v) for v in np.asarray(lengths).reshape(-1)]
        ax = [int(v) for v in np.asarray(ax).reshape(-1)]
        if len(lengths) != len(ax):
            raise ValueError(f"{type(self).__name__}: fft_length ({lengths}) and axes ({ax}) "
                             "must have the same length")
        if any(not -n <= a < n for a in ax):
            raise ValueError(f"{type(self).__name__}: axes {ax} out of range for rank {n}")
        dims = input.shape.as_list()
        for a, d in zip(ax, lengths):
            dims[a % n] = d
        if self.kind == "rfftn" and ax:
            dims[ax[-1] % n] = lengths[-1] // 2 + 1
        return spec(out, TensorShape(dims))

    def kernel(self, be, op, ctx):
        xp = be.xp
        f = getattr(xp.fft, self.kind)
        out_dtype = op.outputs[0].dtype.as_numpy_dtype

        def fftnd(x, fft_length, axes):
            s, ax = host_ints(be, fft_length), host_ints(be, axes)
            if not ax:
                return x.astype(out_dtype)
            return f(x, s=s, axes=ax).astype(out_dtype, copy=False)
        return fftnd


for _name, _kind in (("FFTND", "fftn"), ("IFFTND", "ifftn"), ("RFFTND", "rfftn"),
                     ("IRFFTND", "irfftn")):
    register_op(_name)(type(_name, (_FFTNDBase,), {
        "kind": _kind, "__module__": __name__,
        "__doc__": f"numpy.fft.{_kind} over the `axes` input (no gradient, as in TF1)."}))


def _ndim_builder(type_name: str, tf_name: str, kind: str):
    def build(input_tensor: Any, fft_length: Any = None, axes: Any = None, norm: Any = None,
              name: Optional[str] = None) -> Tensor:
        graph = graph_of([input_tensor])
        with graph.as_default(), name_scope(name, tf_name, [input_tensor, fft_length, axes]) \
                as scope:
            x = convert_to_tensor(input_tensor, dtype_hint=dtypes.float32 if kind == "rfftn"
                                  else dtypes.complex64)
            if kind == "rfftn" and x.dtype not in _F32_64:
                raise ValueError(f"RFFT requires tf.float32 or tf.float64 inputs, got: {x}")
            if kind != "rfftn" and x.dtype not in COMPLEX:
                raise ValueError(f"{tf_name} requires tf.complex64 or tf.complex128 inputs, "
                                 f"got: {x}")
            n = x.shape.ndims
            if axes is None:
                if n is None:
                    raise ValueError(f"{tf_name}: axes must be given for an input of unknown "
                                     "rank")
                axes = list(range(n))
            axes_t = convert_to_tensor(np.asarray(axes, np.int32).reshape(-1)
                                       if not isinstance(axes, Tensor) else axes,
                                       dtype=dtypes.int32)
            if fft_length is None:
                fft_length = _default_nd_length(x, axes_t, kind == "irfftn")
            fft_length = convert_to_tensor(fft_length, dtype=dtypes.int32)
            norm = "backward" if norm is None else norm
            if norm not in ("backward", "forward", "ortho"):
                raise ValueError(f"{tf_name}: norm must be 'backward', 'forward' or 'ortho', "
                                 f"got {norm!r}")
            if norm != "backward":
                lengths = constant_value(fft_length)
                if lengths is None:
                    raise ValueError(f"{tf_name}: norm={norm!r} needs a static fft_length")
                size = float(np.prod(np.asarray(lengths)))
                factor = size if norm == "forward" else np.sqrt(size)
                inverse = kind in ("ifftn", "irfftn")
                c = convert_to_tensor(factor if inverse else 1.0 / factor, dtype=x.dtype)
                x = multiply(x, c)
            attrs = {}
            if kind == "rfftn":
                attrs["Tcomplex"] = _COMPLEX_OF[x.dtype]
            elif kind == "irfftn":
                attrs["Treal"] = x.dtype.real_dtype
            return graph.create_op(type_name, [x, fft_length, axes_t], attrs,
                                   name=scope).outputs[0]
    build.__name__ = build.__qualname__ = tf_name
    build.__doc__ = (
        f"`numpy.fft.{kind}` as a graph op (`tf.signal.{tf_name}`, op \"{type_name}\").\n\n"
        f"    Args:\n      input_tensor: The input.\n      fft_length: One int32 length per "
        f"axis (default: the input's dimensions{', the last as 2 * (n - 1)' if kind == 'irfftn' else ''}).\n"
        f"      axes: The axes (default: all).\n      norm: \"backward\" (default), "
        f"\"forward\" or \"ortho\", as NumPy's.\n      name: Name scope (default "
        f"\"{tf_name}\").\n")
    return build


def _default_nd_length(x: Tensor, axes: Tensor, inverse: bool) -> Any:
    ax = constant_value(axes)
    n = x.shape.ndims
    if ax is not None and n is not None:
        dims = x.shape.as_list()
        lengths = [dims[int(a) % n] for a in np.asarray(ax).reshape(-1)]
        if all(d is not None for d in lengths):
            if inverse and lengths:
                lengths[-1] = max(0, 2 * (lengths[-1] - 1))
            return np.array(lengths, np.int32)
    raise ValueError("fft_length must be given when the transformed dimensions are not "
                     "statically known")


fftnd = _ndim_builder("FFTND", "fftnd", "fftn")
ifftnd = _ndim_builder("IFFTND", "ifftnd", "ifftn")
rfftnd = _ndim_builder("RFFTND", "rfftnd", "rfftn")
irfftnd = _ndim_builder("IRFFTND", "irfftnd", "irfftn")


# Top-level TF1 names (`tf.fft`, ...); tf.signal and tf.spectral pick the rest by name.
__all__ = ["fft", "fft2d", "fft3d", "fftnd", "ifft", "ifft2d", "ifft3d", "ifftnd", "irfftnd",
           "rfftnd"]
