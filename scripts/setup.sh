#!/usr/bin/env bash
# Installs what `npm test`, `npm run demo` and `npm run bench` need on a fresh Debian 12
# machine (as root): the real NFS peers, QEMU, busybox, the Debian kernel for the guest
# harness, and the npm packages. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  nfs-ganesha nfs-ganesha-vfs rpcbind   # a real NFSv3 server (architecture.md)
  libnfs-utils                          # real user-space NFS clients: nfs-ls, nfs-cat, nfs-cp
  qemu-system-x86 ipxe-qemu             # the Linux kernel NFS client runs in a TCG guest
  busybox-static cpio kmod              # the guest's initramfs
  iproute2 nftables                     # namespaces, tap devices, bridges
  radvd ndisc6                          # the minimal IPv6 RA that ends iPXE's 16 s IPv6 wait; rdisc6 checks it
  dnsmasq-base curl                     # reference DHCP/TFTP server and TFTP client for tests and benchmarks
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends keeps ganesha from pulling in services we never start.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian kernel whose NFS client the guest tests use: downloaded as a .deb and unpacked
# here, never installed on the host (architecture.md: NFS is built as modules).
KERNEL_DIR=.cache/kernel
if [ ! -f "$KERNEL_DIR/vmlinuz" ]; then
  mkdir -p "$KERNEL_DIR"
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$pkg" ] || { echo "setup: cannot find the kernel package behind linux-image-amd64" >&2; exit 1; }
  echo "setup: fetching $pkg"
  (cd "$KERNEL_DIR" && rm -f ./*.deb && apt-get download -qq "$pkg" >/dev/null)
  rm -rf "$KERNEL_DIR/root"
  dpkg-deb -x "$KERNEL_DIR"/*.deb "$KERNEL_DIR/root"
  cp "$KERNEL_DIR"/root/boot/vmlinuz-* "$KERNEL_DIR/vmlinuz"
  basename "$KERNEL_DIR"/root/lib/modules/* > "$KERNEL_DIR/version"
  rm -f "$KERNEL_DIR"/*.deb
fi

if [ ! -d node_modules/typescript ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
