"""`python -m tfgraph.viz script.py -o graph.svg`: draw the graph a script builds (see `cli`)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m tfgraph.viz"))
