"""`tools/graph2svg.py` / `python -m tfgraph.viz`: running a script and drawing its graph."""
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

from tfgraph.viz import cli

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

BUILD = """
    import os, sys
    import numpy as np
    import tfgraph as tf
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    with tf.name_scope("layer1"):
        W = tf.Variable(np.zeros([784, 10], np.float32), name="W")
        y = tf.matmul(x, W)
    loss = tf.reduce_sum(y, name="loss")
    extra = tf.negative(x, name="extra")
    print("script argv:", sys.argv[1:], "graph-only:", os.environ.get("TFGRAPH_GRAPH_ONLY"))
"""


def _script(tmp_path, tail, name="model.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(BUILD) + textwrap.dedent(tail))
    return str(path)


def test_graph_only_script_with_args_and_fetch(tmp_path, capsys):
    script = _script(tmp_path, """
        if os.environ.get("TFGRAPH_GRAPH_ONLY"):
            sys.exit(0)
        raise AssertionError("training must not run")
    """)
    out = tmp_path / "g.dot"
    assert cli.main([script, "-o", str(out), "--fetch", "loss", "--", "--steps", "3"]) == 0
    printed = capsys.readouterr()
    assert "script argv: ['--steps', '3'] graph-only: 1" in printed.out
    assert "wrote" in printed.err
    source = out.read_text()
    assert "cluster_layer1" in source and "op_loss" in source
    assert "op_extra" not in source  # not an ancestor of the fetch
    assert "TFGRAPH_GRAPH_ONLY" not in os.environ


def test_script_stopped_at_first_session_run(tmp_path):
    marker = tmp_path / "trained"
    script = _script(tmp_path, f"""
        with tf.Session() as sess:
            try:
                sess.run(tf.global_variables_initializer())
            except Exception:
                pass
            open({str(marker)!r}, "w").close()
    """)
    out = tmp_path / "g.dot"
    assert cli.main([script, "-o", str(out), "--format", "dot", "--expand", "--rankdir", "LR"]) == 0
    assert not marker.exists()
    source = out.read_text()
    assert "rankdir=LR" in source and "op_extra" in source
    # --run lets the script finish.
    assert cli.main([script, "-o", str(out), "--run"]) == 0
    assert marker.exists()


def test_errors_are_reported(tmp_path, capsys):
    assert cli.main([str(tmp_path / "missing.py")]) == 2
    empty = tmp_path / "empty.py"
    empty.write_text("import sys\nsys.exit(4)\n")
    assert cli.main([str(empty), "-o", str(tmp_path / "e.svg")]) == 2
    err = capsys.readouterr().err
    assert "no such script" in err and "built no graph ops" in err and "status 4" in err
    assert not (tmp_path / "e.svg").exists()


def test_tool_writes_svg(tmp_path, require_dot):
    script = _script(tmp_path, "")
    out = tmp_path / "cnn.svg"
    proc = subprocess.run([sys.executable, os.path.join(REPO, "tools", "graph2svg.py"), script,
                           "-o", str(out), "--expand", "layer1"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    ET.parse(out)
    assert "MatMul" in out.read_text()


def test_module_entry_point_help():
    proc = subprocess.run([sys.executable, "-m", "tfgraph.viz", "--help"], capture_output=True,
                          text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0 and "--fetch" in proc.stdout and "TFGRAPH_GRAPH_ONLY" in proc.stdout
    assert proc.stdout.startswith("usage: python -m tfgraph.viz ")


def test_script_errors_show_only_the_scripts_frames(tmp_path, capsys):
    script = _script(tmp_path, """
        def build_more():
            raise KeyError("no such layer: conv9")
        build_more()
    """)
    assert cli.main([script, "-o", str(tmp_path / "g.dot")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n")
    assert "model.py" in err and "build_more" in err and "KeyError: 'no such layer: conv9'" in err
    assert "runpy" not in err and "cli.py" not in err
    assert "error: " + script + " raised the exception above" in err


def test_stop_at_first_run_hints_at_run_and_fetch_counts_drawn_ops(tmp_path, capsys):
    script = _script(tmp_path, """
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
        more = tf.exp(loss, name="built_after_the_run")
    """)
    out = tmp_path / "g.dot"
    assert cli.main([script, "-o", str(out), "--fetch", "loss"]) == 0
    err = capsys.readouterr().err
    import tfgraph as tf
    # x, W (VariableV2, Assign, read, its initial value), MatMul, loss's axes and Sum.
    drawn = len(cli.run_script(script).get_operations())
    assert re.search(r"wrote .*g\.dot: (\d+) of (\d+) ops", err)
    n, total = map(int, re.search(r": (\d+) of (\d+) ops", err).groups())
    assert n < total == drawn and n == len(tf.viz.prune(cli.run_script(script), ["loss"]))
    assert "stopped at its first Session.run (model.py, line 14)" in err
    assert "pass --run" in err and "built_after_the_run" not in out.read_text()


def test_output_extension_and_format_must_agree(tmp_path, capsys):
    script = _script(tmp_path, "")
    for args, message in [(["-o", str(tmp_path / "g.png"), "--format", "svg"],
                           "ends in .png but --format is svg"),
                          (["-o", str(tmp_path / "g.txt")], "unknown extension .txt")]:
        with pytest.raises(SystemExit) as exit_info:
            cli.main([script, *args])
        assert exit_info.value.code == 2 and message in capsys.readouterr().err
    assert not list(tmp_path.glob("g.*"))
    assert cli.main([script, "-o", str(tmp_path / "g"), "--format", "dot"]) == 0
    assert (tmp_path / "g").read_text().startswith("digraph")


def test_help_names_the_program_and_every_option():
    text = cli.make_parser("python -m tfgraph.viz").format_help()
    assert text.startswith("usage: python -m tfgraph.viz ")
    assert "--color-by {structure,device,none}\n" in text and "by the device" in text
