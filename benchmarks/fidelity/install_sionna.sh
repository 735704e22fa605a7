#!/usr/bin/env bash
# The ray tracer for benchmarks/bench_fidelity.py, in its own venv (never Lamplight's .venv):
#   bash benchmarks/fidelity/install_sionna.sh [VENV]     (default /work/sionna-venv)
# Dr.Jit's LLVM backend needs libLLVM (Debian's libllvm19); references.py points DRJIT_LIBLLVM_PATH at it.
set -euo pipefail
venv="${1:-/work/sionna-venv}"
if ! ls /usr/lib/x86_64-linux-gnu/libLLVM-19.so* >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq libllvm19
fi
[ -x "$venv/bin/python" ] || python3.11 -m venv "$venv"
"$venv/bin/pip" install -q sionna-rt==2.2.0
DRJIT_LIBLLVM_PATH=/usr/lib/x86_64-linux-gnu/libLLVM-19.so "$venv/bin/python" -c \
  "import sionna.rt; print('sionna-rt', sionna.rt.__version__, 'ready in $venv')"
