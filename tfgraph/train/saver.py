"""`tf.train.Saver`: saves and restores variables to and from checkpoints.

As in TF1, a `Saver` adds a few ops to the graph under the name scope "save" ("save_1", ...):

    save/filename/input  Const            the default file name, "model"
    save/filename        PlaceholderWithDefault
    save/Const           PlaceholderWithDefault   (saver_def.filename_tensor_name)
    save/SaveV2/tensor_names, save/SaveV2/shape_and_slices   Consts (keys; "" = whole tensors)
    save/SaveV2          writes the variables' values to the checkpoint
    save/control_dependency  Identity of the file name, after SaveV2 (saver_def.save_tensor_name)
    save/RestoreV2/tensor_names, save/RestoreV2/shape_and_slices
    save/RestoreV2       reads the checkpoint (one output per variable)
    save/Assign, save/Assign_1, ...   write them into the variables
    save/restore_all     NoOp after the Assigns (saver_def.restore_op_name)

the graph TF1's Saver builds, so `sess.run(saver.saver_def.restore_op_name,
{saver.saver_def.filename_tensor_name: path})` works as in TF1 and TensorFlow can run a
tfgraph Saver's ops from an exported meta graph. Restoring needs no initialized variables.
SaveV2/RestoreV2 are `host_only` ops: values of variables on a GPU are copied to the host to be
written, and restored values are uploaded to the variable's device by the Assigns.

A restore is all-or-nothing: `RestoreV2` checks every key and dtype, and the shape of each
variable its outputs are assigned to, then reads and checksums every tensor, before any
`Assign` runs, so a failing restore leaves all values as they were.  The files are TF's V2
checkpoint format (`tfgraph.train.tf_checkpoint`; crash safety in
`tfgraph.train.checkpoint_management`), and `save` also writes the `.meta` MetaGraphDef
(`tfgraph.train.meta_graph`), so TensorFlow can restore tfgraph's checkpoints and the other
way round.

Not implemented: sharding (`sharded=True` writes one file), sliced (partitioned) variables,
and `SaveableObject`s other than variables.
"""
from __future__ import annotations

import numbers
import os
import re
import time
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import errors
from ..framework.constant import constant, graph_of, name_scope
from ..framework.graph import Graph, Operation, Tensor, get_default_graph
from ..framework.graph_keys import GraphKeys
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..framework.tensor_shape import TensorShape
from . import checkpoint_management as _cm


def _path_str(value: Any) -> str:
    v = value[()] if isinstance(value, np.ndarray) else value
    if isinstance(v, bytes):
        return v.decode("utf-8")
    return os.fspath(v) if not isinstance(v, str) else v


def _names(arr: Any) -> List[str]:
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v)
            for v in np.asarray(arr, dtype=object).ravel()]


def _check_unsliced(slices: Any, op: Operation) -> None:
    if any(_names(slices)):
        raise errors.UnimplementedError(
            None, op, f"{op.name}: saving or restoring slices of variables (partitioned "
                      f"variables) is not supported")


