"""`tf.data.Dataset` and its transformations (TF1 graph-mode semantics).

A `Dataset` is a Python description of a pipeline, built on graph tensors: the tensors it
was made from (`from_tensor_slices`' arrays, a `batch` size, a placeholder of file names, the
captured inputs of a `map` function) are listed by `_inputs()`, and become inputs of the op
that initializes an iterator. When that op runs, the session computes their values and the
dataset's `_iter(rt)` generators produce elements from them: a flat list of NumPy arrays per
element (see `structure`). Functions (`map`, `filter`, `flat_map`, ...) are traced into their
own graph once, at construction, and run per element (see `function`).
"""
from __future__ import annotations

import glob
import itertools
import os
from typing import Any, Callable, Iterator, List, Optional, Sequence

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..framework.tensor_shape import TensorShape, as_shape, unknown_shape
from . import structure as nest
from .function import Function
from .runtime import Prefetcher, Runtime, parallel_map

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


def _int64_input(value: Any, name: str) -> Tensor:
    return convert_to_tensor(value, dtype=dtypes.int64, name=name) if not isinstance(value, Tensor) \
        else _as_int64(value, name)


def _as_int64(t: Tensor, name: str) -> Tensor:
    if t.dtype is dtypes.int64:
        return t
    if t.dtype in (dtypes.int32,):
        from ..ops import math_ops
        return math_ops.cast(t, dtypes.int64, name=name)
    raise TypeError(f"{name} must be an integer tensor, got {t.dtype.name}")


def _scalar(rt: Runtime, t: Tensor) -> int:
    return int(np.asarray(rt.value(t)).reshape(()))


def _most_specific(a: TensorShape, b: TensorShape) -> TensorShape:
    """The most specific shape compatible with both (None where they differ)."""
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return unknown_shape()
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


def _shape_list(s: Sequence[int]) -> str:
    return "[" + ",".join(str(d) for d in s) + "]"


