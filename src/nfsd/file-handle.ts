import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Our nfs_fh3 layout (36 bytes, well under NFS3_FHSIZE):
 *
 *   0      version (HANDLE_VERSION)
 *   1..3   zero
 *   4..11  fileid (the inode number)
 *   12..19 generation (the inode's birth time in ns, 0 where the file system has none)
 *   20..35 HMAC-SHA256(key, bytes 0..19 || export tag), first 16 bytes
 *
 * No host path is inside, so handles reveal nothing but inode numbers (which GETATTR
 * reports anyway). The MAC makes a handle unforgeable: changing the fileid of a valid
 * handle to reach another file fails verification. The generation guards against inode
 * reuse: a handle to a deleted file must not resolve to a new file that got its inode.
 */
export const HANDLE_VERSION = 1;
export const HANDLE_BYTES = 36;
const BODY_BYTES = 20;
const MAC_BYTES = 16;

export interface HandleIdentity {
  fileid: bigint;
  generation: bigint;
}

export class FileHandleCodec {
  private readonly exportTag: Buffer;

  /** `exportName` binds handles to one export: a handle of another export with the same key fails. */
  constructor(
    private readonly key: Buffer,
    exportName: string,
  ) {
    this.exportTag = createHash('sha256').update(exportName).digest();
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).update(this.exportTag).digest().subarray(0, MAC_BYTES);
  }

  encode(identity: HandleIdentity): Buffer {
    const handle = Buffer.alloc(HANDLE_BYTES);
    handle[0] = HANDLE_VERSION;
    handle.writeBigUInt64BE(identity.fileid, 4);
    handle.writeBigUInt64BE(identity.generation, 12);
    this.mac(handle.subarray(0, BODY_BYTES)).copy(handle, BODY_BYTES);
    return handle;
  }

  /** The identity inside an authentic handle, or undefined for anything we did not make. */
  decode(handle: Buffer): HandleIdentity | undefined {
    if (handle.length !== HANDLE_BYTES || handle[0] !== HANDLE_VERSION) return undefined;
    if (handle[1] !== 0 || handle[2] !== 0 || handle[3] !== 0) return undefined;
    const expected = this.mac(handle.subarray(0, BODY_BYTES));
    if (!timingSafeEqual(expected, handle.subarray(BODY_BYTES))) return undefined;
    return { fileid: handle.readBigUInt64BE(4), generation: handle.readBigUInt64BE(12) };
  }
}
