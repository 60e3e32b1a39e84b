"""Nested structures (lists, tuples, namedtuples, dicts) of loop variables and branch outputs,
flattened and packed as TF1's `nest` does (dict values in sorted key order)."""
from __future__ import annotations

from typing import Any, List


def is_sequence(x: Any) -> bool:
    return isinstance(x, (list, tuple, dict))


def _children(x: Any) -> list:
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    return list(x)


def flatten(x: Any) -> List[Any]:
    """The leaves of `x`, depth first."""
    if not is_sequence(x):
        return [x]
    out: List[Any] = []
    for c in _children(x):
        out.extend(flatten(c))
    return out


def _rebuild(like: Any, items: list) -> Any:
    if isinstance(like, dict):
        keys = sorted(like)
        d = dict(zip(keys, items))
        return type(like)((k, d[k]) for k in like) if type(like) is not dict else \
            {k: d[k] for k in like}
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def pack_sequence_as(structure: Any, flat: List[Any]) -> Any:
    """`flat` (leaves) arranged as `structure`.

    Raises:
      ValueError: If the number of leaves differs.
    """
    flat = list(flat)
    n = len(flatten(structure))
    if n != len(flat):
        raise ValueError(f"Structure has {n} elements, but the flat sequence has {len(flat)}")
    pos = [0]

    def build(s):
        if not is_sequence(s):
            v = flat[pos[0]]
            pos[0] += 1
            return v
        return _rebuild(s, [build(c) for c in _children(s)])
    return build(structure)


def same_structure(a: Any, b: Any) -> bool:
    if is_sequence(a) != is_sequence(b):
        return False
    if not is_sequence(a):
        return True
    if isinstance(a, dict) != isinstance(b, dict):
        return False
    if isinstance(a, dict) and sorted(a) != sorted(b):
        return False
    ca, cb = _children(a), _children(b)
    return len(ca) == len(cb) and all(same_structure(x, y) for x, y in zip(ca, cb))


def map_structure(fn, *structures: Any) -> Any:
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)])