class Dataset(nest.HasStructure):
    """A sequence of elements, each a nest of tensors (`tf.data.Dataset`).

    Build with the static constructors (`from_tensor_slices`, `range`, ...) and chain
    transformations (`map`, `shuffle`, `batch`, ...); read through an iterator
    (`make_one_shot_iterator()`, `make_initializable_iterator()`).
    """

    # --- structure (output_types / output_shapes / output_classes: HasStructure) ------------
    def _flat_types(self) -> List[dtypes.DType]:
        return nest.flatten(self._types)

    def _flat_shapes(self) -> List[TensorShape]:
        return nest.flatten(self._shapes)

    # --- run time -----------------------------------------------------------------------
    def _inputs(self) -> List[Tensor]:
        """The graph tensors this dataset (and its inputs) needs values of."""
        raise NotImplementedError

    def _iter(self, rt: Runtime) -> Iterator[List[Any]]:
        raise NotImplementedError

    def _indexed(self, rt: Runtime):
        """`(arrays, row indices)` when every element is row `i` of `arrays` (slices, maybe
        shuffled): `batch` then gathers a batch with one fancy index per component instead
        of stacking row views. None otherwise."""
        return None

    @staticmethod
    def _unique(tensors: Sequence[Tensor]) -> List[Tensor]:
        return list(dict.fromkeys(tensors))

    # --- iterators ----------------------------------------------------------------------
    def make_one_shot_iterator(self):
        """An iterator that initializes itself on first use (`tf.data.make_one_shot_iterator`)."""
        from .iterator_ops import make_one_shot_iterator
        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name: Optional[str] = None):
        """An iterator to be initialized by running its `initializer` (placeholders in the
        dataset are fed then)."""
        from .iterator_ops import make_initializable_iterator
        return make_initializable_iterator(self, shared_name)

    def __iter__(self):
        raise RuntimeError("__iter__() is only supported inside of tf.function or when eager "
                           "execution is enabled; use make_one_shot_iterator().get_next()")

    # --- constructors -------------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors: Any) -> "Dataset":
        """A dataset of one element, `tensors`."""
        return TensorDataset(tensors)

    @staticmethod
    def from_tensor_slices(tensors: Any) -> "Dataset":
        """A dataset of the slices of `tensors` along their first dimension."""
        return TensorSliceDataset(tensors)

    @staticmethod
    def from_generator(generator: Callable, output_types: Any, output_shapes: Any = None,
                       args: Any = None) -> "Dataset":
        """A dataset of the elements a Python generator yields (`generator(*args)` is called
        anew for each iteration)."""
        return GeneratorDataset(generator, output_types, output_shapes, args)

    @staticmethod
    def range(*args: Any) -> "Dataset":
        """`range(stop)`, `range(start, stop[, step])` as int64 scalars."""
        return RangeDataset(*args)

    @staticmethod
    def zip(datasets: Any) -> "Dataset":
        """Elements of a tuple/dict of datasets side by side; stops with the shortest."""
        return ZipDataset(datasets)

    @staticmethod
    def list_files(file_pattern: Any, shuffle: Optional[bool] = None,
                   seed: Optional[int] = None) -> "Dataset":
        """The file names matching glob pattern(s), shuffled by default (TF1)."""
        ds: Dataset = _ListFilesDataset(file_pattern)
        if shuffle is None or shuffle:
            ds = ds.shuffle(2 ** 31 - 1, seed=seed)
        return ds

    # --- transformations ----------------------------------------------------------------
    def concatenate(self, dataset: "Dataset") -> "Dataset":
        return ConcatenateDataset(self, dataset)

    def map(self, map_func: Callable, num_parallel_calls: Optional[int] = None) -> "Dataset":
        """Applies `map_func` (graph ops on the element's tensors) to every element;
        `num_parallel_calls` elements are processed in parallel threads, order kept."""
        return MapDataset(self, map_func, num_parallel_calls)

    def filter(self, predicate: Callable) -> "Dataset":
        return FilterDataset(self, predicate)

    def flat_map(self, map_func: Callable) -> "Dataset":
        return FlatMapDataset(self, map_func)

    def interleave(self, map_func: Callable, cycle_length: Any = AUTOTUNE, block_length: Any = 1,
                   num_parallel_calls: Optional[int] = None) -> "Dataset":
        return InterleaveDataset(self, map_func, cycle_length, block_length)

    def batch(self, batch_size: Any, drop_remainder: bool = False) -> "Dataset":
        return BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size: Any, padded_shapes: Any = None, padding_values: Any = None,
                     drop_remainder: bool = False) -> "Dataset":
        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self) -> "Dataset":
        return UnbatchDataset(self)

    def shuffle(self, buffer_size: Any, seed: Optional[int] = None,
                reshuffle_each_iteration: Optional[bool] = None) -> "Dataset":
        return ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count: Any = None) -> "Dataset":
        return RepeatDataset(self, count)

    def take(self, count: Any) -> "Dataset":
        return TakeDataset(self, count)

    def skip(self, count: Any) -> "Dataset":
        return SkipDataset(self, count)

    def cache(self, filename: Any = "") -> "Dataset":
        return CacheDataset(self, filename)

    def prefetch(self, buffer_size: Any) -> "Dataset":
        return PrefetchDataset(self, buffer_size)

    def apply(self, transformation_func: Callable[["Dataset"], "Dataset"]) -> "Dataset":
        ds = transformation_func(self)
        if not isinstance(ds, Dataset):
            raise TypeError("`transformation_func` must return a Dataset.")
        return ds

    def shard(self, num_shards: Any, index: Any) -> "Dataset":
        return ShardDataset(self, num_shards, index)

    def with_options(self, options: Any) -> "Dataset":
        return self

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} shapes: {self._shapes}, types: "
                f"{nest.map_structure(lambda t: t.name, self._types)}>")


class _Unary(Dataset):
    """A transformation of one dataset; `scalars` (name -> value) become int64 scalar tensors
    `self._<name>` among its inputs."""

    def __init__(self, input_dataset: Dataset, **scalars: Any):
        if not isinstance(input_dataset, Dataset):
            raise TypeError(f"expected a tf.data.Dataset, got {type(input_dataset).__name__}")
        self._input = input_dataset
        self._types = input_dataset._types
        self._shapes = input_dataset._shapes
        self._classes = input_dataset._classes
        self._scalar_inputs = []
        for name, value in scalars.items():
            t = _int64_input(value, name)
            setattr(self, f"_{name}", t)
            self._scalar_inputs.append(t)

    def _inputs(self) -> List[Tensor]:
        return self._unique(self._input._inputs() + self._scalar_inputs)


# --- sources ------------------------------------------------------------------------------------
def _refuse_sparse(tensors: Any, what: str) -> None:
    if any(type(x).__name__ == "SparseTensor" for x in nest.flatten(tensors)):
        raise TypeError(f"{what} of a SparseTensor is not supported by tfgraph; parse sparse "
                        "features inside map() instead")


