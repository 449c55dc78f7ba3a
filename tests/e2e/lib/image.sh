# image.sh — builds the suite's busybox image locally (sourced): no registry, no network.
#
#   e2e_build_rootfs DIR            busybox-static + applet links + /etc/{passwd,group,hosts}
#   e2e_build_rootfs_tar DIR TAR    the rootfs as a tar (the layer, and what `podman import` takes)
#   e2e_build_oci_archive TAR REF LAYER_TAR
#                                   an OCI image layout (oci-layout, index.json, blobs/sha256/...)
#                                   holding one uncompressed layer, tarred for `ctr images import`

e2e_busybox=${E2E_BUSYBOX:-/bin/busybox}

e2e_build_rootfs() {
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home/e2e,var/tmp,run}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp "$e2e_busybox" "$root/bin/busybox"
  # Every applet as a symlink in /bin, so PATH lookups work for any of them.
  for applet in $("$e2e_busybox" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
e2e:x:1000:1000:e2e user:/home/e2e:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
e2e:x:1000:
nogroup:x:65534:
EOF
  printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
  chown 1000:1000 "$root/home/e2e"
}

e2e_build_rootfs_tar() {
  tar --numeric-owner --sort=name --mtime=@0 -C "$1" -cf "$2" .
}

# e2e_blob DIR FILE: moves FILE into DIR/blobs/sha256/<digest>, prints "digest size".
e2e_blob() {
  local dir=$1 file=$2 digest size
  digest=$(sha256sum "$file" | cut -d' ' -f1)
  size=$(stat -c %s "$file")
  mkdir -p "$dir/blobs/sha256"
  mv "$file" "$dir/blobs/sha256/$digest"
  echo "$digest $size"
}

e2e_build_oci_archive() {
  local out=$1 ref=$2 layer_tar=$3 layout
  layout=$(mktemp -d)
  local layer_digest layer_size config_digest config_size manifest_digest manifest_size
  cp "$layer_tar" "$layout/layer.tar"
  read -r layer_digest layer_size < <(e2e_blob "$layout" "$layout/layer.tar")

  cat >"$layout/config.json" <<EOF
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"],"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer_digest"]},
 "history":[{"created_by":"ocirun e2e suite (busybox-static)"}]}
EOF
  read -r config_digest config_size < <(e2e_blob "$layout" "$layout/config.json")

  cat >"$layout/manifest.json" <<EOF
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config_digest","size":$config_size},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:$layer_digest","size":$layer_size}]}
EOF
  read -r manifest_digest manifest_size < <(e2e_blob "$layout" "$layout/manifest.json")

  cat >"$layout/index.json" <<EOF
{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "digest":"sha256:$manifest_digest","size":$manifest_size,
 "annotations":{"io.containerd.image.name":"$ref","org.opencontainers.image.ref.name":"${ref##*:}"}}]}
EOF
  echo '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  tar --numeric-owner -C "$layout" -cf "$out" oci-layout index.json blobs
  rm -rf "$layout"
}
