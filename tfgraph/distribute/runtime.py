"""The MPI process state of `tfgraph.distribute`: `init`, rank and size, failure handling.

mpi4py is imported by `init()` only, so `import tfgraph` works without MPI.  After `init()`
every rank holds a duplicate of the world communicator (our collectives never mix with the
user's own MPI traffic) and a node-local communicator (for `local_rank`/`local_size`).

Failure handling, so that no rank waits forever for a rank that is gone:

* an uncaught exception on any rank prints ``tfgraph.distribute: rank R failed: ...`` on that
  rank's stderr and calls ``MPI_Abort``, which makes the launcher end every rank;
* a rank whose interpreter exits (end of script, ``sys.exit``) sends every other rank a
  tiny exit notice; a watchdog thread on each rank ends the job, naming the departed rank,
  when its rank still waits in a collective ``DEPARTURE_GRACE`` seconds after such a notice
  (without this, the waiting rank and the departed rank's MPI_Finalize would wait forever);
* the same watchdog warns when a rank has waited in one collective longer than
  ``TFGRAPH_STALL_CHECK_TIME`` seconds (default 60; 0 turns it off), and aborts the job
  after ``TFGRAPH_STALL_SHUTDOWN_TIME`` seconds (default 0: never), for a rank that is alive
  but stopped taking part (stuck, or looping elsewhere).  These are Horovod's
  ``HOROVOD_STALL_CHECK_TIME_SECONDS`` / ``HOROVOD_STALL_SHUTDOWN_TIME_SECONDS``.
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
import time
import traceback
from typing import Any, Dict, Optional, Tuple

import numpy as np

INSTALL_HINT = ("pip install 'tfgraph[mpi]' (mpi4py), after installing an MPI implementation "
                "(Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; see "
                "docs/distributed.md)")

#: Bytes per fused allreduce buffer (Horovod's HOROVOD_FUSION_THRESHOLD); 0 turns fusion off.
FUSION_THRESHOLD_ENV = "TFGRAPH_FUSION_THRESHOLD"
DEFAULT_FUSION_THRESHOLD = 64 * 1024 * 1024
STALL_CHECK_ENV = "TFGRAPH_STALL_CHECK_TIME"
STALL_SHUTDOWN_ENV = "TFGRAPH_STALL_SHUTDOWN_TIME"
#: Set to 0 to keep Python's own excepthook (an uncaught exception then may leave the other
#: ranks waiting in a collective).
ABORT_ON_ERROR_ENV = "TFGRAPH_MPI_ABORT_ON_ERROR"
#: Seconds a collective may still take after a rank announced its exit before the job is ended.
DEPARTURE_GRACE = 3.0
_EXIT_TAG = 7  # on a communicator of its own


def import_mpi():
    """Returns mpi4py's `MPI` module.

    Raises:
      ImportError: If mpi4py (or the MPI library it links to) is missing, naming the extra
        and the system packages to install.
    """
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError(f"tfgraph.distribute needs mpi4py and an MPI library: {INSTALL_HINT}. "
                          f"({e})") from e
    return MPI


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {raw!r}")
    return value


class Stats:
    """Counts of the MPI calls made by this process's collectives (for tests and benchmarks)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.allreduce_calls = 0
        self.allreduce_bytes = 0
        self.bcast_calls = 0
        self.bcast_bytes = 0
        self.seconds = 0.0  # wall time spent inside MPI/NCCL calls (waiting included)

    def as_dict(self) -> Dict[str, Any]:
        return {"allreduce_calls": self.allreduce_calls, "allreduce_bytes": self.allreduce_bytes,
                "bcast_calls": self.bcast_calls, "bcast_bytes": self.bcast_bytes,
                "seconds": self.seconds}