class TensorDataset(Dataset):
    def __init__(self, tensors: Any):
        _refuse_sparse(tensors, "Dataset.from_tensors")
        with get_default_graph().name_scope("tensors"):
            flat = [convert_to_tensor(x, name=f"component_{i}")
                    for i, x in enumerate(nest.flatten(tensors))]
        self._tensors = flat
        self._types = nest.pack_as(tensors, [t.dtype for t in flat])
        self._shapes = nest.pack_as(tensors, [t.shape for t in flat])

    def _inputs(self):
        return self._unique(self._tensors)

    def _iter(self, rt):
        yield [nest.as_array(rt.value(t), t.dtype) for t in self._tensors]


class TensorSliceDataset(Dataset):
    def __init__(self, tensors: Any):
        _refuse_sparse(tensors, "Dataset.from_tensor_slices")
        with get_default_graph().name_scope("tensors"):
            flat = [convert_to_tensor(x, name=f"component_{i}")
                    for i, x in enumerate(nest.flatten(tensors))]
        if not flat:
            raise ValueError("from_tensor_slices needs at least one tensor")
        first = None
        for t in flat:
            if t.shape.ndims == 0:
                raise ValueError(f"Unbatching a tensor is only supported for rank >= 1: "
                                 f"{t.name} is a scalar")
            if t.shape.ndims is not None and t.shape.as_list()[0] is not None:
                d = t.shape.as_list()[0]
                if first is not None and d != first:
                    raise ValueError(f"Dimensions {first} and {d} are not compatible: all "
                                     "components of from_tensor_slices need the same first "
                                     "dimension")
                first = d
        self._tensors = flat
        self._types = nest.pack_as(tensors, [t.dtype for t in flat])
        self._shapes = nest.pack_as(tensors, [t.shape[1:] if t.shape.ndims is not None
                                              else unknown_shape() for t in flat])

    def _inputs(self):
        return self._unique(self._tensors)

    def _values(self, rt):
        vals = [nest.as_array(rt.value(t), t.dtype) for t in self._tensors]
        n = len(vals[0])
        for t, v in zip(self._tensors, vals):
            if len(v) != n:
                raise errors.InvalidArgumentError(
                    None, None, f"All components of from_tensor_slices must have the same first "
                                f"dimension: {self._tensors[0].name} has {n}, {t.name} has {len(v)}")
        return vals, n

    def _indexed(self, rt):
        vals, n = self._values(rt)
        return vals, iter(range(n))

    def _iter(self, rt):
        vals, n = self._values(rt)
        strings = [t.dtype is dtypes.string and v.ndim == 1 for t, v in zip(self._tensors, vals)]
        if not any(strings):
            if len(vals) == 1:
                v0 = vals[0]
                for i in range(n):
                    yield [v0[i]]
            else:
                for i in range(n):
                    yield [v[i] for v in vals]
            return
        for i in range(n):
            yield [nest.as_array(v[i], dtypes.string) if s else v[i] for v, s in zip(vals, strings)]


class RangeDataset(Dataset):
    def __init__(self, *args: Any):
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Dataset.range takes 1 to 3 arguments, got {len(args)}")
        if len(args) == 1:
            args = (0, args[0], 1)
        elif len(args) == 2:
            args = (args[0], args[1], 1)
        self._args = [_int64_input(a, n) for a, n in zip(args, ("start", "stop", "step"))]
        self._types = dtypes.int64
        self._shapes = TensorShape([])

    def _inputs(self):
        return self._unique(self._args)

    def _iter(self, rt):
        start, stop, step = (_scalar(rt, t) for t in self._args)
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        for i in range(start, stop, step):
            yield [np.int64(i)]


