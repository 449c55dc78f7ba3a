#!/usr/bin/env bash
# out_of_tree_plugin_test.sh BUILD_DIR SOURCE_DIR — the SDK end to end, as a third-party author:
#  1. `cmake --install` the build into a prefix (ocirun, its plugins), and the `dev` component
#     alone into another (the SDK: headers, CMake package, ocirun-plugin.pc);
#  2. build examples/plugins/landlock out of tree against the SDK prefix only: g++ -O2, g++ -O0,
#     clang++ -stdlib=libc++; and once through pkg-config by hand;
#  3. the g++ builds load into the installed ocirun and confine a real container (creating a file
#     outside the allowed path fails inside, works without the annotation); a malformed value is
#     refused naming the annotation (the plugin's ocirun::InvalidConfig caught as such by the
#     core); the libc++ build is refused, before it is mapped, naming both C++ libraries.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }

[[ $(id -u) == 0 ]] || skip "needs root (real containers)"
grep -qw landlock /sys/kernel/security/lsm 2>/dev/null || skip "Landlock is not enabled on this kernel (/sys/kernel/security/lsm)"
busybox=$(command -v busybox) || skip "busybox-static is not installed (scripts/install-deps.sh)"
command -v clang++-14 >/dev/null || fail "clang++-14 is missing (scripts/install-deps.sh)"
[[ -e /usr/lib/llvm-14/include/c++/v1/string ]] || fail "libc++-14-dev is missing (scripts/install-deps.sh)"

tmp=$(mktemp -d /tmp/ocirun-sdk-test-XXXXXX)
root=$tmp/state
ids=()
cleanup() {
  for id in "${ids[@]}"; do "$tmp/prefix/sbin/ocirun" --root "$root" delete --force "$id" >/dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== install: everything into $tmp/prefix, the dev component alone into $tmp/sdk"
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake --install "$build" --prefix "$tmp/sdk" --component dev >/dev/null
[[ -f $tmp/sdk/include/ocirun/plugin.hpp ]] || fail "dev component has no include/ocirun/plugin.hpp"
[[ ! -e $tmp/sdk/sbin/ocirun ]] || fail "dev component installed the ocirun binary"
pc=$(find "$tmp/sdk" -name ocirun-plugin.pc)
cfg=$(find "$tmp/sdk" -name ocirun-plugin-config.cmake)
[[ -n $pc && -n $cfg ]] || fail "dev component lacks ocirun-plugin.pc or ocirun-plugin-config.cmake"
plugin_dir=$(find "$tmp/prefix" -type d -path '*/ocirun/plugins')

# builds the example with CXX=$1 and CXXFLAGS=$2 into $tmp/$3, prints the plugin's path
build_example() {
  local cxx=$1 flags=$2 dir=$tmp/$3
  CXX=$cxx cmake -S "$src/examples/plugins/landlock" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" \
    -DCMAKE_PREFIX_PATH="$tmp/sdk" >"$dir.log" 2>&1 || { cat "$dir.log"; fail "configure $3"; }
  cmake --build "$dir" >>"$dir.log" 2>&1 || { cat "$dir.log"; fail "build $3"; }
  echo "$dir/lsm.landlock.so"
}
echo "== out-of-tree builds against $tmp/sdk"
gcc_o2=$(build_example g++ -O2 gcc-O2)
# shellcheck disable=SC2034  # used through ${!build_case} below
gcc_o0=$(build_example g++ -O0 gcc-O0)
clang_libcxx=$(build_example clang++-14 "-O2 -stdlib=libc++" clang-libcxx)
# and by hand with pkg-config, as docs/plugins.md shows
mkdir -p "$tmp/pkgconfig-build"
# shellcheck disable=SC2046
g++ -O2 $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs ocirun-plugin) \
  "$src/examples/plugins/landlock/landlock_plugin.cpp" -o "$tmp/pkgconfig-build/lsm.landlock.so" \
  || fail "pkg-config build"
symbols=$(nm -D --defined-only "$gcc_o2")
[[ $symbols == *" ocirun_plugin_descriptor"* ]] || fail "no ocirun_plugin_descriptor exported: $symbols"