class State:
    """Everything `init()` sets up; one instance per process (`runtime.state`)."""

    def __init__(self, MPI: Any, comm: Any):
        self.MPI = MPI
        self.comm = comm.Dup()  # our own context: never matches the user's messages
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        self.local_comm = self.comm.Split_type(MPI.COMM_TYPE_SHARED, key=self.rank)
        self.local_rank = self.local_comm.Get_rank()
        self.local_size = self.local_comm.Get_size()
        self.fusion_threshold = int(_env_number(FUSION_THRESHOLD_ENV, DEFAULT_FUSION_THRESHOLD))
        self.stats = Stats()
        # (what, since) while this rank is inside a collective: read by the watchdog.
        self.waiting: Optional[Tuple[str, float]] = None
        self.transports: Dict[Any, Any] = {}  # backend name -> its transport (lazy)
        self._previous_excepthook = None
        self._watchdog: Optional[threading.Thread] = None
        self._notice_comm: Any = None
        self._stop = threading.Event()

    # --- collectives bookkeeping --------------------------------------------------------
    def enter(self, what: str) -> float:
        now = time.perf_counter()
        self.waiting = (what, now)
        return now

    def leave(self, since: float) -> None:
        self.waiting = None
        self.stats.seconds += time.perf_counter() - since

    # --- failure handling -------------------------------------------------------------------
    def abort(self, message: str, code: int = 1) -> None:
        """Writes `message` to the real stderr and ends every rank of the job."""
        _write_stderr(message)
        try:
            self.MPI.COMM_WORLD.Abort(code)
        finally:  # Abort does not return; if it ever does, leave without MPI_Finalize, which
            os._exit(code)  # the launcher treats as a failed rank and ends the job

    def install_excepthook(self) -> None:
        if self.size == 1 or _env_number(ABORT_ON_ERROR_ENV, 1) == 0:
            return
        self._previous_excepthook = sys.excepthook
        rank, size = self.rank, self.size

        def excepthook(exc_type, exc, tb):
            text = "".join(traceback.format_exception(exc_type, exc, tb))
            self.abort(f"tfgraph.distribute: rank {rank} failed: {exc_type.__name__}: {exc}\n"
                       f"{text}tfgraph.distribute: rank {rank} is aborting all {size} ranks "
                       f"(MPI_Abort) so that none waits for it forever\n")

        sys.excepthook = excepthook

    def start_watchdog(self) -> None:
        """Starts the daemon thread that ends the job instead of letting a rank wait forever:
        on exit notices from departed ranks, and after the stall times (module docstring)."""
        check = _env_number(STALL_CHECK_ENV, 60.0)
        shutdown = _env_number(STALL_SHUTDOWN_ENV, 0.0)
        MPI = self.MPI
        # Probing from this thread while the main thread is in a collective needs
        # MPI_THREAD_MULTIPLE (mpi4py asks for it; Open MPI provides it).
        notices = MPI.Query_thread() >= MPI.THREAD_MULTIPLE
        if self.size == 1 or not (notices or check or shutdown):
            return
        if notices:
            self._notice_comm = self.comm.Dup()  # exit notices never meet other messages
            atexit.register(self._announce_exit)
        poll = min(x for x in (check, shutdown, 1.0) if x > 0)
        departed: Dict[int, float] = {}  # rank -> when its exit notice arrived

        def watch():
            warned_for = None
            while not self._stop.wait(poll):
                if notices:
                    self._receive_exit_notices(departed)
                entry = self.waiting
                if entry is None:
                    continue
                what, since = entry
                now = time.perf_counter()
                waited = now - since
                # A collective that started before a rank left may still finish (that rank did
                # its part): only one still waiting after a grace period cannot.
                if departed and now - max(since, min(departed.values())) >= DEPARTURE_GRACE:
                    gone = ", ".join(str(r) for r in sorted(departed))
                    self.abort(f"tfgraph.distribute: rank {self.rank} is waiting in {what} for "
                               f"rank {gone}, which exited (its script ended or called "
                               f"sys.exit) while the others still run collectives; aborting "
                               f"all {self.size} ranks\n")
                # The warning first: a late poll on a busy machine must not skip it.
                if check and waited >= check and warned_for is not entry:
                    warned_for = entry
                    _write_stderr(f"tfgraph.distribute: warning: rank {self.rank} has waited "
                                  f"{waited:.0f} s in {what} for the other ranks (stalled? every "
                                  f"rank must run the same collectives in the same order)\n")
                if shutdown and waited >= shutdown:
                    self.abort(f"tfgraph.distribute: rank {self.rank} waited {waited:.0f} s in "
                               f"{what} for the other ranks (more than {STALL_SHUTDOWN_ENV}="
                               f"{shutdown:g}): a rank has stopped taking part; aborting all "
                               f"{self.size} ranks\n")

        self._watchdog = threading.Thread(target=watch, name="tfgraph-mpi-watchdog", daemon=True)
        self._watchdog.start()

    def _receive_exit_notices(self, departed: Dict[int, float]) -> None:
        status = self.MPI.Status()
        note = np.empty(1, dtype=np.int64)
        while self._notice_comm.Iprobe(source=self.MPI.ANY_SOURCE, tag=_EXIT_TAG, status=status):
            self._notice_comm.Recv(note, source=status.Get_source(), tag=_EXIT_TAG)
            departed.setdefault(int(note[0]), time.perf_counter())

    def _announce_exit(self) -> None:
        """At interpreter exit: tells every other rank that this one is gone (tiny eager
        messages; a rank still waiting for this one in a collective then aborts the job)."""
        if self._stop.is_set():  # shut down: not a participant any more
            return
        self._stop.set()
        note = np.array([self.rank], dtype=np.int64)
        for r in range(self.size):
            if r != self.rank:
                self._notice_comm.Send(note, dest=r, tag=_EXIT_TAG)

    def close(self) -> None:
        self._stop.set()
        if self._previous_excepthook is not None:
            sys.excepthook = self._previous_excepthook
            self._previous_excepthook = None
        for t in self.transports.values():
            t.close()
        self.transports.clear()


