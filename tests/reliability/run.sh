#!/usr/bin/env bash
# tests/reliability/run.sh [BUILD_DIR] — as root: the reliability measurements of issue #16 that
# exist so far (docs/reliability.md), against an already built tree (default: build-test, made
# by scripts/test.sh or scripts/build.sh). Prints the counts the doc reports.
#
# Fault injection lives in tests/integration/fault_injection_test.cpp (so `ctest -L integration`
# and CI run it too); this script runs just that part and keeps the summary lines.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build-test}
bin="$build/bin/ocirun_integration_tests"
[[ -x $bin ]] || { echo "no $bin: build with -DOCIRUN_BUILD_TESTS=ON first (scripts/test.sh)" >&2; exit 2; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$bin" --gtest_filter='FaultInjection.*:RandomKill.*' >"$log" 2>&1 || status=$?
grep -E 'faults injected|SIGKILL at a random moment|runc left|^\[  (PASSED|FAILED) ' "$log" || true
[[ $status -eq 0 ]] || { echo "--- failures:"; grep -E 'Failure|left behind|delete --force:|list:' "$log" | head -40; }
exit $status
