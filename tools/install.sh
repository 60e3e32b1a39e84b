#!/usr/bin/env bash
# Installs everything tfgraph needs on a fresh Debian/Ubuntu machine: Graphviz's `dot` (graph
# diagrams) and Open MPI (distributed training) from the system's packages when missing, then
# tfgraph itself with the given pip extras (default: dev = tests, examples, TensorBoard, MPI).
set -euo pipefail
extras="${1:-dev}"
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
if [[ "$extras" == *dev* || "$extras" == *mpi* ]]; then
  command -v mpirun >/dev/null 2>&1 || need+=(openmpi-bin libopenmpi-dev)
fi
if ((${#need[@]})); then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "tools/install.sh: installing system packages: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "tools/install.sh: please install ${need[*]} with your system's package manager" >&2
  fi
fi
python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
# setuptools prints a boxed "Editable installation" warning on every editable install (about
# folders named like the package in the working directory: not a concern for this checkout).
PYTHONWARNINGS="ignore:Editable installation" python -m pip install -q -e ".[$extras]"
