"""tf.layers and tf.contrib.layers: TF1 variable and op naming, initializers, reuse, values,
dropout's training flag, regularization losses and errors."""
import numpy as np
import pytest

import tfgraph as tf


def _var_names(collection=tf.GraphKeys.GLOBAL_VARIABLES):
    return [v.name for v in tf.get_collection(collection)]


def test_dense_names_variables_and_ops():
    x = tf.placeholder(tf.float32, [None, 4])
    h = tf.layers.dense(x, 3, activation=tf.nn.relu)
    y = tf.layers.dense(h, 2)
    assert _var_names() == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0",
                            "dense_1/bias:0"]
    assert _var_names(tf.GraphKeys.TRAINABLE_VARIABLES) == _var_names()
    assert h.name == "dense/Relu:0" and y.name == "dense_1/BiasAdd:0"
    assert h.shape.as_list() == [None, 3] and y.shape.as_list() == [None, 2]
    ops = {op.name: op.type for op in tf.get_default_graph().get_operations()}
    assert ops["dense/MatMul"] == "MatMul" and ops["dense/BiasAdd"] == "BiasAdd"


def test_dense_initial_values_and_forward():
    x = tf.placeholder(tf.float32, [None, 30])
    y = tf.layers.dense(x, 20, activation=tf.nn.relu)
    k, b = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)
    xv = np.random.default_rng(0).normal(size=(5, 30)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kv, bv, out = sess.run([k, b, y], {x: xv})
    limit = np.sqrt(6.0 / (30 + 20))  # Glorot uniform
    assert kv.shape == (30, 20) and kv.dtype == np.float32
    assert np.all(np.abs(kv) <= limit) and kv.std() > limit / 3
    np.testing.assert_array_equal(bv, np.zeros(20))
    np.testing.assert_allclose(out, np.maximum(xv @ kv + bv, 0), rtol=1e-5, atol=1e-6)


def test_dense_custom_names_initializers_and_reuse():
    x = tf.placeholder(tf.float32, [None, 2])
    a = tf.layers.dense(x, 3, name="fc", kernel_initializer=tf.ones_initializer(),
                        bias_initializer=tf.constant_initializer(0.5), use_bias=True)
    b = tf.layers.dense(x, 3, name="fc", reuse=True)
    assert _var_names() == ["fc/kernel:0", "fc/bias:0"]
    assert a.op.name == "fc/BiasAdd" and b.op.name == "fc_1/BiasAdd"
    with pytest.raises(ValueError, match=r"Variable fc/kernel already exists,"):
        tf.layers.dense(x, 3, name="fc")  # exists, no reuse
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        av, bv = sess.run([a, b], {x: [[1.0, 2.0]]})
    np.testing.assert_array_equal(av, [[3.5, 3.5, 3.5]])
    np.testing.assert_array_equal(av, bv)


def test_dense_layer_object_called_twice_shares_variables():
    layer = tf.layers.Dense(4, name="shared")
    x1 = tf.placeholder(tf.float32, [None, 3])
    x2 = tf.placeholder(tf.float32, [None, 3])
    y1, y2 = layer(x1), layer(x2)
    assert _var_names() == ["shared/kernel:0", "shared/bias:0"]
    assert y1.op.name == "shared/BiasAdd" and y2.op.name == "shared/BiasAdd_1"
    assert layer.kernel.shape.as_list() == [3, 4] and len(layer.trainable_variables) == 2


def test_dense_without_bias_on_rank3_inputs():
    x = tf.placeholder(tf.float32, [2, 3, 4])
    y = tf.layers.dense(x, 5, use_bias=False)
    assert y.shape.as_list() == [2, 3, 5] and _var_names() == ["dense/kernel:0"]
    xv = np.random.default_rng(1).normal(size=(2, 3, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, k = sess.run([y, tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)[0]], {x: xv})
    np.testing.assert_allclose(out, xv @ k, rtol=1e-5, atol=1e-6)


def test_dense_needs_known_last_dimension():
    with pytest.raises(ValueError, match="last dimension"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 3)


def test_dense_regularizer_goes_to_regularization_losses():
    x = tf.placeholder(tf.float32, [None, 2])
    tf.layers.dense(x, 3, kernel_initializer=tf.ones_initializer(),
                    kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))
    reg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(reg) == 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(tf.losses.get_regularization_loss()) == pytest.approx(0.1 * 6 / 2)


def test_conv2d_pooling_flatten_names_and_values():
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    c = tf.layers.conv2d(x, 4, 3, activation=tf.nn.relu)
    p = tf.layers.max_pooling2d(c, 2, 2)
    f = tf.layers.flatten(p)
    c2 = tf.layers.conv2d(x, 2, (3, 3), padding="same", strides=2)
    assert _var_names() == ["conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0",
                            "conv2d_1/bias:0"]
    assert c.op.name == "conv2d/Relu" and c.shape.as_list() == [None, 6, 6, 4]
    assert c.op.inputs[0].op.inputs[0].op.name == "conv2d/Conv2D"
    assert p.op.name == "max_pooling2d/MaxPool" and p.shape.as_list() == [None, 3, 3, 4]
    assert f.op.name == "flatten/Reshape" and f.shape.as_list() == [None, 36]
    assert c2.shape.as_list() == [None, 4, 4, 2]
    k = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)[0]
    assert k.shape.as_list() == [3, 3, 1, 4]
    xv = np.random.default_rng(2).normal(size=(2, 8, 8, 1)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        cv, pv, fv, kv = sess.run([c, p, f, k], {x: xv})
    ref = np.zeros((2, 6, 6, 4))
    for i in range(6):
        for j in range(6):
            ref[:, i, j, :] = np.tensordot(xv[:, i:i + 3, j:j + 3, :], kv, axes=3)
    np.testing.assert_allclose(cv, np.maximum(ref, 0), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(pv, cv.reshape(2, 3, 2, 3, 2, 4).max(axis=(2, 4)))
    np.testing.assert_array_equal(fv, pv.reshape(2, -1))


def test_conv2d_layer_channels_first_and_errors():
    x = tf.placeholder(tf.float32, [None, 3, 5, 5])
    y = tf.layers.conv2d(x, 2, 3, data_format="channels_first", padding="SAME")
    assert y.shape.as_list() == [None, 2, 5, 5]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)[0].shape.as_list() == [3, 3, 3, 2]
    with pytest.raises(ValueError, match=r"The channel dimension of the inputs should"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 5, 5, None]), 2, 3)
    with pytest.raises(ValueError, match=r"The `padding` argument must be one of"):
        tf.layers.conv2d(x, 2, 3, padding="full")


