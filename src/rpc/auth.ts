import { hostname } from 'node:os';
import { XdrError, XdrReader, XdrWriter } from '../xdr/index.js';
import { AuthFlavor, MAX_AUTH_BYTES } from './constants.js';
import type { AuthSysParams, OpaqueAuth } from './types.js';

/** RFC 5531 appendix A: machinename is at most 255 bytes, gids at most 16 entries. */
export const MAX_MACHINE_NAME = 255;
export const MAX_AUTH_SYS_GIDS = 16;

export const AUTH_NONE: OpaqueAuth = Object.freeze({ flavor: AuthFlavor.AUTH_NONE, body: Buffer.alloc(0) });

export function encodeOpaqueAuth(writer: XdrWriter, auth: OpaqueAuth): void {
  writer.uint32(auth.flavor).opaque(auth.body);
}

/** Decodes an opaque_auth; a body over 400 bytes (RFC 5531 section 8.2) is an XdrError. */
export function decodeOpaqueAuth(reader: XdrReader): OpaqueAuth {
  const flavor = reader.uint32();
  const body = reader.opaque(MAX_AUTH_BYTES);
  return { flavor, body };
}

/** Encodes AUTH_SYS parameters; throws RangeError for what a server would reject as AUTH_BADCRED. */
export function encodeAuthSys(params: AuthSysParams): OpaqueAuth {
  if (params.gids.length > MAX_AUTH_SYS_GIDS) {
    throw new RangeError(`AUTH_SYS carries at most ${MAX_AUTH_SYS_GIDS} gids, got ${params.gids.length}`);
  }
  if (Buffer.byteLength(params.machineName, 'utf8') > MAX_MACHINE_NAME) {
    throw new RangeError(`AUTH_SYS machine name exceeds ${MAX_MACHINE_NAME} bytes`);
  }
  const writer = new XdrWriter(64);
  writer
    .uint32(params.stamp)
    .string(params.machineName)
    .uint32(params.uid)
    .uint32(params.gid)
    .array(params.gids, (w, gid) => w.uint32(gid));
  return { flavor: AuthFlavor.AUTH_SYS, body: writer.toBuffer() };
}

/**
 * Decodes an AUTH_SYS body; throws XdrError when it is malformed, including trailing
 * bytes after the gids (Linux's svcauth_unix rejects those too).
 */
export function decodeAuthSys(body: Buffer): AuthSysParams {
  const reader = new XdrReader(body);
  const stamp = reader.uint32();
  const machineName = reader.string(MAX_MACHINE_NAME);
  const uid = reader.uint32();
  const gid = reader.uint32();
  const gids = reader.array((r) => r.uint32(), MAX_AUTH_SYS_GIDS);
  if (reader.remaining !== 0) {
    throw new XdrError('XDR_TOO_LONG', `AUTH_SYS body has ${reader.remaining} trailing bytes`);
  }
  return { stamp, machineName, uid, gid, gids };
}

/** Keeps the default machine name within RFC 5531's 255 bytes on hosts with long names. */
function defaultMachineName(): string {
  const name = hostname();
  if (Buffer.byteLength(name, 'utf8') <= MAX_MACHINE_NAME) return name;
  // Only printable ASCII survives, so the cut cannot split a multi-byte character.
  return name.replace(/[^\x21-\x7e]/g, '').slice(0, MAX_MACHINE_NAME);
}

/** An AUTH_SYS credential; omitted fields default to uid 0, gid 0, no gids, stamp 0, this host's name. */
export function authSysCredential(params: Partial<AuthSysParams> = {}): OpaqueAuth {
  return encodeAuthSys({
    stamp: params.stamp ?? 0,
    machineName: params.machineName ?? defaultMachineName(),
    uid: params.uid ?? 0,
    gid: params.gid ?? 0,
    gids: params.gids ?? [],
  });
}
