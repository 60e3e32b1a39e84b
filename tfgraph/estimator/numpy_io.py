"""`tf.estimator.inputs`: input functions that feed NumPy arrays to an `Estimator`.

TF1's `numpy_input_fn` enqueues the arrays from Python threads into a (shuffling) queue; here
a `tf.data` generator dataset does the same work, so the arrays stay in Python (as in TF1,
never in the graph: checkpoints' meta graphs stay small) and the estimator's session stops
cleanly at the end of the data. Shuffling draws a fresh permutation of the rows per epoch
(TF1 mixes rows within a queue of `queue_capacity`); the rows are batched across epoch
boundaries, and only the very last batch may be smaller (`num_epochs` set), as TF1's
`dequeue_up_to`.
"""
from __future__ import annotations

import collections
from typing import Any, Callable, Dict, Optional

import numpy as np

from ..framework import dtypes
from ..framework.graph import get_default_graph
from ..framework.tensor_shape import TensorShape

__all__ = ["numpy_input_fn"]

_TARGET_KEY = "__target_key__"
_DIRECT_KEY = "__direct_np_input_key__"


def _as_ordered_dict(x: Any) -> "collections.OrderedDict[str, np.ndarray]":
    if isinstance(x, dict):
        if not x:
            raise ValueError("x cannot be an empty dict")
        return collections.OrderedDict(sorted((k, np.asarray(v)) for k, v in x.items()))
    if isinstance(x, np.ndarray):
        if x.size == 0:
            raise ValueError("x cannot be an empty array")
        return collections.OrderedDict([(_DIRECT_KEY, x)])
    raise TypeError(f"x must be a dict or array; got {type(x).__name__}")


def _unique_target_key(features: Dict[str, Any]) -> str:
    key = _TARGET_KEY
    while key in features:
        key += "_n"
    return key


def _tf_dtype(array: np.ndarray) -> Any:
    if array.dtype.kind in "SUO":
        return dtypes.string
    return dtypes.as_dtype(array.dtype)


def _rows(array: np.ndarray, index: np.ndarray) -> np.ndarray:
    rows = array[index]
    if array.dtype.kind == "U":  # string tensors hold bytes
        rows = np.char.encode(rows, "utf-8").astype(object)
    return rows


def numpy_input_fn(x: Any, y: Any = None, batch_size: int = 128, num_epochs: Optional[int] = 1,
                   shuffle: Optional[bool] = None, queue_capacity: int = 1000,
                   num_threads: int = 1) -> Callable[[], Any]:
    """An input function that feeds dicts of NumPy arrays (`tf.estimator.inputs.numpy_input_fn`).

    Example:
      input_fn = tf.estimator.inputs.numpy_input_fn(
          {"x": x_train}, y_train, batch_size=100, num_epochs=None, shuffle=True)
      estimator.train(input_fn, steps=1000)

    Args:
      x: A NumPy array (the single feature) or a dict of arrays (the features by name).
      y: An array or a dict of arrays (the labels), or None.
      batch_size: Rows per batch.
      num_epochs: Passes over the data; None repeats forever.
      shuffle: Required: whether to shuffle the rows (True for training).
      queue_capacity: TF1's shuffling-queue size (accepted; the shuffle here is per epoch).
      num_threads: TF1's feeding threads (accepted; one generator feeds in order).

    Returns:
      A function `() -> (features, labels)` (or `features` without `y`) building the input
      tensors in the default graph: `features` is a tensor when `x` is an array, else a dict;
      each has a leading batch dimension of None.

    Raises:
      ValueError: If `shuffle` is not a bool, `x` or `y` is an empty dict, `x` and `y` share
        a key, or the arrays have different lengths.
      TypeError: If `x` is neither a dict nor an array.
    """
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle must be provided and explicitly set as boolean (it is "
                         f"recommended to set it as True for training); got {shuffle}")

    def input_fn():
        data = _as_ordered_dict(x)
        feature_keys = list(data.keys())
        if y is None:
            target_keys = None
        elif isinstance(y, dict):
            if not y:
                raise ValueError("y cannot be empty dict, use None instead.")
            ordered_y = collections.OrderedDict(sorted((k, np.asarray(v)) for k, v in y.items()))
            target_keys = list(ordered_y.keys())
            duplicates = set(feature_keys) & set(target_keys)
            if duplicates:
                raise ValueError(f"{len(duplicates)} duplicate keys are found in both x and y: "
                                 f"{duplicates}")
            data.update(ordered_y)
        else:
            target_keys = _unique_target_key(data)
            data[target_keys] = np.asarray(y)
        if len({v.shape[0] if v.ndim else None for v in data.values()}) != 1:
            shapes_x = {k: data[k].shape for k in feature_keys}
            if target_keys is None:
                shapes_y = None
            elif isinstance(target_keys, str):
                shapes_y = np.asarray(y).shape
            else:
                shapes_y = {k: data[k].shape for k in target_keys}
            raise ValueError("Length of tensors in x and y is mismatched. All elements in x and "
                             f"y must have the same length.\nShapes in x: {shapes_x}\n"
                             f"Shapes in y: {shapes_y}\n")
        keys = list(data.keys())
        arrays = [data[k] for k in keys]
        n = arrays[0].shape[0]
        graph_seed = get_default_graph().seed

        def batches():
            rng = np.random.default_rng(graph_seed)
            epoch = 0
            pending = np.zeros([0], np.int64)
            while num_epochs is None or epoch < num_epochs:
                order = rng.permutation(n) if shuffle else np.arange(n)
                pending = np.concatenate([pending, order])
                epoch += 1
                while len(pending) >= batch_size:
                    index, pending = pending[:batch_size], pending[batch_size:]
                    yield tuple(_rows(a, index) for a in arrays)
            if len(pending):
                yield tuple(_rows(a, pending) for a in arrays)

        from ..data.dataset_ops import Dataset
        types = tuple(_tf_dtype(a) for a in arrays)
        shapes = tuple(TensorShape([None] + list(a.shape[1:])) for a in arrays)
        dataset = Dataset.from_generator(batches, types, shapes)
        batch = list(dataset.make_one_shot_iterator().get_next())
        named = dict(zip(keys, batch))
        if isinstance(x, np.ndarray):
            features = named[_DIRECT_KEY]
        else:
            features = {k: named[k] for k in feature_keys}
        if target_keys is None:
            return features
        if isinstance(target_keys, str):
            return features, named[target_keys]
        return features, {k: named[k] for k in target_keys}

    return input_fn

