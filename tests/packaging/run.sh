#!/usr/bin/env bash
# run.sh [BUILD_DIR] — CI's packaging test (docs/packaging.md), as root, after the Release build:
# builds the .deb files from BUILD_DIR (default build-release), checks each one's Depends against
# what its ELF files link, runs lintian (no errors allowed), and installs them one by one into
# a clean bookworm root (chroot-scenario.sh). Prints the time of each phase.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dir=${1:-"$top/build-release"}
cache=${OCIRUN_PKG_CACHE:-/var/cache/ocirun-pkg}
[[ $(id -u) == 0 ]] || { echo "packaging test: needs root (chroot, mounts, apt in the root)" >&2; exit 1; }

phase_start=$SECONDS
phase() { echo "packaging test: $1 took $((SECONDS - phase_start)) s" >&2; phase_start=$SECONDS; }

root=""
cleanup() {
  [[ -n $root ]] || return 0
  # After a failure a container may still run in the root: stop it and drop its cgroups.
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/root" 2>/dev/null) == "$root"* ]] && kill -9 "${p#/proc/}" 2>/dev/null || true
  done
  find /sys/fs/cgroup -depth -type d -name 'ocirun-pkg-*' -exec rmdir {} + 2>/dev/null || true
  # The scenario's mounts lived in its own mount namespace: only files remain here.
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

mapfile -t debs < <("$here/build-debs.sh" "$dir")
phase "building ${#debs[@]} packages"
"$here/check-depends.sh" "${debs[@]}"
phase "checking Depends"
lintian --fail-on error --no-tag-display-limit "${debs[@]}"
phase "lintian"
root=$(mktemp -d /var/tmp/ocirun-pkg-root.XXXXXX)
"$here/bookworm-root.sh" "$root"
phase "unpacking the bookworm root"
mkdir -p "$cache/apt-archives"
unshare --mount --propagation private -- "$here/chroot-scenario.sh" "$root" "$dir/debs" "$cache/apt-archives"
phase "install scenario"
echo "packaging test: PASS" >&2
