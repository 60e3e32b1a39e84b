"""`tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr`: while loops over the first dimension of
`elems`, reading them from TensorArrays and writing results to TensorArrays, as TF1 builds
them (scopes "map", "scan", "foldl", "foldr"); their gradients are the loops' gradients."""
from __future__ import annotations

from typing import Any, Callable, List, Optional

from ..framework import dtypes
from ..framework.constant import constant, convert_to_tensor, name_scope
from ..framework.tensor_shape import TensorShape, dimension_value
from ..util import nest
from .array_ops import shape
from .tensor_array_ops import TensorArray
from .while_v1 import while_loop


def _elems_setup(elems: Any, name: str):
    flat = [convert_to_tensor(e, name="elem") for e in nest.flatten(elems)]
    if not flat:
        raise ValueError(f"{name}: elems must hold at least one tensor")
    for e in flat:
        if e.shape.ndims == 0:
            raise ValueError(f"{name}: elements in elems must be 1+ dimensional, got "
                             f"{e.name} of shape {e.shape}")
    n_static = dimension_value(flat[0].shape[0]) if flat[0].shape.ndims else None
    for e in flat[1:]:
        d = dimension_value(e.shape[0]) if e.shape.ndims else None
        if n_static is not None and d is not None and d != n_static:
            raise ValueError(f"{name}: all elems must have the same first dimension: "
                             f"{flat[0].name} has {n_static}, {e.name} has {d}")
    n = constant(n_static, dtype=dtypes.int32) if n_static is not None else shape(flat[0])[0]
    tas = [TensorArray(dtype=e.dtype, size=n, dynamic_size=False, infer_shape=True,
                       element_shape=e.shape[1:] if e.shape.ndims else None).unstack(e)
           for e in flat]
    return flat, n, n_static, tas


def _check_callable(fn: Callable, name: str) -> None:
    if not callable(fn):
        raise TypeError(f"{name}: fn must be callable, got {fn!r}")


def _set_first_dim(results: List[Any], n_static: Optional[int]) -> None:
    for r in results:
        if r.shape.ndims:
            r.set_shape(TensorShape([n_static]).concatenate(r.shape[1:]))


def map_fn(fn: Callable, elems: Any, dtype: Any = None, parallel_iterations: Optional[int] = None,
           back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
           name: Optional[str] = None) -> Any:
    """Applies `fn` to each slice of `elems` along axis 0 and stacks the results (`tf.map_fn`).

    Args:
      fn: Called with one slice (the structure of `elems`); returns the structure of `dtype`.
      elems: A tensor or a (nested) structure of tensors with the same first dimension.
      dtype: The output structure of dtypes when it differs from `elems`'.
      parallel_iterations, swap_memory: Accepted (iterations run in order).
      back_prop: False: no gradient through the loop.
      infer_shape: Results have one static shape.
      name: Name scope (default "map").

    Returns:
      The stacked results.

    Raises:
      TypeError: If `fn` is not callable.
      ValueError: If `elems` is empty or its first dimensions differ, or `fn` returns a
        structure that does not match `dtype`.
    """
    _check_callable(fn, "map_fn")
    with name_scope(name, "map", nest.flatten(elems)):
        flat, n, n_static, elems_ta = _elems_setup(elems, "map_fn")
        out_struct = elems if dtype is None else dtype
        out_dtypes = [e.dtype for e in flat] if dtype is None else \
            [dtypes.as_dtype(d) for d in nest.flatten(dtype)]
        accs = [TensorArray(dtype=d, size=n, dynamic_size=False, infer_shape=infer_shape)
                for d in out_dtypes]

        def compute(i, tas):
            packed = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            out = fn(packed)
            if not nest.same_structure(out_struct, out) and not (
                    len(out_dtypes) == 1 and not nest.is_sequence(out)):
                raise ValueError(f"map_fn: fn returned a structure that does not match dtype: "
                                 f"expected {out_struct!r}, got {out!r}")
            flat_out = nest.flatten(out)
            tas = [ta.write(i, v) for ta, v in zip(tas, flat_out)]
            return i + 1, tas
        _, r_a = while_loop(lambda i, _: i < n, compute, (constant(0), accs),
                            parallel_iterations=parallel_iterations or 10, back_prop=back_prop,
                            swap_memory=swap_memory, maximum_iterations=n)
        results = [r.stack() for r in r_a]
        _set_first_dim(results, n_static)
        return nest.pack_sequence_as(out_struct, results)


