#!/usr/bin/env bash
# make-demo-bundle.sh OCIRUN DIR — a busybox-static bundle at DIR (rootfs + `ocirun spec`),
# set up to print a greeting and exit.
set -euo pipefail
ocirun=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir/rootfs/bin"
cp /bin/busybox "$dir/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$applet"
done
"$ocirun" spec --bundle "$dir"
# Not a terminal (the demo prints and exits); say hello from inside the namespaces.
sed -i -e 's/"terminal": true/"terminal": false/' \
       -e 's/^\(\t*\)"sh"$/\1"sh", "-c", "echo Hello from an ocirun container: hostname=$(hostname) pid=$$ user=$(id -u)"/' \
       "$dir/config.json"
