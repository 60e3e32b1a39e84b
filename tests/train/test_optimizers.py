"""Optimizers: multi-step updates against NumPy references, slots, TF1 naming, global step,
tensor learning rates and errors."""
import numpy as np
import pytest

import tfgraph as tf

F32 = np.float32
X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]], F32)
Y = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [0.2, 0.4, 0.1]], F32)
W0 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], F32)
B0 = np.array([0.05, -0.05, 0.0], F32)


def _problem():
    """A least-squares loss of a dense layer: loss = sum((X W + b - Y)^2)."""
    w = tf.Variable(W0, name="W")
    b = tf.Variable(B0, name="b")
    loss = tf.reduce_sum(tf.square(tf.matmul(tf.constant(X), w) + b - tf.constant(Y)))
    return w, b, loss


def _np_loss_and_grads(w, b):
    r = X @ w + b - Y
    return F32((r * r).sum()), (F32(2) * X.T @ r).astype(F32), (F32(2) * r.sum(0)).astype(F32)


def _train(opt, steps, feeds=None, **minimize_kwargs):
    """Builds the problem, runs `steps` training steps; returns per-step losses and final
    (W, b), plus the session-level objects for further checks."""
    w, b, loss = _problem()
    train = opt.minimize(loss, **minimize_kwargs)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(steps):
            _, l = sess.run([train, loss], feeds[i] if feeds else None)
            losses.append(l)
        wv, bv = sess.run([w, b])
    return losses, wv, bv, train


def _reference(update, steps, state_init):
    """NumPy training loop: `update(param, grad, state, t)` returns the new param."""
    w, b = W0.copy(), B0.copy()
    sw, sb = state_init(W0), state_init(B0)
    losses = []
    for t in range(1, steps + 1):
        l, gw, gb = _np_loss_and_grads(w, b)
        losses.append(l)
        w = update(w, gw, sw, t)
        b = update(b, gb, sb, t)
    return losses, w, b


def _depends_on(op, target):
    """Whether `op` runs after `target` (through data or control edges)."""
    seen, stack = set(), [op]
    while stack:
        o = stack.pop()
        if o is target:
            return True
        if o not in seen:
            seen.add(o)
            stack.extend(t.op for t in o.inputs)
            stack.extend(o.control_inputs)
    return False


def _check(got, want, rtol=2e-5, atol=1e-6):
    for g, e in zip(got[:3], want):
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol)


# --- gradient descent ------------------------------------------------------------------------
def test_gradient_descent_matches_numpy_over_steps():
    got = _train(tf.train.GradientDescentOptimizer(0.01), 5)
    want = _reference(lambda p, g, s, t: p - F32(0.01) * g, 5, lambda p: None)
    _check(got, want)
    assert got[1].dtype == np.float32 and got[0][0].dtype == np.float32
    assert got[0][-1] < got[0][0]


def test_gradient_descent_graph_names_and_structure():
    w, b, loss = _problem()
    opt = tf.train.GradientDescentOptimizer(0.5)
    train = opt.minimize(loss)
    g = tf.get_default_graph()
    assert train.name == "GradientDescent" and train.type == "NoOp"
    lr = g.get_operation_by_name("GradientDescent/learning_rate")
    assert lr.type == "Const" and lr.outputs[0].dtype == tf.float32
    upd = g.get_operation_by_name("GradientDescent/update_W/ApplyGradientDescent")
    assert upd.type == "ApplyGradientDescent"
    assert upd.inputs[0] is w._ref() and upd.inputs[1] is lr.outputs[0]
    assert {op.name for op in train.control_inputs} == {
        "GradientDescent/update_W/ApplyGradientDescent",
        "GradientDescent/update_b/ApplyGradientDescent"}
    # float32 stays float32: no Cast of the learning rate.
    assert not [op for op in g.get_operations() if op.type == "Cast"]
    assert opt.get_slot_names() == [] and opt.variables() == []
    assert opt.get_name() == "GradientDescent"
    assert train in tf.get_collection(tf.GraphKeys.TRAIN_OP)
    # A second optimizer of the same name gets a uniquified scope; `name=` renames it.
    train2 = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    assert train2.name == "GradientDescent_1"
    g.get_operation_by_name("GradientDescent_1/update_W/ApplyGradientDescent")
    train3 = opt.minimize(loss, name="step")
    assert train3.name == "step"
    g.get_operation_by_name("step/update_b/ApplyGradientDescent")


