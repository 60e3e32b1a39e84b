"""tf.layers.batch_normalization / BatchNormalization: TF1's variable names, collections,
NumPy references for training and inference, the update ops' moving averages (fused rule for
4-D inputs), bool-tensor training, gradients, and TF's own CNN with batch norm."""
from __future__ import annotations

import pathlib

import numpy as np
import pytest

import tfgraph as tf

RNG = np.random.default_rng(3)
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "tf-artifacts"


def _bn_ref(x, axes, mean, var, gamma, beta, eps):
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def test_variables_collections_and_update_ops():
    x = tf.placeholder(tf.float32, [None, 5])
    tf.layers.batch_normalization(x, training=True)
    tf.layers.batch_normalization(x, training=False, name="bn2", center=False)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["batch_normalization/gamma", "batch_normalization/beta",
                     "batch_normalization/moving_mean", "batch_normalization/moving_variance",
                     "bn2/gamma", "bn2/moving_mean", "bn2/moving_variance"]
    assert [v.op.name for v in tf.trainable_variables()] == [
        "batch_normalization/gamma", "batch_normalization/beta", "bn2/gamma"]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2 and all(u.op.type == "AssignSub" for u in updates)


@pytest.mark.parametrize("shape,axis,fused", [((6, 5), -1, False), ((4, 3, 3, 2), -1, True),
                                              ((4, 2, 3, 3), 1, True),
                                              ((4, 3, 3, 2), -1, False), ((3, 4, 5), 1, False)])
def test_training_normalizes_with_batch_stats_and_moves_averages(shape, axis, fused):
    x = RNG.normal(1.0, 2.0, shape).astype(np.float32)
    gamma = RNG.uniform(0.5, 1.5, shape[axis]).astype(np.float32)
    beta = RNG.uniform(-1, 1, shape[axis]).astype(np.float32)
    y = tf.layers.batch_normalization(
        x, axis=axis, training=True, momentum=0.9, epsilon=1e-3,
        gamma_initializer=tf.constant_initializer(gamma),
        beta_initializer=tf.constant_initializer(beta), fused=None if fused else False)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    a = axis % len(shape)
    red = tuple(i for i in range(len(shape)) if i != a)
    bshape = [1] * len(shape)
    bshape[a] = shape[a]
    mean, var = x.mean(red), x.var(red)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, _ = sess.run([y, updates])
        mm, mv = sess.run(tf.global_variables()[2:4])
    ref = _bn_ref(x, red, mean.reshape(bshape), var.reshape(bshape), gamma.reshape(bshape),
                  beta.reshape(bshape), 1e-3)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    assert out.dtype == np.float32
    n = x.size // shape[a]
    used_var = var * n / (n - 1) if fused else var  # TF1's fused kernel: unbiased variance
    np.testing.assert_allclose(mm, 0.1 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mv, 0.9 + 0.1 * used_var, rtol=1e-5)


