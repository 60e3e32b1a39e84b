"""Names TF1 has that tfgraph decides not to offer: resolving one raises `NotImplementedError`
saying what to use instead (never `AttributeError`, which reads like a typo or a bug).

A namespace module installs the refusals with a module-level `__getattr__` (PEP 562), which
Python consults only for names the module does not define, so a name that gets implemented
later simply wins over its refusal::

    __getattr__ = refusing_getattr("tf.nn", __name__, {"ctc_loss": "..."})

The advice strings are grouped by reason below so each namespace states its choices once.
`tools/api_coverage.py` counts refused names separately from offered ones.
"""
from typing import Any, Callable, Dict, Iterable, Mapping

QUANTIZED = ("quantized (int8/fake-quant) arithmetic is not offered: tfgraph computes in "
             "float16/32/64 on NumPy/CuPy; quantize a trained model with TensorFlow Lite")
EAGER_V2 = ("tfgraph implements TF1 graph mode only (no eager execution, tf.function, "
            "AutoGraph or TF2 behaviour); build a graph and run it in a tf.Session")
DISTRIBUTED_RUNTIME = ("TF1's gRPC distributed runtime (servers, clusters, parameter "
                       "servers) is not offered; use tfgraph.distribute (MPI data "
                       "parallelism, Horovod-style)")
ACCELERATORS = ("TPU/XLA/TensorFlow Lite/MLIR tooling is not offered; tfgraph runs on "
                "NumPy (CPU) and CuPy (NVIDIA GPU)")
NATIVE_LIBRARIES = ("tfgraph loads no compiled TensorFlow op libraries; define a new op in "
                    "Python with @tf.register_op on an OpDef subclass (see docs/DESIGN.md)")
RAGGED = ("ragged tensors are not offered; pad to a dense tensor (with a mask or "
          "sequence lengths) or use tf.SparseTensor")
BFLOAT16 = ("bfloat16 has no NumPy/CuPy dtype; use tf.float16 or tf.float32")
PARTITIONED = ("partitioned variables are not offered (variables live whole in the "
               "session); create one variable per shard with tf.get_variable")
TF_BUILD = ("build information of the TensorFlow C++ runtime does not apply to tfgraph; "
            "see tfgraph.__version__")


LINEAR_OPERATORS = ("tf.linalg's LinearOperator classes are not offered: build the dense "
                    "matrix (tf.linalg.diag, tf.linalg.band_part, tf.eye, ...) and use "
                    "tf.matmul, tf.linalg.solve, tf.linalg.cholesky or tf.linalg.lu on it")


def refusals(advice: str, names: Iterable[str]) -> Dict[str, str]:
    """`{name: advice}` for each of `names` (to build a namespace's refusal table)."""
    return {n: advice for n in names}


