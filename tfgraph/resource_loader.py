"""`tf.resource_loader`: paths of data files shipped next to a script or inside tfgraph
(TF1's tf.resource_loader; without Bazel runfiles, paths are relative to the calling file)."""
import inspect as _inspect
import os as _os
import sys as _sys
import typing as _t


def _caller_dir(depth: int = 2) -> str:
    return _os.path.dirname(_os.path.abspath(_inspect.getfile(_sys._getframe(depth))))


def get_data_files_path() -> str:
    """The directory of the calling script's file."""
    return _caller_dir()


def get_path_to_datafile(path: str) -> str:
    """`path` joined to the calling script's directory."""
    return _os.path.join(_caller_dir(), path)


def get_root_dir_with_all_resources() -> str:
    """The directory under a Bazel ".runfiles" tree holding all resources, else the calling
    script's directory (as TF1)."""
    script_dir = _caller_dir()
    dirs = [script_dir]
    while True:
        here = dirs[-1]
        if ".runfiles" in _os.path.basename(here):
            return dirs[-2] if len(dirs) > 1 else script_dir
        parent = _os.path.dirname(here)
        if parent == here:
            return script_dir
        dirs.append(parent)


def load_resource(path: str) -> bytes:
    """The bytes of the file at `path`, relative to the tfgraph package directory (TF1: the
    tensorflow directory).

    Raises:
      IOError: If the file does not exist.
    """
    full = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), path)
    with open(full, "rb") as f:
        return f.read()


def readahead_file_path(path: str, readahead: _t.Any = "128M") -> str:
    """`path` unchanged (TF1's read-ahead cache exists for remote file systems only)."""
    return path


__all__ = ["get_data_files_path", "get_path_to_datafile", "get_root_dir_with_all_resources",
           "load_resource", "readahead_file_path"]
