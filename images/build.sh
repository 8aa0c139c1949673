#!/usr/bin/env bash
# Builds rowboot's boot assets and the tiny appliance image, from Debian packages only.
# Usage: bash images/build.sh [OUT_DIR]        (default images/build/, git-ignored)
# Produces, in OUT_DIR:
#   tftp/                 pxelinux.0, ldlinux.c32, vmlinuz, initrd.img, pxelinux.cfg/default
#   appliance-root/       the tiny appliance's root tree (what an image server exports)
#   appliance-tiny.tar    the same tree as a reproducible tar
#   manifest.txt          input versions and sha256 of every output file
# Inputs: the kernel unpacked by scripts/setup.sh (.cache/kernel), /bin/busybox from Debian's
# busybox-static, pxelinux + syslinux-common .debs (apt-get download, cached in .cache/debs).
# Reproducible: same inputs and SOURCE_DATE_EPOCH (default 0) give byte-identical files.
# Concurrent runs on the same OUT_DIR are serialized (flock); each output is renamed into place.
set -euo pipefail
rb_tool=images
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=boot/common.sh
. "$here/boot/common.sh"

out=$(realpath -m "${1:-$here/build}")
rb_need_tools flock sha256sum tar realpath
mkdir -p "$out"
exec 9>"$out/.build.lock"
flock 9

stage=$(mktemp -d "$out/.staging.XXXXXX")
trap 'rm -rf "$stage"' EXIT
started=$(date +%s.%N)

"$here/boot/build-initramfs.sh" "$stage/tftp/initrd.img"
versions=$("$here/boot/build-tftp.sh" "$stage/tftp" "$stage/tftp/initrd.img")
"$here/appliance/build.sh" tiny "$stage/appliance-root" "$stage/appliance-tiny.tar"

{
  echo "# rowboot boot assets (images/build.sh); SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
  echo "input kernel $(rb_kernel_version)"
  echo "input busybox $(rb_package_version_of "$rb_busybox")"
  printf '%s\n' "$versions" | grep -v '^kernel ' | sed 's/^/input /'
  (cd "$stage" && find tftp appliance-tiny.tar -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
} >"$stage/manifest.txt"

# Replace the previous outputs one by one (each rename is atomic).
for name in tftp appliance-root appliance-tiny.tar manifest.txt; do
  if [ -e "$out/$name" ]; then
    mv "$out/$name" "$stage/$name.old"
  fi
  mv "$stage/$name" "$out/$name"
done
rb_log "boot assets in $out ($(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s):"
sed -n 's/^\([0-9a-f]\{12\}\)[0-9a-f]*  /  \1  /p' "$out/manifest.txt" >&2
