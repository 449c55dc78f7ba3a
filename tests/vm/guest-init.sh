#!/bin/busybox sh
# PID 1 of the test VM started by tests/vm/run-in-vm.sh. Runs in two stages:
#
#   stage 1 (this file as /init of the initramfs): loads the virtio/9p/overlay modules, mounts the
#     host's root read-only over virtio-9p, lays a tmpfs-backed overlay on it and switch_roots
#     into that overlay. switch_root (not chroot) matters: pivot_root only works when the root
#     is a real mount, and the kernel's module autoloading must find the host's /lib/modules.
#   stage 2 (a copy of this file on the new root's /run): builds a systemd-like pure cgroup-v2
#     host, runs the job that run-in-vm.sh wrote, reports its exit status and powers off.
#
# The job's stdout/stderr and its exit status leave the VM through virtio-serial ports named
# below; the kernel console (ttyS0) only carries boot and diagnostic messages.
#
# Everything here runs under busybox sh: stage 1 has nothing else, and stage 2 keeps the same
# shell so the script behaves the same in both.

PORT_STDOUT=org.ocirun.vm.stdout
PORT_STDERR=org.ocirun.vm.stderr
PORT_STATUS=org.ocirun.vm.status
TEST_CGROUP=/sys/fs/cgroup/ocirun-test
INIT_CGROUP=/sys/fs/cgroup/init.scope

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { echo "ocirun-vm-init: $*" >/dev/console; }

# With ocirun_vm.debug=1 on the kernel command line, each step is logged with the guest uptime
# to the console log (run-in-vm.sh --verbose shows it): the way to see where boot time goes.
step() {
    case " $(cat /proc/cmdline) " in
        *" ocirun_vm.debug=1 "*) read -r uptime _ </proc/uptime; log "[$uptime] $*" ;;
    esac
}

# Ends the VM. With panic=-1 and qemu's -no-reboot, both a poweroff and a panic (if the
# poweroff fails and PID 1 exits) make qemu quit instead of hanging.
die() {
    log "FATAL: $*"
    report_status 255 "init failed: $*"
    poweroff -f
    exit 1
}

# Prints /dev/<port> for a virtio-serial port name, or nothing if the port is absent.
port_device() {
    for name_file in /sys/class/virtio-ports/*/name; do
        [ -r "$name_file" ] || continue
        if [ "$(cat "$name_file")" = "$1" ]; then
            dir=${name_file%/name}
            echo "/dev/${dir##*/}"
            return 0
        fi
    done
    return 1
}

report_status() {
    status_dev=$(port_device "$PORT_STATUS") || return 0
    printf 'ocirun-vm-exit %s %s\n' "$1" "${2:-}" >"$status_dev"
}

cmdline_value() {
    for arg in $(cat /proc/cmdline); do
        case "$arg" in "$1="*) echo "${arg#*=}"; return 0 ;; esac
    done
    return 1
}

load_modules() {
    # modules.list holds the initramfs' module files in dependency order (see run-in-vm.sh).
    while read -r module; do
        [ -n "$module" ] || continue
        insmod "$module" || die "insmod $module failed"
    done </lib/modules/modules.list
}

stage1() {
    mkdir -p /proc /sys /dev
    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs devtmpfs /dev
    step "loading modules"
    load_modules
    step "mounting the host root"

    mkdir -p /mnt/lower /mnt/rw /mnt/root
    # cache=loose: the host tree is treated as unchanging for the VM's lifetime, which makes
    # repeated reads (ELF loading, ctest's file scans) far cheaper than uncached 9p.
    mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /mnt/lower \
        || die "cannot mount the host root over virtio-9p"
    mount -t tmpfs -o mode=0755 rw /mnt/rw
    mkdir -p /mnt/rw/upper /mnt/rw/work
    mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work,xino=off \
        overlay /mnt/root || die "cannot mount the overlay root"

    # The job file lives in the host's temp dir, which stage 2 hides under a fresh tmpfs:
    # copy it now, while the host's /tmp is still what the guest sees.
    job=$(cmdline_value ocirun_vm.job) || die "no ocirun_vm.job= on the kernel command line"
    mount -t tmpfs -o mode=0755,nosuid,nodev run /mnt/root/run
    mkdir -p /mnt/root/run/ocirun-vm
    cp "/mnt/lower$job" /mnt/root/run/ocirun-vm/job.sh || die "cannot read job file $job"
    cp /init /mnt/root/run/ocirun-vm/init
    # Stage 2 runs its own helpers from busybox: the host's mount, ip etc. would each pull a
    # handful of shared libraries through 9p, which is slow under TCG.
    mkdir -p /mnt/root/run/ocirun-vm/bin
    for applet in mount hostname ip cat mkdir ln sync poweroff; do
        ln -s /bin/busybox "/mnt/root/run/ocirun-vm/bin/$applet"
    done
    step "switching root"

    for fs in dev proc sys; do
        mount --move "/$fs" "/mnt/root/$fs"
    done
    # switch_root must run as PID 1; if it fails PID 1 dies and panic=-1 ends the VM.
    # shellcheck disable=SC2093
    exec switch_root /mnt/root /bin/busybox sh /run/ocirun-vm/init stage2
}

