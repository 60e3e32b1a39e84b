"""`tf.summary.audio` (TF1's AudioSummaryV2 op) and the v2-summary leftovers of `tf.summary`
(`initialize`, `all_v2_summary_ops`, `get_summary_description`).

An audio summary holds, per batch entry (up to `max_outputs`), a 16-bit PCM WAV encoding of
the float samples (clipped to [-1, 1]), tagged "<tag>/audio/<i>" ("<tag>/audio" when
`max_outputs` is 1), as TF's summary_audio_op.cc.
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import errors
from ..framework.constant import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..framework.graph_keys import GraphKeys
from ..framework.registry import NotDifferentiable, OpDef, register_op, spec
from ..ops.audio_ops import encode_wav_bytes
from .graph_def import protos
from .summary_ops import _as_text, _check_string, _collect, _serialized, _summary_op, \
    _summary_scope


@register_op("AudioSummaryV2")
class AudioSummaryV2(OpDef):
    """WAV-encoded audio clips from a [batch, frames(, channels)] float tensor."""

    host_only = True

    def infer(self, tag, tensor, sample_rate, *, max_outputs=3):
        _check_string(tag, "AudioSummaryV2 tag")
        if tensor.dtype != _dtypes.float32:
            raise TypeError(f"AudioSummaryV2 tensor must be float32, got {tensor.dtype.name} "
                            f"({tensor.name})")
        if tensor.shape.ndims is not None and tensor.shape.ndims not in (2, 3):
            raise ValueError(f"Tensor must be 3-D or 2-D, got: {tensor.shape} ({tensor.name})")
        if max_outputs < 1:
            raise ValueError(f"max_outputs must be at least 1, got {max_outputs}")
        return spec(_dtypes.string, [])

    def kernel(self, be, op, ctx):
        pb = protos().summary_pb2
        max_outputs = op.attrs.get("max_outputs", 3)

        def run(tag, tensor, sample_rate):
            tag = _as_text(be.to_host(tag)[()])
            x = np.asarray(be.to_host(tensor), np.float32)
            rate = float(be.to_host(sample_rate))
            if x.ndim not in (2, 3):
                raise errors.InvalidArgumentError(
                    None, op, f"Tensor must be 3-D or 2-D, got: {list(x.shape)}"
                              f"\n\t [[node {op.name}]]")
            if rate <= 0:
                raise errors.InvalidArgumentError(
                    None, op, f"sample_rate must be > 0\n\t [[node {op.name}]]")
            if x.ndim == 2:
                x = x[:, :, None]
            wav_rate = max(int(np.rint(rate)), 1)
            s = pb.Summary()
            for i in range(min(x.shape[0], max_outputs)):
                t = f"{tag}/audio/{i}" if max_outputs > 1 else f"{tag}/audio"
                s.value.add(tag=t, audio=pb.Summary.Audio(
                    sample_rate=rate, num_channels=x.shape[2], length_frames=x.shape[1],
                    content_type="audio/wav", encoded_audio_string=encode_wav_bytes(x[i],
                                                                                   wav_rate)))
            return _serialized(s)
        return run


NotDifferentiable("AudioSummaryV2")


def audio(name: str, tensor: Any, sample_rate: Any, max_outputs: int = 3,
          collections: Optional[Sequence[str]] = None, family: Optional[str] = None) -> Tensor:
    """A summary op with up to `max_outputs` audio clips (`tf.summary.audio`).

    Args:
      name: The summary's name.
      tensor: float32 [batch, frames, channels] or [batch, frames], samples in [-1, 1].
      sample_rate: Samples per second (a float scalar).
      max_outputs: The most clips to emit.
      collections: Graph collections (default `[GraphKeys.SUMMARIES]`).
      family: Optional tag prefix / TensorBoard tab.

    Returns:
      A scalar `string` tensor: the serialized `Summary`.
    """
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        rate = convert_to_tensor(sample_rate, dtype=_dtypes.float32, name="sample_rate")
        val = _summary_op("AudioSummaryV2", [tag, tensor, rate],
                          ["tag", "tensor", "sample_rate"], {"max_outputs": int(max_outputs)},
                          scope)
    _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


# TF2-style summary ops (tf.contrib.summary / summary_ops_v2) register in this collection;
# tfgraph builds none, so it stays empty, as in a TF1 program that uses only tf.summary.*.
_SUMMARY_V2_COLLECTION = "_SUMMARY_V2"
_SUMMARY_WRITER_INIT_COLLECTION = "_SUMMARY_WRITER_V2"


def all_v2_summary_ops() -> List[Tensor]:
    """The default graph's TF2-style summary ops (`tf.summary.all_v2_summary_ops`): always
    empty in tfgraph, which offers TF1's summaries (`tf.summary.scalar`, ...) only."""
    return get_default_graph().get_collection(_SUMMARY_V2_COLLECTION)


def initialize(graph: Any = None, session: Any = None) -> None:
    """Runs the TF2-style summary writers' initializers (`tf.summary.initialize`).

    tfgraph has no such writers (use `tf.summary.FileWriter`), so this only checks for a
    session, as TF1 does.

    Raises:
      ValueError: If no session is given and there is no default session.
    """
    from ..session import get_default_session
    session = session or get_default_session()
    if session is None:
        raise ValueError("Argument `session` must be passed if no default session exists")
    graph = graph or session.graph
    inits = graph.get_collection(_SUMMARY_WRITER_INIT_COLLECTION)
    if inits:
        session.run(inits)


def get_summary_description(node_def: Any) -> Any:
    """The `SummaryDescription` of a TensorSummary `NodeDef` (`tf.summary.get_summary_description`).

    Raises:
      ValueError: If the node is not a TensorSummary.
    """
    if node_def.op != "TensorSummary":
        raise ValueError(f"Can't get_summary_description on {node_def.op}")
    from google.protobuf import json_format
    text = node_def.attr["description"].s
    description = protos().summary_pb2.SummaryDescription()
    json_format.Parse(text.decode("utf-8") if isinstance(text, bytes) else text, description)
    return description


__all__ = ["audio", "all_v2_summary_ops", "initialize", "get_summary_description"]
