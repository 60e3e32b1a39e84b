"""Finite-difference gradient cases for the nn stream's ops: 3-D convolution/pooling, LRN,
max_pool_with_argmax, dilation2d, fractional pooling (format: gradcheck.py)."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case
from tfgraph.ops import conv3d_ops, nn_window_ops


def _distinct(shape, spacing=0.05):
    """A random permutation of well-separated values (no ties inside pooling windows)."""
    def draw(rng):
        n = int(np.prod(shape))
        return [(rng.permutation(n) * spacing - 0.5 * n * spacing).reshape(shape)]
    return draw


def _bprop_input3(sizes, **kw):
    kw.setdefault("strides", [1, 1, 1, 1, 1])
    kw.setdefault("padding", "SAME")
    return lambda w, dy: conv3d_ops.conv3d_backprop_input_v2(sizes, w, dy, **kw)


def _bprop_filter3(sizes, **kw):
    kw.setdefault("strides", [1, 1, 1, 1, 1])
    kw.setdefault("padding", "SAME")
    return lambda x, dy: tf.nn.conv3d_backprop_filter_v2(x, sizes, dy, **kw)


def _fixed_pool3d(x_shape, ksize, strides, padding, seed, grad_grad):
    x0 = np.random.default_rng(seed).permutation(int(np.prod(x_shape))).reshape(x_shape) * 0.1
    attrs = dict(ksize=[1, ksize, ksize, ksize, 1], strides=[1, strides, strides, strides, 1],
                 padding=padding)

    def build(g):
        x = tf.constant(x0, dtype=g.dtype)
        y = tf.nn.max_pool3d(x, **attrs)
        fn = conv3d_ops.max_pool3d_grad_grad if grad_grad else conv3d_ops.max_pool3d_grad
        return fn(x, y, g, **attrs)
    return build


def _avg_pool3d_grad(x_shape, **kw):
    return lambda dy: conv3d_ops.avg_pool3d_grad(tf.constant(x_shape), dy, **kw)


CASES = {
    "Conv3D": [
        Case(lambda x, w: tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME"),
             [(1, 3, 4, 3, 2), (2, 2, 3, 2, 3)], second_order=True),
        Case(lambda x, w: tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "VALID", dilations=[1, 1, 2, 1, 1]),
             [(2, 4, 5, 4, 1), (2, 2, 2, 1, 2)], label="valid-stride-dilated"),
        Case(lambda x, w: tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME", data_format="NCDHW"),
             [(1, 2, 3, 3, 2), (2, 1, 2, 2, 2)], label="ncdhw", dynamic=True),
    ],
    "Conv3DBackpropInputV2": [
        Case(_bprop_input3([1, 3, 4, 3, 2]), [(2, 2, 3, 2, 3), (1, 3, 4, 3, 3)],
             second_order=True),
        Case(lambda w, x: tf.nn.conv3d_transpose(x, w, [1, 4, 4, 4, 2], [1, 2, 2, 2, 1]),
             [(2, 2, 2, 2, 3), (1, 2, 2, 2, 3)], label="transpose"),
    ],
    "Conv3DBackpropFilterV2": [
        Case(_bprop_filter3([2, 2, 2, 2, 3]), [(1, 3, 4, 3, 2), (1, 3, 4, 3, 3)],
             second_order=True),
        Case(_bprop_filter3([2, 1, 2, 1, 2], strides=[1, 2, 1, 2, 1], padding="VALID"),
             [(1, 4, 3, 5, 1), (1, 2, 3, 2, 2)], label="valid-stride2"),
    ],
    "MaxPool3D": [
        Case(lambda x: tf.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID"),
             [(1, 4, 4, 2, 2)], values=_distinct((1, 4, 4, 2, 2)), label="tiles"),
        Case(lambda x: tf.nn.max_pool3d(x, [1, 3, 2, 2, 1], [1, 2, 1, 2, 1], "SAME"),
             [(2, 3, 3, 3, 1)], values=_distinct((2, 3, 3, 3, 1)), label="same-overlap"),
        Case(lambda x: tf.nn.max_pool3d(x, [1, 1, 2, 2, 2], [1, 1, 1, 1, 2], "VALID",
                                        data_format="NCDHW"),
             [(1, 2, 3, 3, 4)], values=_distinct((1, 2, 3, 3, 4)), label="ncdhw"),
    ],
    "MaxPool3DGrad": [Case(_fixed_pool3d((1, 3, 3, 3, 2), 2, 1, "VALID", 1, False),
                           [(1, 2, 2, 2, 2)], second_order=True)],
    "MaxPool3DGradGrad": [Case(_fixed_pool3d((1, 3, 3, 3, 1), 2, 2, "SAME", 2, True),
                               [(1, 3, 3, 3, 1)], second_order=True)],
    "AvgPool3D": [
        Case(lambda x: tf.nn.avg_pool3d(x, [1, 2, 2, 2, 1], [1, 1, 2, 1, 1], "SAME"),
             [(1, 3, 4, 3, 2)], second_order=True),
        Case(lambda x: tf.nn.avg_pool3d(x, [1, 1, 2, 3, 1], [1, 1, 2, 3, 1], "VALID"),
             [(2, 2, 4, 6, 1)], label="valid"),
    ],
    "AvgPool3DGrad": [Case(_avg_pool3d_grad([1, 3, 4, 3, 2], ksize=[1, 2, 2, 2, 1],
                                            strides=[1, 1, 2, 1, 1], padding="SAME"),
                           [(1, 3, 2, 3, 2)], second_order=True)],
}


def _argmax_grad(x_shape, grad_grad, include_batch):
    """MaxPoolGradWithArgmax / MaxPoolGradGradWithArgmax of a fixed distinct input,
    differentiated w.r.t. the incoming gradient."""
    x0 = np.random.default_rng(8).permutation(int(np.prod(x_shape))).reshape(x_shape) * 0.1
    attrs = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 1, 1], "padding": "SAME",
             "include_batch_in_index": include_batch}

    def build(g):
        x = tf.constant(x0, dtype=g.dtype)
        _, arg = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 1, 1], "SAME",
                                            include_batch_in_index=include_batch)
        op = "MaxPoolGradGradWithArgmax" if grad_grad else "MaxPoolGradWithArgmax"
        return nn_window_ops._argmax_op(op, x, g, arg, attrs)
    return build


def _fractional(fn, ratio, **kw):
    return lambda x: fn(x, ratio, deterministic=True, seed=5, seed2=7, **kw)[0]


CASES.update({
    "LRN": [Case(lambda x: tf.nn.lrn(x, 2, 1.0, 0.5, 0.75), [(1, 2, 3, 6)], dtype=tf.float32),
            Case(lambda x: tf.nn.lrn(x, 1, 2.0, 1e-1, 0.5), [(2, 2, 1, 3)], dtype=tf.float32,
                 label="radius1")],
    "MaxPoolWithArgmax": [
        Case(lambda x: tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")[0],
             [(2, 4, 4, 2)], values=_distinct((2, 4, 4, 2)), second_order=True),
        Case(lambda x: tf.nn.max_pool_with_argmax(x, [1, 3, 2, 1], [1, 1, 2, 1], "SAME",
                                                  include_batch_in_index=True)[0],
             [(2, 3, 5, 1)], values=_distinct((2, 3, 5, 1)), label="same-batch-index"),
    ],
    "MaxPoolGradWithArgmax": [Case(_argmax_grad((2, 4, 3, 2), False, False), [(2, 2, 3, 2)],
                                   second_order=True)],
    "MaxPoolGradGradWithArgmax": [Case(_argmax_grad((1, 4, 3, 2), True, True), [(1, 4, 3, 2)],
                                       second_order=True)],
    "Dilation2D": [
        Case(lambda x, f: tf.nn.dilation2d(x, f, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
             [(1, 4, 4, 2), (2, 2, 2)],
             values=lambda rng: [_distinct((1, 4, 4, 2), 0.37)(rng)[0],
                                 _distinct((2, 2, 2), 0.011)(rng)[0]]),
        Case(lambda x, f: tf.nn.dilation2d(x, f, [1, 2, 1, 1], [1, 1, 2, 1], "VALID"),
             [(2, 5, 5, 1), (2, 2, 1)],
             values=lambda rng: [_distinct((2, 5, 5, 1), 0.37)(rng)[0],
                                 _distinct((2, 2, 1), 0.011)(rng)[0]], label="valid-strided"),
    ],
    "FractionalMaxPool": [
        Case(_fractional(tf.nn.fractional_max_pool, [1.0, 1.5, 1.4, 1.0], overlapping=True),
             [(1, 6, 7, 2)], values=_distinct((1, 6, 7, 2))),
        Case(_fractional(tf.nn.fractional_max_pool, [1.0, 2.0, 1.7, 1.0], pseudo_random=True),
             [(2, 5, 6, 1)], values=_distinct((2, 5, 6, 1)), label="pseudo"),
    ],
    "FractionalAvgPool": [
        Case(_fractional(tf.nn.fractional_avg_pool, [1.0, 1.5, 1.4, 1.0], overlapping=True),
             [(1, 6, 7, 2)]),
        Case(_fractional(tf.nn.fractional_avg_pool, [1.0, 2.0, 1.7, 1.0], pseudo_random=True),
             [(2, 5, 6, 1)], label="pseudo"),
    ],
})


def _ctc(labels, seq_len, **kw):
    idx = [[b, j] for b, seq in enumerate(labels) for j in range(len(seq))]
    vals = [v for seq in labels for v in seq]

    def build(x):
        sp = tf.SparseTensor(np.asarray(idx, np.int64), np.asarray(vals, np.int32),
                             [len(labels), max(len(s) for s in labels)])
        return tf.nn.ctc_loss(sp, x, seq_len, **kw)
    return build


CASES["CTCLoss"] = [
    Case(_ctc([[0, 1], [1, 1], [2]], [4, 4, 3]), [(4, 3, 4)]),
    Case(_ctc([[0, 0], [1]], [3, 2], ctc_merge_repeated=False, time_major=False),
         [(2, 3, 3)], label="no-merge-batch-major"),
]
