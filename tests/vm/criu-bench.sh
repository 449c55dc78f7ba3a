#!/bin/bash
# Dump and restore time of a container holding 64 MiB of written memory (tests/checkpoint-holder:
# `holder memory 64`), ocirun against runc in the same guest boot, interleaved run by run
# (ocirun, runc, ocirun, ...) so that the guest's load hits both alike; prints each time and
# the medians. docs/benchmarks.md records its output.
#
#   tests/vm/criu-bench.sh BUILD_DIR [RUNS] [MIB]     (default 5 runs, 64 MiB; exit 77: skipped)
#
# On the host it boots the test VM and runs itself there; in the guest it runs directly.
set -euo pipefail
build=$(cd "${1:?usage: criu-bench.sh BUILD_DIR [RUNS] [MIB]}" && pwd)
runs=${2:-5}
mib=${3:-64}
vm_dir=$(cd "$(dirname "$0")" && pwd)
if [[ ${OCIRUN_IN_VM:-} != 1 ]]; then
    exec "$vm_dir/run-in-vm.sh" --timeout 2400 -- "$0" "$build" "$runs" "$mib"
fi
if ! out=$(criu check 2>&1); then echo "criu-bench: criu check failed: $out" >&2; exit 77; fi
command -v runc >/dev/null || { echo "criu-bench: runc is not installed: nothing to compare with" >&2; exit 77; }

export OCIRUN_PLUGIN_PATH="$build/lib/ocirun/plugins"
work=$(mktemp -d /tmp/criu-bench.XXXXXX)
bundle=$work/bundle
id=criu-bench
declare -A runtime=([ocirun]="$build/sbin/ocirun --root $work/ocirun-root" [runc]="runc --root $work/runc-root")
cleanup() {
    for name in ocirun runc; do ${runtime[$name]} delete --force "$id" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$bundle/rootfs"/{bin,tmp,proc,sys,dev}
cp "$build/bin/ocirun-test-checkpoint-holder" "$bundle/rootfs/bin/holder"
(cd "$bundle" && "$build/sbin/ocirun" spec)
cgroup=${OCIRUN_VM_TEST_CGROUP:?not in the test VM}
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"readonly": true/"readonly": false/' \
    -e "s|\"sh\"$|\"/bin/holder\", \"memory\", \"$mib\"|" \
    -e "s|\"linux\": {|\"linux\": {\"cgroupsPath\": \"${cgroup#/sys/fs/cgroup}/$id\",|" "$bundle/config.json"

now() { date +%s%N; }
seconds() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One checkpoint + restore -d of a fresh container under runtime $1; appends to dump_$1/restore_$1.
measure() {
    local name=$1 rt=${runtime[$1]} images=$work/images
    rm -rf "$images" "$bundle/rootfs/tmp/ready"
    $rt run -d --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1 || { echo "criu-bench: $name run failed" >&2; exit 1; }
    for _ in $(seq 600); do [[ -e $bundle/rootfs/tmp/ready ]] && break; sleep 0.2; done
    [[ -e $bundle/rootfs/tmp/ready ]] || { echo "criu-bench: $name: the holder never filled its memory" >&2; exit 1; }
    local t0 t1 t2
    t0=$(now)
    $rt checkpoint --image-path "$images" "$id" >&2
    t1=$(now)
    $rt restore -d --image-path "$images" --bundle "$bundle" "$id" </dev/null >/dev/null
    t2=$(now)
    # The restored holder must hold its memory again and run on.
    local pid rss
    pid=$($rt state "$id" | sed -n 's/^ *"pid": \([0-9]*\),*$/\1/p')
    rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$pid/status")
    (( rss >= mib )) || { echo "criu-bench: $name: the restored holder has VmRSS $rss MiB < $mib MiB" >&2; exit 1; }
    $rt delete --force "$id"
    eval "dump_$name+=($((t1 - t0)))"
    eval "restore_$name+=($((t2 - t1)))"
    echo "criu-bench: run $2 $name: checkpoint $(seconds $((t1 - t0))) s, restore $(seconds $((t2 - t1))) s, restored VmRSS $rss MiB" >&2
}

dump_ocirun=() restore_ocirun=() dump_runc=() restore_runc=()
for i in $(seq "$runs"); do
    measure ocirun "$i"
    measure runc "$i"
done
ns_to_s() { local out=(); for v in "$@"; do out+=("$(seconds "$v")"); done; echo "${out[@]}"; }
echo "criu-bench: $mib MiB holder, $runs runs each, CRIU $(criu --version | sed -n 's/^Version: //p'), $(nproc) vCPUs"
for name in ocirun runc; do
    eval "d=(\"\${dump_$name[@]}\"); r=(\"\${restore_$name[@]}\")"
    echo "criu-bench: $name checkpoint median $(seconds "$(median "${d[@]}")") s ($(ns_to_s "${d[@]}")); restore median $(seconds "$(median "${r[@]}")") s ($(ns_to_s "${r[@]}"))"
done
