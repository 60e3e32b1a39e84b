"""MPI worker of tests/distribute/test_distribute_mpi.py (run on 2 and 3 ranks).

Runs every scenario on each rank and saves what this rank saw to `<outdir>/rank<R>.npz`; the
test compares the files with NumPy references and across ranks.  Usage:

    mpirun -n 2 python tests/distribute/workers/suite.py OUTDIR
"""
from __future__ import annotations

import sys

import numpy as np

import tfgraph as tf
import tfgraph.distribute as hvd
from dist_cases import DTYPES, SHAPES, key, rank_value

results = {}


def allreduce_scenarios(rank: int, size: int) -> None:
    tf.reset_default_graph()
    names, inputs = [], []
    for dtype in DTYPES:
        for shape in SHAPES:
            names.append(key(dtype, shape))
            inputs.append(tf.constant(rank_value(rank, dtype, shape)))
    fused_sum = hvd.grouped_allreduce(inputs, op=hvd.Sum)
    fused_avg = hvd.grouped_allreduce(inputs, average=True)
    unfused_sum = hvd.grouped_allreduce(inputs, op=hvd.Sum, fusion_threshold=0)
    single_avg = [hvd.allreduce(t) for t in inputs]
    with tf.Session() as sess:
        for label, fetch in (("fused_sum", fused_sum), ("fused_avg", fused_avg),
                             ("unfused_sum", unfused_sum), ("single_avg", single_avg)):
            hvd.reset_stats()
            values = sess.run(fetch)
            results[f"calls/{label}"] = np.array(hvd.stats()["allreduce_calls"])
            for n, v in zip(names, values):
                results[f"{label}/{n}"] = v

    # A shape known only at run time: agreed on by a check; a disagreement fails every rank.
    tf.reset_default_graph()
    p = tf.placeholder(tf.float32, [None])
    s = hvd.allreduce(p, op=hvd.Sum)
    with tf.Session() as sess:
        results["dynamic_sum"] = sess.run(s, {p: np.arange(4, dtype=np.float32) + rank})
        try:
            sess.run(s, {p: np.zeros(3 + rank, np.float32)})
            results["shape_mismatch_error"] = np.array("no error")
        except tf.errors.InvalidArgumentError as e:
            results["shape_mismatch_error"] = np.array(str(e))


def broadcast_scenarios(rank: int, size: int) -> None:
    tf.reset_default_graph()
    root = size - 1
    a = hvd.broadcast(tf.constant(rank_value(rank, "float32", (3, 4))), root_rank=root)
    b = hvd.broadcast(tf.constant(rank_value(rank, "int64", (5,))), root_rank=root)
    v1 = tf.Variable(rank_value(rank, "float32", (3, 4)), name="v1")
    v2 = tf.Variable(rank_value(rank, "int32", (5,)), name="v2")
    v3 = tf.Variable(rank_value(rank, "float64", ()), name="v3")
    v4 = tf.Variable(rank_value(rank, "float16", (2,)), name="v4")
    bcast_all = hvd.broadcast_global_variables(0)
    bcast_one = hvd.broadcast_variables([v1], root_rank=root)
    with tf.Session() as sess:
        results["bcast/tensor_f32"], results["bcast/tensor_i64"] = sess.run([a, b])
        sess.run(tf.global_variables_initializer())
        hvd.reset_stats()
        sess.run(bcast_all)
        results["bcast/calls"] = np.array(hvd.stats()["bcast_calls"])
        for v in (v1, v2, v3, v4):
            results[f"bcast/{v.op.name}"] = sess.run(v)
        sess.run(v1.assign(rank_value(rank, "float32", (3, 4)) * 10))
        sess.run(bcast_one)
        results["bcast/v1_from_last"] = sess.run(v1)
        results["bcast/op_type"] = np.array(bcast_all.type)
    with tf.Session() as sess:  # nothing initialized: every rank fails before any MPI call
        try:
            sess.run(bcast_all)
            results["bcast/uninitialized_error"] = np.array("no error")
        except tf.errors.FailedPreconditionError as e:
            results["bcast/uninitialized_error"] = np.array(str(e))


def gradient_scenarios(rank: int, size: int) -> None:
    tf.reset_default_graph()
    x = tf.placeholder(tf.float64, [3])
    w = tf.constant(np.array([1.0, -2.0, 0.5]) * (rank + 1) + rank)
    for label, op in (("avg", hvd.Average), ("sum", hvd.Sum)):
        y = hvd.allreduce(x, op=op)
        g, = tf.gradients(tf.reduce_sum(y * w), x)
        with tf.Session() as sess:
            results[f"grad/{label}"] = sess.run(g, {x: np.arange(3.0) * rank})
        results[f"grad/{label}_op_types"] = np.array(
            sorted({o.type for o in tf.get_default_graph().get_operations()}))


