"""The test-only "strict" backend: a pretend device on the CPU that catches NumPy leaks.

Select it with `TFGRAPH_BACKEND=strict`: CPU ops then run on `StrictArray`s instead of NumPy
arrays.  A `StrictArray` wraps a NumPy array but behaves like a CuPy array on a GPU:

* it refuses implicit conversion to NumPy (`np.asarray(x)`, `np.exp(x)`, `np.sum(x)` raise a
  `TypeError` naming the strict device), so a kernel that calls NumPy on a device value, or a
  plan that forgets a transfer, fails loudly on the CPU instead of only on a GPU;
* it refuses host NumPy arrays as operands (`x + np_array`, `xp.concatenate([x, np_array])`),
  as CuPy does; NumPy and Python *scalars* are fine (`x * np.float32(0.5)`);
* host<->device traffic is counted (`StrictBackend.counters`): the planner's transfers
  (`from_host`, `to_host`), uploads hidden in kernels (`xp.asarray(host_data)`:
  `implicit_uploads`) and device->host reads of single values (`float(x)`, `int(x)`,
  `bool(x)`, `x.item()`, `x.tolist()`, `operator.index(x)`: `host_reads`).  These reads are
  *allowed*, as CuPy allows them, because kernels use `int(x)` for shapes; each one is a
  device synchronization on a GPU, so tests can assert how many happen.

`be.xp` is a namespace with NumPy's API: `xp.<name>` returns NumPy's function wrapped to unwrap
`StrictArray` arguments (also inside lists, tuples and dicts), call NumPy, and wrap array results
(tuples and lists of arrays, and NumPy scalars from reductions, which become 0-d `StrictArray`s
so they stay on the device).  Sub-modules (`xp.linalg`, `xp.random`, `xp.fft`,
`xp.lib.stride_tricks`), ufunc methods (`xp.add.at`, `xp.maximum.reduce`) and random
generators (`be.rng(seed)`) are wrapped the same way.  Types (`xp.float32`, `xp.dtype`) and
constants (`xp.pi`, `xp.newaxis`) pass through; `xp.ndarray` is `StrictArray`.
"""
from __future__ import annotations

import operator
import types
from typing import Any, Callable, Dict

import numpy as np

from .base import Backend, import_scipy

DEVICE_NAME = "strict"
_DEVICE_DESC = ("the test-only 'strict' device (TFGRAPH_BACKEND=strict: CPU ops run on "
                "StrictArrays, which stand in for GPU arrays)")


