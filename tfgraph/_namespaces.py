"""The TF1 sub-namespaces (`tf.nn`, `tf.train`, `tf.layers`, `tf.losses`, ...) and the
public functions of op families defined outside the core modules."""
import importlib as _importlib


def _optional(name):
    try:
        return _importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"{__package__}.{name}":
            raise
        return None


__all__ = []
for _family in ("ops.random_ops", "ops.init_ops", "ops.variable_scope", "ops.nn_ops",
                "ops.string_ops"):
    _mod = _optional(_family)
    if _mod is not None:
        for _n in getattr(_mod, "__all__", []):
            globals()[_n] = getattr(_mod, _n)
            __all__.append(_n)

for _ns in ("nn", "train", "layers", "losses", "summary", "test", "initializers", "random",
            "math", "compat", "contrib", "keras", "viz", "distribute", "datasets", "image",
            "linalg", "io", "sparse", "saved_model", "data", "metrics", "logging", "app",
            "flags", "debugging", "dtypes"):
    _mod = _optional(_ns)
    if _mod is not None:
        globals()[_ns] = _mod
        __all__.append(_ns)
