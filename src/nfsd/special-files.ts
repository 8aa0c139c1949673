import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { Ftype3 } from '../nfs/index.js';
import type { Specdata3 } from '../nfs/index.js';

export type SpecialType = typeof Ftype3.NF3CHR | typeof Ftype3.NF3BLK | typeof Ftype3.NF3FIFO | typeof Ftype3.NF3SOCK;

/** mknod(1) type letters. */
const MKNOD_LETTER = { [Ftype3.NF3CHR]: 'c', [Ftype3.NF3BLK]: 'b', [Ftype3.NF3FIFO]: 'p' } as const;

function run(file: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (error === null) {
        resolve();
        return;
      }
      // mknod(1) reports the errno text; keep the usual codes so callers map them to nfsstat3.
      const code = /File exists/.test(stderr) ? 'EEXIST' : /Operation not permitted/.test(stderr) ? 'EPERM' : /No space/.test(stderr) ? 'ENOSPC' : 'EIO';
      reject(Object.assign(new Error(`${file} failed: ${stderr.trim() || error.message}`, { cause: error }), { code }));
    });
  });
}

/**
 * A socket inode: bind a Unix socket at a temporary name, rename it into place and close
 * (Node unlinks only the temporary name, which no longer exists).
 */
function createSocketNode(dirPath: string, name: string): Promise<void> {
  const temporary = `${dirPath}/.nfsd-sock-${randomBytes(6).toString('hex')}`;
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(temporary, () => {
      try {
        renameSync(temporary, `${dirPath}/${name}`);
      } catch (error) {
        server.close(() => reject(error));
        return;
      }
      server.close(() => resolve());
    });
  });
}

/**
 * Creates a device, FIFO or socket node called `name` in `dirPath`. Node has no mknod(2),
 * so devices and FIFOs come from coreutils mknod(1), run without a shell; sockets from a
 * bound Unix socket. `dirPath` should be a /proc/<pid>/fd path of a verified directory
 * descriptor: this step is asynchronous, and that path keeps naming the same directory
 * even if it is renamed meanwhile.
 */
export async function createSpecialFile(dirPath: string, name: string, type: SpecialType, spec: Specdata3): Promise<void> {
  if (type === Ftype3.NF3SOCK) {
    await createSocketNode(dirPath, name);
    return;
  }
  const target = `${dirPath}/${name}`;
  const args = type === Ftype3.NF3FIFO ? ['--', target, MKNOD_LETTER[type]] : ['--', target, MKNOD_LETTER[type], String(spec.specdata1), String(spec.specdata2)];
  await run('mknod', args);
}
