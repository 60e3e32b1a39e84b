#!/usr/bin/env python3
"""Times drawing big graphs with `tf.viz.render` (SVG, Graphviz's `dot`); prints JSON.

    python tools/bench_viz.py            # 10,000-op chains and 1,000 sibling scopes
    python tools/bench_viz.py --ops 2000 # smaller graphs

Each graph is built in its own `tf.Graph`; the times are the build, the view + DOT text
(`to_dot`) and the whole `render` (view, DOT, `dot` layout, file), in seconds, plus the number
of nodes drawn and whether render fell back to the collapsed diagram.
"""
import argparse
import json
import os
import sys
import tempfile
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tfgraph as tf  # noqa: E402


def relu_chain(n: int) -> None:
    h = tf.placeholder(tf.float32, [None, 4], name="x")
    for _ in range(n):
        h = tf.nn.relu(h)


def mixed_chain(n: int) -> None:
    h = tf.placeholder(tf.float32, [None, 4], name="x")
    for i in range(n):
        h = h + 1.0 if i % 2 else h * 2.0


def sibling_scopes(n: int) -> None:
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    for i in range(n // 10):
        with tf.name_scope(f"block{i}"):
            a = tf.nn.relu(x)
            tf.multiply(a, tf.tanh(a))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ops", type=int, default=10000, help="ops per chain (default 10000)")
    args = p.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in [("relu_chain", relu_chain), ("add_mul_chain", mixed_chain),
                            ("sibling_scopes", sibling_scopes)]:
            graph = tf.Graph()
            with graph.as_default():
                t0 = time.perf_counter()
                build(args.ops)
                t1 = time.perf_counter()
                view = tf.viz.build_view(graph)
                tf.viz.to_dot(graph)
                t2 = time.perf_counter()
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    tf.viz.render(graph, os.path.join(tmp, name + ".svg"))
                t3 = time.perf_counter()
            results.append({"graph": name, "ops": len(graph.get_operations()),
                            "nodes_drawn": len(view.nodes), "build_s": round(t1 - t0, 3),
                            "to_dot_s": round(t2 - t1, 3), "render_s": round(t3 - t2, 3),
                            "collapsed_fallback": any("collapsed" in str(w.message)
                                                      for w in caught)})
    print(json.dumps({"benchmark": "viz_big_graphs", "results": results}, indent=2))


if __name__ == "__main__":
    main()
