#!/usr/bin/env bash
# Recipe "tiny": a busybox-only root (about 2 MB) whose /sbin/init prints the markers the e2e
# tests wait for (images/appliance/tiny/init). Called by images/appliance/build.sh as
#   recipes/tiny.sh ROOT_DIR        (ROOT_DIR exists and is empty)
# Everything is owned by 0:0; build.sh fixes the mtimes afterwards.
set -euo pipefail
rb_tool=appliance-tiny
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../boot/common.sh
. "$here/../../boot/common.sh"
files=$here/../tiny

root=${1:?usage: tiny.sh ROOT_DIR}
rb_check_busybox

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/rowboot,dev,proc,sys,run,tmp,root,mnt}
mkdir -p "$root"/var/{log,lib,tmp} "$root"/home/user
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
cp "$rb_busybox" "$root/bin/busybox"
RB_SKIP_APPLETS="sbin/init linuxrc" rb_busybox_links "$root"
install -m 0755 "$files/init" "$root/sbin/init"
install -m 0644 "$files/inittab" "$root/etc/inittab"
install -m 0644 "$files/profile" "$root/etc/profile"

echo rowboot-tiny >"$root/etc/hostname"
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' >"$root/etc/group"
# Password login is locked; the console shell needs none.
printf 'root:*:19000:0:99999:7:::\nuser:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
chmod 0640 "$root/etc/shadow"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
# The initramfs writes the DHCP answer's DNS servers there.
ln -s ../run/rowboot/resolv.conf "$root/etc/resolv.conf"
cat >"$root/etc/os-release" <<'OS'
NAME="rowboot tiny"
ID=rowboot-tiny
PRETTY_NAME="rowboot tiny appliance (busybox)"
OS
cat >"$root/etc/motd" <<'MOTD'
rowboot tiny appliance: a busybox root mounted over NFSv3 through a ROW-FS proxy.
Writes land in this machine's shadow; the image server is never written to.
MOTD
{
  echo "RECIPE=tiny"
  echo "BUSYBOX='$(rb_package_version_of "$rb_busybox")'"
} >"$root/etc/rowboot/image"
