"""Optimizers applying `IndexedSlices` gradients (of embedding_lookup) with TF1's sparse update
ops: only the gathered rows change (bit for bit elsewhere), the touched rows equal the
dense-gradient update, duplicates are summed; the `SparseApply*` ops against NumPy."""
from __future__ import annotations

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops import sparse_training_ops

INIT = np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32)
IDS = np.array([[0, 2], [2, 4]])           # row 2 twice: duplicates are summed
TOUCHED, UNTOUCHED = [0, 2, 4], [1, 3, 5]
WEIGHTS = np.random.default_rng(1).standard_normal((2, 2, 3)).astype(np.float32)

OPTIMIZERS = {
    "GradientDescent": (lambda: tf.train.GradientDescentOptimizer(0.1), "ScatterSub"),
    "Momentum": (lambda: tf.train.MomentumOptimizer(0.1, 0.9), "SparseApplyMomentum"),
    "Nesterov": (lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
                 "SparseApplyMomentum"),
    "Adam": (lambda: tf.train.AdamOptimizer(0.1), "ScatterAdd"),
    "Adagrad": (lambda: tf.train.AdagradOptimizer(0.1), "SparseApplyAdagrad"),
    "RMSProp": (lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5), "SparseApplyRMSProp"),
    "CenteredRMSProp": (lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
                        "SparseApplyCenteredRMSProp"),
    "Adadelta": (lambda: tf.train.AdadeltaOptimizer(1.0), "SparseApplyAdadelta"),
    "ProximalGD": (lambda: tf.train.ProximalGradientDescentOptimizer(
        0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.1),
        "SparseApplyProximalGradientDescent"),
    "ProximalAdagrad": (lambda: tf.train.ProximalAdagradOptimizer(
        0.1, l1_regularization_strength=0.01), "SparseApplyProximalAdagrad"),
    "Ftrl": (lambda: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.01),
             "SparseApplyFtrl"),
    "FtrlV2": (lambda: tf.train.FtrlOptimizer(0.1, l2_shrinkage_regularization_strength=0.1),
               "SparseApplyFtrlV2"),
    "AdagradDA": (lambda: tf.train.AdagradDAOptimizer(0.1, tf.train.get_or_create_global_step()),
                  "SparseApplyAdagradDA"),
}


def _train(make_opt, sparse, steps=3):
    tf.reset_default_graph()
    v = tf.Variable(INIT, name="emb")
    if sparse:
        e = tf.nn.embedding_lookup(v, IDS)
    else:  # the same loss through a one-hot matmul: a dense gradient
        e = tf.reshape(tf.matmul(tf.one_hot(IDS.reshape(-1), 6), v), [2, 2, 3])
    loss = tf.reduce_sum(e * e * WEIGHTS)
    opt = make_opt()
    grads = opt.compute_gradients(loss, [v])
    train = opt.apply_gradients(grads)
    types = {op.type for op in tf.get_default_graph().get_operations()}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train)
        return sess.run(v), grads[0][0], types


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_sparse_update_touches_only_gathered_rows(name):
    make_opt, op_type = OPTIMIZERS[name]
    sparse, g, types = _train(make_opt, True)
    dense, g_dense, dense_types = _train(make_opt, False)
    assert isinstance(g, tf.IndexedSlices) and isinstance(g_dense, tf.Tensor)
    assert op_type in types and op_type not in dense_types
    np.testing.assert_allclose(sparse[TOUCHED], dense[TOUCHED], rtol=2e-5, atol=1e-6)
    if name != "Adam":  # Adam's sparse path moves every row whose m is non-zero (TF1)
        np.testing.assert_array_equal(sparse[UNTOUCHED], INIT[UNTOUCHED])
    assert not np.array_equal(sparse[TOUCHED], INIT[TOUCHED])