def test_inference_uses_moving_stats_and_tensor_training_switches():
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder_with_default(False, [])
    y = tf.layers.batch_normalization(x, training=training, momentum=0.5)
    mm, mv = tf.global_variables()[2:4]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    data = RNG.normal(0, 3, (8, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, _ = sess.run([y, updates], {x: data})  # training False: no change
        np.testing.assert_allclose(out, data / np.sqrt(1 + 1e-3), rtol=1e-5)
        np.testing.assert_array_equal(sess.run(mm), np.zeros(3))
        out, _ = sess.run([y, updates], {x: data, training: True})
        np.testing.assert_allclose(out, (data - data.mean(0)) / np.sqrt(data.var(0) + 1e-3),
                                   rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(sess.run(mm), 0.5 * data.mean(0), rtol=1e-5)
        np.testing.assert_allclose(sess.run(mv), 0.5 + 0.5 * data.var(0), rtol=1e-5)


def test_reuse_and_layer_object():
    x = tf.placeholder(tf.float32, [None, 4])
    layer = tf.layers.BatchNormalization(name="bn")
    layer(x, training=True)
    layer(x, training=False)
    assert len(tf.global_variables()) == 4 and layer.moving_mean.op.name == "bn/moving_mean"
    tf.layers.batch_normalization(x, name="bn", reuse=True)
    assert len(tf.global_variables()) == 4


def test_gradients_flow_to_gamma_beta_and_inputs():
    x = tf.placeholder(tf.float64, [4, 3])
    y = tf.layers.batch_normalization(x, training=True)
    v = RNG.normal(0, 1, (4, 3))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        err = tf.test.compute_gradient_error(x, [4, 3], y, [4, 3], x_init_value=v)
    assert err < 1e-6
    gamma, beta = tf.trainable_variables()
    g = tf.gradients(tf.reduce_sum(y * y), [gamma, beta])
    assert all(t is not None for t in g)


def test_refusals_and_errors():
    x = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(NotImplementedError, match="renorm"):
        tf.layers.batch_normalization(x, renorm=True)
    with pytest.raises(ValueError, match="fused=True"):
        tf.layers.batch_normalization(x, fused=True)
    with pytest.raises(ValueError, match="Invalid axis"):
        tf.layers.batch_normalization(x, axis=3)
    with pytest.raises(ValueError, match="undefined `axis` dimension"):
        tf.layers.batch_normalization(tf.placeholder(tf.float32, [None, None]))


@pytest.mark.skipif(not (ARTIFACTS / "cnn" / "variables.npz").exists(),
                    reason="../shared/tf-artifacts/cnn is absent")
def test_tensorflows_cnn_with_batch_norm_gives_its_outputs():
    """TF's own CNN (conv -> pool -> batch_normalization(training=placeholder_with_default(
    False)) -> conv -> pool -> flatten -> dropout -> dense) rebuilt with tf.layers: its
    variables load by name and the logits match what TensorFlow computed."""
    variables = np.load(ARTIFACTS / "cnn" / "variables.npz")
    io = np.load(ARTIFACTS / "cnn" / "io.npz")
    images = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
    training = tf.placeholder_with_default(False, [], name="training")
    h = tf.layers.conv2d(images, 8, 5, padding="same", activation=tf.nn.relu, name="conv1")
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.batch_normalization(h, training=training, name="bn1")
    h = tf.layers.conv2d(h, 16, 3, activation=tf.nn.relu, name="conv2")
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.flatten(h)
    h = tf.layers.dropout(h, 0.3, training=training)
    logits = tf.layers.dense(h, 10, name="logits")
    with tf.Session() as sess:
        for v in tf.global_variables():
            sess.run(v.assign(variables[v.op.name]))
        out = sess.run(logits, {images: io["in/images"]})
    np.testing.assert_allclose(out, io["out/logits"], rtol=1e-4, atol=1e-4)


@pytest.mark.skipif(not (ARTIFACTS / "cnn" / "graph.pbtxt").exists(),
                    reason="../shared/tf-artifacts/cnn is absent")
def test_fused_layer_builds_tensorflows_ops():
    """With a bool-tensor `training`, the fused layer is TF1's graph node for node: two
    FusedBatchNormV3 under `bn1/cond` (the Switches named after them), Merges of the output,
    mean and variance, the momentum chosen by `bn1/cond_1`, and the AssignMovingAvg
    arithmetic; compared with the GraphDef TensorFlow wrote."""
    from tensorboard.compat.proto import graph_pb2
    from google.protobuf import text_format

    def nodes(graph_def):
        return {n.name: (n.op, tuple(n.input)) for n in graph_def.node
                if n.name.startswith("bn1/") and "/Momentum" not in n.name}
    tf_graph = graph_pb2.GraphDef()
    text_format.Parse((ARTIFACTS / "cnn" / "graph.pbtxt").read_text(), tf_graph)
    expected = nodes(tf_graph)
    tf.reset_default_graph()
    images = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
    training = tf.placeholder_with_default(False, [], name="training")
    h = tf.layers.conv2d(images, 8, 5, padding="same", activation=tf.nn.relu, name="conv1")
    h = tf.layers.max_pooling2d(h, 2, 2, name="pool1")
    h = tf.layers.batch_normalization(h, training=training, name="bn1")
    assert h.op.type == "Merge" and h.name == "bn1/cond/Merge:0"
    got = nodes(tf.get_default_graph().as_graph_def())
    assert got == expected
    assert [u.op.name for u in tf.get_collection(tf.GraphKeys.UPDATE_OPS)] == [
        "bn1/AssignMovingAvg", "bn1/AssignMovingAvg_1"]


def test_fused_layer_with_python_training_and_constant_parameters():
    """training=True: one FusedBatchNormV3 fed the moving statistics (ignored in training),
    the momentum as "Const"; without scale and center the op takes constant ones/zeros
    ("Const" for beta, "Const_1" for gamma, as TF1), and the averages still move."""
    x = tf.placeholder(tf.float32, [None, 4, 4, 3], name="x")
    y = tf.layers.batch_normalization(x, training=True, scale=False, center=False,
                                      momentum=0.9)
    g = tf.get_default_graph()
    op = g.get_operation_by_name("batch_normalization/FusedBatchNormV3")
    assert [t.name for t in op.inputs] == [
        "x:0", "batch_normalization/Const_1:0", "batch_normalization/Const:0",
        "batch_normalization/moving_mean/read:0", "batch_normalization/moving_variance/read:0"]
    assert op.get_attr("is_training") is True and y is op.outputs[0]
    assert g.get_operation_by_name("batch_normalization/AssignMovingAvg/sub").inputs[1].name \
        == "batch_normalization/Const_2:0"
    rng = np.random.default_rng(3)
    v = rng.standard_normal((5, 4, 4, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run([y] + tf.get_collection(tf.GraphKeys.UPDATE_OPS), {x: v})
        mean, var = v.mean(axis=(0, 1, 2)), v.var(axis=(0, 1, 2))
        np.testing.assert_allclose(out[0], (v - mean) / np.sqrt(var + 1e-3), rtol=1e-4,
                                   atol=1e-5)
        np.testing.assert_allclose(out[1], 0.1 * mean, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(out[2], 0.9 + 0.1 * var * 80 / 79, rtol=1e-5)
    # inference with a Python False: the moving statistics, and no update ops
    before = len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
    z = tf.layers.batch_normalization(x, training=False, name="bn_infer")
    assert z.op.type == "FusedBatchNormV3" and z.op.get_attr("is_training") is False
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == before


def test_nn_batch_normalization_op_names():
    """tf.nn.batch_normalization builds TF1's ops in TF1's order (the unfused layer uses it)."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.nn.batch_normalization(x, tf.zeros([3]), tf.ones([3]), tf.zeros([3]), tf.ones([3]),
                                  1e-3)
    assert y.op.name == "batchnorm/add_1"
    names = {op.name: op.type for op in tf.get_default_graph().get_operations()
             if op.name.startswith("batchnorm/")}
    assert names == {"batchnorm/add/y": "Const", "batchnorm/add": "Add",
                     "batchnorm/Rsqrt": "Rsqrt", "batchnorm/mul": "Mul",
                     "batchnorm/mul_1": "Mul", "batchnorm/mul_2": "Mul",
                     "batchnorm/sub": "Sub", "batchnorm/add_1": "Add"}
    assert [t.op.name for t in tf.get_default_graph().get_operation_by_name(
        "batchnorm/mul_1").inputs] == ["x", "batchnorm/mul"]
