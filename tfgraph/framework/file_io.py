"""File access with TensorFlow's `gfile` API on local files (behind `tf.io.gfile` and `tf.gfile`).

TF1 code reads and writes files through `tf.gfile.GFile` and friends; this module implements
both spellings (`tf.io.gfile.exists` and TF1's `tf.gfile.Exists`; the namespaces `tf.io.gfile`
and `tf.gfile` re-export each its own) on the local file system, raising TensorFlow's error
classes (`tf.errors.NotFoundError`, ...) with the path in the message, not Python's `OSError`s. Remote file systems (`gs://`,
`s3://`, `hdfs://`) are not supported: such a path raises `tf.errors.UnimplementedError`.
"""
from __future__ import annotations

import errno
import glob as _glob
import io
import os
import posixpath
import shutil
import tempfile
from typing import Any, Callable, Iterator, List, NamedTuple, Optional, Tuple, Union

from ..framework import errors

PathLike = Union[str, bytes, "os.PathLike[str]"]


def _path(path: Any) -> str:
    if isinstance(path, bytes):
        path = path.decode("utf-8")
    path = os.fspath(path)
    if "://" in path and not path.startswith("file://"):
        raise errors.UnimplementedError(
            None, None, f"File system scheme '{path.split('://')[0]}' not implemented "
                        f"(file: {path}); tfgraph's gfile reads local files only")
    return path[len("file://"):] if path.startswith("file://") else path


def _raise(e: OSError, path: str, what: str) -> "None":
    """Re-raises an `OSError` as TensorFlow's error class for it, naming `path`."""
    msg = f"{path}; {e.strerror or e} ({what})"
    if e.errno == errno.ENOENT:
        raise errors.NotFoundError(None, None, msg) from None
    if e.errno == errno.EEXIST:
        raise errors.AlreadyExistsError(None, None, msg) from None
    if e.errno in (errno.EACCES, errno.EPERM):
        raise errors.PermissionDeniedError(None, None, msg) from None
    if e.errno in (errno.ENOTDIR, errno.EISDIR, errno.ENOTEMPTY):
        raise errors.FailedPreconditionError(None, None, msg) from None
    raise errors.UnknownError(None, None, msg) from None


class GFile:
    """A file object with TensorFlow's `GFile` interface (`tf.io.gfile.GFile`, `tf.gfile.Open`).

    Args:
      name: The file's path.
      mode: "r", "rb", "w", "wb", "a", "ab" (and "+" variants); text modes read and write `str`
        as UTF-8, binary modes `bytes`.

    Raises:
      tf.errors.NotFoundError: When reading a file that does not exist (on first read, as TF).
      tf.errors.PermissionDeniedError: When the file cannot be opened for lack of permission.
    """

    def __init__(self, name: PathLike, mode: str = "r"):
        self._name = _path(name)
        if not mode or mode[0] not in "rwa" or set(mode) - set("rwab+t"):
            raise errors.InvalidArgumentError(None, None, f"Invalid mode {mode!r} for {self._name}")
        self._mode = mode
        self._binary = "b" in mode
        self._file: Optional[io.IOBase] = None
        if mode[0] in "wa":  # TF creates (truncates) a file for writing right away
            self._open()

    def _open(self) -> io.IOBase:
        if self._file is None:
            mode = self._mode.replace("t", "")
            try:
                if self._binary:
                    self._file = open(self._name, mode)
                else:
                    self._file = open(self._name, mode, encoding="utf-8", newline="")
            except OSError as e:
                _raise(e, self._name, "opening")
        return self._file

    @property
    def name(self) -> str:
        return self._name

    @property
    def mode(self) -> str:
        return self._mode

    def size(self) -> int:
        """The file's size in bytes."""
        return stat(self._name).length

    def read(self, n: int = -1) -> Union[str, bytes]:
        """Reads `n` bytes (characters in text mode), or the rest of the file when `n` is -1."""
        return self._open().read(n)

    def readline(self) -> Union[str, bytes]:
        return self._open().readline()

    def readlines(self) -> List[Union[str, bytes]]:
        return self._open().readlines()

    def write(self, data: Union[str, bytes]) -> None:
        """Writes `data` (str is encoded as UTF-8 in binary mode, as TF does)."""
        f = self._open()
        if self._binary and isinstance(data, str):
            data = data.encode("utf-8")
        elif not self._binary and isinstance(data, bytes):
            data = data.decode("utf-8")
        f.write(data)

    def seek(self, offset: Optional[int] = None, whence: int = 0, position: Optional[int] = None
             ) -> int:
        if position is not None:
            offset = position
        return self._open().seek(offset or 0, whence)

    def tell(self) -> int:
        return self._open().tell()

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __iter__(self) -> Iterator[Union[str, bytes]]:
        return iter(self._open())

    def __next__(self) -> Union[str, bytes]:
        return next(self._open())

    next = __next__

    def __enter__(self) -> "GFile":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<GFile {self._name!r} mode={self._mode!r}>"


