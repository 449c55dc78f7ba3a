#!/usr/bin/env bash
# build.sh [BUILD_DIR] [extra cmake args...] — configure (once) and build ocirun.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$top/build"}
shift || true
launcher=()
if command -v ccache >/dev/null; then
  # Paths relative to the checkout, and no build dir in the hash: two clones (or worktrees) share
  # one cache. In the launcher itself, so a later plain `cmake --build` / `ninja` shares it too.
  cc="env;CCACHE_BASEDIR=$top;CCACHE_NOHASHDIR=1;ccache"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="$cc" -DCMAKE_C_COMPILER_LAUNCHER="$cc")
fi
cmake -S "$top" -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
# 2 cores here: ninja's default (cores+2) thrashes memory-hungry Boost TUs less than it helps.
cmake --build "$dir" -j "$(nproc)"