class GeneratorDataset(Dataset):
    def __init__(self, generator, output_types, output_shapes=None, args=None):
        if not callable(generator):
            raise TypeError("`generator` must be callable.")
        self._generator = generator
        self._types, self._shapes = nest.normalize_structure(output_types, output_shapes)
        self._args = [convert_to_tensor(a, name=f"generator_arg_{i}")
                      for i, a in enumerate(args or ())]

    def _inputs(self):
        return self._unique(self._args)

    def _iter(self, rt):
        args = [rt.value(t) for t in self._args]
        args = [a.item() if isinstance(a, np.ndarray) and a.ndim == 0 and a.dtype != object else
                (a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a) for a in args]
        types = self._flat_types()
        shapes = self._flat_shapes()
        try:
            gen = iter(self._generator(*args))
        except Exception as e:  # noqa: BLE001 - surfaced from get_next
            raise _py_error(e, "generator") from e
        while True:
            try:
                value = next(gen)
            except StopIteration:
                return
            except Exception as e:  # noqa: BLE001
                raise _py_error(e, "generator") from e
            try:
                flat = nest.flatten_up_to(self._types, value)
                arrs = [nest.as_array(v, t) for v, t in zip(flat, types)]
            except (TypeError, ValueError) as e:
                raise errors.InvalidArgumentError(
                    None, None, f"TypeError: `generator` yielded an element that could not be "
                                f"converted to the expected type: {e}") from e
            for a, s in zip(arrs, shapes):
                if not s.is_compatible_with(a.shape):
                    raise errors.InvalidArgumentError(
                        None, None, f"`generator` yielded an element of shape "
                                    f"{_shape_list(a.shape)} where an element of shape {s} was "
                                    "expected.")
            yield arrs


def _py_error(e: Exception, what: str) -> errors.OpError:
    text = f"{type(e).__name__}: {e}"
    if isinstance(e, errors.OpError):
        return e
    if isinstance(e, (ValueError, TypeError)):
        return errors.InvalidArgumentError(None, None, f"{text} (raised by the {what})")
    return errors.UnknownError(None, None, f"{text} (raised by the {what})")


class ZipDataset(Dataset):
    def __init__(self, datasets: Any):
        flat = nest.flatten(datasets)
        if not nest.is_structure(datasets) or not all(isinstance(d, Dataset) for d in flat):
            raise TypeError("Dataset.zip needs a (nested) tuple or dict of datasets")
        self._datasets = flat
        self._types = nest.pack_as(datasets, [d._types for d in flat])
        self._shapes = nest.pack_as(datasets, [d._shapes for d in flat])
        self._classes = nest.classes_or_none(nest.pack_as(datasets, [d.output_classes for d in flat]))

    def _inputs(self):
        return self._unique([t for d in self._datasets for t in d._inputs()])

    def _iter(self, rt):
        its = [d._iter(rt) for d in self._datasets]
        for parts in zip(*its):
            yield [x for p in parts for x in p]


class ConcatenateDataset(Dataset):
    def __init__(self, a: Dataset, b: Dataset):
        if not nest.same_structure(a._types, b._types) or \
                nest.flatten(a._types) != nest.flatten(b._types):
            raise TypeError(f"Two datasets to concatenate have different types "
                            f"{a._types} and {b._types}")
        if nest.flatten(a.output_classes) != nest.flatten(b.output_classes):
            raise TypeError(f"Two datasets to concatenate have different classes "
                            f"{a.output_classes} and {b.output_classes}")
        self._a, self._b = a, b
        self._types = a._types
        self._classes = a._classes
        self._shapes = nest.map_structure(_most_specific, a._shapes, b._shapes)

    def _inputs(self):
        return self._unique(self._a._inputs() + self._b._inputs())

    def _iter(self, rt):
        yield from self._a._iter(rt)
        yield from self._b._iter(rt)


class _ListFilesDataset(Dataset):
    def __init__(self, pattern: Any):
        self._pattern = convert_to_tensor(pattern, dtype=dtypes.string, name="file_pattern")
        self._types = dtypes.string
        self._shapes = TensorShape([])

    def _inputs(self):
        return [self._pattern]

    def _iter(self, rt):
        pats = [p.decode("utf-8") if isinstance(p, bytes) else str(p)
                for p in np.asarray(rt.value(self._pattern)).reshape(-1)]
        names: List[str] = []
        for p in pats:
            names += sorted(glob.glob(p))
        if not names:
            raise errors.InvalidArgumentError(
                None, None, f"Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. "
                            f"Summarized data: b'No files matched pattern: {', '.join(pats)}'")
        for n in names:
            yield [nest.as_array(n.encode("utf-8"), dtypes.string)]


