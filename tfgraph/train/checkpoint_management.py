"""Checkpoint files on disk: the tfgraph checkpoint format, the `checkpoint` state file, readers.

On-disk format
--------------
A checkpoint is named by its *prefix* (e.g. ``/tmp/run/model.ckpt-100``, what `Saver.save`
returns) and consists of two files:

``<prefix>.npz``
    A NumPy ``.npz`` archive (an uncompressed zip of ``.npy`` files, readable with
    ``np.load``) holding one array per variable, keyed by the variable's op name: ``"W"``,
    ``"dense/kernel"``, ``"W/Adam"``, ``"beta1_power"``, ``"global_step"``.  Arrays keep their
    exact dtype (float32 stays float32).  String variables are stored as fixed-width bytes
    (``dtype 'S'``).  One extra entry, ``"__checkpoint_id__"``, ties the archive to its index.
``<prefix>.index.json``
    UTF-8 JSON: ``{"format": "tfgraph-checkpoint", "format_version": 1, "tfgraph_version":
    "0.1.0", "checkpoint_id": "<hex>", "data_file": "<basename>.npz", "variables": {"W":
    {"dtype": "float32", "shape": [784, 10]}, ...}}``.  The index is written last: a checkpoint
    exists (`checkpoint_exists`) once its index exists, and a restore checks that index and
    archive carry the same ``checkpoint_id``.

Both files are written to a temporary file in the same directory, fsync'ed and renamed into
place (`os.replace`), so a crash mid-save leaves the previous checkpoint intact and never leaves
a file a later restore would pick up.

The state file ``<dir>/checkpoint`` (name configurable with ``latest_filename``) lists recent
checkpoints in TF1's text format (a `CheckpointState` protocol buffer)::

    model_checkpoint_path: "model.ckpt-200"
    all_model_checkpoint_paths: "model.ckpt-100"
    all_model_checkpoint_paths: "model.ckpt-200"
    all_model_checkpoint_timestamps: 1700000000.25
    all_model_checkpoint_timestamps: 1700000060.5
    last_preserved_timestamp: 1699999990.0

Paths are written relative to the directory when the directory was given as a relative path
(or with ``save_relative_paths``), as TF1 does; `get_checkpoint_state` joins them back.
These files are not TensorFlow's tensor-bundle format: real TensorFlow cannot read them, and
tfgraph cannot read TensorFlow's ``.index``/``.data-*`` checkpoints.
"""
from __future__ import annotations

import glob
import json
import os
import re
import tempfile
import uuid
import zipfile
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import errors

DATA_SUFFIX = ".npz"
INDEX_SUFFIX = ".index.json"
FORMAT_NAME = "tfgraph-checkpoint"
FORMAT_VERSION = 1
_ID_KEY = "__checkpoint_id__"
_DEFAULT_LATEST_FILENAME = "checkpoint"


# --- atomic file writes ----------------------------------------------------------------------
def _fsync_dir(dirname: str) -> None:
    # Makes the rename itself durable on POSIX; not supported (nor needed) on Windows.
    try:
        fd = os.open(dirname or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str, write: Callable[[Any], None]) -> None:
    """Writes `path` through `write(fileobj)` into a temporary file, then renames it into place.

    The temporary file lives in the same directory (so the rename is atomic), is fsync'ed
    before the rename, and is removed if `write` raises: `path` is either its old content or
    the complete new content, never a partial file.

    Args:
      path: The destination file.
      write: Called with a binary file object open for writing.
    """
    dirname, base = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=dirname)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(dirname)


def atomic_write_string_to_file(filename: str, contents: str) -> None:
    """Writes `contents` (text, UTF-8) to `filename` atomically (see `atomic_write`)."""
    data = contents.encode("utf-8")
    atomic_write(filename, lambda f: f.write(data))


# --- the checkpoint files --------------------------------------------------------------------
def _to_storable(value: np.ndarray, dtype: _dtypes.DType) -> np.ndarray:
    if dtype is _dtypes.string:
        flat = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in value.ravel()]
        return np.array(flat, dtype=bytes).reshape(value.shape) if flat else \
            np.zeros(value.shape, dtype="S1")
    return np.asarray(value, order="C")  # (ascontiguousarray would turn 0-d into 1-d)


