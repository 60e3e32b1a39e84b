"""TF1's other sparse-valued ops: `tf.edit_distance` (EditDistance), `tf.string_split`
(StringSplit), `tf.sparse.bincount` (DenseCountSparseOutput / SparseCountSparseOutput),
`tf.sparse.cross` (SparseCrossV2) and `tf.sparse.cross_hashed` (SparseCross, FarmHash
fingerprints via the optional `pyfarmhash`), `tf.sparse_matmul` (SparseMatMul: a dense
product whose sparsity hints only choose TF1's kernel) and
`tf.convert_to_tensor_or_sparse_tensor`.

Kernels are host-only (strings, or index bookkeeping TF1 also does on the CPU), except
SparseMatMul, a plain `xp.matmul` on the op's device.
"""
from __future__ import annotations

import itertools
from typing import Any, Optional, Sequence

import numpy as np

from ..framework import dtypes
from ..framework.constant import name_scope
from ..framework.ops import convert_to_tensor
from ..framework.ops import gen_op as _gen_op
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.sparse_tensor import SparseTensor, SparseTensorValue
from ._helpers import host_array as _host
from .array_ops import reshape
from .bytes_ops import fingerprint64
from .sparse_more_ops import sparse_reshape
from .sparse_ops import _sp

_I64 = (dtypes.int64,)


def _groups_of(idx: np.ndarray, vals: np.ndarray):
    """{leading index tuple: values in index order} of a SparseTensor's last-dim rows."""
    order = np.lexsort(idx.T[::-1]) if idx.shape[0] else np.zeros(0, np.int64)
    out = {}
    for k in order:
        out.setdefault(tuple(int(i) for i in idx[k, :-1]), []).append(vals[k])
    return out


def _levenshtein(a: Sequence, b: Sequence) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


@register_op("EditDistance")
class EditDistance(OpDef):
    """Levenshtein distance between the last-dimension sequences of two SparseTensors."""

    host_only = True

    def infer(self, hypothesis_indices, hypothesis_values, hypothesis_shape, truth_indices,
              truth_values, truth_shape, *, normalize=True):
        if hypothesis_values.dtype != truth_values.dtype:
            raise TypeError(f"EditDistance: hypothesis ({hypothesis_values.dtype.name}) and "
                            f"truth ({truth_values.dtype.name}) must have one dtype")
        r = hypothesis_shape.shape.as_list()[0] if hypothesis_shape.shape.ndims == 1 else None
        return spec(dtypes.float32, [None] * (r - 1) if r is not None else None)

    def compute(self, be, hypothesis_indices, hypothesis_values, hypothesis_shape,
                truth_indices, truth_values, truth_shape, *, normalize=True):
        hs = np.asarray(_host(be, hypothesis_shape), np.int64).reshape(-1)
        ts = np.asarray(_host(be, truth_shape), np.int64).reshape(-1)
        if hs.size != ts.size:
            raise ValueError(f"EditDistance: hypothesis and truth must have one rank, got "
                             f"{hs.size} and {ts.size}")
        hi = np.asarray(_host(be, hypothesis_indices), np.int64).reshape(-1, hs.size)
        ti = np.asarray(_host(be, truth_indices), np.int64).reshape(-1, ts.size)
        hyp = _groups_of(hi, np.asarray(_host(be, hypothesis_values)))
        tru = _groups_of(ti, np.asarray(_host(be, truth_values)))
        out_shape = tuple(int(d) for d in np.maximum(hs, ts)[:-1])
        out = np.zeros(out_shape, np.float32)
        for key in set(hyp) | set(tru):
            h, t = hyp.get(key, []), tru.get(key, [])
            d = float(_levenshtein(h, t))
            if normalize:
                d = d / len(t) if t else (np.inf if h else 0.0)
            out[key] = d
        return out


NotDifferentiable("EditDistance")


