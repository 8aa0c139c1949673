/**
 * Our portmap, MOUNT and NFSv3 clients pointed at one nfs-ganesha instance (ganesha.ts), over
 * TCP or UDP, with every call recorded so a test can prove which procedures it exercised and
 * that every reply decoded (an XdrError in a decoder rejects the call with RpcProtocolError).
 */
import assert from 'node:assert/strict';
import type { Mountstat3, Nfs3Result, Nfsstat3, Sattr3 } from '../../src/nfs/index.js';
import {
  MOUNT_PROGRAM,
  MountClient,
  Nfs3Client,
  PMAP_PORT,
  PMAP_PROGRAM,
  PortmapClient,
  mountstatName,
  nfsstatName,
} from '../../src/nfs/index.js';
import type { OpaqueAuth, RpcCallOptions, RpcCaller } from '../../src/rpc/index.js';
import { RpcTcpClient, RpcUdpClient } from '../../src/rpc/index.js';
import type { XdrReader, XdrWriter } from '../../src/xdr/index.js';

export type Transport = 'tcp' | 'udp';

/** One finished call: which procedure, and the error it rejected with, if any. */
export interface RecordedCall {
  program: number;
  procedure: number;
  error?: unknown;
}

/** An RpcCaller that forwards to another and remembers every call and how it ended. */
export class RecordingCaller implements RpcCaller {
  readonly calls: RecordedCall[] = [];

  constructor(private readonly inner: RpcCaller) {}

  async call<T>(
    program: number,
    version: number,
    procedure: number,
    encodeArgs: (writer: XdrWriter) => void,
    decodeResult: (reader: XdrReader) => T,
    options?: RpcCallOptions,
  ): Promise<T> {
    try {
      const result = await this.inner.call(program, version, procedure, encodeArgs, decodeResult, options);
      this.calls.push({ program, procedure });
      return result;
    } catch (error) {
      this.calls.push({ program, procedure, error });
      throw error;
    }
  }

  /** Procedures of `program` that got a decoded reply. */
  answered(program: number): Set<number> {
    return new Set(this.calls.filter((c) => c.program === program && c.error === undefined).map((c) => c.procedure));
  }

  failures(): RecordedCall[] {
    return this.calls.filter((c) => c.error !== undefined);
  }
}

export interface GaneshaEndpoint {
  host: string;
  nfsPort: number;
  mountPort: number;
}

export interface GaneshaClientOptions {
  /** Default credential of every call (e.g. authSysCredential() for root). */
  credential?: OpaqueAuth;
  timeoutMs?: number;
}

export interface GaneshaClients {
  transport: Transport;
  /** The namespace's rpcbind, on PMAP_PORT. */
  portmap: PortmapClient;
  mount: MountClient;
  nfs: Nfs3Client;
  /** Every call made through the three clients. */
  recorder: RecordingCaller;
  close(): Promise<void>;
}

type Closeable = RpcCaller & { close(): Promise<void> };

/** Three RPC clients (portmapper, MOUNT, NFS ports) sharing one call recorder. */
export function connectGaneshaClients(
  endpoint: GaneshaEndpoint,
  transport: Transport,
  options: GaneshaClientOptions = {},
): GaneshaClients {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const open = (port: number): Closeable =>
    transport === 'tcp'
      ? new RpcTcpClient({ host: endpoint.host, port, credential: options.credential, timeoutMs })
      : new RpcUdpClient({ host: endpoint.host, port, credential: options.credential, timeoutMs, retransmitMs: 500 });
  const portmapRpc = open(PMAP_PORT);
  const mountRpc = open(endpoint.mountPort);
  const nfsRpc = open(endpoint.nfsPort);
  const recorder = new RecordingCaller({
    call: (program, version, procedure, encodeArgs, decodeResult, callOptions) => {
      const rpc = program === PMAP_PROGRAM ? portmapRpc : program === MOUNT_PROGRAM ? mountRpc : nfsRpc;
      return rpc.call(program, version, procedure, encodeArgs, decodeResult, callOptions);
    },
  });
  return {
    transport,
    portmap: new PortmapClient(recorder),
    mount: new MountClient(recorder),
    nfs: new Nfs3Client(recorder),
    recorder,
    close: async () => {
      await Promise.all([portmapRpc.close(), mountRpc.close(), nfsRpc.close()]);
    },
  };
}

/** Asserts NFS3_OK (by name, for readable failures) and narrows to the resok arm. */
export function nfsOk<Ok, Fail>(result: Nfs3Result<Ok, Fail>, what: string): { status: typeof Nfsstat3.NFS3_OK } & Ok {
  assert.equal(nfsstatName(result.status), 'NFS3_OK', `${what}: expected NFS3_OK`);
  return result as { status: typeof Nfsstat3.NFS3_OK } & Ok;
}

/** Asserts a failure status that is one of `expected` (by name). */
export function nfsFails(result: { status: number }, expected: readonly number[], what: string): void {
  const names = expected.map(nfsstatName);
  assert.ok(names.includes(nfsstatName(result.status)), `${what}: got ${nfsstatName(result.status)}, expected ${names.join(' or ')}`);
}

export function mountFails(result: { status: number }, expected: readonly Mountstat3[], what: string): void {
  const names = expected.map(mountstatName);
  assert.ok(names.includes(mountstatName(result.status)), `${what}: got ${mountstatName(result.status)}, expected ${names.join(' or ')}`);
}

/** A sattr3 that changes nothing but the given fields. */
export function sattr(fields: Partial<Sattr3> = {}): Sattr3 {
  return { atime: { how: 'dont-change' }, mtime: { how: 'dont-change' }, ...fields };
}
