"""`tf.viz.summary`: the Keras-like table of a graph's model (rows, shapes, parameter counts)."""
import numpy as np

import tfgraph as tf


def _mlp():
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y_ = tf.placeholder(tf.float32, [None, 10], name="y_")
    hidden = tf.layers.dense(x, 256, activation=tf.nn.relu, name="hidden")
    with tf.name_scope("norm"):  # a non-trainable variable the model reads: counted
        scale = tf.Variable(np.ones([256], np.float32), trainable=False, name="scale")
        hidden = hidden * scale
    logits = tf.layers.dense(hidden, 10, name="logits")
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(1e-3).minimize(loss, global_step=step)
    tf.summary.scalar("batch_loss", loss)
    tf.global_variables_initializer()
    return logits, train


def _rows(text):
    body = text.split("=" * 88)[1].strip().splitlines()
    return [line.split() for line in body]


def test_summary_rows_shapes_and_parameter_counts():
    _mlp()
    lines = []
    assert tf.viz.summary(print_fn=lines.append) is None
    text = "\n".join(lines)
    assert text == tf.viz.summary_table()
    assert lines[1].split() == ["Scope", "/", "op", "Types", "Output", "shape", "Params"]
    assert _rows(text) == [
        ["x", "Placeholder", "(None,", "784)", "0"],
        ["y_", "Placeholder", "(None,", "10)", "0"],
        ["hidden", "MatMul,", "BiasAdd,", "Relu", "(None,", "256)", "200,960"],
        ["norm", "Mul", "(None,", "256)", "256"],
        ["logits", "MatMul,", "BiasAdd", "(None,", "10)", "2,570"],
        ["loss", "SoftmaxCrossEntropyWithLogits,", "M…", "()", "0"],
    ]
    trainable = 784 * 256 + 256 + 256 * 10 + 10
    assert f"Total params: {trainable + 256:,} (" in text
    assert f"Trainable params: {trainable:,} ({trainable * 4 / 1024:,.2f} KB)" in text
    assert "Non-trainable params: 256 (1,024 B)" not in text  # 1024 B prints as 1.00 KB
    assert "Non-trainable params: 256 (1.00 KB)" in text
    # Adam's two slots per variable, its beta powers and the global step.
    state = 2 * trainable + 2 + 1
    assert f"Not counted: {state:,} values of optimizer state (global_step, " in text
    for hidden_name in ("gradients", "Adam", "beta1_power", "batch_loss", "init"):
        assert hidden_name not in [row[0] for row in _rows(text)]


def test_summary_of_fetches_lists_only_their_ancestors():
    logits, _ = _mlp()
    rows = _rows(tf.viz.summary_table(logits))
    assert [r[0] for r in rows] == ["x", "hidden", "norm", "logits"]


def test_summary_of_hand_made_variables_at_top_level():
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    W = tf.Variable(tf.zeros([784, 10]), name="W")
    b = tf.Variable(tf.zeros([10]), name="b")
    tf.nn.softmax(tf.matmul(x, W) + b, name="y")
    rows = _rows(tf.viz.summary_table())
    assert rows == [["x", "Placeholder", "(None,", "784)", "0"],
                    ["W", "Variable", "(784,", "10)", "7,840"],
                    ["b", "Variable", "(10,)", "10"],
                    ["MatMul", "MatMul", "(None,", "10)", "0"],
                    ["add", "Add", "(None,", "10)", "0"],
                    ["y", "Softmax", "(None,", "10)", "0"]]


def test_initializer_subgraphs_are_not_rows_nor_types():
    x = tf.placeholder(tf.float32, [None, 8], name="x")
    with tf.name_scope("fc"):
        W = tf.Variable(tf.truncated_normal([8, 4], stddev=0.1), name="W")
        b = tf.Variable(tf.constant(0.1, shape=[4]), name="b")
        tf.nn.relu(tf.matmul(x, W) + b)
    init = tf.zeros([4, 2])  # a top-level initial value
    tf.Variable(init, name="V")
    rows = _rows(tf.viz.summary_table())
    assert rows == [["x", "Placeholder", "(None,", "8)", "0"],
                    ["fc", "MatMul,", "Add,", "Relu", "(None,", "4)", "36"],
                    ["V", "Variable", "(4,", "2)", "8"]]
