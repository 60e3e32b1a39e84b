"""Builds a TF1 sub-namespace from the op modules: `export(globals(), NAMES, SOURCES)` binds
each of TF1's names that some source module defines, and nothing else, so the namespace
shows TF1's names only and picks up an op as soon as a module implements it."""
import importlib
from typing import Dict, Iterable, List, Mapping, Optional


def export(namespace: Dict[str, object], names: Iterable[str], sources: Iterable[str],
           renames: Optional[Mapping[str, str]] = None, package: str = "tfgraph") -> List[str]:
    """Binds `names` in `namespace` from the first of `sources` that defines each.

    Args:
      namespace: The namespace module's `globals()`.
      names: TF1's names of the namespace.
      sources: Module names relative to `package` ("ops.math_ops"), searched in order.
      renames: `{tf1_name: name_in_sources}` where tfgraph's spelling differs.

    Returns:
      The names bound (for `__all__`).
    """
    modules = []
    for s in sources:
        try:
            modules.append(importlib.import_module(f"{package}.{s}"))
        except ModuleNotFoundError as e:  # a family not written yet (or not merged yet)
            if e.name != f"{package}.{s}":
                raise
    renames = renames or {}
    bound = []
    for name in names:
        if name in namespace:
            bound.append(name)
            continue
        target = renames.get(name, name)
        for m in modules:
            value = getattr(m, target, None) if target in getattr(m, "__dict__", {}) else None
            if value is not None:
                namespace[name] = value
                bound.append(name)
                break
    return bound
