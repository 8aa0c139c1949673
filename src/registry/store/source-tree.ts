import type { Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageStoreError } from '../errors.js';
import type { EntryAttributes } from './manifest.js';

/**
 * The directory a publisher hands to `row publish`, walked depth first with names sorted, so
 * the same tree always gives the same manifest. Symlinks are recorded, never followed; what an
 * image cannot carry over NFS as a plain object (devices, FIFOs, sockets) is skipped and
 * reported: a diskless guest gets those from devtmpfs and its own services.
 */
export interface SourceEntry {
  /** Image path ('/'-separated, relative to the source root). */
  path: string;
  absolute: string;
  type: 'file' | 'directory' | 'symlink';
  stats: Stats;
  target?: string;
}

export interface SourceTree {
  root: Stats;
  entries: SourceEntry[];
}

export function attributesOf(stats: Stats): EntryAttributes {
  return { mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, mtimeMs: Math.floor(stats.mtimeMs) };
}

export async function scanSourceTree(root: string, onSkip: (path: string, why: string) => void = () => undefined): Promise<SourceTree> {
  let rootStats: Stats;
  try {
    rootStats = await lstat(root);
  } catch (error) {
    throw new ImageStoreError(`cannot read ${root}`, { cause: error });
  }
  if (!rootStats.isDirectory()) throw new ImageStoreError(`${root} is not a directory`);
  const entries: SourceEntry[] = [];
  const walk = async (directory: string, prefix: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      throw new ImageStoreError(`cannot list ${directory}`, { cause: error });
    }
    for (const name of names.sort()) {
      const absolute = join(directory, name);
      const path = prefix === '' ? name : `${prefix}/${name}`;
      let stats: Stats;
      try {
        stats = await lstat(absolute);
      } catch (error) {
        throw new ImageStoreError(`cannot read ${absolute}`, { cause: error });
      }
      if (stats.isDirectory()) {
        entries.push({ path, absolute, type: 'directory', stats });
        await walk(absolute, path);
      } else if (stats.isFile()) {
        entries.push({ path, absolute, type: 'file', stats });
      } else if (stats.isSymbolicLink()) {
        entries.push({ path, absolute, type: 'symlink', stats, target: await readlink(absolute) });
      } else {
        onSkip(path, 'not a file, directory or symlink');
      }
    }
  };
  await walk(root, '');
  return { root: rootStats, entries };
}
