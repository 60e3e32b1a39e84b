"""Checkpoint files on disk: TensorFlow's V2 format, the `checkpoint` state file, readers.

On-disk format
--------------
A checkpoint is named by its *prefix* (e.g. ``/tmp/run/model.ckpt-100``, what `Saver.save`
returns) and is TensorFlow's V2 checkpoint: ``<prefix>.index`` and
``<prefix>.data-00000-of-00001``, described and encoded in `tfgraph.train.tf_checkpoint`.
TensorFlow restores tfgraph's checkpoints and tfgraph restores TensorFlow's (keys are the
variables' op names: ``"W"``, ``"dense/kernel"``, ``"W/Adam"``, ``"global_step"``).
Checkpoints of older tfgraph versions (``<prefix>.npz`` + ``<prefix>.index.json``) are still
read.

Crash safety (`write_checkpoint`): both files are written under fresh hidden names in the
directory and fsync'ed, with the permissions the umask gives new files (0644 under 022).
Then, when a checkpoint with the same prefix exists, its data file is hard-linked (or copied)
to ``<prefix>.data-00000-of-00001.prev`` and its index renamed to ``<prefix>.index.prev``;
the new data file and, last, the new index are renamed into place and the backups deleted.
At every instant either ``<prefix>.index`` names a complete checkpoint, or there is no
``<prefix>.index`` and the ``.prev`` pair is the complete previous one, which readers then use
(and the next save puts back first). The next save also deletes temporary files a crashed
save left behind.

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
"""
from __future__ import annotations

import glob
import json
import os
import re
import uuid
import zipfile
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import errors
# Atomic writes live in framework/file_io.py; re-exported here, where they always were.
from ..framework.file_io import (_fsync_dir, _remove_quietly, _write_temp,  # noqa: F401
                                 atomic_write, atomic_write_string_to_file)
from . import tf_checkpoint as _tfc

INDEX_SUFFIX = _tfc.INDEX_SUFFIX
DATA_SUFFIX = _tfc.DATA_SUFFIX
BACKUP_SUFFIX = ".prev"
LEGACY_DATA_SUFFIX = ".npz"
LEGACY_INDEX_SUFFIX = ".index.json"
FORMAT_NAME = "tfgraph-checkpoint"
FORMAT_VERSION = 1
_ID_KEY = "__checkpoint_id__"
_DEFAULT_LATEST_FILENAME = "checkpoint"


# --- writing checkpoints ---------------------------------------------------------------------
def _link_or_copy(src: str, dst: str) -> None:
    """Makes `dst` a complete copy of `src` (a hard link where possible), atomically."""
    tmp = dst + ".link.tmp"
    _remove_quietly(tmp)
    try:
        os.link(src, tmp)
    except OSError:
        import shutil
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def _recover(prefix: str) -> None:
    """Repairs what a crashed save of `prefix` left: puts the backup pair back when the
    checkpoint has no index, drops stale backups otherwise, and deletes temporary files."""
    index, data = prefix + INDEX_SUFFIX, prefix + DATA_SUFFIX
    if not os.path.exists(index) and os.path.exists(index + BACKUP_SUFFIX) and \
            os.path.exists(data + BACKUP_SUFFIX):
        _link_or_copy(data + BACKUP_SUFFIX, data)  # the index is what commits the pair
        os.replace(index + BACKUP_SUFFIX, index)
    if os.path.exists(index):
        _remove_quietly(index + BACKUP_SUFFIX)
        _remove_quietly(data + BACKUP_SUFFIX)
    dirname, base = os.path.split(os.path.abspath(prefix))
    for pattern in (f".{base}{INDEX_SUFFIX}.*.tmp", f".{base}{DATA_SUFFIX}.*.tmp",
                    f"{base}{DATA_SUFFIX}{BACKUP_SUFFIX}.link.tmp",
                    f"{base}{DATA_SUFFIX}.link.tmp"):
        for leftover in glob.glob(os.path.join(glob.escape(dirname), pattern)):
            _remove_quietly(leftover)


def write_checkpoint(prefix: str, values: Dict[str, np.ndarray],
                     dtypes: Optional[Dict[str, _dtypes.DType]] = None) -> None:
    """Writes a TF V2 checkpoint at `prefix`, never losing the one it replaces (module doc).

    Args:
      prefix: The checkpoint prefix.
      values: Maps names (variable op names) to host NumPy arrays.
      dtypes: The TF dtype of each value (default: from the arrays).

    Raises:
      OSError: If a file cannot be written; the previous checkpoint at `prefix` stays usable.
    """
    dtypes = {n: (dtypes[n] if dtypes and n in dtypes else _dtypes.as_dtype(values[n].dtype))
              for n in values}
    index_bytes, data_bytes = _tfc.encode_bundle(values, dtypes)
    index, data = prefix + INDEX_SUFFIX, prefix + DATA_SUFFIX
    _recover(prefix)
    tmp_data = _write_temp(data, lambda f: f.write(data_bytes))
    tmp_index = None
    try:
        tmp_index = _write_temp(index, lambda f: f.write(index_bytes))
        if os.path.exists(index):  # keep the previous checkpoint whole until the new one is
            if os.path.exists(data):
                _link_or_copy(data, data + BACKUP_SUFFIX)
            os.replace(index, index + BACKUP_SUFFIX)
        os.replace(tmp_data, data)
        os.replace(tmp_index, index)
    except BaseException:
        _remove_quietly(tmp_data)
        if tmp_index:
            _remove_quietly(tmp_index)
        raise
    dirname = os.path.dirname(os.path.abspath(prefix))
    _fsync_dir(dirname)
    _remove_quietly(index + BACKUP_SUFFIX)
    _remove_quietly(data + BACKUP_SUFFIX)
    for legacy in (LEGACY_INDEX_SUFFIX, LEGACY_DATA_SUFFIX):  # superseded old-format files
        _remove_quietly(prefix + legacy)


