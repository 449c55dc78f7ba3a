#!/bin/bash
# Runs a command inside a throw-away QEMU VM that is a pure cgroup-v2 host, and returns its
# output and exit code. The guest sees this machine's whole root read-only (virtio-9p) under a
# tmpfs overlay, so build trees and binaries are at the same paths; see tests/vm/README.md.
#
# usage: run-in-vm.sh [--timeout SECS] [--keep] [--verbose] [--lsm apparmor|selinux] [--cgroup v2|hybrid]
#                     -- COMMAND [ARGS...]
#
# Exit code: COMMAND's own, or 124 if the overall timeout killed the VM, or 125 if the VM
# could not be prepared or did not report an exit status.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
    9pnet 9pnet_virtio netfs fscache 9p virtio_console overlay)
readonly EXIT_TIMEOUT=124
readonly EXIT_HARNESS=125

timeout_secs=${OCIRUN_VM_TIMEOUT:-3600}
keep_run_dir=0
lsm=""
cgroup_mode=v2
verbose=0
cache_root=${OCIRUN_VM_CACHE:-/var/cache/ocirun-vm}
memory_mib=${OCIRUN_VM_MEMORY:-2048}
cpus=${OCIRUN_VM_CPUS:-2}

fail() {
    echo "run-in-vm: $*" >&2
    exit "$EXIT_HARNESS"
}

usage() {
    cat >&2 <<'EOF'
usage: run-in-vm.sh [--timeout SECS] [--keep] [--verbose] [--lsm apparmor|selinux] [--cgroup v2|hybrid]
                    -- COMMAND [ARGS...]
  --timeout SECS  kill the VM after SECS seconds (default 3600, env OCIRUN_VM_TIMEOUT)
  --keep          keep the per-run directory (console log, job script) and print its path
  --verbose       print the guest's console log (boot messages) to stderr afterwards
  --lsm KIND      boot with AppArmor (apparmor=1 security=apparmor) or SELinux (security=selinux
                  selinux=1, policy loaded permissive by lsm-setup.sh) before COMMAND runs
  --cgroup MODE   v2 (default): a pure cgroup-v2 host; hybrid: systemd's hybrid layout (v1
                  controllers, cgroup2 at /sys/fs/cgroup/unified), only with systemd as PID 1
                  (OCIRUN_VM_APPEND=ocirun_vm.systemd=1), which mounts the hierarchies
Environment: OCIRUN_VM_CACHE (kernel/initramfs cache dir, default /var/cache/ocirun-vm),
  OCIRUN_VM_KERNEL (kernel version in /lib/modules to boot), OCIRUN_VM_MEMORY (MiB, 2048),
  OCIRUN_VM_CPUS (2), OCIRUN_VM_APPEND (extra kernel command line, e.g. loglevel=7 to debug).
EOF
    exit "$EXIT_HARNESS"
}