@register_op("SaveV2")
class SaveV2(OpDef):
    """Writes tensors to a TF V2 checkpoint (TF's op): inputs `prefix`, `tensor_names`,
    `shape_and_slices` (all "": whole tensors), then the tensors; attr `dtypes`."""

    stateful = True
    host_only = True  # file I/O; values on a GPU are copied to the host

    def infer(self, prefix, tensor_names, shape_and_slices, *tensors, dtypes=None):
        if prefix.dtype is not _dtypes.string:
            raise TypeError(f"SaveV2 needs a string prefix, got {prefix.dtype.name}")
        n = tensor_names.shape.num_elements() if tensor_names.shape.is_fully_defined() else None
        if n is not None and n != len(tensors):
            raise ValueError(f"SaveV2 got {len(tensors)} tensors but {n} tensor_names")
        return ()

    def kernel(self, be, op, ctx):
        tensors = op.inputs[3:]

        def save(prefix, tensor_names, shape_and_slices, *values):
            prefix = _path_str(be.to_host(prefix))
            names = _names(be.to_host(tensor_names))
            _check_unsliced(be.to_host(shape_and_slices), op)
            if len(names) != len(values):
                raise errors.InvalidArgumentError(
                    None, op, f"{op.name}: {len(names)} tensor names for {len(values)} tensors")
            host = {n: be.to_host(v) for n, v in zip(names, values)}
            dtypes = {n: t.dtype for n, t in zip(names, tensors)}
            try:
                # TF's BundleWriter creates the directory (a sharded Saver's "<prefix>_temp").
                os.makedirs(os.path.dirname(os.path.abspath(prefix)), exist_ok=True)
                _cm.write_checkpoint(prefix, host, dtypes)
            except FileNotFoundError as e:
                raise errors.NotFoundError(None, op, f"{prefix}: {e}") from e
            except PermissionError as e:
                raise errors.PermissionDeniedError(None, op, f"{prefix}: {e}") from e
            except OSError as e:
                raise errors.UnknownError(
                    None, op, f"Failed to write checkpoint {prefix}: {e}") from e
        return save


def _restore_targets(op: Operation) -> List[Tuple[Optional[Tensor], bool]]:
    """For each output of a RestoreV2 op: the variable an `Assign` writes it to (through an
    optional `Reshape`, then only the element count must match), or None."""
    out: List[Tuple[Optional[Tensor], bool]] = []
    for t in op.outputs:
        target: Tuple[Optional[Tensor], bool] = (None, False)
        for c in t.consumers():
            if c.type == "Assign" and c.inputs[1] is t and c.attrs.get("validate_shape", True):
                target = (c.inputs[0], False)
            elif c.type == "Reshape":
                for cc in c.outputs[0].consumers():
                    if cc.type == "Assign" and cc.inputs[1] is c.outputs[0]:
                        target = (cc.inputs[0], True)
        out.append(target)
    return out


@register_op("RestoreV2")
class RestoreV2(OpDef):
    """Reads tensors from a checkpoint (TF's op): inputs `prefix`, `tensor_names`,
    `shape_and_slices`; attr `dtypes`; one output per name.

    All or nothing: before returning anything it checks every key, dtype and, for outputs an
    `Assign` writes to a variable (TF's Saver graph), the variable's shape, and reads and
    checksums every tensor, so a failing restore assigns no variable.
    """

    stateful = True
    host_only = True  # file I/O; restored values are uploaded by the Assigns' placement

    def infer(self, prefix, tensor_names, shape_and_slices, *, dtypes):
        if prefix.dtype is not _dtypes.string:
            raise TypeError(f"RestoreV2 needs a string prefix, got {prefix.dtype.name}")
        return [spec(dt, None) for dt in dtypes]

    def kernel(self, be, op, ctx):
        dtypes = list(op.attrs["dtypes"])
        targets = _restore_targets(op)
        node = f"\n\t [[node {op.name}]]"

        def restore(prefix, tensor_names, shape_and_slices):
            prefix = _path_str(be.to_host(prefix))
            names = _names(be.to_host(tensor_names))
            _check_unsliced(be.to_host(shape_and_slices), op)
            if len(names) != len(dtypes):
                raise errors.InvalidArgumentError(
                    None, op, f"{op.name}: {len(names)} tensor names for {len(dtypes)} dtypes")
            try:
                reader = _cm.CheckpointReader(prefix)
            except errors.OpError as e:
                raise type(e)(None, op, e.message + node) from None
            stored_dtypes = reader.get_variable_to_dtype_map()
            stored_shapes = reader.get_variable_to_shape_map()
            # 1. Validate everything before reading or writing anything.
            for n, dt, (var, reshape) in zip(names, dtypes, targets):
                if n not in stored_dtypes:
                    raise errors.NotFoundError(None, op, f"Key {n} not found in checkpoint{node}")
                what = f" (variable '{var.op.name}')" if var is not None else ""
                if stored_dtypes[n] != dt:
                    raise errors.InvalidArgumentError(
                        None, op, f"tensor_name = {n}; expected dtype {dt.name} does not "
                                  f"equal original dtype {stored_dtypes[n].name}{what}: the "
                                  f"graph wants {dt.name}, the checkpoint holds "
                                  f"{stored_dtypes[n].name}{node}")
                if var is None:
                    continue
                shape = stored_shapes[n]
                if reshape:
                    ok = var.shape.num_elements() in (None, int(np.prod(shape, dtype=np.int64)))
                else:
                    ok = var.shape.is_compatible_with(shape)
                if not ok:
                    graph_shape = var.shape.as_list() if var.shape.ndims is not None \
                        else "<unknown>"
                    raise errors.InvalidArgumentError(
                        None, op, f"Assign requires shapes of both tensors to match. lhs "
                                  f"shape= {graph_shape} rhs shape= {list(shape)}: variable "
                                  f"'{var.op.name}' has shape {graph_shape} in the graph but "
                                  f"the checkpoint value '{n}' has shape {list(shape)}{node}")
            # 2. Read and checksum every tensor (a corrupt file fails here, before any Assign).
            try:
                arrays = reader.read(names)
            except errors.OpError as e:
                raise type(e)(None, op, e.message + node) from None
            return tuple(arrays[n] for n in names)
        return restore


