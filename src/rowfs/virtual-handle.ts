import { createHmac, timingSafeEqual } from 'node:crypto';
import { NfsStatusError, Nfsstat3 } from '../nfs/index.js';
import { readUint32At, writeUint32At } from '../xdr/index.js';

/**
 * Virtual file handle layout (the only handles a client of the proxy ever sees):
 *   version (1) | session id (4) | vid (8) | MAC (16)
 * MAC = HMAC-SHA256(key, first 13 bytes) truncated to 16 bytes. The vid is the handle
 * table row id and never reused, so a handle names one object for ever.
 */
export const VIRTUAL_HANDLE_VERSION = 1;
const SESSION_OFFSET = 1;
const VID_HIGH_OFFSET = 5;
const VID_LOW_OFFSET = 9;
const MAC_OFFSET = 13;
const MAC_BYTES = 16;
export const VIRTUAL_HANDLE_BYTES = MAC_OFFSET + MAC_BYTES;
const TWO_TO_32 = 0x1_0000_0000;

export interface HandleIdentity {
  session: number;
  vid: number;
}

/** Handles recently minted or verified, so hot handles skip the HMAC (a few microseconds each). */
const MAX_CACHED = 8192;

export class VirtualHandleCodec {
  private readonly verified = new Map<string, HandleIdentity>();
  /** vid -> handle (a vid belongs to one session for ever). */
  private readonly minted = new Map<number, Buffer>();

  constructor(private readonly key: Buffer) {}

  private remember(handle: Buffer, identity: HandleIdentity): void {
    if (this.verified.size >= MAX_CACHED) this.verified.clear();
    this.verified.set(handle.toString('latin1'), identity);
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_BYTES);
  }

  encode(session: number, vid: number): Buffer {
    const cached = this.minted.get(vid);
    if (cached !== undefined && readUint32At(cached, SESSION_OFFSET) === session) return cached;
    const handle = Buffer.alloc(VIRTUAL_HANDLE_BYTES);
    handle[0] = VIRTUAL_HANDLE_VERSION;
    writeUint32At(handle, SESSION_OFFSET, session);
    writeUint32At(handle, VID_HIGH_OFFSET, Math.floor(vid / TWO_TO_32));
    writeUint32At(handle, VID_LOW_OFFSET, vid % TWO_TO_32);
    this.mac(handle.subarray(0, MAC_OFFSET)).copy(handle, MAC_OFFSET);
    this.remember(handle, { session, vid });
    if (this.minted.size >= MAX_CACHED) this.minted.clear();
    this.minted.set(vid, handle);
    return handle;
  }

  /** The session and vid a handle names; NFS3ERR_BADHANDLE for anything we did not mint. */
  decode(handle: Buffer): HandleIdentity {
    if (handle.length !== VIRTUAL_HANDLE_BYTES || handle[0] !== VIRTUAL_HANDLE_VERSION) {
      throw new NfsStatusError(Nfsstat3.NFS3ERR_BADHANDLE);
    }
    const known = this.verified.get(handle.toString('latin1'));
    if (known !== undefined) return known;
    const expected = this.mac(handle.subarray(0, MAC_OFFSET));
    if (!timingSafeEqual(expected, handle.subarray(MAC_OFFSET))) throw new NfsStatusError(Nfsstat3.NFS3ERR_BADHANDLE);
    const session = readUint32At(handle, SESSION_OFFSET);
    const vid = readUint32At(handle, VID_HIGH_OFFSET) * TWO_TO_32 + readUint32At(handle, VID_LOW_OFFSET);
    const identity = { session, vid };
    this.remember(handle, identity);
    return identity;
  }
}
