#!/usr/bin/env bash
# Builds a bootable appliance root tree (what an image server exports) from a recipe.
# Usage: images/appliance/build.sh RECIPE ROOT_DIR [TAR_FILE]
#   RECIPE    tiny (busybox root, markers for the e2e tests) | debian-minimal (not yet: exit 2)
#   ROOT_DIR  replaced by the new tree (built next to it, then renamed into place)
#   TAR_FILE  optional: the same tree as a reproducible tar (sorted, fixed mtimes)
# A recipe is recipes/<name>.sh ROOT_DIR: it fills an empty directory; this script fixes the
# mtimes (SOURCE_DATE_EPOCH) and, for recipes whose files all belong to root, the owners.
# The root needs nothing from the kernel but /sbin/init (a file or an absolute symlink):
# the boot initramfs (images/boot) mounts it over NFS and switch_roots into it.
set -euo pipefail
rb_tool=appliance
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../boot/common.sh
. "$here/../boot/common.sh"

usage="usage: images/appliance/build.sh tiny|debian-minimal ROOT_DIR [TAR_FILE]"
recipe=${1:?$usage}
root=${2:?$usage}
tar_file=${3:-}
case "$recipe" in
  tiny) all_root=1 ;;
  debian-minimal) all_root=0 ;;
  *) rb_die "unknown recipe '$recipe' ($usage)" ;;
esac

root=$(realpath -m "$root")
mkdir -p "$(dirname "$root")"
stage=$(mktemp -d "$(dirname "$root")/.appliance-$recipe.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
status=0
"$here/recipes/$recipe.sh" "$stage" || status=$?
# Exit status 2 means "recipe not implemented": pass it on unchanged.
[ "$status" = 0 ] || exit "$status"

if [ "$all_root" = 1 ]; then
  rb_normalize_tree "$stage"
else
  find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
fi
if [ -n "$tar_file" ]; then
  mkdir -p "$(dirname "$tar_file")"
  if [ "$all_root" = 1 ]; then rb_tar "$stage" "$tar_file"; else rb_tar "$stage" "$tar_file" keep-owners; fi
fi
if [ -e "$root" ]; then
  old="$stage.old"
  mv "$root" "$old"
  mv "$stage" "$root"
  rm -rf "$old"
else
  mv "$stage" "$root"
fi
rb_log "$recipe root at $root ($(du -sh "$root" | cut -f1))${tar_file:+, tar $tar_file}"
