#!/usr/bin/env bash
# podman_test.sh RUNTIME — end-to-end: podman (through conmon) drives RUNTIME, with storage, run
# dir, libpod tmp dir, events log and containers.conf all under a temp dir, cgroupfs, no network.
# Every scenario asserts what the container did (output, exit code, host cgroup state).
# OCIRUN=/usr/sbin/runc overrides RUNTIME; E2E_ONLY=REGEX runs only matching scenarios.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
e2e_require_host podman conmon

IMAGE=localhost/ocirun-e2e:latest
e2e_workdir podman

# This host's root lacks CAP_SYS_RESOURCE and its hard nofile limit is low, while podman asks for
# nofile/nproc 1048576 by default: the suite's own containers.conf asks for less (the runtime is
# not weakened for it). podman only passes --log-format=json to runtimes it knows by name: the
# suite adds ocirun to that list, as a user would.
cat >"$E2E_TMP/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$E2E_TMP/events.log"
tmp_dir = "$E2E_TMP/libpod-tmp"
# Runtimes (by name) that podman asks for --log-format=json; it decodes their error log as JSON.
runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "ocirun"]
EOF
cat >"$E2E_TMP/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$E2E_TMP/storage"
runroot = "$E2E_TMP/run"
EOF
export CONTAINERS_CONF=$E2E_TMP/containers.conf CONTAINERS_STORAGE_CONF=$E2E_TMP/storage.conf

PODMAN=(podman --runtime "$OCIRUN" --root "$E2E_TMP/storage" --runroot "$E2E_TMP/run"
        --cgroup-manager cgroupfs --events-backend file)
pm() { timeout --kill-after=5 90 "${PODMAN[@]}" "$@"; }

# podman calls the runtime without --root: it uses its own default (/run/ocirun, /run/runc) and
# creates it. Removed again at the end when the suite made it and nothing but the seccomp
# filter cache is in it.
runtime_root=/run/$(basename "$OCIRUN")
runtime_root_existed=no
[[ -e $runtime_root ]] && runtime_root_existed=yes

