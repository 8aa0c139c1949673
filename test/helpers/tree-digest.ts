/**
 * One digest of a whole directory tree: every path, type, mode, size, symlink target and
 * file content. Tests take it of the main (image) tree before and after, to prove that
 * nothing ever wrote to it.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function treeDigest(root: string): string {
  const hash = createHash('sha256');
  const walk = (relative: string) => {
    const path = join(root, relative);
    const stat = lstatSync(path);
    hash.update(`${relative}\0${stat.mode.toString(8)}\0${stat.uid}:${stat.gid}\0${stat.mtimeMs}\0`);
    if (stat.isSymbolicLink()) hash.update(`link\0${readlinkSync(path)}\0`);
    else if (stat.isFile()) hash.update(readFileSync(path));
    else if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(relative === '' ? name : `${relative}/${name}`);
    }
  };
  walk('');
  return hash.digest('hex');
}
