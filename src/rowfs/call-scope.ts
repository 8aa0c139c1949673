import { NfsStatusError, Nfs3Proc, Nfsstat3 } from '../nfs/index.js';
import type { Nfs3ProcTypes, ReadResult, WriteArgs } from '../nfs/index.js';
import type { BackendCaller, Nfs3WorkProc } from './backend.js';
import { callBackend } from './backend.js';
import type { CallCounts } from './metrics.js';
import type { VNode } from './node.js';
import type { ProxyContext } from './proxy-context.js';
import type { Session } from './session.js';

/**
 * One client call in progress: who sent it (session, AUTH_SYS caller), and what it did
 * upstream (counted for the metrics). Procedures reach the main and shadow servers only
 * through `main()` and `shadow()`, so every upstream RPC is counted against the client
 * procedure that caused it.
 */
export class CallScope implements CallCounts {
  mainCalls = 0;
  mainBytes = 0;
  shadowCalls = 0;
  shadowBytes = 0;

  constructor(
    readonly ctx: ProxyContext,
    private readonly callerSession: Session | undefined,
    readonly caller: BackendCaller,
    readonly transport: 'tcp' | 'udp',
  ) {}

  /** The caller's session; a client that never mounted has none, so its handles are STALE. */
  get session(): Session {
    if (this.callerSession === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE);
    return this.callerSession;
  }

  /**
   * The live node a client handle names. Not minted by us (wrong size, version or MAC):
   * BADHANDLE. Minted by us but for another session, or for an object since removed: STALE.
   */
  resolve(handle: Buffer): VNode {
    const { session, vid } = this.ctx.codec.decode(handle);
    if (this.callerSession === undefined || session !== this.callerSession.id) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE);
    const node = this.ctx.nodes.get(vid);
    if (node === undefined || node.dead || node.session !== session) throw new NfsStatusError(Nfsstat3.NFS3ERR_STALE);
    return node;
  }

  /** A handle the client can use for `node`. */
  handleOf(node: VNode): Buffer {
    return this.ctx.codec.encode(node.session, node.vid);
  }

  async main<P extends Nfs3WorkProc>(proc: P, args: Nfs3ProcTypes[P]['args'], caller: BackendCaller = this.caller): Promise<Nfs3ProcTypes[P]['result']> {
    this.mainCalls++;
    const result = await callBackend(this.ctx.main.backend, proc, args, caller);
    this.mainBytes += payloadBytes(proc, args, result);
    return result;
  }

  async shadow<P extends Nfs3WorkProc>(proc: P, args: Nfs3ProcTypes[P]['args'], caller: BackendCaller = this.caller): Promise<Nfs3ProcTypes[P]['result']> {
    this.shadowCalls++;
    const result = await callBackend(this.ctx.shadow.backend, proc, args, caller);
    this.shadowBytes += payloadBytes(proc, args, result);
    return result;
  }

  /** Counts a main READ made on this call's behalf before it arrived (read-ahead). */
  countMainRead(bytes: number): void {
    this.mainCalls++;
    this.mainBytes += bytes;
  }

  /** Calls `proc` on the server an object's attributes and contents come from first: its shadow copy if any. */
  onSource<P extends Nfs3WorkProc>(node: VNode, proc: P, args: Nfs3ProcTypes[P]['args']): Promise<Nfs3ProcTypes[P]['result']> {
    return node.shadowFh !== undefined ? this.shadow(proc, args) : this.main(proc, args);
  }
}

function payloadBytes(proc: number, args: unknown, result: unknown): number {
  if (proc === Nfs3Proc.READ) {
    const read = result as ReadResult;
    return read.status === Nfsstat3.NFS3_OK ? read.data.length : 0;
  }
  if (proc === Nfs3Proc.WRITE) return (args as WriteArgs).data.length;
  return 0;
}
