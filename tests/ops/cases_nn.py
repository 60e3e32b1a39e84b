"""Finite-difference gradient cases for the nn, conv, pool and loss ops (format: gradcheck.py)."""
from __future__ import annotations

import numpy as np

import tfgraph as tf
from gradcheck import Case
from tfgraph.ops import conv_ops, nn_ops, pool_ops


def _away_from(shape, kinks=(0.0,), gap=0.15, low=-2.0, high=2.0):
    """Uniform values at least `gap` away from every kink (where the op is not smooth)."""
    def draw(rng):
        v = rng.uniform(low, high, shape)
        for k in kinks:
            near = np.abs(v - k) < gap
            v[near] = k + np.sign(v[near] - k + 1e-12) * (gap + rng.uniform(0, 0.5, near.sum()))
        return v
    return draw


def _vals(*draws):
    return lambda rng: [d(rng) if callable(d) else rng.uniform(-1, 1, d) for d in draws]


def _distinct(shape, spacing=0.05):
    """A random permutation of well-separated values (no ties inside pooling windows)."""
    def draw(rng):
        n = int(np.prod(shape))
        return (rng.permutation(n) * spacing - 0.5 * n * spacing).reshape(shape)
    return draw


def _softmax_rows(shape):
    def draw(rng):
        v = rng.uniform(0.1, 1.0, shape)
        return v / v.sum(axis=-1, keepdims=True)
    return draw


def _conv(strides=1, padding="SAME", dilations=1, data_format="NHWC"):
    return lambda x, w: tf.nn.conv2d(x, w, strides=strides, padding=padding,
                                     dilations=dilations, data_format=data_format)


def _conv_cases():
    cases = [
        Case(_conv(1, "SAME"), [(2, 5, 6, 3), (3, 3, 3, 2)], second_order=True, label="same"),
        Case(_conv(1, "VALID"), [(2, 5, 4, 2), (3, 2, 2, 3)], label="valid-odd-even"),
        Case(_conv(2, "SAME"), [(1, 6, 7, 2), (3, 3, 2, 2)], label="same-stride2"),
        Case(_conv([2, 1], "VALID"), [(2, 7, 6, 1), (2, 3, 1, 2)], label="valid-stride21"),
        Case(_conv(1, "SAME", dilations=2), [(1, 6, 6, 2), (2, 3, 2, 2)], label="dilated"),
        Case(_conv(1, [[0, 0], [1, 2], [0, 1], [0, 0]]), [(1, 4, 5, 2), (3, 3, 2, 2)],
             label="explicit"),
        Case(_conv([1, 1, 2, 2], "SAME", data_format="NCHW"), [(2, 2, 5, 6), (3, 3, 2, 3)],
             label="nchw-stride2"),
        Case(_conv(1, "VALID"), [(2, 3, 3, 2), (1, 1, 2, 3)], label="1x1"),
        Case(_conv(1, "VALID"), [(2, 4, 4, 2), (3, 3, 2, 2)], dynamic=True, label="dynamic"),
    ]
    return cases


def _bprop_input(shape, strides=1, padding="SAME", dilations=1, data_format="NHWC"):
    return lambda w, dy: tf.nn.conv2d_backprop_input(shape, w, dy, strides=strides,
                                                     padding=padding, dilations=dilations,
                                                     data_format=data_format)


def _bprop_filter(shape, strides=1, padding="SAME", dilations=1, data_format="NHWC"):
    return lambda x, dy: tf.nn.conv2d_backprop_filter(x, shape, dy, strides=strides,
                                                      padding=padding, dilations=dilations,
                                                      data_format=data_format)


def _pool(fn, ksize, strides, padding, data_format="NHWC"):
    return lambda x: fn(x, ksize, strides, padding, data_format=data_format)


def _max_pool_grad(x_shape, ksize, strides, padding):
    """MaxPoolGrad of a fixed-distinct input, differentiated w.r.t. the incoming gradient."""
    x0 = np.random.default_rng(5).permutation(int(np.prod(x_shape))).reshape(x_shape) * 0.1

    def build(dy):
        x = tf.constant(x0, dtype=dy.dtype)
        y = tf.nn.max_pool(x, ksize, strides, padding)
        return pool_ops.max_pool_grad(x, y, dy, ksize=[1, ksize, ksize, 1],
                                      strides=[1, strides, strides, 1], padding=padding)
    return build


