/**
 * The test guest's boot files: the Debian kernel unpacked by scripts/setup.sh and an initrd
 * made of the cached base initramfs (images/guest/build-initramfs.sh) followed by a small
 * per-run archive holding /workload.sh. The kernel unpacks concatenated archives in order.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from './command.js';
import type { CpioEntry } from './cpio-newc.js';
import { cpioNewc } from './cpio-newc.js';
import { repoRoot } from './repo-root.js';

export class GuestImageError extends Error {
  override readonly name = 'GuestImageError';
}

const recipeDir = join(repoRoot, 'images', 'guest');
const recipeFiles = ['build-initramfs.sh', 'init', 'rb.sh'] as const;
/** Build output; images/build/ is git-ignored. */
const cacheDir = join(repoRoot, 'images', 'build', 'guest');

export function kernelDir(): string {
  return process.env.RB_KERNEL_DIR ?? join(repoRoot, '.cache', 'kernel');
}

export function kernelImage(): string {
  const path = join(kernelDir(), 'vmlinuz');
  if (!existsSync(path)) throw new GuestImageError(`no guest kernel at ${path}: run scripts/setup.sh`);
  return path;
}

/** Everything the base image depends on, so a changed recipe or kernel rebuilds it. */
function baseKey(): string {
  const hash = createHash('sha256');
  for (const name of recipeFiles) hash.update(readFileSync(join(recipeDir, name)));
  hash.update(readFileSync(join(kernelDir(), 'version')));
  const busybox = statSync(process.env.RB_BUSYBOX ?? '/bin/busybox');
  hash.update(`${busybox.size}:${busybox.mtimeMs}`);
  return hash.digest('hex').slice(0, 16);
}

let building: Promise<string> | undefined;
/** Base images of older recipes are removed once nobody can still be reading them. */
const staleBaseAgeMs = 60 * 60 * 1000;

function pruneOldBases(keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path === keep || !/^base-[0-9a-f]+\.cpio\.gz$/.test(name)) continue;
    if (Date.now() - statSync(path).mtimeMs > staleBaseAgeMs) rmSync(path, { force: true });
  }
}

/** Path of the base initramfs, built on first use (about 5 s) and cached across runs. */
export function baseInitramfs(): Promise<string> {
  building ??= (async () => {
    const out = join(cacheDir, `base-${baseKey()}.cpio.gz`);
    if (existsSync(out)) return out;
    // The script writes atomically, so parallel test files building the same key is harmless.
    await run('bash', [join(recipeDir, 'build-initramfs.sh'), out], { timeoutMs: 120_000 });
    pruneOldBases(out);
    return out;
  })();
  building.catch(() => {
    building = undefined;
  });
  return building;
}

/** Writes base + an archive of `entries` to `outPath`. */
export async function writeGuestInitrd(outPath: string, entries: readonly CpioEntry[]): Promise<void> {
  const base = readFileSync(await baseInitramfs());
  // The unpacker skips zero bytes between archives; aligning keeps it on a 4-byte boundary.
  const padding = Buffer.alloc((4 - (base.length % 4)) % 4);
  writeFileSync(outPath, Buffer.concat([base, padding, gzipSync(cpioNewc(entries))]));
}
