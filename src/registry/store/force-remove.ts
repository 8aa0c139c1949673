import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `rm -rf` for image trees: an image may hold read-only directories (0555 /usr/bin, 0500
 * /root), which stop a non-root server from deleting their children, so every directory is
 * made owner-writable first. Symlinks are never followed (lstat). A missing path is fine.
 */
export async function forceRemove(path: string): Promise<void> {
  await openUp(path);
  await rm(path, { recursive: true, force: true });
}

async function openUp(path: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch {
    return;
  }
  if (!stats.isDirectory()) return;
  if ((stats.mode & 0o700) !== 0o700) await chmod(path, (stats.mode & 0o7777) | 0o700);
  for (const name of await readdir(path)) await openUp(join(path, name));
}
