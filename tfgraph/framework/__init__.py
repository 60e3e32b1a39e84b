"""Graph-building foundations: dtypes, shapes, errors, Graph/Operation/Tensor and the op registry."""
