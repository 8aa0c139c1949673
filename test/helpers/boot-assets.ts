/**
 * The boot assets of images/build.sh (PXELINUX files, the Debian kernel, the boot initramfs and
 * the tiny appliance root) for tests, the demo and benchmarks: built once per recipe version
 * into images/build/boot-assets/<hash of the inputs>/ (renamed into place when complete, so
 * parallel test processes never see half a build), plus the kernel command line contract of
 * the initramfs (images/boot/README.md) and the console markers of the tiny appliance.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from './command.js';
import { repoRoot } from './repo-root.js';

export interface BootAssets {
  /** The OUT_DIR given to images/build.sh. */
  dir: string;
  /** TFTP root: pxelinux.0, ldlinux.c32, vmlinuz, initrd.img, pxelinux.cfg/default. */
  tftpDir: string;
  kernel: string;
  initrd: string;
  pxelinux: string;
  ldlinux: string;
  /** The tiny appliance's root tree (export a copy when the guest may write). */
  applianceRoot: string;
  applianceTar: string;
  /** Input versions and sha256 of every output. */
  manifest: string;
}

export class BootAssetsError extends Error {
  override readonly name = 'BootAssetsError';
}

const imagesDir = join(repoRoot, 'images');
const cacheDir = join(imagesDir, 'build', 'boot-assets');
/** Older builds are removed once nobody can still be booting from them. */
const staleBuildAgeMs = 60 * 60 * 1000;
const buildTimeoutMs = 300_000;

export function bootAssetsIn(dir: string): BootAssets {
  const tftpDir = join(dir, 'tftp');
  return {
    dir,
    tftpDir,
    kernel: join(tftpDir, 'vmlinuz'),
    initrd: join(tftpDir, 'initrd.img'),
    pxelinux: join(tftpDir, 'pxelinux.0'),
    ldlinux: join(tftpDir, 'ldlinux.c32'),
    applianceRoot: join(dir, 'appliance-root'),
    applianceTar: join(dir, 'appliance-tiny.tar'),
    manifest: join(dir, 'manifest.txt'),
  };
}

/** Runs `bash images/build.sh OUT_DIR` (about 5 s, plus the .deb downloads on first use). */
export async function buildBootAssets(outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<BootAssets> {
  try {
    await run('bash', [join(imagesDir, 'build.sh'), outDir], { timeoutMs: buildTimeoutMs, env });
  } catch (cause) {
    throw new BootAssetsError(`images/build.sh ${outDir} failed`, { cause });
  }
  return bootAssetsIn(outDir);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Everything the build reads (not the READMEs), so a changed recipe, kernel or busybox rebuilds. */
export function bootAssetsKey(): string {
  const hash = createHash('sha256');
  const recipeFiles = [join(imagesDir, 'build.sh'), ...filesUnder(join(imagesDir, 'boot')), ...filesUnder(join(imagesDir, 'appliance'))];
  for (const file of recipeFiles) hash.update(`${relative(imagesDir, file)}\0`).update(readFileSync(file));
  const kernelDir = process.env.RB_KERNEL_DIR ?? join(repoRoot, '.cache', 'kernel');
  hash.update(readFileSync(join(kernelDir, 'version')));
  const busybox = statSync(process.env.RB_BUSYBOX ?? '/bin/busybox');
  hash.update(`${busybox.size}:${busybox.mtimeMs}:${process.env.SOURCE_DATE_EPOCH ?? ''}`);
  return hash.digest('hex').slice(0, 16);
}

function pruneOldBuilds(keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path === keep) continue;
    if (Date.now() - statSync(path).mtimeMs > staleBuildAgeMs) rmSync(path, { recursive: true, force: true });
  }
}

let building: Promise<BootAssets> | undefined;

/** The cached build for the current recipe, built on first use. */
export function cachedBootAssets(): Promise<BootAssets> {
  building ??= (async () => {
    const dir = join(cacheDir, bootAssetsKey());
    if (existsSync(join(dir, 'manifest.txt'))) return bootAssetsIn(dir);
    const temp = join(cacheDir, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await buildBootAssets(temp);
      try {
        renameSync(temp, dir);
      } catch (error) {
        // Another process finished the same build first; its result is byte-identical.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      }
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    pruneOldBuilds(dir);
    return bootAssetsIn(dir);
  })();
  building.catch(() => (building = undefined));
  return building;
}

// ---------------------------------------------------------------------------------------------

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

/** Console lines of the boot initramfs (images/boot/init) and the tiny appliance (images/appliance/tiny/init). */
export const BootMarker = {
  /** `ROWBOOT-INITRD <stage> ... uptime=<s>`: start, modules, dhcp, root, mounted, switch_root. */
  initrdStage: /ROWBOOT-INITRD (\S+)(?: (.*))?$/,
  /** `ROWBOOT-BOOT-FAILED <stage>: <why>`: the initramfs gave up. */
  bootFailed: /ROWBOOT-BOOT-FAILED (.*)$/,
  applianceUp: /ROWBOOT-APPLIANCE-UP (\S+)/,
  bootCount: /ROWBOOT-APPLIANCE-BOOT-COUNT (\d+)/,
  wrote: /ROWBOOT-APPLIANCE-WROTE (.*)$/,
  hello: /ROWBOOT-APPLIANCE-HELLO (.*)$/,
  reboot: /ROWBOOT-APPLIANCE-REBOOT\b/,
  secondBoot: /ROWBOOT-APPLIANCE-SECOND-BOOT (.*)$/,
  powerOff: /ROWBOOT-APPLIANCE-POWEROFF\b/,
  applianceFailed: /ROWBOOT-APPLIANCE-FAILED (.*)$/,
} as const;
