"""tfgraph.distribute on real MPI jobs: 2 and 3 ranks on this machine (loopback only).

The worker (workers/suite.py) runs every scenario on each rank and saves what it saw; these
tests compare that with NumPy references and across ranks.  The failure tests check that a
rank that raises, or stops taking part, ends the whole job quickly with a message naming it.
Skipped, with the reason, where `mpirun` or mpi4py is missing.
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pytest

import mpi_launch

sys.path.insert(0, str(mpi_launch.WORKERS))
from dist_cases import (DTYPES, READY_RE, SHAPES, expected_allreduce, key,  # noqa: E402
                        rank_value)

pytestmark = [pytest.mark.mpi, pytest.mark.slow,  # multi-process jobs: not in `-m "not slow"`
              pytest.mark.skipif(mpi_launch.missing_reason() is not None,
                                 reason=str(mpi_launch.missing_reason()))]

JOB_TIMEOUT = 150  # seconds; a healthy 3-rank suite takes ~10 s on 2 busy cores


@pytest.fixture(scope="module", params=[(2, "numpy"), (3, "numpy"), (2, "strict")],
                ids=["2ranks", "3ranks", "2ranks-strict"])
def ranks(request, tmp_path_factory):
    """What each rank of an n-rank run of workers/suite.py saw: a list of dicts, by rank.

    The "strict" run puts the ops on the test-only strict device (arrays that are not NumPy),
    so the collectives take the device path: staged through host buffers, as CuPy arrays
    are when MPI is not CUDA-aware and NCCL is missing.
    """
    n, backend = request.param
    out = tmp_path_factory.mktemp(f"suite{n}{backend}")
    job = mpi_launch.run(n, [str(mpi_launch.WORKERS / "suite.py"), str(out)], JOB_TIMEOUT,
                         env={"TFGRAPH_BACKEND": backend})
    assert job.returncode == 0, f"{n}-rank suite failed (rc {job.returncode}):\n{job.output}"
    loaded = []
    for r in range(n):
        with np.load(out / f"rank{r}.npz") as f:
            loaded.append({k: f[k] for k in f.files})
    # the data path taken: MPI on NumPy buffers, or staged through the host for device arrays
    want = {"numpy": ["HostTransport"], "strict": ["StagedTransport"]}[backend]
    assert all(seen["transports"].tolist() == want for seen in loaded)
    return loaded


def _tolerance(dtype):
    return {"float16": 1e-3, "float32": 1e-6, "float64": 1e-12}.get(dtype, 0)


def test_rank_size_and_local_rank(ranks):
    n = len(ranks)
    assert [int(r["rank"]) for r in ranks] == list(range(n))
    assert all(int(r["size"]) == n for r in ranks)
    # one machine: local rank = rank, local size = size
    assert [r["local"].tolist() for r in ranks] == [[i, n] for i in range(n)]


@pytest.mark.parametrize("label,op", [("fused_sum", "sum"), ("unfused_sum", "sum"),
                                      ("fused_avg", "average"), ("single_avg", "average")])
def test_allreduce_values_for_every_dtype_and_shape(ranks, label, op):
    n = len(ranks)
    for dtype in DTYPES:
        for shape in SHAPES:
            want = expected_allreduce(n, dtype, shape, op)
            for r, seen in enumerate(ranks):
                got = seen[f"{label}/{key(dtype, shape)}"]
                assert got.dtype == np.dtype(dtype) and got.shape == shape, (dtype, shape)
                np.testing.assert_allclose(got, want, rtol=_tolerance(dtype), atol=0,
                                           err_msg=f"{label} {dtype} {shape} on rank {r}")


def test_integer_average_rounds_down(ranks):
    # rank values of int32 scalars are -2, 1, 4: mean over 2 ranks is -0.5 -> -1.
    n = len(ranks)
    want = {2: -1, 3: 1}[n]
    assert int(ranks[0]["fused_avg/int32_scalar"]) == want


def test_fusion_makes_one_mpi_call_per_dtype(ranks):
    for seen in ranks:
        assert int(seen["calls/fused_sum"]) == len(DTYPES)  # 15 tensors of 5 dtypes
        assert int(seen["calls/fused_avg"]) == len(DTYPES)
        assert int(seen["calls/unfused_sum"]) == len(DTYPES) * len(SHAPES)  # threshold 0
        assert int(seen["calls/single_avg"]) == len(DTYPES) * len(SHAPES)  # 15 ops


def test_dynamic_shapes_are_checked_across_ranks(ranks):
    n = len(ranks)
    want = sum(np.arange(4, dtype=np.float32) + r for r in range(n))
    for seen in ranks:
        np.testing.assert_array_equal(seen["dynamic_sum"], want)
        msg = str(seen["shape_mismatch_error"])
        assert "ranks disagree on the input shapes of MPIAllreduce" in msg
        assert "rank 0: [(3,)]" in msg and "rank 1: [(4,)]" in msg


def test_broadcast_tensors_from_last_rank(ranks):
    root = len(ranks) - 1
    for seen in ranks:
        np.testing.assert_array_equal(seen["bcast/tensor_f32"], rank_value(root, "float32", (3, 4)))
        np.testing.assert_array_equal(seen["bcast/tensor_i64"], rank_value(root, "int64", (5,)))


def test_broadcast_global_variables_gives_every_rank_rank0s_values(ranks):
    for seen in ranks:
        assert str(seen["bcast/op_type"]) == "MPIBroadcastVariables"
        for name, dtype, shape in (("v1", "float32", (3, 4)), ("v2", "int32", (5,)),
                                   ("v3", "float64", ()), ("v4", "float16", (2,))):
            got = seen[f"bcast/{name}"]
            assert got.dtype == np.dtype(dtype)
            np.testing.assert_array_equal(got, rank_value(0, dtype, shape))
        assert int(seen["bcast/calls"]) == 4  # four dtypes: one fused Bcast each


def test_broadcast_variables_from_another_root(ranks):
    root = len(ranks) - 1
    for seen in ranks:
        np.testing.assert_array_equal(seen["bcast/v1_from_last"],
                                      rank_value(root, "float32", (3, 4)) * 10)


def test_broadcast_of_uninitialized_variables_fails_on_every_rank(ranks):
    for seen in ranks:
        msg = str(seen["bcast/uninitialized_error"])
        assert "Attempting to use uninitialized value v1" in msg
        assert "broadcast_global_variables" in msg


def test_allreduce_gradient_is_the_allreduce_of_the_gradients(ranks):
    n = len(ranks)
    ws = [np.array([1.0, -2.0, 0.5]) * (r + 1) + r for r in range(n)]
    for seen in ranks:
        np.testing.assert_allclose(seen["grad/sum"], sum(ws), rtol=1e-12)
        np.testing.assert_allclose(seen["grad/avg"], sum(ws) / n, rtol=1e-12)
        assert "MPIAllreduce" in seen["grad/avg_op_types"].tolist()


def test_distributed_optimizer_fuses_all_gradients_into_one_call_per_step(ranks):
    for seen in ranks:
        # 6 dense layers: 12 float32 variables (8x8 kernels of 256 B, biases of 32 B)
        assert seen["fusion/var_bytes"].tolist() == [256, 32] * 6
        for label in ("default", "off", "small"):
            assert seen[f"fusion/{label}/ops"].tolist() == [12]  # one op, all gradients
        assert int(seen["fusion/default/calls"]) == 3  # 3 steps, 1 call each
        assert int(seen["fusion/off/calls"]) == 3 * 12  # fusion off: one call per gradient
        # 1 KiB buckets: three (kernel, bias) pairs of 288 B fit (864 B), a fourth does not.
        assert int(seen["fusion/small/calls"]) == 3 * 2


@pytest.mark.parametrize("opt", ["sgd", "adam"])
def test_training_matches_one_process_with_the_global_batch(ranks, opt):
    n = len(ranks)
    before = [seen[f"train/{opt}/init_before_bcast"] for seen in ranks]
    assert not np.array_equal(before[0], before[1])  # each rank drew its own weights...
    for i in range(4):
        for seen in ranks:  # ...and the broadcast gave every rank rank 0's
            np.testing.assert_array_equal(seen[f"train/{opt}/init{i}"],
                                          ranks[0][f"train/{opt}/init{i}"])
    for seen in ranks:
        assert int(seen[f"train/{opt}/steps"]) == 96 // (8 * n)
        for i in range(4):
            dist, ref = seen[f"train/{opt}/dist{i}"], seen[f"train/{opt}/ref{i}"]
            assert dist.dtype == np.float32
            assert not np.allclose(dist, seen[f"train/{opt}/init{i}"])  # it did train
            np.testing.assert_allclose(dist, ref, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{opt} weight {i} on rank {int(seen['rank'])}")
            # every rank applies the same averaged gradients: identical bits
            np.testing.assert_array_equal(dist, ranks[0][f"train/{opt}/dist{i}"])


def test_broadcast_hook(ranks):
    for seen in ranks:
        np.testing.assert_array_equal(seen["hook/value"], np.zeros((2, 2), np.float32))


# --- failures: the job ends, quickly, naming the rank -----------------------------------------
FAILURE_BOUND = 30  # seconds, from the last rank's start-up to the end of the job


def _failed_job(worker: str, mode: str, env=None) -> mpi_launch.Job:
    """Runs workers/<worker>.py <mode> on 2 ranks; the job must fail, within FAILURE_BOUND of
    both ranks being up."""
    job = mpi_launch.run(2, [str(mpi_launch.WORKERS / f"{worker}.py"), mode],
                         timeout=JOB_TIMEOUT, env=env)
    assert job.returncode is not None, f"the job hung until killed:\n{job.output}"
    assert job.returncode != 0
    assert _seconds_after_start_up(job) < FAILURE_BOUND, job.output
    return job


def _seconds_after_start_up(job: mpi_launch.Job) -> float:
    """Seconds from the last rank's `print_ready` mark to the end of the job. Start-up itself
    (imports, MPI_Init) is not counted: it grows with the machine's load and says nothing
    about how a failure ends a job."""
    ready = [float(t) for t in READY_RE.findall(job.output)]
    assert len(ready) == 2, f"a rank did not start:\n{job.output}"
    return job.ended - max(ready)


def test_a_rank_that_raises_ends_the_job_naming_it():
    job = _failed_job("fail", "raise")
    assert "rank 1 failed: RuntimeError: injected failure at step 3" in job.output
    assert "rank 0 finished step 2" in job.output  # rank 0 was waiting in step 3


def test_a_rank_that_exits_early_ends_the_job_naming_it():
    job = _failed_job("fail", "exit")
    assert "rank 0 is waiting in MPIAllreduce" in job.output
    assert "for rank 1, which exited" in job.output


def test_a_rank_that_stops_taking_part_ends_the_job_after_the_stall_timeout():
    # The shutdown time bounds every wait, steps 0-2 included, where a healthy rank waits for
    # a slower one (its first run compiles the plan): on a loaded machine that skew reaches
    # seconds, and a 2 s limit then aborted early, naming the wrong rank. 5 s leaves room for it
    # and puts the 1 s warning seconds before the abort (output written just before MPI_Abort
    # may be lost), at the cost of ~3 s more per run.
    job = _failed_job("fail", "stall", env={"TFGRAPH_STALL_SHUTDOWN_TIME": "5",
                                            "TFGRAPH_STALL_CHECK_TIME": "1"})
    assert "warning: rank 0 has waited" in job.output
    assert "rank 0 waited" in job.output and "TFGRAPH_STALL_SHUTDOWN_TIME=5" in job.output


# --- the example script -----------------------------------------------------------------------
def test_mnist_mlp_example_trains_on_two_ranks_and_only_rank0_reports(datasets_dir, tmp_path):
    import importlib.util
    argv = [str(mpi_launch.REPO / "examples" / "mnist_mlp.py"), "--distributed", "--scale-lr",
            "--data-dir", str(datasets_dir), "--epochs", "1", "--limit", "2000",
            "--save", str(tmp_path / "ckpt" / "model")]
    tensorboard = importlib.util.find_spec("tensorboard") is not None
    if tensorboard:
        argv += ["--logdir", str(tmp_path / "logs")]
    job = mpi_launch.run(2, argv, timeout=JOB_TIMEOUT)
    assert job.returncode == 0, job.output
    # Horovod's conventions: per-rank batch (default 100), learning rate 0.001 x 2 ranks
    assert job.output.count("Data-parallel training on 2 MPI ranks: 100 images per rank per "
                            "step (200 in all), learning rate 0.002") == 1, job.output
    assert job.output.count("Epoch 1/1 - ") == 1, job.output  # rank 1 is silent
    accuracy = float(job.output.split("Test accuracy: ")[1].split()[0])
    assert accuracy > 0.6, job.output
    assert (tmp_path / "ckpt" / "checkpoint").exists()
    if tensorboard:
        assert len(list((tmp_path / "logs").glob("events.out.tfevents.*"))) == 1


# --- collectives are matched by name (Horovod): a mismatch fails on every rank, at once ------
def test_mismatched_collectives_fail_on_every_rank_naming_both_ops(tmp_path):
    job = mpi_launch.run(2, [str(mpi_launch.WORKERS / "mismatch.py"), "caught", str(tmp_path)],
                         timeout=JOB_TIMEOUT)
    assert job.returncode == 0, job.output
    assert _seconds_after_start_up(job) < FAILURE_BOUND, job.output
    seen = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    both = {"different_names": ("MPIAllreduce 'loss'", "MPIAllreduce 'acc'"),
            "different_order": ("MPIAllreduce 'first'", "MPIAllreduce 'second'"),
            "different_counts": ("MPIAllreduce 'grads'", "MPIBroadcast 'weights'")}
    for scenario, (op0, op1) in both.items():
        for rank in (0, 1):
            msg = seen[rank][scenario]
            assert msg.startswith("InvalidArgumentError: ranks ran different collectives"), \
                (scenario, rank, msg)
            assert f"rank 0: {op0}" in msg and f"rank 1: {op1}" in msg, (scenario, msg)
    # Matching names still reduce (and the ranks are in step again after the errors).
    for rank in (0, 1):
        assert seen[rank]["same_names sum"] == [3.0, 3.0]
        assert seen[rank]["same_names"] == "no error"


def test_an_uncaught_mismatch_ends_the_job_naming_both_ops():
    job = _failed_job("mismatch", "uncaught")
    assert "failed: InvalidArgumentError: ranks ran different collectives" in job.output
    assert "rank 0: MPIAllreduce 'loss'" in job.output
    assert "rank 1: MPIAllreduce 'acc'" in job.output
