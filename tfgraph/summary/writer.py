"""`tf.summary.FileWriter`: writes TensorBoard event files (summaries, the graph).

An event file is named ``events.out.tfevents.<10-digit unix time>.<hostname><suffix>`` as in
TF1; if that name is taken (two writers in one second), the time is advanced by a second
rather than overwriting the file, so the newer file also sorts after the older one.  It
is a sequence of TFRecords (uint64 length, masked CRC-32C of the length, the data, masked
CRC-32C of the data), each an `Event` protocol buffer; the first one has `file_version`
"brain.Event:2".  Events are queued and written when `max_queue` are pending, every
`flush_secs` (a daemon thread), on `flush()`/`close()`, and at interpreter exit.  Event files
are appended in place (TensorBoard reads them while they grow), so unlike checkpoints they are
not written through a temporary file.

Needs the optional tensorboard package (`pip install tfgraph[tensorboard]`) for the protocol
buffers; `Summary`, `Event`, `SessionLog` here are those classes, loaded on first use.
"""
from __future__ import annotations

import atexit
import os
import socket
import threading
import time
import warnings
import weakref
from typing import Any, Dict, Optional

import numpy as np

from ..framework.graph import Graph, get_default_graph
from ..lib.io.crc32c import crc32c, masked_crc32c  # noqa: F401  (TFRecord framing, shared)
from ..lib.io.tf_record import encode_record as tfrecord
from .graph_def import as_graph_def, protos


# --- the event file --------------------------------------------------------------------------
_LIVE_WRITERS: "weakref.WeakSet[_EventFileWriter]" = weakref.WeakSet()


@atexit.register
def _flush_all_at_exit() -> None:
    for w in list(_LIVE_WRITERS):
        try:
            w.flush()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


def _flusher(ref: "weakref.ref[_EventFileWriter]", stop: threading.Event, secs: float) -> None:
    while not stop.wait(secs):
        w = ref()
        if w is None:
            return
        try:
            w.flush()
        except Exception:  # noqa: BLE001 - a failing disk must not kill the interpreter
            return
        del w