def _max_pool_grad_grad(x_shape, ksize, strides, padding):
    x0 = np.random.default_rng(6).permutation(int(np.prod(x_shape))).reshape(x_shape) * 0.1

    def build(gx):
        x = tf.constant(x0, dtype=gx.dtype)
        y = tf.nn.max_pool(x, ksize, strides, padding)
        return pool_ops.max_pool_grad_grad(x, y, gx, ksize=[1, ksize, ksize, 1],
                                           strides=[1, strides, strides, 1], padding=padding)
    return build


def _xent(labels, logits):
    return tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)


def _sparse_xent(labels):
    def build(logits):
        return tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant(labels, dtype=tf.int32), logits=logits)
    return build


def _fused_bn(op_type, is_training, data_format="NHWC"):
    def build(x, scale, offset):
        c = scale.shape.as_list()[0]
        if is_training:
            mean = variance = tf.constant(np.zeros(0), tf.float64)
        else:
            mean = tf.constant(np.linspace(-0.3, 0.2, c), tf.float64)
            variance = tf.constant(np.linspace(0.5, 1.5, c), tf.float64)
        op = tf.get_default_graph().create_op(
            op_type, [x, scale, offset, mean, variance],
            {"epsilon": 1e-3, "data_format": data_format, "is_training": is_training})
        return op.outputs[0]
    return build


