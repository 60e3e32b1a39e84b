"""`tf.estimator`: TF1's high-level training API (`Estimator`, `EstimatorSpec`, `ModeKeys`,
`RunConfig`, `train_and_evaluate`, the canned `DNNClassifier`/`LinearClassifier` and
regressors, `tf.estimator.inputs`, `tf.estimator.export`) and TF1's re-exports of the
`tf.train` hooks. Loaded on first use of `tf.estimator` (see `_namespaces.LAZY_NAMESPACES`).

TF1's other estimator names (boosted trees, baselines, the combined DNN-linear models, heads,
TPU) raise NotImplementedError saying what to use instead.
"""
import sys as _sys
import types as _types

from .._reexport import hide_submodules as _hide_submodules
from .._unsupported import refusing_getattr as _refusing_getattr
from ..train.basic_session_run_hooks import (  # noqa: F401  (TF1 re-exports these)
    CheckpointSaverHook, CheckpointSaverListener, FeedFnHook, FinalOpsHook, LoggingTensorHook,
    NanLossDuringTrainingError, NanTensorHook, SecondOrStepTimer, SessionRunArgs,
    SessionRunContext, SessionRunHook, SessionRunValues, StepCounterHook, StopAtStepHook,
    SummarySaverHook)
from .canned import DNNClassifier, DNNRegressor, LinearClassifier, LinearRegressor  # noqa: F401
from .estimator import Estimator, WarmStartSettings  # noqa: F401
from .model_fn import EstimatorSpec, ModeKeys  # noqa: F401
from .run_config import RunConfig  # noqa: F401
from .training import (EvalSpec, Exporter, FinalExporter, LatestExporter,  # noqa: F401
                       TrainSpec, train_and_evaluate)
from . import export_lib as _export_lib
from . import numpy_io as _numpy_io

_COMBINED = ("not offered by tfgraph's estimators; write a model_fn (tf.estimator.Estimator) "
             "or use DNNClassifier/LinearClassifier/DNNRegressor/LinearRegressor")
_REFUSED = {
    **{n: _COMBINED for n in (
        "BaselineClassifier", "BaselineEstimator", "BaselineRegressor", "DNNEstimator",
        "DNNLinearCombinedClassifier", "DNNLinearCombinedEstimator",
        "DNNLinearCombinedRegressor", "LinearEstimator")},
    **{n: "gradient-boosted trees are not offered; use DNNClassifier/LinearClassifier or a "
          "library such as scikit-learn" for n in (
              "BoostedTreesClassifier", "BoostedTreesEstimator", "BoostedTreesRegressor")},
    **{n: "the heads API is not offered; compute the loss and metrics in a model_fn" for n in (
        "Head", "BinaryClassHead", "MultiClassHead", "MultiHead", "MultiLabelHead",
        "LogisticRegressionHead", "PoissonRegressionHead", "RegressionHead")},
    "BestExporter": "use FinalExporter or LatestExporter",
    "VocabInfo": "warm-starting with vocabulary remapping is not offered",
    "ProfilerHook": "use tf.RunOptions(trace_level=FULL_TRACE) with tf.Session.run",
    "GlobalStepWaiterHook": "distributed workers are not offered; use tfgraph.distribute",
    "add_metrics": "return the metrics from a model_fn's EstimatorSpec(eval_metric_ops=...)",
    "classifier_parse_example_spec": "use tf.feature_column.make_parse_example_spec",
    "regressor_parse_example_spec": "use tf.feature_column.make_parse_example_spec",
    "tpu": "TPUs are not offered",
    "experimental": "tf.estimator.experimental is not offered",
}


def _namespace(name: str, source, names, refused) -> _types.ModuleType:
    """A sub-namespace module (`tf.estimator.inputs`) showing TF1's names only."""
    full = f"{__name__}.{name}"
    module = _types.ModuleType(full, source.__doc__)
    for n in names:
        setattr(module, n, getattr(source, n))
    module.__all__ = list(names)
    module.__getattr__ = _refusing_getattr(f"tf.estimator.{name}", full, refused)
    _sys.modules[full] = module
    return module


_hide_submodules(__name__)
globals()["inputs"] = _namespace("inputs", _numpy_io, ["numpy_input_fn"], {
    "pandas_input_fn": "tfgraph does not depend on pandas; pass the DataFrame's columns to "
                       "tf.estimator.inputs.numpy_input_fn({name: df[name].values}, ...)"})
globals()["export"] = _namespace("export", _export_lib, [
    "ServingInputReceiver", "TensorServingInputReceiver", "build_raw_serving_input_receiver_fn",
    "build_parsing_serving_input_receiver_fn", "ExportOutput", "PredictOutput",
    "ClassificationOutput", "RegressionOutput"], {
        n: "supervised (train/eval) SavedModel exports are not offered; export the PREDICT "
           "graph with export_saved_model" for n in (
               "EvalOutput", "SupervisedInputReceiver", "build_raw_supervised_input_receiver_fn",
               "build_supervised_input_receiver_from_input_fn")})
__getattr__ = _refusing_getattr("tf.estimator", __name__, _REFUSED)
del _sys, _types
