#!/usr/bin/env bash
# Fills a TFTP root for PXELINUX clients: pxelinux.0 and ldlinux.c32 (Debian pxelinux and
# syslinux-common, fetched with apt-get download and unpacked with dpkg-deb -x, never
# installed), the Debian kernel unpacked by scripts/setup.sh as vmlinuz, the boot initramfs as
# initrd.img, and an example pxelinux.cfg/default (`row gateway` serves a generated
# pxelinux.cfg/01-<mac> per client, which PXELINUX asks for before `default`).
# Usage: images/boot/build-tftp.sh TFTP_DIR INITRD_IMG
# Environment: ROWBOOT_DEFAULT_ROOT=HOST:/path bakes rowboot.root= into the example (without
#              it the client takes its root from DHCP option 17); RB_KERNEL_DIR, RB_DEB_CACHE.
set -euo pipefail
rb_tool=build-tftp
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

tftp=${1:?usage: build-tftp.sh TFTP_DIR INITRD_IMG}
initrd=${2:?usage: build-tftp.sh TFTP_DIR INITRD_IMG}
rb_need_tools dpkg-deb apt-get
[ -f "$initrd" ] || rb_die "no initramfs at $initrd"
[ -f "$rb_kernel_dir/vmlinuz" ] || rb_die "no kernel at $rb_kernel_dir/vmlinuz: run scripts/setup.sh"

unpacked=$(mktemp -d "${TMPDIR:-/tmp}/rowboot-debs.XXXXXX")
trap 'rm -rf "$unpacked"' EXIT
pxelinux_deb=$(rb_fetch_deb pxelinux)
syslinux_deb=$(rb_fetch_deb syslinux-common)
dpkg-deb -x "$pxelinux_deb" "$unpacked"
dpkg-deb -x "$syslinux_deb" "$unpacked"

mkdir -p "$tftp/pxelinux.cfg"
install -m 0644 "$unpacked/usr/lib/PXELINUX/pxelinux.0" "$tftp/pxelinux.0"
# PXELINUX 6 loads its core from ldlinux.c32 next to pxelinux.0.
install -m 0644 "$unpacked/usr/lib/syslinux/modules/bios/ldlinux.c32" "$tftp/ldlinux.c32"
install -m 0644 "$rb_kernel_dir/vmlinuz" "$tftp/vmlinuz"
[ "$(readlink -f "$initrd")" = "$(readlink -f "$tftp/initrd.img")" ] || install -m 0644 "$initrd" "$tftp/initrd.img"

root_arg=''
[ -z "${ROWBOOT_DEFAULT_ROOT:-}" ] || root_arg=" rowboot.root=$ROWBOOT_DEFAULT_ROOT"
cat >"$tftp/pxelinux.cfg/default" <<CFG
# Example written by images/build.sh. \`row gateway\` generates pxelinux.cfg/01-<mac> for each
# client with its own root, e.g.
#   APPEND console=tty0 console=ttyS0 quiet rowboot.root=10.0.0.1:/images/tiny rowboot.nfsport=2049 rowboot.mountport=2049 rowboot.panic=reboot
# Without rowboot.root= the initramfs mounts the DHCP root path (option 17, "[HOST:]/path");
# without rowboot.nfsport=/rowboot.mountport= the kernel asks the server's portmapper (111).
# IPAPPEND 2 adds BOOTIF=01-<mac>, so the initramfs configures the NIC it booted from.
DEFAULT rowboot
PROMPT 0
TIMEOUT 0
LABEL rowboot
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND console=tty0 console=ttyS0 quiet${root_arg} rowboot.panic=reboot
  IPAPPEND 2
CFG

{
  echo "$(rb_deb_version "$pxelinux_deb")"
  echo "$(rb_deb_version "$syslinux_deb")"
  echo "kernel $(rb_kernel_version)"
} >"$unpacked/versions"
rb_normalize_tree "$tftp"
cat "$unpacked/versions"
