#!/bin/bash
# Migration test: a container checkpointed in one guest boot is restored in a second, fresh
# boot ("another machine"). The guest's root is a read-only 9p export of this host under a
# tmpfs overlay, so nothing a boot writes survives it: boot 1 streams the bundle and the images
# out as a tar on its stdout (run-in-vm.sh forwards stdout byte-exact) into a host temp file;
# boot 2 sees that file (the host's / is its lower layer) and restores from it. Only that tar
# goes from one boot to the other.
#
#   tests/vm/criu-migration.sh BUILD_DIR      (exit 77: skipped, reason on stderr)
set -euo pipefail
build=$(cd "${1:?usage: criu-migration.sh BUILD_DIR}" && pwd)
phase=${2:-host}
vm_dir=$(cd "$(dirname "$0")" && pwd)
export OCIRUN_PLUGIN_PATH="$build/lib/ocirun/plugins"
ocirun=("$build/sbin/ocirun" --root /run/ocirun-migration)
work=/tmp/criu-migration   # the same path in both boots: the bundle's path is in the images
id=migrated

count() { cat "$work/bundle/rootfs/tmp/count" 2>/dev/null || echo -1; }

case $phase in
host)
    # Not under /tmp: the guest's /tmp is its own tmpfs; the build dir is seen through the 9p export.
    carry=$(mktemp -d "$build/criu-migration.XXXXXX")
    trap 'rm -rf "$carry"' EXIT
    start=$(date +%s)
    "$vm_dir/run-in-vm.sh" --timeout 900 -- "$0" "$build" dump > "$carry/state.tar" || {
        rc=$?; echo "criu-migration: boot 1 (checkpoint) ended with $rc" >&2; exit "$rc"; }
    echo "criu-migration: boot 1 done in $(( $(date +%s) - start )) s, carried $(stat -c %s "$carry/state.tar") bytes" >&2
    "$vm_dir/run-in-vm.sh" --timeout 900 -- env CRIU_MIGRATION_TAR="$carry/state.tar" "$0" "$build" restore
    echo "criu-migration: both boots done in $(( $(date +%s) - start )) s" >&2
    ;;
dump)
    # Guest, boot 1. Everything but the tar goes to stderr.
    if ! out=$(criu check 2>&1); then echo "criu-migration: criu check failed: $out" >&2; exit 77; fi
    mkdir -p "$work/bundle/rootfs"/{bin,tmp,proc,sys,dev}
    cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
    for n in sh sleep mv cat; do ln -s busybox "$work/bundle/rootfs/bin/$n"; done
    (cd "$work/bundle" && "${ocirun[@]}" spec)
    sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"readonly": true/"readonly": false/' \
        -e 's|"sh"$|"sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done"|' \
        "$work/bundle/config.json"
    # Below the guest's delegated test cgroup (the job's own cgroup, init.scope, has processes);
    # the same path exists in the second boot.
    cgroup=${OCIRUN_VM_TEST_CGROUP:?not in the test VM}
    sed -i -e "s|\"linux\": {|\"linux\": {\"cgroupsPath\": \"${cgroup#/sys/fs/cgroup}/$id\",|" "$work/bundle/config.json"
    # The container's stdio: /dev/null only (the init re-opens it on the container's /dev/null);
    # this script's stdout/stderr are the guest's virtio ports, which CRIU could not dump.
    "${ocirun[@]}" run -d --bundle "$work/bundle" "$id" </dev/null >/dev/null 2>&1 || {
        echo "criu-migration: ocirun run -d failed" >&2; exit 1; }
    for _ in $(seq 100); do [[ $(count) -gt 3 ]] && break; sleep 0.1; done
    "${ocirun[@]}" checkpoint --image-path "$work/images" "$id" >&2
    echo "criu-migration: checkpointed at count $(count)" >&2
    tar -C / -cf - "${work#/}"
    ;;
restore)
    # Guest, boot 2: a fresh machine; only the tar from boot 1 is there.
    tar -C / -xf "$CRIU_MIGRATION_TAR"
    at_dump=$(count)
    "${ocirun[@]}" restore -d --image-path "$work/images" --bundle "$work/bundle" "$id" </dev/null
    for _ in $(seq 100); do [[ $(count) -gt $((at_dump + 3)) ]] && break; sleep 0.1; done
    now=$(count)
    "${ocirun[@]}" state "$id"
    "${ocirun[@]}" delete --force "$id"
    if [[ $now -gt $((at_dump + 3)) ]]; then
        echo "criu-migration: PASS: counter $at_dump at the checkpoint in boot 1, $now after the restore in boot 2"
    else
        echo "criu-migration: FAIL: counter $at_dump at the checkpoint, $now after the restore" >&2
        exit 1
    fi
    ;;
esac
