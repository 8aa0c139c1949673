import { XdrError, XdrReader, XdrWriter } from '../xdr/index.js';
import { AUTH_NONE, decodeOpaqueAuth } from './auth.js';
import { AcceptStat, AuthStat, MsgType, RPC_VERSION, type AuthStat as AuthStatValue } from './constants.js';
import { RpcAuthRejection, RpcNoReply } from './errors.js';
import { encodeAcceptedReply, encodeAuthErrorReply, encodeRpcMismatchReply } from './message.js';
import { RECORD_MARK_BYTES, finishRecord, startRecord } from './record-marking.js';
import { checkCallAuth } from './server-auth.js';
import type {
  AuthSysParams,
  OpaqueAuth,
  RpcCallContext,
  RpcLogger,
  RpcProcedureHandler,
  RpcProgram,
  RpcResultEncoder,
} from './types.js';

/** The transport-level facts about whoever sent a record. */
export interface RpcPeer {
  transport: 'tcp' | 'udp';
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

/** A transport endpoint the dispatcher answers through (a TCP connection, the UDP socket). */
export interface ReplySink {
  /** Byte streams carry a record mark before each reply (RFC 5531 section 11); datagrams do not. */
  readonly recordMarking: boolean;
  /** Replies longer than this are replaced by SYSTEM_ERR (a datagram's payload limit). */
  readonly maxReplyBytes: number;
  sendReply(peer: RpcPeer, chunks: Buffer[]): void;
  /** Called exactly once per dispatched call, after its reply (if any) was handed over. */
  callFinished(): void;
}

/** What the server saw; the three error planes of style.md each have a counter. */
export interface RpcServerCounters {
  /** Records that parsed as a CALL; each gets exactly one reply or one dropped reply. */
  calls: number;
  /** Records too short for xid and msg_type, or not a CALL: TCP connection closed, datagram dropped. */
  garbageRecords: number;
  /** TCP records over maxRecordBytes: connection closed. */
  oversizedRecords: number;
  connections: number;
  closedConnections: number;
  socketErrors: number;
  /** MSG_DENIED replies: RPC_MISMATCH and AUTH_ERROR. */
  rejected: number;
  /** PROG_UNAVAIL, PROG_MISMATCH and PROC_UNAVAIL replies. */
  unavailable: number;
  garbageArgs: number;
  systemErrors: number;
  /** Calls that got no reply: RpcNoReply, connection gone before the reply, UDP overload. */
  droppedReplies: number;
}

export function newServerCounters(): RpcServerCounters {
  return {
    calls: 0,
    garbageRecords: 0,
    oversizedRecords: 0,
    connections: 0,
    closedConnections: 0,
    socketErrors: 0,
    rejected: 0,
    unavailable: 0,
    garbageArgs: 0,
    systemErrors: 0,
    droppedReplies: 0,
  };
}

interface ProgramEntry {
  low: number;
  high: number;
  versions: Map<number, ReadonlyMap<number, RpcProcedureHandler>>;
}

/** Room for a header-only reply: mark, xid, REPLY, MSG_ACCEPTED, verifier, accept_stat, low, high. */
const SHORT_REPLY_BYTES = 48;

function isPromiseLike(value: unknown): value is PromiseLike<RpcResultEncoder> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Turns a CALL record into exactly one reply (or a deliberate silence), per RFC 5531:
 * rpcvers other than 2 -> MSG_DENIED RPC_MISMATCH(2, 2); bad credential or verifier ->
 * MSG_DENIED AUTH_ERROR; unknown program -> PROG_UNAVAIL; known program, unknown version
 * -> PROG_MISMATCH with the lowest and highest versions served; unknown procedure ->
 * PROC_UNAVAIL; then the handler, whose XdrError means GARBAGE_ARGS, RpcAuthRejection
 * means AUTH_ERROR, RpcNoReply means no reply, and anything else SYSTEM_ERR (logged).
 * A header that is cut short after msg_type is answered GARBAGE_ARGS, as Linux does for a
 * call too short to hold its credential.
 */
export class RpcDispatcher {
  private readonly programs = new Map<number, ProgramEntry>();

