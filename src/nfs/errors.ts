import type { Nfsstat3Error } from './constants.js';
import { nfsstatName } from './status-name.js';

/**
 * An NFS operation failed with a wire status. Server-side handlers throw it; the
 * dispatcher replies with that status and the procedure's failure body (RFC 1813
 * section 3: every procedure's resfail arm).
 */
export class NfsStatusError extends Error {
  readonly status: Nfsstat3Error;

  constructor(status: Nfsstat3Error, message?: string, options?: ErrorOptions) {
    super(message ?? nfsstatName(status), options);
    this.name = 'NfsStatusError';
    this.status = status;
  }
}
