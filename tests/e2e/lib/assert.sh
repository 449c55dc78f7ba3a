# assert.sh — a small assertion library and scenario runner for the e2e suites (sourced).
#
# A scenario is a shell function run in its own subshell with `set -eEuo pipefail`: the first
# failed assertion (or unexpected command failure) ends that scenario only. Cleanup commands a
# scenario registers with `defer` run in reverse order when its subshell exits, pass or fail.
# `run CMD...` captures a command's stdout, stderr and exit code into $out, $err and $rc.

E2E_PASSED=()
E2E_FAILED=()
E2E_SKIPPED=()

e2e_log() { printf '%s\n' "$*" >&2; }

fail() {
  e2e_log "    FAIL: $*"
  if [[ -n ${out+x} || -n ${err+x} ]]; then
    e2e_log "    last command: ${last_cmd:-}"
    e2e_log "    rc=${rc:-} stdout=$(printf '%q' "${out:-}")"
    e2e_log "    stderr=$(printf '%q' "${err:-}")"
  fi
  exit 1
}

# skip REASON: ends the scenario as skipped (exit 77), printing why.
skip() { e2e_log "    SKIP: $*"; exit 77; }

# run CMD...: runs CMD (with a timeout unless CMD is a shell function), never fails the scenario
# by itself.
run() {
  local o e
  o=$(mktemp) e=$(mktemp)
  last_cmd="$*"
  rc=0
  if declare -F "$1" >/dev/null; then
    "$@" >"$o" 2>"$e" || rc=$?      # a suite's wrapper function: it applies its own timeout
  else
    timeout --kill-after=5 "${E2E_CMD_TIMEOUT:-90}" "$@" >"$o" 2>"$e" || rc=$?
  fi
  out=$(cat "$o") err=$(cat "$e")
  rm -f "$o" "$e"
  return 0
}

# run_ok CMD...: run, and fail unless it exits 0.
run_ok() {
  run "$@"
  [[ $rc -eq 0 ]] || fail "expected exit 0 from: $*"
}

assert_eq() {       # EXPECTED ACTUAL WHAT
  [[ "$1" == "$2" ]] || fail "$3: expected $(printf '%q' "$1"), got $(printf '%q' "$2")"
}
assert_ne() {       # UNEXPECTED ACTUAL WHAT
  [[ "$1" != "$2" ]] || fail "$3: did not expect $(printf '%q' "$1")"
}
assert_rc() {       # EXPECTED_RC WHAT (checks $rc from the last run)
  [[ "$rc" == "$1" ]] || fail "$2: expected exit code $1, got $rc"
}
assert_contains() { # HAYSTACK NEEDLE WHAT
  [[ "$1" == *"$2"* ]] || fail "$3: $(printf '%q' "$2") not found in $(printf '%q' "$1")"
}
assert_not_contains() { # HAYSTACK NEEDLE WHAT
  [[ "$1" != *"$2"* ]] || fail "$3: $(printf '%q' "$2") unexpectedly found in $(printf '%q' "$1")"
}
assert_match() {    # STRING ERE WHAT
  [[ "$1" =~ $2 ]] || fail "$3: $(printf '%q' "$1") does not match /$2/"
}
assert_gt() {       # A B WHAT: integer A > B
  [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ && "$1" -gt "$2" ]] || fail "$3: expected $1 > $2"
}
assert_path_absent() { # PATH WHAT
  [[ ! -e "$1" ]] || fail "$2: $1 still exists"
}
assert_file_eq() {  # PATH EXPECTED WHAT
  [[ -r "$1" ]] || fail "$3: cannot read $1"
  local got
  got=$(cat "$1")
  assert_eq "$2" "$got" "$3 ($1)"
}

# wait_until TIMEOUT_S CMD...: polls CMD every 0.1 s; fails the scenario on timeout.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out waiting for: $*"
    sleep 0.1
  done
}

# defer CMD...: run CMD (quoted as given) when the current scenario ends.
E2E_DEFERRED=()
defer() { E2E_DEFERRED+=("$(printf '%q ' "$@")"); }
e2e_run_deferred() {
  local i
  for ((i = ${#E2E_DEFERRED[@]} - 1; i >= 0; i--)); do
    eval "${E2E_DEFERRED[i]}" >/dev/null 2>&1 || true
  done
  E2E_DEFERRED=()
}

# scenario NAME FUNCTION: runs FUNCTION isolated in a subshell and records the outcome.
# E2E_ONLY (an ERE) limits the run to matching scenario names.
scenario() {
  local name=$1 fn=$2 status start=$SECONDS
  if [[ -n ${E2E_ONLY:-} && ! $name =~ $E2E_ONLY ]]; then return 0; fi
  e2e_log "--- $name"
  set +e
  (
    set -eEuo pipefail
    trap e2e_run_deferred EXIT
    trap 'fail "command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
    "$fn"
  )
  status=$?
  set -e
  case $status in
    0) E2E_PASSED+=("$name"); e2e_log "    ok ($((SECONDS - start)) s)" ;;
    77) E2E_SKIPPED+=("$name") ;;
    *) E2E_FAILED+=("$name") ;;
  esac
}

# e2e_summary SUITE: prints the tally; returns 1 when a scenario failed, 77 (CTest: skipped) when
# every scenario that was chosen skipped, so that a run that proved nothing does not pass.
e2e_summary() {
  e2e_log ""
  e2e_log "== $1: ${#E2E_PASSED[@]} passed, ${#E2E_FAILED[@]} failed, ${#E2E_SKIPPED[@]} skipped (runtime: $OCIRUN)"
  local n
  for n in "${E2E_FAILED[@]}"; do e2e_log "   FAILED: $n"; done
  for n in "${E2E_SKIPPED[@]}"; do e2e_log "   skipped: $n"; done
  ((${#E2E_FAILED[@]} == 0)) || return 1
  ((${#E2E_PASSED[@]} > 0 || ${#E2E_SKIPPED[@]} == 0)) || return 77
}
