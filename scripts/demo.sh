#!/usr/bin/env bash
# demo.sh — on a fresh Debian bookworm machine, as root: install dependencies, build, make a
# busybox bundle and run a real container from it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh" "$top/build" -DCMAKE_BUILD_TYPE=Release -DOCIRUN_BUILD_TESTS=OFF
ocirun="$top/build/sbin/ocirun"
"$top/scripts/make-demo-bundle.sh" "$ocirun" "$top/_demo/bundle"
cd "$top/_demo/bundle"
exec "$ocirun" --root "$top/_demo/state" run "demo-$$"