def test_fetching_train_op_and_loss_gives_loss_before_the_update():
    losses, *_ = _train(tf.train.GradientDescentOptimizer(0.01), 2)
    want, *_ = _reference(lambda p, g, s, t: p - F32(0.01) * g, 2, lambda p: None)
    np.testing.assert_allclose(losses, want, rtol=1e-5)


def test_placeholder_learning_rate_varies_per_step():
    lr = tf.placeholder(tf.float32, [], name="lr")
    rates = [0.01, 0.0, 0.02]
    got = _train(tf.train.GradientDescentOptimizer(lr), 3, feeds=[{lr: r} for r in rates])
    want = _reference(lambda p, g, s, t: p - F32(rates[t - 1]) * g, 3, lambda p: None)
    _check(got, want)
    tf.get_default_graph().get_operation_by_name("GradientDescent/update_W/ApplyGradientDescent")


def test_callable_learning_rate():
    got = _train(tf.train.GradientDescentOptimizer(lambda: 0.01), 2)
    want = _reference(lambda p, g, s, t: p - F32(0.01) * g, 2, lambda p: None)
    _check(got, want)


def test_float64_variable_casts_the_float32_learning_rate():
    w = tf.Variable(np.array([1.0, -2.0]), name="w")
    loss = tf.reduce_sum(tf.square(w))
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    cast = tf.get_default_graph().get_operation_by_name("GradientDescent/update_w/Cast")
    assert cast.outputs[0].dtype == tf.float64
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(train)
        out = sess.run(w)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [0.5, -1.0], rtol=1e-15)


# --- momentum ----------------------------------------------------------------------------------
@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_matches_numpy(nesterov):
    lr, mu = F32(0.01), F32(0.9)

    def update(p, g, s, t):
        s[:] = s * mu + g
        return p - (g * lr + s * mu * lr if nesterov else s * lr)

    got = _train(tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=nesterov), 4)
    want = _reference(update, 4, np.zeros_like)
    _check(got, want)


def test_momentum_slots():
    w, b, loss = _problem()
    opt = tf.train.MomentumOptimizer(0.1, 0.5)
    train = opt.minimize(loss)
    slot = opt.get_slot(w, "momentum")
    assert slot.op.name == "W/Momentum" and opt.get_slot(b, "momentum").op.name == "b/Momentum"
    assert opt.get_slot_names() == ["momentum"]
    assert opt.get_slot(w, "m") is None
    assert not slot.trainable and slot in tf.global_variables()
    assert slot not in tf.trainable_variables()
    assert [v.op.name for v in opt.variables()] == ["W/Momentum", "b/Momentum"]
    g = tf.get_default_graph()
    assert g.get_operation_by_name("W/Momentum/Initializer/zeros").type == "Const"
    upd = g.get_operation_by_name("Momentum/update_W/ApplyMomentum")
    assert upd.inputs[1] is slot._ref()
    g.get_operation_by_name("Momentum/momentum")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(slot), np.zeros((2, 3), F32))
        sess.run(train)
        _, gw, _ = _np_loss_and_grads(W0, B0)
        np.testing.assert_allclose(sess.run(slot), gw, rtol=1e-6)


