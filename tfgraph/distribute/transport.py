"""Collectives on arrays: fused allreduce and broadcast, over MPI on the host or on a GPU.

Tensor fusion (Horovod's): the tensors of one allreduce are grouped by dtype into buckets of
at most `fusion_threshold` bytes; each bucket is concatenated into one contiguous buffer, sent
with one MPI call, and split back.  The latency of a step then grows with the number of
buckets (usually one per dtype), not with the number of variables.

Transports, picked per backend of the op:

* host (NumPy) arrays: mpi4py's buffer interface (`Allreduce`/`Bcast`, no pickling);
* CuPy arrays (untested here, no GPU), by ``TFGRAPH_MPI_GPU_TRANSPORT`` (default ``auto``):
  ``mpi-cuda`` hands device buffers to a CUDA-aware MPI (mpi4py reads
  ``__cuda_array_interface__``); ``nccl`` uses ``cupy.cuda.nccl``; ``host`` copies to the host
  and back.  ``auto`` takes the first that every rank supports, in that order;
* any other non-host backend (the test-only strict device): copies through the host.

Every rank must call the same collectives in the same order with the same shapes and dtypes,
and place them on the same kind of device.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import errors
from .runtime import State

SUM = "sum"
AVERAGE = "average"
GPU_TRANSPORT_ENV = "TFGRAPH_MPI_GPU_TRANSPORT"
_GPU_CHOICES = ("auto", "mpi-cuda", "nccl", "host")


# --- fusion plan ------------------------------------------------------------------------------
def fusion_buckets(nbytes: Sequence[int], keys: Sequence[Any], threshold: int) -> List[List[int]]:
    """Groups tensors into fusion buckets.

    Args:
      nbytes: Size in bytes of each tensor.
      keys: What must match inside a bucket (the dtype), per tensor.
      threshold: Largest bucket in bytes; a bigger tensor goes alone; 0 gives one tensor per
        bucket (fusion off).

    Returns:
      Lists of tensor indices, in a deterministic order (keys by first appearance, tensors in
      input order), so every rank makes the same MPI calls.
    """
    order: List[Any] = []
    by_key: dict = {}
    for i, k in enumerate(keys):
        if k not in by_key:
            by_key[k] = []
            order.append(k)
        by_key[k].append(i)
    out: List[List[int]] = []
    for k in order:
        current: List[int] = []
        used = 0
        for i in by_key[k]:
            if current and (threshold <= 0 or used + nbytes[i] > threshold):
                out.append(current)
                current, used = [], 0
            current.append(i)
            used += nbytes[i]
        if current:
            out.append(current)
    return out


# --- transports -------------------------------------------------------------------------------
class HostTransport:
    """NumPy buffers through mpi4py's uppercase (buffer) calls."""

    name = "mpi"

    def __init__(self, st: State):
        self._comm = st.comm
        self._MPI = st.MPI

    def allreduce(self, buf: Any) -> Any:
        self._comm.Allreduce(self._MPI.IN_PLACE, buf, op=self._MPI.SUM)
        return buf

    def bcast(self, buf: Any, root: int) -> Any:
        self._comm.Bcast(buf, root=root)
        return buf

    def close(self) -> None:
        pass


class StagedTransport:
    """Device buffers copied to the host, reduced there, and copied back."""

    name = "host-staged"

    def __init__(self, st: State, be: Any):
        self._host = HostTransport(st)
        self._be = be

    def _to_host(self, buf: Any) -> np.ndarray:
        # MPI writes into it: contiguous and writable (copies only when not already so)
        return np.require(self._be.to_host(buf), requirements=["C", "W"])

    def allreduce(self, buf: Any) -> Any:
        return self._be.from_host(self._host.allreduce(self._to_host(buf)))

    def bcast(self, buf: Any, root: int) -> Any:
        return self._be.from_host(self._host.bcast(self._to_host(buf), root))

    def close(self) -> None:
        pass


class CudaAwareMPITransport(HostTransport):
    """CuPy buffers handed to a CUDA-aware MPI (untested here: no GPU)."""

    name = "mpi-cuda"

    def __init__(self, st: State, cupy: Any):
        super().__init__(st)
        self._cupy = cupy

    def allreduce(self, buf: Any) -> Any:
        # MPI knows nothing of CuPy's stream: the kernels that wrote `buf` must be done.
        self._cupy.cuda.get_current_stream().synchronize()
        return super().allreduce(buf)

    def bcast(self, buf: Any, root: int) -> Any:
        self._cupy.cuda.get_current_stream().synchronize()
        return super().bcast(buf, root)


