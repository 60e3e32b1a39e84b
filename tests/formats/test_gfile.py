"""tf.io.gfile / tf.gfile on local files: values, TF's error classes naming the path."""
import os
import pathlib

import pytest

import tfgraph as tf


def test_gfile_write_read_text_and_binary(tmp_path):
    p = str(tmp_path / "a.txt")
    with tf.gfile.GFile(p, "w") as f:
        f.write("héllo\nworld\n")
    assert tf.gfile.Exists(p) and tf.io.gfile.exists(p)
    with tf.io.gfile.GFile(p, "r") as f:
        assert f.readline() == "héllo\n"
        assert f.read() == "world\n"
    with tf.gfile.GFile(p, "rb") as f:
        assert f.read() == "héllo\nworld\n".encode("utf-8")
        assert f.size() == len("héllo\nworld\n".encode("utf-8"))
    with tf.gfile.FastGFile(p, "rb") as f:
        assert list(f) == [b"h\xc3\xa9llo\n", b"world\n"]
    with tf.gfile.Open(p, "ab") as f:
        f.write("more")  # str written in binary mode is UTF-8, as TF
    assert open(p, "rb").read().endswith(b"world\nmore")


def test_gfile_directories_glob_walk(tmp_path):
    d = str(tmp_path / "x" / "y")
    tf.gfile.MakeDirs(d)
    tf.gfile.MakeDirs(d)  # existing: fine
    assert tf.gfile.IsDirectory(d) and tf.io.gfile.isdir(d)
    for n in ("b.txt", "a.txt", "c.bin"):
        with tf.gfile.GFile(os.path.join(d, n), "w") as f:
            f.write(n)
    assert tf.gfile.ListDirectory(d) == ["a.txt", "b.txt", "c.bin"]
    assert tf.gfile.Glob(os.path.join(d, "*.txt")) == [os.path.join(d, "a.txt"),
                                                     os.path.join(d, "b.txt")]
    walked = list(tf.gfile.Walk(str(tmp_path)))
    assert walked[0] == (str(tmp_path), ["x"], [])
    assert walked[-1] == (d, [], ["a.txt", "b.txt", "c.bin"])
    st = tf.gfile.Stat(os.path.join(d, "a.txt"))
    assert st.length == 5 and not st.is_directory and st.mtime_nsec > 0
    tf.gfile.Copy(os.path.join(d, "a.txt"), os.path.join(d, "z.txt"))
    with pytest.raises(tf.errors.AlreadyExistsError, match="z.txt"):
        tf.gfile.Copy(os.path.join(d, "b.txt"), os.path.join(d, "z.txt"))
    tf.gfile.Copy(os.path.join(d, "b.txt"), os.path.join(d, "z.txt"), overwrite=True)
    assert open(os.path.join(d, "z.txt")).read() == "b.txt"
    tf.gfile.Rename(os.path.join(d, "z.txt"), os.path.join(d, "w.txt"))
    with pytest.raises(tf.errors.AlreadyExistsError, match="a.txt"):
        tf.gfile.Rename(os.path.join(d, "w.txt"), os.path.join(d, "a.txt"))
    tf.gfile.Remove(os.path.join(d, "w.txt"))
    assert not tf.gfile.Exists(os.path.join(d, "w.txt"))
    tf.gfile.DeleteRecursively(str(tmp_path / "x"))
    assert not os.path.exists(str(tmp_path / "x"))


def test_gfile_errors_name_the_path(tmp_path):
    missing = str(tmp_path / "missing.txt")
    with pytest.raises(tf.errors.NotFoundError, match="missing.txt"):
        tf.gfile.GFile(missing, "r").read()
    with pytest.raises(tf.errors.NotFoundError, match="missing.txt"):
        tf.gfile.Remove(missing)
    with pytest.raises(tf.errors.NotFoundError, match="missing.txt"):
        tf.gfile.Stat(missing)
    with pytest.raises(tf.errors.NotFoundError, match="nodir"):
        tf.gfile.ListDirectory(str(tmp_path / "nodir"))
    with pytest.raises(tf.errors.NotFoundError, match="nodir"):
        tf.gfile.DeleteRecursively(str(tmp_path / "nodir"))
    tf.gfile.MkDir(str(tmp_path / "d"))
    with pytest.raises(tf.errors.AlreadyExistsError, match="d"):
        tf.gfile.MkDir(str(tmp_path / "d"))
    with pytest.raises(tf.errors.NotFoundError, match="nothere"):
        tf.io.gfile.mkdir(str(tmp_path / "nothere" / "d"))
    with pytest.raises(tf.errors.UnimplementedError, match="gs://bucket/x"):
        tf.gfile.Exists("gs://bucket/x")
    with pytest.raises(tf.errors.InvalidArgumentError, match="a.txt"):
        tf.gfile.GFile(str(tmp_path / "a.txt"), "x")


def test_gfile_namespaces_hold_tf1_names_only():
    assert sorted(tf.gfile.__all__) == sorted(
        ["Copy", "DeleteRecursively", "Exists", "FastGFile", "GFile", "Glob", "IsDirectory",
         "ListDirectory", "MakeDirs", "MkDir", "Open", "Remove", "Rename", "Stat", "Walk"])
    assert "exists" in tf.io.gfile.__all__ and "Exists" not in tf.io.gfile.__all__


def test_io_gfile_holds_tf_compat_v1_names():
    # dir(tensorflow.compat.v1.io.gfile) in TF 2.21.
    assert sorted(tf.io.gfile.__all__) == [
        "GFile", "copy", "exists", "get_registered_schemes", "glob", "isdir", "join", "listdir",
        "makedirs", "mkdir", "remove", "rename", "rmtree", "stat", "walk"]


def test_io_gfile_join_as_tensorflow():
    join = tf.io.gfile.join  # values as TF 2.21's tf.io.gfile.join gives them
    assert join("a", "b", "/c", "d/") == "/c/d/"  # a local path: os.path.join
    assert join("a") == "a"
    assert join(pathlib.Path("a"), "b") == "a/b"
    assert join(b"a", b"b") == b"a/b"
    assert join("gs://bucket", "x", "y") == "gs://bucket/x/y"  # a URL: joined with "/"
    assert join(b"ram://a", b"b") == b"ram://a/b"
    assert join("file:///tmp", "z") == "file:///tmp/z"


def test_io_gfile_registered_schemes_are_the_ones_it_reads(tmp_path):
    schemes = tf.io.gfile.get_registered_schemes()
    assert sorted(schemes) == ["", "file"]
    p = tmp_path / "a.txt"
    p.write_text("hi")
    assert tf.io.gfile.exists(str(p)) and tf.io.gfile.exists("file://" + str(p))
    with pytest.raises(tf.errors.UnimplementedError, match="'gs' not implemented"):
        tf.io.gfile.exists("gs://bucket/a.txt")