def _deep_model(width: int, depth: int):
    x = tf.placeholder(tf.float32, [None, width])
    h = x
    for i in range(depth):
        h = tf.layers.dense(h, width, activation=tf.nn.tanh, name=f"layer{i}")
    return x, tf.reduce_mean(tf.square(h))


def fusion_scenarios(rank: int, size: int) -> None:
    for label, threshold in (("default", None), ("off", 0), ("small", 1024)):
        tf.reset_default_graph()
        tf.set_random_seed(1)
        x, loss = _deep_model(width=8, depth=6)  # 12 variables
        opt = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1),
                                       fusion_threshold=threshold)
        train = opt.minimize(loss)
        graph = tf.get_default_graph()
        reduce_ops = [o for o in graph.get_operations() if o.type == "MPIAllreduce"]
        results[f"fusion/{label}/ops"] = np.array([len(o.inputs) for o in reduce_ops])
        results["fusion/var_bytes"] = np.array(
            [int(np.prod(v.shape.as_list())) * 4 for v in tf.trainable_variables()])
        feed = {x: np.random.default_rng(rank).standard_normal((4, 8)).astype(np.float32)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, feed)  # plan compiled; count the next three steps
            hvd.reset_stats()
            for _ in range(3):
                sess.run(train, feed)
            results[f"fusion/{label}/calls"] = np.array(hvd.stats()["allreduce_calls"])


def _mlp(w0):
    x = tf.placeholder(tf.float32, [None, 10])
    y = tf.placeholder(tf.float32, [None, 3])
    if w0 is None:
        h = tf.layers.dense(x, 16, activation=tf.nn.relu, name="hidden")
        logits = tf.layers.dense(h, 3, name="out")
    else:  # the reference: the same weights as explicit initial values
        W1, b1, W2, b2 = (tf.Variable(v, name=n) for v, n in zip(w0, ["W1", "b1", "W2", "b2"]))
        logits = tf.matmul(tf.nn.relu(tf.matmul(x, W1) + b1), W2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    return x, y, loss


def training_scenarios(rank: int, size: int) -> None:
    rng = np.random.default_rng(42)
    data_x = rng.standard_normal((96, 10)).astype(np.float32)
    data_y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 96)]
    per_rank = 8
    for label, make_opt in (("sgd", lambda: tf.train.GradientDescentOptimizer(0.5)),
                            ("adam", lambda: tf.train.AdamOptimizer(0.01))):
        # Distributed: different random initial weights per rank, made equal by the broadcast.
        tf.reset_default_graph()
        tf.set_random_seed(100 + rank)
        x, y, loss = _mlp(None)
        train = hvd.DistributedOptimizer(make_opt()).minimize(loss)
        bcast = hvd.broadcast_global_variables(0)
        weights = tf.trainable_variables()
        batches = hvd.DistributedBatches(data_x, data_y, per_rank, seed=7)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            results[f"train/{label}/init_before_bcast"] = sess.run(weights[0])
            sess.run(bcast)
            w0 = sess.run(weights)
            steps = 0
            for xb, yb in batches:
                sess.run(train, {x: xb, y: yb})
                steps += 1
            final = sess.run(weights)
        results[f"train/{label}/steps"] = np.array(steps)
        for i, v in enumerate(final):
            results[f"train/{label}/dist{i}"] = v

        # Reference: one process, batches of per_rank * size in the same order.
        tf.reset_default_graph()
        x, y, loss = _mlp(w0)
        train = make_opt().minimize(loss)
        weights = tf.trainable_variables()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for xb, yb in tf.datasets.Batches(data_x, data_y, per_rank * size, seed=7,
                                              drop_remainder=True):
                sess.run(train, {x: xb, y: yb})
            for i, v in enumerate(sess.run(weights)):
                results[f"train/{label}/ref{i}"] = v
                results[f"train/{label}/init{i}"] = w0[i]


def hook_scenario(rank: int, size: int) -> None:
    tf.reset_default_graph()
    v = tf.Variable(np.full((2, 2), rank, np.float32))
    hook = hvd.BroadcastGlobalVariablesHook(0)
    hook.begin()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        hook.after_create_session(sess, None)
        results["hook/value"] = sess.run(v)


def main(outdir: str) -> None:
    hvd.init()
    rank, size = hvd.rank(), hvd.size()
    results["rank"], results["size"] = np.array(rank), np.array(size)
    results["local"] = np.array([hvd.local_rank(), hvd.local_size()])
    allreduce_scenarios(rank, size)
    broadcast_scenarios(rank, size)
    gradient_scenarios(rank, size)
    fusion_scenarios(rank, size)
    training_scenarios(rank, size)
    hook_scenario(rank, size)
    from tfgraph.distribute import runtime
    results["transports"] = np.array(sorted(type(t).__name__
                                            for t in runtime.get_state().transports.values()))
    np.savez(f"{outdir}/rank{rank}.npz", **results)


if __name__ == "__main__":
    main(sys.argv[1])
