# common.sh — what both e2e suites share (sourced): the runtime under test, the work dir and its
# teardown, and the preconditions.
#
# The runtime: $OCIRUN if set (e.g. OCIRUN=/usr/sbin/runc to check the suite against runc), else
# the first argument (CTest passes the built ocirun).

e2e_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$e2e_here/assert.sh"
source "$e2e_here/image.sh"

OCIRUN=${OCIRUN:-${1:-}}
export OCIRUN

# e2e_require_host CLIENT...: exits 77 (CTest: skipped) with the reason when the suite cannot run.
e2e_require_host() {
  local c
  if [[ -z $OCIRUN || ! -x $OCIRUN ]]; then
    e2e_log "SKIP: no runtime binary (set OCIRUN or pass it as the first argument): '${OCIRUN}'"; exit 77
  fi
  if ((EUID != 0)); then e2e_log "SKIP: the e2e suite starts containers and needs root"; exit 77; fi
  for c in "$@" script timeout sha256sum; do
    command -v "$c" >/dev/null || { e2e_log "SKIP: $c is not installed (scripts/install-deps.sh installs it)"; exit 77; }
  done
  [[ -x $e2e_busybox ]] || { e2e_log "SKIP: $e2e_busybox missing (busybox-static)"; exit 77; }
}

# in_pty CMD...: runs CMD with a pseudo-terminal as its stdio (util-linux script), so a client's -t
# sees a real tty; script -e returns CMD's status. script runs its command with $SHELL, so SHELL is
# set here (the quoting is bash's %q) and CMD is exec'd: it must stay the pty's foreground process
# group. Under a shell that forks it instead (dash, when SHELL is unset as in CI), `timeout` puts
# CMD in a background group and podman's raw-mode tcsetattr stops it with SIGTTOU until timeout.
in_pty() {
  run env SHELL=/bin/bash script -qefc "exec $(printf '%q ' "$@")" /dev/null </dev/null
  out=${out//$'\r'/}
}

# e2e_workdir NAME: creates the suite's private temp dir in $E2E_TMP.
e2e_workdir() {
  E2E_TMP=$(mktemp -d "/tmp/ocirun-e2e-$1.XXXXXX")
  chmod 755 "$E2E_TMP"
  export E2E_TMP
  # Interrupted (Ctrl-C, kill): leave through `exit`, so the suite's EXIT trap tears down.
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# e2e_unmount_under DIR: lazily unmounts anything still mounted below DIR (deepest first).
e2e_unmount_under() {
  local m
  awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

# host_cgroup_dirs PATTERN: the host cgroup directories (any v1 controller or the unified tree)
# whose path ends in PATTERN (a shell glob), one per line.
host_cgroup_dirs() {
  local d
  for d in /sys/fs/cgroup/*/$1 /sys/fs/cgroup/$1; do
    [[ -d $d ]] && echo "$d"
  done
  return 0
}

# mounts_matching TEXT: mountinfo lines mentioning TEXT.
mounts_matching() { grep -F -- "$1" /proc/self/mountinfo || true; }

# The runtime's pid-1 process in a container, read from the host: pid → its counter file etc.
host_read() { cat "/proc/$1/root$2" 2>/dev/null || true; }

# ---- systemd cgroup driver scenarios (systemd as PID 1: the test VM's systemd boot) ----------

# require_systemd_pid1: ends the scenario as skipped, with the reason, unless systemd is PID 1.
require_systemd_pid1() {
  [[ -d /run/systemd/system ]] ||
    skip "systemd is not PID 1 here (runs in the test VM's systemd boot, ctest -L systemd)"
}

# host_cgroup_is_unified: true on a pure cgroup-v2 host, false on v1/hybrid.
host_cgroup_is_unified() { [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; }

# memory_limit_property: the unit property that holds a scope's memory limit (v2 MemoryMax, v1
# MemoryLimit: what runc and ocirun set).
memory_limit_property() { if host_cgroup_is_unified; then echo MemoryMax; else echo MemoryLimit; fi; }

# scope_cgroup_dir UNIT V1_CONTROLLER: the unit's cgroup directory holding V1_CONTROLLER's files
# (on a pure v2 host the one unified directory), from the unit's ControlGroup property.
scope_cgroup_dir() {
  local cg; cg=$(systemctl show --property=ControlGroup --value "$1")
  [[ -n $cg ]] || { e2e_log "    $1 has no ControlGroup"; return 1; }
  if host_cgroup_is_unified; then echo "/sys/fs/cgroup$cg"; else echo "/sys/fs/cgroup/$2$cg"; fi
}

# assert_scope_frozen UNIT 1|0: the freezer state of the unit's cgroup (v2 cgroup.freeze, v1
# freezer.state).
assert_scope_frozen() {
  local dir; dir=$(scope_cgroup_dir "$1" freezer)
  if host_cgroup_is_unified; then
    assert_file_eq "$dir/cgroup.freeze" "$2" "the scope's cgroup.freeze"
  else
    assert_file_eq "$dir/freezer.state" "$([[ $2 == 1 ]] && echo FROZEN || echo THAWED)" "the scope's freezer.state"
  fi
}

# assert_scope_gone UNIT DIR...: systemd no longer has the unit active and the directories are gone.
assert_scope_gone() {
  local unit=$1 d; shift
  for d in "$@"; do wait_until 60 test ! -e "$d"; done
  assert_ne active "$(systemctl show --property=ActiveState --value "$unit")" "$unit is gone"
}
