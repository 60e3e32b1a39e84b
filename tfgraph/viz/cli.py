"""Command line: run a graph-building script and draw the graph it builds.

    python -m tfgraph.viz examples/mnist_cnn.py -o cnn.svg [options] [-- script args]
    python tools/graph2svg.py examples/mnist_cnn.py -o cnn.svg --expand conv1 --fetch loss

How the graph is caught: the script runs (`runpy`, as `__main__`, with `sys.argv` set to the
script and the arguments after `--`) with the environment variable `TFGRAPH_GRAPH_ONLY=1`.
Scripts that honour it exit after building their graph:

    if os.environ.get("TFGRAPH_GRAPH_ONLY"):
        sys.exit(0)

For scripts that do not, the first `Session.run` (or `Tensor.eval`) stops the script and the
session's graph is drawn, so no training runs. `--run` runs the script to its end instead.
Either way the drawn graph is the one the script built most recently (the session's graph,
else the default graph, else the last graph that received ops).
"""
from __future__ import annotations

import argparse
import os
import runpy
import sys
import time
import traceback
from typing import List, Optional, Sequence, Tuple

GRAPH_ONLY_ENV = "TFGRAPH_GRAPH_ONLY"
FORMATS = ("svg", "png", "pdf", "dot")


class _StopScript(BaseException):
    """Raised inside the script at its first session run; a BaseException so that a script's
    `except Exception:` does not swallow it."""

    def __init__(self, graph, where: str = ""):
        super().__init__("graph captured at the first Session.run")
        self.graph = graph
        self.where = where  # "model.py, line 12": the script's line that ran the session


class ScriptError(Exception):
    """The script raised an exception; `text` is its traceback without this tool's frames."""

    def __init__(self, script: str, text: str):
        super().__init__(f"{script} failed")
        self.text = text


#: Set by `run_script`: where the last script was stopped ("" when it ran to its end).
last_stop = ""


def run_script(script: str, args: Sequence[str] = (), graph_only: bool = True):
    """Runs a graph-building script and returns the graph it built.

    Args:
      script: Path of the Python script.
      args: Its command-line arguments (`sys.argv[1:]` inside the script).
      graph_only: Set `TFGRAPH_GRAPH_ONLY=1` and stop the script at its first session run.

    Returns:
      The captured `tf.Graph`.

    Raises:
      FileNotFoundError: If `script` does not exist.
      RuntimeError: If the script exited with an error before building any op.
      ScriptError: If the script raised an exception (its traceback, from the script's own
        frames on, is in `.text`).
    """
    if not os.path.isfile(script):
        raise FileNotFoundError(f"no such script: {script}")
    import tfgraph
    from tfgraph import session as session_mod
    from tfgraph.framework import graph as graph_mod

    seen: List = []  # graphs that received ops, most recent last
    original_create_op = graph_mod.Graph.create_op
    original_run = session_mod.BaseSession.run

    def create_op(self, *a, **k):
        if not seen or seen[-1] is not self:
            seen.append(self)
        return original_create_op(self, *a, **k)

    script_path = os.path.abspath(script)

    def stop_at_run(self, *a, **k):
        where = ""
        for frame in traceback.extract_stack()[::-1]:
            if os.path.abspath(frame.filename) == script_path:
                where = f"{os.path.basename(script)}, line {frame.lineno}"
                break
        raise _StopScript(self.graph, where)

    global last_stop
    last_stop = ""
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    saved_env = os.environ.get(GRAPH_ONLY_ENV)
    captured = None
    exit_code = None
    tfgraph.reset_default_graph()
    graph_mod.Graph.create_op = create_op
    if graph_only:
        session_mod.BaseSession.run = stop_at_run
        os.environ[GRAPH_ONLY_ENV] = "1"
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    except _StopScript as stop:
        captured = stop.graph
        last_stop = stop.where or os.path.basename(script)
    except SystemExit as e:
        exit_code = e.code
    except Exception as e:  # the script's own error: show its frames, not runpy's and ours
        tb = traceback.TracebackException.from_exception(e)
        frames = list(tb.stack)
        mine = [i for i, f in enumerate(frames) if os.path.abspath(f.filename) == script_path]
        if mine:
            tb.stack = traceback.StackSummary.from_list(frames[mine[0]:])
        raise ScriptError(script, "".join(tb.format())) from None
    finally:
        graph_mod.Graph.create_op = original_create_op
        session_mod.BaseSession.run = original_run
        sys.argv, sys.path[:] = saved_argv, saved_path
        if saved_env is None:
            os.environ.pop(GRAPH_ONLY_ENV, None)
        else:
            os.environ[GRAPH_ONLY_ENV] = saved_env
    if captured is None:
        default = tfgraph.get_default_graph()
        if default.get_operations():
            captured = default
        elif seen:
            captured = seen[-1]
    if captured is None or not captured.get_operations():
        why = f" (it exited with status {exit_code!r})" if exit_code not in (None, 0) else ""
        raise RuntimeError(f"{script} built no graph ops{why}")
    return captured


