#!/usr/bin/env bash
# build.sh [BUILD_DIR] [extra cmake args...] — configure (once) and build ocirun.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$top/build"}
shift || true
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout, and no build dir in the hash: two clones share one cache.
  export CCACHE_BASEDIR="$top" CCACHE_NOHASHDIR=1
fi
cmake -S "$top" -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
# 2 cores here: ninja's default (cores+2) thrashes memory-hungry Boost TUs less than it helps.
cmake --build "$dir" -j "$(nproc)"
