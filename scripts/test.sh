#!/usr/bin/env bash
# test.sh — on a fresh Debian bookworm machine, as root: install dependencies, build with
# AddressSanitizer + UBSan (Debug: -O0 keeps the build quick on 2 cores), and run every test (unit, then integration with real containers).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
dir="$top/build-test"
"$top/scripts/build.sh" "$dir" -DCMAKE_BUILD_TYPE=Debug -DOCIRUN_SANITIZE=ON -DOCIRUN_BUILD_TESTS=ON
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$dir"
ctest --output-on-failure --no-tests=error -j "$(nproc)" -L unit
ctest --output-on-failure --no-tests=error -L integration
# containerd and podman driving ocirun (tests/e2e, docs/e2e.md); `-L runc-compare`: the same suites against runc.
ctest --output-on-failure --no-tests=error -L e2e
# The configuration that ships (Release: libstdc++ linked in and lent to the plugins, which the
# sanitizer build cannot do): the same integration suite against that binary and its plugins.
# Configured for /usr, the prefix of the Debian packages made from this tree (docs/packaging.md).
"$top/scripts/build.sh" "$top/build-release" -DCMAKE_BUILD_TYPE=Release -DOCIRUN_SANITIZE=OFF -DOCIRUN_BUILD_TESTS=OFF \
  -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib
OCIRUN_TEST_BINARY="$top/build-release/sbin/ocirun" OCIRUN_TEST_PLUGIN_DIR="$top/build-release/lib/ocirun/plugins" \
  ctest --output-on-failure --no-tests=error -L integration
# Reliability (docs/reliability.md): the bounded part not already in `-L integration`: each fuzz
# target for 45 s (own clang build), then parallel/race/scale/soak of the Release binary beside runc.
"$top/tests/reliability/run.sh" --ci
# A pure cgroup-v2 host in a QEMU guest (this machine is hybrid): tests/vm/README.md.
ctest -V --no-tests=error -L vm   # -V: show the guest's own test summary
