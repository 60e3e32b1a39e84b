#!/usr/bin/env bash
# The TF-side check: real TensorFlow reads what tfgraph writes (tools/tf_compat_check.py).
#
# Makes a virtual environment with tensorflow-cpu (never a dependency of tfgraph) in
# ${TF_COMPAT_VENV:-.tf-compat-venv}, writes a checkpoint + .meta, GraphDefs and a SavedModel
# with tfgraph (this repository, the current python), then loads and runs them with TensorFlow.
# Exits 0 when every check passes, 1 when one fails, and 0 with "SKIPPED: <reason>" when
# TensorFlow cannot be installed here (no network, no wheel for this Python or platform).
# Set TF_PYTHON to use a Python that already has TensorFlow instead of making the venv.
set -uo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

skip() { echo "tf_compat_check: SKIPPED: $*"; exit 0; }

tf_python="${TF_PYTHON:-}"
if [ -z "$tf_python" ]; then
  venv="${TF_COMPAT_VENV:-.tf-compat-venv}"
  if [ ! -x "$venv/bin/python" ]; then
    python -m venv "$venv" >/dev/null 2>&1 || skip "cannot create a virtual environment ($venv)"
  fi
  tf_python="$venv/bin/python"
  if ! "$tf_python" -c "import tensorflow" >/dev/null 2>&1; then
    echo "tf_compat_check: installing tensorflow-cpu into $venv (a few minutes)"
    "$tf_python" -m pip install -q --upgrade pip >/dev/null 2>&1
    if ! "$tf_python" -m pip install -q tensorflow-cpu >"$out/pip.log" 2>&1; then
      skip "pip could not install tensorflow-cpu: $(tail -n 2 "$out/pip.log" | tr '\n' ' ')"
    fi
  fi
fi
"$tf_python" -c "import tensorflow" >/dev/null 2>&1 || skip "tensorflow does not import in $tf_python"

python tools/tf_compat_check.py write "$out/files" || { echo "tf_compat_check: tfgraph failed to write"; exit 1; }
TF_CPP_MIN_LOG_LEVEL=3 "$tf_python" tools/tf_compat_check.py read "$out/files" 2>"$out/tf.log"
rc=$?
[ $rc -eq 0 ] || tail -n 20 "$out/tf.log"
exit $rc