def edit_distance(hypothesis: Any, truth: Any, normalize: bool = True,
                  name: str = "edit_distance"):
    """The Levenshtein distance between sequences (`tf.edit_distance`, op EditDistance).

    Args:
      hypothesis: A SparseTensor: the sequences are its last-dimension rows.
      truth: A SparseTensor of the same rank and dtype.
      normalize: Divide by the truth's length (an empty truth gives inf, or 0 when the
        hypothesis is empty too).
      name: Op name.

    Returns:
      A float32 tensor of rank R - 1 (the larger of the two leading shapes).

    Raises:
      TypeError: If either input is not a SparseTensor.
    """
    for what, x in (("Hypothesis", hypothesis), ("Truth", truth)):
        if not isinstance(x, (SparseTensor, SparseTensorValue)):
            raise TypeError(f"{what} must be a SparseTensor.")
    h, t = _sp(hypothesis, "edit_distance"), _sp(truth, "edit_distance")
    return _gen_op("EditDistance", name, [
        ("hypothesis_indices", h.indices, _I64, None), ("hypothesis_values", h.values, None,
                                                        None),
        ("hypothesis_shape", h.dense_shape, _I64, None), ("truth_indices", t.indices, _I64,
                                                          None),
        ("truth_values", t.values, None, None), ("truth_shape", t.dense_shape, _I64, None)],
        {"normalize": bool(normalize)})._outputs[0]


# --------------------------------------------------------------------------- string_split

def _split_one(s: bytes, delims: bytes, skip_empty: bool):
    if not s:
        return []
    if not delims:
        return [s[i:i + 1] for i in range(len(s))]
    out, cur = [], bytearray()
    for ch in s:
        if ch in delims:
            out.append(bytes(cur))
            cur = bytearray()
        else:
            cur.append(ch)
    out.append(bytes(cur))
    return [t for t in out if t] if skip_empty else out


@register_op("StringSplit")
class StringSplit(OpDef):
    """Splits each string of a vector at any byte of `delimiter` (no delimiter: into
    bytes): a [N, max tokens] SparseTensor of the tokens."""

    host_only = True

    def infer(self, input, delimiter, *, skip_empty=True):  # noqa: A002  (TF1's name)
        if input.shape.ndims not in (None, 1):
            raise ValueError(f"StringSplit: input must be a vector, got shape {input.shape}")
        if delimiter.shape.ndims not in (None, 0):
            raise ValueError(f"StringSplit: delimiter must be a scalar, got shape "
                             f"{delimiter.shape}")
        return [spec(dtypes.int64, [None, 2]), spec(dtypes.string, [None]),
                spec(dtypes.int64, [2])]

    def compute(self, be, input, delimiter, *, skip_empty=True):  # noqa: A002
        src = np.asarray(_host(be, input), object).reshape(-1)
        d = np.asarray(_host(be, delimiter), object).reshape(())[()]
        d = d.encode() if isinstance(d, str) else bytes(d)
        rows = [_split_one(s.encode() if isinstance(s, str) else bytes(s), d, skip_empty)
                for s in src]
        n = sum(len(r) for r in rows)
        idx = np.zeros((n, 2), np.int64)
        vals = np.empty(n, object)
        k = 0
        for i, r in enumerate(rows):
            for j, tok in enumerate(r):
                idx[k] = (i, j)
                vals[k] = tok
                k += 1
        width = max((len(r) for r in rows), default=0)
        return idx, vals, np.array([src.size, width], np.int64)


NotDifferentiable("StringSplit")


def string_split(source: Any, sep: Any = None, skip_empty: bool = True, delimiter: Any = None,
                 result_type: str = "SparseTensor", name: Optional[str] = None) -> SparseTensor:
    """Splits each string of a vector into tokens (`tf.string_split`, op StringSplit).

    Every byte of the separator is a delimiter; an empty separator splits into bytes.

    Args:
      source: A 1-D string tensor.
      sep: The delimiter bytes (default " "). `delimiter` is the deprecated spelling.
      skip_empty: Drop empty tokens.
      delimiter: Deprecated alias of `sep`.
      result_type: "SparseTensor" ("RaggedTensor" is refused: tfgraph has no RaggedTensor).
      name: Name scope (default "StringSplit").

    Returns:
      A SparseTensor of bytes with dense shape [len(source), max tokens].
    """
    if sep is not None and delimiter is not None:
        raise ValueError("string_split: give sep or delimiter, not both")
    sep = delimiter if sep is None else sep
    if sep is None:
        sep = " "
    if result_type != "SparseTensor":
        raise NotImplementedError(f"string_split: result_type={result_type!r} needs "
                                  "RaggedTensor, which tfgraph lacks; use "
                                  "result_type='SparseTensor'")
    with name_scope(name, "StringSplit", [source]) as scope:
        op = _gen_op("StringSplit", scope.rstrip("/"), [
            ("input", source, (dtypes.string,), None),
            ("delimiter", sep, (dtypes.string,), None)], {"skip_empty": bool(skip_empty)})
    return SparseTensor(*op.outputs)


