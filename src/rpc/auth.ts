import { XdrReader, XdrWriter } from '../xdr/index.js';
import { AuthFlavor, MAX_AUTH_BYTES } from './constants.js';
import type { AuthSysParams, OpaqueAuth } from './types.js';

/** RFC 5531 section 14: machinename is at most 255 bytes, gids at most 16 entries. */
const MAX_MACHINE_NAME = 255;
const MAX_AUTH_SYS_GIDS = 16;

export const AUTH_NONE: OpaqueAuth = Object.freeze({ flavor: AuthFlavor.AUTH_NONE, body: Buffer.alloc(0) });

export function encodeOpaqueAuth(writer: XdrWriter, auth: OpaqueAuth): void {
  writer.uint32(auth.flavor).opaque(auth.body);
}

export function decodeOpaqueAuth(reader: XdrReader): OpaqueAuth {
  const flavor = reader.uint32();
  const body = reader.opaque(MAX_AUTH_BYTES);
  return { flavor, body };
}

export function encodeAuthSys(params: AuthSysParams): OpaqueAuth {
  const writer = new XdrWriter(64);
  writer
    .uint32(params.stamp)
    .string(params.machineName)
    .uint32(params.uid)
    .uint32(params.gid)
    .array(params.gids, (w, gid) => w.uint32(gid));
  return { flavor: AuthFlavor.AUTH_SYS, body: writer.toBuffer() };
}

/** Decodes an AUTH_SYS body; throws XdrError when it is malformed. */
export function decodeAuthSys(body: Buffer): AuthSysParams {
  const reader = new XdrReader(body);
  const stamp = reader.uint32();
  const machineName = reader.string(MAX_MACHINE_NAME);
  const uid = reader.uint32();
  const gid = reader.uint32();
  const gids = reader.array((r) => r.uint32(), MAX_AUTH_SYS_GIDS);
  return { stamp, machineName, uid, gid, gids };
}
