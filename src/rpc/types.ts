import type { XdrReader, XdrWriter } from '../xdr/index.js';

/** RFC 5531 section 8.2 opaque_auth. */
export interface OpaqueAuth {
  flavor: number;
  body: Buffer;
}

/** RFC 5531 appendix A authsys_parms (AUTH_SYS, historically AUTH_UNIX). */
export interface AuthSysParams {
  stamp: number;
  machineName: string;
  uid: number;
  gid: number;
  gids: number[];
}

export interface RpcCallOptions {
  /** Abandon the call when this signal aborts (the reply, if any, is dropped). */
  signal?: AbortSignal;
  /** Per-call deadline in milliseconds; overrides the client's default. */
  timeoutMs?: number;
  /** The credential for this call only; overrides the client's default (e.g. the caller's AUTH_SYS uid). */
  credential?: OpaqueAuth;
}

/** Something that can make an RPC call: a client over TCP or UDP, or an overlay stream. */
export interface RpcCaller {
  call<T>(
    program: number,
    version: number,
    procedure: number,
    encodeArgs: (writer: XdrWriter) => void,
    decodeResult: (reader: XdrReader) => T,
    options?: RpcCallOptions,
  ): Promise<T>;
}

/** Who sent a call and how: what a server handler may look at besides the arguments. */
export interface RpcCallContext {
  xid: number;
  program: number;
  version: number;
  procedure: number;
  credential: OpaqueAuth;
  /** Present when the credential is AUTH_SYS and decodes cleanly. */
  authSys?: AuthSysParams;
  transport: 'tcp' | 'udp';
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

/** Writes a procedure's results after the accepted-reply header. */
export type RpcResultEncoder = (writer: XdrWriter) => void;

/**
 * Runs one procedure. Throwing an XdrError means the arguments were unreadable (the
 * server replies GARBAGE_ARGS); throwing RpcAuthRejection replies AUTH_ERROR; any other
 * throw replies SYSTEM_ERR and is logged. Operation failures are not throws at this
 * level: the handler encodes the procedure's own failure result.
 */
export type RpcProcedureHandler = (args: XdrReader, call: RpcCallContext) => RpcResultEncoder | Promise<RpcResultEncoder>;

/** One version of a program: its procedures by number (RFC 5531 section 7). */
export interface RpcProgramVersion {
  version: number;
  procedures: ReadonlyMap<number, RpcProcedureHandler>;
}

/** A program the server dispatches to: PROG_MISMATCH reports the low/high of `versions`. */
export interface RpcProgram {
  program: number;
  versions: readonly RpcProgramVersion[];
}

/** Where the RPC layer reports what it drops or fails on; components get one injected. */
export interface RpcLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}
