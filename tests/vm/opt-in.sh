#!/bin/bash
# opt-in.sh VAR REASON -- COMMAND [ARGS...]: runs COMMAND only when the environment variable VAR is
# 1; otherwise prints why the test is off by default and how to turn it on, and exits 77 (ctest:
# skipped, SKIP_RETURN_CODE 77). For suites too costly for every CI run.
set -euo pipefail
if (($# < 4)) || [[ $3 != -- ]]; then
    echo "usage: opt-in.sh VAR REASON -- COMMAND [ARGS...]" >&2
    exit 2
fi
var=$1 reason=$2
shift 3
if [[ ${!var:-} != 1 ]]; then
    echo "skipped: $reason; set $var=1 to run it" >&2
    exit 77
fi
exec "$@"
