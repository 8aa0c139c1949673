import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of all regular files under `root` (what an image "weighs" for a client that reads it all). */
export function treeFileBytes(root: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    bytes += lstatSync(join(entry.parentPath, entry.name)).size;
    files++;
  }
  return { bytes, files };
}