class StrictCounters:
    """Host<->device traffic seen by the strict device since the last `reset()`.

    Attributes:
      from_host: Arrays moved host -> device by `StrictBackend.from_host` (the planner's
        transfers: feeds, constants once per plan).
      to_host: Arrays moved device -> host by `StrictBackend.to_host` (fetches).
      from_host_bytes, to_host_bytes: Their sizes in bytes.
      implicit_uploads: Host data turned into device arrays inside kernels
        (`xp.asarray(list_or_ndarray)`, `xp.array(...)`).
      host_reads: Single values read back to the host (`int(x)`, `float(x)`, `bool(x)`,
        `x.item()`, `x.tolist()`, `operator.index(x)`, `x.tobytes()`).
    """

    __slots__ = ("from_host", "to_host", "from_host_bytes", "to_host_bytes",
                 "implicit_uploads", "host_reads")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Sets every counter to zero."""
        self.from_host = 0
        self.to_host = 0
        self.from_host_bytes = 0
        self.to_host_bytes = 0
        self.implicit_uploads = 0
        self.host_reads = 0

    def as_dict(self) -> Dict[str, int]:
        return {k: getattr(self, k) for k in self.__slots__}

    def __repr__(self) -> str:
        return "StrictCounters(" + ", ".join(f"{k}={v}" for k, v in self.as_dict().items()) + ")"


COUNTERS = StrictCounters()


def _host_array_error(where: str, value: np.ndarray) -> TypeError:
    return TypeError(
        f"{where}: got a host NumPy array (shape {value.shape}, {value.dtype}) where a device "
        f"array of {_DEVICE_DESC} is needed; CuPy rejects this too. Create device arrays with "
        f"be.xp / be.asarray (once, outside the per-run kernel) or use a NumPy scalar "
        f"(dtype.type(v)).")


# --- wrapping and unwrapping -----------------------------------------------------------------
def _wrap(value: Any) -> Any:
    """NumPy results -> device values: arrays and NumPy scalars become StrictArrays."""
    if isinstance(value, np.ndarray):
        return StrictArray(value)
    if isinstance(value, np.generic):
        return StrictArray(np.asarray(value))
    if isinstance(value, tuple):
        if hasattr(value, "_fields"):  # namedtuple results (np.linalg.svd, ...)
            return type(value)(*(_wrap(v) for v in value))
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    if isinstance(value, np.random.Generator):
        return _Proxy(value, "random.Generator")
    return value


def _unwrap(value: Any, where: str, allow_host: bool) -> Any:
    """Device arguments -> NumPy arguments, rejecting host arrays unless `allow_host`."""
    t = type(value)
    if t is StrictArray:
        return value._a
    if t is np.ndarray:
        if not allow_host:
            raise _host_array_error(where, value)
        return value
    if t is list or t is tuple:
        return t(_unwrap(v, where, allow_host) for v in value)
    if t is dict:
        return {k: _unwrap(v, where, allow_host) for k, v in value.items()}
    if isinstance(value, _Proxy):
        return value._obj
    return value


def _contains_strict(value: Any) -> bool:
    t = type(value)
    if t is StrictArray:
        return True
    if t is list or t is tuple:
        return any(_contains_strict(v) for v in value)
    return False


def _operand(other: Any, op: str) -> Any:
    """The NumPy value of an operator's other operand (device array or scalar)."""
    t = type(other)
    if t is StrictArray:
        return other._a
    if t in (int, float, bool, complex) or isinstance(other, np.generic):
        return other
    if isinstance(other, np.ndarray):
        raise _host_array_error(f"operator {op}", other)
    return NotImplemented


# Functions that build a device array from host data (CuPy copies it to the GPU): their
# host arguments are counted as implicit uploads instead of being rejected.
_CREATION = frozenset({"asarray", "array", "asanyarray", "ascontiguousarray", "asfortranarray",
                       "asarray_chkfinite", "fromiter", "frombuffer", "copy"})
# Functions whose result is host metadata, never device data (kept as is).
_METADATA = frozenset({"shape", "ndim", "size", "result_type", "can_cast", "promote_types",
                       "min_scalar_type", "isscalar", "iscomplexobj", "isrealobj",
                       "broadcast_shapes", "issubdtype", "iterable", "get_printoptions"})


def _wrap_function(fn: Callable, name: str) -> Callable:
    where = f"xp.{name}"
    if name in _METADATA:
        def metadata(*args, **kwargs):
            return fn(*_unwrap(args, where, True), **_unwrap(kwargs, where, True))
        metadata.__name__ = name
        return metadata
    creation = name.rsplit(".", 1)[-1] in _CREATION

    def call(*args, **kwargs):
        if creation and args and not _contains_strict(args[0]) and not isinstance(args[0], _Proxy):
            COUNTERS.implicit_uploads += 1
        out = kwargs.get("out")
        result = fn(*_unwrap(args, where, creation), **_unwrap(kwargs, where, creation))
        if type(out) is StrictArray and result is out._a:
            return out
        return _wrap(result)

    call.__name__ = name
    call.__doc__ = f"NumPy's {name} on strict device arrays."
    return call


class _StrictUfunc:
    """A NumPy ufunc on device arrays, with its methods (`at`, `reduce`, `accumulate`, ...)."""

    def __init__(self, ufunc: np.ufunc):
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__
        self._call = _wrap_function(ufunc, ufunc.__name__)
        self._methods: Dict[str, Callable] = {}

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self._ufunc, name)
        if not callable(attr):
            return attr  # nin, nout, identity, types, ...
        m = self._methods.get(name)
        if m is None:
            m = self._methods[name] = _wrap_function(attr, f"{self.__name__}.{name}")
        return m

    def __repr__(self) -> str:
        return f"<strict ufunc {self.__name__!r}>"


