#!/usr/bin/env python3
"""Draw the graph a tfgraph script builds, TensorBoard style (SVG, PNG, PDF or DOT).

    python tools/graph2svg.py examples/mnist_cnn.py -o cnn.svg [--expand conv1] [--fetch loss]
        [--format png|svg|dot] [--rankdir BT] [-- script args]

Same as `python -m tfgraph.viz`; run with --help for every option and
docs/graphs/README.md for the TFGRAPH_GRAPH_ONLY contract.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tfgraph.viz.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(prog="graph2svg.py"))