NotDifferentiable("SaveV2")
NotDifferentiable("RestoreV2")


def _saver_def_class() -> Any:
    """TF's `SaverDef` protobuf class (`tf.train.SaverDef`, tensorflow/core/protobuf/saver.proto,
    as compiled by tensorboard): keyword arguments with proto3 defaults (max_to_keep=0,
    version=LEGACY=0), `SerializeToString`/`FromString`, `CheckpointFormatVersion` values
    LEGACY/V1/V2 on the class."""
    from ..framework.graph_io import protos
    return protos().saver_pb2.SaverDef


def _prepend_name_scope(name: str, scope: str) -> str:
    """`scope/name` (TF's `ops.prepend_name_scope`, for "^name" and "loc:@name" too)."""
    scope = scope.rstrip("/")
    return re.sub(r"([\^]|loc:@|^)(.*)", lambda m: f"{m.group(1)}{scope}/{m.group(2)}", name)


def _strip_name_scope(name: str, scope: str) -> str:
    """`name` without a leading `scope/` (TF's `ops.strip_name_scope`)."""
    return re.sub(r"([\^]|loc:@|\b)" + re.escape(scope.rstrip("/")) + r"[\/]+(.*)",
                  r"\1\2", name, count=1)


def _ref_tensor(v: Any) -> Tensor:
    ref = getattr(v, "_ref", None)
    if callable(ref) and not isinstance(v, Tensor):
        t = ref()
    else:
        t = v
    if isinstance(t, Tensor) and t.op.type == "VariableV2":
        return t
    raise TypeError(f"Variable to save is not a Variable: {v!r}")


def _names_to_refs(var_list: Any) -> Dict[str, Tensor]:
    """Maps checkpoint keys to variable reference tensors (TF1's `op_list_to_dict`)."""
    out: Dict[str, Tensor] = {}
    if isinstance(var_list, dict):
        for name, v in var_list.items():
            if not isinstance(name, str):
                raise TypeError(f"Saver's var_list keys must be strings, got {name!r}")
            if name in out:
                raise ValueError(f"At least two variables have the same name: {name}")
            out[name] = _ref_tensor(v)
        return out
    if not isinstance(var_list, (list, tuple, set)):
        raise TypeError(f"Variables to save should be passed in a dict or a list: {var_list!r}")
    for v in var_list:
        t = _ref_tensor(v)
        name = t.op.name
        if name in out:
            raise ValueError(f"At least two variables have the same name: {name}")
        out[name] = t
    return out


