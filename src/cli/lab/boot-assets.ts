/**
 * The boot assets of images/build.sh (PXELINUX files, the Debian kernel, the boot initramfs and
 * the tiny appliance root), built once per recipe version into
 * images/build/boot-assets/<hash of the inputs>/ and renamed into place when complete, so
 * concurrent users (the demo, tests, benchmarks) never see half a build.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LabError } from './errors.js';
import { repoRoot } from './repo-paths.js';
import { runCommand } from './run-command.js';

export interface BootAssets {
  /** The OUT_DIR given to images/build.sh. */
  dir: string;
  /** TFTP root: pxelinux.0, ldlinux.c32, vmlinuz, initrd.img, pxelinux.cfg/default. */
  tftpDir: string;
  kernel: string;
  initrd: string;
  pxelinux: string;
  ldlinux: string;
  /** The tiny appliance's root tree (export it read-only, or a copy when a guest may write). */
  applianceRoot: string;
  applianceTar: string;
  /** Input versions and sha256 of every output. */
  manifest: string;
}

export class BootAssetsError extends LabError {
  override readonly name: string = 'BootAssetsError';
}

const imagesDir = join(repoRoot, 'images');
const cacheDir = join(imagesDir, 'build', 'boot-assets');
/** Older builds are removed once nobody can still be booting from them. */
const STALE_BUILD_AGE_MS = 60 * 60 * 1000;
/** About 5 s here, plus the .deb downloads on first use. */
const BUILD_TIMEOUT_MS = 300_000;

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

function kernelDir(): string {
  return process.env.RB_KERNEL_DIR ?? join(repoRoot, '.cache', 'kernel');
}

/** Runs `bash images/build.sh OUT_DIR`. */
export async function buildBootAssets(outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<BootAssets> {
  try {
    await runCommand('bash', [join(imagesDir, 'build.sh'), outDir], { timeoutMs: BUILD_TIMEOUT_MS, env });
  } catch (cause) {
    throw new BootAssetsError(`images/build.sh ${outDir} failed`, { cause });
  }
  return bootAssetsIn(outDir);
}

function recipeFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A hash of everything the build reads (not the READMEs): a changed recipe, kernel or busybox rebuilds. */
export function bootAssetsKey(): string {
  const hash = createHash('sha256');
  for (const file of [join(imagesDir, 'build.sh'), ...recipeFiles(join(imagesDir, 'boot')), ...recipeFiles(join(imagesDir, 'appliance'))]) {
    hash.update(`${relative(imagesDir, file)}\0`).update(readFileSync(file));
  }
  try {
    hash.update(readFileSync(join(kernelDir(), 'version')));
  } catch (cause) {
    throw new BootAssetsError(`no Debian kernel in ${kernelDir()}: run 'npm run setup' first (it fetches the kernel package)`, { cause });
  }
  const busybox = statSync(process.env.RB_BUSYBOX ?? '/bin/busybox', { throwIfNoEntry: false });
  if (busybox === undefined) throw new BootAssetsError('no /bin/busybox: run \'npm run setup\' first (it installs busybox-static)');
  hash.update(`${busybox.size}:${busybox.mtimeMs}:${process.env.SOURCE_DATE_EPOCH ?? ''}`);
  return hash.digest('hex').slice(0, 16);
}

function pruneOldBuilds(keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path !== keep && Date.now() - statSync(path).mtimeMs > STALE_BUILD_AGE_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** True when the build for the current recipe is already there (cachedBootAssets returns at once). */
export function bootAssetsCached(): boolean {
  return existsSync(join(cacheDir, bootAssetsKey(), 'manifest.txt'));
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
