import { fstatSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { ReadArgs, ReadResult } from '../../nfs/index.js';
import type { ExportCore } from '../export-core.js';
import { readAt } from '../file-io.js';
import { READ_MAX_BYTES } from '../limits.js';

/**
 * READ (RFC 1813 section 3.3.6). The data goes into a fresh Buffer that the reply
 * references (no copy); a count above rtmax is trimmed, as the RFC allows.
 */
export async function read(core: ExportCore, args: ReadArgs): Promise<ReadResult> {
  let opened: Awaited<ReturnType<ExportCore['openFile']>>;
  try {
    opened = await core.openFile(args.file, false);
  } catch (error) {
    return { status: core.statusOf(error), fileAttributes: undefined };
  }
  const { entry, file } = opened;
  try {
    const buffer = Buffer.allocUnsafe(Math.min(args.count, READ_MAX_BYTES));
    const bytesRead = buffer.length === 0 ? 0 : await readAt(file.fd, buffer, args.offset);
    const stats = fstatSync(file.fd, { bigint: true });
    // Removed behind our back while we held it open: the handle is stale.
    if (stats.nlink === 0n) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE);
    return {
      status: Nfsstat3.NFS3_OK,
      fileAttributes: core.fattrOf(entry, stats),
      count: bytesRead,
      eof: args.offset + bytesRead >= Number(stats.size),
      data: buffer.subarray(0, bytesRead),
    };
  } catch (error) {
    return { status: core.statusOf(error), fileAttributes: undefined };
  } finally {
    core.fds.release(file);
  }
}
