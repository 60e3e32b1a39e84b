"""A small input pipeline for ``feed_dict`` training, in the spirit of ``tf.data``.

* :class:`Batches` cuts arrays into mini-batches, iterable once per epoch,
  reshuffled every epoch with a permutation derived from ``(seed, epoch)`` so
  runs are reproducible;
* :func:`one_hot` turns integer labels into one-hot rows;
* :func:`normalize_images` turns uint8 images into float32 in ``[0, 1]``,
  flattened to ``(N, 784)`` by default.

Typical use::

    (x, y), _ = tfgraph.datasets.mnist.load_data(split="test-as-train")
    batches = Batches(normalize_images(x), one_hot(y, 10), 128, seed=0)
    for epoch in range(5):
        for xb, yb in batches:
            sess.run(train_op, feed_dict={images: xb, labels: yb})
"""

from __future__ import annotations

from typing import Iterator, Optional

import numpy as np

__all__ = ["Batches", "one_hot", "normalize_images"]


class Batches:
    """Mini-batches of ``(x, y)`` over a dataset, one pass per iteration.

    Each ``for`` loop over the object is one epoch and visits every example
    exactly once (or every example that fits into a full batch when
    ``drop_remainder`` is set). With ``shuffle=True`` the order of epoch ``k``
    is ``np.random.default_rng([seed, k]).permutation(n)``: it differs from
    epoch to epoch and is the same for two objects built with the same seed.

    Args:
      x: array of examples; the first axis indexes examples.
      y: array of targets with the same first dimension, or ``None`` to yield
        only ``x`` batches.
      batch_size: examples per batch, a positive int.
      shuffle: whether to reshuffle every epoch (else the original order).
      seed: seed of the shuffles. ``None`` draws one at random when the
        object is created (available as ``.seed``).
      drop_remainder: whether to drop the last, smaller batch.

    Raises:
      ValueError: if ``batch_size`` is not positive, ``x`` is a scalar, or
        ``x`` and ``y`` have different lengths.
    """

    def __init__(
        self,
        x: np.ndarray,
        y: Optional[np.ndarray] = None,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: Optional[int] = None,
        drop_remainder: bool = False,
    ) -> None:
        x = np.asarray(x)
        if x.ndim == 0:
            raise ValueError("x must have at least one dimension (the examples)")
        if y is not None:
            y = np.asarray(y)
            if y.ndim == 0 or y.shape[0] != x.shape[0]:
                raise ValueError(
                    f"x and y must have the same number of examples, got {x.shape[0]} "
                    f"and {y.shape[0] if y.ndim else 'a scalar'}"
                )
        if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.x = x
        self.y = y
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = int(np.random.SeedSequence().entropy) if seed is None else int(seed)
        self.drop_remainder = bool(drop_remainder)
        self.epoch = 0  # index of the epoch the next ``iter()`` will produce

    @property
    def num_examples(self) -> int:
        """Number of examples in the dataset."""
        return int(self.x.shape[0])

    def __len__(self) -> int:
        """Number of batches per epoch."""
        n, b = self.num_examples, self.batch_size
        return n // b if self.drop_remainder else -(-n // b)

    def permutation(self, epoch: int) -> np.ndarray:
        """Returns the example order of an epoch.

        Args:
          epoch: the epoch index, ``>= 0``.

        Returns:
          An int64 array, a permutation of ``range(num_examples)`` (the
          identity when ``shuffle`` is off).
        """
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        if not self.shuffle:
            return np.arange(self.num_examples)
        rng = np.random.default_rng([self.seed, int(epoch)])
        return rng.permutation(self.num_examples)

    def iter_epoch(self, epoch: int) -> Iterator:
        """Iterates over the batches of a given epoch (without advancing ``.epoch``).

        Args:
          epoch: the epoch index, ``>= 0``.

        Yields:
          ``(x_batch, y_batch)`` tuples, or ``x_batch`` arrays when ``y`` is None.
        """
        order = self.permutation(epoch)
        b = self.batch_size
        for i in range(len(self)):
            idx = order[i * b:(i + 1) * b]
            if self.shuffle:
                xb = self.x[idx]
                yb = None if self.y is None else self.y[idx]
            else:
                xb = self.x[i * b:(i + 1) * b]
                yb = None if self.y is None else self.y[i * b:(i + 1) * b]
            yield xb if yb is None else (xb, yb)

    def __iter__(self) -> Iterator:
        """Starts the next epoch: yields its batches and advances ``.epoch``."""
        epoch = self.epoch
        self.epoch += 1
        return self.iter_epoch(epoch)

    def __repr__(self) -> str:
        return (
            f"Batches(num_examples={self.num_examples}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, seed={self.seed}, "
            f"drop_remainder={self.drop_remainder}, epoch={self.epoch})"
        )


def one_hot(labels: np.ndarray, depth: int, dtype: np.dtype = np.float32) -> np.ndarray:
    """One-hot encodes integer labels (like ``tf.one_hot`` with on=1, off=0).

    Args:
      labels: integer array of any shape with values in ``[0, depth)``.
      depth: number of classes.
      dtype: dtype of the result.

    Returns:
      An array of shape ``labels.shape + (depth,)``.

    Raises:
      TypeError: if ``labels`` is not of an integer dtype.
      ValueError: if ``depth < 1`` or a label is outside ``[0, depth)``.
    """
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    if depth < 1:
        raise ValueError(f"depth must be >= 1, got {depth}")
    if labels.size and (labels.min() < 0 or labels.max() >= depth):
        raise ValueError(
            f"labels must lie in [0, {depth}), got values from {labels.min()} to {labels.max()}"
        )
    out = np.zeros(labels.shape + (depth,), dtype=dtype)
    np.put_along_axis(out, labels[..., None].astype(np.intp), 1, axis=-1)
    return out


def normalize_images(
    x: np.ndarray, flatten: bool = True, dtype: np.dtype = np.float32
) -> np.ndarray:
    """Scales 8-bit images to ``[0, 1]``, flattened by default.

    Args:
      x: images with values 0-255, shape ``(N, ...)``, e.g. ``(N, 28, 28)``
        uint8.
      flatten: reshape to ``(N, prod(...))``, e.g. ``(N, 784)``; if False,
        keep the input shape.
      dtype: a floating dtype for the result.

    Returns:
      ``x / 255`` as ``dtype``.

    Raises:
      ValueError: if ``flatten`` is set and ``x`` has fewer than 2 dimensions.
    """
    x = np.asarray(x)
    out = x.astype(dtype)
    out *= np.asarray(1.0 / 255.0, dtype=dtype)
    if flatten:
        if x.ndim < 2:
            raise ValueError(f"flatten needs images of shape (N, ...), got shape {x.shape}")
        out = out.reshape(x.shape[0], -1)
    return out
