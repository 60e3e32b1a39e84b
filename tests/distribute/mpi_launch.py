"""Launches MPI jobs for the distributed tests: `mpirun` on this machine only, with a timeout.

Every job runs on loopback (Open MPI: shared memory between ranks, out-of-band traffic on
`lo`), so no traffic leaves the machine; ranks may outnumber cores (`--oversubscribe`).
"""
from __future__ import annotations

import dataclasses
import functools
import importlib.util
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
from typing import Dict, Optional, Sequence

REPO = pathlib.Path(__file__).resolve().parents[2]
WORKERS = pathlib.Path(__file__).resolve().parent / "workers"


def missing_reason() -> Optional[str]:
    """Why MPI jobs cannot run here (None when they can)."""
    if shutil.which("mpirun") is None:
        return ("mpirun not found: install an MPI implementation (Debian/Ubuntu: apt-get install "
                "openmpi-bin libopenmpi-dev)")
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed: pip install 'tfgraph[mpi]'"
    return None


@functools.lru_cache(maxsize=None)
def _is_open_mpi() -> bool:
    try:
        out = subprocess.run(["mpirun", "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "Open MPI" in (out.stdout + out.stderr) or "OpenRTE" in (out.stdout + out.stderr)


def mpirun_command(n: int, argv: Sequence[str]) -> list:
    cmd = ["mpirun", "-n", str(n)]
    if _is_open_mpi():
        cmd += ["--oversubscribe",
                "--mca", "btl", "self,vader",  # shared memory only between ranks
                "--mca", "oob_tcp_if_include", "lo",  # launcher traffic on loopback
                # containers often forbid the cross-memory-attach syscalls vader prefers
                "--mca", "btl_vader_single_copy_mechanism", "none"]
    return cmd + [sys.executable, *argv]


def job_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    # A test run started under a launcher must not leak its job's settings into ours.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OMPI_", "PMIX_", "PMI_", "HYDRA_", "MPI_LOCALNRANKS"))}
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
               TFGRAPH_CHECK_KERNELS="1", TFGRAPH_DEVICE="cpu", PYTHONUNBUFFERED="1")
    env.update(extra or {})
    return env


@dataclasses.dataclass
class Job:
    returncode: Optional[int]  # None: killed at the timeout
    output: str  # stdout and stderr of every rank and of mpirun, interleaved
    seconds: float
    ended: float  # time.time() at the end (compare with the workers' `print_ready` marks)


def run(n: int, argv: Sequence[str], timeout: float, env: Optional[Dict[str, str]] = None,
        cwd: Optional[pathlib.Path] = None) -> Job:
    """Runs `python argv` on `n` ranks; kills the whole job at `timeout` seconds."""
    start = time.monotonic()
    proc = subprocess.Popen(mpirun_command(n, argv), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=job_env(env),
                            cwd=str(cwd or REPO), start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        code: Optional[int] = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)  # mpirun passes it on to the ranks it started
        try:
            out, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        code = None
    return Job(code, out, time.monotonic() - start, time.time())
