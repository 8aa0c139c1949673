/**
 * The boot assets of images/build.sh for tests and benchmarks, and the kernel command line
 * contract of the initramfs (images/boot/README.md). Building and caching them (one build per
 * recipe version under images/build/boot-assets/) and the console markers live in
 * src/cli/lab, which `row demo` uses too; they are re-exported here.
 */
import { BootAssetsError } from '../../src/cli/lab/index.js';

export {
  BootAssetsError,
  BootMarker,
  bootAssetsIn,
  bootAssetsKey,
  buildBootAssets,
  cachedBootAssets,
  type BootAssets,
} from '../../src/cli/lab/index.js';

/** What the boot initramfs reads from the kernel command line (images/boot/README.md). */
export interface RowbootKernelArgs {
  /** rowboot.root=HOST:/path; absent: DHCP option 17 "[HOST:]/path[,options]". */
  root?: { host: string; path: string };
  /** rowboot.nfsport / rowboot.mountport; absent: the kernel asks the portmapper (111). */
  nfsPort?: number;
  mountPort?: number;
  /** rowboot.nfsopts: extra mount options, appended last. */
  nfsOptions?: readonly string[];
  /** rowboot.if: the NIC to configure. */
  interface?: string;
  /** rowboot.hostname; else DHCP option 12; else rowboot-<mac>. */
  hostname?: string;
  /** rowboot.panic (default shell) and rowboot.panic_delay (seconds, default 10). */
  panic?: 'shell' | 'poweroff' | 'reboot';
  panicDelaySeconds?: number;
  /** rowboot.test for the tiny appliance's /sbin/init. */
  test?: 'poweroff' | 'reboot-once';
  /** Default ['ttyS0']: the last one is /dev/console, where the markers go. */
  consoles?: readonly string[];
  /** Default true: only warnings from the kernel, the markers stand out. */
  quiet?: boolean;
  extra?: readonly string[];
}

export function rowbootKernelArgs(options: RowbootKernelArgs = {}): string[] {
  const args = (options.consoles ?? ['ttyS0']).map((name) => `console=${name}`);
  if (options.quiet ?? true) args.push('quiet');
  if (options.root) {
    if (/\s/.test(options.root.path)) throw new BootAssetsError(`root path ${JSON.stringify(options.root.path)} cannot go on a kernel command line`);
    args.push(`rowboot.root=${options.root.host}:${options.root.path}`);
  }
  if (options.nfsPort !== undefined) args.push(`rowboot.nfsport=${options.nfsPort}`);
  if (options.mountPort !== undefined) args.push(`rowboot.mountport=${options.mountPort}`);
  if (options.nfsOptions?.length) args.push(`rowboot.nfsopts=${options.nfsOptions.join(',')}`);
  if (options.interface !== undefined) args.push(`rowboot.if=${options.interface}`);
  if (options.hostname !== undefined) args.push(`rowboot.hostname=${options.hostname}`);
  if (options.panic !== undefined) args.push(`rowboot.panic=${options.panic}`);
  if (options.panicDelaySeconds !== undefined) args.push(`rowboot.panic_delay=${options.panicDelaySeconds}`);
  if (options.test !== undefined) args.push(`rowboot.test=${options.test}`);
  return [...args, ...(options.extra ?? [])];
}
