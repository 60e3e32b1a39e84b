"""tf.nn activations, softmax, bias_add, l2 ops, dropout, moments, top-k: values against NumPy,
TF1 op types and names, dtypes, numerical stability, errors, and the lecture's worked example."""
import numpy as np
import pytest

import tfgraph as tf
from tfgraph.ops import nn_ops


def _np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


X = np.array([[-3.0, -0.5, 0.0, 0.25, 2.0, 7.5]], np.float32)
SELU_A, SELU_S = 1.6732632423543772, 1.0507009873554805

ACTIVATIONS = [
    (tf.nn.relu, "Relu", lambda x: np.maximum(x, 0)),
    (tf.nn.relu6, "Relu6", lambda x: np.clip(x, 0, 6)),
    (tf.nn.leaky_relu, "LeakyRelu", lambda x: np.where(x > 0, x, 0.2 * x)),
    (tf.nn.elu, "Elu", lambda x: np.where(x > 0, x, np.expm1(x))),
    (tf.nn.selu, "Selu", lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x))),
    (tf.nn.softplus, "Softplus", lambda x: np.log1p(np.exp(x))),
    (tf.nn.softsign, "Softsign", lambda x: x / (1 + np.abs(x))),
    (tf.sigmoid, "Sigmoid", _np_sigmoid),
    (tf.tanh, "Tanh", np.tanh),
]


@pytest.mark.parametrize("fn,op_type,ref", ACTIVATIONS, ids=[a[1] for a in ACTIVATIONS])
def test_activation_values_type_name_and_dtype(run, fn, op_type, ref):
    x = tf.placeholder(tf.float32, [None, 6])
    y = fn(x)
    assert y.op.type == op_type and y.op.name == op_type and y.dtype == tf.float32
    assert y.shape.as_list() == [None, 6]
    out = run(y, {x: X})
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ref(X.astype(np.float64)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fn,op_type,ref", ACTIVATIONS, ids=[a[1] for a in ACTIVATIONS])
def test_activation_gradients_match_numpy(run, fn, op_type, ref):
    xv = np.array([[-3.0, -0.5, 0.25, 2.0, 4.0, 7.5]], np.float32)  # away from kinks
    x = tf.constant(xv)
    g = tf.gradients(fn(x), x)[0]
    x64 = xv.astype(np.float64)
    eps = 1e-6
    expected = (ref(x64 + eps) - ref(x64 - eps)) / (2 * eps)
    np.testing.assert_allclose(run(g), expected, rtol=1e-4, atol=1e-5)


def test_gradient_op_types_are_tf1s():
    x = tf.placeholder(tf.float32, [2])
    types = {}
    for fn in (tf.nn.relu, tf.nn.relu6, tf.nn.elu, tf.nn.selu, tf.nn.softplus, tf.sigmoid, tf.tanh,
               tf.nn.leaky_relu):
        g = tf.gradients(fn(x), x)[0]
        types[fn.__name__] = g.op.type
    assert types == {"relu": "ReluGrad", "relu6": "Relu6Grad", "elu": "EluGrad",
                     "selu": "SeluGrad", "softplus": "SoftplusGrad", "sigmoid": "SigmoidGrad",
                     "tanh": "TanhGrad", "leaky_relu": "LeakyReluGrad"}


def test_relu_gradient_uses_output_and_stays_float32(run):
    x = tf.constant([[-1.0, 0.0, 2.0]])
    y = tf.nn.relu(x)
    g = tf.gradients(y, x)[0]
    assert g.op.inputs[1] is y  # ReluGrad(gradients, features=relu output), as TF1
    out = run(g)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0.0, 0.0, 1.0]])


def test_relu_on_integers(run):
    out = run(tf.nn.relu(tf.constant([-2, 0, 3])))
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [0, 0, 3])


def test_relu_of_big_arrays_keeps_special_values():
    """Relu of arrays big enough for the zero-block path (and a ragged tail), in place and
    into a new array: bit for bit `max(x, 0)`, NaN kept, -inf and -0.0 to 0, float32."""
    special = np.array([np.nan, -np.nan, -0.0, 0.0, -np.inf, np.inf, -1.0, 1e-45, -1e-45, 3.0],
                       np.float32)
    x = np.concatenate([np.tile(special, 4000), special[:7]])
    a = tf.placeholder(tf.float32, [None])
    fresh, in_place = tf.nn.relu(a), tf.nn.relu(a * 1.0)
    with tf.Session() as sess:
        got = sess.run([fresh, in_place], {a: x})
    want = np.maximum(x, np.float32(0)).view(np.uint32)
    for out in got:
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out.view(np.uint32), want)