def test_uninitialized_slot_is_reported_by_name():
    w, b, loss = _problem()
    train = tf.train.MomentumOptimizer(0.1, 0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run([w.initializer, b.initializer])
        with pytest.raises(tf.errors.FailedPreconditionError, match="W/Momentum"):
            sess.run(train)


# --- adam --------------------------------------------------------------------------------------
def test_adam_matches_numpy_with_bias_correction():
    lr, b1, b2, eps = F32(0.01), F32(0.9), F32(0.999), F32(1e-8)

    def update(p, g, s, t):
        m, v = s
        m[:] = b1 * m + (F32(1) - b1) * g
        v[:] = b2 * v + (F32(1) - b2) * g * g
        lr_t = lr * np.sqrt(F32(1) - b2 ** t) / (F32(1) - b1 ** t)
        return p - lr_t * m / (np.sqrt(v) + eps)

    got = _train(tf.train.AdamOptimizer(0.01), 5)
    want = _reference(update, 5, lambda p: (np.zeros_like(p), np.zeros_like(p)))
    _check(got, want, rtol=1e-5)
    # The first Adam step moves every coordinate by ~lr (bias-corrected m/sqrt(v) = sign(g)).
    got1 = _train(tf.train.AdamOptimizer(0.01), 1)
    _, gw, _ = _np_loss_and_grads(W0, B0)
    np.testing.assert_allclose(got1[1], W0 - 0.01 * np.sign(gw), rtol=1e-4)


def test_adam_slots_beta_powers_and_names():
    w, b, loss = _problem()
    opt = tf.train.AdamOptimizer(0.001, beta1=0.8, beta2=0.99)
    train = opt.minimize(loss)
    assert train.name == "Adam" and train.type == "NoOp"
    assert opt.get_slot(w, "m").op.name == "W/Adam"
    assert opt.get_slot(w, "v").op.name == "W/Adam_1"
    assert opt.get_slot(b, "m").op.name == "b/Adam"
    assert opt.get_slot_names() == ["m", "v"]
    names = [v.op.name for v in opt.variables()]
    assert names == ["W/Adam", "W/Adam_1", "b/Adam", "b/Adam_1", "beta1_power", "beta2_power"]
    b1p, b2p = opt._get_beta_accumulators()
    assert b1p.op.name == "beta1_power" and b2p.op.name == "beta2_power"
    assert not b1p.trainable and b1p in tf.global_variables() and b1p.dtype == tf.float32
    g = tf.get_default_graph()
    assert g.get_operation_by_name("Adam/update_W/ApplyAdam").type == "ApplyAdam"
    assign1 = g.get_operation_by_name("Adam/Assign")
    assign2 = g.get_operation_by_name("Adam/Assign_1")
    assert assign1.type == assign2.type == "Assign"
    assert assign1.inputs[0] is b1p._ref() and assign2.inputs[0] is b2p._ref()
    # The powers advance after the updates (control dependency on them).
    updates = {"Adam/update_W/ApplyAdam", "Adam/update_b/ApplyAdam"}
    mul = assign1.inputs[1].op
    assert updates <= {c.name for c in mul.control_inputs}
    assert {c.name for c in train.control_inputs} == updates | {"Adam/Assign", "Adam/Assign_1"}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run([b1p, b2p]), [0.8, 0.99], rtol=1e-7)
        for _ in range(3):
            sess.run(train)
        np.testing.assert_allclose(sess.run([b1p, b2p]), [0.8 ** 4, 0.99 ** 4], rtol=1e-6)
        assert sess.run(b1p).dtype == np.float32


def test_adam_defaults_are_tf1s():
    opt = tf.train.AdamOptimizer()
    assert (opt._lr, opt._beta1, opt._beta2, opt._epsilon) == (0.001, 0.9, 0.999, 1e-08)
    assert opt.get_name() == "Adam"


# --- rmsprop -----------------------------------------------------------------------------------
@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_matches_numpy(centered):
    lr, rho, mu, eps = F32(0.01), F32(0.9), F32(0.5), F32(1e-10)

    def update(p, g, s, t):
        ms, mg, mom = s
        ms[:] = ms + (g * g - ms) * (F32(1) - rho)
        denom = ms + eps
        if centered:
            mg[:] = mg + (g - mg) * (F32(1) - rho)
            denom = ms - mg * mg + eps
        mom[:] = mom * mu + g * lr / np.sqrt(denom)
        return p - mom

    opt = tf.train.RMSPropOptimizer(0.01, decay=0.9, momentum=0.5, centered=centered)
    got = _train(opt, 4)
    want = _reference(update, 4, lambda p: (np.ones_like(p), np.zeros_like(p), np.zeros_like(p)))
    _check(got, want)


