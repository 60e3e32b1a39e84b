"""The optimizers' sparse update ops (`SparseApplyMomentum`, `SparseApplyAdagrad`, ...): TF1's
`SparseApply*` kernels, which update only the rows `indices` of a variable and its slots.

Each sparse op is derived from its dense `Apply*` op (`training_ops`, `training_ops_extra`):
same reference inputs, same arithmetic (the dense `update` runs on the gathered rows and the
rows are written back), plus TF1's `indices` input right after `grad`; `grad` is
`[len(indices)] + var.shape[1:]`. Rows not named in `indices` are never touched (bit for bit).
A repeated index applies its rows one after the other, in order, as TF1's kernels loop over
`indices` (the optimizers sum duplicates first, so they pass unique indices).

Not imported by `tfgraph` itself: the optimizer modules import it.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor
from ..framework.registry import NotDifferentiable, OpDef, get_op_def, register_op, spec
from ..framework.tensor_shape import TensorShape
from ._helpers import host_array
from .training_ops import _ApplyOp, check_apply_inputs, check_apply_operand, read_cells
from . import training_ops, training_ops_extra

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


def _rounds(idx: np.ndarray):
    """Positions into `idx` grouped so that each group names every row at most once, in the
    order of the occurrences (the k-th occurrences of all rows form group k)."""
    if idx.size == 0:
        return []
    order = np.argsort(idx, kind="stable")
    sorted_idx = idx[order]
    starts = np.r_[True, sorted_idx[1:] != sorted_idx[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(idx.size), 0))
    rank = np.empty(idx.size, dtype=np.int64)
    rank[order] = np.arange(idx.size) - group_start
    if rank.max() == 0:
        return [None]  # all unique: one round over everything
    return [np.flatnonzero(rank == r) for r in range(int(rank.max()) + 1)]


class _SparseApplyOp(OpDef):
    """Base of the `SparseApply*` ops; `dense` is the `_ApplyOp` whose update they apply."""

    dense: type = _ApplyOp
    stateful = True
    mutates_variables = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        d = cls.dense
        cls.ref_inputs = tuple(range(d.num_refs))
        names = list(d.arg_names)
        cls.grad_name = "grad" if "grad" in names else "delta"
        names.insert(names.index(cls.grad_name) + 1, "indices")
        cls.arg_names = tuple(names)

    def infer(self, *inputs: Tensor, **attrs):
        d = self.dense
        var = check_apply_inputs(self.type_name, self.arg_names, d.num_refs, inputs)
        if var.shape.ndims == 0:
            raise ValueError(f"var must be at least 1 dimensional in '{self.type_name}' "
                             f"(variable '{var.op.name}')")
        named = dict(zip(self.arg_names, inputs))
        indices, grad = named["indices"], named[self.grad_name]
        if indices.dtype not in _INDEX_TYPES:
            raise TypeError(f"Input 'indices' of '{self.type_name}' must be int32 or int64, "
                            f"got {indices.dtype.name}")
        if indices.shape.ndims is not None and indices.shape.ndims != 1:
            raise ValueError(f"indices must be one-dimensional in '{self.type_name}', got "
                             f"shape {indices.shape}")
        for name, t in zip(self.arg_names[1:], inputs[1:]):
            if name == "indices" or \
                    check_apply_operand(self.type_name, name, t, var, d.scalar_args):
                continue
            if name != self.grad_name and not var.shape.is_compatible_with(t.shape):
                raise ValueError(f"var and {name} do not have the same shape {var.shape} "
                                 f"{t.shape} in '{self.type_name}'")
        if var.shape.ndims is not None:
            want = TensorShape([indices.shape[0] if indices.shape.ndims == 1 else None]
                               + var.shape.as_list()[1:])
            if not want.is_compatible_with(grad.shape):
                raise ValueError(f"{self.grad_name} must be [len(indices)] + var.shape[1:] = "
                                 f"{want} in '{self.type_name}', got {grad.shape} (variable "
                                 f"'{var.op.name}')")
        return spec(var.dtype, var.shape)

    def kernel(self, be, op, ctx) -> Callable:
        xp = be.xp
        d = self.dense
        n_refs = d.num_refs
        cells = [ctx.variable_cell(op.inputs[i].op) for i in range(n_refs)]
        rest = list(self.arg_names[n_refs:])
        k_indices = rest.index("indices")
        k_grad = rest.index(self.grad_name)
        attrs = dict(op.attrs)
        attrs.pop("use_locking", None)
        one = xp.ones((), dtype=op.inputs[0].dtype.np_dtype)
        update = get_op_def(d.type_name).update
        scratch = d.scratch
        var_name = op.inputs[0].op.name

        def run(*args):
            values = read_cells(cells, op)
            var = values[0]
            for name, v in zip(self.arg_names[1:n_refs], values[1:]):
                if v.shape != var.shape:
                    raise errors.InvalidArgumentError(
                        None, op, f"var and {name} do not have the same shape"
                                  f"{list(var.shape)} {list(v.shape)}\n\t [[node {op.name}]]")
            indices = args[k_indices]
            grad = args[k_grad]
            if grad.shape != (indices.shape[0],) + tuple(var.shape[1:]):
                raise errors.InvalidArgumentError(
                    None, op, f"grad must be [len(indices)] + var.shape[1:]: grad "
                              f"{list(grad.shape)}, indices {list(indices.shape)}, var "
                              f"{list(var.shape)} (variable '{var_name}')")
            idx = host_array(be, indices).astype(np.int64, copy=False)
            bad = np.flatnonzero((idx < 0) | (idx >= var.shape[0]))
            if bad.size:
                raise errors.InvalidArgumentError(
                    None, op, f"Index {int(idx[bad[0]])} at offset {int(bad[0])} in indices is "
                              f"out of range [0, {var.shape[0]}) (variable '{var_name}')")
            others = [a for k, a in enumerate(args) if k not in (k_indices, k_grad)]
            k_g = k_grad - (1 if k_indices < k_grad else 0)
            for pos in _rounds(idx):
                rows = idx if pos is None else idx[pos]
                g = grad if pos is None else grad[xp.asarray(pos)]
                rows_d = xp.asarray(rows)
                sub = [v[rows_d] for v in values]  # copies of the touched rows
                call_args = others[:k_g] + [g] + others[k_g:]
                update(xp, one, sub, *call_args,
                       tmp=[xp.empty_like(sub[0]) for _ in range(scratch)], **attrs)
                for v, s in zip(values, sub):
                    v[rows_d] = s
            return var
        return run


def _derive(dense_type: str, dense_cls: type) -> None:
    sparse_type = "Sparse" + dense_type
    cls = type(sparse_type, (_SparseApplyOp,), {
        "dense": dense_cls,
        "__doc__": f"`{dense_type}` applied to the rows `indices` only (TF1's {sparse_type})."})
    register_op(sparse_type)(cls)
    NotDifferentiable(sparse_type)


for _mod, _names in ((training_ops, ("ApplyMomentum", "ApplyAdagrad", "ApplyRMSProp",
                                     "ApplyCenteredRMSProp")),
                     (training_ops_extra, ("ApplyAdadelta", "ApplyProximalGradientDescent",
                                           "ApplyProximalAdagrad", "ApplyFtrl", "ApplyFtrlV2",
                                           "ApplyAdagradDA"))):
    for _n in _names:
        _derive(_n, getattr(_mod, _n))


def sparse_apply(op_type: str, refs: Sequence[Any], values: Sequence[Any],
                 names: Sequence[str], attrs: dict, name: Optional[str] = None) -> Tensor:
    """Adds the `SparseApply*` op `op_type` on the variables `refs` (var first) with the other
    inputs `values` named `names` (TF1's order, "indices" among them); returns var's value."""
    from .variables import _ref_of
    ref_tensors = [_ref_of(r) for r in refs]
    var = ref_tensors[0]
    graph = var.graph
    inputs = list(ref_tensors)
    with graph.as_default():
        for n, x in zip(names, values):
            if n == "indices":
                inputs.append(convert_to_tensor(x, dtype_hint=dtypes.int32, name=n))
            else:
                # A Python number takes the variable's dtype (TF1's shared type attr `T`).
                inputs.append(convert_to_tensor(x, preferred_dtype=var.dtype, name=n))
    return graph.create_op(op_type, inputs, attrs, name=name or op_type).outputs[0]


def _builder(op_type: str) -> Callable:
    def build(*args, use_locking: bool = False, name: Optional[str] = None, **attrs):
        od = get_op_def(op_type)
        n_refs = od.dense.num_refs
        names = od.arg_names
        if len(args) != len(names):
            raise TypeError(f"{op_type} takes {len(names)} arguments ({', '.join(names)}), "
                            f"got {len(args)}")
        return sparse_apply(op_type, args[:n_refs], args[n_refs:], names[n_refs:],
                            {"use_locking": bool(use_locking), **attrs}, name)
    build.__name__ = "sparse_" + op_type[len("SparseApply"):].lower()
    build.__doc__ = (f"Adds a `{op_type}` op (inputs in TF1's order: "
                     f"var, slots..., hyperparameters, grad, indices, ...); returns the "
                     f"updated variable.")
    return build


sparse_apply_momentum = _builder("SparseApplyMomentum")
sparse_apply_adagrad = _builder("SparseApplyAdagrad")
sparse_apply_rms_prop = _builder("SparseApplyRMSProp")
sparse_apply_centered_rms_prop = _builder("SparseApplyCenteredRMSProp")
sparse_apply_adadelta = _builder("SparseApplyAdadelta")
sparse_apply_proximal_gradient_descent = _builder("SparseApplyProximalGradientDescent")
sparse_apply_proximal_adagrad = _builder("SparseApplyProximalAdagrad")
sparse_apply_ftrl = _builder("SparseApplyFtrl")
sparse_apply_ftrl_v2 = _builder("SparseApplyFtrlV2")
sparse_apply_adagrad_da = _builder("SparseApplyAdagradDA")