@pytest.mark.parametrize("alpha", [0.2, 0.0, 1.0, 1.5, -0.5])
def test_leaky_relu_and_softplus_of_big_arrays_keep_tf1s_selects(alpha):
    """LeakyRelu as max(x, alpha*x) (min for alpha > 1, a select otherwise) and Softplus as
    TF1's three-way select: the bits of the plain `where` forms, specials included."""
    special = np.array([np.nan, -0.0, 0.0, -np.inf, np.inf, -1.0, 3.0, -20.0, 20.0, -13.9,
                        13.9, 100.0, -100.0], np.float32)
    x = np.concatenate([special, np.random.default_rng(2).standard_normal(30000)
                        .astype(np.float32) * 10])
    a = tf.placeholder(tf.float32, [None])
    with tf.Session() as sess:
        leaky, soft = sess.run([tf.nn.leaky_relu(a, alpha), tf.nn.softplus(a)], {a: x})
    with np.errstate(over="ignore", invalid="ignore"):
        want = np.where(x > 0, x, x * np.float32(alpha))
        thr = np.float32(np.log(np.finfo(np.float32).eps) + 2)
        e = np.exp(x)
        soft_want = np.where(x > -thr, x, np.where(x < thr, e, np.log1p(e)))
    np.testing.assert_array_equal(leaky.view(np.uint32), want.view(np.uint32))
    np.testing.assert_array_equal(soft.view(np.uint32), soft_want.view(np.uint32))
    assert soft.dtype == np.float32


def test_leaky_relu_alpha_and_int_input(run):
    np.testing.assert_allclose(run(tf.nn.leaky_relu(tf.constant([-2.0, 3.0]), alpha=0.1)),
                               [-0.2, 3.0], rtol=1e-6)
    y = tf.nn.leaky_relu(tf.constant([-2, 3]))
    assert y.dtype == tf.float32
    np.testing.assert_allclose(run(y), [-0.4, 3.0], rtol=1e-6)


def test_float_only_activations_reject_ints():
    with pytest.raises(TypeError, match=r"'features' of 'Sigmoid'"):
        tf.sigmoid(tf.constant([1, 2]))


def test_sigmoid_tanh_extreme_inputs_are_finite_and_accurate(run):
    x = np.array([-1000.0, -100.0, -30.0, 0.0, 30.0, 1000.0], np.float32)
    s = run(tf.sigmoid(x))
    ref = np.exp(-np.logaddexp(0.0, -x.astype(np.float64)))
    np.testing.assert_allclose(s, ref, rtol=1e-6, atol=1e-42)  # float32 denormals below that
    assert s[2] > 0  # sigmoid(-30) ~ 9.4e-14, not rounded to 0
    np.testing.assert_array_equal(run(tf.tanh(x))[[0, -1]], [-1.0, 1.0])
    sp = run(tf.nn.softplus(x))
    assert np.all(np.isfinite(sp)) and sp[-1] == 1000.0 and sp[0] == 0.0


def test_sigmoid_and_tanh_second_derivatives(run):
    x = tf.constant([-1.5, 0.3, 2.0], tf.float64)
    xs = np.array([-1.5, 0.3, 2.0])
    s = _np_sigmoid(xs)
    d2 = tf.gradients(tf.gradients(tf.sigmoid(x), x)[0], x)[0]
    np.testing.assert_allclose(run(d2), s * (1 - s) * (1 - 2 * s), rtol=1e-12)
    t = np.tanh(xs)
    d2t = tf.gradients(tf.gradients(tf.tanh(x), x)[0], x)[0]
    np.testing.assert_allclose(run(d2t), -2 * t * (1 - t ** 2), rtol=1e-12)


def test_names_in_scopes_and_explicit_names():
    x = tf.placeholder(tf.float32, [3])
    with tf.name_scope("layer"):
        a = tf.nn.relu(x)
        b = tf.nn.relu(x)
    c = tf.sigmoid(x, name="gate")
    assert (a.name, b.name, c.name) == ("layer/Relu:0", "layer/Relu_1:0", "gate:0")


