#!/usr/bin/env bash
# make-bundles.sh DIR — two busybox bundles for chroot-scenario.sh under DIR:
#   bundle-plain    prints "hello from a packaged ocirun"
#   bundle-seccomp  runs `mkdir /made` under a linux.seccomp filter that answers mkdir/mkdirat
#                   with EPERM (its root is writable: only the filter can make mkdir fail)
# The configs are runc's default (`runc spec`, which `ocirun spec` reproduces) with args changed.
set -euo pipefail
dir=${1:?usage: make-bundles.sh DIR}
busybox=$(command -v busybox) || { echo "make-bundles: busybox-static is not installed" >&2; exit 1; }

make_bundle() {  # name python-edit
  local bundle="$dir/$1"
  mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
  cp "$busybox" "$bundle/rootfs/bin/busybox"
  (cd "$bundle" && runc spec)
  python3 - "$bundle/config.json" "$2" <<'PY'
import json, sys
path, edit = sys.argv[1], sys.argv[2]
config = json.load(open(path))
config["process"]["terminal"] = False
exec(edit)
json.dump(config, open(path, "w"), indent=2)
PY
}

make_bundle bundle-plain '
config["process"]["args"] = ["/bin/busybox", "echo", "hello from a packaged ocirun"]'
make_bundle bundle-seccomp '
config["process"]["args"] = ["/bin/busybox", "mkdir", "/made"]
config["root"]["readonly"] = False
config["linux"]["seccomp"] = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
