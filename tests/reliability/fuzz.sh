#!/usr/bin/env bash
# tests/reliability/fuzz.sh [SECONDS_EACH] — build the libFuzzer targets (tests/fuzz) in their
# own clang configuration (build-fuzz/, -DOCIRUN_FUZZ=ON: ASan + UBSan + coverage) and run each
# for SECONDS_EACH (default 60) from its checked-in seed corpus. Prints one line per target:
# executions, new corpus size, crashes. A crash leaves its input in build-fuzz/artifacts/TARGET/
# and makes the script fail; keep it in tests/fuzz/regressions/TARGET/ once fixed (the regular
# test build replays that directory: ctest -R fuzz_regressions).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
build=${OCIRUN_FUZZ_BUILD:-$top/build-fuzz}
targets=(config state seccomp cli sync)

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$top" CCACHE_NOHASHDIR=1
fi
cc=$(command -v clang-14 || command -v clang)
cxx=$(command -v clang++-14 || command -v clang++)
CC=$cc CXX=$cxx cmake -S "$top" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOCIRUN_FUZZ=ON -DOCIRUN_BUILD_TESTS=OFF -DOCIRUN_BUILD_BENCH=OFF -DOCIRUN_PLUGIN_CRIU=OFF >/dev/null
nice cmake --build "$build" --target fuzzers -j "$(nproc)" >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
total_execs=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)                      # the grown corpus; the checked-in seeds stay as they are
  artifacts="$build/artifacts/$t"
  mkdir -p "$artifacts"
  log="$build/fuzz-$t.log"
  rc=0
  nice "$build/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -dict="$top/tests/fuzz/json.dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "$work" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus=$(find "$work" -type f | wc -l)
  crashes=$(find "$artifacts" -type f | wc -l)
  total_execs=$((total_execs + ${execs:-0}))
  printf 'fuzz %-8s %4ss: %9s execs, %5s new corpus inputs, %s crash inputs\n' "$t" "$seconds" "${execs:-?}" "$corpus" "$crashes"
  if [[ $rc -ne 0 ]]; then
    status=1
    echo "--- fuzz_$t failed (exit $rc), see $log:"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written|abort|leak' "$log" | head -20
  fi
  rm -rf "$work"
done
echo "fuzz total: $total_execs execs"
exit $status
