/**
 * A small read-only "image" for proxy tests: files of awkward sizes (so block edges matter),
 * a directory with children (to rename), a symlink, and a known digest for every file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ImageTree {
  root: string;
  /** sha256 of each regular file, by path relative to the root. */
  files: Map<string, string>;
}

export function makeImageTree(root: string): ImageTree {
  const files = new Map<string, string>();
  const put = (path: string, data: Buffer) => {
    writeFileSync(join(root, path), data);
    files.set(path, createHash('sha256').update(data).digest('hex'));
  };
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'usr', 'lib', 'deep'), { recursive: true });
  mkdirSync(join(root, 'var', 'log'), { recursive: true });
  put('etc/hostname', Buffer.from('rowboot-image\n'));
  put('etc/motd', Buffer.from('main server motd\n'));
  put('usr/lib/big.bin', randomBytes(3 * 1024 * 1024 + 777));
  put('usr/lib/deep/one.txt', Buffer.from('one\n'));
  put('usr/lib/deep/two.txt', Buffer.from('two\n'));
  put('var/log/boot.log', randomBytes(100_003));
  symlinkSync('hostname', join(root, 'etc', 'name-link'));
  return { root, files };
}