# --------------------------------------------------------------------------- sparse_matmul

_SMM_TYPES = (dtypes.float32, dtypes.bfloat16) if hasattr(dtypes, "bfloat16") else \
    (dtypes.float32,)


@register_op("SparseMatMul")
class SparseMatMul(OpDef):
    """A float32 matmul whose `a_is_sparse`/`b_is_sparse` hints pick TF1's kernel only."""

    def infer(self, a, b, *, transpose_a=False, transpose_b=False, a_is_sparse=False,
              b_is_sparse=False):
        for what, x in (("a", a), ("b", b)):
            if x.dtype not in _SMM_TYPES:
                raise TypeError(f"SparseMatMul: {what} must be float32, got {x.dtype.name}")
            if x.shape.ndims not in (None, 2):
                raise ValueError(f"SparseMatMul: {what} must be a matrix, got shape {x.shape}")
        sa = a.shape.as_list() if a.shape.ndims == 2 else [None, None]
        sb = b.shape.as_list() if b.shape.ndims == 2 else [None, None]
        m, ka = (sa[1], sa[0]) if transpose_a else (sa[0], sa[1])
        kb, n = (sb[1], sb[0]) if transpose_b else (sb[0], sb[1])
        if ka is not None and kb is not None and ka != kb:
            raise ValueError(f"SparseMatMul: inner dimensions differ: {ka} vs {kb}")
        return spec(dtypes.float32, [m, n])

    def compute(self, be, a, b, *, transpose_a=False, transpose_b=False, a_is_sparse=False,
                b_is_sparse=False):
        x = a.T if transpose_a else a
        y = b.T if transpose_b else b
        if x.shape[1] != y.shape[0]:
            raise ValueError(f"SparseMatMul: matrix size-incompatible: In[0]: "
                             f"{list(a.shape)}, In[1]: {list(b.shape)}")
        return be.xp.matmul(x.astype(be.xp.float32, copy=False), y.astype(be.xp.float32,
                                                                         copy=False))

    def gradient(self, op, grad):
        # TF1's _SparseMatMulGrad: products of grad with the other operand, the hints kept
        # on the operand they describe.
        a, b = op.inputs
        t_a, t_b = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
        sp_a, sp_b = op.attrs.get("a_is_sparse", False), op.attrs.get("b_is_sparse", False)

        def mm(x, y, ta=False, tb=False, sx=False, sy=False):
            return sparse_matmul(x, y, transpose_a=ta, transpose_b=tb, a_is_sparse=sx,
                                 b_is_sparse=sy)
        if not t_a and not t_b:
            return [mm(grad, b, tb=True, sy=sp_b), mm(a, grad, ta=True, sx=sp_a)]
        if not t_a and t_b:
            return [mm(grad, b, sy=sp_b), mm(grad, a, ta=True, sy=sp_a)]
        if t_a and not t_b:
            return [mm(b, grad, tb=True, sx=sp_b), mm(a, grad, sx=sp_a)]
        return [mm(b, grad, ta=True, tb=True, sx=sp_b), mm(grad, a, ta=True, tb=True, sy=sp_a)]


def sparse_matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
                  a_is_sparse: bool = False, b_is_sparse: bool = False,
                  name: Optional[str] = None):
    """`a @ b` for float32 matrices (`tf.sparse_matmul`, op SparseMatMul).

    Args:
      a, b: float32 matrices.
      transpose_a, transpose_b: Transpose an operand first.
      a_is_sparse, b_is_sparse: Hints that an operand is mostly zeros (TF1 picks a kernel;
        here the result is the same dense product).
      name: Op name.

    Returns:
      A float32 matrix.
    """
    return _gen_op("SparseMatMul", name, [("a", a, _SMM_TYPES, dtypes.float32),
                                          ("b", b, _SMM_TYPES, dtypes.float32)],
                   {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b),
                    "a_is_sparse": bool(a_is_sparse), "b_is_sparse": bool(b_is_sparse)}
                   )._outputs[0]


