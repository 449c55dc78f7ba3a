#!/usr/bin/env bash
# containerd_test.sh RUNTIME — end-to-end: containerd (its own daemon, socket and state under a
# temp dir) drives RUNTIME through containerd-shim-runc-v2, via `ctr run --runc-binary`.
# Every scenario asserts what the container did (output, exit code, host cgroup state).
# OCIRUN=/usr/sbin/runc overrides RUNTIME; E2E_ONLY=REGEX runs only matching scenarios.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
e2e_require_host containerd ctr containerd-shim-runc-v2

NS=ocirun-e2e
IMAGE=docker.io/library/ocirun-e2e:latest
e2e_workdir containerd
SOCK=$E2E_TMP/containerd.sock
RUNTIME_ROOT=$E2E_TMP/runtime-root   # the runtime's --root; the shim appends /<namespace>
RT=(--runc-binary "$OCIRUN" --runc-root "$RUNTIME_ROOT")
CONTAINERD_PID=
# ctr and the shim also use fixed dirs (/run/containerd/fifo, /run/containerd/s for shim sockets);
# they are removed at the end when the suite created them and they are empty.
[[ -e /run/containerd ]] && RUN_CONTAINERD_EXISTED=1 || RUN_CONTAINERD_EXISTED=

ctr_() { timeout --kill-after=5 90 ctr -a "$SOCK" -n "$NS" "$@"; }