# --- softmax -------------------------------------------------------------------------------------
def test_softmax_and_log_softmax_values(run):
    x = np.random.default_rng(0).normal(size=(4, 7)).astype(np.float32)
    sm, lsm = run([tf.nn.softmax(x), tf.nn.log_softmax(x)])
    assert sm.dtype == lsm.dtype == np.float32
    np.testing.assert_allclose(sm, _np_softmax(x.astype(np.float64)), rtol=1e-6)
    np.testing.assert_allclose(lsm, np.log(_np_softmax(x.astype(np.float64))), rtol=1e-5,
                               atol=1e-6)


def test_softmax_stable_for_huge_logits(run):
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]], np.float32)
    t = tf.constant(x)
    sm, lsm = run([tf.nn.softmax(t), tf.nn.log_softmax(t)])
    np.testing.assert_allclose(sm, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-6)
    np.testing.assert_allclose(lsm, [[0, -2000, -1000], [-np.log(3)] * 3], rtol=1e-6)
    w = tf.constant([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    g = run(tf.gradients(tf.nn.log_softmax(t) * w, t)[0])
    np.testing.assert_allclose(g, [[0, 0, 0], [-1 / 3, 2 / 3, -1 / 3]], atol=1e-6)


def test_softmax_axis_and_dim_alias(run):
    x = np.random.default_rng(1).normal(size=(2, 3, 4)).astype(np.float32)
    if not hasattr(tf, "transpose"):
        pytest.skip("tf.transpose not available yet")
    a, b = run([tf.nn.softmax(x, axis=1), tf.nn.softmax(x, dim=0)])
    np.testing.assert_allclose(a, _np_softmax(x, axis=1), rtol=1e-5)
    np.testing.assert_allclose(b, _np_softmax(x, axis=0), rtol=1e-5)
    with pytest.raises(ValueError, match=r"Dimension \(3\) must be in the range \[\-3, 3\),"):
        tf.nn.softmax(x, axis=3)


def test_softmax_rejects_scalars():
    with pytest.raises(ValueError, match=r"'Softmax'"):
        tf.nn.softmax(tf.constant(1.0))


# --- bias_add ------------------------------------------------------------------------------------
def test_bias_add_nhwc_nchw_and_grad(run):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2)
    b = np.array([1.0, -1.0, 0.5], np.float32)
    y = tf.nn.bias_add(x, b, data_format="NCHW")
    assert y.op.type == "BiasAdd" and y.op.name == "BiasAdd"
    np.testing.assert_array_equal(run(y), x + b.reshape(3, 1, 1))
    x2 = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    bt = tf.constant(b)
    y2 = tf.nn.bias_add(tf.constant(x2), bt)
    np.testing.assert_array_equal(run(y2), x2 + b)
    gb = tf.gradients(y2, bt)[0]
    assert gb.op.type == "BiasAddGrad"
    np.testing.assert_array_equal(run(gb), [4.0, 4.0, 4.0])
    bt2 = tf.constant(b)
    gb2 = tf.gradients(tf.nn.bias_add(tf.constant(x), bt2, data_format="NCHW") * x, bt2)[0]
    np.testing.assert_allclose(run(gb2), x.sum(axis=(0, 2, 3)))


def test_bias_add_errors():
    with pytest.raises(ValueError, match=r"'BiasAdd'"):
        tf.nn.bias_add(tf.constant(np.zeros((2, 3), np.float32)), tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"'BiasAdd_1'"):
        tf.nn.bias_add(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))
    with pytest.raises((TypeError, ValueError), match=r"'Const_5:0'"):
        tf.nn.bias_add(tf.constant([[1.0, 2.0]]), tf.constant([1.0, 2.0], tf.float64))


def test_xw_plus_b_and_relu_layer(run):
    x = np.array([[1.0, 2.0]], np.float32)
    w = np.array([[1.0, -1.0], [0.5, -2.0]], np.float32)
    b = np.array([0.5, 1.0], np.float32)
    y = tf.nn.xw_plus_b(x, w, b)
    assert y.op.name == "xw_plus_b"
    np.testing.assert_allclose(run(y), x @ w + b)
    np.testing.assert_allclose(run(tf.nn.relu_layer(x, w, b)), np.maximum(x @ w + b, 0))


# --- l2 ------------------------------------------------------------------------------------------
def test_l2_loss_value_dtype_and_grad(run):
    x = np.array([[1.0, -2.0], [3.0, 0.5]], np.float32)
    t = tf.constant(x)
    loss = tf.nn.l2_loss(t)
    assert loss.op.type == "L2Loss" and loss.shape.as_list() == []
    v, g = run([loss, tf.gradients(loss, t)[0]])
    assert isinstance(v, np.float32) and v == pytest.approx(7.125)
    np.testing.assert_array_equal(g, x)