CASES = {
    # --- activations and their gradient ops ---------------------------------------------------
    "Relu": [Case(tf.nn.relu, [(3, 4)], values=_vals(_away_from((3, 4))), second_order=True)],
    "ReluGrad": [Case(nn_ops.relu_grad, [(3, 4), (3, 4)],
                      values=_vals((3, 4), _away_from((3, 4))), second_order=True)],
    "Relu6": [Case(tf.nn.relu6, [(3, 4)], values=_vals(_away_from((3, 4), (0.0, 6.0), low=-3,
                                                                   high=9)))],
    "Relu6Grad": [Case(nn_ops.relu6_grad, [(3, 4), (3, 4)],
                       values=_vals((3, 4), _away_from((3, 4), (0.0, 6.0), low=-3, high=9)),
                       second_order=True)],
    "LeakyRelu": [Case(lambda x: tf.nn.leaky_relu(x, alpha=0.3), [(3, 4)],
                       values=_vals(_away_from((3, 4))), second_order=True)],
    "LeakyReluGrad": [Case(lambda g, x: nn_ops.leaky_relu_grad(g, x, 0.1), [(3, 4), (3, 4)],
                           values=_vals((3, 4), _away_from((3, 4))), second_order=True)],
    "Elu": [Case(tf.nn.elu, [(3, 4)], values=_vals(_away_from((3, 4))), second_order=True)],
    "EluGrad": [Case(lambda g, x: nn_ops.elu_grad(g, tf.nn.elu(x)), [(3, 4), (3, 4)],
                     values=_vals((3, 4), _away_from((3, 4))), second_order=True)],
    "Selu": [Case(tf.nn.selu, [(3, 4)], values=_vals(_away_from((3, 4))), second_order=True)],
    "SeluGrad": [Case(lambda g, x: nn_ops.selu_grad(g, tf.nn.selu(x)), [(3, 4), (3, 4)],
                      values=_vals((3, 4), _away_from((3, 4))), second_order=True)],
    "Softplus": [Case(tf.nn.softplus, [(3, 4)], low=-4, high=4, second_order=True)],
    "SoftplusGrad": [Case(nn_ops.softplus_grad, [(3, 4), (3, 4)], low=-3, high=3,
                          second_order=True)],
    "Softsign": [Case(tf.nn.softsign, [(3, 4)], values=_vals(_away_from((3, 4))),
                      second_order=True)],
    "SoftsignGrad": [Case(nn_ops.softsign_grad, [(3, 4), (3, 4)],
                          values=_vals((3, 4), _away_from((3, 4))), second_order=True)],
    "Sigmoid": [Case(tf.sigmoid, [(3, 4)], low=-5, high=5, second_order=True),
                Case(tf.sigmoid, [(2, 3)], dtype=tf.float32, label="float32")],
    "SigmoidGrad": [Case(lambda x, dy: nn_ops.sigmoid_grad(tf.sigmoid(x), dy), [(3, 4), (3, 4)],
                         second_order=True)],
    "Tanh": [Case(tf.tanh, [(3, 4)], low=-3, high=3, second_order=True)],
    "TanhGrad": [Case(lambda x, dy: nn_ops.tanh_grad(tf.tanh(x), dy), [(3, 4), (3, 4)],
                      second_order=True)],
    # --- softmax, bias, l2, top-k --------------------------------------------------------------
    "Softmax": [Case(tf.nn.softmax, [(3, 5)], low=-3, high=3, second_order=True),
                Case(lambda x: tf.nn.softmax(x), [(2, 3, 4)], label="rank3")],
    "LogSoftmax": [Case(tf.nn.log_softmax, [(3, 5)], low=-3, high=3, second_order=True)],
    "BiasAdd": [Case(tf.nn.bias_add, [(2, 3, 4), (4,)], second_order=True),
                Case(lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"), [(2, 3, 2, 2), (3,)],
                     label="nchw"),
                Case(tf.nn.bias_add, [(2, 3), (3,)], dynamic=True, label="dynamic")],
    "BiasAddGrad": [Case(lambda g: nn_ops.bias_add_grad(g), [(2, 3, 4)], second_order=True),
                    Case(lambda g: nn_ops.bias_add_grad(g, "NCHW"), [(2, 3, 2, 2)],
                         label="nchw")],
    "L2Loss": [Case(tf.nn.l2_loss, [(3, 4)], second_order=True)],
    "TopKV2": [Case(lambda x: tf.nn.top_k(x, k=2).values, [(3, 5)],
                    values=_vals(_distinct((3, 5))))],
    # --- convolutions ----------------------------------------------------------------------------
    "Conv2D": _conv_cases(),
    "Conv2DBackpropInput": [
        Case(_bprop_input([2, 5, 6, 3]), [(3, 3, 3, 2), (2, 5, 6, 2)], second_order=True),
        Case(_bprop_input([1, 7, 6, 2], strides=2, padding="VALID"), [(3, 2, 2, 3), (1, 3, 3, 3)],
             label="valid-stride2"),
        Case(_bprop_input([1, 2, 6, 5], strides=[1, 1, 2, 1], data_format="NCHW"),
             [(3, 3, 2, 3), (1, 3, 3, 5)], label="nchw"),
        Case(lambda w, x: tf.nn.conv2d_transpose(x, w, [2, 6, 6, 2], strides=2), [(3, 3, 2, 3),
                                                                                   (2, 3, 3, 3)],
             label="transpose"),
    ],
    "Conv2DBackpropFilter": [
        Case(_bprop_filter([3, 3, 3, 2]), [(2, 5, 6, 3), (2, 5, 6, 2)], second_order=True),
        Case(_bprop_filter([2, 3, 2, 3], strides=2, padding="VALID", dilations=1),
             [(1, 7, 8, 2), (1, 3, 3, 3)], label="valid-stride2"),
        Case(_bprop_filter([2, 2, 2, 3], dilations=2), [(1, 5, 5, 2), (1, 5, 5, 3)],
             label="dilated"),
    ],
    "DepthwiseConv2dNative": [
        Case(lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME"),
             [(2, 5, 4, 3), (3, 3, 3, 2)], second_order=True),
        Case(lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "VALID"),
             [(1, 6, 7, 2), (2, 3, 2, 1)], label="valid-stride2"),
    ],
    "DepthwiseConv2dNativeBackpropInput": [
        Case(lambda w, dy: conv_ops.depthwise_conv2d_native_backprop_input(
            tf.constant([1, 4, 5, 2]), w, dy, strides=[1, 1, 1, 1], padding="SAME",
            explicit_paddings=[], data_format="NHWC", dilations=[1, 1, 1, 1]),
            [(3, 2, 2, 2), (1, 4, 5, 4)], second_order=True)],
    "DepthwiseConv2dNativeBackpropFilter": [
        Case(lambda x, dy: conv_ops.depthwise_conv2d_native_backprop_filter(
            x, tf.constant([3, 2, 2, 2]), dy, strides=[1, 1, 1, 1], padding="SAME",
            explicit_paddings=[], data_format="NHWC", dilations=[1, 1, 1, 1]),
            [(1, 4, 5, 2), (1, 4, 5, 4)], second_order=True)],
    # --- pooling ---------------------------------------------------------------------------------
    "MaxPool": [
        Case(_pool(tf.nn.max_pool, 2, 2, "VALID"), [(2, 4, 6, 3)],
             values=_vals(_distinct((2, 4, 6, 3))), label="tiles"),
        Case(_pool(tf.nn.max_pool, 3, 2, "SAME"), [(1, 5, 6, 2)],
             values=_vals(_distinct((1, 5, 6, 2))), label="same-overlap"),
        Case(_pool(tf.nn.max_pool, [2, 3], 1, "VALID"), [(1, 4, 5, 2)],
             values=_vals(_distinct((1, 4, 5, 2))), label="valid-stride1"),
        Case(_pool(tf.nn.max_pool, 2, 2, "SAME", "NCHW"), [(1, 2, 5, 5)],
             values=_vals(_distinct((1, 2, 5, 5))), label="nchw-odd"),
    ],
    "MaxPoolGrad": [Case(_max_pool_grad((1, 5, 5, 2), 3, 2, "SAME"), [(1, 3, 3, 2)],
                         second_order=True),
                    Case(_max_pool_grad((2, 4, 4, 1), 2, 2, "VALID"), [(2, 2, 2, 1)],
                         label="tiles")],
    "MaxPoolGradGrad": [Case(_max_pool_grad_grad((1, 5, 5, 2), 3, 2, "SAME"), [(1, 5, 5, 2)],
                             second_order=True)],
    "AvgPool": [
        Case(_pool(tf.nn.avg_pool, 2, 2, "VALID"), [(2, 4, 6, 3)], second_order=True,
             label="tiles"),
        Case(_pool(tf.nn.avg_pool, 3, 2, "SAME"), [(1, 5, 6, 2)], label="same-overlap"),
        Case(_pool(tf.nn.avg_pool, [2, 3], 1, "VALID", "NCHW"), [(1, 2, 4, 5)], label="nchw"),
        Case(_pool(tf.nn.avg_pool, 3, 2, "SAME"), [(2, 5, 5, 1)], dynamic=True, label="dynamic"),
    ],
    "AvgPoolGrad": [Case(lambda dy: pool_ops.avg_pool_grad(
        tf.constant([1, 5, 6, 2]), dy, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding="SAME"),
        [(1, 3, 3, 2)], second_order=True)],
    # --- losses -----------------------------------------------------------------------------------
    "SoftmaxCrossEntropyWithLogits": [
        Case(_xent, [(3, 4), (3, 4)], values=_vals(_softmax_rows((3, 4)), (3, 4)),
             second_order=True),
        Case(_xent, [(3, 4), (1, 4)], values=_vals(_softmax_rows((3, 4)), (1, 4)),
             label="broadcast-logits"),
        # v1 stops the gradient into the labels: they are a constant here
        Case(lambda x: tf.nn.softmax_cross_entropy_with_logits(
            labels=_softmax_rows((2, 3, 4))(np.random.default_rng(1)), logits=x),
            [(2, 3, 4)], label="v1-rank3"),
    ],
    "SparseSoftmaxCrossEntropyWithLogits": [
        Case(_sparse_xent([0, 3, 2]), [(3, 4)], low=-3, high=3, second_order=True),
        Case(_sparse_xent([[0, 1], [2, 2]]), [(2, 2, 3)], label="rank3"),
    ],
    # --- fused batch normalization (gradients of y through x, scale and offset) -----------
    "FusedBatchNorm": [Case(_fused_bn("FusedBatchNorm", True), [(2, 3, 2, 3), (3,), (3,)])],
    "FusedBatchNormV2": [Case(_fused_bn("FusedBatchNormV2", False, "NCHW"),
                              [(2, 3, 2, 2), (3,), (3,)], label="inference-nchw")],
    "FusedBatchNormV3": [
        Case(_fused_bn("FusedBatchNormV3", True), [(2, 3, 2, 3), (3,), (3,)], label="training"),
        Case(_fused_bn("FusedBatchNormV3", False), [(2, 2, 2, 3), (3,), (3,)],
             label="inference"),
        Case(_fused_bn("FusedBatchNormV3", True, "NCHW"), [(2, 3, 2, 2), (3,), (3,)],
             label="training-nchw"),
    ],
}
