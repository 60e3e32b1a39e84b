"""Finite-difference gradient case of `MPIAllreduce` (tfgraph.distribute), run on 2 MPI ranks.

The check itself lives in tests/distribute/workers/gradcheck_mpi.py (an MPI job cannot run
inside the test process); skipped, with the reason, where mpirun or mpi4py is missing.
"""
from __future__ import annotations

import pathlib
import sys

import pytest
from gradcheck import Case

import tfgraph.distribute  # noqa: F401  (registers MPIAllreduce; tf.distribute loads lazily)

_DISTRIBUTE_TESTS = pathlib.Path(__file__).resolve().parents[1] / "distribute"


class MPICase(Case):
    """A case checked by an MPI job (`check` launches it and asserts it passed)."""

    def check(self, op_type=None, seed=0) -> float:
        if str(_DISTRIBUTE_TESTS) not in sys.path:
            sys.path.insert(0, str(_DISTRIBUTE_TESTS))
        import mpi_launch
        reason = mpi_launch.missing_reason()
        if reason is not None:
            pytest.skip(reason)
        job = mpi_launch.run(2, [str(mpi_launch.WORKERS / "gradcheck_mpi.py")], timeout=150)
        assert job.returncode == 0, f"MPIAllreduce gradient check failed:\n{job.output}"
        assert job.output.count("gradient checks passed") == 2, job.output
        return 0.0


CASES = {
    "MPIAllreduce": [MPICase(build=None, shapes=[], label="2-ranks")],
}