class _EventFileWriter:
    """Appends framed `Event`s to one event file, with TF1's queueing and periodic flushes."""

    def __init__(self, logdir: str, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: Optional[str] = None):
        self._logdir = os.fspath(logdir)
        self._max_queue = max(1, int(max_queue))
        self._flush_secs = float(flush_secs)
        self._suffix = filename_suffix or ""
        self._lock = threading.RLock()
        self._closed = True
        self._open()

    def _open(self) -> None:
        pb = protos()
        os.makedirs(self._logdir, exist_ok=True)
        stamp = int(time.time())
        host = socket.gethostname()
        while True:
            base = f"events.out.tfevents.{stamp:010d}.{host}{self._suffix}"
            path = os.path.join(self._logdir, base)
            try:
                self._file = open(path, "xb")
                break
            except FileExistsError:
                # Taken (another writer this second): a later stamp keeps TF1's name format and
                # sorts after the existing file, the order TensorBoard reads files in.
                stamp += 1
        self._path = path
        self._pending = []
        self._closed = False
        first = pb.event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2")
        self._pending.append(tfrecord(first.SerializeToString()))
        self.flush()
        self._stop = threading.Event()
        if self._flush_secs > 0:
            args = (weakref.ref(self), self._stop, self._flush_secs)
            threading.Thread(target=_flusher, args=args, name="tfgraph-event-flusher",
                             daemon=True).start()
        _LIVE_WRITERS.add(self)

    @property
    def path(self) -> str:
        return self._path

    def get_logdir(self) -> str:
        return self._logdir

    def add_event(self, event: Any) -> None:
        if not isinstance(event, protos().event_pb2.Event):
            raise TypeError(f"Expected an event_pb2.Event proto, but got {type(event)}")
        record = tfrecord(event.SerializeToString())
        with self._lock:
            if self._closed:
                return
            self._pending.append(record)
            if len(self._pending) >= self._max_queue:
                self.flush()

    def _write_pending(self) -> None:
        if self._pending:
            self._file.write(b"".join(self._pending))
            self._pending = []

    def flush(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._write_pending()
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self.flush()
            self._stop.set()
            self._file.close()
            self._closed = True
        _LIVE_WRITERS.discard(self)

    def reopen(self) -> None:
        with self._lock:
            if self._closed:
                self._open()

    def __del__(self):
        # A writer dropped without close() still gets its pending events to disk.
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finalizer
            pass


# --- protocol buffer classes, loaded on first use --------------------------------------------
class _LazyProto(type):
    """Metaclass: the class stands for a tensorboard protobuf class imported on first use."""

    def _proto(cls):
        return getattr(getattr(protos(), cls._module), cls.__name__)

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(cls._proto(), name)

    def __call__(cls, *args, **kwargs):
        return cls._proto()(*args, **kwargs)

    def __instancecheck__(cls, obj):
        try:
            return isinstance(obj, cls._proto())
        except ImportError:
            return False


class Summary(metaclass=_LazyProto):
    """`tf.summary.Summary`: the `Summary` protocol buffer (tensorboard's `summary_pb2.Summary`)."""
    _module = "summary_pb2"


class SummaryDescription(metaclass=_LazyProto):
    """`tf.summary.SummaryDescription` protocol buffer."""
    _module = "summary_pb2"


class Event(metaclass=_LazyProto):
    """`tf.summary.Event`: the `Event` protocol buffer of event files."""
    _module = "event_pb2"


class SessionLog(metaclass=_LazyProto):
    """`tf.summary.SessionLog` protocol buffer (START / STOP / CHECKPOINT markers)."""
    _module = "event_pb2"


class TaggedRunMetadata(metaclass=_LazyProto):
    """`tf.summary.TaggedRunMetadata` protocol buffer."""
    _module = "event_pb2"


# --- FileWriter ------------------------------------------------------------------------------
class FileWriter:
    """Writes summaries and the graph to an event file in `logdir` (`tf.summary.FileWriter`).

    Args:
      logdir: The directory (created if needed); point `tensorboard --logdir` at it.
      graph: A `tf.Graph` (e.g. `sess.graph`) to write at once, for TensorBoard's graph tab.
      max_queue: How many events may be pending before they are written.
      flush_secs: How often pending events are written to disk, in seconds.
      graph_def: Deprecated in TF1: a `GraphDef` to write instead of `graph`.
      filename_suffix: Appended to the event file's name.
      session: Accepted for compatibility (TF1's writer-resource mode); ignored.

    Raises:
      ImportError: If tensorboard is not installed.
    """

    def __init__(self, logdir: str, graph: Optional[Graph] = None, max_queue: int = 10,
                 flush_secs: float = 120, graph_def: Any = None,
                 filename_suffix: Optional[str] = None, session: Any = None):
        self.event_writer = _EventFileWriter(logdir, max_queue, flush_secs, filename_suffix)
        self._closed = False
        self._seen_summary_tags = set()
        self._session_run_tags: Dict[str, bool] = {}
        if graph is not None or graph_def is not None:
            self.add_graph(graph=graph, graph_def=graph_def)

    def __enter__(self) -> "FileWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get_logdir(self) -> str:
        """The directory the event file is in."""
        return self.event_writer.get_logdir()

    def _warn_if_closed(self) -> None:
        if self._closed:
            warnings.warn("Attempting to use a closed FileWriter. The operation will be a noop "
                          "unless the FileWriter is explicitly reopened.")

    def _add_event(self, event: Any, step: Any) -> None:
        self._warn_if_closed()
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_event(self, event: Any) -> None:
        """Adds an `Event` protocol buffer as is."""
        self._warn_if_closed()
        self.event_writer.add_event(event)

    def add_summary(self, summary: Any, global_step: Any = None) -> None:
        """Adds a summary: the bytes fetched from a summary op, or a `Summary` protocol buffer.

        As in TF1, plugin metadata is kept only on the first value of each tag.

        Args:
          summary: Serialized `Summary` bytes (what `sess.run(summary_op)` returns) or a `Summary`.
          global_step: The step to record (an int, or a NumPy integer).

        Raises:
          TypeError: If `summary` is neither.
        """
        pb = protos()
        if isinstance(summary, np.ndarray) and summary.shape == ():
            summary = summary[()]
        if isinstance(summary, (bytes, np.bytes_)):
            summ = pb.summary_pb2.Summary()
            summ.ParseFromString(bytes(summary))
        elif isinstance(summary, pb.summary_pb2.Summary):
            summ = pb.summary_pb2.Summary()
            summ.CopyFrom(summary)
        else:
            raise TypeError(f"add_summary expects serialized Summary bytes or a Summary proto, "
                            f"got {type(summary).__name__}")
        for value in summ.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
                continue
            self._seen_summary_tags.add(value.tag)
        self._add_event(pb.event_pb2.Event(summary=summ), global_step)

    def add_session_log(self, session_log: Any, global_step: Any = None) -> None:
        """Adds a `SessionLog` (e.g. `SessionLog(status=SessionLog.START)`)."""
        self._add_event(protos().event_pb2.Event(session_log=session_log), global_step)

    def add_graph(self, graph: Any, global_step: Any = None, graph_def: Any = None) -> None:
        """Adds the graph (as a `GraphDef` with `_output_shapes`) for TensorBoard's graph tab.

        Args:
          graph: A `tf.Graph`, or a `GraphDef` protocol buffer.
          global_step: Optional step to record.
          graph_def: Deprecated: a `GraphDef` (pass `graph` instead).

        Raises:
          ValueError: If both `graph` and `graph_def` are given.
          TypeError: If the graph is neither a `tf.Graph` nor a `GraphDef`.
        """
        pb = protos()
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        g = graph if graph is not None else graph_def
        if isinstance(g, Graph):
            gd = as_graph_def(g, add_shapes=True)
        elif isinstance(g, pb.graph_pb2.GraphDef):
            gd = g
        else:
            raise TypeError("The passed graph must be an instance of `Graph` or the deprecated "
                            "`GraphDef`")
        self._add_event(pb.event_pb2.Event(graph_def=gd.SerializeToString()), global_step)

    def add_meta_graph(self, meta_graph_def: Any, global_step: Any = None) -> None:
        """Adds a `MetaGraphDef` protocol buffer.

        Raises:
          TypeError: If `meta_graph_def` is not a `MetaGraphDef`.
        """
        pb = protos()
        if not isinstance(meta_graph_def, pb.meta_graph_pb2.MetaGraphDef):
            raise TypeError(f"meta_graph_def must be type MetaGraphDef, saw type: "
                            f"{type(meta_graph_def)}")
        self._add_event(pb.event_pb2.Event(meta_graph_def=meta_graph_def.SerializeToString()),
                        global_step)

    def add_run_metadata(self, run_metadata: Any, tag: str, global_step: Any = None) -> None:
        """Adds run metadata (any protocol buffer with `SerializeToString`) under `tag`.

        Raises:
          ValueError: If `tag` was used before.
        """
        if tag in self._session_run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._session_run_tags[tag] = True
        pb = protos().event_pb2
        tagged = pb.TaggedRunMetadata(tag=tag, run_metadata=run_metadata.SerializeToString())
        self._add_event(pb.Event(tagged_run_metadata=tagged), global_step)

    def flush(self) -> None:
        """Writes all pending events to disk."""
        self._warn_if_closed()
        self.event_writer.flush()

    def close(self) -> None:
        """Flushes and closes the event file; further events are dropped until `reopen()`."""
        self.event_writer.close()
        self._closed = True

    def reopen(self) -> None:
        """Reopens a closed writer; later events go to a new event file in the same logdir."""
        self.event_writer.reopen()
        self._closed = False


class FileWriterCache:
    """One shared `FileWriter` per logdir (`tf.summary.FileWriterCache`)."""

    _cache: Dict[str, FileWriter] = {}
    _lock = threading.RLock()

    @staticmethod
    def clear() -> None:
        """Closes and forgets every cached writer."""
        with FileWriterCache._lock:
            for w in FileWriterCache._cache.values():
                w.close()
            FileWriterCache._cache = {}

    @staticmethod
    def get(logdir: str) -> FileWriter:
        """The cached writer for `logdir`, created (with the default graph) on first use."""
        with FileWriterCache._lock:
            w = FileWriterCache._cache.get(logdir)
            if w is None:
                w = FileWriter(logdir, graph=get_default_graph())
                FileWriterCache._cache[logdir] = w
            return w


__all__ = ["FileWriter", "FileWriterCache", "Summary", "SummaryDescription", "Event",
           "SessionLog", "TaggedRunMetadata"]
