#!/bin/bash
# Self-test of the test VM (tests/vm/run-in-vm.sh), booting it once.
#
# On the host it boots the VM and runs this same file inside it; inside (OCIRUN_IN_VM=1) it
# checks the guest is the pure cgroup-v2 host the v2 tests need, prints a numbered block of
# output and exits with GUEST_EXIT_CODE on success. The host then checks that the exit code,
# stdout and stderr all came back intact.
set -uo pipefail

readonly GUEST_EXIT_CODE=3
readonly OUTPUT_LINES=400
readonly GUEST_CHECKS=11
SELF=$(realpath -- "${BASH_SOURCE[0]}")
readonly SELF

# Lines of varying length; builtins only, since every process spawned in the guest is slow.
print_numbered_lines() {
    local i pad
    for ((i = 1; i <= OUTPUT_LINES; i++)); do
        printf -v pad '%*s' $((i % 97)) ''
        printf 'selftest-line %d %s\n' "$i" "${pad// /x}"
    done
}

readonly EXIT_SKIP=77

# ---------------------------------------------------------------- inside the VM

guest_failures=0
check() {
    local name=$1
    shift
    local output started=$SECONDS
    if output=$("$@" 2>&1); then
        echo "guest-check PASS $name ($((SECONDS - started))s)"
    else
        echo "guest-check FAIL $name ($((SECONDS - started))s)"
        [[ -n $output ]] && sed 's/^/    /' <<<"$output"
        guest_failures=$((guest_failures + 1))
    fi
}

cgroup_is_pure_v2() {
    local fstype
    fstype=$(stat -f -c %T /sys/fs/cgroup) || return 1
    [[ $fstype == cgroup2fs ]] || { echo "/sys/fs/cgroup is $fstype, not cgroup2fs"; return 1; }
    if grep -E '^[^ ]+ [^ ]+ cgroup ' /proc/self/mounts; then
        echo "cgroup v1 hierarchies are mounted (listed above)"
        return 1
    fi
}

test_cgroup_has_controllers() {
    local cg=${OCIRUN_VM_TEST_CGROUP:-}
    [[ -n $cg && -d $cg ]] || { echo "OCIRUN_VM_TEST_CGROUP='$cg' is not a directory"; return 1; }
    local have wanted=(memory cpu pids io cpuset)
    have=" $(cat "$cg/cgroup.controllers") "
    # hugetlb exists only where the kernel has huge pages; when the root has it, so must we.
    grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers && wanted+=(hugetlb)
    for c in "${wanted[@]}"; do
        [[ $have == *" $c "* ]] || { echo "controller $c missing from $cg/cgroup.controllers:$have"; return 1; }
    done
}

# What a runtime does with the test cgroup: make a child, set limits, move a process in.
test_cgroup_is_usable() {
    local cg=$OCIRUN_VM_TEST_CGROUP/selftest-$$
    mkdir "$cg" || return 1
    local rc=0
    echo 64M >"$cg/memory.max" && echo 50 >"$cg/pids.max" && echo "50000 100000" >"$cg/cpu.max" \
        && sh -c "echo \$\$ >'$cg/cgroup.procs' && exec true" || rc=1
    rmdir "$cg" || rc=1
    return "$rc"
}

runs_in_init_scope() {
    local line
    line=$(cat /proc/self/cgroup)
    [[ $line == "0::/init.scope" ]] || { echo "/proc/self/cgroup is '$line'"; return 1; }
}

environment_is_passed() {
    [[ ${OCIRUN_IN_VM:-} == 1 ]] || { echo "OCIRUN_IN_VM='${OCIRUN_IN_VM:-}'"; return 1; }
    [[ ${SELFTEST_HOST_MARKER:-} == "from the host" ]] \
        || { echo "host environment not passed: SELFTEST_HOST_MARKER='${SELFTEST_HOST_MARKER:-}'"; return 1; }
    [[ $PWD == "$SELFTEST_EXPECTED_PWD" ]] || { echo "cwd $PWD, expected $SELFTEST_EXPECTED_PWD"; return 1; }
}

dev_fd_and_limits_are_usable() {
    [[ $(cat <(echo via-dev-fd)) == via-dev-fd ]] || { echo "process substitution (/dev/fd) fails"; return 1; }
    local nofile
    nofile=$(ulimit -Hn)
    [[ $nofile == unlimited ]] || ((nofile >= 65536)) || { echo "hard nofile limit only $nofile"; return 1; }
}

root_is_writable_overlay() {
    echo ok >/etc/ocirun-vm-selftest && rm /etc/ocirun-vm-selftest
}

# Bundles and state need device nodes, which the 9p-backed tree cannot hold.
tmp_is_tmpfs_with_device_nodes() {
    [[ $(stat -f -c %T /tmp) == tmpfs ]] || { echo "/tmp is not tmpfs"; return 1; }
    local dir
    dir=$(mktemp -d) || return 1
    mknod "$dir/null" c 1 3 && [[ -c $dir/null ]]
    local rc=$?
    rm -rf "$dir"
    return "$rc"
}

pid_and_mount_namespaces_work() {
    unshare -m -p -f --mount-proc true
}

