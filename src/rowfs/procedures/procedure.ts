import type { CallScope } from '../call-scope.js';

/**
 * One NFSv3 procedure of the proxy: decoded arguments in, the RFC 1813 result out. A
 * procedure may return a failure result itself (with a useful failure body) or throw
 * NfsStatusError; the dispatcher then adds the procedure's empty failure body.
 */
export type RowProcedure<Args, Result> = (scope: CallScope, args: Args) => Promise<Result>;
