import type { Nfsstat3 } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore } from '../export-core.js';

/**
 * One NFSv3 procedure over an export: decoded arguments in, the RFC 1813 result out.
 * Operation failures are results (status + the procedure's failure body), never throws;
 * a throw is a bug and becomes SYSTEM_ERR at the RPC layer.
 */
export type NfsProcedure<Args, Result> = (core: ExportCore, args: Args, caller: NfsCaller) => Promise<Result>;

/** The success arm of a result: NFS3_OK and the procedure's resok body. */
export type OkResult<Ok> = { status: typeof Nfsstat3.NFS3_OK } & Ok;