FastGFile = GFile
Open = GFile


class FileStatistics(NamedTuple):
    """What `stat` returns: the size in bytes, modification time in ns, and the kind."""

    length: int
    mtime_nsec: int
    is_directory: bool


def exists(path: PathLike) -> bool:
    """True when `path` (a file or directory) exists."""
    return os.path.exists(_path(path))


def isdir(path: PathLike) -> bool:
    """True when `path` is a directory."""
    return os.path.isdir(_path(path))


def stat(path: PathLike) -> FileStatistics:
    """The `FileStatistics` of `path`.

    Raises:
      tf.errors.NotFoundError: If `path` does not exist.
    """
    p = _path(path)
    try:
        st = os.stat(p)
    except OSError as e:
        _raise(e, p, "stat")
    return FileStatistics(int(st.st_size), int(st.st_mtime_ns), os.path.isdir(p))


def glob(pattern: PathLike) -> List[str]:
    """The paths matching the glob `pattern` (`*`, `?`, `[...]`), sorted."""
    return sorted(_glob.glob(_path(pattern)))


def listdir(path: PathLike) -> List[str]:
    """The names of the entries of directory `path` (without "." and "..").

    Raises:
      tf.errors.NotFoundError: If `path` is not a directory.
    """
    p = _path(path)
    if not os.path.isdir(p):
        raise errors.NotFoundError(None, None, f"Could not find directory {p}")
    return sorted(os.listdir(p))


def makedirs(path: PathLike) -> None:
    """Creates directory `path` and its missing parents; an existing directory is fine."""
    p = _path(path)
    try:
        os.makedirs(p, exist_ok=True)
    except OSError as e:
        _raise(e, p, "creating directories")


def mkdir(path: PathLike) -> None:
    """Creates directory `path`; its parent must exist.

    Raises:
      tf.errors.AlreadyExistsError: If `path` exists.
      tf.errors.NotFoundError: If its parent does not exist.
    """
    p = _path(path)
    try:
        os.mkdir(p)
    except OSError as e:
        _raise(e, p, "creating a directory")


def remove(path: PathLike) -> None:
    """Deletes the file `path`.

    Raises:
      tf.errors.NotFoundError: If it does not exist.
    """
    p = _path(path)
    try:
        os.remove(p)
    except OSError as e:
        _raise(e, p, "deleting a file")


def rmtree(path: PathLike) -> None:
    """Deletes directory `path` and everything in it.

    Raises:
      tf.errors.NotFoundError: If it does not exist.
    """
    p = _path(path)
    if not os.path.exists(p):
        raise errors.NotFoundError(None, None, f"{p}; No such file or directory")
    try:
        shutil.rmtree(p)
    except OSError as e:
        _raise(e, p, "deleting a directory")


def rename(oldname: PathLike, newname: PathLike, overwrite: bool = False) -> None:
    """Renames (moves) `oldname` to `newname`.

    Raises:
      tf.errors.AlreadyExistsError: If `newname` exists and `overwrite` is False.
      tf.errors.NotFoundError: If `oldname` does not exist.
    """
    src, dst = _path(oldname), _path(newname)
    if not overwrite and os.path.exists(dst):
        raise errors.AlreadyExistsError(None, None, f"file already exists: {dst}")
    try:
        os.replace(src, dst)
    except OSError as e:
        _raise(e, src, f"renaming to {dst}")


def copy(oldpath: PathLike, newpath: PathLike, overwrite: bool = False) -> None:
    """Copies the file `oldpath` to `newpath`.

    Raises:
      tf.errors.AlreadyExistsError: If `newpath` exists and `overwrite` is False.
      tf.errors.NotFoundError: If `oldpath` does not exist.
    """
    src, dst = _path(oldpath), _path(newpath)
    if not overwrite and os.path.exists(dst):
        raise errors.AlreadyExistsError(None, None, f"file already exists: {dst}")
    try:
        shutil.copyfile(src, dst)
    except OSError as e:
        _raise(e, src, f"copying to {dst}")


