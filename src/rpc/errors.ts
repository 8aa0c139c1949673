import type { AcceptStat, AuthStat } from './constants.js';

/** Base of every error the RPC layer raises; callers branch on the subclass. */
export class RpcError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The server accepted the call but did not run it (RFC 5531 accept_stat other than SUCCESS). */
export class RpcAcceptError extends RpcError {
  constructor(
    readonly acceptStat: AcceptStat,
    readonly mismatch?: { low: number; high: number },
  ) {
    super(`RPC call not executed: accept_stat ${acceptStat}${mismatch ? ` (versions ${mismatch.low}-${mismatch.high})` : ''}`);
  }
}

/** The server refused the call: RPC_MISMATCH or AUTH_ERROR (RFC 5531 reject_stat). */
export class RpcDeniedError extends RpcError {
  constructor(
    readonly rejectStat: number,
    readonly detail: { low?: number; high?: number; authStat?: AuthStat },
  ) {
    super(`RPC call denied: reject_stat ${rejectStat} ${JSON.stringify(detail)}`);
  }
}

export class RpcTimeoutError extends RpcError {}

export class RpcAbortedError extends RpcError {}

/** The transport failed (connection refused, closed for good, client closed). */
export class RpcConnectionError extends RpcError {}

/** A reply or record we could not parse. */
export class RpcProtocolError extends RpcError {}