def _write_stderr(message: str) -> None:
    stream = sys.__stderr__ or sys.stderr  # not a redirected sys.stderr (silenced ranks)
    try:
        stream.write(message)
        stream.flush()
    except Exception:  # noqa: BLE001 - reporting must never mask the abort
        pass


state: Optional[State] = None
_lock = threading.Lock()


def init(comm: Any = None) -> None:
    """Initializes MPI for `tfgraph.distribute` (Horovod's `hvd.init()`).

    Call it once per process, before building distributed ops.  Calling it again does
    nothing.  Without a launcher (`python script.py`) the job has one rank.

    Args:
      comm: Optional mpi4py communicator to run on (default `MPI.COMM_WORLD`).

    Raises:
      ImportError: If mpi4py or an MPI library is missing (the message says what to install).
      ValueError: If an environment setting (TFGRAPH_FUSION_THRESHOLD, ...) is malformed.
    """
    global state
    with _lock:
        if state is not None:
            return
        MPI = import_mpi()
        s = State(MPI, MPI.COMM_WORLD if comm is None else comm)
        s.install_excepthook()
        s.start_watchdog()
        _pin_gpu(s)
        state = s


def shutdown() -> None:
    """Undoes `init()`'s hooks (MPI itself is finalized by mpi4py at exit)."""
    global state
    with _lock:
        if state is not None:
            state.close()
            state = None


def is_initialized() -> bool:
    """True once `init()` has run (and `shutdown()` has not)."""
    return state is not None


def get_state() -> State:
    """The initialized state.

    Raises:
      ValueError: If `init()` has not been called.
    """
    s = state
    if s is None:
        raise ValueError("tfgraph.distribute has not been initialized; call "
                         "tfgraph.distribute.init() first.")
    return s


def _pin_gpu(s: State) -> None:
    """Gives each rank of a node its own GPU (local_rank modulo the GPUs), as Horovod asks
    scripts to do; only when CuPy is installed, and never when CUDA_VISIBLE_DEVICES already
    chooses.  Untested here (no GPU): any failure leaves CuPy's default device."""
    if os.environ.get("CUDA_VISIBLE_DEVICES") is not None or s.local_size == 1:
        return
    import importlib.util
    if importlib.util.find_spec("cupy") is None:
        return
    try:
        import cupy
        count = cupy.cuda.runtime.getDeviceCount()
        if count > 1:
            cupy.cuda.Device(s.local_rank % count).use()
    except Exception:  # noqa: BLE001 - no driver, no device: the CPU path still works
        pass
