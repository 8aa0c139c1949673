/**
 * A ROW-FS proxy over loopback for the rowfs-*.test.ts integration tests: main = a
 * read-only export (in-process ExportFs, or our nfsd over RPC through connectUpstream),
 * shadow = an in-process ExportFs, clients = our own MOUNT/NFS clients over TCP (bound to
 * a chosen loopback address, so two addresses are two sessions).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MountClient, Mountstat3, Nfs3Client, nfsstatName, StableHow } from '../../src/nfs/index.js';
import type { Nfs3Result, Nfsstat3, Sattr3 } from '../../src/nfs/index.js';
import { ExportFs, startNfsd } from '../../src/nfsd/index.js';
import type { Nfsd } from '../../src/nfsd/index.js';
import { connectUpstream, startRowProxy } from '../../src/rowfs/index.js';
import type { ConnectedUpstream, RowProxy, UpstreamExport } from '../../src/rowfs/index.js';
import { authSysCredential, RpcTcpClient, silentRpcLogger } from '../../src/rpc/index.js';
import { signalPid, sleep } from '../helpers/command.js';
import { treeDigest } from '../helpers/tree-digest.js';

export type MainKind = 'in-process' | 'nfsd-rpc';

export interface ProxyClient {
  rpc: RpcTcpClient;
  nfs: Nfs3Client;
  mount: MountClient;
  root: Buffer;
  close(): Promise<void>;
}

export interface RowfsFixtureOptions {
  populate?: (mainDir: string) => void;
  main?: MainKind;
  /** An upstream the test made itself (e.g. nfs-ganesha); the fixture does not close it. */
  upstream?: UpstreamExport;
  /** A directory the main export already lives in (with `upstream`). */
  mainDir?: string;
  /** A shadow server the test made itself (e.g. nfs-ganesha read-write), exporting `shadowDir`. */
  shadowUpstream?: UpstreamExport;
  shadowDir?: string;
  blockSize?: number;
  /** RemoteNfs3Backend deadline (ms) for a main over RPC. */
  deadlineMs?: number;
  callTimeoutMs?: number;
  /** Handle-table rows the proxy keeps in memory (small values exercise reloading from SQLite). */
  maxCachedHandles?: number;
  /** Reuse of main's attributes (ms); the proxy's default when not given. */
  mainAttrTtlMs?: number;
  /** Read-ahead depth (requests); the proxy's default when not given. */
  readAheadDepth?: number;
}

export interface RowfsFixture {
  base: string;
  mainDir: string;
  shadowDir: string;
  stateDir: string;
  proxy: RowProxy;
  /** Client at 127.0.0.1 (session "127.0.0.1"). */
  client: ProxyClient;
  nfs: Nfs3Client;
  root: Buffer;
  /** The main tree's digest before the proxy started. */
  mainDigest: string;
  connect(localAddress?: string): Promise<ProxyClient>;
  /** Stops and restarts the proxy on the same state directory (and the same port). */
  restart(): Promise<void>;
  assertMainUnchanged(): void;
  /** Shadow directories of sessions, on disk. */
  sessionDirs(): string[];
  close(): Promise<void>;
}

export async function connectClient(port: number, exportPath: string, localAddress = '127.0.0.1', reconnect = true): Promise<ProxyClient> {
  const rpc = new RpcTcpClient({ host: '127.0.0.1', port, localAddress, credential: authSysCredential({ uid: 0, gid: 0 }), timeoutMs: 30_000, reconnect });
  const nfs = new Nfs3Client(rpc);
  const mount = new MountClient(rpc);
  const mounted = await mount.mnt(exportPath);
  assert.equal(mounted.status, Mountstat3.MNT3_OK);
  assert.ok(mounted.status === Mountstat3.MNT3_OK);
  return { rpc, nfs, mount, root: mounted.fhandle, close: () => rpc.close() };
}