def _split_argv(argv: Sequence[str]) -> Tuple[List[str], List[str]]:
    argv = list(argv)
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1:]
    return argv, []


def make_parser(prog: Optional[str] = None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Draw the TensorFlow-1 graph a tfgraph script builds (TensorBoard style).",
        epilog="Arguments after `--` are passed to the script. The script runs with "
               f"{GRAPH_ONLY_ENV}=1 and is stopped at its first Session.run.")
    p.add_argument("script", help="the graph-building Python script")
    p.add_argument("-o", "--output",
                   help="output file ending in .svg, .png, .pdf or .dot (default: "
                        "SCRIPT_NAME.FORMAT)")
    p.add_argument("--format", choices=FORMATS,
                   help="output format (default: from --output's extension, else svg); must "
                        "agree with --output's extension")
    p.add_argument("--expand", nargs="?", const="all", action="append", metavar="SCOPE",
                   help="open a name scope (glob patterns allowed; repeatable); "
                        "alone: open every scope")
    p.add_argument("--collapse", action="append", metavar="SCOPE",
                   help="always collapse this scope (repeatable)")
    p.add_argument("--threshold", type=int, default=40, metavar="N",
                   help="collapse scopes with more than N ops (default 40)")
    p.add_argument("--fetch", action="append", metavar="NAME",
                   help="draw only the ancestors of this tensor/op (repeatable)")
    p.add_argument("--feed", action="append", metavar="NAME",
                   help="a fed tensor: pruning for --fetch stops there (repeatable)")
    p.add_argument("--rankdir", choices=("BT", "TB", "LR", "RL"), default="BT",
                   help="direction data flows (default BT, as TensorBoard)")
    p.add_argument("--color-by", choices=("structure", "device", "none"), default="structure",
                   help="fill colours: scopes of the same structure share a colour (structure, "
                        "the default), by the device ops are pinned to (device), or none")
    p.add_argument("--no-legend", action="store_true", help="leave the legend out")
    p.add_argument("--title", help="a title above the diagram")
    p.add_argument("--run", action="store_true",
                   help="run the whole script (no graph-only mode) and draw the final graph")
    return p


def main(argv: Optional[Sequence[str]] = None, prog: Optional[str] = None) -> int:
    """Entry point of `python -m tfgraph.viz` and `tools/graph2svg.py`; returns the exit status."""
    from .export import GraphTooLargeError, GraphvizNotFoundError, render
    from .grouping import prune

    own, script_args = _split_argv(sys.argv[1:] if argv is None else argv)
    parser = make_parser(prog)
    opts = parser.parse_args(own)
    fmt = opts.format
    out = opts.output
    if out is None:
        stem = os.path.splitext(os.path.basename(opts.script))[0]
        out = f"{stem}.{fmt or 'svg'}"
    ext = os.path.splitext(out)[1].lstrip(".").lower()
    if ext and ext not in FORMATS:
        parser.error(f"--output {out}: unknown extension .{ext}; use .svg, .png, .pdf or .dot "
                     "(or name the format with --format)")
    if fmt and ext and ext != fmt:
        parser.error(f"--output {out} ends in .{ext} but --format is {fmt}: make them agree")
    fmt = fmt or ext or "svg"
    expand = None
    if opts.expand:
        expand = "all" if "all" in opts.expand else opts.expand
    t0 = time.perf_counter()
    try:
        graph = run_script(opts.script, script_args, graph_only=not opts.run)
    except ScriptError as e:
        print(e.text, end="", file=sys.stderr)
        print(f"error: {opts.script} raised the exception above while building its graph",
              file=sys.stderr)
        return 1
    except (FileNotFoundError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    t1 = time.perf_counter()
    try:
        num_ops = len(prune(graph, opts.fetch, opts.feed or ())) if opts.fetch else \
            len(graph.get_operations())
        render(graph, out, format=fmt, fetches=opts.fetch, feeds=opts.feed, expand=expand,
               collapse=opts.collapse, collapse_threshold=opts.threshold,
               rankdir=opts.rankdir, legend=not opts.no_legend, title=opts.title,
               color_by=None if opts.color_by == "none" else opts.color_by)
    except GraphvizNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    except GraphTooLargeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 4
    except (KeyError, ValueError, TypeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    t2 = time.perf_counter()
    of_all = f" of {len(graph.get_operations())}" if opts.fetch else ""
    print(f"wrote {out}: {num_ops}{of_all} ops (script {t1 - t0:.2f} s, drawing {t2 - t1:.2f} s)",
          file=sys.stderr)
    if last_stop:
        print(f"note: the script was stopped at its first Session.run ({last_stop}), so the "
              "diagram shows the graph built up to there; if the script adds ops after that "
              "run, pass --run to run it to the end (training included) and draw the final "
              "graph.", file=sys.stderr)
    return 0
