/**
 * Opens a requested file inside the server's root, never outside it: the path is resolved
 * with realpath (so a symlink inside the root that points outside is caught), opened without
 * following a final symlink, and the open descriptor's own path (/proc/self/fd) is checked
 * again, which closes the race with a directory being swapped for a symlink in between.
 * Paths are handled as bytes (the request's latin1 string) so any file name round-trips.
 */
import { constants } from 'node:fs';
import { open, readlink, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { TftpErrorCode } from './constants.js';
import { TftpRequestError, TftpServerError } from './errors.js';

export interface OpenedRootFile {
  handle: FileHandle;
  size: number;
}

const SLASH = Buffer.from('/');
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Maps a file system error to the TFTP answer; the detail stays in the log. */
function requestErrorFor(error: unknown, what: string): TftpRequestError {
  const code = errnoCode(error);
  if (code !== undefined && NOT_FOUND_CODES.has(code)) return TftpRequestError.notFound(`${what}: ${code}`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return TftpRequestError.accessViolation(`${what}: ${code}`, { cause: error });
  return new TftpRequestError(TftpErrorCode.NOT_DEFINED, 'cannot read file', `${what}: ${code ?? String(error)}`, { cause: error });
}

export class RootDirectory {
  private constructor(
    /** The root's real path as bytes, with a trailing slash (`/` for the file system root). */
    private readonly prefix: Buffer,
    readonly realPath: string,
  ) {}

  static async open(root: string): Promise<RootDirectory> {
    let real: string;
    try {
      real = await realpath(root);
    } catch (cause) {
      throw new TftpServerError(`TFTP root ${root} cannot be resolved`, { cause });
    }
    const prefix = real === '/' ? SLASH : Buffer.concat([Buffer.from(real), SLASH]);
    return new RootDirectory(prefix, real);
  }

  private inside(path: Buffer): boolean {
    return path.length > this.prefix.length && path.subarray(0, this.prefix.length).equals(this.prefix);
  }

  /** Opens `relativePath` (already normalized: no `..`, not absolute) for reading. */
  async openFile(relativePath: string): Promise<OpenedRootFile> {
    const requested = Buffer.concat([this.prefix, Buffer.from(relativePath, 'latin1')]);
    let resolved: Buffer;
    try {
      resolved = await realpath(requested, { encoding: 'buffer' });
    } catch (error) {
      throw requestErrorFor(error, 'realpath');
    }
    if (!this.inside(resolved)) throw TftpRequestError.accessViolation('resolves outside the root');
    let handle: FileHandle;
    try {
      handle = await open(resolved, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      throw requestErrorFor(error, 'open');
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw TftpRequestError.accessViolation('not a regular file');
      await this.checkDescriptor(handle);
      return { handle, size: stats.size };
    } catch (error) {
      await handle.close();
      throw error instanceof TftpRequestError ? error : requestErrorFor(error, 'stat');
    }
  }

  private async checkDescriptor(handle: FileHandle): Promise<void> {
    let opened: Buffer;
    try {
      opened = await readlink(`/proc/self/fd/${handle.fd}`, { encoding: 'buffer' });
    } catch (error) {
      // No /proc (not Linux): the realpath check above stands alone.
      if (errnoCode(error) === 'ENOENT') return;
      throw error;
    }
    if (!this.inside(opened)) throw TftpRequestError.accessViolation('opened file lies outside the root');
  }
}