def write_checkpoint(prefix: str, values: Dict[str, np.ndarray],
                     dtypes: Optional[Dict[str, _dtypes.DType]] = None) -> None:
    """Writes a checkpoint (`<prefix>.npz` and `<prefix>.index.json`) atomically.

    Args:
      prefix: The checkpoint prefix.
      values: Maps names (variable op names) to host NumPy arrays.
      dtypes: The TF dtype of each value (default: from the arrays).

    Raises:
      OSError: If a file cannot be written; earlier files at `prefix` are left intact.
    """
    from .. import __version__
    ckpt_id = uuid.uuid4().hex
    index_vars: Dict[str, Dict[str, Any]] = {}
    storable: List[Tuple[str, np.ndarray]] = []
    for name in sorted(values):
        arr = values[name]
        dt = dtypes[name] if dtypes and name in dtypes else _dtypes.as_dtype(arr.dtype)
        index_vars[name] = {"dtype": dt.name, "shape": [int(d) for d in arr.shape]}
        storable.append((name, _to_storable(arr, dt)))

    def write_data(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, arr in storable + [(_ID_KEY, np.frombuffer(ckpt_id.encode(), np.uint8))]:
                with zf.open(name + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, arr, allow_pickle=False)

    index = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
             "tfgraph_version": __version__, "checkpoint_id": ckpt_id,
             "data_file": os.path.basename(prefix) + DATA_SUFFIX, "variables": index_vars}
    atomic_write(prefix + DATA_SUFFIX, write_data)
    atomic_write_string_to_file(prefix + INDEX_SUFFIX, json.dumps(index, indent=1) + "\n")


