"""Every differentiable op type has a finite-difference gradient check, and every check passes.

Cases come from the `CASES` dicts of all `tests/ops/cases_*.py` modules (see gradcheck.py).
An op type registered with a gradient but without a case fails
`test_every_differentiable_op_type_has_a_case`, naming it.
"""
from __future__ import annotations

import importlib.util
import pathlib
import sys
import traceback

import pytest

import tfgraph  # noqa: F401  (registers every op family)
from tfgraph.framework import registry

HERE = pathlib.Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # case modules do `from gradcheck import Case`


def _load_cases():
    cases, errors = {}, {}
    for path in sorted(HERE.glob("cases_*.py")):
        try:
            spec = importlib.util.spec_from_file_location(f"_gradient_cases_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            for op_type, op_cases in module.CASES.items():
                cases.setdefault(op_type, []).extend((path.stem, c) for c in op_cases)
        except Exception:  # noqa: BLE001 - reported by test_case_modules_load
            errors[path.name] = traceback.format_exc()
    return cases, errors


CASES, LOAD_ERRORS = _load_cases()
PARAMS = [pytest.param(op_type, case, id=f"{op_type}-{i}{'-' + case.label if case.label else ''}")
          for op_type, entries in sorted(CASES.items())
          for i, (_, case) in enumerate(entries)]


def test_case_modules_load():
    assert not LOAD_ERRORS, "case modules failed to load:\n" + "\n".join(
        f"{name}:\n{tb}" for name, tb in LOAD_ERRORS.items())


def test_cases_name_registered_op_types():
    unknown = sorted(t for t in CASES if t not in registry._OPS)
    assert not unknown, f"cases for op types that are not registered: {unknown}"


@pytest.mark.parametrize("op_type,case", PARAMS)
def test_finite_difference_gradient(op_type, case):
    case.check(op_type)


def _library_differentiable_op_types():
    """Op types defined by tfgraph itself (not by tests) that have a registered gradient."""
    out = []
    for op_type in registry._GRADIENTS:
        op_def = registry._OPS.get(op_type)
        if op_def is None or not registry.has_gradient(op_type):
            continue  # a gradient for a custom name (gradient_override_map) or NotDifferentiable
        if not type(op_def).__module__.startswith("tfgraph."):
            continue  # registered by a test
        out.append(op_type)
    return sorted(out)


def test_every_differentiable_op_type_has_a_case():
    missing = [t for t in _library_differentiable_op_types() if t not in CASES]
    assert not missing, ("op types with a registered gradient but no finite-difference case in "
                         f"tests/ops/cases_*.py: {missing}")