def _loss_grad(w):
    """NumPy gradient of sum(e * e * WEIGHTS) w.r.t. the embedding `w` (rows summed)."""
    rows = w[IDS]
    g = np.zeros_like(w)
    np.add.at(g, IDS, 2 * rows * WEIGHTS)
    return g


def test_gradient_descent_and_momentum_numpy_reference():
    w, acc = INIT.copy(), np.zeros_like(INIT)
    for _ in range(3):
        g = _loss_grad(w)
        acc = 0.9 * acc + g
        w = w - 0.1 * acc
    got, _, _ = _train(OPTIMIZERS["Momentum"][0], True)
    np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)
    w = INIT.copy()
    for _ in range(3):
        w = w - 0.1 * _loss_grad(w)
    got, _, _ = _train(OPTIMIZERS["GradientDescent"][0], True)
    np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)


def test_adam_sparse_follows_tf1_shared_rule():
    """TF1's `_apply_sparse_shared`: m, v decay everywhere, rows added, every row moves."""
    w, m, v = INIT.astype(np.float64), np.zeros((6, 3)), np.zeros((6, 3))
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.1
    for t in range(1, 4):
        g = _loss_grad(w.astype(np.float32)).astype(np.float64)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)
    got, _, _ = _train(OPTIMIZERS["Adam"][0], True)
    np.testing.assert_allclose(got, w, rtol=1e-4, atol=1e-5)


def test_sparse_apply_op_repeated_indices_apply_in_order(run):
    """Direct SparseApplyAdagrad with index 1 twice: the second row update sees the first."""
    var = tf.Variable(INIT[:3], name="v")
    acc = tf.Variable(np.full((3, 3), 0.1, np.float32), name="acc")
    grad = np.array([[1, 2, 3], [4, 5, 6], [-1, 0.5, 2]], np.float32)
    up = sparse_training_ops.sparse_apply_adagrad(var, acc, 0.5, grad, [1, 0, 1])
    assert up.op.type == "SparseApplyAdagrad" and up.shape.as_list() == [3, 3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(up)
        out_acc = sess.run(acc)
    w, a = INIT[:3].copy(), np.full((3, 3), 0.1, np.float32)
    for r, g in zip([1, 0, 1], grad):
        a[r] += g * g
        w[r] -= 0.5 * g / np.sqrt(a[r])
    np.testing.assert_allclose(out, w, rtol=1e-6)
    np.testing.assert_allclose(out_acc, a, rtol=1e-6)
    np.testing.assert_array_equal(out[2], INIT[2])


def test_sparse_apply_errors_name_the_variable():
    var = tf.Variable(INIT, name="table")
    acc = tf.Variable(np.ones((6, 3), np.float32), name="acc")
    with pytest.raises(ValueError, match="table"):
        sparse_training_ops.sparse_apply_adagrad(var, acc, 0.1, np.ones((2, 4), np.float32),
                                                 [0, 1])
    with pytest.raises(TypeError, match="indices"):
        sparse_training_ops.sparse_apply_adagrad(var, acc, 0.1, np.ones((1, 3), np.float32),
                                                 tf.constant([0.5]))
    idx = tf.placeholder(tf.int32, [None])
    up = sparse_training_ops.sparse_apply_adagrad(var, acc, 0.1, np.ones((1, 3), np.float32),
                                                  idx)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Index 6 .*'table'"):
            sess.run(up, {idx: [6]})
        np.testing.assert_array_equal(sess.run(var), INIT)  # nothing changed


def test_user_optimizer_without_sparse_update_gets_dense_gradient():
    class Plain(tf.train.Optimizer):
        def __init__(self):
            super().__init__(False, "Plain")

        def _apply_dense(self, grad, var):
            assert isinstance(grad, tf.Tensor)
            return tf.assign_sub(var, grad).op

    got, _, types = _train(Plain, True, steps=1)
    np.testing.assert_allclose(got, INIT - _loss_grad(INIT), rtol=1e-6)