class CheckpointReader:
    """Reads a tfgraph checkpoint (`tf.train.NewCheckpointReader` / `tf.train.load_checkpoint`).

    Args:
      prefix: The checkpoint prefix (what `Saver.save` returned).

    Raises:
      tf.errors.NotFoundError: If `<prefix>.index.json` does not exist.
      tf.errors.DataLossError: If the index is not a tfgraph checkpoint index.
    """

    def __init__(self, prefix: str):
        self._prefix = prefix
        index_path = prefix + INDEX_SUFFIX
        try:
            with open(index_path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            raise errors.NotFoundError(
                None, None, f"Unsuccessful TensorSliceReader constructor: Failed to find any "
                            f"matching files for {prefix} (no file {index_path})") from None
        except OSError as e:
            raise errors.PermissionDeniedError(
                None, None, f"Cannot read {index_path}: {e}") from None
        try:
            index = json.loads(raw.decode("utf-8"))
            if index.get("format") != FORMAT_NAME:
                raise ValueError("not a tfgraph checkpoint index")
            if int(index.get("format_version", 0)) > FORMAT_VERSION:
                raise ValueError(f"format version {index['format_version']} is newer than this "
                                 f"tfgraph supports ({FORMAT_VERSION})")
            self._vars = {str(k): (_dtypes.as_dtype(v["dtype"]), tuple(int(d) for d in v["shape"]))
                          for k, v in index["variables"].items()}
            self._id = str(index["checkpoint_id"])
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise errors.DataLossError(
                None, None, f"Unable to read checkpoint index {index_path}: {e}") from None

    @property
    def prefix(self) -> str:
        return self._prefix

    def has_tensor(self, name: str) -> bool:
        return name in self._vars

    def get_variable_to_shape_map(self) -> Dict[str, List[int]]:
        return {k: list(s) for k, (_, s) in self._vars.items()}

    def get_variable_to_dtype_map(self) -> Dict[str, _dtypes.DType]:
        return {k: d for k, (d, _) in self._vars.items()}

    def debug_string(self) -> bytes:
        items = sorted(self._vars.items())
        return "".join(f"{k} ({d.name}) {list(s)}\n" for k, (d, s) in items).encode()

    def get_tensor(self, name: str) -> np.ndarray:
        """The stored value of `name`.

        Raises:
          tf.errors.NotFoundError: If the checkpoint has no such key.
        """
        return self.read([name])[name]

    def read(self, names: Sequence[str]) -> Dict[str, np.ndarray]:
        """Loads the arrays for `names` (all of them, or raises before returning any).

        Raises:
          tf.errors.NotFoundError: If a name is missing.
          tf.errors.DataLossError: If the archive is missing, corrupt, or does not match the index.
        """
        for n in names:
            if n not in self._vars:
                raise errors.NotFoundError(None, None, f"Key {n} not found in checkpoint")
        path = self._prefix + DATA_SUFFIX
        out: Dict[str, np.ndarray] = {}
        try:
            with np.load(path, allow_pickle=False) as npz:
                stored_id = bytes(npz[_ID_KEY]).decode() if _ID_KEY in npz.files else None
                if stored_id != self._id:
                    raise ValueError(f"{path} does not belong to index "
                                     f"{self._prefix}{INDEX_SUFFIX} (checkpoint ids differ)")
                for n in names:
                    dtype, shape = self._vars[n]
                    arr = npz[n]
                    if tuple(arr.shape) != shape:
                        raise ValueError(f"entry {n} has shape {list(arr.shape)}, "
                                         f"index says {list(shape)}")
                    if dtype is _dtypes.string:
                        arr = np.array([bytes(v) for v in arr.ravel()], dtype=object).reshape(shape)
                    elif arr.dtype != dtype.np_dtype:
                        raise ValueError(f"entry {n} has dtype {arr.dtype}, "
                                         f"index says {dtype.name}")
                    else:
                        arr = arr.astype(dtype.np_dtype, copy=False)  # native byte order
                    out[n] = arr
        except FileNotFoundError:
            raise errors.DataLossError(
                None, None, f"Checkpoint data file {path} is missing "
                            f"(index {self._prefix}{INDEX_SUFFIX} exists)") from None
        except (ValueError, KeyError, OSError, zipfile.BadZipFile, EOFError) as e:
            raise errors.DataLossError(
                None, None, f"Unable to read checkpoint data {path}: {e}") from None
        return out


def NewCheckpointReader(filepattern: str) -> CheckpointReader:  # noqa: N802  (TF1 name)
    """`tf.train.NewCheckpointReader(prefix)`: a `CheckpointReader` for the checkpoint."""
    return CheckpointReader(filepattern)


def _prefix_of(ckpt_dir_or_file: str) -> str:
    if os.path.isdir(ckpt_dir_or_file):
        prefix = latest_checkpoint(ckpt_dir_or_file)
        if prefix is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory "
                             f"{ckpt_dir_or_file}")
        return prefix
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file: str) -> CheckpointReader:
    """`tf.train.load_checkpoint`: a reader for a checkpoint prefix or a directory's latest."""
    return CheckpointReader(_prefix_of(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file: str) -> List[Tuple[str, List[int]]]:
    """`tf.train.list_variables`: sorted `(name, shape)` pairs stored in the checkpoint."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(n, shapes[n]) for n in sorted(shapes)]


def load_variable(ckpt_dir_or_file: str, name: str) -> np.ndarray:
    """`tf.train.load_variable`: the stored value of variable `name` (":0" suffix allowed)."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


# --- the `checkpoint` state file -------------------------------------------------------------
class CheckpointState:
    """TF1's `CheckpointState` message: the latest checkpoint and the ones still kept.

    Attributes:
      model_checkpoint_path: The latest checkpoint prefix.
      all_model_checkpoint_paths: Kept checkpoint prefixes, oldest first (the latest last).
      all_model_checkpoint_timestamps: Their save times (seconds since the epoch).
      last_preserved_timestamp: When the last checkpoint kept by
        `keep_checkpoint_every_n_hours` was saved.
    """

    def __init__(self, model_checkpoint_path: str = "",
                 all_model_checkpoint_paths: Optional[Iterable[str]] = None,
                 all_model_checkpoint_timestamps: Optional[Iterable[float]] = None,
                 last_preserved_timestamp: float = 0.0):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths or [])
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps or [])
        self.last_preserved_timestamp = float(last_preserved_timestamp)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, CheckpointState) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return _state_to_text(self)

    __str__ = __repr__


_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}