def refusing_getattr(namespace: str, module_name: str,
                     refused: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` raising NotImplementedError for `refused` names.

    Args:
      namespace: The TF1 spelling of the namespace ("tf.nn"), used in messages.
      module_name: The module's `__name__` (for the AttributeError of unknown names).
      refused: `{name: what to use instead}`.
    """
    def __getattr__(name: str) -> Any:
        advice = refused.get(name)
        if advice is not None:
            raise NotImplementedError(f"{namespace}.{name} is not offered by tfgraph: {advice}")
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
    return __getattr__


SESSION_HANDLES = ("session handles (tensors kept between runs) are not offered; keep the "
                   "value in a tf.Variable")
LOOKUP_TABLES = ("lookup tables are not offered; map strings to ids with NumPy before "
                 "feeding, or use tf.strings.to_hash_bucket_fast")
ACCUMULATORS = ("cross-worker accumulators are not offered; average gradients with "
                "tfgraph.distribute (MPI allreduce)")
TPU_ONLY = "an approximate TPU kernel; use tf.nn.top_k (exact)"

# {TF1 namespace: {name: what to use instead}}; names other engineers implement later simply
# shadow their entry (module attributes win over `__getattr__`).
TABLES: Dict[str, Dict[str, str]] = {
    "tf": {
        **refusals(QUANTIZED, (
            "dequantize", "quantize", "quantize_v2", "quantized_concat", "quantization",
            "fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
            "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
            "fake_quant_with_min_max_vars_per_channel",
            "fake_quant_with_min_max_vars_per_channel_gradient", "qint16", "qint32", "qint8",
            "quint16", "quint8", "QUANTIZED_DTYPES")),
        **refusals(EAGER_V2, (
            "GradientTape", "enable_eager_execution", "enable_v2_behavior", "function",
            "autograph", "Module", "TypeSpec", "TensorSpec", "NoneTensorSpec", "OptionalSpec",
            "IndexedSlicesSpec", "SparseTensorSpec", "TensorArraySpec", "type_spec_from_value",
            "enable_control_flow_v2", "enable_v2_tensorshape", "enable_tensor_equality",
            "enable_resource_variables", "variable_creator_scope", "wrap_function",
            "vectorized_map", "mixed_precision", "keras", "recompute_grad")),
        **refusals(ACCELERATORS, ("tpu", "xla", "lite", "mlir")),
        **refusals(NATIVE_LIBRARIES, ("load_file_system_library", "load_library",
                                      "load_op_library", "user_ops", "raw_ops", "sysconfig")),
        **refusals(RAGGED, ("ragged", "RaggedTensor", "RaggedTensorSpec",
                            "ragged_fill_empty_rows", "ragged_fill_empty_rows_grad")),
        **refusals(BFLOAT16, ("bfloat16", "to_bfloat16")),
        **refusals(PARTITIONED, ("fixed_size_partitioner", "min_max_variable_partitioner",
                                 "variable_axis_size_partitioner",
                                 "create_partitioned_variables")),
        **refusals(TF_BUILD, ("COMPILER_VERSION", "CXX11_ABI_FLAG", "CXX_VERSION",
                              "GIT_VERSION", "MONOLITHIC_BUILD")),
        **refusals(SESSION_HANDLES, ("delete_session_tensor", "get_session_handle",
                                     "get_session_tensor")),
        **refusals(LOOKUP_TABLES, ("lookup",)),
        **refusals(ACCUMULATORS, ("ConditionalAccumulator", "ConditionalAccumulatorBase",
                                  "SparseConditionalAccumulator")),
        "approx_top_k": TPU_ONLY,
        "random_index_shuffle": EAGER_V2,
        "CriticalSection": ("critical sections are not offered; Session.run already runs one "
                            "step at a time (concurrent runs are serialized)"),
        "nondifferentiable_batch_function": ("server-side batching is not offered; batch "
                                             "inputs before Session.run"),
        "variant": "the variant dtype (TF's opaque C++ values) does not exist in tfgraph",
        "resource": ("resource variables are not offered; tfgraph's variables are TF1's "
                     "reference variables (tf.Variable / tf.get_variable)"),
    },
    "tf.dtypes": {
        **refusals(QUANTIZED, ("qint16", "qint32", "qint8", "quint16", "quint8",
                               "QUANTIZED_DTYPES")),
        "bfloat16": BFLOAT16,
        "variant": "the variant dtype (TF's opaque C++ values) does not exist in tfgraph",
        "resource": ("resource variables are not offered; tfgraph's variables are TF1's "
                     "reference variables"),
    },
    "tf.debugging": {
        **refusals("TF2's eager-mode switch; in a graph use tf.debugging.check_numerics or "
                   "tf.add_check_numerics_ops", ("enable_check_numerics",
                                                 "disable_check_numerics")),
        "set_log_device_placement": ("TF2's eager-mode switch; pass "
                                     "tf.ConfigProto(log_device_placement=True) to tf.Session"),
        "enable_traceback_filtering": "tfgraph does not filter tracebacks",
    },
    "tf.nn": {
        **refusals(QUANTIZED, ("quantized_avg_pool", "quantized_conv2d", "quantized_max_pool",
                               "quantized_relu_x")),
        "approx_max_k": TPU_ONLY, "approx_min_k": TPU_ONLY,
    },
    "tf.math": {"approx_max_k": TPU_ONLY, "approx_min_k": TPU_ONLY},
    "tf.linalg": {
        **refusals(LINEAR_OPERATORS, (
            "LinearOperator", "LinearOperatorAdjoint", "LinearOperatorBlockDiag",
            "LinearOperatorBlockLowerTriangular", "LinearOperatorCirculant",
            "LinearOperatorCirculant2D", "LinearOperatorCirculant3D",
            "LinearOperatorComposition", "LinearOperatorDiag", "LinearOperatorFullMatrix",
            "LinearOperatorHouseholder", "LinearOperatorIdentity", "LinearOperatorInversion",
            "LinearOperatorKronecker", "LinearOperatorLowRankUpdate",
            "LinearOperatorLowerTriangular", "LinearOperatorPermutation",
            "LinearOperatorScaledIdentity", "LinearOperatorToeplitz", "LinearOperatorTridiag",
            "LinearOperatorZeros")),
        "experimental": ("tf.linalg.experimental (conjugate_gradient) is not offered; solve "
                         "with tf.linalg.solve, tf.linalg.lstsq or tf.linalg.cholesky_solve"),
    },
    "tf.train": {
        **refusals(DISTRIBUTED_RUNTIME, ("Server", "ClusterSpec", "ClusterDef", "JobDef",
                                         "ServerDef", "replica_device_setter",
                                         "SyncReplicasOptimizer", "WorkerSessionCreator")),
        "do_quantize_training_on_graphdef": QUANTIZED,
        **refusals("the SDCA linear-model solver ops are not offered; train linear models "
                   "with tf.train.FtrlOptimizer or GradientDescentOptimizer",
                   ("sdca_fprint", "sdca_optimizer", "sdca_shrink_l1")),
    },
    "tf.random": {
        **refusals(EAGER_V2, ("Algorithm", "Generator", "create_rng_state",
                              "get_global_generator", "set_global_generator")),
        "experimental": ("tf.random.experimental (TF2 Generator objects and RNG state) is "
                         "not offered; use tf.random.stateless_* with an explicit seed pair, "
                         "tf.random.fold_in and tf.random.split"),
    },
    "tf.sparse": {"SparseConditionalAccumulator": ACCUMULATORS},
}

# --- frame stream (issue 16): framework/train names tfgraph decides not to offer ----------------
TABLES["tf.debugging"]["experimental"] = (
    "tf.debugging.experimental holds TF2's debugger dumps (enable_dump_debug_info); in a graph "
    "use tf.debugging.check_numerics, tf.add_check_numerics_ops or tf.Print")
TABLES["tf"].update({
    "experimental": ("tf.experimental holds TF2/eager-only APIs (DTensor, numpy, "
                     "tf.function options); " + EAGER_V2),
    "distributions": ("tf.distributions (deprecated in TF1 already) is not offered; sample "
                      "with tf.random.* and write log-densities with tf.math ops, or use "
                      "NumPy/SciPy outside the graph"),
    "LMDBReader": ("LMDB files are not read by tfgraph; convert the data to TFRecord files "
                   "(tf.python_io.TFRecordWriter) and read them with tf.TFRecordReader"),
})
TABLES["tf.train"].update({
    "experimental": ("tf.train.experimental holds TF2 mixed-precision and Python-state "
                     "checkpointing helpers; " + EAGER_V2),
})
