"""The roots of y = a x^2 + b x + c, computed by a graph: the lecture's first TF1 program.

Building the graph computes nothing: `roots` is a Tensor describing (-b +- sqrt(b^2 - 4ac)) / 2a.
Only `sess.run(roots)` evaluates it. a, b and c are graph constants by default; with
`--fed` they are placeholders whose values arrive through `feed_dict` at run time, so one
graph solves any equation. The same graph then checks its answer: it evaluates
a x^2 + b x + c at the roots, which should be (close to) zero.

    python examples/quadratic.py                   # 2x^2 - 3x - 1: roots (3 +- sqrt(17)) / 4
    python examples/quadratic.py --fed --a 1 --b -3 --c 2
"""
from __future__ import annotations

import argparse
import math
from typing import Optional, Sequence

import _common
import tfgraph as tf


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = _common.make_parser(__doc__, training=False, dataset=False)
    parser.add_argument("--a", type=float, default=2.0, help="coefficient of x^2 (default 2)")
    parser.add_argument("--b", type=float, default=-3.0, help="coefficient of x (default -3)")
    parser.add_argument("--c", type=float, default=-1.0, help="constant term (default -1)")
    parser.add_argument("--fed", action="store_true",
                        help="make a, b, c placeholders fed at run time (default: constants)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                        help="precision of the computation (default float32, as TF1)")
    args = _common.check_args(parser, parser.parse_args(argv))
    if args.a == 0:
        parser.error("--a must not be 0 (the equation would not be quadratic)")
    return args


def main(argv: Optional[Sequence[str]] = None) -> Sequence[float]:
    args = parse_args(argv)
    dtype = tf.as_dtype(args.dtype)

    # ---- the graph ----
    with _common.device_scope(args):
        if args.fed:
            a = tf.placeholder(dtype, [], name="a")
            b = tf.placeholder(dtype, [], name="b")
            c = tf.placeholder(dtype, [], name="c")
        else:
            a = tf.constant(args.a, dtype, name="a")
            b = tf.constant(args.b, dtype, name="b")
            c = tf.constant(args.c, dtype, name="c")

        discriminant = tf.subtract(b * b, 4.0 * a * c, name="discriminant")
        with tf.name_scope("roots"):
            sqrt_d = tf.sqrt(discriminant)  # NaN when there are no real roots
            minus_b, two_a = -b, 2.0 * a  # built once, used by both roots
            roots = tf.stack([(minus_b + sqrt_d) / two_a, (minus_b - sqrt_d) / two_a], name="x")
        with tf.name_scope("check"):
            y_at_roots = a * roots * roots + b * roots + c  # the polynomial at both roots

    _common.graph_built(args, show_summary=False)

    # ---- running it ----
    feed = {a: args.a, b: args.b, c: args.c} if args.fed else None
    print(f"Equation: {args.a:g} x^2 + {args.b:g} x + {args.c:g} = 0 "
          f"(a, b, c {'fed through placeholders' if args.fed else 'as graph constants'})")
    with tf.Session(config=_common.session_config(args)) as sess:
        d, (x1, x2), (y1, y2) = sess.run([discriminant, roots, y_at_roots], feed_dict=feed)
    print(f"discriminant: {d:.7g}")
    if d < 0 or math.isnan(x1):
        print("no real roots: the discriminant is negative")
        return []
    print(f"roots: {x1:.7f} {x2:.7f}")
    print(f"check: y({x1:.7f}) = {y1:.3g}")
    print(f"check: y({x2:.7f}) = {y2:.3g}")
    return [float(x1), float(x2)]


if __name__ == "__main__":
    main()