mount_api_filesystems() {
    mkdir -p /dev/pts /dev/shm /dev/mqueue
    mount -t devpts -o newinstance,gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
    ln -sf pts/ptmx /dev/ptmx
    mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
    mount -t mqueue mqueue /dev/mqueue
    # A working tree under the host's /tmp (a clone in /tmp) stays visible: set aside before the
    # guest's own tmpfs covers /tmp, moved back on top of it after.
    keep=$(cmdline_value ocirun_vm.keep) || keep=
    if [ -n "$keep" ]; then
        mkdir -p /run/ocirun-vm/keep
        mount --bind "$keep" /run/ocirun-vm/keep
    fi
    mount -t tmpfs -o mode=1777,nosuid,nodev tmp /tmp
    if [ -n "$keep" ]; then
        mkdir -p "$keep"
        mount --move /run/ocirun-vm/keep "$keep"
    fi
    mkdir -p /run/lock
    # udev makes these on a real host; bash's <(...) needs /dev/fd.
    ln -sfn /proc/self/fd /dev/fd
    ln -sf /proc/self/fd/0 /dev/stdin
    ln -sf /proc/self/fd/1 /dev/stdout
    ln -sf /proc/self/fd/2 /dev/stderr
    mount -t bpf -o nosuid,nodev,noexec,mode=0700 bpf /sys/fs/bpf || log "cannot mount bpffs"
    # Like systemd: the root is shared, so tests see the propagation a real host has.
    mount --make-rshared /
}

# A pure cgroup-v2 hierarchy shaped like a systemd host: every controller enabled at the root,
# PID 1 and the job in init.scope, and an empty sibling with every controller delegated that
# tests use as the parent of their containers' cgroups.
setup_cgroups() {
    mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup \
        || die "cannot mount cgroup2 at /sys/fs/cgroup"
    for controller in $(cat /sys/fs/cgroup/cgroup.controllers); do
        echo "+$controller" >/sys/fs/cgroup/cgroup.subtree_control \
            || log "cannot enable the $controller controller at the cgroup root"
    done
    mkdir -p "$INIT_CGROUP" "$TEST_CGROUP"
    echo $$ >"$INIT_CGROUP/cgroup.procs" || die "cannot move PID 1 into $INIT_CGROUP"
    for controller in $(cat "$TEST_CGROUP/cgroup.controllers"); do
        echo "+$controller" >"$TEST_CGROUP/cgroup.subtree_control" \
            || log "cannot delegate the $controller controller below $TEST_CGROUP"
    done
}

# The systemd boot kind (ocirun_vm.systemd=1): systemd becomes PID 1 and mounts the cgroup2
# hierarchy itself (the kernel command line already says unified). Its default target is a
# small one of ours that starts the bus and the job, which runs this file as "systemd-job";
# units that need hardware, udev or a writable host root are masked, so boot stays short.
SYSTEMD_UNITS=/etc/systemd/system
MASKED_UNITS="systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service
    systemd-remount-fs.service systemd-fsck-root.service systemd-random-seed.service
    systemd-hwdb-update.service systemd-firstboot.service systemd-machine-id-commit.service
    systemd-journal-flush.service systemd-update-utmp.service systemd-binfmt.service
    proc-sys-fs-binfmt_misc.automount dev-hugepages.mount sys-kernel-debug.mount
    sys-kernel-tracing.mount sys-kernel-config.mount sys-fs-fuse-connections.mount
    systemd-modules-load.service kmod-static-nodes.service systemd-tmpfiles-setup-dev.service
    systemd-tmpfiles-setup.service systemd-sysusers.service ldconfig.service systemd-pstore.service
    systemd-ask-password-console.path systemd-ask-password-wall.path tmp.mount
    systemd-logind.service getty.target console-getty.service serial-getty@ttyS0.service
    cron.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer
    e2scrub_all.timer fstrim.timer man-db.timer systemd-tmpfiles-clean.timer
    apparmor.service modprobe@.service systemd-sysctl.service podman.socket podman.service
    podman-restart.service podman-auto-update.service podman-auto-update.timer
    podman-clean-transient.service containerd.service"