def test_average_pooling_and_flatten_with_static_batch():
    x = tf.constant(np.arange(32, dtype=np.float32).reshape(2, 4, 4, 1))
    a = tf.layers.average_pooling2d(x, 2, 2)
    f = tf.layers.flatten(a)
    assert a.op.name == "average_pooling2d/AvgPool" and f.shape.as_list() == [2, 4]
    with tf.Session() as sess:
        fv = sess.run(f)
    np.testing.assert_allclose(fv[0], [2.5, 4.5, 10.5, 12.5])


def test_dropout_training_flag_python_and_tensor():
    x = tf.constant(np.ones((100, 100), np.float32))
    off = tf.layers.dropout(x, rate=0.5)
    on = tf.layers.dropout(x, rate=0.5, training=True)
    training = tf.placeholder(tf.bool, [])
    flag = tf.layers.dropout(x, rate=0.25, training=training)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(off), np.ones((100, 100)))
        o = sess.run(on)
        assert set(np.unique(o).tolist()) == {0.0, 2.0} and abs((o == 0).mean() - 0.5) < 0.03
        np.testing.assert_array_equal(sess.run(flag, {training: False}), np.ones((100, 100)))
        t = sess.run(flag, {training: True})
        assert abs((t == 0).mean() - 0.25) < 0.03
        np.testing.assert_allclose(t[t > 0], 1 / 0.75, rtol=1e-6)


def test_contrib_flatten_alias_and_fully_connected():
    x = tf.placeholder(tf.float32, [None, 2, 3])
    f = tf.contrib.layers.flatten(x)
    assert f.shape.as_list() == [None, 6] and f.op.name == "Flatten/flatten/Reshape"
    y = tf.contrib.layers.fully_connected(f, 4)
    y2 = tf.contrib.layers.fully_connected(f, 2, activation_fn=None, scope="out")
    assert _var_names() == ["fully_connected/weights:0", "fully_connected/biases:0",
                            "out/weights:0", "out/biases:0"]
    assert y.op.name == "fully_connected/Relu" and y2.op.name == "out/BiasAdd"
    assert len(tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)) == 4
    xv = np.random.default_rng(3).normal(size=(3, 2, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w, out = sess.run([tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)[0], y], {x: xv})
    np.testing.assert_allclose(out, np.maximum(xv.reshape(3, 6) @ w, 0), rtol=1e-5, atol=1e-6)


def test_contrib_conv2d_and_max_pool2d_names():
    x = tf.placeholder(tf.float32, [None, 6, 6, 2])
    c = tf.contrib.layers.conv2d(x, 3, 3)
    p = tf.contrib.layers.max_pool2d(c, 2)
    assert _var_names() == ["Conv/weights:0", "Conv/biases:0"]
    assert c.op.name == "Conv/Relu" and c.shape.as_list() == [None, 6, 6, 3]
    assert p.op.name == "MaxPool2D/MaxPool" and p.shape.as_list() == [None, 3, 3, 3]


def test_l2_regularizer_value_and_validation():
    w = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    r = tf.contrib.layers.l2_regularizer(0.5)(w)
    assert r.op.name == "l2_regularizer"
    with tf.Session() as sess:
        assert sess.run(r) == pytest.approx(0.5 * 30 / 2)
    with pytest.raises(ValueError, match=r"Setting a scale less than 0 on a"):
        tf.contrib.layers.l2_regularizer(-1.0)
    assert tf.contrib.layers.l2_regularizer(0.0)(w) is None


def test_training_a_small_cnn_with_layers_lowers_the_loss():
    rng = np.random.default_rng(4)
    xv = rng.normal(size=(16, 6, 6, 1)).astype(np.float32)
    yv = (xv.mean(axis=(1, 2, 3)) > 0).astype(np.int32)
    x = tf.placeholder(tf.float32, [None, 6, 6, 1])
    labels = tf.placeholder(tf.int32, [None])
    h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(h), 2)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    params = tf.trainable_variables()
    grads = tf.gradients(loss, params)
    step = tf.group(*[tf.assign_sub(p, 0.1 * g) for p, g in zip(params, grads)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xv, labels: yv})
        for _ in range(30):
            sess.run(step, {x: xv, labels: yv})
        last = sess.run(loss, {x: xv, labels: yv})
    assert last < 0.5 * first
