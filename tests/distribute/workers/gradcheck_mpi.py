"""MPI worker: the finite-difference gradient check of `MPIAllreduce`, on every rank at once.

Every rank draws the same inputs and weights (same seeds) and perturbs them in step, so the
numerical derivative of each rank's output is `size * w` for Sum and `w` for Average: what
the registered gradient (the allreduce of the upstream gradients) must give.  Run by
tests/ops/cases_distribute.py:

    mpirun -n 2 python tests/distribute/workers/gradcheck_mpi.py
"""
from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "ops"))

import tfgraph.distribute as hvd  # noqa: E402
from gradcheck import check_gradient  # noqa: E402


def main() -> None:
    hvd.init()
    for op in (hvd.Average, hvd.Sum):
        check_gradient(lambda x: hvd.allreduce(x, op=op), [(3, 4)], second_order=True,
                       op_type="MPIAllreduce")
        check_gradient(lambda a, b: hvd.grouped_allreduce([a, b], op=op), [(2,), (2, 3)],
                       dynamic=True, op_type="MPIAllreduce")
    print(f"rank {hvd.rank()}: MPIAllreduce gradient checks passed", flush=True)


if __name__ == "__main__":
    main()