def _wrap_restore_error(err: errors.OpError, verbiage: str) -> errors.OpError:
    msg = (f"Restoring from checkpoint failed. This is most likely due to {verbiage} from the "
           f"checkpoint. Please ensure that you have not altered the graph expected based on the "
           f"checkpoint. Original error:\n\n{err.message}")
    return type(err)(err.node_def, err.op, msg)


class Saver:
    """Saves and restores variables (`tf.train.Saver`).

    Args:
      var_list: A list of Variables or a dict `{checkpoint key: Variable}`; None saves all
        `GLOBAL_VARIABLES` and `SAVEABLE_OBJECTS` of the default graph. Keys default to the
        variables' op names ("W", "W/Adam", "global_step").
      reshape: Allow restoring a value into a variable of another shape with the same number
        of elements.
      sharded: Accepted for compatibility; one file is written.
      max_to_keep: How many recent checkpoints to keep (None or 0: all); older ones' files
        are deleted after each save.
      keep_checkpoint_every_n_hours: Additionally keep one checkpoint per this many hours.
      name: Name scope of the saver's ops (default "save").
      restore_sequential, builder, write_version: Accepted for compatibility.
      saver_def: A `tf.train.SaverDef` naming save/restore ops already in the graph (from
        `as_saver_def()`, or a meta graph TensorFlow wrote); with `name`, its names are
        taken under that scope.
      defer_build: Build the ops only when `build()` is called.
      allow_empty: With no variables, save/restore do nothing instead of raising.
      pad_step_number: Zero-pad the step in file names ("ckpt-00000100").
      save_relative_paths: Write paths relative to the directory in the `checkpoint` file.
      filename: Default file name of the filename tensor.

    Raises:
      ValueError: If there is nothing to save and `allow_empty` is False, two variables
        share a name, or `saver_def` is not a `tf.train.SaverDef`, lacks the save tensor or
        restore op name, or names elements not in the graph.
      TypeError: If `var_list` holds something that is not a Variable.
      RuntimeError: If the graph is finalized (the saver adds ops).
    """

    def __init__(self, var_list: Any = None, reshape: bool = False, sharded: bool = False,
                 max_to_keep: Optional[int] = 5, keep_checkpoint_every_n_hours: float = 10000.0,
                 name: Optional[str] = None, restore_sequential: bool = False,
                 saver_def: Any = None, builder: Any = None,
                 defer_build: bool = False, allow_empty: bool = False, write_version: int = 2,
                 pad_step_number: bool = False, save_relative_paths: bool = False,
                 filename: Optional[str] = None):
        if defer_build and var_list:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either set "
                             "defer_build=False or var_list=None.")
        self._var_list = var_list
        self._reshape = reshape
        self._sharded = sharded
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._saver_def = saver_def
        self._allow_empty = allow_empty
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._filename = filename
        self._is_built = False
        self._is_empty = False
        self._graph: Optional[Graph] = None
        self._filename_tensor: Optional[Tensor] = None
        self._save_tensor: Optional[Tensor] = None
        self._restore_op: Optional[Operation] = None
        self._last_checkpoints: List[Tuple[str, float]] = []
        self._checkpoints_to_be_deleted: List[Tuple[str, float]] = []
        self._next_checkpoint_time = time.time() + keep_checkpoint_every_n_hours * 3600
        if not defer_build:
            self.build()

    # --- building -------------------------------------------------------------------------
    def build(self) -> None:
        """Adds the save/restore ops to the graph, once (at construction unless deferred)."""
        if self._is_built:
            return
        if self._saver_def is not None:
            self._build_from_saver_def(self._saver_def)
            self._is_built = True
            return
        var_list = self._var_list
        if var_list is None:
            graph = get_default_graph()
            var_list = graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + \
                graph.get_collection(GraphKeys.SAVEABLE_OBJECTS)
            # Saveable objects may repeat global variables; keep the first of each.
            seen, unique = set(), []
            for v in var_list:
                if id(v) not in seen:
                    seen.add(id(v))
                    unique.append(v)
            var_list = unique
        names_to_refs = _names_to_refs(var_list)
        self._is_built = True
        if not names_to_refs:
            if self._allow_empty:
                self._is_empty = True  # and no SaverDef, as in TF1
                return
            raise ValueError("No variables to save")
        names = sorted(names_to_refs)
        refs = [names_to_refs[n] for n in names]
        graph = graph_of(refs)
        self._graph = graph
        # TF1's Saver graph (BaseSaverBuilder): TensorFlow restores from it and runs it.
        with graph.as_default(), graph.control_dependencies(None):
            with name_scope(self._name, "save", refs):
                with graph.name_scope("filename") as fscope:
                    default = constant(self._filename or "model", dtype=_dtypes.string,
                                       name="input")
                    fname = graph.create_op("PlaceholderWithDefault", [default],
                                            {"shape": TensorShape([])}, name=fscope).outputs[0]
                # TF1 keeps the name "Const" for the filename tensor, for backwards compatibility.
                fname = graph.create_op("PlaceholderWithDefault", [fname],
                                        {"shape": TensorShape([])}, name="Const").outputs[0]
                blank = [""] * len(names)
                with graph.name_scope("SaveV2") as op_scope:
                    tnames = constant(names, dtype=_dtypes.string, name="tensor_names")
                    slices = constant(blank, dtype=_dtypes.string, name="shape_and_slices")
                save_op = graph.create_op(
                    "SaveV2", [fname, tnames, slices] + refs,
                    {"dtypes": tuple(r.dtype for r in refs)}, name=op_scope)
                with graph.control_dependencies([save_op]):
                    save_tensor = graph.create_op("Identity", [fname], {},
                                                  name="control_dependency").outputs[0]
                with graph.device("/device:CPU:0"):
                    with graph.name_scope("RestoreV2") as op_scope:
                        tnames = constant(names, dtype=_dtypes.string, name="tensor_names")
                        slices = constant(blank, dtype=_dtypes.string, name="shape_and_slices")
                    restore = graph.create_op(
                        "RestoreV2", [fname, tnames, slices],
                        {"dtypes": tuple(r.dtype for r in refs)}, name=op_scope)
                assigns = []
                for i, ref in enumerate(refs):
                    value = restore.outputs[i]
                    if self._reshape and ref.shape.is_fully_defined():
                        value = graph.create_op(
                            "Reshape", [value, constant(ref.shape.as_list(), name="shape")],
                            {}, name="Reshape").outputs[0]
                    assigns.append(graph.create_op(
                        "Assign", [ref, value], {"validate_shape": True, "use_locking": True},
                        name="Assign"))
                with graph.control_dependencies(assigns):
                    restore_all = graph.create_op("NoOp", [], {}, name="restore_all")
        self._filename_tensor = fname
        self._save_tensor = save_tensor
        self._restore_op = restore_all
        self._saver_def = _saver_def_class()(
            filename_tensor_name=fname.name, save_tensor_name=save_tensor.name,
            restore_op_name=restore_all.name, max_to_keep=self._max_to_keep or 0,
            sharded=bool(self._sharded),
            keep_checkpoint_every_n_hours=float(self._keep_checkpoint_every_n_hours),
            version=int(self._write_version))

    def _build_from_saver_def(self, saver_def: Any) -> None:
        if not isinstance(saver_def, _saver_def_class()):
            raise ValueError(f"saver_def must be a saver_pb2.SaverDef: {saver_def}")
        if self._name:  # TF1: the name is the scope the saver_def's graph was imported under
            for field in ("filename_tensor_name", "save_tensor_name", "restore_op_name"):
                setattr(saver_def, field,
                        _prepend_name_scope(getattr(saver_def, field), self._name))
        for field in ("save_tensor_name", "restore_op_name"):
            if not getattr(saver_def, field):
                raise ValueError(f"saver_def must specify the {field}: {saver_def}")
        graph = get_default_graph()
        self._graph = graph
        try:
            self._filename_tensor = graph.get_tensor_by_name(saver_def.filename_tensor_name)
            self._save_tensor = graph.get_tensor_by_name(saver_def.save_tensor_name)
            self._restore_op = graph.get_operation_by_name(saver_def.restore_op_name)
        except (KeyError, ValueError) as e:
            raise ValueError(f"saver_def names elements not in the default graph: {e}") from None
        self._max_to_keep = saver_def.max_to_keep
        self._keep_checkpoint_every_n_hours = saver_def.keep_checkpoint_every_n_hours
        self._sharded = saver_def.sharded
        self._write_version = saver_def.version
        self._next_checkpoint_time = time.time() + saver_def.keep_checkpoint_every_n_hours * 3600

    # --- properties -------------------------------------------------------------------------
    @property
    def saver_def(self) -> Any:
        """The `tf.train.SaverDef` naming this saver's filename tensor, save tensor and restore
        op (None for an empty saver)."""
        return self._saver_def

    def as_saver_def(self) -> Any:
        """This saver's `tf.train.SaverDef` protobuf (None for an empty saver)."""
        return self._saver_def

    def to_proto(self, export_scope: Optional[str] = None) -> Any:
        """The `SaverDef`, with `export_scope/` taken off its names (None when a name is
        outside `export_scope`)."""
        if export_scope is None:
            return self._saver_def
        sd = self._saver_def
        names = ("filename_tensor_name", "save_tensor_name", "restore_op_name")
        if not all(getattr(sd, n).startswith(export_scope) for n in names):
            return None
        out = _saver_def_class()()
        out.CopyFrom(sd)
        for n in names:
            setattr(out, n, _strip_name_scope(getattr(sd, n), export_scope))
        return out

    @staticmethod
    def from_proto(saver_def: Any, import_scope: Optional[str] = None) -> "Saver":
        """A `Saver` using the ops `saver_def` names (under `import_scope`, if given)."""
        return Saver(saver_def=saver_def, name=import_scope)

    @property
    def last_checkpoints(self) -> List[str]:
        """Prefixes of the checkpoints this saver still keeps, oldest first."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints: List[str]) -> None:
        """Replaces the list of kept checkpoints (deprecated in TF1; kept for compatibility)."""
        if not isinstance(last_checkpoints, list):
            raise TypeError("last_checkpoints must be a list")
        self._last_checkpoints = [(s, np.inf) for s in last_checkpoints]

    def set_last_checkpoints_with_time(self,
                                       last_checkpoints_with_time: List[Tuple[str, float]]) -> None:
        """Replaces the list of kept checkpoints with `(prefix, save time)` pairs."""
        if not isinstance(last_checkpoints_with_time, list):
            raise TypeError("last_checkpoints_with_time must be a list")
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths: Sequence[str]) -> None:
        """Takes over checkpoints written earlier (e.g. by a crashed process) for `max_to_keep`.

        Args:
          checkpoint_paths: Checkpoint prefixes, oldest first; missing ones are skipped.
        """
        self.set_last_checkpoints_with_time(
            [(p, t) for p in checkpoint_paths for t in _cm.get_checkpoint_mtimes([p])])

    # --- checkpoint bookkeeping -------------------------------------------------------------
    def _record_last_checkpoint(self, latest_save_path: str) -> None:
        if not self._max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != latest_save_path]
        self._last_checkpoints.append((latest_save_path, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix: str) -> None:
        while self._checkpoints_to_be_deleted:
            path, stamp = self._checkpoints_to_be_deleted.pop(0)
            if stamp > self._next_checkpoint_time:
                # Kept for keep_checkpoint_every_n_hours; the next one is due n hours later.
                self._next_checkpoint_time += self._keep_checkpoint_every_n_hours * 3600
                continue
            try:
                _cm.remove_checkpoint(path, meta_graph_suffix=meta_graph_suffix)
            except OSError as e:
                warnings.warn(f"Ignoring: could not delete old checkpoint {path}: {e}")

    # --- save / restore ---------------------------------------------------------------------
    def save(self, sess: Any, save_path: str, global_step: Any = None,
             latest_filename: Optional[str] = None, meta_graph_suffix: str = "meta",
             write_meta_graph: bool = True, write_state: bool = True,
             strip_default_attrs: bool = False, save_debug_info: bool = False) -> Optional[str]:
        """Saves the variables' values in `sess` to a checkpoint.

        Args:
          sess: The session holding the values.
          save_path: The checkpoint prefix, e.g. "/tmp/run/model.ckpt".
          global_step: If set (an int, or a tensor/Variable evaluated in `sess`), appended to
            the prefix: "model.ckpt-100".
          latest_filename: The state file's name in the directory (default "checkpoint").
          meta_graph_suffix: Suffix of meta graph files deleted with old checkpoints.
          write_meta_graph: Also write the `MetaGraphDef` to `<prefix>.meta`.
          write_state: Update the state file and delete checkpoints beyond `max_to_keep`.
          strip_default_attrs, save_debug_info: Accepted for compatibility.

        Returns:
          The checkpoint prefix written (pass it to `restore`), or None for an empty saver.

        Raises:
          TypeError: If `sess` is not a session.
          ValueError: If the directory of `save_path` does not exist, or `latest_filename`
            contains a path or collides with `save_path`.
          RuntimeError: If the saver was created with `defer_build` and not built.
          tf.errors.FailedPreconditionError: If a variable is uninitialized (nothing is written).
        """
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = _path_str(save_path)
        if global_step is not None:
            if not isinstance(global_step, numbers.Integral):
                global_step = int(sess.run(global_step))
            step = "{:08d}".format(global_step) if self._pad_step_number else str(int(global_step))
            checkpoint_file = f"{save_path}-{step}"
        else:
            checkpoint_file = save_path
        if os.path.basename(save_path) == latest_filename and not self._sharded:
            raise ValueError(f"'latest_filename' collides with 'save_path': '{latest_filename}' "
                             f"and '{save_path}'")
        if not callable(getattr(sess, "run", None)):
            raise TypeError(f"'sess' must be a Session; {sess}")
        if self._is_empty:
            return None
        save_path_parent = os.path.dirname(save_path)
        if not os.path.isdir(save_path_parent or "."):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        model_checkpoint_path = _path_str(
            sess.run(self._save_tensor, {self._filename_tensor: checkpoint_file}))
        if write_meta_graph:
            self.export_meta_graph(_cm.meta_graph_filename(checkpoint_file, meta_graph_suffix),
                                   strip_default_attrs=strip_default_attrs)
        if write_state:
            self._record_last_checkpoint(model_checkpoint_path)
            _cm.update_checkpoint_state(
                save_path_parent, model_checkpoint_path, self.last_checkpoints,
                latest_filename=latest_filename, save_relative_paths=self._save_relative_paths)
            self._maybe_delete_old_checkpoints(meta_graph_suffix)
        return model_checkpoint_path

    def restore(self, sess: Any, save_path: str) -> None:
        """Restores the variables in `sess` from the checkpoint `save_path` (all or nothing).

        Args:
          sess: The session to restore into; the variables need not be initialized.
          save_path: A checkpoint prefix, e.g. from `save` or `tf.train.latest_checkpoint`.

        Raises:
          ValueError: If `save_path` is None or names no checkpoint ("The passed save_path is
            not a valid checkpoint: ...").
          tf.errors.NotFoundError: If a variable's key is missing from the checkpoint
            ("Key W/Adam not found in checkpoint").
          tf.errors.InvalidArgumentError: If a variable's dtype or shape differs from the
            checkpoint's (the message names the variable and both shapes).
          tf.errors.DataLossError: If the checkpoint files are corrupt.
        """
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        save_path = _path_str(save_path)
        if not _cm.checkpoint_exists(save_path):
            raise ValueError("The passed save_path is not a valid checkpoint: " + save_path)
        try:
            sess.run(self._restore_op, {self._filename_tensor: save_path})
        except errors.NotFoundError as err:
            raise _wrap_restore_error(
                err, "a Variable name or other graph key that is missing") from None
        except errors.InvalidArgumentError as err:
            raise _wrap_restore_error(
                err, "a mismatch between the current graph and the graph") from None

    def export_meta_graph(self, filename: Optional[str] = None, collection_list: Any = None,
                          as_text: bool = False, export_scope: Optional[str] = None,
                          clear_devices: bool = False, clear_extraneous_savers: bool = False,
                          strip_default_attrs: bool = False, save_debug_info: bool = False
                          ) -> Any:
        """Writes (if `filename`) and returns the `MetaGraphDef` with this saver's `SaverDef`."""
        from .meta_graph import export_meta_graph
        return export_meta_graph(filename=filename, graph=self._graph or get_default_graph(),
                                 saver_def=self._saver_def, collection_list=collection_list,
                                 as_text=as_text, export_scope=export_scope,
                                 clear_devices=clear_devices)


def import_meta_graph(meta_graph_or_file: Any, clear_devices: bool = False,
                      import_scope: Optional[str] = None, **kwargs: Any) -> Optional[Saver]:
    """Recreates a saved graph in the default graph (`tf.train.import_meta_graph`).

    The TF1 idiom of loading a trained model with no model code::

        saver = tf.train.import_meta_graph("model.ckpt.meta")
        saver.restore(sess, "model.ckpt")
        sess.run("probs:0", {"images:0": x})

    Args:
      meta_graph_or_file: A `MetaGraphDef` or the path of a `.meta` file (binary or text),
        written by TensorFlow or tfgraph (see `tfgraph.train.meta_graph`).
      clear_devices: Drop the nodes' device placements.
      import_scope: Put every imported name under this scope ("scope/...").
      **kwargs: `input_map`, `return_elements` as for `tf.import_graph_def`.

    Returns:
      A `tf.train.Saver` built from the meta graph's `SaverDef` (a new Saver when it has none
      but has variables; None when it has neither).

    Raises:
      IOError: If the file does not exist.
      tf.errors.DataLossError: If the file is corrupt or truncated (naming it).
      ValueError: If the graph uses op types tfgraph does not support (all listed).
    """
    from .meta_graph import import_meta_graph_def
    mgd, prefix = import_meta_graph_def(meta_graph_or_file, clear_devices=clear_devices,
                                        import_scope=import_scope, **kwargs)
    if mgd.HasField("saver_def"):
        sd = _saver_def_class()()
        sd.CopyFrom(mgd.saver_def)
        for field in ("filename_tensor_name", "save_tensor_name", "restore_op_name"):
            setattr(sd, field, prefix + getattr(sd, field))
        return Saver(saver_def=sd)
    if get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES):
        return Saver()
    return None


def export_meta_graph(filename: Optional[str] = None, **kwargs: Any) -> Any:
    """`tf.train.export_meta_graph`: see `tfgraph.train.meta_graph.export_meta_graph`."""
    from .meta_graph import export_meta_graph as _export
    return _export(filename, **kwargs)


# tf.train.SaverDef (TF's protobuf class) is loaded on first use by tfgraph.train.
__all__ = ["Saver", "import_meta_graph", "export_meta_graph"]