  constructor(
    readonly counters: RpcServerCounters,
    private readonly logger: RpcLogger,
  ) {}

  addProgram(program: RpcProgram): void {
    if (this.programs.has(program.program)) throw new RangeError(`program ${program.program} is already registered`);
    if (program.versions.length === 0) throw new RangeError(`program ${program.program} has no versions`);
    const versions = new Map<number, ReadonlyMap<number, RpcProcedureHandler>>();
    let low = Infinity;
    let high = -Infinity;
    for (const entry of program.versions) {
      if (versions.has(entry.version)) throw new RangeError(`program ${program.program} lists version ${entry.version} twice`);
      versions.set(entry.version, entry.procedures);
      low = Math.min(low, entry.version);
      high = Math.max(high, entry.version);
    }
    this.programs.set(program.program, { low, high, versions });
  }

  /**
   * Handles one record. Returns false when the record is not a call at all (too short for
   * xid and msg_type, or msg_type is not CALL): the caller closes the connection or drops
   * the datagram, and sink.callFinished() will not be called. Otherwise returns true and
   * calls sink.callFinished() exactly once, possibly before returning.
   */
  dispatch(record: Buffer, peer: RpcPeer, sink: ReplySink): boolean {
    if (record.length < 8) return false;
    const reader = new XdrReader(record);
    const xid = reader.uint32();
    if (reader.uint32() !== MsgType.CALL) return false;
    this.counters.calls++;

    let program: number;
    let version: number;
    let procedure: number;
    try {
      // Checked first: the layout of everything after rpcvers depends on the version.
      if (reader.uint32() !== RPC_VERSION) {
        this.counters.rejected++;
        const writer = this.newWriter(sink, SHORT_REPLY_BYTES);
        encodeRpcMismatchReply(writer, xid);
        this.send(sink, peer, writer);
        return true;
      }
      program = reader.uint32();
      version = reader.uint32();
      procedure = reader.uint32();
    } catch {
      this.counters.garbageArgs++;
      this.replyAccepted(sink, peer, xid, AcceptStat.GARBAGE_ARGS);
      return true;
    }

    let credential: OpaqueAuth;
    let verifier: OpaqueAuth;
    let authSys: AuthSysParams | undefined;
    try {
      credential = decodeOpaqueAuth(reader);
    } catch {
      this.replyAuthError(sink, peer, xid, AuthStat.AUTH_BADCRED);
      return true;
    }
    try {
      verifier = decodeOpaqueAuth(reader);
    } catch {
      this.replyAuthError(sink, peer, xid, AuthStat.AUTH_BADVERF);
      return true;
    }
    try {
      authSys = checkCallAuth(credential, verifier);
    } catch (error) {
      this.logger.debug('rpc: credential rejected', { xid, program, remoteAddress: peer.remoteAddress, error });
      this.replyAuthError(sink, peer, xid, error instanceof RpcAuthRejection ? error.authStat : AuthStat.AUTH_BADCRED);
      return true;
    }

    const entry = this.programs.get(program);
    if (entry === undefined) {
      this.counters.unavailable++;
      this.replyAccepted(sink, peer, xid, AcceptStat.PROG_UNAVAIL);
      return true;
    }
    const procedures = entry.versions.get(version);
    if (procedures === undefined) {
      this.counters.unavailable++;
      this.replyAccepted(sink, peer, xid, AcceptStat.PROG_MISMATCH, entry.low, entry.high);
      return true;
    }
    const handler = procedures.get(procedure);
    if (handler === undefined) {
      this.counters.unavailable++;
      this.replyAccepted(sink, peer, xid, AcceptStat.PROC_UNAVAIL);
      return true;
    }

    const call: RpcCallContext = {
      xid,
      program,
      version,
      procedure,
      credential,
      authSys,
      transport: peer.transport,
      remoteAddress: peer.remoteAddress,
      remotePort: peer.remotePort,
      localPort: peer.localPort,
    };
    let result: RpcResultEncoder | Promise<RpcResultEncoder>;
    try {
      result = handler(reader, call);
    } catch (error) {
      this.replyFailure(sink, call, error);
      return true;
    }
    if (isPromiseLike(result)) {
      result.then(
        (encoder) => this.replySuccess(sink, call, encoder),
        (error: unknown) => this.replyFailure(sink, call, error),
      );
    } else {
      this.replySuccess(sink, call, result);
    }
    return true;
  }

