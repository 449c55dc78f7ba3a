#!/usr/bin/env bash
# Installs everything ocirun needs to build and test on Debian bookworm (run as root).
# Idempotent: apt skips what is already installed.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  # build
  cmake ninja-build g++ pkg-config ccache git
  libboost1.81-dev libboost-json1.81-dev   # Boost.JSON (1.75+) and Boost.DLL: bookworm's default Boost is 1.74
  libcli11-dev                             # argv parsing (header-only)
  libcap-dev                               # capabilities, linked by the core
  libseccomp-dev libapparmor-dev libselinux1-dev libsystemd-dev   # linked by their plugins only (libsystemd: sd-bus, cgroups-systemd)
  protobuf-compiler libprotobuf-dev golang-github-checkpoint-restore-go-criu-dev  # criu plugin (CRIU RPC .proto)
  libgtest-dev
  clang-14 libclang-rt-14-dev             # libFuzzer + sanitizers for tests/fuzz (tests/reliability/fuzz.sh)
  libc++-14-dev libc++abi-14-dev          # the SDK test builds an example plugin against libc++ to see it refused (tests/sdk)
  time                                     # /usr/bin/time: peak RSS in tests/reliability/scale.sh
  # running containers and the tests
  busybox-static procps iproute2 util-linux
  runc crun                                # the oracles the differential tests and benchmarks compare against
  containerd podman                        # the real clients of the e2e tests (ctr, containerd-shim-runc-v2, conmon)
  uidmap                                   # newuidmap/newgidmap: rootless containers with several id ranges (Rootless.*, e2e podman_rootless)
  debootstrap lintian                      # tests/packaging: a clean bookworm root for the .deb files, and their check
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
