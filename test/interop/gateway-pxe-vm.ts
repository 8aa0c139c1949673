/**
 * A diskless QEMU VM that PXE-boots from its NIC: SeaBIOS runs the iPXE option ROM of an
 * e1000 (Debian's ipxe-qemu), which asks DHCP and fetches the boot file over TFTP. Not
 * virtio-net: with QEMU 7.2 + SeaBIOS 1.16.2 here, SeaBIOS never runs pxe-virtio.rom (its
 * debug log shows no option ROM for 00:02.0) and boots the disk instead. No -kernel:
 * everything comes from the gateway. The console, waits and stop come from
 * test/helpers/qemu-vm.ts.
 */
import { existsSync } from 'node:fs';
import type { Netns } from '../helpers/netns.js';
import { QemuVm, spawnQemu, tapNetdev } from '../helpers/qemu-vm.js';

/** Debian's ipxe-qemu installs the ROMs here; QEMU's own search path (/usr/share/qemu) has none. */
export const PXE_E1000_ROM = '/usr/lib/ipxe/qemu/pxe-e1000.rom';

export interface PxeVmOptions {
  netns: Netns;
  mac: string;
  memoryMb?: number;
  onLine?: (line: string) => void;
}

export class PxeVm extends QemuVm {
  static async start(options: PxeVmOptions): Promise<PxeVm> {
    if (!existsSync(PXE_E1000_ROM)) throw new Error(`${PXE_E1000_ROM} is missing: install the ipxe-qemu package`);
    const tap = await options.netns.addTap();
    const child = spawnQemu(options.netns, options.memoryMb, [
      '-boot', 'n',
      ...tapNetdev(tap),
      '-device', `e1000,netdev=net0,mac=${options.mac},romfile=${PXE_E1000_ROM}`,
    ]);
    // latin1: SeaBIOS and iPXE print bytes that are not UTF-8; latin1 keeps one char per byte.
    return new PxeVm(child, options.netns, tap, { encoding: 'latin1', onLine: options.onLine });
  }

  /** Milliseconds since power-on at which line `index` arrived. */
  at(index: number): number {
    return this.lineTimes[index] ?? Number.NaN;
  }
}