class _Proxy:
    """NumPy's namespace (or a sub-module, or a random Generator) on strict device arrays."""

    def __init__(self, obj: Any, path: str):
        self._obj = obj
        self._path = path
        self._cache: Dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._cache[name]
        except KeyError:
            pass
        attr = getattr(self._obj, name)
        full = f"{self._path}.{name}" if self._path else name
        if attr is np.ndarray:
            res: Any = StrictArray
        elif isinstance(attr, types.ModuleType):
            res = _Proxy(attr, full)
        elif isinstance(attr, np.ufunc):
            res = _StrictUfunc(attr)
        elif isinstance(attr, type) or not callable(attr):
            res = attr  # dtypes/classes (xp.float32, xp.dtype, xp.errstate) and constants
        else:
            res = _wrap_function(attr, full)
        self._cache[name] = res
        return res

    def __dir__(self):
        return dir(self._obj)

    def __repr__(self) -> str:
        return f"<strict namespace {self._path or 'numpy'}>"


xp = _Proxy(np, "")


# --- the array type ---------------------------------------------------------------------------
def _binary(op: Callable, sym: str, reflected: bool = False) -> Callable:
    if reflected:
        def method(self, other):
            o = _operand(other, sym)
            if o is NotImplemented:
                return o
            return _wrap(op(o, self._a))
    else:
        def method(self, other):
            o = _operand(other, sym)
            if o is NotImplemented:
                return o
            return _wrap(op(self._a, o))
    return method


def _inplace(op: Callable, sym: str) -> Callable:
    def method(self, other):
        o = _operand(other, sym)
        if o is NotImplemented:
            return o
        op(self._a, o)  # NumPy's in-place operator: the buffer is updated, not replaced
        return self
    return method


def _host_read(conv: Callable) -> Callable:
    def method(self, *args):
        COUNTERS.host_reads += 1
        return conv(self._a, *args)
    return method


