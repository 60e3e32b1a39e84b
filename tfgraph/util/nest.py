"""Nested structures of values: `tf.nest` (TF1's tf.nest / tf.contrib.framework.nest).

A structure is a value or a (nested) list, tuple, namedtuple or dict of structures; anything
else (sets, strings, arrays, None, tensors) is an atom. Dicts are walked in sorted key order
and packed back with the keys in their original order, as TensorFlow does.

Used by the optimizer (var lists), `tf.gradients`' callers and tests; `flatten_in_order`
walks dicts in their own order, for fetch structures whose keys need not sort (diagrams).
The session maps its fetches itself (as TF1's session does, with fetch mappers): it compiles
the fetch structure into the plan's return statement.
"""
from __future__ import annotations

import collections.abc
from typing import Any, Callable, Iterator, List, Sequence


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(seq: Any) -> bool:
    """True for a list, tuple (namedtuple) or mapping: a structure that is not an atom."""
    return isinstance(seq, (list, tuple, collections.abc.Mapping))


is_sequence = is_nested  # TF1's tf.contrib.framework.nest spelling


def _sorted_keys(mapping: Any) -> list:
    try:
        return sorted(mapping)
    except TypeError:
        raise TypeError("nest only supports dicts with sortable keys.") from None


def _children(seq: Any, sort_dicts: bool = True) -> List[Any]:
    if isinstance(seq, collections.abc.Mapping):
        return [seq[k] for k in (_sorted_keys(seq) if sort_dicts else seq)]
    return list(seq)


def _yield_flat(structure: Any, sort_dicts: bool = True) -> Iterator[Any]:
    if not is_nested(structure):
        yield structure
        return
    for child in _children(structure, sort_dicts):
        yield from _yield_flat(child, sort_dicts)


def flatten(structure: Any, expand_composites: bool = False) -> List[Any]:
    """The atoms of `structure` in order (`tf.nest.flatten`); an atom gives `[atom]`.

    Args:
      structure: A nested structure.
      expand_composites: Accepted for compatibility (tfgraph has no composite tensors).

    Raises:
      TypeError: If a dict in `structure` has keys that do not sort.
    """
    return list(_yield_flat(structure))


def flatten_in_order(structure: Any) -> List[Any]:
    """`flatten`, but dicts in their own (insertion) order: their keys need not sort.

    For structures whose dict keys are arbitrary objects (fetches keyed by tensors); not
    part of `tf.nest`.
    """
    return list(_yield_flat(structure, sort_dicts=False))


def _sequence_like(instance: Any, args: Sequence[Any]) -> Any:
    """A structure of `instance`'s type holding `args` (in `_children` order)."""
    if isinstance(instance, collections.abc.Mapping):
        by_key = dict(zip(_sorted_keys(instance), args))
        return type(instance)((k, by_key[k]) for k in instance)
    if _is_namedtuple(instance):
        return type(instance)(*args)
    if isinstance(instance, tuple):
        return tuple(args)
    if isinstance(instance, list):
        return list(args)
    return type(instance)(args)


def _count(structure: Any) -> int:
    return sum(1 for _ in _yield_flat(structure))


def pack_sequence_as(structure: Any, flat_sequence: Sequence[Any],
                     expand_composites: bool = False) -> Any:
    """`flat_sequence` packed into the shape of `structure` (`tf.nest.pack_sequence_as`).

    Raises:
      TypeError: If `flat_sequence` is not a sequence.
      ValueError: If the number of atoms differs (both counts are named).
    """
    if not is_nested(flat_sequence):
        raise TypeError(f"Attempted to pack value:\n  {flat_sequence}\ninto a structure, but "
                        f"found incompatible type `{type(flat_sequence).__name__}` instead.")
    flat = list(flat_sequence)
    if not is_nested(structure):
        if len(flat) != 1:
            raise ValueError(f"Structure is a scalar but len(flat_sequence) == {len(flat)} > 1")
        return flat[0]
    n = _count(structure)
    if n != len(flat):
        raise ValueError(f"Could not pack sequence. Structure had {n} atoms, but flat_sequence "
                         f"had {len(flat)} items.  Structure: {structure}, flat_sequence: "
                         f"{flat_sequence}.")
    it = iter(flat)

    def pack(s: Any) -> Any:
        if not is_nested(s):
            return next(it)
        return _sequence_like(s, [pack(c) for c in _children(s)])
    return pack(structure)


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True,
                          expand_composites: bool = False) -> None:
    """Raises unless `nest1` and `nest2` nest the same way (`tf.nest.assert_same_structure`).

    Raises:
      ValueError: If they differ in nesting or number of elements.
      TypeError: If `check_types` and two sequences at one place differ in type.
    """
    def check(a: Any, b: Any) -> None:
        if is_nested(a) != is_nested(b):
            raise ValueError(f"The two structures don't have the same nested structure.\n\n"
                             f"First structure: {nest1}\n\nSecond structure: {nest2}")
        if not is_nested(a):
            return
        if check_types and type(a) is not type(b):
            raise TypeError(f"The two structures don't have the same sequence type. First "
                            f"structure has type {type(a)}, while second structure has type "
                            f"{type(b)}.")
        if isinstance(a, collections.abc.Mapping) and set(a) != set(b):
            raise ValueError(f"The two dictionaries don't have the same set of keys. First "
                             f"structure has keys {sorted(a, key=str)}, while second structure "
                             f"has keys {sorted(b, key=str)}.")
        ca, cb = _children(a), _children(b)
        if len(ca) != len(cb):
            raise ValueError(f"The two structures don't have the same number of elements. "
                             f"First structure: {nest1}. Second structure: {nest2}")
        for x, y in zip(ca, cb):
            check(x, y)
    check(nest1, nest2)


def same_structure(nest1: Any, nest2: Any, check_types: bool = False) -> bool:
    """Whether `nest1` and `nest2` nest the same way (`assert_same_structure` as a test)."""
    try:
        assert_same_structure(nest1, nest2, check_types=check_types)
    except (ValueError, TypeError):
        return False
    return True


def map_structure(func: Callable[..., Any], *structure: Any, **kwargs: Any) -> Any:
    """`func` applied to the atoms of the structures, packed like the first
    (`tf.nest.map_structure`).

    Args:
      func: Called with one atom from each structure.
      *structure: Structures of the same nesting.
      check_types: (keyword) Whether sequence types must match too (default True).

    Raises:
      ValueError / TypeError: If the structures differ (see `assert_same_structure`).
    """
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are `check_types` and "
                         f"`expand_composites`, not: `{', '.join(kwargs)}`")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*atoms) for atoms in zip(*flats)])


__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]
