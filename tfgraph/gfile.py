"""`tf.gfile`: TF1's file API (`tf.gfile.GFile`, `tf.gfile.Exists`, ...) on local files; see
`tfgraph.framework.file_io`."""
from .framework.file_io import (Copy, DeleteRecursively, Exists, FastGFile, GFile,  # noqa: F401
                                Glob, IsDirectory, ListDirectory, MakeDirs, MkDir, Open, Remove,
                                Rename, Stat, Walk)

__all__ = ["Copy", "DeleteRecursively", "Exists", "FastGFile", "GFile", "Glob", "IsDirectory",
           "ListDirectory", "MakeDirs", "MkDir", "Open", "Remove", "Rename", "Stat", "Walk"]