exec_systemd() {
    mkdir -p "$SYSTEMD_UNITS"
    for unit in $MASKED_UNITS; do
        ln -sfn /dev/null "$SYSTEMD_UNITS/$unit"
    done
    # Generators (fstab, getty, sysv, cryptsetup...) have nothing to do here and each costs an
    # exec over 9p: a same-named link to /dev/null in /etc disables one.
    mkdir -p /etc/systemd/system-generators
    for generator in /lib/systemd/system-generators/* /usr/lib/systemd/system-generators/*; do
        [ -e "$generator" ] && ln -sfn /dev/null "/etc/systemd/system-generators/${generator##*/}"
    done
    cat >"$SYSTEMD_UNITS/ocirun-vm.target" <<'UNIT'
[Unit]
Description=ocirun test VM: the bus and the job
Wants=dbus.service ocirun-vm-job.service
UNIT
    cat >"$SYSTEMD_UNITS/ocirun-vm-job.service" <<'UNIT'
[Unit]
Description=ocirun test VM job
DefaultDependencies=no
Wants=dbus.service
After=dbus.service
[Service]
Type=simple
ExecStart=/bin/busybox sh /run/ocirun-vm/init systemd-job
StandardInput=null
StandardOutput=journal+console
LimitNOFILE=1048576
TimeoutStartSec=infinity
UNIT
    ln -sfn "$SYSTEMD_UNITS/ocirun-vm.target" "$SYSTEMD_UNITS/default.target"
    # The host root has /.dockerenv, so systemd believes it runs in a container and reads its
    # settings from its own arguments instead of the kernel command line: the cgroup layout
    # (run-in-vm.sh --cgroup) is handed on as an argument.
    hierarchy=""
    for word in $(cat /proc/cmdline); do
        case "$word" in systemd.unified_cgroup_hierarchy=*) hierarchy=$word ;; esac
    done
    step "exec systemd"
    exec /lib/systemd/systemd --log-target=console --log-level=warning --show-status=no $hierarchy
}

# Runs the job and reports, in both boot kinds; then powers off.
run_job_and_power_off() {
    stdout_dev=$(port_device "$PORT_STDOUT") || die "virtio port $PORT_STDOUT missing"
    stderr_dev=$(port_device "$PORT_STDERR") || die "virtio port $PORT_STDERR missing"
    step "running the job"
    /bin/bash /run/ocirun-vm/job.sh </dev/null >"$stdout_dev" 2>"$stderr_dev"
    status=$?
    step "job exited with $status"
    report_status "$status"
    sync
    poweroff -f
    exit "$status"
}

stage2() {
    PATH=/run/ocirun-vm/bin:$PATH
    step "stage 2"
    mount_api_filesystems
    case " $(cat /proc/cmdline) " in
        *" ocirun_vm.systemd=1 "*) exec_systemd ;;
    esac
    setup_cgroups
    hostname ocirun-vm
    ip link set lo up || log "cannot bring up lo"
    # The guest root has every capability, so lift the kernel's small default fd limits.
    # shellcheck disable=SC3045  # busybox sh has ulimit -n
    ulimit -n 1048576 || log "cannot raise the nofile limit"

    run_job_and_power_off
}

# The kernel may hand init stray command-line words as arguments, so anything but "stage2"
# means stage 1.
if [ "${1:-}" = stage2 ]; then
    stage2
elif [ "${1:-}" = systemd-job ]; then
    PATH=/run/ocirun-vm/bin:$PATH
    run_job_and_power_off
else
    stage1
fi