class NcclTransport:
    """CuPy buffers through NCCL (`cupy.cuda.nccl`), ordered on CuPy's current stream
    (untested here: no GPU)."""

    name = "nccl"

    def __init__(self, st: State, cupy: Any):
        from cupy.cuda import nccl
        self._cupy = cupy
        self._nccl = nccl
        # Setup only: the unique id is a small tuple, pickled once.
        uid = nccl.get_unique_id() if st.rank == 0 else None
        uid = st.comm.bcast(uid, root=0)
        self._comm = nccl.NcclCommunicator(st.size, uid, st.rank)
        self._types = {np.dtype(np.float16): nccl.NCCL_FLOAT16,
                       np.dtype(np.float32): nccl.NCCL_FLOAT32,
                       np.dtype(np.float64): nccl.NCCL_FLOAT64,
                       np.dtype(np.int32): nccl.NCCL_INT32,
                       np.dtype(np.int64): nccl.NCCL_INT64,
                       np.dtype(np.uint8): nccl.NCCL_UINT8}

    def allreduce(self, buf: Any) -> Any:
        stream = self._cupy.cuda.get_current_stream().ptr
        self._comm.allReduce(buf.data.ptr, buf.data.ptr, buf.size, self._types[buf.dtype],
                             self._nccl.NCCL_SUM, stream)
        return buf

    def bcast(self, buf: Any, root: int) -> Any:
        stream = self._cupy.cuda.get_current_stream().ptr
        self._comm.bcast(buf.data.ptr, buf.size, self._types[buf.dtype], root, stream)
        return buf

    def close(self) -> None:
        try:
            self._comm.destroy()
        except Exception:  # noqa: BLE001 - at shutdown
            pass


def _mpi_is_cuda_aware() -> bool:
    """Open MPI's MPIX_Query_cuda_support() (0 when the symbol is absent: other MPIs)."""
    try:
        import ctypes
        return bool(ctypes.CDLL(None).MPIX_Query_cuda_support())
    except Exception:  # noqa: BLE001
        return False


def _gpu_transport(st: State, be: Any) -> Any:
    """The transport for CuPy arrays, agreed on by every rank (a collective, run once)."""
    choice = os.environ.get(GPU_TRANSPORT_ENV, "auto").strip().lower() or "auto"
    if choice not in _GPU_CHOICES:
        raise ValueError(f"{GPU_TRANSPORT_ENV} must be one of {', '.join(_GPU_CHOICES)}; "
                         f"got {choice!r}")
    cupy = be.xp
    if choice == "auto":
        try:
            from cupy.cuda import nccl
            has_nccl = bool(getattr(nccl, "available", True))  # CuPy built without NCCL: False
        except Exception:  # noqa: BLE001
            has_nccl = False
        mine = np.array([int(_mpi_is_cuda_aware()), int(has_nccl)], dtype=np.int32)
        # Every rank must pick the same transport, or the collectives would not match.
        st.comm.Allreduce(st.MPI.IN_PLACE, mine, op=st.MPI.MIN)
        choice = "mpi-cuda" if mine[0] else "nccl" if mine[1] else "host"
    if choice == "mpi-cuda":
        return CudaAwareMPITransport(st, cupy)
    if choice == "nccl":
        return NcclTransport(st, cupy)
    return StagedTransport(st, be)


def transport_for(st: State, be: Any) -> Any:
    """The transport for arrays of backend `be` (created once per backend and process)."""
    t = st.transports.get(be.name)
    if t is None:
        if be.is_host:
            t = HostTransport(st)
        elif be.name == "cupy":
            t = _gpu_transport(st, be)
        else:
            t = StagedTransport(st, be)
        st.transports[be.name] = t
    return t


# --- the collectives ------------------------------------------------------------------------
def _wire_dtype(dtype: np.dtype) -> np.dtype:
    # MPI has no half-precision sum: float16 is reduced as float32 (exact for the sum of a
    # few float16 values, then rounded once).
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def allreduce(st: State, be: Any, arrays: Sequence[Any], op: str, threshold: int,
              buckets: Optional[List[List[int]]] = None, what: str = "allreduce") -> List[Any]:
    """Sums (or averages) each array over all ranks, fused into few MPI calls.

    Args:
      st: The runtime state.
      be: The backend of the arrays.
      arrays: The arrays (same shapes and dtypes on every rank).
      op: `SUM` or `AVERAGE` (integer averages round toward minus infinity).
      threshold: Fusion buffer size in bytes (0: no fusion).
      buckets: A precomputed `fusion_buckets` plan (static shapes), or None.
      what: Names the collective in stall warnings.

    Returns:
      One reduced array per input, of the same shape and dtype (views into the bucket buffer,
      fresh every call).
    """
    xp = be.xp
    if buckets is None:
        buckets = fusion_buckets([a.nbytes for a in arrays], [a.dtype for a in arrays],
                                 threshold)
    transport = transport_for(st, be)
    size = st.size
    outs: List[Any] = [None] * len(arrays)
    for idx in buckets:
        parts = [arrays[i] for i in idx]
        dtype = np.dtype(parts[0].dtype)
        buf = xp.concatenate([p.reshape(-1) for p in parts])  # a fresh buffer, fused
        wire = _wire_dtype(dtype)
        if wire != dtype:
            buf = buf.astype(wire)
        since = st.enter(what)
        try:
            buf = transport.allreduce(buf)
        finally:
            st.leave(since)
        st.stats.allreduce_calls += 1
        st.stats.allreduce_bytes += buf.nbytes
        if op == AVERAGE and size > 1:
            if dtype.kind == "f":
                buf /= size  # a Python int keeps the buffer's float dtype
            else:
                buf //= size
        if wire != dtype:
            buf = buf.astype(dtype)
        offset = 0
        for i, p in zip(idx, parts):
            outs[i] = buf[offset:offset + p.size].reshape(p.shape)
            offset += p.size
    return outs


