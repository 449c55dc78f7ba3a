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
