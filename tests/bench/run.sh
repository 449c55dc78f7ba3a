#!/usr/bin/env bash
# tests/bench/run.sh [ITERATIONS] — one command: build a Release ocirun, then benchmark it
# against Debian's runc and crun on the same busybox bundles, interleaved, and print medians,
# ratios and whether the speed targets are met. Results: docs/benchmarks.md.
#
# crun refuses this host's hybrid cgroup layout, so every runtime runs alike inside a private
# mount namespace where /sys/fs/cgroup/unified is unmounted (a plain cgroup v1 view).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
iterations=${1:-${ITERATIONS:-30}}
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh" "$top/build-release" -DCMAKE_BUILD_TYPE=Release -DOCIRUN_BUILD_TESTS=OFF -DOCIRUN_SANITIZE=OFF
work=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
if mountpoint -q /sys/fs/cgroup/unified; then
  echo "note: running in a private mount namespace with /sys/fs/cgroup/unified unmounted (crun refuses hybrid cgroups)"
fi
exec unshare -m --propagation private -- sh -c '
  if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
  exec "$0" "$@"' \
  "$top/build-release/bin/ocirun_bench" --iterations "$iterations" --work "$work" \
    --scale "${SCALE:-100}" --list-count "${LIST_COUNT:-1000}" \
    ocirun="$top/build-release/sbin/ocirun" runc="$(command -v runc)" crun="$(command -v crun)"
