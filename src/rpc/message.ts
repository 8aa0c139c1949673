import { XdrError, type XdrReader, type XdrWriter } from '../xdr/index.js';
import { decodeOpaqueAuth, encodeOpaqueAuth } from './auth.js';
import { AcceptStat, MsgType, RejectStat, ReplyStat, RPC_VERSION } from './constants.js';
import type { OpaqueAuth } from './types.js';

/** RFC 5531 section 9 call_body, after the xid and msg_type. */
export interface CallHeader {
  xid: number;
  rpcVersion: number;
  program: number;
  version: number;
  procedure: number;
  credential: OpaqueAuth;
  verifier: OpaqueAuth;
}

export function encodeCallHeader(writer: XdrWriter, header: Omit<CallHeader, 'rpcVersion'>): void {
  writer
    .uint32(header.xid)
    .uint32(MsgType.CALL)
    .uint32(RPC_VERSION)
    .uint32(header.program)
    .uint32(header.version)
    .uint32(header.procedure);
  encodeOpaqueAuth(writer, header.credential);
  encodeOpaqueAuth(writer, header.verifier);
}

/** Decodes a call header; the reader is left at the procedure's arguments. */
export function decodeCallHeader(reader: XdrReader): CallHeader {
  const xid = reader.uint32();
  const type = reader.uint32();
  if (type !== MsgType.CALL) throw new XdrError('XDR_BAD_ENUM', `expected CALL, got msg_type ${type}`);
  const rpcVersion = reader.uint32();
  const program = reader.uint32();
  const version = reader.uint32();
  const procedure = reader.uint32();
  const credential = decodeOpaqueAuth(reader);
  const verifier = decodeOpaqueAuth(reader);
  return { xid, rpcVersion, program, version, procedure, credential, verifier };
}

/** The part of a reply that decides how to read the rest. */
export type ReplyHeader =
  | { xid: number; kind: 'accepted'; verifier: OpaqueAuth; acceptStat: typeof AcceptStat.SUCCESS }
  | { xid: number; kind: 'accepted'; verifier: OpaqueAuth; acceptStat: typeof AcceptStat.PROG_MISMATCH; low: number; high: number }
  | { xid: number; kind: 'accepted'; verifier: OpaqueAuth; acceptStat: Exclude<AcceptStat, 0 | 2> }
  | { xid: number; kind: 'rpc-mismatch'; low: number; high: number }
  | { xid: number; kind: 'auth-error'; authStat: number };

export function encodeAcceptedReply(
  writer: XdrWriter,
  xid: number,
  verifier: OpaqueAuth,
  acceptStat: AcceptStat,
  mismatch?: { low: number; high: number },
): void {
  writer.uint32(xid).uint32(MsgType.REPLY).uint32(ReplyStat.MSG_ACCEPTED);
  encodeOpaqueAuth(writer, verifier);
  writer.uint32(acceptStat);
  if (acceptStat === AcceptStat.PROG_MISMATCH) {
    writer.uint32(mismatch?.low ?? 0).uint32(mismatch?.high ?? 0);
  }
}

export function encodeRpcMismatchReply(writer: XdrWriter, xid: number): void {
  writer
    .uint32(xid)
    .uint32(MsgType.REPLY)
    .uint32(ReplyStat.MSG_DENIED)
    .uint32(RejectStat.RPC_MISMATCH)
    .uint32(RPC_VERSION)
    .uint32(RPC_VERSION);
}

export function encodeAuthErrorReply(writer: XdrWriter, xid: number, authStat: number): void {
  writer.uint32(xid).uint32(MsgType.REPLY).uint32(ReplyStat.MSG_DENIED).uint32(RejectStat.AUTH_ERROR).uint32(authStat);
}

/** Decodes a reply header; on SUCCESS the reader is left at the procedure's results. */
export function decodeReplyHeader(reader: XdrReader): ReplyHeader {
  const xid = reader.uint32();
  const type = reader.uint32();
  if (type !== MsgType.REPLY) throw new XdrError('XDR_BAD_ENUM', `expected REPLY, got msg_type ${type}`);
  const replyStat = reader.uint32();
  if (replyStat === ReplyStat.MSG_ACCEPTED) {
    const verifier = decodeOpaqueAuth(reader);
    const acceptStat = reader.uint32();
    if (acceptStat === AcceptStat.PROG_MISMATCH) {
      return { xid, kind: 'accepted', verifier, acceptStat, low: reader.uint32(), high: reader.uint32() };
    }
    if (acceptStat > AcceptStat.SYSTEM_ERR) throw new XdrError('XDR_BAD_ENUM', `accept_stat ${acceptStat}`);
    return { xid, kind: 'accepted', verifier, acceptStat: acceptStat as Exclude<AcceptStat, 2> } as ReplyHeader;
  }
  if (replyStat === ReplyStat.MSG_DENIED) {
    const rejectStat = reader.uint32();
    if (rejectStat === RejectStat.RPC_MISMATCH) return { xid, kind: 'rpc-mismatch', low: reader.uint32(), high: reader.uint32() };
    if (rejectStat === RejectStat.AUTH_ERROR) return { xid, kind: 'auth-error', authStat: reader.uint32() };
    throw new XdrError('XDR_BAD_ENUM', `reject_stat ${rejectStat}`);
  }
  throw new XdrError('XDR_BAD_ENUM', `reply_stat ${replyStat}`);
}
