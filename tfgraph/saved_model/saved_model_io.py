"""SavedModel directories (TF1's format), both ways: `SavedModelBuilder`, `simple_save`, `load`.

A SavedModel directory holds:

``saved_model.pb`` (or ``saved_model.pbtxt``)
    A `SavedModel` proto: `saved_model_schema_version` (1) and one `MetaGraphDef` per set of
    tags (e.g. {"serve"}), each with its graph, SaverDef, collections and `SignatureDef`s.
``variables/variables.index``, ``variables/variables.data-00000-of-00001``
    The variables, a TF V2 checkpoint (see `tfgraph.train.tf_checkpoint`).

The `SavedModel` message (two fields) is defined here at run time with protobuf's descriptor
API on top of tensorboard's `MetaGraphDef`, so binary and text files read and write with the
real protobuf library. `load` imports the tagged MetaGraphDef (`import_meta_graph`), restores
the variables through its SaverDef (TF's sharded Saver graphs included) and runs the main or
legacy init op, exactly what `tf.compat.v1.saved_model.loader.load` does.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence

from ..framework import graph_io
from ..framework.file_io import atomic_write
from ..framework.graph import get_default_graph
from ..train import meta_graph as _meta_graph
from ..train import saver as _saver
from . import constants, signature_def_utils, tag_constants
from . import signature_constants as _sc

_SAVED_MODEL_CLASS: Any = None


def saved_model_class() -> Any:
    """The `SavedModel` protobuf message class (built once, see the module docstring)."""
    global _SAVED_MODEL_CLASS
    if _SAVED_MODEL_CLASS is None:
        from google.protobuf import descriptor_pb2, descriptor_pool
        try:
            from google.protobuf import message_factory
            get_class = message_factory.GetMessageClass
        except (ImportError, AttributeError):  # protobuf < 4
            from google.protobuf import reflection
            get_class = reflection.message_factory.MessageFactory().GetPrototype
        meta = graph_io.protos().meta_graph_pb2
        pool = descriptor_pool.Default()
        full_name = f"{meta.MetaGraphDef.DESCRIPTOR.file.package}.SavedModel"
        try:
            desc = pool.FindMessageTypeByName(full_name)
        except KeyError:
            fdp = descriptor_pb2.FileDescriptorProto(
                name="tfgraph/saved_model.proto", package=meta.DESCRIPTOR.package,
                syntax="proto3", dependency=[meta.DESCRIPTOR.name])
            msg = fdp.message_type.add(name="SavedModel")
            msg.field.add(name="saved_model_schema_version", number=1,
                          type=descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
                          label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
            msg.field.add(name="meta_graphs", number=2,
                          type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
                          label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED,
                          type_name=f".{meta.MetaGraphDef.DESCRIPTOR.full_name}")
            pool.Add(fdp)
            desc = pool.FindMessageTypeByName(full_name)
        _SAVED_MODEL_CLASS = get_class(desc)
    return _SAVED_MODEL_CLASS


def _variables_prefix(export_dir: str) -> str:
    return os.path.join(export_dir, constants.VARIABLES_DIRECTORY, constants.VARIABLES_FILENAME)


class SavedModelBuilder:
    """Builds a SavedModel directory (`tf.saved_model.builder.SavedModelBuilder`).

    Args:
      export_dir: The directory to create; it must not exist or be empty.

    Raises:
      AssertionError: If `export_dir` exists and is not empty (TF1's error).
    """

    def __init__(self, export_dir: str):
        export_dir = os.fspath(export_dir)
        if os.path.isdir(export_dir) and os.listdir(export_dir):
            raise AssertionError(
                f"Export directory already exists, and isn't empty. Please choose a different "
                f"export directory, or delete all the contents of the specified directory: "
                f"{export_dir}")
        os.makedirs(export_dir, exist_ok=True)
        self._export_dir = export_dir
        self._saved_model = saved_model_class()(
            saved_model_schema_version=constants.SAVED_MODEL_SCHEMA_VERSION)
        self._has_saved_variables = False
        self._saver_def: Any = None

    def _meta_graph(self, tags: Sequence[str], signature_def_map: Optional[Dict[str, Any]],
                    saver_def: Any, clear_devices: bool, main_op: Any, legacy_init_op: Any,
                    train_op: Any) -> Any:
        if isinstance(tags, str):
            tags = [tags]
        graph = get_default_graph()
        for key, sig in (signature_def_map or {}).items():
            if not signature_def_utils.is_valid_signature(sig):
                raise AttributeError(f"Signature '{key}' is not valid: it needs a method "
                                     f"name, inputs and outputs naming tensors: {sig}")
        for key, op in ((constants.MAIN_OP_KEY, main_op),
                        (constants.LEGACY_INIT_OP_KEY, legacy_init_op),
                        (constants.TRAIN_OP_KEY, train_op)):
            if op is not None:  # TF1 records these ops as collections of the graph
                graph.clear_collection(key)
                graph.add_to_collection(key, op if not hasattr(op, "op") else op.op)
        mgd = _meta_graph.export_meta_graph(saver_def=saver_def, clear_devices=clear_devices)
        mgd.meta_info_def.tags.extend(tags)
        for key, sig in (signature_def_map or {}).items():
            mgd.signature_def[key].CopyFrom(sig)
        for key in tags:
            if any(set(m.meta_info_def.tags) == set(tags) for m in self._saved_model.meta_graphs):
                raise AssertionError(f"A MetaGraphDef with tags {sorted(tags)} was already "
                                     f"added (key {key!r})")
        return mgd

    def add_meta_graph_and_variables(self, sess: Any, tags: Sequence[str],
                                     signature_def_map: Optional[Dict[str, Any]] = None,
                                     assets_collection: Any = None, legacy_init_op: Any = None,
                                     clear_devices: bool = False, main_op: Any = None,
                                     strip_default_attrs: bool = False, saver: Any = None,
                                     init_op: Any = None, train_op: Any = None) -> None:
        """Saves the session's variables and adds the first MetaGraphDef, tagged `tags`.

        Raises:
          AssertionError: If called twice.
          NotImplementedError: For assets (files shipped with the model).
        """
        if self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has already been "
                                 "saved. Please invoke `add_meta_graph()` instead.")
        if assets_collection:
            raise NotImplementedError("SavedModel assets are not supported by tfgraph")
        saver = saver or _saver.Saver(allow_empty=True)
        os.makedirs(os.path.join(self._export_dir, constants.VARIABLES_DIRECTORY),
                    exist_ok=True)
        saver.save(sess, _variables_prefix(self._export_dir), write_meta_graph=False,
                   write_state=False)
        self._saver_def = saver.saver_def
        mgd = self._meta_graph(tags, signature_def_map, saver.saver_def, clear_devices,
                               main_op or init_op, legacy_init_op, train_op)
        self._saved_model.meta_graphs.add().CopyFrom(mgd)
        self._has_saved_variables = True

    def add_meta_graph(self, tags: Sequence[str],
                       signature_def_map: Optional[Dict[str, Any]] = None,
                       assets_collection: Any = None, legacy_init_op: Any = None,
                       clear_devices: bool = False, main_op: Any = None,
                       strip_default_attrs: bool = False, saver: Any = None,
                       init_op: Any = None, train_op: Any = None) -> None:
        """Adds another MetaGraphDef (sharing the saved variables), tagged `tags`.

        Raises:
          AssertionError: If `add_meta_graph_and_variables` was not called first.
        """
        if not self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has not been "
                                 "saved yet. Please invoke `add_meta_graph_and_variables()` "
                                 "first.")
        saver_def = saver.saver_def if saver is not None else self._saver_def
        mgd = self._meta_graph(tags, signature_def_map, saver_def, clear_devices,
                               main_op or init_op, legacy_init_op, train_op)
        self._saved_model.meta_graphs.add().CopyFrom(mgd)

    def save(self, as_text: bool = False) -> str:
        """Writes `saved_model.pb` (or `.pbtxt`) atomically; returns its path."""
        pb = graph_io.protos()
        if as_text:
            path = os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
            data = pb.text_format.MessageToString(self._saved_model).encode("utf-8")
        else:
            path = os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PB)
            data = self._saved_model.SerializeToString()
        atomic_write(path, lambda f: f.write(data))
        return path


Builder = SavedModelBuilder


def simple_save(session: Any, export_dir: str, inputs: Dict[str, Any], outputs: Dict[str, Any],
                legacy_init_op: Any = None) -> None:
    """Saves a model for serving (`tf.saved_model.simple_save`): tag "serve", one Predict
    signature "serving_default" with `inputs` and `outputs` (`{name: Tensor}`), devices cleared.
    """
    sig = signature_def_utils.predict_signature_def(inputs, outputs)
    builder = SavedModelBuilder(export_dir)
    builder.add_meta_graph_and_variables(
        session, tags=[tag_constants.SERVING],
        signature_def_map={_sc.DEFAULT_SERVING_SIGNATURE_DEF_KEY: sig},
        legacy_init_op=legacy_init_op, clear_devices=True)
    builder.save()


def read_saved_model(export_dir: str) -> Any:
    """The `SavedModel` proto of a directory (binary file first, then text).

    Raises:
      IOError: If the directory has neither file (TF1's message).
      tf.errors.DataLossError: If the file is corrupt or truncated (naming it).
    """
    pb_path = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PB)
    txt_path = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
    if os.path.exists(pb_path):
        path = pb_path
    elif os.path.exists(txt_path):
        path = txt_path
    else:
        raise IOError(f"SavedModel file does not exist at: {export_dir}{os.sep}"
                      f"{{{constants.SAVED_MODEL_FILENAME_PBTXT}|"
                      f"{constants.SAVED_MODEL_FILENAME_PB}}}")
    return graph_io.parse_proto_file(path, saved_model_class())


def contains_saved_model(export_dir: str) -> bool:
    """True when `export_dir` holds a `saved_model.pb` or `saved_model.pbtxt`."""
    return any(os.path.exists(os.path.join(export_dir, f)) for f in
               (constants.SAVED_MODEL_FILENAME_PB, constants.SAVED_MODEL_FILENAME_PBTXT))


maybe_saved_model_directory = contains_saved_model


def load(sess: Any, tags: Sequence[str], export_dir: str, import_scope: Optional[str] = None,
         **saver_kwargs: Any) -> Any:
    """Loads a SavedModel into `sess` (`tf.saved_model.loader.load`).

    Imports the MetaGraphDef tagged exactly `tags` into the session's graph, restores the
    variables and runs the main (or legacy) init op.

    Returns:
      The `MetaGraphDef` (its `signature_def` maps signature keys to tensor names).

    Raises:
      IOError: If there is no SavedModel in `export_dir`.
      RuntimeError: If no MetaGraphDef has these tags (the message lists the available ones).
      tf.errors.DataLossError: If a file is corrupt.
    """
    if isinstance(tags, str):
        tags = [tags]
    sm = read_saved_model(os.fspath(export_dir))
    found = [m for m in sm.meta_graphs if set(m.meta_info_def.tags) == set(tags)]
    if not found:
        available = [sorted(m.meta_info_def.tags) for m in sm.meta_graphs]
        raise RuntimeError(f"MetaGraphDef associated with tags {sorted(tags)} could not be "
                           f"found in SavedModel, with available tags '{available}'. To inspect "
                           f"available tag-sets in the SavedModel, please use the SavedModel "
                           f"CLI: `saved_model_cli`.")
    mgd = found[0]
    graph = sess.graph
    with graph.as_default():
        saver = _saver.import_meta_graph(mgd, import_scope=import_scope, **saver_kwargs)
        prefix = _variables_prefix(os.fspath(export_dir))
        if saver is not None and _saver._cm.checkpoint_exists(prefix):
            saver.restore(sess, prefix)
        scope = (import_scope.rstrip("/") + "/") if import_scope else ""
        init = None
        if constants.INIT_OP_SIGNATURE_KEY in mgd.signature_def:
            init = mgd.signature_def[constants.INIT_OP_SIGNATURE_KEY].outputs[
                constants.INIT_OP_SIGNATURE_KEY].name
        for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
            cd = mgd.collection_def.get(key) if key in mgd.collection_def else None
            if init is None and cd is not None and cd.node_list.value:
                init = cd.node_list.value[0]
        if init is not None:
            sess.run(graph.as_graph_element(scope + init))
    return mgd


__all__: List[str] = []
