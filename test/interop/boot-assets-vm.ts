/**
 * A QEMU VM booted directly (-kernel/-initrd/-append) from the boot assets; the console,
 * waits and stop come from test/helpers/qemu-vm.ts. Unlike test/helpers/guest.ts it keeps
 * running across guest reboots (QEMU reloads the kernel and initrd on reset) unless
 * `noReboot` is set.
 */
import type { BootAssets } from '../helpers/boot-assets.js';
import type { Netns } from '../helpers/netns.js';
import { QemuVm, spawnQemu, tapNetdev } from '../helpers/qemu-vm.js';

export interface DirectBootOptions {
  netns: Netns;
  assets: BootAssets;
  append: readonly string[];
  /** The NIC's MAC (52:54:00:... is QEMU's prefix). */
  mac: string;
  memoryMb?: number;
  /** -no-reboot: a guest reboot ends QEMU. */
  noReboot?: boolean;
  /** Failure markers end every wait unless false (a test of the failure path sets it false). */
  failFast?: boolean;
  onLine?: (line: string) => void;
}

export class DirectBootVm extends QemuVm {
  static async start(options: DirectBootOptions): Promise<DirectBootVm> {
    const tap = await options.netns.addTap();
    const child = spawnQemu(options.netns, options.memoryMb, [
      ...(options.noReboot ? ['-no-reboot'] : []),
      '-kernel', options.assets.kernel,
      '-initrd', options.assets.initrd,
      '-append', options.append.join(' '),
      ...tapNetdev(tap),
      '-device', `virtio-net-pci,netdev=net0,mac=${options.mac}`,
    ]);
    return new DirectBootVm(child, options.netns, tap, { encoding: 'utf8', failFast: options.failFast, onLine: options.onLine });
  }
}
