"""`tf.saved_model.main_op`: the default init op of a loaded model."""
from typing import Any


def main_op() -> Any:
    """Initializes local variables and tables (`tf.saved_model.main_op.main_op`)."""
    from ..ops.control_flow_ops import group
    from ..ops.variables import local_variables_initializer
    return group(local_variables_initializer(), name="main_op")


def main_op_with_restore(restore_op_name: str) -> Any:
    """`main_op` that runs after the op `restore_op_name`."""
    from ..framework.graph import get_default_graph
    graph = get_default_graph()
    with graph.control_dependencies([graph.as_graph_element(restore_op_name)]):
        return main_op()


__all__ = ["main_op", "main_op_with_restore"]
