#!/usr/bin/env bash
# Builds the diskless clients' boot initramfs: busybox-static, the NIC and NFSv3 client modules
# of the Debian kernel unpacked by scripts/setup.sh, /init and the udhcpc event script.
# Usage: images/boot/build-initramfs.sh OUT.img
# Environment: RB_KERNEL_DIR, RB_BUSYBOX, SOURCE_DATE_EPOCH (see common.sh).
# Reproducible: the same inputs give byte-identical output.
set -euo pipefail
rb_tool=build-initramfs
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

out=${1:?usage: build-initramfs.sh OUT.img}
rb_need_tools modinfo cpio gzip find sort
rb_check_busybox
version=$(rb_kernel_version)
moddir=$rb_kernel_dir/root/lib/modules/$version
[ -d "$moddir/kernel" ] || rb_die "no modules at $moddir"

# The order architecture.md verified for virtio-net + NFSv3; e1000/e1000e are appended to the
# NIC drivers because they are the default NIC of QEMU, VirtualBox and VMware. A dependency
# missing from the list is inserted before its first user from the module's own `depends`
# field (the unpacked tree has no modules.dep).
nic_modules=(failover net_failover virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
  virtio_pci virtio_net e1000 e1000e)
nfs_modules=(sunrpc grace lockd nfs_acl netfs fscache nfs nfsv3)

stage=$(mktemp -d "${TMPDIR:-/tmp}/rowboot-initrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,run,tmp,newroot,etc/rowboot,lib/modules}

# Every module file and every built-in module, by name ('-' spelled '_', as the kernel does).
declare -A module_path=() builtin=()
while IFS= read -r -d '' file; do
  name=${file##*/}
  name=${name%%.ko*}
  name=${name//-/_}
  [ -n "${module_path[$name]:-}" ] || module_path[$name]=$file
done < <(find "$moddir/kernel" \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) -print0 | LC_ALL=C sort -z)
if [ -f "$moddir/modules.builtin" ]; then
  while IFS= read -r line; do
    name=${line##*/}
    name=${name%.ko}
    builtin[${name//-/_}]=1
  done <"$moddir/modules.builtin"
fi

declare -A seen=()
order=()
add_module() {
  local name=${1//-/_} file dep
  [ -n "${seen[$name]:-}" ] && return 0
  seen[$name]=1
  [ -z "${builtin[$name]:-}" ] || return 0
  file=${module_path[$name]:-}
  [ -n "$file" ] || rb_die "module $name not found under $moddir/kernel"
  for dep in $(modinfo -F depends "$file" | tr ',' ' '); do add_module "$dep"; done
  case "$file" in
    *.ko) cp "$file" "$stage/lib/modules/$name.ko" ;;
    *.ko.xz) xz -dc "$file" >"$stage/lib/modules/$name.ko" ;;
    *.ko.zst) zstd -qdc "$file" >"$stage/lib/modules/$name.ko" ;;
    *.ko.gz) gzip -dc "$file" >"$stage/lib/modules/$name.ko" ;;
  esac
  order+=("$name")
}
for m in "${nic_modules[@]}" "${nfs_modules[@]}"; do add_module "$m"; done
printf '%s\n' "${order[@]}" >"$stage/etc/rowboot/modules"

cp "$rb_busybox" "$stage/bin/busybox"
rb_busybox_links "$stage" bin
install -m 0755 "$here/init" "$stage/init"
install -m 0755 "$here/udhcpc.script" "$stage/etc/rowboot/udhcpc.script"
echo "$version" >"$stage/etc/rowboot/kernel-version"

rb_normalize_tree "$stage"
mkdir -p "$(dirname "$out")"
rb_cpio_gz "$stage" "$out"
rb_log "$out ($(stat -c %s "$out") bytes; kernel $version; modules: ${order[*]})"