parse_args() {
    while (($#)); do
        case "$1" in
            --timeout)
                (($# >= 2)) || usage
                [[ $2 =~ ^[1-9][0-9]*$ ]] || fail "--timeout wants a positive number of seconds, got '$2'"
                timeout_secs=$2
                shift 2
                ;;
            --keep) keep_run_dir=1; shift ;;
            --verbose) verbose=1; shift ;;
            --lsm)
                (($# >= 2)) || usage
                [[ $2 == apparmor || $2 == selinux ]] || fail "--lsm wants apparmor or selinux, got '$2'"
                lsm=$2
                shift 2
                ;;
            --cgroup)
                (($# >= 2)) || usage
                [[ $2 == v2 || $2 == hybrid ]] || fail "--cgroup wants v2 or hybrid, got '$2'"
                cgroup_mode=$2
                shift 2
                ;;
            --) shift; break ;;
            -h | --help) usage ;;
            *) echo "run-in-vm: unknown option '$1'" >&2; usage ;;
        esac
    done
    (($#)) || usage
    command_argv=("$@")
    # The plain boot kind's init mounts cgroup2 alone; only systemd sets up a hybrid layout.
    [[ $cgroup_mode == v2 || " ${OCIRUN_VM_APPEND:-} " == *" ocirun_vm.systemd=1 "* ]] ||
        fail "--cgroup hybrid needs the systemd boot kind (OCIRUN_VM_APPEND=ocirun_vm.systemd=1)"
}

# The newest Debian kernel whose image and modules are both installed (the guest loads the
# rest of its modules from the host's /lib/modules through the shared root).
pick_kernel() {
    if [[ -n ${OCIRUN_VM_KERNEL:-} ]]; then
        kernel_version=$OCIRUN_VM_KERNEL
    else
        kernel_version=$(
            for dir in /lib/modules/*-amd64; do
                version=${dir##*/}
                [[ -f /boot/vmlinuz-$version ]] && echo "$version"
            done | sort -V | tail -n 1
        )
    fi
    [[ -n $kernel_version ]] || fail "no Debian kernel found (/boot/vmlinuz-*-amd64 with /lib/modules)"
    [[ -f /boot/vmlinuz-$kernel_version ]] || fail "kernel image /boot/vmlinuz-$kernel_version missing"
    [[ -f /lib/modules/$kernel_version/modules.dep ]] \
        || fail "/lib/modules/$kernel_version/modules.dep missing"
}

# QEMU boots an uncompressed ELF kernel through its PVH entry point, which skips the bzImage
# real-mode setup and self-decompression (slow under TCG). Debian's vmlinuz is xz-compressed:
# find the xz stream inside it and unpack it.
extract_vmlinux() {
    local vmlinuz=$1 out=$2 offset
    # No pipes here: under pipefail the early exit of a reader (SIGPIPE) would fail them.
    offset=$(LC_ALL=C grep -m1 -obUaP '\xfd7zXZ' "$vmlinuz") || return 1
    offset=${offset%%:*}
    xz -dc --single-stream <(tail -c "+$((offset + 1))" "$vmlinuz") >"$out" 2>/dev/null || return 1
    [[ $(head -c 4 "$out" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]
}

# Prints the module files (relative to /lib/modules/<version>) needed for MODULES, each after
# its dependencies, skipping modules built into the kernel.
resolve_modules() {
    local moddir=/lib/modules/$kernel_version module line path deps dep
    local -A seen=()
    for module in "${MODULES[@]}"; do
        if grep -qE "/${module}\.ko(\.[a-z]+)?$" "$moddir/modules.builtin"; then
            continue
        fi
        line=$(grep -E "(^|/)${module}\.ko(\.[a-z]+)?:" "$moddir/modules.dep") \
            || fail "kernel module $module is neither built in nor in $moddir/modules.dep"
        path=${line%%:*}
        read -r -a deps <<<"${line#*:}"
        # modules.dep lists the full dependency closure; loading it back to front is modprobe's order.
        for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
            dep=${deps[i]}
            [[ -n ${seen[$dep]:-} ]] || { seen[$dep]=1; echo "$dep"; }
        done
        [[ -n ${seen[$path]:-} ]] || { seen[$path]=1; echo "$path"; }
    done
}

build_initramfs() {
    local out=$1 staging=$2 moddir=/lib/modules/$kernel_version rel name
    mkdir -p "$staging/bin" "$staging/lib/modules"
    cp /bin/busybox "$staging/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [[ $applet == busybox ]] || ln -s busybox "$staging/bin/$applet"
    done
    ln -s bin "$staging/sbin"
    install -m 0755 "$SCRIPT_DIR/guest-init.sh" "$staging/init"
    : >"$staging/lib/modules/modules.list"
    while read -r rel; do
        name=${rel##*/}
        case "$name" in
            *.ko) cp "$moddir/$rel" "$staging/lib/modules/$name" ;;
            *.ko.xz) xz -dc "$moddir/$rel" >"$staging/lib/modules/${name%.xz}"; name=${name%.xz} ;;
            *.ko.zst) zstd -qdc "$moddir/$rel" >"$staging/lib/modules/${name%.zst}"; name=${name%.zst} ;;
            *.ko.gz) gzip -dc "$moddir/$rel" >"$staging/lib/modules/${name%.gz}"; name=${name%.gz} ;;
            *) fail "unexpected module file $rel" ;;
        esac
        echo "/lib/modules/$name" >>"$staging/lib/modules/modules.list"
    done < <(resolve_modules)
    (cd "$staging" && find . -print0 | LC_ALL=C sort -z | cpio --quiet -o -H newc -0 --owner 0:0) \
        | gzip -1 >"$out"
}

