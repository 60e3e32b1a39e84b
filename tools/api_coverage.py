"""How much of TF1's public surface tfgraph offers, namespace by namespace (prints JSON).

Reads `../shared/tf1-api/compat_v1_names.json` (every public name of TensorFlow's
`tf.compat.v1` namespaces, as `dir()` lists them) and resolves each name on the matching
tfgraph module (`tf.nn.rnn_cell.LSTMCell` -> `tfgraph.nn.rnn_cell.LSTMCell`). A name is

- `offered` when the attribute resolves to something;
- `refused` when resolving it raises `NotImplementedError` (tfgraph decided not to offer it
  and says what to use instead, see `tfgraph/_unsupported.py`);
- `missing` otherwise (`AttributeError`, or the namespace itself is absent).

Usage::

    python tools/api_coverage.py [--names PATH] [--missing] [--namespace tf.nn ...]

prints `{"namespaces": {"tf.nn": {"total": 113, "offered": 80, "refused": 2, "missing": 31,
"percent": 70.8, "missing_names": [...]}, ...}, "total": {...}}`; `missing_names` only with
`--missing`. `percent` counts offered names only.
"""
from __future__ import annotations

import argparse
import importlib
import json
import pathlib
import sys
from typing import Any, Dict, List, Optional

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_NAMES = REPO.parent / "shared" / "tf1-api" / "compat_v1_names.json"

# The namespaces the project's goal is measured on (issue 16: at least 90% each).
GOAL_NAMESPACES = ("tf", "tf.nn", "tf.nn.rnn_cell", "tf.train", "tf.layers", "tf.losses",
                   "tf.summary", "tf.math", "tf.random", "tf.initializers", "tf.metrics",
                   "tf.sparse")


def load_names(path: pathlib.Path = DEFAULT_NAMES) -> Dict[str, Dict[str, str]]:
    """`{namespace: {name: kind}}` from the shared names file."""
    with open(path) as f:
        return json.load(f)["namespaces"]


def _resolve_module(tf: Any, namespace: str) -> Any:
    """The tfgraph object for a dotted TF namespace ("tf.nn.rnn_cell"), or None."""
    obj = tf
    for part in namespace.split(".")[1:]:
        try:
            obj = getattr(obj, part)
        except (AttributeError, NotImplementedError):
            return None
    return obj


def classify(tf: Any, namespace: str, names: Dict[str, str]) -> Dict[str, List[str]]:
    """Splits `names` of `namespace` into offered / refused / missing."""
    out: Dict[str, List[str]] = {"offered": [], "refused": [], "missing": []}
    module = _resolve_module(tf, namespace)
    for name in sorted(names):
        if module is None:
            out["missing"].append(name)
            continue
        try:
            getattr(module, name)
        except NotImplementedError:
            out["refused"].append(name)
        except AttributeError:
            out["missing"].append(name)
        else:
            out["offered"].append(name)
    return out


def coverage(names: Dict[str, Dict[str, str]], namespaces: Optional[List[str]] = None,
             with_missing: bool = False) -> Dict[str, Any]:
    """The coverage report (see the module docstring)."""
    import tfgraph
    report: Dict[str, Any] = {}
    totals = {"total": 0, "offered": 0, "refused": 0, "missing": 0}
    for ns in sorted(namespaces or names):
        parts = classify(tfgraph, ns, names[ns])
        entry = {"total": len(names[ns]), "offered": len(parts["offered"]),
                 "refused": len(parts["refused"]), "missing": len(parts["missing"])}
        entry["percent"] = round(100.0 * entry["offered"] / max(entry["total"], 1), 1)
        if with_missing:
            entry["missing_names"] = parts["missing"]
            entry["refused_names"] = parts["refused"]
        report[ns] = entry
        for k in totals:
            totals[k] += entry[k]
    totals["percent"] = round(100.0 * totals["offered"] / max(totals["total"], 1), 1)
    return {"namespaces": report, "total": totals}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=pathlib.Path, default=DEFAULT_NAMES)
    parser.add_argument("--namespace", action="append", help="only these namespaces")
    parser.add_argument("--goal", action="store_true", help="only the issue-16 goal namespaces")
    parser.add_argument("--missing", action="store_true", help="list missing and refused names")
    args = parser.parse_args(argv)
    if not args.names.exists():
        print(f"names file not found: {args.names}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    names = load_names(args.names)
    wanted = args.namespace or (list(GOAL_NAMESPACES) if args.goal else None)
    unknown = [n for n in wanted or () if n not in names]
    if unknown:
        print(f"unknown namespaces: {unknown}", file=sys.stderr)
        return 2
    print(json.dumps(coverage(names, wanted, args.missing), indent=1))
    return 0


if __name__ == "__main__":
    importlib.invalidate_caches()
    sys.exit(main())
