"""Op definitions by family. Each module defines its ops (OpDef: shape rule, kernel, gradient)
and the public builder functions that add them to the graph."""
