#!/usr/bin/env bash
# tests/reliability/scale.sh OCIRUN [RUNC] — as root: concurrency and scale of a runtime binary,
# measured beside runc in the same run (docs/reliability.md "Concurrency and scale").
#
#   parallel   PARALLEL (100) `run -d` at once, then PARALLEL `delete -f` at once: failures, time
#   race       RACE_ROUNDS (20) rounds of kill / delete -f / state / exec on one id at once; after
#              each, `state` is either valid JSON or "does not exist", `list` works, and once
#              deleted nothing of the id is left (state dir, cgroup, process)
#   scale      SCALE (1000) containers under one root: `list`, `ps ID`, `events --stats ID` times
#   soak       SOAK (10000) create/start/delete cycles (ocirun only): peak RSS of each runtime
#              command, fds the runtime left open in the container's init, entries under the root,
#              cgroups, mounts: the first 10% of cycles against the last 10% (growth: none allowed)
#
# Exit status: non-zero when ocirun failed a check (a runc failure is only reported).
# Environment: PARALLEL, RACE_ROUNDS, SCALE, SOAK (0 skips a part), PARTS (default "parallel race scale soak").
set -uo pipefail
ocirun=${1:?usage: scale.sh OCIRUN [RUNC]}
runc=${2:-$(command -v runc || true)}
PARALLEL=${PARALLEL:-100}
RACE_ROUNDS=${RACE_ROUNDS:-20}
SCALE=${SCALE:-1000}
SOAK=${SOAK:-10000}
PARTS=${PARTS:-"parallel race scale soak"}
work=$(mktemp -d /tmp/ocirun-scale.XXXXXX)
status=0
cleanup() {
  for name in ocirun runc; do remove_all "$name"; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; status=1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# A busybox bundle: `sleep` as the process, read-only rootfs (shared by every container).
bundle=$work/bundle
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for a in sh sleep true cat; do ln -s busybox "$bundle/rootfs/bin/$a"; done
"$ocirun" spec --bundle "$bundle"
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/^\(\t*\)"sh"$/\1"sleep", "100000"/' "$bundle/config.json"

# rt NAME ARGS...: the runtime NAME (ocirun|runc) with its private root.
rt() {
  local name=$1; shift
  local bin=$ocirun; [[ $name == runc ]] && bin=$runc
  "$bin" --root "$work/root-$name" "$@"
}

# Everything of id $2 left on the host by runtime $1.
leftovers() {
  local name=$1 id=$2 found=""
  [[ -e $work/root-$name/$id ]] && found+=" state-dir"
  if find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null | grep -q .; then found+=" cgroup"; fi
  if pgrep -f -- "$id" >/dev/null 2>&1; then found+=" process"; fi
  echo "$found"
}

remove_all() {  # every container under runtime $1's root, by force
  local name=$1
  for id in $(ls "$work/root-$name" 2>/dev/null | grep -v '^~'); do rt "$name" delete -f "$id" >/dev/null 2>&1; done
}

runtimes=(ocirun)
[[ -n $runc && -x $runc ]] && runtimes+=(runc)
echo "machine: $(nproc) cores, kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ); ocirun: $ocirun; runc: ${runc:-none}"

# ---------------------------------------------------------------------------------------------
part_parallel() {
  for name in "${runtimes[@]}"; do
    mkdir -p "$work/root-$name"
    local t0 t1 t2 failed_run failed_del left=0
    t0=$(now)
    for i in $(seq 1 "$PARALLEL"); do
      ( rt "$name" run -d --bundle "$bundle" "par-$i" >"$work/par-$name-$i.log" 2>&1 || echo "$i" >>"$work/par-$name.failed" ) &
    done
    wait
    t1=$(now)
    failed_run=$(cat "$work/par-$name.failed" 2>/dev/null | wc -l)
    local running
    running=$(rt "$name" list -q 2>/dev/null | wc -l)
    for i in $(seq 1 "$PARALLEL"); do
      ( rt "$name" delete -f "par-$i" >>"$work/pardel-$name.log" 2>&1 || echo "$i" >>"$work/pardel-$name.failed" ) &
    done
    wait
    t2=$(now)
    failed_del=$(cat "$work/pardel-$name.failed" 2>/dev/null | wc -l)
    for i in $(seq 1 "$PARALLEL"); do [[ -n $(leftovers "$name" "par-$i") ]] && left=$((left + 1)); done
    echo "parallel $name: $PARALLEL x run -d: $failed_run failed, $running listed, $(secs "$t0" "$t1") s; $PARALLEL x delete -f: $failed_del failed, $(secs "$t1" "$t2") s; containers with leftovers: $left"
    if [[ $name == ocirun ]]; then
      [[ $failed_run -eq 0 && $failed_del -eq 0 && $left -eq 0 && $running -eq $PARALLEL ]] || {
        fail "parallel run -d/delete -f (ocirun)"; head -5 "$work"/par-ocirun-*.log 2>/dev/null | grep -v '^$' | head -10; }
    fi
    remove_all "$name"
  done
}

# ---------------------------------------------------------------------------------------------
part_race() {
  for name in "${runtimes[@]}"; do
    mkdir -p "$work/root-$name"
    local corrupt=0 leftover=0 listfail=0 crashes=0
    for round in $(seq 1 "$RACE_ROUNDS"); do
      local id="race-$round"
      rt "$name" run -d --bundle "$bundle" "$id" >/dev/null 2>&1 || { echo "race $name: run -d failed in round $round"; continue; }
      rt "$name" kill "$id" KILL >"$work/race.kill" 2>&1 &
      rt "$name" delete -f "$id" >"$work/race.del" 2>&1 &
      for j in 1 2 3; do
        rt "$name" state "$id" >"$work/race.state$j" 2>&1 &
        rt "$name" exec "$id" true >"$work/race.exec$j" 2>&1 &
      done
      wait
      # A runtime killed by a signal (or a sanitizer report) is a crash.
      if grep -lE 'AddressSanitizer|runtime error:|Segmentation|panic:' "$work"/race.* >/dev/null 2>&1; then crashes=$((crashes + 1)); fi
      local out
      out=$(rt "$name" state "$id" 2>&1)
      if [[ $? -eq 0 ]]; then
        python3 -c 'import json,sys; json.loads(sys.stdin.read())' <<<"$out" 2>/dev/null || corrupt=$((corrupt + 1))
      elif ! grep -q 'does not exist' <<<"$out"; then
        corrupt=$((corrupt + 1)); echo "race $name round $round: state: $out"
      fi
      rt "$name" list >/dev/null 2>&1 || listfail=$((listfail + 1))
      rt "$name" delete -f "$id" >/dev/null 2>&1
      sleep 0.2
      [[ -n $(leftovers "$name" "$id") ]] && { leftover=$((leftover + 1)); echo "race $name round $round left:$(leftovers "$name" "$id")"; }
    done
    echo "race $name: $RACE_ROUNDS rounds of kill/delete -f/3 state/3 exec on one id: corrupt state $corrupt, list failures $listfail, crashes $crashes, leftovers after delete -f $leftover"
    if [[ $name == ocirun ]]; then
      [[ $corrupt -eq 0 && $listfail -eq 0 && $crashes -eq 0 && $leftover -eq 0 ]] || fail "concurrent operations on one id (ocirun)"
    fi
    remove_all "$name"
  done
}

# ---------------------------------------------------------------------------------------------
# The median of N timed runs of a command, in ms.
median_ms() {
  local n=$1; shift
  local times=()
  for _ in $(seq 1 "$n"); do
    local a b
    a=$(now); "$@" >/dev/null 2>&1; b=$(now)
    times+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

part_scale() {
  declare -A t_list t_ps t_stats t_make
  for name in "${runtimes[@]}"; do
    mkdir -p "$work/root-$name"
    local t0 t1 made
    t0=$(now)
    # 4 at a time: the point is the count under one root, not the speed of making them.
    seq 1 "$SCALE" | xargs -P 4 -I{} sh -c "\"\$0\" --root \"\$1\" run -d --bundle \"\$2\" scale-{} >/dev/null 2>&1" \
      "$([[ $name == runc ]] && echo "$runc" || echo "$ocirun")" "$work/root-$name" "$bundle"
    t1=$(now)
    made=$(rt "$name" list -q 2>/dev/null | wc -l)
    t_make[$name]=$(secs "$t0" "$t1")
    t_list[$name]=$(median_ms 5 rt "$name" list)
    t_ps[$name]=$(median_ms 5 rt "$name" ps "scale-$((SCALE / 2))")
    t_stats[$name]=$(median_ms 5 rt "$name" events --stats "scale-$((SCALE / 2))")
    echo "scale $name: $made of $SCALE containers made in ${t_make[$name]} s; list ${t_list[$name]} ms, ps ${t_ps[$name]} ms, events --stats ${t_stats[$name]} ms (median of 5)"
    [[ $name == ocirun && $made -ne $SCALE ]] && fail "scale: ocirun made $made of $SCALE"
    remove_all "$name"
  done
  if [[ -n ${t_list[runc]:-} ]]; then
    awk -v a="${t_list[ocirun]}" -v b="${t_list[runc]}" -v c="${t_ps[ocirun]}" -v d="${t_ps[runc]}" \
        -v e="${t_stats[ocirun]}" -v f="${t_stats[runc]}" \
        'BEGIN { printf "scale ratio ocirun/runc: list %.2f, ps %.2f, events --stats %.2f\n", a / b, c / d, e / f }'
  fi
}

# ---------------------------------------------------------------------------------------------
part_soak() {
  local name=ocirun
  mkdir -p "$work/root-$name"
  local sample=$(( SOAK / 10 )); [[ $sample -lt 1 ]] && sample=1
  local csv=$work/soak.csv failures=0
  : >"$csv"
  local t0; t0=$(now)
  for i in $(seq 1 "$SOAK"); do
    local id="soak-$((i % 7))"
    /usr/bin/time -f '%M' -o "$work/rss.create" "$ocirun" --root "$work/root-$name" create --bundle "$bundle" "$id" >/dev/null 2>&1 \
      || { failures=$((failures + 1)); rt "$name" delete -f "$id" >/dev/null 2>&1; continue; }
    /usr/bin/time -f '%M' -o "$work/rss.start" "$ocirun" --root "$work/root-$name" start "$id" >/dev/null 2>&1 || failures=$((failures + 1))
    local pid fds
    pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["init_pid"])' "$work/root-$name/$id/state.json" 2>/dev/null || echo 0)
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    /usr/bin/time -f '%M' -o "$work/rss.delete" "$ocirun" --root "$work/root-$name" delete -f "$id" >/dev/null 2>&1 || failures=$((failures + 1))
    local entries cgroups mounts procs
    entries=$(ls -A "$work/root-$name" | grep -vc '^~seccomp-cache')
    cgroups=$(find /sys/fs/cgroup -maxdepth 4 -type d -name 'soak-*' 2>/dev/null | wc -l)
    mounts=$(wc -l </proc/self/mountinfo)
    procs=$(pgrep -c -f 'sleep 100000' || true)
    echo "$i,$(tail -1 "$work/rss.create"),$(tail -1 "$work/rss.start"),$(tail -1 "$work/rss.delete"),$fds,$entries,$cgroups,$mounts,$procs" >>"$csv"
  done
  local t1; t1=$(now)
  # First and last 10%: average of each column.
  local report
  report=$(awk -F, -v n="$SOAK" -v s="$sample" '
    $1 <= s { for (c = 2; c <= 9; c++) first[c] += $c; nf++ }
    $1 > n - s { for (c = 2; c <= 9; c++) last[c] += $c; nl++ }
    END {
      split("create-rss-KiB start-rss-KiB delete-rss-KiB init-fds root-entries cgroups host-mounts sleep-procs", name, " ")
      grow = 0
      for (c = 2; c <= 9; c++) {
        f = first[c] / nf; l = last[c] / nl
        printf "  %-15s first %d cycles %9.1f, last %d cycles %9.1f\n", name[c - 1], nf, f, nl, l
        # RSS may wobble by a few pages (allocator, ASLR); counts must not move at all.
        if (c <= 4 && l > f * 1.05 + 256) grow = 1
        if (c > 4 && l > f) grow = 1
      }
      print (grow ? "GROWTH" : "no growth")
    }' "$csv")
  echo "soak ocirun: $SOAK create/start/delete cycles in $(secs "$t0" "$t1") s, failures $failures"
  echo "$report"
  grep -q '^GROWTH' <<<"$report" && fail "soak: growth"
  [[ $failures -eq 0 ]] || fail "soak: $failures failed commands"
  remove_all "$name"
}

for part in $PARTS; do
  case $part in
    parallel) [[ $PARALLEL -gt 0 ]] && part_parallel ;;
    race) [[ $RACE_ROUNDS -gt 0 ]] && part_race ;;
    scale) [[ $SCALE -gt 0 ]] && part_scale ;;
    soak) [[ $SOAK -gt 0 ]] && part_soak ;;
  esac
done
exit $status
