"""`tf.train.init_from_checkpoint`: initialize variables from a checkpoint instead of their
initializers (warm-starting a model, fine-tuning a TF-trained one).
"""
from __future__ import annotations

from typing import Any, Dict, List

from ..framework import dtypes as _dtypes
from ..framework.constant import constant, name_scope
from ..framework.graph import get_default_graph
from ..framework.graph_keys import GraphKeys
from . import checkpoint_management as _cm


def _current_variables() -> Dict[str, Any]:
    graph = get_default_graph()
    out = {}
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for v in graph.get_collection(key):
            out.setdefault(v.op.name, v)
    return out


def _set_initializer(variable: Any, prefix: str, tensor_name: str) -> None:
    """Makes `variable.initializer` assign the checkpoint's `tensor_name` (RestoreV2 + Assign)."""
    from ..ops import state_ops
    graph = variable.graph
    base = variable.op.name
    with graph.as_default(), graph.control_dependencies(None), \
            name_scope(f"{base}/checkpoint_initializer"):
        restore = graph.create_op(
            "RestoreV2", [constant(prefix, dtype=_dtypes.string, name="prefix"),
                          constant([tensor_name], dtype=_dtypes.string, name="tensor_names"),
                          constant([""], dtype=_dtypes.string, name="shape_and_slices")],
            {"dtypes": (variable.dtype.base_dtype,)}, name="RestoreV2")
        variable._initializer_op = state_ops.assign(variable._ref(), restore.outputs[0],
                                                    name="Assign").op
    variable._initial_value = restore.outputs[0]


def init_from_checkpoint(ckpt_dir_or_file: str, assignment_map: Dict[str, Any]) -> None:
    """Replaces variables' initializers by loads from a checkpoint (`tf.train.init_from_checkpoint`).

    Args:
      ckpt_dir_or_file: A checkpoint prefix, or a directory (its latest checkpoint).
      assignment_map: `{checkpoint name or scope: variable, variable name or scope}`:
        `"old/w": "new/w"` (or a `Variable`) maps one tensor; `"old_scope/": "new_scope/"`
        maps every checkpoint tensor under `old_scope/` to the variable of the same relative
        name under `new_scope/`; `"/"` is the checkpoint's root.

    Raises:
      ValueError: If a checkpoint name is not in the checkpoint, a variable name is not in
        the graph, or shapes differ (naming both).
    """
    reader = _cm.load_checkpoint(ckpt_dir_or_file)
    prefix = reader.prefix
    shapes = reader.get_variable_to_shape_map()
    current = _current_variables()
    pairs: List[Any] = []
    for ckpt_name, target in assignment_map.items():
        if not isinstance(target, str):  # a Variable (or a list of partitions: unsupported)
            if ckpt_name not in shapes:
                raise ValueError(f"Tensor {ckpt_name} is not found in {prefix} checkpoint "
                                 f"{sorted(shapes)[:10]}")
            pairs.append((ckpt_name, target))
            continue
        if ckpt_name.endswith("/") or ckpt_name == "/":
            scope = "" if ckpt_name == "/" else ckpt_name
            new_scope = "" if target == "/" else target
            if new_scope and not new_scope.endswith("/"):
                raise ValueError(f"Assignment map with scope only name {ckpt_name} should map "
                                 f"to scope only {target}. Should be 'scope/': 'other_scope/'.")
            for name in sorted(shapes):
                if name.startswith(scope):
                    var = current.get(new_scope + name[len(scope):])
                    if var is not None:
                        pairs.append((name, var))
            continue
        if ckpt_name not in shapes:
            raise ValueError(f"Tensor {ckpt_name} is not found in {prefix} checkpoint "
                             f"{sorted(shapes)[:10]}")
        var = current.get(target)
        if var is None:
            raise ValueError(f"Variable {target} for checkpoint tensor {ckpt_name} is not in "
                             f"the graph's global or local variables")
        pairs.append((ckpt_name, var))
    for ckpt_name, var in pairs:
        if not var.shape.is_compatible_with(shapes[ckpt_name]):
            raise ValueError(f"Shape of variable {var.name} ({var.shape}) doesn't match with "
                             f"shape of tensor {ckpt_name} ({shapes[ckpt_name]}) from checkpoint "
                             f"reader.")
    for ckpt_name, var in pairs:
        _set_initializer(var, prefix, ckpt_name)


__all__ = ["init_from_checkpoint"]
