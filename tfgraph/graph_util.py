"""`tf.graph_util`: freezing and pruning GraphDefs (see `tfgraph.framework.graph_util`)."""
from .framework.graph_util import (convert_variables_to_constants, extract_sub_graph,  # noqa: F401
                                   import_graph_def, must_run_on_cpu, remove_training_nodes,
                                   tensor_shape_from_node_def_name)

__all__ = ["convert_variables_to_constants", "extract_sub_graph", "import_graph_def",
           "must_run_on_cpu", "remove_training_nodes", "tensor_shape_from_node_def_name"]