def scan(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
         back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
         reverse: bool = False, name: Optional[str] = None) -> Any:
    """Cumulative `a = fn(a, x)` over the slices of `elems`, stacking every `a` (`tf.scan`).

    Args:
      fn: `fn(accumulator, element)` -> the new accumulator (structure of `initializer`, or
        of `elems` without one).
      elems: A tensor or structure of tensors, scanned along axis 0.
      initializer: The first accumulator (default: the first element, which is also the
        first output).
      reverse: Scan from the last element to the first.
      name: Name scope (default "scan").

    Returns:
      The stacked accumulators.
    """
    _check_callable(fn, "scan")
    with name_scope(name, "scan", nest.flatten(elems)):
        flat, n, n_static, elems_ta = _elems_setup(elems, "scan")
        if initializer is None:
            a_struct = elems
            first = n - 1 if reverse else 0
            a_flat = [ta.read(first) for ta in elems_ta]
            i0 = 1
        else:
            a_struct = initializer
            a_flat = [convert_to_tensor(a) for a in nest.flatten(initializer)]
            i0 = 0
        accs = [TensorArray(dtype=a.dtype, size=n, dynamic_size=False, infer_shape=infer_shape,
                            element_shape=a.shape if infer_shape else None) for a in a_flat]
        if initializer is None:
            accs = [ta.write(n - 1 if reverse else 0, a) for ta, a in zip(accs, a_flat)]

        def compute(i, a_flat, tas):
            packed_elems = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            packed_a = nest.pack_sequence_as(a_struct, list(a_flat))
            a_out = fn(packed_a, packed_elems)
            if not nest.same_structure(a_struct, a_out):
                raise ValueError(f"scan: fn returned a structure {a_out!r} that does not "
                                 f"match the accumulator's {a_struct!r}")
            flat_out = [convert_to_tensor(v) for v in nest.flatten(a_out)]
            tas = [ta.write(i, v) for ta, v in zip(tas, flat_out)]
            return (i - 1 if reverse else i + 1), flat_out, tas
        if reverse:
            start = n - 1 - i0

            def cond(i, _a, _t):
                return i >= 0
        else:
            start = constant(i0)

            def cond(i, _a, _t):
                return i < n
        _, _, r_a = while_loop(cond, compute, (start, a_flat, accs),
                               parallel_iterations=parallel_iterations, back_prop=back_prop,
                               swap_memory=swap_memory, maximum_iterations=n)
        results = [r.stack() for r in r_a]
        _set_first_dim(results, n_static)
        return nest.pack_sequence_as(a_struct, results)


def _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name, default,
          reverse):
    _check_callable(fn, default)
    with name_scope(name, default, nest.flatten(elems)):
        flat, n, _, elems_ta = _elems_setup(elems, default)
        if initializer is None:
            a_struct = elems
            a = [ta.read(n - 1 if reverse else 0) for ta in elems_ta]
            i0 = 1
        else:
            a_struct = initializer
            a = [convert_to_tensor(v) for v in nest.flatten(initializer)]
            i0 = 0

        def compute(i, a_flat):
            packed_elems = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            out = fn(nest.pack_sequence_as(a_struct, list(a_flat)), packed_elems)
            if not nest.same_structure(a_struct, out):
                raise ValueError(f"{default}: fn returned a structure {out!r} that does not "
                                 f"match the accumulator's {a_struct!r}")
            return (i - 1 if reverse else i + 1), [convert_to_tensor(v)
                                                    for v in nest.flatten(out)]
        if reverse:
            start = n - 1 - i0

            def cond(i, _a):
                return i >= 0
        else:
            start = constant(i0)

            def cond(i, _a):
                return i < n
        _, r_a = while_loop(cond, compute, [start, a], parallel_iterations=parallel_iterations,
                            back_prop=back_prop, swap_memory=swap_memory, maximum_iterations=n)
        return nest.pack_sequence_as(a_struct, r_a)


def foldl(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: Optional[str] = None) -> Any:
    """`a = fn(a, x)` over the slices of `elems` from first to last; returns the last `a`
    (`tf.foldl`; without `initializer` the first element starts)."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name,
                 "foldl", reverse=False)


def foldr(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: Optional[str] = None) -> Any:
    """`a = fn(a, x)` over the slices of `elems` from last to first (`tf.foldr`)."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name,
                 "foldr", reverse=True)


__all__ = ["map_fn", "scan", "foldl", "foldr"]
