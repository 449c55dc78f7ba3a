#!/bin/bash
# Installs what tests/vm/run-in-vm.sh needs on a fresh Debian host: QEMU (TCG is enough),
# Debian's stock kernel (its modules end up in the host's /lib/modules, which the guest sees
# through the shared root), busybox-static and cpio for the initramfs; for the `--lsm` boots
# (lsm-setup.sh), AppArmor's parser and SELinux's reference policy and tools, which the guest
# uses from the host's root; CRIU for checkpoint/restore (it fails its vDSO check on some host
# kernels but works in the guest).
#
# tiny-initramfs is named explicitly so that apt satisfies linux-image's initramfs dependency
# with it instead of initramfs-tools, which would drag udev and systemd onto a host that runs
# without systemd. We never boot the initramfs it makes: run-in-vm.sh builds its own.
set -euo pipefail

packages=(qemu-system-x86 linux-image-amd64 tiny-initramfs busybox-static cpio xz-utils
    apparmor selinux-policy-default policycoreutils selinux-utils criu)

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

if [[ $(id -u) != 0 ]]; then
    echo "install-vm-deps: missing packages ${missing[*]} and not root; install them with apt-get" >&2
    exit 1
fi

echo "install-vm-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# An empty or stale package list makes apt fail to find the kernel; refresh it once.
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