def _escape(s: str) -> str:
    # Protocol buffers' text format (CEscape): printable ASCII as is, other bytes in octal.
    out = []
    for b in s.encode("utf-8"):
        if b in _ESCAPES:
            out.append(_ESCAPES[b])
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\{b:03o}")
    return "".join(out)


_UNESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b'"': b'"', b"'": b"'", b"\\": b"\\",
           b"a": b"\a", b"b": b"\b", b"f": b"\f", b"v": b"\v", b"?": b"?"}


def _unescape(s: str) -> str:
    def sub(m):
        e = m.group(1)
        if e[:1] == b"x":
            return bytes([int(e[1:], 16)])
        if e[:1].isdigit():
            return bytes([int(e, 8) & 0xFF])
        if e in _SIMPLE:
            return _SIMPLE[e]
        raise ValueError(f"invalid escape \\{e.decode(errors='replace')}")
    return _UNESCAPE.sub(sub, s.encode("utf-8")).decode("utf-8")


def _state_to_text(state: CheckpointState) -> str:
    lines = [f'model_checkpoint_path: "{_escape(state.model_checkpoint_path)}"']
    lines += [f'all_model_checkpoint_paths: "{_escape(p)}"'
              for p in state.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}"
              for t in state.all_model_checkpoint_timestamps]
    if state.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {state.last_preserved_timestamp!r}")
    return "\n".join(lines) + "\n"


_LINE = re.compile(r'\s*([A-Za-z_]+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([-+0-9.eEinfatn]+))\s*$')


def _parse_state(text: str) -> CheckpointState:
    state = CheckpointState()
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            raise ValueError(f"line {lineno}: cannot parse {line!r}")
        key, sval, nval = m.groups()
        if key == "model_checkpoint_path" and sval is not None:
            state.model_checkpoint_path = _unescape(sval)
        elif key == "all_model_checkpoint_paths" and sval is not None:
            state.all_model_checkpoint_paths.append(_unescape(sval))
        elif key == "all_model_checkpoint_timestamps" and nval is not None:
            state.all_model_checkpoint_timestamps.append(float(nval))
        elif key == "last_preserved_timestamp" and nval is not None:
            state.last_preserved_timestamp = float(nval)
        else:
            raise ValueError(f"line {lineno}: unknown field or bad value {line!r}")
    return state


def _state_path(checkpoint_dir: str, latest_filename: Optional[str]) -> str:
    return os.path.join(checkpoint_dir, latest_filename or _DEFAULT_LATEST_FILENAME)


def generate_checkpoint_state_proto(
        save_dir: str, model_checkpoint_path: str,
        all_model_checkpoint_paths: Optional[Sequence[str]] = None,
        all_model_checkpoint_timestamps: Optional[Sequence[float]] = None,
        last_preserved_timestamp: Optional[float] = None) -> CheckpointState:
    """Builds a `CheckpointState`, as TF1 does.

    `model_checkpoint_path` is appended to `all_model_checkpoint_paths` when it is not already
    its last entry.  When `save_dir` is relative, relative paths are made relative to it.

    Raises:
      ValueError: If the paths and timestamps lists differ in length.
    """
    paths = list(all_model_checkpoint_paths or [])
    stamps = (None if all_model_checkpoint_timestamps is None
              else list(all_model_checkpoint_timestamps))
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    if stamps is not None and len(stamps) != len(paths):
        raise ValueError(f"Checkpoint timestamps, if provided, must match checkpoint paths "
                         f"({len(stamps)} vs {len(paths)})")
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir or ".")
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir or ".") for p in paths]
    return CheckpointState(model_checkpoint_path, paths, stamps or [],
                           last_preserved_timestamp or 0.0)


