"""The one atomic write (framework/file_io.py) and its callers: checkpoints' state file, graph
diagrams, dataset downloads. Complete-or-untouched, mode per umask, check before rename."""
import os

import pytest

from tfgraph.framework.file_io import atomic_write


def _mode(path):
    return path.stat().st_mode & 0o777


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield 0o027
    os.umask(old)


def test_writes_complete_file_with_umask_mode(tmp_path, umask_027):
    target = tmp_path / "f.bin"
    atomic_write(str(target), lambda f: f.write(b"abc"))
    assert target.read_bytes() == b"abc"
    assert _mode(target) == 0o640  # 0666 less the umask, not mkstemp's 0600
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_failed_write_or_check_keeps_old_content_and_no_temp(tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")

    def boom(f):
        f.write(b"partial")
        raise OSError("disk full (injected)")
    with pytest.raises(OSError, match="disk full"):
        atomic_write(str(target), boom)

    def reject(tmp):
        assert open(tmp, "rb").read() == b"new"  # the check sees the complete temporary file
        raise ValueError("checksum mismatch for f.bin")
    with pytest.raises(ValueError, match="f.bin"):
        atomic_write(str(target), lambda f: f.write(b"new"), check=reject)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_missing_folder_is_an_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        atomic_write(str(tmp_path / "nope" / "f.bin"), lambda f: f.write(b"x"))


def test_diagram_render_uses_it_and_creates_folders(tmp_path, umask_027):
    import tfgraph as tf
    from tfgraph.viz import export
    tf.constant(1.0, name="c")
    out = tmp_path / "sub" / "g.dot"
    export.render(tf.get_default_graph(), out)
    assert out.read_text().lstrip().startswith(("digraph", "strict digraph"))
    assert _mode(out) == 0o640
