#!/usr/bin/env bash
# The whole test suite: every test on the NumPy backend, then the op, training and summary
# suites again on the test-only "strict" device backend (arrays that refuse implicit NumPy
# conversion, counted host<->device transfers), which stands in for a GPU in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pytest -q "$@"
TFGRAPH_BACKEND=strict python -m pytest -q -p no:cacheprovider \
  tests/ops tests/train tests/summary tests/backends tests/test_gradients.py tests/test_layers.py \
  tests/data tests/layers tests/estimator "$@"