def test_l2_normalize(run):
    x = np.array([[3.0, 4.0], [0.0, 0.0]], np.float32)
    np.testing.assert_allclose(run(tf.nn.l2_normalize(x, axis=1)), [[0.6, 0.8], [0, 0]], rtol=1e-6)
    np.testing.assert_allclose(run(tf.nn.l2_normalize(x, 0)), [[1, 1], [0, 0]], rtol=1e-6)


# --- moments / batch norm ------------------------------------------------------------------------
def test_moments_and_batch_normalization(run):
    x = np.random.default_rng(2).normal(size=(5, 3)).astype(np.float32)
    mean, var = tf.nn.moments(tf.constant(x), axes=[0])
    assert mean.shape.as_list() == [3] and var.shape.as_list() == [3]
    m, v = run([mean, var])
    np.testing.assert_allclose(m, x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(v, x.var(0), rtol=1e-5)
    mk, _ = tf.nn.moments(tf.constant(x), axes=[0], keep_dims=True)
    assert mk.shape.as_list() == [1, 3]
    y = tf.nn.batch_normalization(x, m, v, offset=np.float32(0.5), scale=np.float32(2.0),
                                  variance_epsilon=1e-3)
    np.testing.assert_allclose(run(y), 2 * (x - m) / np.sqrt(v + 1e-3) + 0.5, rtol=1e-5,
                               atol=1e-6)


# --- dropout -------------------------------------------------------------------------------------
def test_dropout_keep_prob_scales_and_zeroes(run):
    x = np.ones((200, 50), np.float32)
    y = tf.nn.dropout(tf.constant(x), keep_prob=0.8, seed=1)
    assert y.shape.as_list() == [200, 50] and y.dtype == tf.float32
    out = run(y)
    assert set(np.unique(out).tolist()) <= {0.0, np.float32(1 / 0.8)}
    assert abs((out > 0).mean() - 0.8) < 0.02


def test_dropout_rate_and_placeholder_keep_prob(run):
    x = np.ones((100, 100), np.float32)
    keep = tf.placeholder(tf.float32, [])
    y = tf.nn.dropout(tf.constant(x), keep_prob=keep)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {keep: 1.0}), x)
        half = sess.run(y, {keep: 0.5})
    assert abs((half > 0).mean() - 0.5) < 0.03 and half.max() == 2.0
    out = run(tf.nn.dropout(tf.constant(x), rate=0.25))
    assert abs((out == 0).mean() - 0.25) < 0.03


def test_dropout_rate_zero_returns_input_and_errors():
    x = tf.constant([1.0, 2.0])
    assert tf.nn.dropout(x, keep_prob=1.0) is x
    with pytest.raises(ValueError, match=r"rate must be a scalar tensor or a float in"):
        tf.nn.dropout(x, keep_prob=0.0)  # rate 1
    with pytest.raises(ValueError, match=r"You must provide a rate to dropout\."):
        tf.nn.dropout(x)
    with pytest.raises(ValueError, match=r"x has to be a floating point tensor since"):
        tf.nn.dropout(tf.constant([1, 2]), keep_prob=0.5)


def test_dropout_noise_shape_drops_whole_columns(run):
    x = np.ones((50, 40), np.float32)
    out = run(tf.nn.dropout(tf.constant(x), keep_prob=0.5, noise_shape=[1, 40], seed=3))
    assert np.all(out == out[0:1])  # one decision per column
    assert 0 < (out[0] > 0).sum() < 40


def test_dropout_gradient_matches_mask():
    x = tf.constant(np.ones((30, 30), np.float32))
    y = tf.nn.dropout(x, keep_prob=0.5, seed=4)
    g = tf.gradients(y, x)[0]
    with tf.Session() as sess:
        yv, gv = sess.run([y, g])
    np.testing.assert_array_equal(gv, yv)  # d(x * mask * 2)/dx = mask * 2 = y for x = 1