class StrictArray:
    """A device array of the strict backend: a NumPy array that refuses to be NumPy.

    Supports NumPy's operators, indexing, attributes (`shape`, `dtype`, `ndim`, `size`, `T`,
    `strides`, ...) and methods (`reshape`, `astype`, `sum`, `copy`, `transpose`, ...), with
    results wrapped as StrictArrays.  Implicit conversion to NumPy raises `TypeError`.
    """

    __slots__ = ("_a", "__weakref__")
    __hash__ = None  # type: ignore[assignment]  (arrays are unhashable, as in NumPy)

    def __init__(self, array: np.ndarray):
        self._a = array

    # -- refusing NumPy -------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"A StrictArray (shape {self._a.shape}, {self._a.dtype}) lives on {_DEVICE_DESC} and "
            f"cannot be converted to a NumPy array implicitly: a kernel called NumPy on a device "
            f"value (use be.xp), or the plan is missing a transfer (be.to_host).")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # Reached through `np.float32(2) * x` (NumPy scalars defer to us): fine, as on CuPy.
        # A direct `np.exp(x)` in a kernel (no scalar operand) is the bug we are here to catch.
        scalars = [i for i in inputs if type(i) is not StrictArray]
        if method == "__call__" and scalars and not kwargs and all(
                type(s) in (int, float, bool, complex) or isinstance(s, np.generic)
                for s in scalars):
            return _wrap(ufunc(*(_unwrap(i, ufunc.__name__, False) for i in inputs)))
        raise TypeError(
            f"numpy.{ufunc.__name__}{'' if method == '__call__' else '.' + method} was called on "
            f"a StrictArray of {_DEVICE_DESC}: kernels must use be.xp.{ufunc.__name__}, never "
            f"NumPy, on device values (and never mix host NumPy arrays with device arrays).")

    def __array_function__(self, func, types_, args, kwargs):
        raise TypeError(
            f"numpy.{func.__name__} was called on a StrictArray of {_DEVICE_DESC}: kernels must "
            f"use be.xp.{func.__name__}, never NumPy, on device values.")

    # -- attributes -----------------------------------------------------------------------
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: StrictArray(self._a.T))
    mT = property(lambda self: StrictArray(self._a.mT))
    real = property(lambda self: _wrap(self._a.real))
    imag = property(lambda self: _wrap(self._a.imag))
    device = property(lambda self: DEVICE_NAME)

    # -- reading values back to the host (allowed, counted) ---------------------------------
    __bool__ = _host_read(bool)
    __int__ = _host_read(int)
    __float__ = _host_read(float)
    __complex__ = _host_read(complex)
    __index__ = _host_read(operator.index)
    item = _host_read(np.ndarray.item)
    tolist = _host_read(np.ndarray.tolist)
    tobytes = _host_read(np.ndarray.tobytes)

    def get(self) -> np.ndarray:
        """Refused: unlike `cupy.ndarray.get()`, host copies go through `be.to_host`."""
        raise TypeError(f"StrictArray.get(): move device values to the host with be.to_host "
                        f"({_DEVICE_DESC})")

    # -- container protocol ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self):
        for v in self._a:
            yield _wrap(v)

    def __getitem__(self, key):
        return _wrap(self._a[_unwrap(key, "indexing", True)])

    def __setitem__(self, key, value):
        self._a[_unwrap(key, "indexing", True)] = _unwrap(value, "item assignment", False)

    def __repr__(self) -> str:
        return f"StrictArray({self._a!r}, device={DEVICE_NAME!r})"

    def __format__(self, spec: str) -> str:
        if not spec:
            return repr(self)
        COUNTERS.host_reads += 1  # formatting a value reads it back, as float(x) does
        return format(self._a.item() if self._a.ndim == 0 else self._a, spec)

    __str__ = __repr__

    def __copy__(self) -> "StrictArray":
        return StrictArray(self._a.copy())

    def __deepcopy__(self, memo) -> "StrictArray":
        return StrictArray(self._a.copy())

    def __reduce__(self):
        raise TypeError(f"a StrictArray cannot be pickled; use be.to_host ({_DEVICE_DESC})")

    # -- operators --------------------------------------------------------------------------
    __neg__ = lambda self: StrictArray(-self._a)  # noqa: E731
    __pos__ = lambda self: StrictArray(+self._a)  # noqa: E731
    __abs__ = lambda self: StrictArray(abs(self._a))  # noqa: E731
    __invert__ = lambda self: StrictArray(~self._a)  # noqa: E731


_BINARY_OPS = {
    "add": (operator.add, "+"), "sub": (operator.sub, "-"), "mul": (operator.mul, "*"),
    "truediv": (operator.truediv, "/"), "floordiv": (operator.floordiv, "//"),
    "mod": (operator.mod, "%"), "pow": (operator.pow, "**"), "matmul": (operator.matmul, "@"),
    "and": (operator.and_, "&"), "or": (operator.or_, "|"), "xor": (operator.xor, "^"),
    "lshift": (operator.lshift, "<<"), "rshift": (operator.rshift, ">>"),
    "divmod": (divmod, "divmod"),
}
_INPLACE_OPS = {
    "add": operator.iadd, "sub": operator.isub, "mul": operator.imul,
    "truediv": operator.itruediv, "floordiv": operator.ifloordiv, "mod": operator.imod,
    "pow": operator.ipow, "matmul": operator.imatmul, "and": operator.iand,
    "or": operator.ior, "xor": operator.ixor, "lshift": operator.ilshift,
    "rshift": operator.irshift,
}
_COMPARISONS = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
                "gt": operator.gt, "ge": operator.ge}