# --- functions ----------------------------------------------------------------------------------
class MapDataset(_Unary):
    def __init__(self, input_dataset, map_func, num_parallel_calls=None):
        super().__init__(input_dataset)
        self._func = Function(map_func, input_dataset._types, input_dataset._shapes, "map",
                              classes=input_dataset._classes)
        self._types = self._func.output_types
        self._shapes = self._func.output_shapes
        self._classes = self._func.output_classes
        if num_parallel_calls is not None and not isinstance(num_parallel_calls, Tensor):
            n = int(num_parallel_calls)
            if n == AUTOTUNE:
                n = os.cpu_count() or 1
            elif n < 1:
                raise ValueError(f"num_parallel_calls must be positive or AUTOTUNE, got {n}")
            self._parallel = n
        elif isinstance(num_parallel_calls, Tensor):
            self._parallel = num_parallel_calls
        else:
            self._parallel = 1

    def _inputs(self):
        extra = [self._parallel] if isinstance(self._parallel, Tensor) else []
        return self._unique(self._input._inputs() + self._func.outer_tensors() + extra)

    def _iter(self, rt):
        func = self._func
        caps = [rt.value(t) for t in func.capture_sources]
        runner = rt.runner(func)
        outs = func.outputs

        sparse = func.output_sparse

        def apply(x):
            vals = runner(x, caps)
            return [v if sp else nest.as_array(v, t.dtype) for v, t, sp in zip(vals, outs, sparse)]

        n = self._parallel
        if isinstance(n, Tensor):
            n = _scalar(rt, n)
            n = (os.cpu_count() or 1) if n == AUTOTUNE else max(1, n)
        source = self._input._iter(rt)
        if n <= 1:
            for x in source:
                yield apply(x)
        else:
            yield from parallel_map(source, apply, n, rt)


class FilterDataset(_Unary):
    def __init__(self, input_dataset, predicate):
        super().__init__(input_dataset)
        self._func = Function(predicate, input_dataset._types, input_dataset._shapes, "filter",
                              classes=input_dataset._classes)
        out = self._func.outputs
        if len(out) != 1 or out[0].dtype is not dtypes.bool or out[0].shape.ndims not in (None, 0):
            raise ValueError("`predicate` return type must be convertible to a scalar boolean "
                             f"tensor, got {[f'{t.dtype.name} {t.shape}' for t in out]}")

    def _inputs(self):
        return self._unique(self._input._inputs() + self._func.outer_tensors())

    def _iter(self, rt):
        func = self._func
        caps = [rt.value(t) for t in func.capture_sources]
        runner = rt.runner(func)
        for x in self._input._iter(rt):
            if bool(runner(x, caps)[0]):
                yield x


class FlatMapDataset(_Unary):
    def __init__(self, input_dataset, map_func, name="flat_map"):
        super().__init__(input_dataset)
        self._func = Function(map_func, input_dataset._types, input_dataset._shapes, name,
                              dataset_class=Dataset, classes=input_dataset._classes)
        inner = self._func.output
        self._types = inner._types
        self._shapes = inner._shapes
        self._classes = inner._classes

    def _inputs(self):
        return self._unique(self._input._inputs() + self._func.outer_tensors())

    def _inner_iter(self, rt, runner, caps, x):
        func = self._func
        vals = runner(x, caps) if func.outputs else []
        args = nest.expand_slots(x, func.arg_sparse)
        child = rt.child(dict(zip(func.outputs, vals)) | dict(zip(func.args, args))
                         | dict(zip(func.capture_placeholders, caps)))
        return func.output._iter(child)

    def _iter(self, rt):
        func = self._func
        caps = [rt.value(t) for t in func.capture_sources]
        runner = rt.runner(func)
        for x in self._input._iter(rt):
            yield from self._inner_iter(rt, runner, caps, x)


