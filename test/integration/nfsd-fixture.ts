/**
 * A running nfsd over a fresh temporary directory, with our own NFS/MOUNT clients
 * connected over loopback TCP. Shared by the nfsd-*.test.ts integration tests.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MountClient, Mountstat3, Nfs3Client, nfsstatName, StableHow } from '../../src/nfs/index.js';
import type { LookupArgs, LookupResult, Nfs3Result, Nfsstat3, Sattr3 } from '../../src/nfs/index.js';
import { authSysCredential, RpcTcpClient } from '../../src/rpc/index.js';
import { startNfsd } from '../../src/nfsd/index.js';
import type { Nfsd, NfsdOptions } from '../../src/nfsd/index.js';

export interface NfsdFixture {
  base: string;
  exportDir: string;
  stateDir: string;
  nfsd: Nfsd;
  rpc: RpcTcpClient;
  nfs: Nfs3Client;
  mount: MountClient;
  root: Buffer;
  /** Stops the server and client (the directories stay, for restart tests). */
  stop(): Promise<void>;
  /** Stops everything and removes the temporary directories. */
  close(): Promise<void>;
}

export interface FixtureOptions {
  readOnly?: boolean;
  /** Reuse the directories of an earlier fixture (a server restart). */
  base?: string;
  /** Fill the export before the server starts. */
  populate?: (exportDir: string) => void;
  extra?: Partial<NfsdOptions>;
}

export async function startFixture(options: FixtureOptions = {}): Promise<NfsdFixture> {
  const base = options.base ?? mkdtempSync(join(tmpdir(), 'rowboot-nfsd-'));
  const exportDir = join(base, 'export');
  const stateDir = join(base, 'state');
  mkdirSync(exportDir, { recursive: true });
  options.populate?.(exportDir);
  const nfsd = await startNfsd({ exportDir, stateDir, host: '127.0.0.1', port: 0, readOnly: options.readOnly, ...options.extra });
  const rpc = new RpcTcpClient({ host: '127.0.0.1', port: nfsd.port, credential: authSysCredential({ uid: 0, gid: 0 }), timeoutMs: 20_000 });
  const nfs = new Nfs3Client(rpc);
  const mount = new MountClient(rpc);
  const mounted = await mount.mnt(nfsd.exportPath);
  assert.equal(mounted.status, Mountstat3.MNT3_OK);
  assert.ok(mounted.status === Mountstat3.MNT3_OK);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await rpc.close();
    await nfsd.close();
  };
  return {
    base,
    exportDir,
    stateDir,
    nfsd,
    rpc,
    nfs,
    mount,
    root: mounted.fhandle,
    stop,
    close: async () => {
      await stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Asserts NFS3_OK and narrows the result to its success arm. */
export function ok<Ok, Fail>(result: Nfs3Result<Ok, Fail>, what = 'call'): { status: typeof Nfsstat3.NFS3_OK } & Ok {
  assert.equal(nfsstatName(result.status), 'NFS3_OK', `${what} failed`);
  return result as { status: typeof Nfsstat3.NFS3_OK } & Ok;
}

/** Asserts a failure status by name, for readable messages. */
export function fails(result: { status: number }, expected: number, what = 'call'): void {
  assert.equal(nfsstatName(result.status), nfsstatName(expected), what);
}

export const noAttrs: Sattr3 = { atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } };

export function withMode(mode: number): Sattr3 {
  return { ...noAttrs, mode };
}

/** Anything with a LOOKUP: our wire client or an in-process ExportFs. */
export interface Looker {
  lookup(args: LookupArgs): Promise<LookupResult>;
}

export async function lookupHandle(nfs: Looker, dir: Buffer, name: string): Promise<Buffer> {
  return ok(await nfs.lookup({ what: { dir, name } }), `LOOKUP ${name}`).object;
}

export async function createFile(nfs: Nfs3Client, dir: Buffer, name: string, data?: Buffer): Promise<Buffer> {
  const created = ok(await nfs.create({ where: { dir, name }, how: { mode: 'guarded', attributes: withMode(0o644) } }), `CREATE ${name}`);
  assert.ok(created.obj);
  if (data !== undefined && data.length > 0) {
    ok(await nfs.write({ file: created.obj, offset: 0, count: data.length, stable: StableHow.FILE_SYNC, data }), `WRITE ${name}`);
  }
  return created.obj;
}
