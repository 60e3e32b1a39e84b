"""tfgraph.distribute without an MPI job: data sharding, the fusion plan, op shape rules and
the errors a user sees before `init()` or without mpi4py."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import tfgraph as tf
import tfgraph.distribute as hvd
from tfgraph.distribute import runtime
from tfgraph.distribute.transport import fusion_buckets


# --- sharding ---------------------------------------------------------------------------------
def test_shard_gives_disjoint_equal_blocks_covering_all_but_the_remainder():
    x = np.arange(23)
    y = x * 10
    parts = [hvd.shard(x, y, rank=r, size=4) for r in range(4)]
    assert [len(px) for px, _ in parts] == [5, 5, 5, 5]
    np.testing.assert_array_equal(np.concatenate([px for px, _ in parts]), np.arange(20))
    for px, py in parts:
        np.testing.assert_array_equal(py, px * 10)


def test_shard_without_dropping_splits_as_array_split():
    x = np.arange(23)
    parts = [hvd.shard(x, rank=r, size=4, drop_remainder=False) for r in range(4)]
    assert [p.tolist() for p in parts] == [p.tolist() for p in np.array_split(x, 4)]


def test_shard_errors():
    with pytest.raises(ValueError, match="same number of examples"):
        hvd.shard(np.zeros(4), np.zeros(5), rank=0, size=2)
    with pytest.raises(ValueError, match="0 <= rank < size"):
        hvd.shard(np.zeros(4), rank=2, size=2)
    with pytest.raises(ValueError, match="give both rank and size"):
        hvd.shard(np.zeros(4), rank=0)


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("size", [2, 3])
def test_distributed_batches_split_the_single_process_batches(shuffle, size):
    x = np.arange(50).reshape(25, 2)
    y = np.arange(25)
    single = tf.datasets.Batches(x, y, 4 * size, shuffle=shuffle, seed=5, drop_remainder=True)
    per_rank = [hvd.DistributedBatches(x, y, 4, shuffle=shuffle, seed=5, rank=r, size=size)
                for r in range(size)]
    assert all(len(b) == len(single) for b in per_rank)
    for epoch in range(2):  # a new order every epoch, the same on every rank
        for step, (gx, gy) in enumerate(single.iter_epoch(epoch)):
            parts = [list(b.iter_epoch(epoch))[step] for b in per_rank]
            assert all(len(px) == 4 for px, _ in parts)
            np.testing.assert_array_equal(np.concatenate([px for px, _ in parts]), gx)
            np.testing.assert_array_equal(np.concatenate([py for _, py in parts]), gy)


def test_distributed_batches_keep_every_rank_in_step_without_empty_batches():
    x = np.arange(27)
    # global batch 8 over 2 ranks: 3 full batches, then 3 rows split 2 + 1
    b = [hvd.DistributedBatches(x, None, 4, shuffle=False, drop_remainder=False, rank=r, size=2)
         for r in range(2)]
    assert [len(bb) for bb in b] == [4, 4]
    assert [list(bb)[-1].tolist() for bb in b] == [[24, 25], [26]]
    # 1 leftover row cannot feed 2 ranks: that last batch is dropped on both
    b = [hvd.DistributedBatches(np.arange(25), None, 4, shuffle=False, drop_remainder=False,
                                rank=r, size=2) for r in range(2)]
    assert [len(bb) for bb in b] == [3, 3]
    assert [len(list(bb)) for bb in b] == [3, 3]


def test_distributed_batches_iteration_advances_epochs():
    b = hvd.DistributedBatches(np.arange(8), None, 2, seed=1, rank=0, size=2)
    first, second = [x.tolist() for x in b], [x.tolist() for x in b]
    assert b.epoch == 2 and first != second
    assert len(set(sum(first, []))) == 4  # rank 0's half of the 8 rows, each once


# --- the fusion plan ------------------------------------------------------------------------
def test_fusion_buckets_group_by_dtype_in_order_up_to_the_threshold():
    f32, i32 = np.dtype(np.float32), np.dtype(np.int32)
    sizes = [400, 400, 40, 400, 1000]
    keys = [f32, f32, i32, f32, f32]
    assert fusion_buckets(sizes, keys, 1 << 20) == [[0, 1, 3, 4], [2]]
    assert fusion_buckets(sizes, keys, 800) == [[0, 1], [3], [4], [2]]  # 1000 B alone
    assert fusion_buckets(sizes, keys, 0) == [[0], [1], [3], [4], [2]]  # fusion off


# --- ops and errors without MPI ---------------------------------------------------------------
def test_allreduce_op_shape_rules_and_dtype_errors():
    g = tf.get_default_graph()
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.int64, [])
    op = g.create_op("MPIAllreduce", [a, b], {"reduce_op": "average"})
    assert [(t.dtype, t.shape.as_list()) for t in op.outputs] == [(tf.float32, [None, 3]),
                                                                   (tf.int64, [])]
    with pytest.raises(TypeError, match="cannot reduce .* of dtype bool"):
        g.create_op("MPIAllreduce", [tf.placeholder(tf.bool, [2])], {"reduce_op": "sum"})
    with pytest.raises(ValueError, match="reduce_op must be"):
        g.create_op("MPIAllreduce", [a], {"reduce_op": "max"})
    with pytest.raises(TypeError, match="needs variables"):
        g.create_op("MPIBroadcastVariables", [a], {"root_rank": 0})


@pytest.mark.parametrize("call", [
    lambda: hvd.rank(), lambda: hvd.size(), lambda: hvd.local_rank(), lambda: hvd.local_size(),
    lambda: hvd.allreduce(tf.constant([1.0])),
    lambda: hvd.broadcast_global_variables(0),
    lambda: hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1)),
    lambda: hvd.shard(np.zeros(4)),
])
def test_use_before_init_says_to_call_init(call):
    assert not hvd.is_initialized()
    with pytest.raises(ValueError, match=r"call tfgraph.distribute.init\(\) first"):
        call()


def test_missing_mpi4py_names_the_extra_and_the_system_packages(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # `import mpi4py` now fails
    with pytest.raises(ImportError) as info:
        hvd.init()
    msg = str(info.value)
    assert "pip install 'tfgraph[mpi]'" in msg and "openmpi-bin libopenmpi-dev" in msg
    assert not hvd.is_initialized()


def test_import_tfgraph_does_not_import_mpi4py():
    code = "import sys, tfgraph; print(tfgraph.distribute.__name__, 'mpi4py' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.split() == ["tfgraph.distribute", "False"]


def test_reduce_op_arguments():
    from tfgraph.distribute.mpi_ops import _reduce_op
    assert _reduce_op(None, None) == hvd.Average
    assert _reduce_op(True, None) == hvd.Average and _reduce_op(False, None) == hvd.Sum
    assert _reduce_op(None, hvd.Sum) == "sum"
    with pytest.raises(ValueError, match="not both"):
        _reduce_op(True, hvd.Sum)
    with pytest.raises(ValueError, match="Average or Sum"):
        _reduce_op(None, "adasum")


def test_bad_environment_setting_is_reported(monkeypatch):
    monkeypatch.setenv(runtime.FUSION_THRESHOLD_ENV, "lots")
    with pytest.raises(ValueError, match="TFGRAPH_FUSION_THRESHOLD must be a number"):
        runtime._env_number(runtime.FUSION_THRESHOLD_ENV, 0)