def _install_operators() -> None:
    for name, (fn, sym) in _BINARY_OPS.items():
        setattr(StrictArray, f"__{name}__", _binary(fn, sym))
        setattr(StrictArray, f"__r{name}__", _binary(fn, sym, reflected=True))
    for name, fn in _INPLACE_OPS.items():
        setattr(StrictArray, f"__i{name}__", _inplace(fn, _BINARY_OPS[name][1]))
    for name, fn in _COMPARISONS.items():
        setattr(StrictArray, f"__{name}__", _binary(fn, name))


# ndarray methods that would hand host data out (or write files): not offered.
_REFUSED_METHODS = frozenset({"tofile", "dump", "dumps", "__array__", "get", "item", "tolist",
                              "tobytes", "to_device", "setflags", "resize", "getfield",
                              "setfield", "byteswap", "newbyteorder", "ctypes", "data", "base",
                              "flat", "itemset", "ptp"})


def _method(name: str) -> Callable:
    fn = getattr(np.ndarray, name)
    where = f"StrictArray.{name}"

    def method(self, *args, **kwargs):
        out = kwargs.get("out")
        result = fn(self._a, *_unwrap(args, where, False), **_unwrap(kwargs, where, False))
        if type(out) is StrictArray and result is out._a:
            return out
        return _wrap(result)

    method.__name__ = name
    return method


def _install_methods() -> None:
    for name in dir(np.ndarray):
        if name.startswith("_") or name in _REFUSED_METHODS or hasattr(StrictArray, name):
            continue
        if callable(getattr(np.ndarray, name)):
            setattr(StrictArray, name, _method(name))


_install_operators()
_install_methods()


class StrictBackend(Backend):
    """A pretend device on the CPU whose arrays are `StrictArray`s; counts host transfers.

    `device_type` is "CPU" (it serves CPU ops when TFGRAPH_BACKEND=strict) but `is_host` is
    False, so the planner inserts real transfers for feeds and fetches, as on a GPU.

    Args:
      name: The backend's name (the planner keys values by it): "strict" for the shared
        instance; tests create a second device, e.g. `StrictBackend("fake_gpu", "GPU")`.
      device_type: The TF1 device type it serves.

    Attributes:
      counters: This device's `StrictCounters`.  `from_host`/`to_host` count this device's
        transfers; `implicit_uploads` and `host_reads` are counted on the shared `COUNTERS`
        (they happen inside arrays, which do not know their device).
    """

    is_host = False
    xp = xp

    def __init__(self, name: str = "strict", device_type: str = "CPU"):
        self.name = name
        self.device_type = device_type
        self.counters = COUNTERS if name == "strict" else StrictCounters()

    def scipy(self, submodule: str) -> Any:
        # SciPy's ufuncs and functions wrapped like xp's: device arrays in, device arrays out.
        return _Proxy(import_scipy(submodule), f"scipy.{submodule}")

    def from_host(self, array: Any) -> StrictArray:
        if type(array) is StrictArray:
            raise TypeError(f"{self.name} from_host: the value is already on a strict device")
        a = np.array(array, copy=True)  # a device owns its buffer, like cupy.asarray(host)
        c = self.counters
        c.from_host += 1
        c.from_host_bytes += a.nbytes
        return StrictArray(a)

    def to_host(self, value: Any) -> np.ndarray:
        if type(value) is not StrictArray:
            raise TypeError(
                f"{self.name} to_host: expected a StrictArray, got {type(value).__name__}: a "
                f"kernel on {_DEVICE_DESC} returned a host value instead of a device array "
                f"(use be.xp)")
        c = self.counters
        c.to_host += 1
        c.to_host_bytes += value._a.nbytes
        return value._a.copy()

    def is_array(self, value: Any) -> bool:
        return type(value) is StrictArray

    def rng(self, seed: Any) -> Any:
        return _Proxy(np.random.default_rng(seed), "random.Generator")

    def reset_counters(self) -> None:
        """Sets this device's counters and the shared `COUNTERS` to zero."""
        self.counters.reset()
        COUNTERS.reset()


__all__ = ["StrictArray", "StrictBackend", "StrictCounters", "COUNTERS", "xp"]
