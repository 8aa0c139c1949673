#!/usr/bin/env bash
# Builds the interop test guest's base initramfs: busybox-static, the virtio-net and NFSv3
# client modules of the unpacked Debian kernel, /init and /lib/rb.sh from this folder.
# Usage: images/guest/build-initramfs.sh OUT.cpio.gz
# Environment: RB_KERNEL_DIR (default <repo>/.cache/kernel, laid out by scripts/setup.sh),
#              RB_BUSYBOX (default /bin/busybox, must be static).
# Idempotent and reproducible: the same inputs give byte-identical output (fixed mtimes, sorted
# entries, gzip -n), written atomically, so parallel builds of the same OUT are harmless.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:?usage: build-initramfs.sh OUT.cpio.gz}
kernel_dir=${RB_KERNEL_DIR:-$repo/.cache/kernel}
busybox=${RB_BUSYBOX:-/bin/busybox}

die() { echo "build-initramfs: $*" >&2; exit 1; }

[ -f "$kernel_dir/version" ] || die "no $kernel_dir/version: run scripts/setup.sh"
version=$(cat "$kernel_dir/version")
moddir=$kernel_dir/root/lib/modules/$version
[ -d "$moddir/kernel" ] || die "no modules at $moddir"
[ -x "$busybox" ] || die "no busybox at $busybox (apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then die "$busybox is dynamically linked; need busybox-static"; fi
for tool in modinfo cpio gzip; do command -v "$tool" >/dev/null || die "missing $tool"; done

# The order architecture.md verified; dependencies missing from it are inserted before their
# users from each module's own `depends` field (there is no modules.dep in the unpacked tree).
wanted=(failover net_failover virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
  virtio_pci virtio_net sunrpc grace lockd nfs_acl netfs fscache nfs nfsv3)

stage=$(mktemp -d "${TMPDIR:-/tmp}/rb-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,mnt,etc,lib/modules}

# Finds a module file; file names may spell '_' as '-'.
module_file() {
  local pattern
  pattern="$(printf '%s' "$1" | sed 's/[-_]/[-_]/g').ko*"
  find "$moddir/kernel" -name "$pattern" \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) | head -n 1
}

is_builtin() {
  [ -f "$moddir/modules.builtin" ] && grep -Eq "/$(printf '%s' "$1" | sed 's/[-_]/[-_]/g')\.ko$" "$moddir/modules.builtin"
}

declare -A seen=()
order=()
add_module() {
  local name=$1 file dep
  [ -n "${seen[$name]:-}" ] && return 0
  seen[$name]=1
  if is_builtin "$name"; then return 0; fi
  file=$(module_file "$name")
  [ -n "$file" ] || die "module $name not found under $moddir/kernel"
  for dep in $(modinfo -F depends "$file" | tr ',' ' '); do add_module "$dep"; done
  case "$file" in
    *.ko) cp "$file" "$stage/lib/modules/$name.ko" ;;
    *.ko.xz) xz -dc "$file" >"$stage/lib/modules/$name.ko" ;;
    *.ko.zst) zstd -qdc "$file" >"$stage/lib/modules/$name.ko" ;;
    *.ko.gz) gzip -dc "$file" >"$stage/lib/modules/$name.ko" ;;
  esac
  order+=("$name")
}
for m in "${wanted[@]}"; do add_module "$m"; done
printf '%s\n' "${order[@]}" >"$stage/etc/rb-modules"

cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done
install -m 0755 "$here/init" "$stage/init"
install -m 0644 "$here/rb.sh" "$stage/lib/rb.sh"
echo "$version" >"$stage/etc/rb-kernel-version"

find "$stage" -exec touch -h -d @0 {} +
mkdir -p "$(dirname "$out")"
tmp_out="$out.tmp.$$"
(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
  cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) | gzip -9n >"$tmp_out"
mv -f "$tmp_out" "$out"
echo "build-initramfs: $out ($(stat -c %s "$out") bytes; kernel $version; modules: ${order[*]})"
