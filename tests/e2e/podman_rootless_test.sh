#!/usr/bin/env bash
# podman_rootless_test.sh RUNTIME — end-to-end: rootless podman (a non-root user, podman's own
# user namespace made with newuidmap/newgidmap from /etc/subuid and /etc/subgid) drives RUNTIME
# through conmon, as most podman users run it. The suite makes the user (useradd) and its
# subordinate ranges, and removes both at the end. Image: built locally and `podman import`ed,
# like podman_test.sh (no registry, no network). OCIRUN=/usr/sbin/runc checks the suite on runc.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
e2e_require_host podman conmon setpriv useradd newuidmap newgidmap

RL_USER=ocirun-e2e-rl
RL_SUB_START=1800000
RL_SUB_COUNT=65536
IMAGE=localhost/ocirun-e2e-rootless:latest
e2e_workdir podman-rootless

# The runtime is run by the user: it and its plugins must be readable and executable by others.
if ! setpriv --reuid=65534 --regid=65534 --clear-groups -- test -x "$OCIRUN"; then
  e2e_log "SKIP: $OCIRUN is not executable by an unprivileged user (a parent directory is not world-searchable)"
  exit 77
fi

made_user=no
if ! id "$RL_USER" >/dev/null 2>&1; then
  useradd --no-create-home --shell /usr/sbin/nologin "$RL_USER"
  made_user=yes
fi
RL_UID=$(id -u "$RL_USER")
RL_GID=$(id -g "$RL_USER")

# /etc/subuid-style FILE without the user's lines, plus LINE when given.
set_subordinate() {
  local file=$1 line=${2:-}
  { grep -v "^$RL_USER:" "$file" || true; [[ -n $line ]] && echo "$line"; } >"$file.e2e-new"
  cat "$file.e2e-new" >"$file"
  rm -f "$file.e2e-new"
}
set_subordinate /etc/subuid "$RL_USER:$RL_SUB_START:$RL_SUB_COUNT"
set_subordinate /etc/subgid "$RL_USER:$RL_SUB_START:$RL_SUB_COUNT"

RL_HOME=$E2E_TMP/home
RL_XDG=$E2E_TMP/xdg
mkdir -p "$RL_HOME" "$RL_XDG"
chmod 700 "$RL_XDG"
chown "$RL_UID:$RL_GID" "$RL_HOME" "$RL_XDG"

cat >"$RL_HOME/containers.conf" <<EOF
[containers]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$RL_HOME/events.log"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "ocirun"]
EOF
chown "$RL_UID:$RL_GID" "$RL_HOME/containers.conf"

# A login-like environment of the user's own, as a command prefix (in_pty execs it in a new shell).
AS_USER=(setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --
         env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$RL_HOME" USER="$RL_USER"
         LOGNAME="$RL_USER" XDG_RUNTIME_DIR="$RL_XDG" CONTAINERS_CONF="$RL_HOME/containers.conf" TERM=xterm)
[[ -n ${OCIRUN_PLUGIN_PATH:-} ]] && AS_USER+=(OCIRUN_PLUGIN_PATH="$OCIRUN_PLUGIN_PATH")
PODMAN=("${AS_USER[@]}" podman --runtime "$OCIRUN" --cgroup-manager cgroupfs --events-backend file)
pm() { timeout --kill-after=5 90 "${PODMAN[@]}" "$@"; }

suite_teardown() {
  pm rm -a -f -t 0 >/dev/null 2>&1 || true
  pm rmi -a -f >/dev/null 2>&1 || true
  # podman's rootless pause process keeps the user namespace; it is ours: end it by its pid.
  local pause_pid
  pause_pid=$(cat "$RL_XDG/libpod/tmp/pause.pid" 2>/dev/null || true)
  [[ -n $pause_pid ]] && kill "$pause_pid" 2>/dev/null || true
  # The user's storage holds files of its subordinate ids: removed from the host side.
  e2e_unmount_under "$E2E_TMP"
  set_subordinate /etc/subuid
  set_subordinate /etc/subgid
  [[ $made_user == yes ]] && userdel "$RL_USER" 2>/dev/null || true
  if [[ -n ${E2E_KEEP:-} ]]; then e2e_log "kept $E2E_TMP"; else rm -rf "$E2E_TMP"; fi
}
trap suite_teardown EXIT

import_image() {
  local b=$E2E_TMP/image
  mkdir -p "$b"
  e2e_build_rootfs "$b/rootfs"
  e2e_build_rootfs_tar "$b/rootfs" "$b/rootfs.tar"
  chown -R "$RL_UID:$RL_GID" "$b"
  if ! pm import --change CMD=sh "$b/rootfs.tar" "$IMAGE" >"$b/import.log" 2>&1; then
    e2e_log "SKIP: rootless podman cannot import an image on this host:"; cat "$b/import.log" >&2; exit 77
  fi
  rm -rf "$b"
}

cname() { echo "e2e-rl-$1-$$"; }
pm_cleanup() { pm rm -f -t 0 "$1" >/dev/null 2>&1 || true; }

# ---- scenarios ------------------------------------------------------------------------------

sc_echo() {
  local name; name=$(cname echo)
  defer pm_cleanup "$name"
  run pm run --rm --name "$name" "$IMAGE" sh -c 'echo hello rootless; id -u; exit 3'
  assert_rc 3 "exit code"
  assert_eq $'hello rootless\n0' "$out" "stdout (root in podman's user namespace)"
  run_ok pm ps -a --filter "name=$name" -q
  assert_eq "" "$out" "--rm removed the container"
  # podman passes no --root: the runtime chose its rootless default under XDG_RUNTIME_DIR.
  [[ -d $RL_XDG/$(basename "$OCIRUN") ]] || fail "no state root $RL_XDG/$(basename "$OCIRUN"): was $OCIRUN used?"
}

sc_interactive_shell() {
  local name; name=$(cname it)
  defer pm_cleanup "$name"
  in_pty "${PODMAN[@]}" run --rm -it --name "$name" "$IMAGE" \
    sh -c '[ -t 0 ] && [ -t 1 ] && echo tty-ok; tty; exit 5'
  assert_rc 5 "run -it exit code"
  assert_contains "$out" tty-ok "run -it gives the shell a terminal"
  assert_match "$out" "/dev/(pts/[0-9]+|console)" "the terminal's name"
}

sc_exec_and_rm() {
  local name; name=$(cname exec)
  defer pm_cleanup "$name"
  run_ok pm run -d --name "$name" "$IMAGE" sleep 1000
  run pm exec "$name" sh -c 'echo in-exec; exit 6'
  assert_rc 6 "exec exit code"
  assert_eq in-exec "$out" "exec stdout"
  in_pty "${PODMAN[@]}" exec -it "$name" sh -c '[ -t 0 ] && echo tty-ok; exit 4'
  assert_rc 4 "exec -it exit code"
  assert_contains "$out" tty-ok "exec -it gives the process a terminal"
  run_ok pm rm -f -t 0 "$name"
  run_ok pm ps -a --filter "name=$name" -q
  assert_eq "" "$out" "rm removed the container"
  assert_eq "" "$(mounts_matching "$name")" "mounts left behind"
}

import_image
e2e_log "rootless podman $(podman --version | awk '{print $3}') as $RL_USER ($RL_UID), runtime $OCIRUN"

scenario echo sc_echo
scenario interactive-shell sc_interactive_shell
scenario exec-and-rm sc_exec_and_rm

e2e_summary podman-rootless
