#!/usr/bin/env bash
# chroot-scenario.sh ROOT DEBS_DIR APT_CACHE — the packages as a user meets them, in the clean
# bookworm root ROOT (bookworm-root.sh) on the host kernel. Run by run.sh inside
# `unshare --mount --propagation private`: every mount made here dies with that namespace.
#   1. `ocirun` alone, installed with apt (its Depends resolved from the mirror): `ocirun plugins`
#      lists exactly the cgroup drivers, and a busybox container runs;
#   2. a seccomp bundle is refused, naming linux.seccomp, and leaves nothing behind;
#   3. with ocirun-plugin-seccomp installed, `ocirun plugins` adds seccomp and the same bundle runs
#      with its filter applied; removed again, no installed package needs libseccomp any more;
#   4. ocirun-plugin-apparmor pulls libapparmor1 (not in the base system) and, once removed,
#      `apt-get autoremove` takes libapparmor1 away.
# Exit status: 0 when every check holds; the first failed check is printed.
set -euo pipefail
root=$1 debs=$2 apt_cache=$3
here=$(cd "$(dirname "$0")" && pwd)

fail() { echo "chroot-scenario: FAIL: $*" >&2; exit 1; }
step() { echo "chroot-scenario: $*" >&2; }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
deb_of() { local f=("$debs/$1"_*.deb); [[ -f ${f[0]} ]] || fail "no $1 package in $debs"; echo "/tmp/debs/$(basename "${f[0]}")"; }
apt_install() { in_root apt-get install -y -qq --no-install-recommends "$@" >&2; }
# The installed plugins' names; one that did not load or lies outside the packages' dir shows
# as name(status,path), which no expected list matches.
plugin_names() {
  in_root ocirun plugins --format json | python3 -c '
import json, sys
def show(p):
    ok = p["status"] == "loaded" and p["path"].startswith("/usr/lib/ocirun/plugins/")
    return p["name"] if ok else "%s(%s,%s)" % (p["name"], p["status"], p["path"])
print(" ".join(sorted(show(p) for p in json.load(sys.stdin))))'
}
expect_plugins() {
  local got; got=$(plugin_names)
  [[ $got == "$1" ]] || fail "ocirun plugins lists '$got', expected exactly '$1'"
  step "ocirun plugins: $got"
}

# pivot_root (in the container's setup) needs the caller's root to be a mount point.
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/run"
mkdir -p "$apt_cache/partial"
mount --bind "$apt_cache" "$root/var/cache/apt/archives"
mkdir -p "$root/tmp/debs"
cp "$debs"/*.deb "$root/tmp/debs/"
"$here/make-bundles.sh" "$root/tmp"

step "apt-get update"
in_root apt-get update -qq >&2
step "install ocirun alone"
apt_install "$(deb_of ocirun)"
installed=$(in_root dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' 'ocirun*' | awk '$1 == "ii" {print $2}' | xargs)
[[ $installed == ocirun ]] || fail "installed ocirun packages: '$installed', expected ocirun alone"
expect_plugins "cgroups-v1 cgroups-v2"

step "run a busybox container"
out=$(in_root ocirun run -b /tmp/bundle-plain ocirun-pkg-plain) || fail "ocirun run of the plain bundle failed: $out"
[[ $out == "hello from a packaged ocirun" ]] || fail "plain container printed '$out'"

step "a seccomp bundle without the seccomp plugin"
if err=$(in_root ocirun run -b /tmp/bundle-seccomp ocirun-pkg-seccomp 2>&1); then
  fail "the seccomp bundle ran without a syscall-filter plugin: $err"
fi
[[ $err == *linux.seccomp* && $err == *"no syscall-filter plugin"* ]] ||
  fail "refusal does not name linux.seccomp and the missing plugin: $err"
step "refused: $err"
left=$(in_root ocirun list -q)
[[ -z $left ]] || fail "containers left behind after the refusal: $left"

step "install ocirun-plugin-seccomp"
apt_install "$(deb_of ocirun-plugin-seccomp)"
expect_plugins "cgroups-v1 cgroups-v2 seccomp"
set +e
out=$(in_root ocirun run -b /tmp/bundle-seccomp ocirun-pkg-seccomp 2>&1)
status=$?
set -e
# The filter makes mkdir fail with EPERM; the container's `mkdir` exits 1 and says why.
[[ $status == 1 && $out == *"Operation not permitted"* ]] ||
  fail "seccomp bundle: exit $status, output '$out' (expected mkdir refused by the filter)"
step "seccomp filter applied: $out"

step "remove ocirun-plugin-seccomp"
in_root apt-get remove -y -qq ocirun-plugin-seccomp >&2
expect_plugins "cgroups-v1 cgroups-v2"
needing=$(in_root dpkg-query -W -f '${db:Status-Abbrev} ${Package}: ${Depends}\n' 'ocirun*' | awk '$1 == "ii"' | grep libseccomp || true)
[[ -z $needing ]] || fail "an installed ocirun package still depends on libseccomp: $needing"

step "ocirun-plugin-apparmor and autoremove"
in_root dpkg-query -W libapparmor1 >/dev/null 2>&1 && fail "libapparmor1 is in the base system: the autoremove check needs it absent"
apt_install "$(deb_of ocirun-plugin-apparmor)"
in_root dpkg-query -W libapparmor1 >/dev/null 2>&1 || fail "installing ocirun-plugin-apparmor did not pull libapparmor1"
expect_plugins "apparmor cgroups-v1 cgroups-v2"
in_root apt-get remove -y -qq ocirun-plugin-apparmor >&2
in_root apt-get autoremove -y -qq >&2
if in_root dpkg-query -W -f '${db:Status-Abbrev}' libapparmor1 2>/dev/null | grep -q '^ii'; then
  fail "libapparmor1 is still installed after removing ocirun-plugin-apparmor and autoremove"
fi
expect_plugins "cgroups-v1 cgroups-v2"
step "PASS"
