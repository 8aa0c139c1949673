import { randomInt } from 'node:crypto';
import { XdrError, XdrReader, XdrWriter, readUint32At } from '../xdr/index.js';
import { AUTH_NONE } from './auth.js';
import { AcceptStat, RejectStat, type AuthStat } from './constants.js';
import { RpcAbortedError, RpcAcceptError, RpcDeniedError, RpcProtocolError, type RpcError } from './errors.js';
import { decodeReplyHeader, encodeCallHeader, type ReplyHeader } from './message.js';
import { finishRecord, startRecord } from './record-marking.js';
import type { OpaqueAuth } from './types.js';

const XID_RANGE = 0x100000000;

/** setTimeout's limit (2^31 - 1 ms); a longer or infinite deadline means no deadline. */
const MAX_TIMER_MS = 0x7fffffff;

/** One call waiting for its reply. Fields are the client's to use; the table owns settling. */
export class PendingCall {
  /** The call as sent: framed chunks for TCP, the bare message for UDP. Kept for resends. */
  message: Buffer[] = [];
  /** TCP: the socket this call went out on (undefined while waiting for a connection). */
  sentOn: object | undefined;
  /** TCP: already re-sent once after a lost connection. */
  retried = false;
  /** UDP: the next retransmission and its interval. */
  retransmitTimer: NodeJS.Timeout | undefined;
  retransmitMs = 0;
  deadline: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  settled = false;

  constructor(
    readonly table: CallTable,
    readonly xid: number,
    readonly decode: (reader: XdrReader) => unknown,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  /** AbortSignal listener object (EventTarget calls handleEvent): no closure per call. */
  handleEvent(): void {
    this.table.fail(this, new RpcAbortedError(`RPC call ${this.xid} aborted`, { cause: this.signal?.reason }));
  }
}

function onDeadline(call: PendingCall): void {
  call.table.fail(call, call.table.timeoutError(call));
}

export interface CallTableHooks {
  /** The call left the table (reply, timeout, abort, failure): drop transport state. */
  removed(call: PendingCall): void;
  /** The error a call gets when its deadline passes (TCP: a connection error while unconnected). */
  timeoutError(call: PendingCall): RpcError;
}

/**
 * The client's calls in flight, by xid: xid allocation, deadlines, abort signals and
 * turning a reply into a result or a typed error. Shared by the TCP and UDP clients.
 */
export class CallTable {
  private readonly calls = new Map<number, PendingCall>();
  /** A random start, so a restarted client does not reuse its predecessor's xids (servers cache replies by xid). */
  private nextXid = randomInt(0, XID_RANGE - 1);
  /** Replies that matched no call: late (after a timeout), duplicated by a retransmission, or stray. */
  unmatchedReplies = 0;

  constructor(private readonly hooks: CallTableHooks) {}

  get size(): number {
    return this.calls.size;
  }

  values(): IterableIterator<PendingCall> {
    return this.calls.values();
  }

  private allocateXid(): number {
    let xid = this.nextXid;
    while (this.calls.has(xid)) xid = (xid + 1) % XID_RANGE;
    this.nextXid = (xid + 1) % XID_RANGE;
    return xid;
  }

  /**
   * Encodes a call and registers it. Returns the pending call (already holding its
   * message) and the promise of its result. An encodeArgs that throws rejects the promise
   * with that error and registers nothing.
   */
  start<T>(
    framed: boolean,
    target: { program: number; version: number; procedure: number; credential: OpaqueAuth },
    encodeArgs: (writer: XdrWriter) => void,
    decodeResult: (reader: XdrReader) => T,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): { call: PendingCall | undefined; promise: Promise<T> } {
    if (signal?.aborted) {
      return { call: undefined, promise: Promise.reject(new RpcAbortedError('RPC call aborted before it started', { cause: signal.reason })) };
    }
    const xid = this.allocateXid();
    let message: Buffer[];
    try {
      const writer = new XdrWriter(256);
      if (framed) startRecord(writer);
      encodeCallHeader(writer, { xid, ...target, verifier: AUTH_NONE });
      encodeArgs(writer);
      message = framed ? finishRecord(writer) : writer.toChunks();
    } catch (error) {
      return { call: undefined, promise: Promise.reject(error) };
    }
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((resolvePromise, rejectPromise) => {
      resolve = resolvePromise;
      reject = rejectPromise;
    });
    const pending = new PendingCall(this, xid, decodeResult, resolve as (value: unknown) => void, reject);
    pending.message = message;
    if (timeoutMs <= MAX_TIMER_MS) pending.deadline = setTimeout(onDeadline, Math.max(0, timeoutMs), pending);
    if (signal) {
      pending.signal = signal;
      signal.addEventListener('abort', pending, { once: true });
    }
    this.calls.set(xid, pending);
    return { call: pending, promise };
  }

  private remove(call: PendingCall): boolean {
    if (call.settled) return false;
    call.settled = true;
    this.calls.delete(call.xid);
    clearTimeout(call.deadline);
    call.signal?.removeEventListener('abort', call);
    this.hooks.removed(call);
    return true;
  }

  timeoutError(call: PendingCall): RpcError {
    return this.hooks.timeoutError(call);
  }

  fail(call: PendingCall, error: unknown): void {
    if (this.remove(call)) call.reject(error);
  }

  failAll(error: unknown): void {
    for (const call of [...this.calls.values()]) this.fail(call, error);
  }

  /** Settles the call a reply record answers; replies for no pending call are counted and dropped. */
  handleReply(record: Buffer): void {
    const reader = new XdrReader(record);
    let header: ReplyHeader;
    try {
      header = decodeReplyHeader(reader);
    } catch (error) {
      const call = record.length >= 4 ? this.calls.get(readUint32At(record, 0)) : undefined;
      if (call) this.fail(call, new RpcProtocolError(`unreadable reply to call ${call.xid}`, { cause: error }));
      else this.unmatchedReplies++;
      return;
    }
    const call = this.calls.get(header.xid);
    if (call === undefined) {
      this.unmatchedReplies++;
      return;
    }
    this.remove(call);
    if (header.kind === 'accepted') {
      if (header.acceptStat === AcceptStat.SUCCESS) {
        let value: unknown;
        try {
          value = call.decode(reader);
        } catch (error) {
          // Unreadable results are a protocol error; the decoder's own typed errors pass through.
          call.reject(error instanceof XdrError ? new RpcProtocolError(`unreadable result of call ${call.xid}`, { cause: error }) : error);
          return;
        }
        call.resolve(value);
      } else if (header.acceptStat === AcceptStat.PROG_MISMATCH) {
        call.reject(new RpcAcceptError(header.acceptStat, { low: header.low, high: header.high }));
      } else {
        call.reject(new RpcAcceptError(header.acceptStat));
      }
    } else if (header.kind === 'rpc-mismatch') {
      call.reject(new RpcDeniedError(RejectStat.RPC_MISMATCH, { low: header.low, high: header.high }));
    } else {
      call.reject(new RpcDeniedError(RejectStat.AUTH_ERROR, { authStat: header.authStat as AuthStat }));
    }
  }
}
