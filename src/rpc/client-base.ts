import type { XdrReader, XdrWriter } from '../xdr/index.js';
import { AUTH_NONE } from './auth.js';
import { CallTable, type PendingCall } from './call-table.js';
import { RpcConnectionError, type RpcError } from './errors.js';
import { silentRpcLogger } from './logger.js';
import type { OpaqueAuth, RpcCallOptions, RpcCaller, RpcLogger } from './types.js';

/** What every RPC client takes, whatever its transport. */
export interface RpcClientOptions {
  host: string;
  port: number;
  /** Default credential of every call (AUTH_NONE unless given); RpcCallOptions.credential overrides. */
  credential?: OpaqueAuth;
  /** Default per-call deadline (over UDP, retransmissions included). Default 30 s. */
  timeoutMs?: number;
  localAddress?: string;
  logger?: RpcLogger;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The transport-independent half of an ONC RPC client: the options every client takes,
 * the table of calls in flight, and call(), which encodes a call into the table and hands
 * it to the transport. Subclasses (TCP, UDP) say how a call goes out and what happens to
 * it on removal or at its deadline.
 */
export abstract class RpcClientBase implements RpcCaller {
  protected readonly host: string;
  protected readonly port: number;
  protected readonly credential: OpaqueAuth;
  protected readonly timeoutMs: number;
  protected readonly localAddress: string | undefined;
  protected readonly logger: RpcLogger;
  protected readonly table: CallTable;

  /** `framed`: the call carries RFC 5531 record marking (a stream transport). */
  protected constructor(
    options: RpcClientOptions,
    private readonly framed: boolean,
  ) {
    this.host = options.host;
    this.port = options.port;
    this.credential = options.credential ?? AUTH_NONE;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.localAddress = options.localAddress;
    this.logger = options.logger ?? silentRpcLogger;
    this.table = new CallTable({
      removed: (call) => this.onCallRemoved(call),
      timeoutError: (call) => this.timeoutError(call),
    });
  }

  /** Calls waiting for a reply (or, over TCP, a connection). */
  get pendingCalls(): number {
    return this.table.size;
  }

  get unmatchedReplies(): number {
    return this.table.unmatchedReplies;
  }

  /** close() has run: new calls fail at once. */
  protected abstract readonly closed: boolean;

  /** undefined when a call can be encoded now, else what settles when the transport is ready (UDP resolves its host first). */
  protected abstract opening(): Promise<void> | undefined;

  /** Sends a just-registered call, or keeps it until the transport can. */
  protected abstract transmit(call: PendingCall): void;

  /** The call left the table: drop what the transport holds for it. */
  protected abstract onCallRemoved(call: PendingCall): void;

  /** The error a call gets at its deadline. */
  protected abstract timeoutError(call: PendingCall): RpcError;

  call<T>(
    program: number,
    version: number,
    procedure: number,
    encodeArgs: (writer: XdrWriter) => void,
    decodeResult: (reader: XdrReader) => T,
    options?: RpcCallOptions,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new RpcConnectionError('client is closed'));
    const opening = this.opening();
    if (opening !== undefined) {
      return opening.then(() => this.call(program, version, procedure, encodeArgs, decodeResult, options));
    }
    const { call, promise } = this.table.start(
      this.framed,
      { program, version, procedure, credential: options?.credential ?? this.credential },
      encodeArgs,
      decodeResult,
      options?.timeoutMs ?? this.timeoutMs,
      options?.signal,
    );
    if (call) this.transmit(call);
    return promise;
  }
}