def test_rmsprop_slots_start_at_ones_and_are_named_as_tf1():
    w, b, loss = _problem()
    opt = tf.train.RMSPropOptimizer(0.01)
    opt.minimize(loss)
    assert opt.get_slot(w, "rms").op.name == "W/RMSProp"
    assert opt.get_slot(w, "momentum").op.name == "W/RMSProp_1"
    assert opt.get_slot_names() == ["momentum", "rms"]
    tf.get_default_graph().get_operation_by_name("W/RMSProp/Initializer/ones")
    tf.get_default_graph().get_operation_by_name("RMSProp/update_W/ApplyRMSProp")

    tf.reset_default_graph()
    w, b, loss = _problem()
    opt = tf.train.RMSPropOptimizer(0.01, centered=True)
    opt.minimize(loss)
    assert [opt.get_slot(w, s).op.name for s in ("rms", "mg", "momentum")] == \
        ["W/RMSProp", "W/RMSProp_1", "W/RMSProp_2"]
    tf.get_default_graph().get_operation_by_name("RMSProp/update_W/ApplyCenteredRMSProp")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(opt.get_slot(w, "rms")), np.ones((2, 3), F32))
        np.testing.assert_array_equal(sess.run(opt.get_slot(b, "mg")), np.zeros(3, F32))


def test_rmsprop_defaults():
    opt = tf.train.RMSPropOptimizer(0.1)
    assert (opt._decay, opt._momentum, opt._epsilon, opt._centered) == (0.9, 0.0, 1e-10, False)


# --- adagrad -----------------------------------------------------------------------------------
def test_adagrad_matches_numpy_and_names_its_slot():
    lr = F32(0.1)

    def update(p, g, s, t):
        s[:] = s + g * g
        return p - lr * g / np.sqrt(s)

    opt = tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.2)
    got = _train(opt, 4)
    want = _reference(update, 4, lambda p: np.full_like(p, F32(0.2)))
    _check(got, want)
    names = sorted(v.op.name for v in opt.variables())
    assert names == ["W/Adagrad", "b/Adagrad"]
    assert opt.get_slot_names() == ["accumulator"]


def test_adagrad_initial_accumulator_value():
    w, b, loss = _problem()
    opt = tf.train.AdagradOptimizer(0.1)
    opt.minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(opt.get_slot(b, "accumulator")), [0.1] * 3)
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)


# --- global step -------------------------------------------------------------------------------
def test_global_step_is_incremented_after_the_updates():
    gs = tf.train.get_or_create_global_step()
    assert gs.op.name == "global_step" and gs.dtype == tf.int64 and gs.shape.ndims == 0
    assert not gs.trainable
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [gs]
    assert gs in tf.global_variables()
    assert tf.train.get_or_create_global_step() is gs
    assert tf.train.get_global_step() is gs
    with pytest.raises(ValueError, match="global_step"):
        tf.train.create_global_step()

    w, b, loss = _problem()
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=gs)
    g = tf.get_default_graph()
    assert train.name == "GradientDescent" and train.type == "AssignAdd"
    assert train.inputs[0] is gs._ref()
    group = g.get_operation_by_name("GradientDescent/update")
    assert group.type == "NoOp" and _depends_on(train, group)
    assert not _depends_on(group, train)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert tf.train.global_step(sess, gs) == 0
        for _ in range(3):
            sess.run(train)
        step = tf.train.global_step(sess, gs)
        assert step == 3 and isinstance(step, int)
        # The variables were updated 3 times as well.
        _, wv, _ = _reference(lambda p, g, s, t: p - F32(0.01) * g, 3, lambda p: None)
        np.testing.assert_allclose(sess.run(w), wv, rtol=2e-5, atol=1e-6)


def test_get_global_step_when_absent_and_create_in_a_graph():
    assert tf.train.get_global_step() is None
    other = tf.Graph()
    gs = tf.train.create_global_step(other)
    assert gs.graph is other and tf.train.get_global_step(other) is gs
    assert tf.train.get_global_step() is None


def test_adam_with_global_step():
    gs = tf.train.get_or_create_global_step()
    w, b, loss = _problem()
    train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=gs)
    assert train.name == "Adam" and train.type == "AssignAdd"
    tf.get_default_graph().get_operation_by_name("Adam/update")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        sess.run(train)
        assert tf.train.global_step(sess, gs) == 2