class InterleaveDataset(FlatMapDataset):
    def __init__(self, input_dataset, map_func, cycle_length, block_length):
        super().__init__(input_dataset, map_func, "interleave")
        self._cycle = _int64_input(cycle_length, "cycle_length")
        self._block = _int64_input(block_length, "block_length")

    def _inputs(self):
        return self._unique(super()._inputs() + [self._cycle, self._block])

    def _iter(self, rt):
        func = self._func
        caps = [rt.value(t) for t in func.capture_sources]
        runner = rt.runner(func)
        cycle = _scalar(rt, self._cycle)
        if cycle == AUTOTUNE:
            cycle = os.cpu_count() or 1
        block = _scalar(rt, self._block)
        if cycle < 1 or block < 1:
            raise errors.InvalidArgumentError(None, None, "cycle_length and block_length must be "
                                                          "positive")
        # TF1's InterleaveDatasetOp loop: slots are refilled lazily, when the cycle reaches them.
        source = self._input._iter(rt)
        current: List[Optional[Iterator]] = [None] * cycle
        ci = bi = num_open = 0
        end_of_input = False
        while not end_of_input or num_open > 0:
            it = current[ci]
            if it is not None:
                x = next(it, None)
                if x is not None:
                    bi += 1
                    if bi == block:
                        ci, bi = (ci + 1) % cycle, 0
                    yield x
                    continue
                current[ci] = None
                num_open -= 1
                ci, bi = (ci + 1) % cycle, 0
            elif not end_of_input:
                x = next(source, None)
                if x is None:
                    end_of_input = True
                else:
                    current[ci] = self._inner_iter(rt, runner, caps, x)
                    num_open += 1
            else:
                ci, bi = (ci + 1) % cycle, 0


# --- batching -----------------------------------------------------------------------------------
def _batch_shape(s: TensorShape, n: Optional[int]) -> TensorShape:
    return TensorShape([n]).concatenate(s) if s.ndims is not None else unknown_shape()


def _stack_sparse(comps: List[Any]) -> Any:
    """Sparse components batched: a batch index prepended to the indices, the dense shape
    the largest along each dimension (TF1's batching of SparseTensors)."""
    from ..framework.sparse_tensor import SparseTensorValue
    idx = [np.concatenate([np.full((len(c.indices), 1), b, np.int64),
                           np.asarray(c.indices, np.int64)], axis=1) for b, c in enumerate(comps)]
    shape = np.max(np.stack([np.asarray(c.dense_shape, np.int64) for c in comps]), axis=0)
    return SparseTensorValue(np.concatenate(idx), np.concatenate([np.asarray(c.values) for c in comps]),
                             np.concatenate([[len(comps)], shape]).astype(np.int64))


def _stack(items: List[List[Any]], types: List[dtypes.DType], sparse: List[bool]) -> List[Any]:
    out = []
    for j, dt in enumerate(types):
        comps = [x[j] for x in items]
        if sparse[j]:
            out.append(_stack_sparse(comps))
            continue
        if dt is not dtypes.string:
            try:  # np.stack checks that the shapes agree
                out.append(np.stack(comps).astype(dt.np_dtype, copy=False))
                continue
            except ValueError:
                pass
        s0 = np.shape(comps[0])
        for k, c in enumerate(comps):
            if np.shape(c) != s0:
                raise errors.InvalidArgumentError(
                    None, None, f"Cannot batch tensors with different shapes in component {j}. "
                                f"First element had shape {_shape_list(s0)} and element {k} had "
                                f"shape {_shape_list(np.shape(c))}. Consider padded_batch for "
                                "elements of different shapes.")
        a = np.empty((len(comps),) + s0, object if dt is dtypes.string else dt.np_dtype)
        for k, c in enumerate(comps):
            a[k, ...] = c
        out.append(a)
    return out


class BatchDataset(_Unary):
    def __init__(self, input_dataset, batch_size, drop_remainder=False):
        super().__init__(input_dataset)
        self._size = _int64_input(batch_size, "batch_size")
        self._drop = bool(drop_remainder)
        from ..ops.array_ops import constant_value
        static = constant_value(self._size)
        n = int(static) if (self._drop and static is not None) else None
        self._shapes = nest.map_structure(lambda s: _batch_shape(s, n), input_dataset._shapes)

    def _inputs(self):
        return self._unique(self._input._inputs() + [self._size])

    def _iter(self, rt):
        n = _scalar(rt, self._size)
        if n <= 0:
            raise errors.InvalidArgumentError(None, None, f"Batch size must be greater than zero, "
                                                          f"got {n}")
        types = self._input._flat_types()
        sparse = self._input._flat_sparse()
        indexed = self._input._indexed(rt)
        if indexed is not None:  # rows of arrays: one gather per component and batch
            vals, rows = indexed
            while True:
                idx = list(itertools.islice(rows, n))
                if not idx or (self._drop and len(idx) < n):
                    return
                yield [v[idx] for v in vals]
        it = self._input._iter(rt)
        while True:
            items = list(itertools.islice(it, n))
            if not items or (self._drop and len(items) < n):
                return
            yield _stack(items, types, sparse)