# --- top-k ---------------------------------------------------------------------------------------
def test_top_k_values_indices_and_ties(run):
    x = np.array([[1.0, 3.0, 3.0, 2.0], [0.0, -1.0, 5.0, 5.0]], np.float32)
    values, indices = tf.nn.top_k(x, k=3)
    assert values.op.type == "TopKV2" and indices.dtype == tf.int32
    assert values.shape.as_list() == [2, 3]
    v, i = run([values, indices])
    np.testing.assert_array_equal(v, [[3, 3, 2], [5, 5, 0]])
    np.testing.assert_array_equal(i, [[1, 2, 3], [2, 3, 0]])  # ties: lower index first
    r = tf.nn.top_k(x, 1)
    np.testing.assert_array_equal(run(r.indices), [[1], [2]])
    with pytest.raises(ValueError, match=r"'TopKV2_2'"):
        tf.nn.top_k(x, k=5)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.uint8])
def test_top_k_of_long_rows_is_the_stable_sorts_first_k(dtype):
    """k much smaller than the row (partition, then a sort of the chosen): exactly a stable
    descending argsort's first k, with many ties, NaN (last) and rows with too few numbers."""
    rng = np.random.default_rng(9)
    x = rng.integers(0, 5, (6, 200)).astype(dtype)
    if dtype == np.float32:
        x[0, :7] = np.nan
        x[1, 3:] = np.nan  # fewer than k numbers: the full sort
        x[2, :] = -0.0
        x[2, ::3] = 0.0
    key = -(x.astype(np.int64)) if dtype == np.uint8 else -x
    for k in (1, 5, 25):
        r = tf.nn.top_k(tf.constant(x), k)
        with tf.Session() as sess:
            vals, idx = sess.run([r.values, r.indices])
        want = np.argsort(key, axis=-1, kind="stable")[:, :k]
        np.testing.assert_array_equal(idx, want)
        np.testing.assert_array_equal(vals, np.take_along_axis(x, want, axis=-1))


def test_in_top_k_ties_and_invalid(run):
    p = np.array([[0.1, 0.5, 0.5, 0.2], [0.9, 0.0, 0.1, 0.0], [np.nan, 1, 2, 3]], np.float32)
    t = np.array([2, 1, 3], np.int32)
    r = tf.nn.in_top_k(p, t, 1)
    assert r.op.type == "InTopKV2" and r.dtype == tf.bool
    np.testing.assert_array_equal(run(r), [True, False, False])  # tie counts as in; NaN row
    np.testing.assert_array_equal(run(tf.nn.in_top_k(p, t, 3)), [True, True, False])
    np.testing.assert_array_equal(run(tf.nn.in_top_k(p, np.array([0, 7, 1]), 2)),
                                  [False, False, False])


# --- the lecture's worked example ----------------------------------------------------------------
def _lecture_graph():
    x = tf.constant([[-0.04, -0.42]])
    target = tf.constant([[0.0, 1.0, 0.0]])
    w1 = tf.Variable([[-2.5, -1.5], [0.6, 0.4]])
    b1 = tf.Variable([-1.6, 0.7])
    w2 = tf.Variable([[-0.1, 2.4, -2.2], [-1.5, -5.2, 3.7]])
    b2 = tf.Variable([0.0, 0.0, 1.0])
    h = tf.sigmoid(tf.matmul(x, w1) + b1)
    logits = tf.matmul(h, w2) + b2
    out = tf.nn.softmax(logits)
    loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits_v2(labels=target,
                                                                     logits=logits))
    return out, loss, [w1, b1, w2, b2]


EXPECTED = {
    "w1": [[-2.5114694, -1.4596888], [0.47957253, 0.8232676]],
    "b1": [-1.313268, -0.30777997],
    # float64 NumPy reference of the same step
    "w2": [[-0.10127809, 2.47372676, -2.27244868], [-1.50556759, -4.87883206, 3.38439965]],
    "b2": [-0.00864769, 0.49884439, 0.5098033],
}


def _check_lecture_step(sess, out, loss, params, step):
    sess.run(tf.global_variables_initializer())
    o, l = sess.run([out, loss])
    np.testing.assert_allclose(o, [[0.01729538, 0.00231123, 0.9803934]], atol=1e-5)
    assert l == pytest.approx(6.069976, abs=1e-5)
    sess.run(step)
    for name, v in zip(("w1", "b1", "w2", "b2"), sess.run(params)):
        assert v.dtype == np.float32
        np.testing.assert_allclose(v, EXPECTED[name], atol=1e-5, err_msg=name)


def test_lecture_softmax_example_with_gradients_and_assign_sub():
    out, loss, params = _lecture_graph()
    grads = tf.gradients(loss, params)
    step = tf.group(*[tf.assign_sub(p, 0.5 * g) for p, g in zip(params, grads)])
    with tf.Session() as sess:
        _check_lecture_step(sess, out, loss, params, step)