# Stops every task and container in the namespace, then the daemon, then removes the work dir.
suite_teardown() {
  local id
  if [[ -n $CONTAINERD_PID ]]; then
    for id in $(ctr_ containers ls -q 2>/dev/null); do ctr_cleanup "$id"; done
    kill "$CONTAINERD_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$CONTAINERD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$CONTAINERD_PID" 2>/dev/null || true
  fi
  e2e_unmount_under "$E2E_TMP"
  rmdir /sys/fs/cgroup/*/"$NS" 2>/dev/null || true
  if [[ -z $RUN_CONTAINERD_EXISTED ]]; then
    rmdir /run/containerd/fifo /run/containerd/s /run/containerd/runc /run/containerd 2>/dev/null || true
  fi
  if [[ -n ${E2E_KEEP:-} ]]; then e2e_log "kept $E2E_TMP"; else rm -rf "$E2E_TMP"; fi
}
trap suite_teardown EXIT

start_containerd() {
  cat >"$E2E_TMP/config.toml" <<EOF
version = 2
root = "$E2E_TMP/root"
state = "$E2E_TMP/state"
# Only what ctr needs: no CRI (no CNI, no network setup at all).
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
  level = "info"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$E2E_TMP/opt"
EOF
  containerd --config "$E2E_TMP/config.toml" >"$E2E_TMP/containerd.log" 2>&1 &
  CONTAINERD_PID=$!
  local i
  for i in $(seq 100); do
    ctr -a "$SOCK" version >/dev/null 2>&1 && return 0
    kill -0 "$CONTAINERD_PID" 2>/dev/null || break
    sleep 0.1
  done
  e2e_log "containerd did not start:"; tail -20 "$E2E_TMP/containerd.log" >&2
  exit 1
}

# The snapshotter: overlayfs where the kernel and the temp dir's filesystem allow it, else native.
pick_snapshotter() {
  local t=$E2E_TMP/ovl-probe
  mkdir -p "$t"/{l,u,w,m}
  if mount -t overlay overlay -o "lowerdir=$t/l,upperdir=$t/u,workdir=$t/w" "$t/m" 2>/dev/null; then
    umount "$t/m"; SNAPSHOTTER=overlayfs
  else
    SNAPSHOTTER=native
  fi
  rm -rf "$t"
}

import_image() {
  local b=$E2E_TMP/image
  mkdir -p "$b"
  e2e_build_rootfs "$b/rootfs"
  e2e_build_rootfs_tar "$b/rootfs" "$b/layer.tar"
  e2e_build_oci_archive "$b/image.tar" "$IMAGE" "$b/layer.tar"
  ctr_ images import --snapshotter "$SNAPSHOTTER" "$b/image.tar" >/dev/null
  rm -rf "$b"
}

# ---- helpers used by the scenarios ----------------------------------------------------------

# Container ids: unique per suite run. Output of a task that exits within milliseconds of writing
# is sometimes lost by ctr itself (about 1 run in 12 here, with runc too): the scenarios' short
# commands sleep 0.2 s before they exit.
cid() { echo "e2e-$1-$$"; }

# ctr_cleanup ID: kill, delete the task and the container (and its snapshot); never fails.
ctr_cleanup() {
  ctr_ task kill -s SIGKILL "$1" >/dev/null 2>&1 || true
  for _ in $(seq 30); do [[ $(task_status "$1") == RUNNING || $(task_status "$1") == PAUSED ]] || break; sleep 0.1; done
  ctr_ task rm -f "$1" >/dev/null 2>&1 || true
  ctr_ containers rm "$1" >/dev/null 2>&1 || true
}

ctr_run() { ctr_ run --snapshotter "$SNAPSHOTTER" "${RT[@]}" "$@"; }

# ctr_run_detached ID [ctr run flags...] -- CMD...: starts a task and registers its cleanup.
ctr_run_detached() {
  local id=$1; shift
  local flags=()
  while [[ $1 != -- ]]; do flags+=("$1"); shift; done
  shift
  defer ctr_cleanup "$id"
  run ctr_run -d "${flags[@]}" "$IMAGE" "$id" "$@"
  [[ $rc -eq 0 ]] || fail "ctr run -d $id"
  wait_until 30 task_is "$id" RUNNING
}

task_status() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
task_pid() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
task_is() { [[ $(task_status "$1") == "$2" ]]; }

# The container's v1 cgroup for CONTROLLER: ctr's default cgroupsPath is /<namespace>/<id>.
cg() { echo "/sys/fs/cgroup/$1/$NS/$2"; }


# ---- scenarios ------------------------------------------------------------------------------

sc_run_to_completion() {
  local id; id=$(cid run)
  defer ctr_cleanup "$id"
  run ctr_run --rm "$IMAGE" "$id" sh -c 'echo hello from the container; sleep 0.2; exit 0'
  assert_rc 0 "run to completion"
  assert_eq "hello from the container" "$out" "stdout"

  run ctr_run --rm "$IMAGE" "$id" sh -c 'echo to-stdout; echo to-stderr >&2; sleep 0.2; exit 3'
  assert_rc 3 "non-zero exit code"
  assert_eq "to-stdout" "$out" "stdout"
  assert_contains "$err" "to-stderr" "stderr"
}

sc_detached_exec() {
  local id pid; id=$(cid exec)
  ctr_run_detached "$id" -- sleep 1000
  run_ok ctr_ task ls
  pid=$(task_pid "$id")
  assert_match "$out" "$id +$pid +RUNNING" "task ls"

  run ctr_ task exec --exec-id x1 "$id" sh -c 'echo from-exec; exit 5'
  assert_rc 5 "exec exit code"
  assert_eq "from-exec" "$out" "exec stdout"

  run_ok ctr_ task exec --exec-id x2 "$id" sh -c 'readlink /proc/self/ns/pid; cat /proc/1/comm'
  assert_eq "$(readlink "/proc/$pid/ns/pid")"$'\n'"sleep" "$out" "exec joins the task's pid namespace"
  assert_ne "$(readlink /proc/self/ns/pid)" "$(readlink "/proc/$pid/ns/pid")" "task has its own pid namespace"

  in_pty ctr -a "$SOCK" -n "$NS" task exec -t --exec-id x3 "$id" sh -c '[ -t 0 ] && [ -t 1 ] && echo tty-ok; tty; exit 4'
  assert_rc 4 "exec -t exit code"
  assert_contains "$out" "tty-ok" "exec -t gives the process a terminal"
  assert_contains "$out" "/dev/pts/" "exec -t terminal name"
}

sc_run_tty() {
  local id; id=$(cid tty)
  defer ctr_cleanup "$id"
  in_pty ctr -a "$SOCK" -n "$NS" run -t --rm --snapshotter "$SNAPSHOTTER" "${RT[@]}" "$IMAGE" "$id" \
    sh -c '[ -t 0 ] && [ -t 1 ] && echo tty-ok; tty; exit 7'
  assert_rc 7 "run -t exit code"
  assert_contains "$out" "tty-ok" "run -t gives the process a terminal"
  assert_match "$out" "/dev/(pts/[0-9]+|console)" "the terminal's name"
}

sc_pause_resume() {
  local id pid frz c1 c2 c3; id=$(cid pause)
  ctr_run_detached "$id" -- sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/counter; sleep 0.05; done'
  pid=$(task_pid "$id")
  frz=$(cg freezer "$id")/freezer.state
  wait_until 10 test -s "/proc/$pid/root/tmp/counter"
  assert_file_eq "$frz" THAWED "freezer before pause"

  run_ok ctr_ task pause "$id"
  assert_file_eq "$frz" FROZEN "host freezer after pause"
  assert_eq PAUSED "$(task_status "$id")" "task ls after pause"
  c1=$(host_read "$pid" /tmp/counter); sleep 0.5; c2=$(host_read "$pid" /tmp/counter)
  assert_eq "$c1" "$c2" "counter stops while paused"

  run_ok ctr_ task resume "$id"
  assert_file_eq "$frz" THAWED "host freezer after resume"
  assert_eq RUNNING "$(task_status "$id")" "task ls after resume"
  sleep 0.5; c3=$(host_read "$pid" /tmp/counter)
  assert_gt "$c3" "$c2" "counter continues after resume"
}

# Runs ID in the foreground of a background ctr (stdout to a file), waits until it printed ready.
start_foreground() {
  local id=$1; shift
  defer ctr_cleanup "$id"
  # The job must not inherit the scenario's ERR trap: its non-zero exit is what we assert.
  (trap - ERR; set +e; ctr_run --rm "$IMAGE" "$id" "$@") >"$E2E_TMP/$id.out" 2>&1 </dev/null &
  fg_pid=$!
  defer kill -9 "$fg_pid"
  wait_until 30 grep -q ready "$E2E_TMP/$id.out"
}

sc_kill_sigterm_trapped() {
  local id code=0; id=$(cid term)
  start_foreground "$id" sh -c 'trap "echo trapped-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
  run_ok ctr_ task kill "$id"      # ctr's default signal: SIGTERM
  wait "$fg_pid" || code=$?
  assert_eq 42 "$code" "exit code after the trapped SIGTERM"
  assert_contains "$(cat "$E2E_TMP/$id.out")" trapped-term "the trap ran"
}

sc_kill_sigkill() {
  local id code=0; id=$(cid kill)
  start_foreground "$id" sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
  run_ok ctr_ task kill -s SIGKILL "$id"
  wait "$fg_pid" || code=$?
  assert_eq 137 "$code" "exit code after SIGKILL (128+9)"
}

sc_delete_leaves_nothing() {
  local id pid; id=$(cid delete)
  ctr_run_detached "$id" -- sleep 1000
  pid=$(task_pid "$id")
  [[ -d $(cg memory "$id") ]] || fail "the task's cgroup $(cg memory "$id") exists while it runs"
  [[ -d $RUNTIME_ROOT/$NS/$id ]] || fail "runtime state $RUNTIME_ROOT/$NS/$id exists while it runs"
  run_ok ctr_ task kill -s SIGKILL "$id"
  wait_until 10 task_is "$id" STOPPED
  run_ok ctr_ task rm "$id"
  run_ok ctr_ containers rm "$id"
  assert_eq "" "$(host_cgroup_dirs "$NS/$id")" "cgroup dirs left behind"
  assert_path_absent "$RUNTIME_ROOT/$NS/$id" "runtime state dir"
  assert_eq "" "$(mounts_matching "/$id/")" "mounts left behind"
  [[ ! -e /proc/$pid ]] || fail "process $pid still exists"
}

sc_task_ps() {
  local id want got; id=$(cid ps)
  ctr_run_detached "$id" -- sh -c 'sleep 1000 & sleep 1000 & wait'
  wait_until 10 test "$(wc -l <"$(cg pids "$id")/cgroup.procs")" -eq 3
  run_ok ctr_ task ps "$id"
  got=$(awk 'NR > 1 { print $1 }' <<<"$out" | sort -n | tr '\n' ' ')
  want=$(sort -n "$(cg pids "$id")/cgroup.procs" | tr '\n' ' ')
  assert_eq "$want" "$got" "task ps lists the cgroup's processes"
}

sc_metrics_memory_limit() {
  local id; id=$(cid metrics)
  ctr_run_detached "$id" --memory-limit 33554432 -- sleep 1000
  assert_file_eq "$(cg memory "$id")/memory.limit_in_bytes" 33554432 "host memory limit"
  run_ok ctr_ task metrics "$id"
  assert_match "$out" "memory.limit_in_bytes +33554432" "metrics: memory limit"
  assert_match "$out" "pids.current +1( |$)" "metrics: one process"
  assert_match "$out" "memory.usage_in_bytes +[1-9][0-9]*" "metrics: memory usage"

  # Over the limit: the kernel's OOM killer ends the task (SIGKILL → 137).
  local big; big=$(cid oom)
  defer ctr_cleanup "$big"
  run ctr_run --rm --memory-limit 33554432 "$IMAGE" "$big" sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived'
  assert_rc 137 "allocating 64 MiB under a 32 MiB limit"
  assert_not_contains "$out" survived "the allocation did not succeed"
}

capeff_has() { # CAPEFF_HEX BIT
  (( (16#$1 >> $2) & 1 ))
}

sc_cap_drop() {
  local id eff; id=$(cid caps)
  defer ctr_cleanup "$id"
  run_ok ctr_run --rm "$IMAGE" "$id" sh -c 'grep CapEff /proc/self/status; chown 1000 /tmp && echo chown-ok; sleep 0.2'
  eff=$(awk '/CapEff/ { print $2 }' <<<"$out")
  capeff_has "$eff" 0 || fail "CAP_CHOWN should be in the default set (CapEff $eff)"
  assert_contains "$out" chown-ok "chown with CAP_CHOWN"

  run ctr_run --rm --cap-drop CAP_CHOWN "$IMAGE" "$id" sh -c 'grep CapEff /proc/self/status; chown 1000 /tmp && echo chown-ok; sleep 0.2'
  eff=$(awk '/CapEff/ { print $2 }' <<<"$out")
  ! capeff_has "$eff" 0 || fail "--cap-drop CAP_CHOWN left the bit set (CapEff $eff)"
  assert_not_contains "$out" chown-ok "chown without CAP_CHOWN"
  assert_contains "$err" "Operation not permitted" "chown error"
}

sc_read_only_root() {
  local id; id=$(cid ro)
  defer ctr_cleanup "$id"
  run ctr_run --rm --read-only "$IMAGE" "$id" sh -c 'touch /newfile; echo root=$?; touch /dev/shm/f && echo shm-ok; sleep 0.2'
  assert_rc 0 "read-only run"
  assert_contains "$out" "root=1" "writing to the read-only root fails"
  assert_contains "$err" "Read-only file system" "error text"
  assert_contains "$out" shm-ok "tmpfs mounts stay writable"
}

sc_env_cwd_user() {
  local id; id=$(cid env)
  defer ctr_cleanup "$id"
  run_ok ctr_run --rm --env E2E_VAR=hello-env --cwd /home/e2e "$IMAGE" "$id" sh -c 'echo "$E2E_VAR"; pwd; sleep 0.2'
  assert_eq $'hello-env\n/home/e2e' "$out" "--env and --cwd"

  ctr_run_detached "$id" --env E2E_VAR=hello-env -- sleep 1000
  run_ok ctr_ task exec --exec-id u1 --user 1000 "$id" id
  assert_eq "uid=1000(e2e) gid=1000(e2e) groups=1000(e2e)" "$out" "exec --user 1000"
  run_ok ctr_ task exec --exec-id u2 --user nobody --cwd /tmp "$id" sh -c 'id -un; pwd; echo "$E2E_VAR"'
  assert_eq $'nobody\n/tmp\nhello-env' "$out" "exec --user by name, --cwd, env inherited from the task"
}

# A bundle the runtime refuses: the client must show the runtime's own error text.
sc_refused_bundle() {
  local id; id=$(cid refused)
  defer ctr_cleanup "$id"
  run ctr_run --rm "$IMAGE" "$id" /no/such/binary
  e2e_log "    ctr shows: $err"
  [[ $rc -ne 0 ]] || fail "running a missing binary succeeded"
  assert_contains "$err" "/no/such/binary" "containerd reports the runtime's error (path)"
  assert_contains "${err,,}" "no such file or directory" "containerd reports the runtime's error (cause)"
  assert_eq "" "$(ctr_ task ls -q 2>/dev/null | grep -Fx "$id" || true)" "no task left behind"
}

# containerd's systemd cgroup driver configuration (SystemdCgroup = true: ctr's
# --runc-systemd-cgroup) with a "slice:prefix:name" cgroupsPath: the runtime must make the
# transient scope, with the limit as a unit property, and remove it with the task. Needs systemd
# as PID 1 (the test VM's systemd boot: ctest -L systemd runs this scenario alone).
sc_systemd_cgroup() {
  require_systemd_pid1
  local id pid unit memory_dir; id=$(cid sdcg)
  unit="ctr-$id.scope"
  ctr_run_detached "$id" --runc-systemd-cgroup --cgroup "system.slice:ctr:$id" --memory-limit 67108864 -- sleep 1000
  pid=$(task_pid "$id")
  assert_eq active "$(systemctl show --property=ActiveState --value "$unit")" "the scope is active"
  assert_eq 67108864 "$(systemctl show --property="$(memory_limit_property)" --value "$unit")" "the scope's memory limit"
  memory_dir=$(scope_cgroup_dir "$unit" memory)
  assert_match "$memory_dir" "/system.slice/$unit\$" "the scope's cgroup"
  assert_contains "$(cat "$memory_dir/cgroup.procs")" "$pid" "the task's init is in the scope"
  run_ok ctr_ task exec --exec-id s1 "$id" sh -c 'echo in-exec'
  assert_eq in-exec "$out" "exec in a systemd-cgroup task"
  run_ok ctr_ task pause "$id"
  assert_scope_frozen "$unit" 1
  run_ok ctr_ task resume "$id"
  assert_eq RUNNING "$(task_status "$id")" "task ls after resume"
  ctr_cleanup "$id"
  assert_scope_gone "$unit" "$memory_dir"
}

# ---- main -----------------------------------------------------------------------------------

start_containerd
pick_snapshotter
import_image
e2e_log "containerd $(containerd --version | awk '{print $3}'), snapshotter $SNAPSHOTTER, runtime $OCIRUN"

scenario run-to-completion sc_run_to_completion
scenario detached-exec sc_detached_exec
scenario run-tty sc_run_tty
scenario pause-resume sc_pause_resume
scenario kill-sigterm-trapped sc_kill_sigterm_trapped
scenario kill-sigkill sc_kill_sigkill
scenario delete-leaves-nothing sc_delete_leaves_nothing
scenario task-ps sc_task_ps
scenario metrics-memory-limit sc_metrics_memory_limit
scenario cap-drop sc_cap_drop
scenario read-only-root sc_read_only_root
scenario env-cwd-user sc_env_cwd_user
scenario refused-bundle sc_refused_bundle
scenario systemd-cgroup sc_systemd_cgroup

e2e_summary containerd
