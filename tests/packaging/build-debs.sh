#!/usr/bin/env bash
# build-debs.sh [BUILD_DIR] — the Debian packages from a Release tree (default: build-release,
# which scripts/test.sh has already built): configures it for /usr (the binary's built-in plugin
# dir is <prefix>/lib/ocirun/plugins), builds what changed, and runs CPack's DEB generator.
# The .deb files land in BUILD_DIR/debs/ (old ones removed first); their paths are printed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-"$top/build-release"}
"$top/scripts/build.sh" "$dir" -DCMAKE_BUILD_TYPE=Release -DOCIRUN_SANITIZE=OFF -DOCIRUN_BUILD_TESTS=OFF \
  -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib >&2
rm -rf "$dir/debs" "$dir/_CPack_Packages"
(cd "$dir" && cpack -G DEB --config CPackConfig.cmake >&2)
ls "$dir"/debs/*.deb