def convert_to_tensor_or_sparse_tensor(value: Any, dtype: Any = None,
                                       name: Optional[str] = None):
    """A SparseTensor for a SparseTensor / SparseTensorValue, else `convert_to_tensor`
    (`tf.convert_to_tensor_or_sparse_tensor`).

    Raises:
      ValueError: If a SparseTensor's dtype is not `dtype`.
    """
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype is not None and value.dtype != dtype:
            raise ValueError(f"Sparse dtype: requested = {dtype.name}, actual = "
                             f"{value.dtype.name}")
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


# --------------------------------------------------------------------------- bincount

def _count(rows: np.ndarray, vals: np.ndarray, weights, n_rows: Optional[int], minlength: int,
           maxlength: int, binary: bool, what: str, out_dtype):
    if vals.size and vals.min() < 0:
        raise ValueError(f"{what}: input values must all be non-negative, got "
                         f"{int(vals.min())}")
    max_seen = int(vals.max()) if vals.size else -1
    size = maxlength if maxlength > 0 else max(max_seen + 1, minlength)
    keep = vals < size if maxlength > 0 else np.ones(vals.size, bool)
    rows, vals = rows[keep], vals[keep].astype(np.int64)
    w = weights[keep] if weights is not None else None
    key = np.stack([rows, vals], 1) if n_rows is not None else vals[:, None]
    if key.shape[0]:
        uniq, inv = np.unique(key, axis=0, return_inverse=True)
        inv = inv.reshape(-1)
    else:
        uniq, inv = np.zeros((0, key.shape[1]), np.int64), np.zeros(0, np.int64)
    if binary:
        out = np.ones(uniq.shape[0], out_dtype)
    else:
        out = np.zeros(uniq.shape[0], out_dtype)
        np.add.at(out, inv, w if w is not None else 1)
    shape = [n_rows, size] if n_rows is not None else [size]
    return uniq.astype(np.int64), out, np.array(shape, np.int64)


class _CountSparseOutput(OpDef):
    host_only = True
    sparse_in = False

    def infer(self, *args, binary_output=False, minlength=-1, maxlength=-1, T=None,
              output_type=None):
        vals = args[1] if self.sparse_in else args[0]
        if vals.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"{self.type_name}: values must be int32 or int64, got "
                            f"{vals.dtype.name}")
        return [spec(dtypes.int64, [None, None]), spec(output_type, [None]),
                spec(dtypes.int64, [None])]

    def compute(self, be, *args, binary_output=False, minlength=-1, maxlength=-1, T=None,
                output_type=None):
        a = [np.asarray(_host(be, x)) for x in args]
        if self.sparse_in:
            idx, vals, shape, weights = a[0], a[1], a[2].reshape(-1), a[3]
            rank = shape.size
            rows = idx.reshape(-1, rank)[:, 0] if rank == 2 else np.zeros(vals.size, np.int64)
            n_rows = int(shape[0]) if rank == 2 else None
        else:
            vals, weights = a[0], a[1]
            n_rows = vals.shape[0] if vals.ndim == 2 else None
            rows = np.repeat(np.arange(vals.shape[0]), vals.shape[1]) if vals.ndim == 2 else \
                np.zeros(vals.size, np.int64)
        w = weights.reshape(-1) if weights.size else None
        if w is not None and w.size != vals.size:
            raise ValueError(f"{self.type_name}: weights ({w.size}) and values ({vals.size}) "
                             "must have one size")
        return _count(rows, vals.reshape(-1), w, n_rows, int(minlength), int(maxlength),
                      bool(binary_output), self.type_name,
                      dtypes.as_dtype(output_type).np_dtype)


register_op("DenseCountSparseOutput")(type("DenseCountSparseOutput", (_CountSparseOutput,), {
    "sparse_in": False, "__doc__": "Per-row value counts of a dense 1-D/2-D tensor, sparse."}))