def walk(top: PathLike, topdown: bool = True, onerror: Any = None
         ) -> Iterator[Tuple[str, List[str], List[str]]]:
    """Yields `(dirname, subdirectories, files)` for `top` and every directory below it."""
    t = _path(top)
    for dirpath, dirnames, filenames in os.walk(t, topdown=topdown, onerror=onerror):
        dirnames.sort()
        yield dirpath, dirnames, sorted(filenames)


def join(path: PathLike, *paths: PathLike) -> Any:
    """Joins path components (`tf.io.gfile.join`).

    A path with a scheme ("gs://bucket", "ram://x") is joined like a URL, with "/"; a local
    path with `os.path.join`. Nothing is checked on disk, so remote paths join too.

    Args:
      path: The first component (str, bytes or path-like).
      *paths: More components, of the same kind.

    Returns:
      The joined path.
    """
    first = os.fspath(path)
    text = first.decode("utf-8") if isinstance(first, bytes) else first
    if "://" in text[1:]:
        return posixpath.join(first, *paths)
    return os.path.join(first, *paths)


def get_registered_schemes() -> List[str]:
    """The file-system schemes gfile accepts (`tf.io.gfile.get_registered_schemes`): "" for
    plain local paths and "file" for "file://" URIs (tfgraph's gfile reads local files only).
    """
    return ["", "file"]


def _walk_tf1(top: PathLike, in_order: bool = True):
    return walk(top, topdown=in_order)


# --- atomic file writes (checkpoints, graphs, state files) ------------------------------------
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


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read by setting (briefly) and restoring it
    os.umask(mask)
    return mask


def _write_temp(path: str, write: Callable[[Any], None]) -> str:
    """Writes a fresh hidden file beside `path` through `write`, fsync'ed, mode per umask.

    Returns its name; the caller renames it into place. On failure nothing is left behind.
    """
    dirname, base = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=dirname)
    try:
        # mkstemp makes 0600 files; a checkpoint must be readable as any new file would be
        # (e.g. by a serving process of another user): 0666 less the umask, as open() does.
        os.fchmod(fd, 0o666 & ~_umask()) if hasattr(os, "fchmod") else None
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        _remove_quietly(tmp)
        raise
    return tmp


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def atomic_write(path: str, write: Callable[[Any], None],
                 check: Optional[Callable[[str], None]] = None) -> None:
    """Writes `path` through `write(fileobj)` into a temporary file, then renames it into place.

    The one atomic write of tfgraph (checkpoints, graphs, state files, diagrams, downloaded
    datasets). The temporary file lives in the same directory (so the rename is atomic), is
    fsync'ed before the rename, gets the permissions the umask gives new files (0644 under
    umask 022, as TF writes them), and is removed if `write` or `check` raises: `path` is
    either its old content or the complete new content. The folder must exist.

    Args:
      path: The destination file.
      write: Called with a binary file object open for writing.
      check: Optional; called with the complete temporary file's name before the rename (a
        checksum): raising keeps `path` as it was.

    Raises:
      FileNotFoundError: If the folder of `path` does not exist.
    """
    tmp = _write_temp(path, write)
    try:
        if check is not None:
            check(tmp)
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(os.path.dirname(os.path.abspath(path)))


def atomic_write_string_to_file(filename: str, contents: str) -> None:
    """Writes `contents` (text, UTF-8) to `filename` atomically (see `atomic_write`)."""
    data = contents.encode("utf-8")
    atomic_write(filename, lambda f: f.write(data))


# TF1's `tf.gfile` spellings.
Copy = copy
DeleteRecursively = rmtree
Exists = exists
Glob = glob
IsDirectory = isdir
ListDirectory = listdir
MakeDirs = makedirs
MkDir = mkdir
Remove = remove
Rename = rename
Stat = stat
Walk = _walk_tf1

__all__ = ["GFile", "FastGFile", "Open", "exists", "isdir", "stat", "glob", "listdir",
           "makedirs", "mkdir", "remove", "rmtree", "rename", "copy", "walk", "join",
           "get_registered_schemes", "Copy", "DeleteRecursively", "Exists", "Glob", "IsDirectory",
           "ListDirectory", "MakeDirs", "MkDir", "Remove", "Rename", "Stat", "Walk"]
