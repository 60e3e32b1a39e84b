"""Every registered op type has TensorFlow's OpDef in framework/tf_op_defs.pbtxt (so exported
GraphDefs carry TF's attrs), except the few op types that exist only in tfgraph.

`tools/gen_tf_op_defs.py` finds op types by scanning for literal `register_op("X")`; ops
registered in loops or as rows must be listed in its EXTRA_TF_OPS. This test names them."""
import importlib
import re
from pathlib import Path

import tfgraph  # noqa: F401  (registers the core ops)
from tfgraph.framework import registry

TABLE = Path(tfgraph.__file__).parent / "framework" / "tf_op_defs.pbtxt"
# Op types TensorFlow does not have (tfgraph's own helpers and its MPI collectives).
TFGRAPH_ONLY = {"AllAxes", "OrthogonalQ", "ReducedShape", "ReportUninitialized",
                "MPIAllreduce", "MPIBroadcast", "MPIBroadcastVariables"}


def test_every_registered_op_type_is_in_the_tf_op_def_table():
    for ns in ("summary", "data", "estimator", "image", "signal", "feature_column"):
        try:
            importlib.import_module(f"tfgraph.{ns}")
        except ImportError:
            pass
    table = set(re.findall(r'^  name: "([^"]+)"', TABLE.read_text(), re.M))
    # (ops that other tests register, from their own modules, are not tfgraph's)
    ours = {name for name, op_def in registry._OPS.items()
            if type(op_def).__module__.startswith("tfgraph.")}
    missing = sorted(ours - table - TFGRAPH_ONLY)
    assert not missing, (f"op types without TensorFlow's OpDef in {TABLE.name}: {missing}; add "
                         f"them to EXTRA_TF_OPS in tools/gen_tf_op_defs.py and rerun it")
