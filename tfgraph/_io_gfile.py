"""`tf.io.gfile`: TensorFlow's file API (lowercase names) on local files; see
`tfgraph.framework.file_io` (`tf.gfile` has TF1's capitalized names: `tfgraph/gfile.py`)."""
from .framework.file_io import (GFile, copy, exists, get_registered_schemes,  # noqa: F401
                                 glob, isdir, join, listdir, makedirs, mkdir, remove, rename,
                                 rmtree, stat, walk)

__all__ = ["GFile", "copy", "exists", "get_registered_schemes", "glob", "isdir", "join",
           "listdir", "makedirs", "mkdir", "remove", "rename", "rmtree", "stat", "walk"]