register_op("SparseCountSparseOutput")(type("SparseCountSparseOutput", (_CountSparseOutput,), {
    "sparse_in": True, "__doc__": "Per-row value counts of a SparseTensor, sparse."}))
NotDifferentiable("DenseCountSparseOutput")
NotDifferentiable("SparseCountSparseOutput")


def bincount(values: Any, weights: Any = None, axis: Optional[int] = 0, minlength: Any = None,
             maxlength: Any = None, binary_output: bool = False,
             name: Optional[str] = None) -> SparseTensor:
    """Counts the values of an int tensor as a SparseTensor (`tf.sparse.bincount`; ops
    DenseCountSparseOutput / SparseCountSparseOutput).

    Args:
      values: An int32/int64 Tensor (rank 1 or 2) or SparseTensor.
      weights: Optional weights of the values' shape (summed instead of counting 1).
      axis: 0 (or None): count over all values; -1: count per row of a rank-2 input.
      minlength: The output's last dimension is at least this.
      maxlength: The output's last dimension is exactly this; larger values are dropped.
      binary_output: 1 for each value present instead of its count.
      name: Name scope (default "count").

    Returns:
      A SparseTensor [size] (axis 0) or [rows, size] (axis -1).

    Raises:
      ValueError: For another axis, or weights with binary_output.
    """
    if axis is None:
        axis = 0
    if axis not in (0, -1):
        raise ValueError(f"sparse.bincount: unsupported axis value {axis}: only 0 and -1 "
                         "are supported")
    if weights is not None and binary_output:
        raise ValueError("sparse.bincount: arguments binary_output and weights are mutually "
                         "exclusive")
    with name_scope(name, "count", [values, weights]):
        attrs = {"binary_output": bool(binary_output),
                 "minlength": -1 if minlength is None else int(minlength),
                 "maxlength": -1 if maxlength is None else int(maxlength)}
        sparse_in = isinstance(values, (SparseTensor, SparseTensorValue))
        if sparse_in:
            sp = _sp(values, "sparse.bincount")
            if axis == 0:   # counts over all values: positions do not matter
                sp = sparse_reshape(sp, [-1])
            vdt = sp.dtype
        else:
            values = convert_to_tensor(values, name="values")
            if axis == 0 and values.shape.ndims != 1:
                values = reshape(values, [-1])
            vdt = values.dtype
        out_t = dtypes.as_dtype(vdt) if weights is None else None
        if weights is not None:
            weights = convert_to_tensor(weights, name="weights")
            if axis == 0 and weights.shape.ndims != 1:
                weights = reshape(weights, [-1])
            out_t = weights.dtype
        w = weights if weights is not None else np.zeros([0], out_t.as_numpy_dtype)
        attrs["output_type"] = out_t
        attrs["T"] = vdt
        if sparse_in:
            ins = [("indices", sp.indices, _I64, None), ("values", sp.values, None, None),
                   ("dense_shape", sp.dense_shape, _I64, None), ("weights", w, None, None)]
            op = _gen_op("SparseCountSparseOutput", None, ins, attrs)
        else:
            op = _gen_op("DenseCountSparseOutput", None,
                         [("values", values, None, None), ("weights", w, None, None)], attrs)
    return SparseTensor(*op.outputs)


# --------------------------------------------------------------------------- cross

def _cross_columns(be, args, n_sparse, n_dense):
    """The per-row value lists of each input column, in the inputs' order."""
    a = [np.asarray(_host(be, x)) for x in args]
    idx, vals, shapes = a[:n_sparse], a[n_sparse:2 * n_sparse], a[2 * n_sparse:3 * n_sparse]
    dense = a[3 * n_sparse:3 * n_sparse + n_dense]
    batch = None
    cols = []
    for i, v, s in zip(idx, vals, shapes):
        i = i.reshape(-1, 2)
        b = int(s.reshape(-1)[0])
        rows = [[] for _ in range(b)]
        for r, x in zip(i[:, 0], v):
            rows[int(r)].append(x)
        cols.append(rows)
        batch = b if batch is None else batch
    for d in dense:
        if d.ndim != 2:
            raise ValueError(f"SparseCross: dense inputs must be matrices, got shape "
                             f"{list(d.shape)}")
        cols.append([list(r) for r in d])
        batch = d.shape[0] if batch is None else batch
    for c in cols:
        if len(c) != batch:
            raise ValueError(f"SparseCross: the inputs' batch sizes differ ({len(c)} vs "
                             f"{batch})")
    return batch, cols