def update_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                            all_model_checkpoint_paths: Optional[Sequence[str]] = None,
                            latest_filename: Optional[str] = None,
                            all_model_checkpoint_timestamps: Optional[Sequence[float]] = None,
                            last_preserved_timestamp: Optional[float] = None,
                            save_relative_paths: bool = False) -> None:
    """Writes the `checkpoint` state file of `save_dir` atomically (TF1's function of that name).

    Args:
      save_dir: The directory holding the checkpoints.
      model_checkpoint_path: The latest checkpoint prefix.
      all_model_checkpoint_paths: Kept checkpoints, oldest first.
      latest_filename: The state file's name (default "checkpoint").
      all_model_checkpoint_timestamps: Their save times.
      last_preserved_timestamp: See `CheckpointState`.
      save_relative_paths: Write paths relative to `save_dir`.

    Raises:
      RuntimeError: If the state file would overwrite the checkpoint itself.
    """
    path = _state_path(save_dir, latest_filename)
    if save_relative_paths:
        def rel(p):
            return os.path.relpath(p, save_dir or ".") if os.path.isabs(p) else p
        model_checkpoint_path = rel(model_checkpoint_path)
        all_model_checkpoint_paths = [rel(p) for p in all_model_checkpoint_paths or []]
    state = generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                            all_model_checkpoint_paths,
                                            all_model_checkpoint_timestamps,
                                            last_preserved_timestamp)
    target = os.path.join(save_dir, state.model_checkpoint_path)
    if os.path.normpath(path) == os.path.normpath(target):
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for "
                           "checkpoint state.  Please use a different save path.")
    atomic_write_string_to_file(path, _state_to_text(state))


def get_checkpoint_state(checkpoint_dir: str, latest_filename: Optional[str] = None
                         ) -> Optional[CheckpointState]:
    """Reads the `checkpoint` state file of `checkpoint_dir` (`tf.train.get_checkpoint_state`).

    Relative paths in the file are joined to `checkpoint_dir`.

    Returns:
      A `CheckpointState`, or None when the file does not exist or cannot be parsed.

    Raises:
      ValueError: If the file names no `model_checkpoint_path`.
    """
    path = _state_path(checkpoint_dir, latest_filename)
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        import warnings
        warnings.warn(f"{path}: {e}; checkpoint ignored")
        return None
    try:
        state = _parse_state(text)
    except ValueError as e:
        import warnings
        warnings.warn(f"{path}: {e}; checkpoint ignored")
        return None
    if not state.model_checkpoint_path:
        raise ValueError(f"Invalid checkpoint state loaded from {checkpoint_dir}")
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [
        p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
        for p in state.all_model_checkpoint_paths]
    return state


def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """True when a complete checkpoint with this prefix (or glob pattern) exists on disk."""
    if os.path.exists(checkpoint_prefix + INDEX_SUFFIX):
        return True
    return bool(glob.glob(checkpoint_prefix + INDEX_SUFFIX))


def latest_checkpoint(checkpoint_dir: str, latest_filename: Optional[str] = None) -> Optional[str]:
    """The latest checkpoint prefix in `checkpoint_dir`, or None (`tf.train.latest_checkpoint`).

    Returns None when there is no state file or the checkpoint it names is missing on disk.
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and state.model_checkpoint_path and checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    return None


def get_checkpoint_mtimes(checkpoint_prefixes: Sequence[str]) -> List[float]:
    """Modification times of the existing checkpoints among `checkpoint_prefixes`."""
    out = []
    for p in checkpoint_prefixes:
        try:
            out.append(os.path.getmtime(p + INDEX_SUFFIX))
        except OSError:
            pass
    return out


def remove_checkpoint(checkpoint_prefix: str, checkpoint_format_version: int = 2,
                      meta_graph_suffix: str = "meta") -> None:
    """Deletes a checkpoint's files (index first, so no index ever points to missing data)."""
    for suffix in (INDEX_SUFFIX, DATA_SUFFIX, "." + meta_graph_suffix):
        try:
            os.remove(checkpoint_prefix + suffix)
        except FileNotFoundError:
            pass


def meta_graph_filename(checkpoint_filename: str, meta_graph_suffix: str = "meta") -> str:
    """`<prefix>.meta` for a checkpoint prefix (a shard suffix "-?????-of-?????" is dropped)."""
    basename = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return ".".join([basename, meta_graph_suffix])


__all__ = ["CheckpointState", "CheckpointReader", "NewCheckpointReader", "load_checkpoint",
           "list_variables", "load_variable", "generate_checkpoint_state_proto",
           "update_checkpoint_state", "get_checkpoint_state", "checkpoint_exists",
           "latest_checkpoint", "get_checkpoint_mtimes", "remove_checkpoint",
           "meta_graph_filename"]