  private newWriter(sink: ReplySink, size: number): XdrWriter {
    const writer = new XdrWriter(size);
    if (sink.recordMarking) startRecord(writer);
    return writer;
  }

  private send(sink: ReplySink, peer: RpcPeer, writer: XdrWriter): void {
    sink.sendReply(peer, sink.recordMarking ? finishRecord(writer) : writer.toChunks());
    sink.callFinished();
  }

  private replyAccepted(sink: ReplySink, peer: RpcPeer, xid: number, stat: AcceptStat, low = 0, high = 0): void {
    const writer = this.newWriter(sink, SHORT_REPLY_BYTES);
    encodeAcceptedReply(writer, xid, AUTH_NONE, stat, stat === AcceptStat.PROG_MISMATCH ? { low, high } : undefined);
    this.send(sink, peer, writer);
  }

  private replyAuthError(sink: ReplySink, peer: RpcPeer, xid: number, authStat: AuthStatValue): void {
    this.counters.rejected++;
    const writer = this.newWriter(sink, SHORT_REPLY_BYTES);
    encodeAuthErrorReply(writer, xid, authStat);
    this.send(sink, peer, writer);
  }

  private replySuccess(sink: ReplySink, call: RpcCallContext, encoder: RpcResultEncoder): void {
    const writer = this.newWriter(sink, 256);
    encodeAcceptedReply(writer, call.xid, AUTH_NONE, AcceptStat.SUCCESS);
    try {
      encoder(writer);
    } catch (error) {
      this.systemError(sink, call, 'rpc: result encoder failed', error);
      return;
    }
    const replyBytes = writer.length - (sink.recordMarking ? RECORD_MARK_BYTES : 0);
    if (replyBytes > sink.maxReplyBytes) {
      this.systemError(sink, call, 'rpc: reply too large for the transport', { replyBytes, maxReplyBytes: sink.maxReplyBytes });
      return;
    }
    this.send(sink, call, writer);
  }

  private replyFailure(sink: ReplySink, call: RpcCallContext, error: unknown): void {
    if (error instanceof XdrError) {
      this.counters.garbageArgs++;
      this.logger.debug('rpc: garbage arguments', { xid: call.xid, program: call.program, procedure: call.procedure, error });
      this.replyAccepted(sink, call, call.xid, AcceptStat.GARBAGE_ARGS);
    } else if (error instanceof RpcAuthRejection) {
      this.replyAuthError(sink, call, call.xid, error.authStat);
    } else if (error instanceof RpcNoReply) {
      this.counters.droppedReplies++;
      sink.callFinished();
    } else {
      this.systemError(sink, call, 'rpc: handler failed', error);
    }
  }

  private systemError(sink: ReplySink, call: RpcCallContext, message: string, error: unknown): void {
    this.counters.systemErrors++;
    this.logger.error(message, {
      xid: call.xid,
      program: call.program,
      version: call.version,
      procedure: call.procedure,
      remoteAddress: call.remoteAddress,
      error,
    });
    this.replyAccepted(sink, call, call.xid, AcceptStat.SYSTEM_ERR);
  }
}

/** A handler for procedure 0, which by RFC 5531's convention does nothing and needs no authentication. */
export const nullProcedure: RpcProcedureHandler = () => encodeNothing;

function encodeNothing(): void {}
