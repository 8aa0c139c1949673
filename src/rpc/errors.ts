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

/**
 * Thrown by a server handler to refuse the caller: the server replies MSG_DENIED
 * AUTH_ERROR with this auth_stat (RFC 5531 section 9), e.g. AUTH_TOOWEAK when an export
 * does not allow the flavor (RFC 2623 security negotiation).
 */
export class RpcAuthRejection extends RpcError {
  constructor(
    readonly authStat: AuthStat,
    message = `authentication rejected: auth_stat ${authStat}`,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Thrown by a server handler to send no reply at all (the client will time out and
 * retransmit), e.g. when a proxy's upstream is unreachable and a retransmission may succeed.
 */
export class RpcNoReply extends RpcError {}

/** A TCP record claimed more bytes than the receiver allows; the connection must close. */
export class RpcRecordTooLargeError extends RpcProtocolError {
  constructor(
    readonly recordBytes: number,
    readonly maxRecordBytes: number,
  ) {
    super(`RPC record of at least ${recordBytes} bytes exceeds the limit of ${maxRecordBytes}`);
  }
}