class PaddedBatchDataset(_Unary):
    def __init__(self, input_dataset, batch_size, padded_shapes=None, padding_values=None,
                 drop_remainder=False):
        super().__init__(input_dataset)
        self._size = _int64_input(batch_size, "batch_size")
        self._drop = bool(drop_remainder)
        if any(input_dataset._flat_sparse()):
            raise TypeError("padded_batch of SparseTensor components is not supported; "
                            "use batch()")
        in_shapes = input_dataset._flat_shapes()
        if padded_shapes is None:
            padded = in_shapes
        else:
            ps = nest.shape_structure(padded_shapes) if nest.is_structure(input_dataset._types) \
                else as_shape(padded_shapes)
            padded = [as_shape(p) for p in nest.flatten(ps)]
            if len(padded) != len(in_shapes):
                raise ValueError("padded_shapes must have the structure of the dataset's elements")
        for p, s in zip(padded, in_shapes):
            if p.ndims is None or (s.ndims is not None and p.ndims != s.ndims) or \
                    any(a is not None and b is not None and a < b
                        for a, b in zip(p.as_list(), s.as_list() if s.ndims else [])):
                raise ValueError(f"The padded shape {p} is not compatible with the component "
                                 f"shape {s}.")
        self._padded = padded
        types = input_dataset._flat_types()
        if padding_values is None:
            pads = [b"" if t is dtypes.string else 0 for t in types]
        else:
            pads = nest.flatten(padding_values) if nest.is_structure(input_dataset._types) \
                else [padding_values]
        self._pads = [nest.as_array(p if not isinstance(p, Tensor) else _const(p), t)
                      for p, t in zip(pads, types)]
        from ..ops.array_ops import constant_value
        static = constant_value(self._size)
        n = int(static) if (self._drop and static is not None) else None
        self._shapes = nest.pack_as(input_dataset._types,
                                    [TensorShape([n]).concatenate(p) for p in padded])

    def _inputs(self):
        return self._unique(self._input._inputs() + [self._size])

    def _iter(self, rt):
        n = _scalar(rt, self._size)
        types = self._input._flat_types()
        it = self._input._iter(rt)
        while True:
            items = list(itertools.islice(it, n))
            if not items or (self._drop and len(items) < n):
                return
            out = []
            for j, (dt, p, pad) in enumerate(zip(types, self._padded, self._pads)):
                comps = [np.asarray(x[j]) for x in items]
                dims = []
                for d, want in enumerate(p.as_list()):
                    m = max(c.shape[d] for c in comps)
                    if want is not None and want >= 0:
                        if m > want:
                            raise errors.InvalidArgumentError(
                                None, None, f"Attempted to pad to a smaller size than the input "
                                            f"element: component {j} has {m} > {want} in dimension {d}")
                        m = want
                    dims.append(m)
                a = np.empty((len(comps),) + tuple(dims), object if dt is dtypes.string else dt.np_dtype)
                a[...] = pad
                for k, c in enumerate(comps):
                    a[(k,) + tuple(slice(0, s) for s in c.shape)] = c
                out.append(a)
            yield out


def _const(t: Tensor) -> Any:
    from ..ops.array_ops import constant_value
    v = constant_value(t)
    if v is None:
        raise ValueError(f"padding value {t.name} must be a constant")
    return v


class UnbatchDataset(_Unary):
    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        if any(input_dataset._flat_sparse()):
            raise TypeError("unbatch of SparseTensor components is not supported")
        for s in input_dataset._flat_shapes():
            if s.ndims == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")
        self._shapes = nest.map_structure(
            lambda s: s[1:] if s.ndims is not None else unknown_shape(), input_dataset._shapes)

    def _iter(self, rt):
        types = self._input._flat_types()
        for x in self._input._iter(rt):
            n = len(x[0])
            if any(len(c) != n for c in x):
                raise errors.InvalidArgumentError(None, None, "Input element must have the same "
                                                              "batch size in each component.")
            for i in range(n):
                yield [nest.as_array(c[i], dt) if dt is dtypes.string else c[i]
                       for c, dt in zip(x, types)]


