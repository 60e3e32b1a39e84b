"""tf.check_pinned: tfgraph has no pinned host memory, so the check fails as TF's CPU build."""
import pytest

import tfgraph as tf


def test_check_pinned_fails_without_cuda_naming_the_tensor():
    with tf.Graph().as_default():
        x = tf.constant([1.0, 2.0], name="host_x")
        y = tf.check_pinned(x)
        assert y.op.type == "CheckPinned" and y.shape.as_list() == [2] and y.dtype == tf.float32
        with tf.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError, match="host_x"):
                sess.run(y)