echo "== a bundle"
bundle=$tmp/bundle
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/tmp" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys"
cp "$busybox" "$bundle/rootfs/bin/busybox"
for t in sh touch; do ln -s busybox "$bundle/rootfs/bin/$t"; done
# $1: the annotation value, or "" for none
write_config() {
  python3 - "$bundle/config.json" "$1" <<'PY'
import json, sys
path, value = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "touch /tmp/allowed || exit 10; touch /forbidden 2>/dev/null && exit 11; exit 0"]
c["root"]["readonly"] = False
c["annotations"] = {"io.github.ocirun.lsm.landlock": value} if value else {}
json.dump(c, open(path, "w"))
PY
}
ocirun=$tmp/prefix/sbin/ocirun
(cd "$bundle" && "$ocirun" spec)
export OCIRUN_CONFIG=$tmp/no-config.json
unset OCIRUN_PLUGIN_PATH
n=0
# run_ctr -> sets rc and out (the log's msg="..." Go-quoted: \" unescaped to ")
run_ctr() {
  n=$((n + 1)); local id=sdk-landlock-$$-$n; ids+=("$id")
  rm -f "$bundle/rootfs/forbidden" "$bundle/rootfs/tmp/allowed"
  set +e; out=$("$ocirun" --root "$root" run -b "$bundle" "$id" 2>&1); rc=$?; set -e
  out=${out//\\\"/\"}
}
# the landlock lsm plugin's status in `ocirun plugins -f json`: its HOST column when it loaded, else the load error
plugin_status() {
  "$ocirun" plugins -f json | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["name"] == "landlock" and p["kind"] == "lsm":
        print(p["host"] if p["status"] == "loaded" else p["status"])'
}
install_plugin() { cp "$1" "$plugin_dir/lsm.landlock.so"; }

for build_case in gcc_o2 gcc_o0; do
  echo "== $build_case: loads and confines"
  install_plugin "${!build_case}"
  [[ $(plugin_status) == available ]] || { "$ocirun" plugins; fail "$build_case: ocirun plugins does not list landlock as available"; }
  write_config /tmp
  run_ctr
  [[ $rc == 0 ]] || fail "$build_case: with the rule the container exited $rc (11: /forbidden was created; 10: /tmp was refused): $out"
  [[ ! -e $bundle/rootfs/forbidden && -e $bundle/rootfs/tmp/allowed ]] || fail "$build_case: files on disk do not match the rule"
  write_config ""
  run_ctr
  [[ $rc == 11 ]] || fail "$build_case: without the annotation /forbidden should be created (exit 11), got $rc: $out"
  write_config "tmp"
  run_ctr
  [[ $rc != 0 ]] || fail "$build_case: a relative path was accepted"
  expected='config.json: annotations["io.github.ocirun.lsm.landlock"]: "tmp" is not an absolute path'
  [[ $out == *"$expected"* ]] || fail "$build_case: refusal text: got '$out', want '$expected'"
  [[ -z $("$ocirun" --root "$root" list -q) ]] || fail "$build_case: the refused container was left behind"
done

echo "== pkg-config build loads"
install_plugin "$tmp/pkgconfig-build/lsm.landlock.so"
write_config /tmp
run_ctr
[[ $rc == 0 ]] || fail "pkg-config build: container exited $rc: $out"

echo "== clang++ with libc++: refused before it is mapped"
install_plugin "$clang_libcxx"
run_ctr
[[ $rc != 0 ]] || fail "the libc++ build was loaded"
expected="plugin $plugin_dir/lsm.landlock.so: built against libc++ 14 (_LIBCPP_VERSION 14000), compiled by clang 14.0.6; ocirun needs libstdc++ of GCC"
[[ $out == *"$expected"* ]] || fail "libc++ refusal text: got '$out', want '$expected'"
[[ $(plugin_status) == "error: "*"built against libc++"* ]] || { "$ocirun" plugins; fail "ocirun plugins does not show the libc++ refusal"; }
echo "  $out"
echo "PASS"