def _as_bytes(x) -> bytes:
    if isinstance(x, (bytes, np.bytes_)):
        return bytes(x)
    if isinstance(x, str):
        return x.encode()
    return str(int(x)).encode()


def _crossed(batch, cols, fn):
    idx, out = [], []
    for b in range(batch):
        for j, combo in enumerate(itertools.product(*[c[b] for c in cols])):
            idx.append((b, j))
            out.append(fn(combo))
    width = 0
    if idx:
        width = max(j for _, j in idx) + 1
    return np.array(idx, np.int64).reshape(-1, 2), out, np.array([batch, width], np.int64)


@register_op("SparseCrossV2")
class SparseCrossV2(OpDef):
    """String feature crosses of sparse and dense columns, joined by `sep`."""

    host_only = True

    def infer(self, *args, N=0, sparse_types=(), dense_types=(), **_):
        return [spec(dtypes.int64, [None, 2]), spec(dtypes.string, [None]),
                spec(dtypes.int64, [2])]

    def compute(self, be, *args, N=0, sparse_types=(), dense_types=(), **_):
        sep = np.asarray(_host(be, args[-1]), object).reshape(())[()]
        sep = sep.encode() if isinstance(sep, str) else bytes(sep)
        batch, cols = _cross_columns(be, args[:-1], N, len(dense_types))
        idx, vals, shape = _crossed(batch, cols, lambda c: sep.join(_as_bytes(x) for x in c))
        v = np.empty(len(vals), object)
        v[:] = vals
        return idx, v, shape


NotDifferentiable("SparseCrossV2")

_DEFAULT_HASH_KEY = 0xDECAFCAFFE
_MASK = (1 << 64) - 1
_K_MUL = 0xC6A4A7935BD1E995


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _fingerprint_cat64(fp1: int, fp2: int) -> int:
    """TF's FingerprintCat64 (tensorflow/core/platform/fingerprint.h) on Python ints."""
    r = (fp1 ^ _K_MUL) & _MASK
    r ^= (_shift_mix((fp2 * _K_MUL) & _MASK) * _K_MUL) & _MASK
    r = (r * _K_MUL) & _MASK
    r = (_shift_mix(r) * _K_MUL) & _MASK
    return _shift_mix(r)


def _fingerprint64(data: bytes) -> int:
    return fingerprint64(data) & _MASK


def _require_farmhash() -> None:
    """Refuses string crosses at build time when the optional pyfarmhash is missing."""
    try:
        fingerprint64(b"")
    except ImportError:
        raise ImportError("tf.sparse.cross_hashed of string features needs FarmHash "
                          "fingerprints: pip install pyfarmhash (tfgraph's 'hash' extra), or "
                          "use tf.sparse.cross") from None


@register_op("SparseCross")
class SparseCross(OpDef):
    """Hashed feature crosses (`hashed_output=True`: FingerprintCat64 of the features'
    fingerprints, modulo `num_buckets`); the string form is SparseCrossV2's."""

    host_only = True

    def infer(self, *args, N=0, hashed_output=True, num_buckets=0, hash_key=_DEFAULT_HASH_KEY,
              sparse_types=(), dense_types=(), out_type=dtypes.int64,
              internal_type=dtypes.string):
        out = dtypes.as_dtype(out_type)
        return [spec(dtypes.int64, [None, 2]), spec(out, [None]), spec(dtypes.int64, [2])]

    def compute(self, be, *args, N=0, hashed_output=True, num_buckets=0,
                hash_key=_DEFAULT_HASH_KEY, sparse_types=(), dense_types=(),
                out_type=dtypes.int64, internal_type=dtypes.string):
        batch, cols = _cross_columns(be, args, N, len(dense_types))
        if not hashed_output:
            idx, vals, shape = _crossed(batch, cols, lambda c: b"_X_".join(_as_bytes(x)
                                                                           for x in c))
            v = np.empty(len(vals), object)
            v[:] = vals
            return idx, v, shape

        def feature_hash(x) -> int:
            if isinstance(x, (bytes, str, np.bytes_)):
                return _fingerprint64(_as_bytes(x))
            return int(x) & _MASK

        def h(combo) -> int:
            out = int(hash_key) & _MASK
            for x in combo:
                out = _fingerprint_cat64(out, feature_hash(x))
            # TF1 reduces modulo num_buckets, or modulo INT64_MAX without buckets.
            return out % (int(num_buckets) if num_buckets > 0 else (1 << 63) - 1)
        idx, vals, shape = _crossed(batch, cols, h)
        return idx, np.array(vals, np.int64), shape


