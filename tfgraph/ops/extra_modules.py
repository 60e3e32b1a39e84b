"""Imports the op families that register ops but live in their own modules (so that their
registrations happen when `tfgraph` is imported)."""
import importlib

for _m in ("random_ops", "nn_ops", "conv_ops", "pool_ops", "losses_ops", "init_ops",
           "variable_scope", "string_ops", "control_flow_v1", "cond_v1", "logging_ops",
           "script_ops", "stack_ops", "while_v1", "tensor_array_ops", "functional_ops", "stitch_ops"):
    try:
        importlib.import_module(f"{__package__}.{_m}")
    except ModuleNotFoundError as e:  # a family not written yet
        if e.name != f"{__package__}.{_m}":
            raise