def _to_storable(value: np.ndarray, dtype: _dtypes.DType) -> np.ndarray:
    if dtype is _dtypes.string:
        flat = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in value.ravel()]
        return np.array(flat, dtype=bytes).reshape(value.shape) if flat else \
            np.zeros(value.shape, dtype="S1")
    return np.asarray(value, order="C")  # (ascontiguousarray would turn 0-d into 1-d)


def write_npz_checkpoint(prefix: str, values: Dict[str, np.ndarray],
                         dtypes: Optional[Dict[str, _dtypes.DType]] = None) -> None:
    """Writes a checkpoint in the format of tfgraph before 0.2 (`.npz` + `.index.json`).

    Kept so that the reader of that format stays tested; `Saver` writes TF's format.
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
             "data_file": os.path.basename(prefix) + LEGACY_DATA_SUFFIX, "variables": index_vars}
    atomic_write(prefix + LEGACY_DATA_SUFFIX, write_data)
    atomic_write_string_to_file(prefix + LEGACY_INDEX_SUFFIX,
                                json.dumps(index, indent=1) + "\n")


# --- reading checkpoints ---------------------------------------------------------------------
def _files_of(prefix: str) -> Optional[Tuple[str, str, bool]]:
    """(index, data, is_tf_format) of the checkpoint at `prefix`, or None when there is none.

    A crashed save may have left the previous checkpoint as the `.prev` pair (module doc).
    """
    index, data = prefix + INDEX_SUFFIX, prefix + DATA_SUFFIX
    if os.path.exists(index):
        return index, data, True
    if os.path.exists(index + BACKUP_SUFFIX):
        return index + BACKUP_SUFFIX, data + BACKUP_SUFFIX, True
    if os.path.exists(prefix + LEGACY_INDEX_SUFFIX):
        return prefix + LEGACY_INDEX_SUFFIX, prefix + LEGACY_DATA_SUFFIX, False
    return None


class CheckpointReader:
    """Reads a checkpoint (`tf.train.NewCheckpointReader` / `tf.train.load_checkpoint`).

    TensorFlow's V2 format (what TF and tfgraph write) and tfgraph's older `.npz` format.

    Args:
      prefix: The checkpoint prefix (what `Saver.save` returned).

    Raises:
      tf.errors.NotFoundError: If there is no checkpoint at `prefix`.
      tf.errors.DataLossError: If the index is corrupt or truncated (naming the file).
    """

    def __init__(self, prefix: str):
        self._prefix = prefix
        files = _files_of(prefix)
        if files is None:
            raise errors.NotFoundError(
                None, None, f"Unsuccessful TensorSliceReader constructor: Failed to find any "
                            f"matching files for {prefix} (no file {prefix}{INDEX_SUFFIX})")
        self._index_path, self._data_path, tf_format = files
        try:
            if tf_format:
                self._bundle = _tfc.BundleReader(self._index_path, self._data_path)
                self._vars = {k: (e.dtype, e.shape) for k, e in self._bundle.entries.items()}
            else:
                self._bundle = None
                self._read_legacy_index()
        except PermissionError as e:
            raise errors.PermissionDeniedError(
                None, None, f"Cannot read {self._index_path}: {e}") from None

    def _read_legacy_index(self) -> None:
        index_path = self._index_path
        with open(index_path, "rb") as f:
            raw = f.read()
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
          tf.errors.DataLossError: If the data file is missing, corrupt, or does not match
            the index.
        """
        for n in names:
            if n not in self._vars:
                raise errors.NotFoundError(None, None, f"Key {n} not found in checkpoint")
        if self._bundle is not None:
            return self._bundle.read(names)
        return self._read_legacy(names)

    def _read_legacy(self, names: Sequence[str]) -> Dict[str, np.ndarray]:
        path = self._data_path
        out: Dict[str, np.ndarray] = {}
        try:
            with np.load(path, allow_pickle=False) as npz:
                stored_id = bytes(npz[_ID_KEY]).decode() if _ID_KEY in npz.files else None
                if stored_id != self._id:
                    raise ValueError(f"{path} does not belong to index "
                                     f"{self._index_path} (checkpoint ids differ)")
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
                            f"(index {self._index_path} exists)") from None
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


def _escape(s: str) -> str:
    # Protocol buffers' text format (CEscape): printable ASCII as is, other bytes in octal.
    from google.protobuf import text_encoding  # here: keeps protobuf out of `import tfgraph`
    return text_encoding.CEscape(s.encode("utf-8"), as_utf8=False)


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
    """True when a checkpoint with this prefix (or glob pattern) exists on disk (its index,
    the backup a crashed save kept, or an old-format tfgraph index)."""
    if _files_of(checkpoint_prefix) is not None:
        return True
    return any(glob.glob(checkpoint_prefix + suffix) for suffix in
               (INDEX_SUFFIX, INDEX_SUFFIX + BACKUP_SUFFIX, LEGACY_INDEX_SUFFIX))


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
        files = _files_of(p)
        if files is not None:
            out.append(os.path.getmtime(files[0]))
    return out


def remove_checkpoint(checkpoint_prefix: str, checkpoint_format_version: int = 2,
                      meta_graph_suffix: str = "meta") -> None:
    """Deletes a checkpoint's files (index first, so no index ever points to missing data)."""
    for suffix in (INDEX_SUFFIX, INDEX_SUFFIX + BACKUP_SUFFIX, DATA_SUFFIX,
                   DATA_SUFFIX + BACKUP_SUFFIX, LEGACY_INDEX_SUFFIX, LEGACY_DATA_SUFFIX,
                   "." + meta_graph_suffix):
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
