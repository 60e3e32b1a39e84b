"""`tf.io.gfile`: TensorFlow's file API (lowercase names) on local files; see
`tfgraph.framework.file_io` (`tf.gfile` has TF1's capitalized names: `tfgraph/gfile.py`)."""
from .framework.file_io import (GFile, copy, exists, get_matching_files, glob, isdir,  # noqa: F401
                                 listdir, makedirs, mkdir, remove, rename, rmtree, stat, walk)

__all__ = ["GFile", "copy", "exists", "get_matching_files", "glob", "isdir", "listdir",
           "makedirs", "mkdir", "remove", "rename", "rmtree", "stat", "walk"]
