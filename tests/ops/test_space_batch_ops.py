"""space_to_depth/depth_to_space, space_to_batch(_nd)/batch_to_space(_nd),
required_space_to_batch_paddings, extract_image_patches/extract_volume_patches against
loop-written NumPy references; TF1's op types, static shapes and errors."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(0)


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def ref_space_to_depth(x, bs):
    b, h, w, c = x.shape
    out = np.empty((b, h // bs, w // bs, c * bs * bs), x.dtype)
    for i, j, di, dj in itertools.product(range(h // bs), range(w // bs), range(bs), range(bs)):
        out[:, i, j, (di * bs + dj) * c:(di * bs + dj + 1) * c] = x[:, i * bs + di, j * bs + dj]
    return out


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_space_to_depth_and_back(data_format):
    x = RNG.normal(size=(2, 4, 6, 3)).astype(np.float32)
    want = ref_space_to_depth(x, 2)
    xin = x if data_format == "NHWC" else x.transpose(0, 3, 1, 2)
    s = tf.space_to_depth(xin, 2, data_format=data_format)
    assert s.op.type == "SpaceToDepth" and s.op.get_attr("block_size") == 2
    got = run(s)
    if data_format == "NCHW":
        got = got.transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(got, want)
    assert s.shape.as_list() == list(run(s).shape)
    d = tf.nn.depth_to_space(s, 2, data_format=data_format)
    assert d.op.type == "DepthToSpace" and d.shape.as_list() == list(xin.shape)
    np.testing.assert_array_equal(run(d), xin)


def test_space_depth_errors():
    with pytest.raises(ValueError, match="block_size"):
        tf.space_to_depth(tf.zeros([1, 4, 4, 1]), 1)
    with pytest.raises(ValueError, match="divisible"):
        tf.space_to_depth(tf.zeros([1, 3, 4, 1]), 2)
    with pytest.raises(ValueError, match="divisible"):
        tf.depth_to_space(tf.zeros([1, 2, 2, 6]), 2)
    p = tf.placeholder(tf.float32, [None, None, None, 1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="s2d"):
        run(tf.space_to_depth(p, 2, name="s2d"), {p: np.zeros((1, 3, 4, 1))})


def ref_space_to_batch(x, block, pads):
    m = len(block)
    xp = np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)] * (x.ndim - 1 - m))
    outs = []
    for offs in itertools.product(*[range(b) for b in block]):  # block offsets outermost
        idx = (slice(None),) + tuple(slice(o, None, b) for o, b in zip(offs, block))
        outs.append(xp[idx])
    return np.concatenate(outs, axis=0)


@pytest.mark.parametrize("shape,block,pads", [
    ((2, 5, 3, 4), [2, 3], [[1, 0], [2, 1]]),
    ((1, 4, 2), [2], [[0, 2]]),
    ((3, 2, 2, 2, 1), [2, 1, 2], [[0, 0], [1, 0], [0, 0]]),
])
def test_space_to_batch_nd_and_back(shape, block, pads):
    x = RNG.normal(size=shape).astype(np.float32)
    s = tf.space_to_batch_nd(x, block, pads)
    want = ref_space_to_batch(x, block, pads)
    assert s.op.type == "SpaceToBatchND" and s.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(s), want)
    b = tf.manip.batch_to_space_nd(s, block, pads)
    assert b.op.type == "BatchToSpaceND" and b.shape.as_list() == list(shape)
    np.testing.assert_array_equal(run(b), x)


def test_space_to_batch_2d_forms_and_required_paddings():
    x = RNG.normal(size=(1, 5, 7, 2)).astype(np.float32)
    pads, crops = tf.required_space_to_batch_paddings([5, 7], [2, 2], [[1, 0], [0, 0]])
    assert pads.name == "required_space_to_batch_paddings/paddings:0"
    gp, gc = run([pads, crops])
    np.testing.assert_array_equal(gp, [[1, 0], [0, 1]])
    np.testing.assert_array_equal(gc, [[0, 0], [0, 1]])
    s = tf.space_to_batch(x, gp, block_size=2)
    assert s.op.type == "SpaceToBatchND" and s.shape.as_list() == [4, 3, 4, 2]
    np.testing.assert_array_equal(run(s), ref_space_to_batch(x, [2, 2], gp))
    np.testing.assert_array_equal(run(tf.nn.space_to_batch(x, gp, 2)), run(s))
    back = tf.batch_to_space(s, gp, block_size=2)
    np.testing.assert_array_equal(run(back), x)
    # dynamic shapes go through the run-time arithmetic
    shp = tf.placeholder(tf.int32, [2])
    p2, c2 = tf.required_space_to_batch_paddings(shp, [3, 4])
    gp, gc = run([p2, c2], {shp: [5, 8]})
    np.testing.assert_array_equal(gp, [[0, 1], [0, 0]])
    np.testing.assert_array_equal(gc, [[0, 1], [0, 0]])


def test_space_batch_errors():
    with pytest.raises(ValueError, match="divisible"):
        tf.space_to_batch_nd(tf.zeros([1, 5, 4, 1]), [2, 2], [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match="divisible"):
        tf.batch_to_space_nd(tf.zeros([3, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match="paddings"):
        tf.space_to_batch_nd(tf.zeros([1, 4, 4, 1]), [2, 2], [[0, 0]])
    p = tf.placeholder(tf.float32, [1, None, 4, 1])
    op = tf.space_to_batch_nd(p, [2, 2], [[0, 0], [0, 0]], name="s2b")
    with pytest.raises(tf.errors.InvalidArgumentError, match="s2b"):
        run(op, {p: np.zeros((1, 3, 4, 1))})


def ref_patches(x, ks, ss, rs, padding):
    n = len(ks)
    outs, befores = [], []
    for i in range(n):
        size, eff = x.shape[1 + i], ks[i] + (ks[i] - 1) * (rs[i] - 1)
        if padding == "VALID":
            o, before = int(np.ceil((size - eff + 1) / ss[i])), 0
        else:
            o = int(np.ceil(size / ss[i]))
            before = max((o - 1) * ss[i] + eff - size, 0) // 2
        outs.append(o)
        befores.append(before)
    out = np.zeros((x.shape[0],) + tuple(outs) + (int(np.prod(ks)) * x.shape[-1],), x.dtype)
    c = x.shape[-1]
    for pos in itertools.product(*[range(o) for o in outs]):
        for k, offs in enumerate(itertools.product(*[range(s) for s in ks])):
            src = [p * s + o * r - b for p, s, o, r, b in zip(pos, ss, offs, rs, befores)]
            if all(0 <= v < x.shape[1 + i] for i, v in enumerate(src)):
                out[(slice(None),) + pos + (slice(k * c, (k + 1) * c),)] = \
                    x[(slice(None),) + tuple(src)]
    return out


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("ks,ss,rs", [((2, 3), (1, 2), (1, 1)), ((3, 2), (2, 3), (2, 1)),
                                      ((1, 1), (3, 3), (1, 1))])
def test_extract_image_patches(padding, ks, ss, rs):
    x = RNG.normal(size=(2, 5, 7, 3)).astype(np.float32)
    p = tf.extract_image_patches(x, [1, *ks, 1], [1, *ss, 1], [1, *rs, 1], padding)
    want = ref_patches(x, ks, ss, rs, padding)
    assert p.op.type == "ExtractImagePatches" and p.shape.as_list() == list(want.shape)
    got = run(p)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.float32
    alias = tf.image.extract_patches(x, sizes=[1, *ks, 1], strides=[1, *ss, 1],
                                     rates=[1, *rs, 1], padding=padding)
    np.testing.assert_array_equal(run(alias), want)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_extract_volume_patches(padding):
    v = RNG.normal(size=(2, 4, 5, 6, 2))
    p = tf.extract_volume_patches(v, [1, 2, 3, 2, 1], [1, 2, 1, 3, 1], padding)
    want = ref_patches(v, (2, 3, 2), (2, 1, 3), (1, 1, 1), padding)
    assert p.op.type == "ExtractVolumePatches" and p.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(p), want)


def test_patches_errors():
    with pytest.raises(ValueError, match="ksizes"):
        tf.extract_image_patches(tf.zeros([1, 4, 4, 1]), [2, 2], [1, 1, 1, 1], [1, 1, 1, 1],
                                 "VALID")
    with pytest.raises(ValueError, match="padding"):
        tf.extract_image_patches(tf.zeros([1, 4, 4, 1]), [1, 2, 2, 1], [1, 1, 1, 1],
                                 [1, 1, 1, 1], "FULL")