# Kernel and initramfs are cached per kernel version and per content of the scripts that shape
# them, so an edit to guest-init.sh or this file rebuilds them.
prepare_boot_files() {
    local key tmp
    key=$(cat "$SCRIPT_DIR/guest-init.sh" "${BASH_SOURCE[0]}" /bin/busybox \
        "/lib/modules/$kernel_version/modules.dep" | sha256sum | cut -c1-16)
    boot_dir=$cache_root/$kernel_version-$key
    if [[ -f $boot_dir/initramfs.cpio.gz ]]; then
        return 0
    fi
    mkdir -p "$cache_root" || fail "cannot create cache dir $cache_root"
    # Concurrent runs build once: the loser of the lock finds the finished directory.
    exec {lock_fd}>"$cache_root/.lock"
    flock -w 600 "$lock_fd" || fail "waited 600s for the build lock $cache_root/.lock"
    if [[ ! -f $boot_dir/initramfs.cpio.gz ]]; then
        echo "run-in-vm: building kernel and initramfs for $kernel_version in $boot_dir" >&2
        tmp=$(mktemp -d "$cache_root/.build.XXXXXX")
        if ! extract_vmlinux "/boot/vmlinuz-$kernel_version" "$tmp/vmlinux"; then
            # Not an xz bzImage: QEMU can still boot the bzImage itself, only more slowly.
            cp "/boot/vmlinuz-$kernel_version" "$tmp/vmlinux"
        fi
        build_initramfs "$tmp/initramfs.cpio.gz.part" "$tmp/root"
        rm -rf "$tmp/root"
        mv "$tmp/initramfs.cpio.gz.part" "$tmp/initramfs.cpio.gz"
        rm -rf "$boot_dir"
        mv "$tmp" "$boot_dir"
        # Older builds for this kernel are stale now.
        find "$cache_root" -maxdepth 1 -name "$kernel_version-*" ! -path "$boot_dir" \
            -exec rm -rf {} + 2>/dev/null || true
    fi
    flock -u "$lock_fd"
    exec {lock_fd}>&-
}

# The job is a bash script the guest runs as the command: the caller's environment and working
# directory, the VM marker, then COMMAND.
write_job() {
    local job=$1 name
    {
        echo '#!/bin/bash'
        for name in $(compgen -e); do
            case "$name" in PWD | OLDPWD | SHLVL | _ | BASH_* | HOSTNAME) continue ;; esac
            printf 'export %s=%q\n' "$name" "${!name}"
        done
        echo 'export OCIRUN_IN_VM=1'
        echo 'export OCIRUN_VM_TEST_CGROUP=/sys/fs/cgroup/ocirun-test'
        if [[ -n $lsm ]]; then
            printf 'export OCIRUN_VM_LSM=%q\n' "$lsm"
            printf '%q %q || exit 125\n' "$SCRIPT_DIR/lsm-setup.sh" "$lsm"
        fi
        printf 'cd -- %q || { echo "run-in-vm: cannot enter %q in the guest" >&2; exit 125; }\n' \
            "$PWD" "$PWD"
        printf 'exec'
        printf ' %q' "${command_argv[@]}"
        echo
    } >"$job"
}

# shellcheck disable=SC2317  # runs from the EXIT trap
cleanup() {
    local pid
    for pid in ${qemu_pid:-} ${forwarder_pids[@]+"${forwarder_pids[@]}"}; do
        kill "$pid" 2>/dev/null || true
    done
    if [[ -n ${run_dir:-} && -d $run_dir ]]; then
        if ((keep_run_dir)); then
            echo "run-in-vm: run directory kept at $run_dir" >&2
        else
            rm -rf "$run_dir"
        fi
    fi
}

# A FIFO per output port lets output stream live to our stdout/stderr whatever they are
# (pipe, file, tty, socket), which QEMU's own file chardev cannot open in every case.
start_forwarder() {
    local fifo=$1 target_fd=$2
    mkfifo "$fifo"
    cat "$fifo" >&"$target_fd" &
    forwarder_pids+=($!)
}

# Ends a forwarder whose FIFO QEMU never opened (it died early): a non-blocking open succeeds
# only while cat still waits for a writer, and closing it gives cat its EOF.
release_forwarder() {
    dd if=/dev/null of="$1" oflag=nonblock status=none 2>/dev/null || true
}

print_console_tail() {
    if [[ -s $run_dir/console.log ]]; then
        echo "run-in-vm: last lines of the guest console:" >&2
        tail -n "${1:-40}" "$run_dir/console.log" | sed 's/^/  | /' >&2
    fi
}

