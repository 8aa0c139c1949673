/** Base of the errors the ROW-FS proxy raises outside NFS replies (start-up, state, upstreams). */
export class RowfsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The state directory or its SQLite database could not be opened, read or written. */
export class RowfsStateError extends RowfsError {}

/** An upstream server (main or shadow) could not be found, mounted or reached at start-up. */
export class UpstreamConnectError extends RowfsError {}

/**
 * An upstream did not answer before the proxy's deadline (it stalled or is down). The
 * proxy answers the client NFS3ERR_JUKEBOX ("try again later", RFC 1813 section 2.6),
 * never a guess.
 */
export class UpstreamUnavailableError extends RowfsError {
  constructor(
    readonly upstream: string,
    readonly waitedMs: number,
    options?: ErrorOptions,
  ) {
    super(`upstream ${upstream} did not answer within ${Math.round(waitedMs)} ms`, options);
  }
}

/** An upstream answered something the proxy cannot use (protocol error, broken invariant). */
export class UpstreamReplyError extends RowfsError {}
