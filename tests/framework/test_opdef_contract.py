"""The OpDef contract (framework/registry.py) and the RunContext kernels get (run_context.py).

Every registered op type: declares only documented flags, has no `compute` that can never run,
and is `stateful` when it takes variables by reference or updates them. The Session is the
RunContext: per-session resources, per-run scratch, a run serial. Plans print one commented
line per op (`sess._plan_source`).
"""
import inspect
import os
import re

import numpy as np
import pytest

import tfgraph as tf
from tfgraph.framework import registry
from tfgraph.framework.run_context import RunContext

# Imported for their registrations (the lazy namespaces hold ops too).
import tfgraph.summary  # noqa: F401,E402
import tfgraph.distribute  # noqa: F401,E402

DECLARED = {n for n in vars(registry.OpDef) if not n.startswith("_")
            and not callable(getattr(registry.OpDef, n))}
# Names that look like planner flags: a misspelt or undeclared one would be silently ignored.
FLAG_LIKE = re.compile(r"^(host_\w+|is_\w+|may_\w+|mutates_\w+|\w+_ok|stateful|fresh_\w+|"
                       r"ref_\w+|num_outputs)$")


def _op_classes():
    return sorted(((name, type(od)) for name, od in registry._OPS.items()), key=lambda t: t[0])


def test_flags_are_declared_on_opdef():
    assert {"stateful", "ref_inputs", "mutates_variables", "is_identity", "may_alias_input",
            "fresh_outputs", "host_only", "host_inputs", "host_outputs", "host_memory_ok",
            "scalar_operands_ok"} <= DECLARED
    doc = registry.OpDef.__doc__
    for flag in DECLARED - {"type_name", "gradient"}:
        assert f"{flag}:" in doc, f"OpDef flag {flag} is not documented"


def test_ops_set_only_declared_flags():
    bad = []
    for name, cls in _op_classes():
        for klass in cls.__mro__:
            if klass is registry.OpDef or klass is object:
                break
            for attr in vars(klass):
                if FLAG_LIKE.match(attr) and attr not in DECLARED:
                    bad.append(f"{name}.{attr}")
    assert not bad, f"undeclared OpDef flags: {bad}"


def test_no_compute_that_never_runs():
    """An op overriding `kernel` without calling `compute` must not define `compute`."""
    dead = []
    for name, cls in _op_classes():
        kernel_owner = next(k for k in cls.__mro__ if "kernel" in vars(k))
        compute_owner = next(k for k in cls.__mro__ if "compute" in vars(k))
        if kernel_owner is registry.OpDef or compute_owner is registry.OpDef:
            continue
        if "compute" not in inspect.getsource(kernel_owner.kernel):
            dead.append(f"{name} ({compute_owner.__name__}.compute)")
    assert not dead, f"compute methods that never run: {dead}"


def test_variable_ops_are_stateful():
    missing = []
    for name, cls in _op_classes():
        od = registry.get_op_def(name)
        refs = od.ref_inputs
        has_refs = bool(refs) if isinstance(refs, (tuple, list, set, frozenset)) else True
        if (has_refs or od.mutates_variables) and not od.stateful:
            missing.append(name)
    assert not missing, f"ops using variables without stateful = True: {missing}"
    assert registry.get_op_def("RandomStandardNormal").stateful
    assert not registry.get_op_def("MatMul").stateful


def test_constant_value_never_folds_stateful_ops():
    from tfgraph.framework import tensor_util
    v = tf.Variable([1, 2], name="v")
    assert tensor_util.constant_value(tf.stack([1, 2])).tolist() == [1, 2]
    assert tensor_util.constant_value(tf.stack([v.value()[0], 2])) is None


def test_session_is_a_run_context():
    c = tf.constant(1.0)
    with tf.Session() as sess:
        assert isinstance(sess, RunContext)
        made = []
        r1 = sess.resource(("test", "queue"), lambda: made.append(1) or ["queue"])
        r2 = sess.resource(("test", "queue"), lambda: made.append(1) or ["other"])
        assert r1 is r2 and made == [1]
        s0 = sess.run_serial
        sess.run(c)
        assert sess.run_serial == s0 + 1
        a = sess.scratch("arr", lambda: [1])
        assert sess.scratch("arr", lambda: [2]) is a  # same run: the same value
        sess.run(c)
        assert sess.scratch("arr", lambda: [3]) == [3]  # next run: made afresh
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.resource(("test", "queue"), lambda: ["new"])
    assert sess._resources == {}


def test_plan_source_names_op_and_device_on_every_line():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.variable_scope("dense"):
        w = tf.get_variable("w", [3, 2], initializer=tf.ones_initializer())
    y = tf.matmul(x, w, name="MatMul")
    with tf.Session() as sess:
        sess.run(w.initializer)
        src = sess._plan_source(y, {x: None})
        assert sess.run(y, {x: np.ones((1, 3))}).tolist() == [[3.0, 3.0]]
    lines = src.splitlines()
    assert lines[0] == "def _run(v0):"
    dev = r"\S+" if os.environ.get("TFGRAPH_BACKEND") else "cpu"  # strict: gpu:0[strict]
    assert any(re.search(rf"# MatMul 'MatMul' @{dev}$", ln) for ln in lines), src
    assert any(re.search(rf"# VariableV2 'dense/w' @{dev}$", ln) for ln in lines), src
    assert any(ln.endswith("# feed 'x:0'") for ln in lines)
    for ln in lines[1:]:
        code = ln.strip()
        if not code.startswith(("del ", "return")):
            assert "  # " in code, f"uncommented plan line: {ln!r}"


def test_plan_source_reports_bad_fetch_by_name():
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="nonexistent"):
            sess._plan_source("nonexistent:0")
