"""Builds a TF1 sub-namespace from the op modules: `export(globals(), NAMES, SOURCES)` binds
each of TF1's names that some source module defines, and nothing else, so the namespace
shows TF1's names only and picks up an op as soon as a module implements it."""
import importlib
import sys
import types
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


class _NamespacePackage(types.ModuleType):
    """A package whose implementation submodules never show up as its attributes: Python's
    import system sets `package.submodule` on every first import (also lazy ones inside
    functions); this class ignores those assignments, so the namespace keeps showing TF1's
    names only. `import package.submodule` and `from package import submodule` still work
    (Python falls back to `sys.modules`)."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and \
                getattr(value, "__name__", "") == f"{self.__name__}.{name}":
            return
        super().__setattr__(name, value)


def hide_submodules(module_name: str) -> None:
    """Removes the implementation submodules from the package `module_name`'s attributes, now
    and for later (lazy) imports."""
    module = sys.modules[module_name]
    for name, value in list(vars(module).items()):
        if isinstance(value, types.ModuleType) and value.__name__ == f"{module_name}.{name}":
            delattr(module, name)
    module.__class__ = _NamespacePackage