suite_teardown() {
  # Only this storage's containers and images (not `system reset`, which also touches the host's
  # network configs); the storage's own mounts go below.
  pm rm -a -f -t 0 >/dev/null 2>&1 || true
  pm rmi -a -f >/dev/null 2>&1 || true
  e2e_unmount_under "$E2E_TMP"
  # cgroupfs: podman's parent cgroup and conmon's, once empty (rmdir refuses a busy one).
  local d
  for d in /sys/fs/cgroup/*/libpod_parent; do
    rmdir "$d/conmon" "$d" 2>/dev/null || true
  done
  if [[ $runtime_root_existed == no && -d $runtime_root ]] &&
     [[ -z $(find "$runtime_root" -mindepth 1 -maxdepth 1 ! -name '~seccomp-cache') ]]; then
    rm -rf "$runtime_root"
  fi
  if [[ -n ${E2E_KEEP:-} ]]; then e2e_log "kept $E2E_TMP"; else rm -rf "$E2E_TMP"; fi
}
trap suite_teardown EXIT

import_image() {
  local b=$E2E_TMP/image
  mkdir -p "$b"
  e2e_build_rootfs "$b/rootfs"
  e2e_build_rootfs_tar "$b/rootfs" "$b/rootfs.tar"
  if ! pm import --change CMD=sh "$b/rootfs.tar" "$IMAGE" >"$b/import.log" 2>&1; then
    e2e_log "podman import failed:"; cat "$b/import.log" >&2; exit 1
  fi
  rm -rf "$b"
}

# ---- helpers --------------------------------------------------------------------------------

cname() { echo "e2e-$1-$$"; }
pm_cleanup() { pm rm -f -t 0 "$1" >/dev/null 2>&1 || true; }
pm_run() { pm run --network none "$@"; }

# pm_run_detached NAME [podman run flags...] -- CMD...: starts NAME, registers its removal.
pm_run_detached() {
  local name=$1; shift
  local flags=()
  while [[ $1 != -- ]]; do flags+=("$1"); shift; done
  shift
  defer pm_cleanup "$name"
  run pm_run -d --name "$name" "${flags[@]}" "$IMAGE" "$@"
  [[ $rc -eq 0 ]] || fail "podman run -d $name"
  cid=$(pm inspect -f '{{.Id}}' "$name")
  cpid=$(pm inspect -f '{{.State.Pid}}' "$name")
}


status_of() { pm inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
# The container's v1 cgroup for CONTROLLER under podman's cgroupfs manager.
cg() { echo "/sys/fs/cgroup/$1/libpod_parent/libpod-$2"; }

# ---- scenarios ------------------------------------------------------------------------------

sc_run_rm() {
  local name; name=$(cname rm)
  defer pm_cleanup "$name"
  run pm_run --rm --name "$name" "$IMAGE" sh -c 'echo hello from podman; echo to-stderr >&2; exit 3'
  assert_rc 3 "exit code"
  assert_eq "hello from podman" "$out" "stdout"
  assert_contains "$err" to-stderr "stderr"
  run_ok pm ps -a --filter "name=$name" -q
  assert_eq "" "$out" "--rm removed the container"
}

sc_detached_lifecycle() {
  local name c1 c2 c3 frz; name=$(cname life)
  pm_run_detached "$name" -- sh -c 'trap "echo got-term; exit 0" TERM; echo started
    i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/counter; sleep 0.05; done'
  wait_until 10 test -s "/proc/$cpid/root/tmp/counter"

  run_ok pm ps --filter "name=$name" --format '{{.Names}} {{.Status}}'
  assert_match "$out" "^$name Up" "ps"

  run pm exec "$name" sh -c 'echo in-exec; exit 6'
  assert_rc 6 "exec exit code"
  assert_eq in-exec "$out" "exec stdout"
  run_ok pm exec "$name" readlink /proc/self/ns/pid
  assert_eq "$(readlink "/proc/$cpid/ns/pid")" "$out" "exec joins the container's pid namespace"

  run_ok pm top "$name"
  assert_contains "$out" "sh -c" "top lists the container's init"

  run_ok pm logs "$name"
  assert_contains "$out" started "logs"

  run_ok pm stats --no-stream --format '{{.Name}} {{.PIDs}} {{.MemUsage}}' "$name"
  assert_match "$out" "^$name [0-9]+ [0-9.]+[kMG]?B / " "stats reads the cgroup"

  frz=$(cg freezer "$cid")/freezer.state
  run_ok pm pause "$name"
  assert_file_eq "$frz" FROZEN "host freezer after pause"
  assert_eq paused "$(status_of "$name")" "status after pause"
  c1=$(host_read "$cpid" /tmp/counter); sleep 0.5; c2=$(host_read "$cpid" /tmp/counter)
  assert_eq "$c1" "$c2" "counter stops while paused"
  run_ok pm unpause "$name"
  assert_file_eq "$frz" THAWED "host freezer after unpause"
  sleep 0.5; c3=$(host_read "$cpid" /tmp/counter)
  assert_gt "$c3" "$c2" "counter continues after unpause"

  run_ok pm stop -t 20 "$name"           # SIGTERM, trapped: exits 0 long before the timeout
  run_ok pm wait "$name"
  assert_eq 0 "$out" "exit code after the trapped SIGTERM"
  run_ok pm logs "$name"
  assert_contains "$out" got-term "the trap ran"
  assert_eq exited "$(status_of "$name")" "status after stop"

  run_ok pm rm "$name"
  assert_eq "" "$(host_cgroup_dirs "libpod_parent/libpod-$cid")" "cgroup dirs left behind"
  assert_eq "" "$(mounts_matching "$cid")" "mounts left behind"
  [[ ! -e /proc/$cpid ]] || fail "process $cpid still exists"
}

sc_tty() {
  local name; name=$(cname tty)
  defer pm_cleanup "$name"
  in_pty "${PODMAN[@]}" run --rm -t --network none --name "$name" "$IMAGE" \
    sh -c '[ -t 0 ] && [ -t 1 ] && echo tty-ok; tty; exit 5'
  assert_rc 5 "run -t exit code"
  assert_contains "$out" tty-ok "run -t gives the process a terminal"
  assert_match "$out" "/dev/(pts/[0-9]+|console)" "the terminal's name"

  pm_run_detached "$name" -- sleep 1000
  in_pty "${PODMAN[@]}" exec -t "$name" sh -c '[ -t 0 ] && [ -t 1 ] && echo tty-ok; tty; exit 4'
  assert_rc 4 "exec -t exit code"
  assert_contains "$out" tty-ok "exec -t gives the process a terminal"
  assert_match "$out" "/dev/pts/[0-9]+" "the exec terminal's name"
}

sc_kill_sigkill() {
  local name; name=$(cname kill)
  pm_run_detached "$name" -- sh -c 'trap "" TERM; while :; do sleep 0.1; done'
  run_ok pm kill -s KILL "$name"
  run_ok pm wait "$name"
  assert_eq 137 "$out" "exit code after SIGKILL"
}

sc_stdin() {
  local name; name=$(cname stdin)
  defer pm_cleanup "$name"
  run pm_run --rm -i --name "$name" "$IMAGE" tr a-z A-Z <<<"hello through stdin"
  assert_rc 0 "run -i"
  assert_eq "HELLO THROUGH STDIN" "$out" "stdin reaches the container"
}

sc_limits_and_identity() {
  local name; name=$(cname limits)
  # nproc is given too: with --ulimit on the command line podman asked for its own nproc default
  # again (1048576), which root cannot set on this host (runc fails the same way).
  pm_run_detached "$name" --pids-limit 10 --memory 64m --ulimit nofile=512:512 --ulimit nproc=1024:1024 \
    --hostname e2e-host -e E2E_VAR=hello-env -w /home/e2e --user 1000:1000 -- sleep 1000
  assert_file_eq "$(cg pids "$cid")/pids.max" 10 "host pids limit"
  assert_file_eq "$(cg memory "$cid")/memory.limit_in_bytes" 67108864 "host memory limit"
  run_ok pm exec "$name" sh -c 'ulimit -n; ulimit -Hn; hostname; echo "$E2E_VAR"; pwd; id -u; id -g'
  assert_eq $'512\n512\ne2e-host\nhello-env\n/home/e2e\n1000\n1000' "$out" "ulimit, hostname, env, cwd, user"

  # More processes than pids.max: fork fails inside.
  run pm exec "$name" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done; wait'
  assert_contains "$err" "fork" "the pids limit stops the 10th process"

  # Without --ulimit: the suite's containers.conf default applies.
  run_ok pm_run --rm "$IMAGE" sh -c 'ulimit -n'
  assert_eq 1024 "$out" "default_ulimits from containers.conf"
}

sc_cap_drop_read_only() {
  local name; name=$(cname caps)
  defer pm_cleanup "$name"
  run pm_run --rm --cap-drop CHOWN --read-only --name "$name" "$IMAGE" \
    sh -c 'chown 1000 /tmp/x 2>/dev/null; touch /etc/x; echo etc=$?; chown 1000 /tmp; echo chown=$?'
  assert_contains "$out" "etc=1" "read-only root refuses writes"
  assert_contains "$err" "Read-only file system" "read-only error"
  assert_contains "$out" "chown=1" "chown without CAP_CHOWN fails"
}

# Bundles the runtime refuses: podman must show the runtime's own error text.
sc_refused_bundle() {
  local name; name=$(cname refused)
  defer pm_cleanup "$name"
  run pm_run --rm --name "$name" "$IMAGE" /no/such/binary
  e2e_log "    podman shows: $err"
  assert_rc 127 "podman's exit code for a command that is not found"
  assert_contains "$err" "/no/such/binary" "podman reports the runtime's error (path)"
  assert_contains "${err,,}" "no such file or directory" "podman reports the runtime's error (cause)"
  assert_not_contains "$err" "level=error" "podman decoded the runtime's JSON log (not raw text)"

  run pm_run --rm --name "$name" --sysctl kernel.msgmax=not-a-number "$IMAGE" true
  e2e_log "    podman shows: $err"
  assert_rc 126 "podman's exit code for a runtime failure"
  assert_contains "$err" "kernel" "podman reports the runtime's error (the sysctl)"
  assert_contains "${err,,}" "invalid argument" "podman reports the runtime's error (cause)"
  run_ok pm ps -a --filter "name=$name" -q
  assert_eq "" "$out" "nothing left behind"
}

# podman's systemd cgroup manager (cgroup_manager = "systemd", the default of a systemd host):
# podman calls the runtime with --systemd-cgroup and cgroupsPath "machine.slice:libpod:ID", so the
# runtime must make the transient scope libpod-ID.scope in machine.slice, with the limits as unit
# properties, and it must go away with the container. Needs systemd as PID 1 (the test VM's systemd
# boot: ctest -L systemd runs this scenario alone, with ocirun and with runc as the runtime).
sc_systemd_cgroup() {
  require_systemd_pid1
  local name cid cpid unit memory_dir pids_dir; name=$(cname sdcg)
  PODMAN=("${PODMAN[@]/#cgroupfs/systemd}")  # this scenario's subshell only: --cgroup-manager systemd
  defer pm_cleanup "$name"
  run_ok pm_run -d --name "$name" --memory 64m --pids-limit 20 "$IMAGE" sleep 1000
  cid=$(pm inspect -f '{{.Id}}' "$name")
  cpid=$(pm inspect -f '{{.State.Pid}}' "$name")
  unit=libpod-$cid.scope

  assert_eq active "$(systemctl show --property=ActiveState --value "$unit")" "the scope is active"
  assert_eq machine.slice "$(systemctl show --property=Slice --value "$unit")" "the scope's slice"
  assert_eq 67108864 "$(systemctl show --property="$(memory_limit_property)" --value "$unit")" "the scope's memory limit"
  assert_eq 20 "$(systemctl show --property=TasksMax --value "$unit")" "the scope's TasksMax"
  run_ok systemctl status --no-pager --lines=0 "$unit"
  assert_contains "$out" "Active: active (running)" "systemctl status: the scope runs"
  assert_match "$out" "[^0-9]$cpid sleep 1000" "systemctl status lists the container's init"

  memory_dir=$(scope_cgroup_dir "$unit" memory)
  pids_dir=$(scope_cgroup_dir "$unit" pids)
  assert_match "$memory_dir" "/machine.slice/$unit\$" "the scope's cgroup"
  assert_contains "$(cat "$memory_dir/cgroup.procs")" "$cpid" "the container's init is in the scope"
  assert_file_eq "$pids_dir/pids.max" 20 "the scope's pids.max"

  run_ok pm exec "$name" sh -c 'echo in-exec'
  assert_eq in-exec "$out" "exec in a systemd-cgroup container"
  # The container has its own cgroup namespace on v2 ("0::/" inside): the host's view of a
  # detached exec says where it runs.
  local exec_pid
  run_ok pm exec -d "$name" sleep 998
  wait_until 30 pgrep -x -f "sleep 998"
  exec_pid=$(pgrep -x -f "sleep 998" | head -n 1)
  assert_contains "$(cat "/proc/$exec_pid/cgroup")" "/machine.slice/$unit" "the exec runs in the scope"

  run_ok pm pause "$name"
  assert_scope_frozen "$unit" 1
  run_ok pm unpause "$name"
  assert_scope_frozen "$unit" 0

  run_ok pm stop -t 1 "$name"
  assert_eq exited "$(status_of "$name")" "status after stop"
  run_ok pm rm "$name"
  assert_scope_gone "$unit" "$memory_dir" "$pids_dir"
  assert_eq "" "$(mounts_matching "$cid")" "mounts left behind"
  [[ ! -e /proc/$cpid ]] || fail "process $cpid still exists"
}

# ---- main -----------------------------------------------------------------------------------

import_image
e2e_log "podman $(podman --version | awk '{print $3}'), conmon $(conmon --version | awk 'NR==1 {print $3}'), runtime $OCIRUN"

scenario run-rm sc_run_rm
scenario detached-lifecycle sc_detached_lifecycle
scenario tty sc_tty
scenario kill-sigkill sc_kill_sigkill
scenario stdin sc_stdin
scenario limits-and-identity sc_limits_and_identity
scenario cap-drop-read-only sc_cap_drop_read_only
scenario refused-bundle sc_refused_bundle
scenario systemd-cgroup sc_systemd_cgroup

e2e_summary podman
