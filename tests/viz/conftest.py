"""Graphs for the diagram tests, and `require_dot`: tests that render must find Graphviz."""
import shutil

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.viz import INSTALL_HINT


@pytest.fixture
def require_dot():
    """Fails (never skips) when Graphviz's `dot` is missing: CI installs it."""
    if shutil.which("dot") is None:
        pytest.fail("this test renders with Graphviz's `dot`, which is not on PATH; "
                    + INSTALL_HINT)


@pytest.fixture
def layer_graph():
    """x [?,784] -> layer1 (Variables W [784,10], b [10], MatMul, add) -> squared loss,
    its gradients and the `init` NoOp."""
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y_ = tf.placeholder(tf.float32, [None, 10], name="y_")
    with tf.name_scope("layer1"):
        W = tf.Variable(np.zeros([784, 10], np.float32), name="W")
        b = tf.Variable(np.zeros([10], np.float32), name="b")
        y = tf.matmul(x, W) + b
    loss = tf.reduce_sum(tf.square(y - y_), name="loss")
    grads = tf.gradients(loss, [W, b])
    init = tf.global_variables_initializer()
    return dict(graph=tf.get_default_graph(), x=x, y_=y_, W=W, b=b, y=y, loss=loss,
                grads=grads, init=init)
