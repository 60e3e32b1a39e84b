"""Imports go one way: framework <- ops <- gradients/train/layers/...; no import cycles.

Scans every tfgraph module's imports with `ast` (module-level and inside functions: a
function-local import that closes a cycle is a cycle all the same), builds the module graph
with networkx and fails on any cycle, naming the modules in it.
"""
import ast
import functools
import pathlib

import networkx as nx
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "tfgraph"


def _modules(root=ROOT):
    mods = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def _imports(mods):
    """Yields (importer, imported, lineno, in_function) for imports of tfgraph modules."""
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(), str(path))

        def visit(node, in_function):
            for child in ast.iter_child_nodes(node):
                inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                          ast.Lambda))
                if isinstance(child, ast.Import):
                    targets = [a.name for a in child.names]
                elif isinstance(child, ast.ImportFrom):
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    if child.level:
                        base = base[:len(base) - (child.level - 1)]
                    else:
                        base = []
                    base = ".".join(base + ([child.module] if child.module else []))
                    targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base
                               for a in child.names]
                else:
                    yield from visit(child, inner)
                    continue
                for t in targets:
                    while t not in mods and "." in t:
                        t = t.rsplit(".", 1)[0]
                    if t in mods and t != name:
                        yield name, t, child.lineno, inner
        yield from visit(tree, False)


@functools.lru_cache(maxsize=None)
def _scan():
    """(modules, imports) of tfgraph, scanned once per test session."""
    mods = _modules()
    return mods, list(_imports(mods))


def _graph(mods, imports, include_local=True):
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for src, dst, _, local in imports:
        # Importing a submodule always runs its ancestor packages first: an edge to one of
        # them (`from .. import __version__`) closes no new cycle.
        if src.startswith(dst + "."):
            continue
        if include_local or not local:
            g.add_edge(src, dst)
    return g


def test_scanner_sees_the_package():
    mods, imports = _scan()
    assert "tfgraph.framework.ops" in mods and "tfgraph.ops.math_ops" in mods
    g = _graph(mods, imports)
    assert g.has_edge("tfgraph.ops.math_ops", "tfgraph.ops.array_ops")


def test_no_import_cycles():
    g = _graph(*_scan())
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert not cycles, f"import cycles among tfgraph modules: {cycles}"


def test_framework_imports_nothing_above_it_at_module_level():
    bad = [(s, d, line) for s, d, line, local in _scan()[1]
           if s.startswith("tfgraph.framework") and not local
           and not d.startswith("tfgraph.framework") and d != "tfgraph"]
    assert not bad, f"framework modules importing upper layers: {bad}"


@pytest.mark.parametrize("module", ["tfgraph.ops.math_ops", "tfgraph.ops.array_ops",
                                    "tfgraph.ops.gen_math_ops", "tfgraph.framework.ops",
                                    "tfgraph.framework.tensor_util"])
def test_core_families_have_no_function_local_imports(module):
    local = [(d, line) for s, d, line, inner in _scan()[1] if s == module and inner]
    assert not local, f"{module} imports inside functions: {local}"


def test_detects_a_cycle(tmp_path):
    """The scanner itself: a two-module cycle through a function-local import is found."""
    a = {"pkg.a": "from . import b\n", "pkg.b": "def f():\n    from . import a\n"}
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, src in a.items():
        (pkg / (name.split(".")[1] + ".py")).write_text(src)
    mods = _modules(pkg)
    g = _graph(mods, list(_imports(mods)))
    assert sorted(next(c for c in nx.strongly_connected_components(g) if len(c) > 1)) == \
        ["pkg.a", "pkg.b"]
