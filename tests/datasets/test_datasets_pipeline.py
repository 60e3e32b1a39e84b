"""Tests of tfgraph.datasets.pipeline: Batches, one_hot, normalize_images."""

from __future__ import annotations

import numpy as np
import pytest

from tfgraph.datasets import Batches, normalize_images, one_hot


def _data(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2) * 10  # row i = [20i, 20i+10]
    y = np.arange(n)
    return x, y


def _order(batches, epoch=None):
    it = batches if epoch is None else batches.iter_epoch(epoch)
    ys = []
    for xb, yb in it:
        np.testing.assert_array_equal(xb[:, 0], yb * 20.0)  # x and y stay aligned
        ys.append(yb)
    return np.concatenate(ys) if ys else np.array([], int)


def test_every_sample_once_per_epoch():
    x, y = _data(103)
    b = Batches(x, y, 16, seed=3)
    assert len(b) == 7
    for _ in range(3):
        sizes = [len(yb) for _, yb in b]
        assert sizes == [16] * 6 + [7]
    for epoch in range(3):
        order = _order(b, epoch)
        assert sorted(order.tolist()) == list(range(103))


def test_deterministic_with_seed_and_different_across_epochs():
    x, y = _data(50)
    a = Batches(x, y, 8, seed=123)
    b = Batches(x, y, 8, seed=123)
    a0, a1 = _order(a), _order(a)
    b0, b1 = _order(b), _order(b)
    np.testing.assert_array_equal(a0, b0)
    np.testing.assert_array_equal(a1, b1)
    assert not np.array_equal(a0, a1)  # reshuffled each epoch
    assert not np.array_equal(a0, np.arange(50))
    assert a.epoch == 2
    # Epoch k is a function of (seed, k) only.
    np.testing.assert_array_equal(a.permutation(1), a1)
    np.testing.assert_array_equal(_order(Batches(x, y, 8, seed=123), 1), a1)
    np.testing.assert_array_equal(a.permutation(0), np.random.default_rng([123, 0]).permutation(50))
    c = Batches(x, y, 8, seed=124)
    assert not np.array_equal(_order(c), a0)


def test_seed_none_draws_a_seed():
    x, y = _data(20)
    b = Batches(x, y, 4)
    assert isinstance(b.seed, int)
    np.testing.assert_array_equal(_order(b, 0), _order(Batches(x, y, 4, seed=b.seed), 0))


def test_drop_remainder_and_len():
    x, y = _data(10)
    b = Batches(x, y, 3, seed=0, drop_remainder=True)
    assert len(b) == 3
    batches = list(b)
    assert [len(yb) for _, yb in batches] == [3, 3, 3]
    seen = np.concatenate([yb for _, yb in batches])
    assert len(set(seen.tolist())) == 9
    keep = Batches(x, y, 3, seed=0)
    assert len(keep) == 4 and [len(yb) for _, yb in keep] == [3, 3, 3, 1]
    assert len(Batches(x, y, 10)) == 1 and len(Batches(x, y, 11)) == 1
    assert len(Batches(x, y, 11, drop_remainder=True)) == 0
    assert list(Batches(x, y, 11, drop_remainder=True)) == []
    assert len(Batches(x, y, 5, drop_remainder=True)) == 2


def test_no_shuffle_keeps_order_and_x_only():
    x, y = _data(7)
    b = Batches(x, y, 3, shuffle=False)
    np.testing.assert_array_equal(_order(b), np.arange(7))
    np.testing.assert_array_equal(_order(b), np.arange(7))
    xs = list(Batches(x, None, 4, shuffle=False))
    assert [xb.shape for xb in xs] == [(4, 2), (3, 2)]
    np.testing.assert_array_equal(xs[1][:, 0], [80.0, 100.0, 120.0])


def test_batches_validation():
    x, y = _data(5)
    with pytest.raises(ValueError, match="same number of examples"):
        Batches(x, y[:4], 2)
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match="batch_size"):
            Batches(x, y, bad)
    with pytest.raises(ValueError, match=r"x must have at least one dimension \(the"):
        Batches(np.float32(1.0), None, 1)


def test_one_hot():
    out = one_hot(np.array([2, 0, 3], np.uint8), 4)
    assert out.dtype == np.float32 and out.shape == (3, 4)
    np.testing.assert_array_equal(out, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]])
    out2 = one_hot([[1], [0]], 2, dtype=np.int64)
    assert out2.dtype == np.int64 and out2.shape == (2, 1, 2)
    np.testing.assert_array_equal(out2[:, 0], [[0, 1], [1, 0]])
    assert one_hot(np.array([], int), 3).shape == (0, 3)
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        one_hot([0, 4], 4)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 4\), got values from"):
        one_hot([-1], 4)
    with pytest.raises(TypeError, match=r"labels must be integers, got dtype float64"):
        one_hot(np.array([0.0, 1.0]), 2)


def test_normalize_images():
    x = np.zeros((2, 28, 28), np.uint8)
    x[0, 0, 0] = 255
    x[1, 27, 27] = 51
    out = normalize_images(x)
    assert out.dtype == np.float32 and out.shape == (2, 784)
    assert out[0, 0] == 1.0 and out[1, 783] == pytest.approx(0.2)
    assert out.min() == 0.0 and out.max() <= 1.0
    kept = normalize_images(x, flatten=False)
    assert kept.shape == (2, 28, 28) and kept[1, 27, 27] == pytest.approx(0.2)
    assert normalize_images(x, dtype=np.float64).dtype == np.float64
    assert x[0, 0, 0] == 255  # input untouched
    with pytest.raises(ValueError, match=r"flatten needs images of shape \(N, \.\.\.\), got"):
        normalize_images(np.arange(3, dtype=np.uint8))