export async function startRowfsFixture(options: RowfsFixtureOptions = {}): Promise<RowfsFixture> {
  const base = mkdtempSync(join(tmpdir(), 'rowboot-rowfs-'));
  const mainDir = options.mainDir ?? join(base, 'main');
  const shadowDir = options.shadowDir ?? join(base, 'shadow');
  const stateDir = join(base, 'state');
  mkdirSync(mainDir, { recursive: true });
  mkdirSync(shadowDir, { recursive: true });
  options.populate?.(mainDir);
  const mainDigest = treeDigest(mainDir);

  let mainFs: ExportFs | undefined;
  let mainNfsd: Nfsd | undefined;
  let connected: ConnectedUpstream | undefined;
  let main: UpstreamExport;
  if (options.upstream !== undefined) {
    main = options.upstream;
  } else if ((options.main ?? 'in-process') === 'in-process') {
    mainFs = await ExportFs.open({ exportDir: mainDir, stateDir: join(base, 'main-state'), readOnly: true });
    main = { backend: mainFs, rootFh: mainFs.rootHandle, exportPath: mainFs.exportPath, name: 'main (in-process)' };
  } else {
    mainNfsd = await startNfsd({ exportDir: mainDir, stateDir: join(base, 'main-state'), host: '127.0.0.1', port: 0, readOnly: true });
    connected = await connectUpstream({
      host: '127.0.0.1',
      port: mainNfsd.port,
      mountPort: mainNfsd.port,
      exportPath: mainNfsd.exportPath,
      role: 'main',
      deadlineMs: options.deadlineMs,
      callTimeoutMs: options.callTimeoutMs,
    });
    main = connected;
  }
  const shadowFs = options.shadowUpstream === undefined ? await ExportFs.open({ exportDir: shadowDir, stateDir: join(base, 'shadow-state') }) : undefined;
  const shadow: UpstreamExport = options.shadowUpstream ?? {
    backend: shadowFs as ExportFs,
    rootFh: (shadowFs as ExportFs).rootHandle,
    exportPath: (shadowFs as ExportFs).exportPath,
    name: 'shadow (in-process)',
  };

  const start = (port: number): Promise<RowProxy> =>
    startRowProxy({
      listenHost: '127.0.0.1',
      listenPort: port,
      main,
      shadow,
      stateDir,
      blockSize: options.blockSize,
      maxCachedHandles: options.maxCachedHandles,
      mainAttrTtlMs: options.mainAttrTtlMs,
      readAheadDepth: options.readAheadDepth,
      logger: silentRpcLogger,
    });
  let proxy = await start(0);
  const clients: ProxyClient[] = [];
  const connect = async (localAddress?: string): Promise<ProxyClient> => {
    const client = await connectClient(proxy.port, main.exportPath, localAddress);
    clients.push(client);
    return client;
  };
  const client = await connect();
  const fixture: RowfsFixture = {
    base,
    mainDir,
    shadowDir,
    stateDir,
    proxy,
    client,
    nfs: client.nfs,
    root: client.root,
    mainDigest,
    connect,
    restart: async () => {
      const port = proxy.port;
      await proxy.close();
      proxy = await start(port);
      fixture.proxy = proxy;
    },
    assertMainUnchanged: () => assert.equal(treeDigest(mainDir), mainDigest, 'the main tree changed'),
    sessionDirs: () => {
      const sessions = join(shadowDir, 'sessions');
      try {
        return readdirSync(sessions).map((name) => join(sessions, name));
      } catch {
        return [];
      }
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await proxy.close();
      await connected?.close();
      await mainNfsd?.close();
      mainFs?.close();
      shadowFs?.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Asserts NFS3_OK and narrows the result to its success arm. */
export function ok<Ok, Fail>(result: Nfs3Result<Ok, Fail>, what = 'call'): { status: typeof Nfsstat3.NFS3_OK } & Ok {
  assert.equal(nfsstatName(result.status), 'NFS3_OK', `${what} failed`);
  return result as { status: typeof Nfsstat3.NFS3_OK } & Ok;
}

/** Asserts a failure status by name. */
export function fails(result: { status: number }, expected: number, what = 'call'): void {
  assert.equal(nfsstatName(result.status), nfsstatName(expected), what);
}

export const noAttrs: Sattr3 = { atime: { how: 'dont-change' }, mtime: { how: 'dont-change' } };

export async function lookupPath(nfs: Nfs3Client, root: Buffer, path: string): Promise<Buffer> {
  let fh = root;
  for (const name of path.split('/').filter((part) => part.length > 0)) {
    fh = ok(await nfs.lookup({ what: { dir: fh, name } }), `LOOKUP ${name} of ${path}`).object;
  }
  return fh;
}

/** Reads a whole file through NFS in `chunk`-byte READs. */
export async function readAll(nfs: Nfs3Client, fh: Buffer, chunk = 64 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const read = ok(await nfs.read({ file: fh, offset, count: chunk }), `READ at ${offset}`);
    parts.push(Buffer.from(read.data));
    offset += read.data.length;
    if (read.eof || read.data.length === 0) return Buffer.concat(parts);
  }
}

export async function writeAt(nfs: Nfs3Client, fh: Buffer, offset: number, data: Buffer, stable: number = StableHow.FILE_SYNC): Promise<void> {
  ok(await nfs.write({ file: fh, offset, count: data.length, stable: stable as 0 | 1 | 2, data }), `WRITE at ${offset}`);
}

/** Every name of a directory via READDIR pages of `count` bytes, with the cookies seen. */
export async function listNames(nfs: Nfs3Client, dir: Buffer, count = 8192): Promise<string[]> {
  const names: string[] = [];
  let cookie = 0n;
  let cookieverf = Buffer.alloc(8);
  for (;;) {
    const page = ok(await nfs.readdir({ dir, cookie, cookieverf, count }), 'READDIR');
    for (const entry of page.entries) {
      names.push(entry.name);
      cookie = entry.cookie;
    }
    cookieverf = Buffer.from(page.cookieverf);
    if (page.eof) return names.filter((name) => name !== '.' && name !== '..');
  }
}

/** A deterministic test pattern. */
export function pattern(length: number, seed: number): Buffer {
  const data = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return data;
}

/** SIGSTOP a process and wait until every one of its threads has stopped (delivery is asynchronous). */
export async function pauseProcess(pid: number): Promise<void> {
  signalPid(pid, 'SIGSTOP');
  for (let attempt = 0; attempt < 200; attempt++) {
    const tasks = readdirSync(`/proc/${pid}/task`);
    const states = tasks.map((task) => /State:\s+(\S)/.exec(readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8'))?.[1]);
    if (states.every((state) => state === 'T' || state === 't')) return;
    await sleep(5);
  }
  throw new Error(`process ${pid} did not stop`);
}