# --- compute / apply gradients -----------------------------------------------------------------
def test_compute_gradients_pairs_and_unconnected_variables():
    w, b, loss = _problem()
    unused = tf.Variable([1.0], name="unused")
    frozen = tf.Variable([2.0], name="frozen", trainable=False)
    opt = tf.train.GradientDescentOptimizer(0.1)
    gv = opt.compute_gradients(loss)
    assert [v for _, v in gv] == [w, b, unused]  # trainable variables only
    assert gv[2][0] is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        gw, gb = sess.run([gv[0][0], gv[1][0]])
    _, ew, eb = _np_loss_and_grads(W0, B0)
    np.testing.assert_allclose(gw, ew, rtol=1e-5)
    np.testing.assert_allclose(gb, eb, rtol=1e-5)
    # An explicit var_list (nested lists are flattened).
    gv = opt.compute_gradients(loss, var_list=[[b], frozen])
    assert [v for _, v in gv] == [b, frozen] and gv[1][0] is None
    # GATE_GRAPH still gives the same gradients.
    gv = opt.compute_gradients(loss, var_list=[w], gate_gradients=tf.train.Optimizer.GATE_GRAPH)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(gv[0][0]), ew, rtol=1e-5)


def test_apply_gradients_with_processed_gradients():
    w, b, loss = _problem()
    opt = tf.train.GradientDescentOptimizer(0.1)
    gv = opt.compute_gradients(loss)
    halved = [(tf.multiply(g, 0.5), v) for g, v in gv]
    train = opt.apply_gradients(halved)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        wv, bv = sess.run([w, b])
    _, gw, gb = _np_loss_and_grads(W0, B0)
    np.testing.assert_allclose(wv, W0 - F32(0.05) * gw, rtol=1e-5)
    np.testing.assert_allclose(bv, B0 - F32(0.05) * gb, rtol=1e-5)


def test_minimize_only_var_list():
    w, b, loss = _problem()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w), W0)
        assert not np.allclose(sess.run(b), B0)


def test_variable_constraint_is_applied_after_the_update():
    w = tf.Variable([1.0, -1.0], name="w", constraint=lambda v: tf.multiply(v, 0.0))
    loss = tf.reduce_sum(tf.square(w))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w), [0.0, 0.0])


def test_slots_inside_a_variable_scope_follow_tf1_naming():
    with tf.variable_scope("model"):
        w = tf.get_variable("W", initializer=tf.constant([1.0, 2.0]))
        loss = tf.reduce_sum(tf.square(w))
        opt = tf.train.MomentumOptimizer(0.1, 0.9)
        opt.minimize(loss)
    assert w.op.name == "model/W"
    # TF1 creates slots in a variable scope named after the variable, inside the current
    # variable scope: the prefix repeats.
    assert opt.get_slot(w, "momentum").op.name == "model/model/W/Momentum"


# --- errors ------------------------------------------------------------------------------------
def test_no_variables_to_optimize():
    loss = tf.reduce_sum(tf.square(tf.constant([1.0, 2.0])))
    with pytest.raises(ValueError, match="No variables to optimize."):
        tf.train.GradientDescentOptimizer(0.1).minimize(loss)


def test_no_gradients_for_any_variable():
    w = tf.Variable([1.0], name="w")
    loss = tf.reduce_sum(tf.square(tf.constant([1.0, 2.0])))
    opt = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(ValueError, match=r"No gradients provided for any variable, check your "
                                         r"graph for ops that do not support gradients, between "
                                         r"variables \[.*'w:0'.*\] and loss"):
        opt.minimize(loss)
    with pytest.raises(ValueError, match=r"No gradients provided for any variable: \["):
        opt.apply_gradients([(None, w)])
    with pytest.raises(ValueError, match="No variables provided."):
        opt.apply_gradients([])