pivot_root_into_tmpfs_works() {
    local newroot
    newroot=$(mktemp -d) || return 1
    # In a private mount namespace: a tmpfs holding only a static busybox becomes the root, and
    # the old root must be gone after the detach.
    # shellcheck disable=SC2016  # expanded by the inner shell
    unshare -m sh -euc '
        mount -t tmpfs newroot "$1"
        mkdir "$1/bin" "$1/old-root"
        cp /bin/busybox "$1/bin/busybox"
        cd "$1"
        pivot_root . old-root
        exec /bin/busybox sh -euc "
            /bin/busybox umount -l /old-root
            /bin/busybox test ! -e /old-root/etc
            /bin/busybox test -x /bin/busybox
        "' pivot "$newroot"
    local rc=$?
    rmdir "$newroot"
    return "$rc"
}

# The veth driver is a module the initramfs lacks: this passes only if the kernel's module
# autoloading finds the host's /lib/modules.
module_autoload_works() {
    unshare -n sh -ec 'ip link add selftest0 type veth peer name selftest1; ip link del selftest0'
}

guest_main() {
    check cgroup-is-pure-v2 cgroup_is_pure_v2
    check test-cgroup-has-controllers test_cgroup_has_controllers
    check test-cgroup-is-usable test_cgroup_is_usable
    check runs-in-init-scope runs_in_init_scope
    check environment-is-passed environment_is_passed
    check dev-fd-and-limits-are-usable dev_fd_and_limits_are_usable
    check root-is-writable-overlay root_is_writable_overlay
    check tmp-is-tmpfs-with-device-nodes tmp_is_tmpfs_with_device_nodes
    check pid-and-mount-namespaces-work pid_and_mount_namespaces_work
    check pivot-root-into-tmpfs-works pivot_root_into_tmpfs_works
    check module-autoload-works module_autoload_works
    print_numbered_lines
    echo "selftest-stderr-marker" >&2
    if ((guest_failures > 0)); then
        echo "guest-checks-failed $guest_failures"
        exit 1
    fi
    exit "$GUEST_EXIT_CODE"
}

# ---------------------------------------------------------------- on the host

host_passed=0
host_failed=0
host_result() {
    if [[ $1 == PASS ]]; then host_passed=$((host_passed + 1)); else host_failed=$((host_failed + 1)); fi
    echo "$1 $2"
}

host_main() {
    local out err rc=0 started
    # ctest starts us in the build tree, which may sit under /tmp (hidden in the guest).
    cd -- "$(dirname -- "$SELF")" || return 1
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    out=$work/stdout
    err=$work/stderr
    started=$SECONDS
    SELFTEST_HOST_MARKER="from the host" SELFTEST_EXPECTED_PWD=$PWD \
        "$(dirname -- "$SELF")/run-in-vm.sh" --timeout "${SELFTEST_TIMEOUT:-900}" -- bash "$SELF" --guest \
        >"$out" 2>"$err" || rc=$?
    echo "vm selftest: one boot took $((SECONDS - started))s, exit code $rc"

    # Every guest check reported and passed.
    local line verdict name checks=0
    while read -r _ verdict name; do
        checks=$((checks + 1))
        host_result "$verdict" "guest: $name"
    done < <(grep -a '^guest-check ' "$out")
    if ((checks == GUEST_CHECKS)); then
        host_result PASS "all $GUEST_CHECKS guest checks reported"
    else
        host_result FAIL "expected $GUEST_CHECKS guest checks, got $checks"
    fi

    if ((rc == GUEST_EXIT_CODE)); then
        host_result PASS "exit code $GUEST_EXIT_CODE propagated"
    else
        host_result FAIL "exit code: expected $GUEST_EXIT_CODE, got $rc"
    fi

    if diff <(print_numbered_lines) <(grep -a '^selftest-line ' "$out") >"$work/diff"; then
        host_result PASS "$OUTPUT_LINES lines of stdout intact"
    else
        host_result FAIL "stdout mangled: $(head -c 2000 "$work/diff")"
    fi

    if grep -qx 'selftest-stderr-marker' "$err" && ! grep -q selftest-stderr-marker "$out"; then
        host_result PASS "stderr kept apart from stdout"
    else
        host_result FAIL "stderr marker not found on stderr alone"
    fi

    if ((host_failed > 0)); then
        echo "--- guest stdout (head) ---"; head -n 40 "$out"
        echo "--- guest stderr ---"; head -c 8000 "$err"
    fi
    echo "$host_passed passed, $host_failed failed"
    ((host_failed == 0))
}

if [[ ${1:-} == --guest ]]; then
    [[ ${OCIRUN_IN_VM:-} == 1 ]] || { echo "selftest.sh --guest runs only inside the test VM" >&2; exit 1; }
    guest_main
elif [[ ${OCIRUN_IN_VM:-} == 1 ]]; then
    # ctest run inside the VM reaches this test too; a VM cannot boot itself.
    echo "SKIP: vm.selftest boots the test VM and cannot run inside it"
    exit "$EXIT_SKIP"
else
    host_main
fi