main() {
    parse_args "$@"
    if [[ ${OCIRUN_IN_VM:-} == 1 ]]; then
        # Already the guest (e.g. a ctest test that wraps itself in run-in-vm.sh, run by a
        # ctest that is itself in the VM): there is nothing to boot.
        exec "${command_argv[@]}"
    fi
    # The guest mounts its own tmpfs on /tmp; a working tree under the host's /tmp is kept
    # visible there by a bind of its top directory (guest-init.sh, ocirun_vm.keep).
    local keep=""
    if [[ $PWD == /tmp || $PWD == /tmp/* ]]; then
        [[ $PWD != /tmp && $PWD != *[[:space:]]* ]] ||
            fail "the working directory $PWD must be below /tmp, not /tmp itself, and without spaces"
        keep=/tmp/$(cut -d/ -f3 <<<"$PWD")  # /tmp/a/b/c -> /tmp/a
    fi
    "$SCRIPT_DIR/install-vm-deps.sh" || fail "installing the VM's packages failed (see above)"
    pick_kernel
    prepare_boot_files

    forwarder_pids=()
    trap cleanup EXIT
    trap 'echo "run-in-vm: interrupted, killing the VM" >&2; exit 130' INT TERM HUP
    run_dir=$(mktemp -d /tmp/ocirun-vm-run.XXXXXX)
    write_job "$run_dir/job.sh"
    start_forwarder "$run_dir/stdout.fifo" 1
    start_forwarder "$run_dir/stderr.fifo" 2

    local cmdline="console=ttyS0 quiet loglevel=4 panic=-1 oops=panic rdinit=/init"
    if [[ $cgroup_mode == hybrid ]]; then
        # systemd 252: v1 controllers plus its own cgroup2 at /sys/fs/cgroup/unified.
        cmdline+=" systemd.unified_cgroup_hierarchy=0"
    else
        cmdline+=" systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all"
    fi
    cmdline+=" mitigations=off tsc=reliable no_timer_check random.trust_cpu=on 8250.nr_uarts=1"
    cmdline+=" ocirun_vm.job=$run_dir/job.sh ${OCIRUN_VM_APPEND:-}"
    case "$lsm" in
        apparmor) cmdline+=" apparmor=1 security=apparmor" ;;
        selinux) cmdline+=" security=selinux selinux=1" ;;
    esac
    [[ -z $keep ]] || cmdline+=" ocirun_vm.keep=$keep"

    # shellcheck disable=SC2054  # commas separate QEMU sub-options, not array elements
    local qemu=(qemu-system-x86_64
        -machine q35,accel=tcg -cpu max -smp "$cpus" -m "$memory_mib"
        -nodefaults -nographic -no-reboot -monitor none
        -serial "file:$run_dir/console.log"
        -kernel "$boot_dir/vmlinux" -initrd "$boot_dir/initramfs.cpio.gz" -append "$cmdline"
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
        -device virtio-serial-pci,id=vser
        -chardev "file,id=job_stdout,path=$run_dir/stdout.fifo"
        -device virtserialport,bus=vser.0,chardev=job_stdout,name=org.ocirun.vm.stdout
        -chardev "file,id=job_stderr,path=$run_dir/stderr.fifo"
        -device virtserialport,bus=vser.0,chardev=job_stderr,name=org.ocirun.vm.stderr
        -chardev "file,id=job_status,path=$run_dir/status"
        -device virtserialport,bus=vser.0,chardev=job_status,name=org.ocirun.vm.status
    )
    local started=$SECONDS qemu_rc=0
    timeout --kill-after=10 "$timeout_secs" "${qemu[@]}" </dev/null 2>"$run_dir/qemu.log" &
    qemu_pid=$!
    wait "$qemu_pid" || qemu_rc=$?
    qemu_pid=
    release_forwarder "$run_dir/stdout.fifo"
    release_forwarder "$run_dir/stderr.fifo"
    wait "${forwarder_pids[@]}" 2>/dev/null || true
    forwarder_pids=()

    ((verbose)) && print_console_tail 1000
    if ((qemu_rc == 124 || qemu_rc == 137)); then
        echo "run-in-vm: TIMEOUT: the VM ran longer than ${timeout_secs}s and was killed" >&2
        ((verbose)) || print_console_tail
        exit "$EXIT_TIMEOUT"
    fi
    local status_line
    status_line=$(grep -a -m1 '^ocirun-vm-exit ' "$run_dir/status" 2>/dev/null || true)
    if [[ ! $status_line =~ ^ocirun-vm-exit\ ([0-9]+) ]]; then
        echo "run-in-vm: the VM ended (qemu exit $qemu_rc after $((SECONDS - started))s)" \
            "without reporting the command's exit status" >&2
        [[ -s $run_dir/qemu.log ]] && sed 's/^/  qemu: /' "$run_dir/qemu.log" >&2
        ((verbose)) || print_console_tail
        exit "$EXIT_HARNESS"
    fi
    local status=${BASH_REMATCH[1]}
    if [[ $status_line == *"init failed"* ]]; then
        echo "run-in-vm: ${status_line#ocirun-vm-exit * }" >&2
        ((verbose)) || print_console_tail
        exit "$EXIT_HARNESS"
    fi
    exit "$status"
}

main "$@"