# --- ordering and counting ----------------------------------------------------------------------
class ShuffleDataset(_Unary):
    """TF1's shuffle: a buffer of `buffer_size` elements; each output is a uniformly chosen
    buffer entry, replaced by the next input. Seeds follow `tf.set_random_seed`'s rules;
    with `reshuffle_each_iteration` (the default) every pass (e.g. under `repeat`) draws a
    new order, and re-initializing the iterator restarts the same sequence of orders when
    the seed is fixed."""

    def __init__(self, input_dataset, buffer_size, seed=None, reshuffle_each_iteration=None):
        super().__init__(input_dataset)
        from ..ops.random_ops import get_seed
        self._buffer = _int64_input(buffer_size, "buffer_size")
        self._seeds = get_seed(seed)
        self._reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)

    def _inputs(self):
        return self._unique(self._input._inputs() + [self._buffer])

    def _iter(self, rt):
        return self._shuffled(rt, self._input._iter(rt))

    def _indexed(self, rt):
        src = self._input._indexed(rt)
        if src is None:
            return None
        vals, rows = src
        return vals, self._shuffled(rt, rows)  # the same draws as shuffling the rows themselves

    def _shuffled(self, rt, it):
        n = _scalar(rt, self._buffer)
        if n <= 0:
            raise errors.InvalidArgumentError(None, None, f"buffer_size must be greater than zero, "
                                                          f"got {n}")
        st = rt.state.get(self)
        if st is None:
            g, o = self._seeds
            seeder = np.random.default_rng(None if g is None and o is None else [g or 0, o or 0])
            st = rt.state[self] = {"seeder": seeder, "fixed": None}
        if self._reshuffle or st["fixed"] is None:
            seed = int(st["seeder"].integers(2**63))
            if st["fixed"] is None:
                st["fixed"] = seed
        else:
            seed = st["fixed"]
        rng = np.random.default_rng(seed)
        buf: List[Any] = []
        for x in it:
            buf.append(x)
            if len(buf) == n:
                break
        # Uniform picks drawn 1024 at a time (a NumPy call per element would dominate).
        picks = iter(())
        for x in it:
            u = next(picks, None)
            if u is None:
                picks = iter(rng.random(1024).tolist())
                u = next(picks)
            i = int(u * len(buf))
            out, buf[i] = buf[i], x
            yield out
        while buf:
            i = int(rng.random() * len(buf))
            buf[i], buf[-1] = buf[-1], buf[i]
            yield buf.pop()


class RepeatDataset(_Unary):
    def __init__(self, input_dataset, count=None):
        super().__init__(input_dataset, count=-1 if count is None else count)

    def _iter(self, rt):
        n = _scalar(rt, self._count)
        i = 0
        while n < 0 or i < n:
            empty = True
            for x in self._input._iter(rt):
                empty = False
                yield x
            if empty:  # an empty input repeated forever is empty (TF1 does not spin)
                return
            i += 1


class TakeDataset(_Unary):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset, count=count)

    def _iter(self, rt):
        n = _scalar(rt, self._count)
        it = self._input._iter(rt)
        yield from (it if n < 0 else itertools.islice(it, n))


class SkipDataset(_Unary):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset, count=count)

    def _iter(self, rt):
        n = _scalar(rt, self._count)
        it = self._input._iter(rt)
        if n < 0:
            return
        yield from itertools.islice(it, n, None)


class ShardDataset(_Unary):
    def __init__(self, input_dataset, num_shards, index):
        super().__init__(input_dataset, num_shards=num_shards, index=index)

    def _iter(self, rt):
        n, i = _scalar(rt, self._num_shards), _scalar(rt, self._index)
        if n <= 0 or not 0 <= i < n:
            raise errors.InvalidArgumentError(None, None, f"Index {i} must be in [0, num_shards="
                                                          f"{n})")
        yield from itertools.islice(self._input._iter(rt), i, None, n)


class CacheDataset(_Unary):
    """Caches the elements of the first complete pass in memory (a `filename` is accepted but
    the cache stays in memory: it lives as long as the iterator)."""

    def __init__(self, input_dataset, filename=""):
        super().__init__(input_dataset)
        self._filename = filename

    def _iter(self, rt):
        done = rt.state.get(self)
        if done is not None:
            yield from done
            return
        buf = []
        for x in self._input._iter(rt):
            buf.append(x)
            yield x
        rt.state[self] = buf


class PrefetchDataset(_Unary):
    def __init__(self, input_dataset, buffer_size):
        super().__init__(input_dataset, buffer_size=buffer_size)

    def _iter(self, rt):
        n = _scalar(rt, self._buffer_size)
        if n == AUTOTUNE:
            n = 2
        return Prefetcher(self._input._iter(rt), n, rt)


__all__ = ["Dataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]
