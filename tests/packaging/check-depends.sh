#!/usr/bin/env bash
# check-depends.sh DEB... — each package depends on exactly the shared libraries its ELF files
# link: the packages named in Depends (less `ocirun` itself, which every plugin and the SDK
# depend on, and the SDK's header packages) are the host packages that own the libraries in
# the files' DT_NEEDED entries, no more and no less.
set -euo pipefail
# Depends that are not shared libraries, by package: the SDK's headers include Boost's.
declare -A not_libraries=([ocirun-plugin-dev]="libboost1.81-dev")
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for deb in "$@"; do
  package=$(dpkg-deb -f "$deb" Package)
  rm -rf "$work/x" && dpkg-deb -x "$deb" "$work/x"
  needed=$(find "$work/x" -type f -exec sh -c 'head -c4 "$1" | grep -q ELF' _ {} \; -print |
           xargs -r readelf -d 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
  expected=$(for lib in $needed; do
               path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')
               [[ -n $path ]] || { echo "check-depends: $package: $lib not found on this host" >&2; continue; }
               # dpkg knows a library by the path its package ships, /lib or /usr/lib (usrmerge).
               { dpkg -S "$path" || dpkg -S "/usr$path"; } 2>/dev/null | head -1 | cut -d: -f1
             done | sort -u | xargs)
  actual=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep -v '^$' |
           grep -vx ocirun | grep -vxF -f <(printf '%s\n' ${not_libraries[$package]:-} "") | sort -u | xargs)
  if [[ $expected == "$actual" ]]; then
    echo "check-depends: $package: Depends on $actual (= what it links)" >&2
  else
    echo "check-depends: FAIL: $package depends on '$actual' but links libraries of '$expected'" >&2
    status=1
  fi
done
exit $status