def test_lecture_softmax_example_with_optimizer():
    if not hasattr(tf.train, "GradientDescentOptimizer"):
        pytest.skip("tf.train.GradientDescentOptimizer not available yet")
    out, loss, params = _lecture_graph()
    step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        _check_lecture_step(sess, out, loss, params, step)


def test_lecture_example_with_explicit_categorical_cross_entropy():
    out, _, params = _lecture_graph()
    loss = -tf.reduce_sum(tf.constant([[0.0, 1.0, 0.0]]) * tf.log(out))
    grads = tf.gradients(loss, params[:2])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        l, gw1 = sess.run([loss, grads[0]])
    assert l == pytest.approx(6.069976, abs=1e-5)
    np.testing.assert_allclose(0.5 * gw1, np.array([[-2.5, -1.5], [0.6, 0.4]]) -
                               np.array(EXPECTED["w1"]), atol=1e-5)


def test_builder_functions_for_grad_ops_exist(run):
    g = tf.constant([1.0, 2.0])
    y = tf.constant([0.5, 0.25])
    np.testing.assert_allclose(run(nn_ops.sigmoid_grad(y, g)), [0.25, 0.375])
    np.testing.assert_allclose(run(nn_ops.tanh_grad(y, g)), [0.75, 1.875])


def test_bias_add_grad_of_large_conv_shaped_gradients(run):
    # >= 4096 rows takes the BLAS column-sum path
    g = np.random.default_rng(3).normal(size=(8, 30, 30, 5)).astype(np.float32)
    out = run(nn_ops.bias_add_grad(tf.constant(g)))
    assert out.dtype == np.float32 and out.shape == (5,)
    np.testing.assert_allclose(out, g.astype(np.float64).sum(axis=(0, 1, 2)), rtol=1e-4, atol=1e-3)


def test_embedding_lookup_values_gradient_and_max_norm():
    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    p = tf.Variable(table)
    e = tf.nn.embedding_lookup(p, [[0, 2], [3, 3]])
    assert e.name == "embedding_lookup:0" and e.shape.as_list() == [2, 2, 3]
    m = tf.nn.embedding_lookup([p], [1], max_norm=1.0)
    g = tf.gradients(tf.reduce_sum(e), p)[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ev, mv, gv = sess.run([e, m, tf.convert_to_tensor(g)])
    np.testing.assert_array_equal(ev, table[[[0, 2], [3, 3]]])
    np.testing.assert_allclose(mv, table[[1]] / np.linalg.norm(table[1]), rtol=1e-6)
    np.testing.assert_array_equal(gv, [[1] * 3, [0] * 3, [1] * 3, [2] * 3])
    with pytest.raises(ValueError, match=r"Need at least one param"):
        tf.nn.embedding_lookup([], [0])


def test_crelu_and_zero_fraction(run):
    np.testing.assert_array_equal(run(tf.nn.crelu(tf.constant([[1.0, -2.0]]))), [[1, 0, 0, 2]])
    z = tf.nn.zero_fraction(tf.constant([[0.0, 1.0], [0.0, 0.0]]))
    assert z.dtype == tf.float32 and run(z) == 0.75


def test_sigmoid_written_into_a_dying_input_leaves_other_values_intact():
    # z = a*b is a fresh intermediate whose only consumer is the Sigmoid: the planner lets
    # the Sigmoid overwrite it; a, b and the separately fetched a*b+1 must be unchanged
    a = np.linspace(-120.0, 40.0, 48, dtype=np.float32).reshape(6, 8)
    b = np.float32(0.75)
    pa = tf.placeholder(tf.float32, [6, 8])
    s = tf.sigmoid(pa * b)
    other = pa * b + 1.0
    with tf.Session() as sess:
        got_s, got_other = sess.run([s, other], {pa: a})
    ref = np.exp(-np.logaddexp(0.0, -(a * b).astype(np.float64)))
    # below float32's smallest normal number TF1 gives 0 (its CPU threads flush denormals)
    np.testing.assert_allclose(got_s, ref, rtol=1e-6, atol=np.finfo(np.float32).tiny)
    assert got_s.dtype == np.float32
    np.testing.assert_array_equal(got_other, a * b + 1)
    np.testing.assert_array_equal(a, np.linspace(-120.0, 40.0, 48, dtype=np.float32).reshape(6, 8))