NotDifferentiable("SparseCross")


def _cross_inputs(inputs, what: str):
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError(f"{what}: inputs must be a non-empty list of SparseTensors and "
                        "Tensors")
    sparse, dense = [], []
    for x in inputs:
        if isinstance(x, (SparseTensor, SparseTensorValue)):
            sparse.append(_sp(x, what))
        else:
            dense.append(convert_to_tensor(x))
    for t in [s.values for s in sparse] + dense:
        if t.dtype not in (dtypes.string, dtypes.int64):
            raise TypeError(f"{what}: inputs must hold int64 or string values, got "
                            f"{t.dtype.name}")
    ins = ([(f"indices_{i}", s.indices, _I64, None) for i, s in enumerate(sparse)] +
           [(f"values_{i}", s.values, None, None) for i, s in enumerate(sparse)] +
           [(f"shapes_{i}", s.dense_shape, _I64, None) for i, s in enumerate(sparse)] +
           [(f"dense_{i}", d, None, None) for i, d in enumerate(dense)])
    attrs = {"N": len(sparse), "sparse_types": tuple(s.dtype for s in sparse),
             "dense_types": tuple(d.dtype for d in dense)}
    return ins, attrs


def sparse_cross(inputs: Sequence[Any], name: Optional[str] = None,
                 separator: Optional[str] = None) -> SparseTensor:
    """String feature crosses of SparseTensor / dense string-or-int64 columns
    (`tf.sparse.cross`, op SparseCrossV2): per row, every combination of one value from each
    input, joined by `separator` (default "_X_").

    Args:
      inputs: SparseTensors and 2-D Tensors of one batch size.
      name: Op name.
      separator: The join string.

    Returns:
      A SparseTensor of bytes [batch, max combinations].
    """
    ins, attrs = _cross_inputs(inputs, "sparse.cross")
    ins.append(("sep", "_X_" if separator is None else separator, (dtypes.string,), None))
    return SparseTensor(*_gen_op("SparseCrossV2", name, ins, attrs).outputs)


def sparse_cross_hashed(inputs: Sequence[Any], num_buckets: int = 0, hash_key: Any = None,
                        name: Optional[str] = None) -> SparseTensor:
    """Hashed feature crosses (`tf.sparse.cross_hashed`, op SparseCross): the crosses of
    `tf.sparse.cross` as TF1's int64 FarmHash-based hashes, modulo `num_buckets` when > 0.
    Needs the optional `pyfarmhash` for string features.

    Args:
      inputs: SparseTensors and 2-D Tensors of one batch size.
      num_buckets: The number of hash buckets (0: the raw hash).
      hash_key: The hash seed (default TF1's 0xDECAFCAFFE).
      name: Op name.
    """
    ins, attrs = _cross_inputs(inputs, "sparse.cross_hashed")
    if dtypes.string in attrs["sparse_types"] + attrs["dense_types"]:
        _require_farmhash()   # refuse at build time, not at the first run
    attrs.update(hashed_output=True, num_buckets=int(num_buckets),
                 hash_key=_DEFAULT_HASH_KEY if hash_key is None else int(hash_key),
                 out_type=dtypes.int64, internal_type=dtypes.string)
    return SparseTensor(*_gen_op("SparseCross", name, ins, attrs).outputs)


__all__ = ["edit_distance", "string_split", "sparse_matmul",
           "convert_to_tensor_or_sparse_tensor"]
