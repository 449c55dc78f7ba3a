#!/bin/bash
# Runs inside the guest before the job of a `run-in-vm.sh --lsm KIND` boot: makes the LSM the
# kernel was booted with (apparmor=1 security=apparmor, or security=selinux) usable, like a
# distribution's init would: securityfs mounted; for SELinux, selinuxfs mounted and Debian's
# selinux-policy-default (seen through the 9p root) loaded in permissive mode. Tests that need a
# denial switch to enforcing themselves (setenforce 1). Exits non-zero, saying why, when the LSM
# is not there.
set -euo pipefail

kind=${1:?usage: lsm-setup.sh apparmor|selinux}

fail() {
    echo "lsm-setup: $*" >&2
    exit 125
}

mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security \
    || fail "cannot mount securityfs on /sys/kernel/security"

case "$kind" in
    apparmor)
        [[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y ]] \
            || fail "the guest kernel did not enable AppArmor (lsm: $(cat /sys/kernel/security/lsm))"
        [[ -d /sys/kernel/security/apparmor ]] || fail "no /sys/kernel/security/apparmor"
        ;;
    selinux)
        [[ ,$(cat /sys/kernel/security/lsm), == *,selinux,* ]] \
            || fail "the guest kernel did not enable SELinux (lsm: $(cat /sys/kernel/security/lsm))"
        mountpoint -q /sys/fs/selinux || mount -t selinuxfs selinuxfs /sys/fs/selinux \
            || fail "cannot mount selinuxfs"
        # The guest's overlay takes the write; the host's file is untouched.
        printf 'SELINUX=permissive\nSELINUXTYPE=default\n' >/etc/selinux/config
        load_policy || fail "load_policy failed (is selinux-policy-default installed on the host?)"
        [[ $(getenforce) == Permissive ]] || fail "SELinux is $(getenforce) after load_policy, not Permissive"
        ;;
    *) fail "unknown LSM '$kind' (apparmor or selinux)" ;;
esac
echo "lsm-setup: $kind ready" >&2
