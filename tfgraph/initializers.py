"""The `tf.initializers` namespace (TF1's `tf.compat.v1.initializers`): re-exports only."""
from .ops.init_ops import (Constant as constant, GlorotNormal as glorot_normal,
                           GlorotUniform as glorot_uniform, Identity as identity, Ones as ones,
                           Orthogonal as orthogonal, RandomNormal as random_normal,
                           RandomUniform as random_uniform, TruncatedNormal as truncated_normal,
                           UniformUnitScaling as uniform_unit_scaling,
                           VarianceScaling as variance_scaling, Zeros as zeros, he_normal,
                           he_uniform, lecun_normal, lecun_uniform)
from .ops.variables import (global_variables_initializer as global_variables,
                            local_variables_initializer as local_variables,
                            variables_initializer as variables)

__all__ = ["constant", "glorot_normal", "glorot_uniform", "identity", "ones", "orthogonal",
           "random_normal", "random_uniform", "truncated_normal", "uniform_unit_scaling",
           "variance_scaling", "zeros", "he_normal", "he_uniform", "lecun_normal",
           "lecun_uniform", "global_variables", "local_variables", "variables"]

# frame stream (issue 16): TF1's `tf.initializers.tables_initializer` is `tf.tables_initializer`.
from .ops.misc_api import tables_initializer  # noqa: E402

__all__ += ["tables_initializer"]