def test_invalid_arguments():
    w = tf.Variable([1, 2], name="iw")
    with pytest.raises(ValueError, match="Invalid type"):
        tf.train.GradientDescentOptimizer(0.1).compute_gradients(tf.reduce_sum(w))
    wf = tf.Variable([1.0], name="wf")
    loss = tf.reduce_sum(tf.square(wf))
    with pytest.raises(ValueError, match="gate_gradients"):
        tf.train.GradientDescentOptimizer(0.1).minimize(loss, gate_gradients=7)
    with pytest.raises(ValueError, match="Must specify the optimizer name"):
        tf.train.GradientDescentOptimizer(0.1, name="")
    with pytest.raises(TypeError, match="convertible to a Tensor"):
        tf.train.GradientDescentOptimizer(0.1).apply_gradients([(tf.no_op(), wf)])
    with pytest.raises(NotImplementedError, match="unsupported type"):
        tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=["not a variable"])


def test_optimizer_base_constants():
    assert (tf.train.Optimizer.GATE_NONE, tf.train.Optimizer.GATE_OP,
            tf.train.Optimizer.GATE_GRAPH) == (0, 1, 2)
    wf = tf.Variable([1.0], name="wf")
    with pytest.raises(NotImplementedError):
        tf.train.Optimizer(False, "Base").minimize(tf.reduce_sum(tf.square(wf)))


# --- large variables: updates evaluated in pooled work buffers ---------------------------------
def _np_sgd(p, g, s, t):
    return p - g * F32(0.1)


def _np_momentum(p, g, s, t):
    s[0][:] = s[0] * F32(0.9) + g
    return p - s[0] * F32(0.1)


def _np_adam(p, g, s, t):
    m, v = s
    alpha = F32(0.1) * np.sqrt(F32(1) - F32(0.999) ** t) / (F32(1) - F32(0.9) ** t)
    m[:] = m + (g - m) * (F32(1) - F32(0.9))
    v[:] = v + (g * g - v) * (F32(1) - F32(0.999))
    return p - (m * alpha) / (np.sqrt(v) + F32(1e-8))


def _np_rmsprop(p, g, s, t):
    ms, mom = s
    ms[:] = ms + (g * g - ms) * (F32(1) - F32(0.9))
    mom[:] = mom * F32(0.5) + (g * F32(0.1)) / np.sqrt(ms + F32(1e-10))
    return p - mom


def _np_adagrad(p, g, s, t):
    s[0][:] = s[0] + g * g
    return p - g * F32(0.1) / np.sqrt(s[0])


@pytest.mark.parametrize("make_opt, update, slots", [
    (lambda: tf.train.GradientDescentOptimizer(0.1), _np_sgd, lambda p: []),
    (lambda: tf.train.MomentumOptimizer(0.1, 0.9), _np_momentum, lambda p: [np.zeros_like(p)]),
    (lambda: tf.train.AdamOptimizer(0.1), _np_adam, lambda p: [np.zeros_like(p)] * 2),
    (lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5), _np_rmsprop,
     lambda p: [np.ones_like(p), np.zeros_like(p)]),
    (lambda: tf.train.AdagradOptimizer(0.1), _np_adagrad, lambda p: [np.full_like(p, 0.1)]),
], ids=["sgd", "momentum", "adam", "rmsprop", "adagrad"])
def test_large_variables_of_one_shape_update_like_numpy(make_opt, update, slots):
    # 96x64 = 6144 elements: big enough for pooled work buffers, which both variables share
    rng = np.random.default_rng(3)
    p0 = [rng.standard_normal((96, 64)).astype(F32) for _ in range(2)]
    grads = [[rng.standard_normal((96, 64)).astype(F32) for _ in range(2)] for _ in range(3)]
    vs = [tf.Variable(p, name=f"v{i}") for i, p in enumerate(p0)]
    gs = [tf.placeholder(tf.float32, [96, 64]) for _ in vs]
    train = make_opt().apply_gradients(list(zip(gs, vs)))
    want = [p.copy() for p in p0]
    state = [[s.copy() for s in slots(p)] for p in p0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t, gv in enumerate(grads, start=1):
            sess.run(train, dict(zip(gs, gv)))
            want = [update(p, g, s, t) for p, g, s in zip(want, gv, state)]
        got = sess.run(vs)
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