def broadcast(st: State, be: Any, arrays: Sequence[Any], root: int, threshold: int,
              what: str = "broadcast") -> List[Any]:
    """Returns root's value of each array on every rank, fused into few MPI calls."""
    xp = be.xp
    buckets = fusion_buckets([a.nbytes for a in arrays], [np.dtype(a.dtype) for a in arrays],
                             threshold)
    transport = transport_for(st, be)
    outs: List[Any] = [None] * len(arrays)
    for idx in buckets:
        parts = [arrays[i] for i in idx]
        buf = xp.concatenate([p.reshape(-1) for p in parts])
        raw = buf.view(np.uint8)  # bytes: any dtype, float16 included, travels as is
        since = st.enter(what)
        try:
            raw = transport.bcast(raw, root)
        finally:
            st.leave(since)
        st.stats.bcast_calls += 1
        st.stats.bcast_bytes += raw.nbytes
        buf = raw.view(buf.dtype)
        offset = 0
        for i, p in zip(idx, parts):
            outs[i] = buf[offset:offset + p.size].reshape(p.shape)
            offset += p.size
    return outs


def check_collective(st: State, op: Any, detail: str, arrays: Sequence[Any],
                     device: str) -> None:
    """Checks, with one tiny allreduce, that every rank is about to run the same collective.

    Collectives are matched by op name, as Horovod matches them: the name, type, reduction or
    root, the device kind and every input's dtype and shape must agree, or the ranks would
    silently combine different tensors (or fail deep inside MPI on different sizes).  Every
    rank runs this before its data moves, so a mismatch fails on every rank, at once.

    Args:
      st: The runtime state.
      op: The collective `Operation`.
      detail: The reduction ("average") or root ("root 0") of the op.
      arrays: The input values of this run (their dtypes and shapes are checked).
      device: The backend name of the op on this rank.

    Raises:
      tf.errors.InvalidArgumentError: On every rank, naming each rank's op and inputs.
    """
    ident = (op.type, op.name, detail, device, tuple(str(np.dtype(a.dtype)) for a in arrays))
    shapes = [tuple(int(d) for d in a.shape) for a in arrays]
    digest = hashlib.blake2b(repr((ident, shapes)).encode(), digest_size=7).digest()
    d = int.from_bytes(digest, "little")
    pair = np.array([d, -d], dtype=np.int64)
    since = st.enter(f"{op.type} '{op.name}'")
    try:
        st.comm.Allreduce(st.MPI.IN_PLACE, pair, op=st.MPI.MAX)
    finally:
        st.leave(since)
    if pair[0] == -pair[1]:
        return
    # The error path only: every rank's description (pickled, small).
    everyone = st.comm.allgather((ident, shapes))
    if all(i == ident for i, _ in everyone):
        listing = "; ".join(f"rank {r}: {s}" for r, (_, s) in enumerate(everyone))
        raise errors.InvalidArgumentError(
            None, op, f"ranks disagree on the input shapes of {op.type} '{op.name}' (every rank "
                      f"must pass the same shapes): {listing}\n\t [[node {op.name}]]")
    listing = "; ".join(f"rank {r}: {_describe(i, s)}" for r, (i, s) in enumerate(everyone))
    raise errors.InvalidArgumentError(
        None, op, f"ranks ran different collectives (they are matched by name, in order: every "
                  f"rank must run the same collective ops, with the same names, the same number "
                  f"of times): {listing}\n\t [[node {op.name}]]")


def _describe(ident: Tuple, shapes: Sequence[Tuple[int, ...]]) -> str:
    op_type, name, detail, device, dtypes = ident
    inputs = [f"{dt}{list(s)}" for dt, s in zip(dtypes, shapes)]
    if len(inputs) > 6:
        inputs = inputs[:6] + [f"... {len(shapes)} inputs"]
    return f"{op_type} '{name}' ({detail}, {device}; {', '.join(inputs)})"
