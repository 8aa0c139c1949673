#!/usr/bin/env bash
# Recipe "debian-minimal" (a later issue): a Debian 12 root made with
#   mmdebstrap --variant=minbase --include=systemd-sysv,... bookworm ROOT_DIR
# plus the kernel's modules, Storage=volatile journald, an empty /etc/machine-id (each client
# gets its own at first boot, kept in its shadow) and fstab-less NFS root (architecture.md).
# Called as recipes/debian-minimal.sh ROOT_DIR like every recipe; Debian owners must be kept,
# so this recipe will set RB_ALL_ROOT=0 (build.sh then keeps numeric owners in the tar).
echo "appliance recipe debian-minimal: not implemented yet" >&2
exit 2
