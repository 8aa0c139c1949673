import type { DhcpClient } from './client.js';
import { ClientArch } from './constants.js';

/** Picks the boot file for a client; undefined = send no boot information. */
export type BootFileChooser = (client: DhcpClient) => string | undefined;

/** File names per firmware family and per stage. */
export interface BootFileTable {
  /** Legacy BIOS PXE firmware (arch 0, or no option 93). */
  bios: string | undefined;
  /** iPXE running on a BIOS (e.g. QEMU's ROM, or after chainloading undionly.kpxe). */
  biosIpxe: string | undefined;
  /** UEFI firmware (arch 6, 7, 9, ...). */
  uefi: string | undefined;
  /** iPXE running on UEFI. */
  uefiIpxe: string | undefined;
  /** A DHCP client that is not a PXE client at all (no option 93): e.g. the initramfs's udhcpc. */
  plain: string | undefined;
}

/**
 * The default: PXELINUX on BIOS, whether the firmware is a vendor PXE ROM or iPXE (PXELINUX
 * never asks DHCP again, so nothing loops); iPXE on UEFI firmware, and a script for iPXE
 * itself so that the chainload ends (user class "iPXE" -> never ipxe.efi again).
 */
export const defaultBootFiles: BootFileTable = {
  bios: 'pxelinux.0',
  biosIpxe: 'pxelinux.0',
  uefi: 'ipxe.efi',
  uefiIpxe: 'boot.ipxe',
  plain: undefined,
};

const biosArches: ReadonlySet<number> = new Set([ClientArch.INTEL_X86PC]);

export function bootFileChooser(table: BootFileTable): BootFileChooser {
  return (client) => {
    if (client.arch === undefined) return client.isIpxe ? table.biosIpxe : table.plain;
    if (biosArches.has(client.arch)) return client.isIpxe ? table.biosIpxe : table.bios;
    return client.isIpxe ? table.uefiIpxe : table.uefi;
  };
}

export const defaultBootFile: BootFileChooser = bootFileChooser(defaultBootFiles);
