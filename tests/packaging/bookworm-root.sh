#!/usr/bin/env bash
# bookworm-root.sh DIR — fills the empty directory DIR with a clean Debian bookworm root
# (debootstrap --variant=minbase from the Debian mirror). The first run makes a tarball of it
# under the cache dir; every later run only unpacks that (a few seconds), so CI downloads the
# base system once per machine, as tests/vm caches its kernel and initramfs.
# Environment: OCIRUN_PKG_CACHE (default /var/cache/ocirun-pkg), OCIRUN_PKG_MIRROR
# (default http://deb.debian.org/debian).
set -euo pipefail
dir=${1:?usage: bookworm-root.sh DIR}
cache=${OCIRUN_PKG_CACHE:-/var/cache/ocirun-pkg}
mirror=${OCIRUN_PKG_MIRROR:-http://deb.debian.org/debian}
tarball="$cache/bookworm-minbase.tar"

if [[ ! -s $tarball ]]; then
  command -v debootstrap >/dev/null || { echo "bookworm-root: debootstrap is not installed (scripts/install-deps.sh)" >&2; exit 1; }
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/staging.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  echo "bookworm-root: debootstrap --variant=minbase bookworm from $mirror (once; cached in $tarball)" >&2
  debootstrap --variant=minbase bookworm "$staging" "$mirror" >&2
  # The package lists go into the tarball too: a run then only refreshes them.
  chroot "$staging" apt-get update -qq >&2
  chroot "$staging" apt-get clean
  tar -C "$staging" -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
fi
[[ -d $dir && -z $(ls -A "$dir") ]] || { echo "bookworm-root: $dir is not an empty directory" >&2; exit 1; }
tar -C "$dir" -xf "$tarball"
cp /etc/resolv.conf "$dir/etc/resolv.conf"   # apt inside the root reaches the mirror by name
