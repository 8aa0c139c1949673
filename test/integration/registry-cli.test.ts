/**
 * Issue 5 end to end with the real `row` commands (child processes) on a private hyperdht
 * network (`row dht` + 20 persistent nodes): keygen -> `row serve` -> publish v1 into its store
 * -> resolve -> two gateways mount v1 through the encrypted overlay and read it with libnfs
 * (nfs-cat) -> refs = 2 -> one stops cleanly -> refs = 1 -> the other is SIGKILLed -> refs = 0
 * within 2 x TTL -> publish v2 over the overlay -> publishing v1 again is refused -> gc lists v1,
 * keeps it while a gateway uses it -> gc --apply deletes it from the server's store; v2 is
 * untouched.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nfsCat, nfsUrl } from '../helpers/libnfs.js';
import {
  row,
  rowJson,
  rowOk,
  startGatewayChild,
  startPrivateDht,
  startRow,
  type GatewayChild,
  type LongRunning,
  type PrivateDht,
} from './registry-cli-fixture.js';

/** Our loopback port range is 32000-32999; this file's `row dht` bootstrap. */
const DHT_PORT = 32010;
const USERS_TTL_MS = 4000;
const GRACE_S = 1;
const SERVERS_TTL_S = 30;

interface ResolveJson {
  version: number;
  latest: number;
  isLatest: boolean;
  manifestHash: string | null;
  servers: Array<{ publicKey: string; mountPath: string | null; manifestHash: string | null }>;
}
interface RefsJson {
  count: number;
  gateways: string[];
  exact: boolean;
}
interface GcJson {
  latest: number;
  versions: Array<{ version: number; users: number; collect: boolean; reason: string; deletions: Array<{ server: string; status: string }> }>;
}

let dht: PrivateDht;
let work: string;
let store: string;
let publisher: string;
let serverKey: string;
let server: LongRunning;
const gateways: GatewayChild[] = [];
const image1 = new Map<string, Buffer>();
let env: NodeJS.ProcessEnv;
let v1Manifest: string;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Every path, type, mode, owner, size, symlink target and content, and mtime to the millisecond
 * (manifests keep times in ms: Node sets file times as a double of seconds, not in ns).
 */
function treeDigest(root: string): string {
  const hash = createHash('sha256');
  const walk = (relative: string) => {
    const path = join(root, relative);
    const stats = lstatSync(path);
    hash.update(`${relative}\0${stats.mode.toString(8)}\0${stats.uid}:${stats.gid}\0${Math.floor(stats.mtimeMs)}\0${stats.size}\0`);
    if (stats.isSymbolicLink()) hash.update(`link\0${readlinkSync(path)}\0`);
    else if (stats.isFile()) hash.update(readFileSync(path));
    else if (stats.isDirectory()) for (const name of readdirSync(path).sort()) walk(relative === '' ? name : `${relative}/${name}`);
  };
  walk('');
  return hash.digest('hex');
}

/** A small appliance tree: text files, a 3 MiB random file (many 32 KiB blocks), a sparse file, a symlink, a read-only dir. */
function makeImage(root: string, hostname: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const put = (path: string, data: Buffer) => {
    writeFileSync(join(root, path), data);
    files.set(path, data);
  };
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'usr', 'lib'), { recursive: true });
  put('etc/hostname', Buffer.from(`${hostname}\n`));
  put('usr/lib/big.bin', randomBytes(3 * 1024 * 1024 + 123));
  const sparse = Buffer.alloc(2 * 1024 * 1024);
  sparse.write('tail', sparse.length - 4);
  put('usr/lib/sparse.img', sparse);
  symlinkSync('hostname', join(root, 'etc', 'name'));
  return files;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'rbr-cli-'));
  store = join(work, 'store');
  dht = await startPrivateDht(DHT_PORT);
  env = { ROW_BOOTSTRAP: dht.bootstrap };
  publisher = (await rowOk(['keygen', '--out', join(work, 'publisher.key')])).stdout.trim();
  serverKey = (await rowOk(['keygen', '--out', join(work, 'server.key')])).stdout.trim();
  writeFileSync(join(work, 'publishers'), `# who may upload\n${publisher}\n`);
  server = startRow(
    ['serve', '--store', store, '--key', join(work, 'server.key'), '--publishers', join(work, 'publishers'), '--servers-ttl', String(SERVERS_TTL_S), '--rescan', '0.5', '--state', join(work, 'serve-state')],
    env,
  );
  await server.waitFor(/overlay key [0-9a-f]{64}/);
});

after(async () => {
  for (const gateway of gateways) await gateway.kill().catch(() => undefined);
  await server?.stop();
  await dht?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('keygen writes an owner-only key and prints its public key; it never overwrites one', async () => {
  assert.match(publisher, /^[0-9a-f]{64}$/);
  assert.equal(statSync(join(work, 'publisher.key')).mode & 0o777, 0o600);
  const again = await row(['keygen', '--out', join(work, 'publisher.key')]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists/);
});

test('publish v1 into the server store, then resolve finds it, its manifest and the server', async (t) => {
  const source = join(work, 'image-v1');
  mkdirSync(source);
  for (const [path, data] of makeImage(source, 'appliance-v1')) image1.set(path, data);
  const published = await rowOk(['publish', 'tiny@v1', source, '--key', join(work, 'publisher.key'), '--store', store], env);
  t.diagnostic(`row publish --store: ${Math.round(published.ms)} ms`);
  assert.match(published.stdout, /an image server announces tiny@v1/);
  v1Manifest = /manifest sha256 ([0-9a-f]{64})/.exec(published.stdout)?.[1] ?? '';
  // The manifest sits beside the tree, not in it; its hash is what the latest record carries.
  assert.equal(sha256(readFileSync(join(store, 'tiny', 'v1.manifest.json'))), v1Manifest);
  assert.equal(existsSync(join(store, 'tiny', 'v1', '.rowboot-manifest.json')), false);
  assert.equal(treeDigest(join(store, 'tiny', 'v1')), treeDigest(source));
  // Zero blocks stay holes in the store.
  assert.ok(statSync(join(store, 'tiny', 'v1', 'usr/lib/sparse.img')).blocks * 512 < 64 * 1024);

  const started = performance.now();
  const resolved = await rowJson<ResolveJson>(['resolve', 'tiny', '--publisher', publisher], env);
  t.diagnostic(`row resolve: ${Math.round(performance.now() - started)} ms`);
  assert.equal(resolved.version, 1);
  assert.equal(resolved.isLatest, true);
  assert.equal(resolved.manifestHash, v1Manifest);
  assert.deepEqual(
    resolved.servers.map((entry) => [entry.publicKey, entry.mountPath, entry.manifestHash]),
    [[serverKey, join(store, 'tiny', 'v1'), v1Manifest]],
  );
  // --publisher defaults to the public half of --key; the human form says the same.
  const human = await rowOk(['resolve', 'tiny', '--key', join(work, 'publisher.key')], env);
  assert.match(human.stdout, /^tiny@v1 \(latest\)$/m);
  assert.match(human.stdout, new RegExp(`${serverKey}  ${join(store, 'tiny', 'v1')}`));
});

test('two gateways read v1 through the overlay; refs 2 -> clean stop 1 -> SIGKILL 0 within 2 x TTL', async (t) => {
  for (let index = 0; index < 2; index++) {
    gateways.push(await startGatewayChild({ bootstrap: dht.bootstrap, publisher, image: 'tiny', ttlMs: USERS_TTL_MS }));
  }
  for (const gateway of gateways) {
    assert.equal(gateway.version, 1);
    for (const path of ['etc/hostname', 'usr/lib/big.bin']) {
      const url = nfsUrl({ host: '127.0.0.1', path: gateway.mountPath, file: path, nfsPort: gateway.port, mountPort: gateway.port });
      assert.equal(sha256(await nfsCat(url, { timeoutMs: 60_000 })), sha256(image1.get(path) ?? Buffer.alloc(0)), `${path} through gateway ${gateway.publicKey.slice(0, 8)}`);
    }
  }
  const refs = await rowJson<RefsJson>(['refs', 'tiny@v1', '--publisher', publisher], env);
  assert.equal(refs.count, 2);
  assert.equal(refs.exact, true);
  assert.deepEqual([...refs.gateways].sort(), gateways.map((gateway) => gateway.publicKey).sort());

  const [clean, crashed] = gateways as [GatewayChild, GatewayChild];
  assert.equal(await clean.stop(), 0);
  const afterStop = await rowJson<RefsJson>(['refs', 'tiny@v1', '--publisher', publisher], env);
  assert.equal(afterStop.count, 1);
  assert.deepEqual(afterStop.gateways, [crashed.publicKey]);

  await crashed.kill();
  const killedAt = performance.now();
  let count = 1;
  while (count > 0 && performance.now() - killedAt < 2 * USERS_TTL_MS) {
    count = (await rowJson<RefsJson>(['refs', 'tiny@v1', '--publisher', publisher], env)).count;
    if (count > 0) await sleep(250);
  }
  const elapsed = performance.now() - killedAt;
  assert.equal(count, 0, `refs still ${count} ${Math.round(elapsed)} ms after SIGKILL`);
  assert.ok(elapsed < 2 * USERS_TTL_MS);
  t.diagnostic(`refs reached 0 ${Math.round(elapsed)} ms after SIGKILL (users TTL ${USERS_TTL_MS} ms)`);
});

test('publish v2 over the overlay moves latest; v1 again is refused and changes nothing', async () => {
  const source = join(work, 'image-v2');
  mkdirSync(source);
  makeImage(source, 'appliance-v2');
  const published = await rowOk(['publish', 'tiny@v2', source, '--key', join(work, 'publisher.key'), '--server', serverKey], env);
  assert.match(published.stdout, new RegExp(`server ${serverKey} stored tiny@v2 at ${join(store, 'tiny', 'v2')}`));
  assert.equal(treeDigest(join(store, 'tiny', 'v2')), treeDigest(source));
  const resolved = await rowJson<ResolveJson>(['resolve', 'tiny', '--publisher', publisher], env);
  assert.equal(resolved.version, 2);
  assert.deepEqual(resolved.servers.map((entry) => entry.publicKey), [serverKey]);

  const storeBefore = treeDigest(store);
  for (const args of [
    ['publish', 'tiny@v1', source, '--key', join(work, 'publisher.key'), '--server', serverKey],
    ['publish', 'tiny@v2', source, '--key', join(work, 'publisher.key'), '--store', store],
  ]) {
    const refused = await row(args, env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /tiny is already at v2; publish v3 or higher/);
  }
  assert.equal(treeDigest(store), storeBefore);
  assert.equal((await rowJson<ResolveJson>(['resolve', 'tiny', '--publisher', publisher], env)).version, 2);
});

test('gc lists v1 once unused for TTL + grace, keeps it while a gateway uses it, and --apply deletes only v1', async (t) => {
  const gc = (...extra: string[]) =>
    rowJson<GcJson>(['gc', 'tiny', '--key', join(work, 'publisher.key'), '--users-ttl', String(USERS_TTL_MS / 1000), '--grace', String(GRACE_S), ...extra], env);
  const waitUntilCollectable = async () => {
    const deadline = performance.now() + 4 * USERS_TTL_MS;
    for (;;) {
      const report = await gc();
      const v1 = report.versions.find((entry) => entry.version === 1);
      if (v1?.collect || performance.now() > deadline) return report;
      await sleep(500);
    }
  };
  const listed = await waitUntilCollectable();
  assert.equal(listed.latest, 2);
  assert.deepEqual(listed.versions.map((entry) => [entry.version, entry.collect]), [[1, true]], JSON.stringify(listed));
  assert.ok(existsSync(join(store, 'tiny', 'v1')), 'a dry run deletes nothing');

  // A gateway back on v1 blocks its collection, on the publisher's side and on the server's.
  const user = await startGatewayChild({ bootstrap: dht.bootstrap, publisher, image: 'tiny@v1', ttlMs: USERS_TTL_MS });
  gateways.push(user);
  const blocked = await gc('--apply');
  assert.deepEqual(blocked.versions.map((entry) => [entry.version, entry.collect, entry.users]), [[1, false, 1]]);
  assert.ok(existsSync(join(store, 'tiny', 'v1')));
  assert.equal(await user.stop(), 0);

  const v2Before = treeDigest(join(store, 'tiny', 'v2'));
  await waitUntilCollectable();
  const applied = await gc('--apply');
  const v1 = applied.versions.find((entry) => entry.version === 1);
  assert.deepEqual(v1?.deletions, [{ server: serverKey, status: 'deleted' }]);
  assert.equal(existsSync(join(store, 'tiny', 'v1')), false);
  assert.equal(existsSync(join(store, 'tiny', 'v1.manifest.json')), false);
  assert.equal(treeDigest(join(store, 'tiny', 'v2')), v2Before);
  // The server stopped announcing v1 before deleting it.
  const gone = await rowJson<ResolveJson>(['resolve', 'tiny@v1', '--publisher', publisher], env);
  assert.deepEqual(gone.servers, []);
  const latest = await rowJson<ResolveJson>(['resolve', 'tiny', '--publisher', publisher], env);
  assert.equal(latest.version, 2);
  assert.equal(latest.servers.length, 1);
  t.diagnostic(server.output().split('\n').filter((line) => /delete|withdrew/.test(line)).join(' | '));
});

test('a second image server fronting another NFS server (--nfs) serves v2 once the first one stops', async () => {
  // The second server's store gets a copy of v2 (tree and manifest), as an admin would replicate it.
  const store2 = join(work, 'store2');
  mkdirSync(join(store2, 'tiny'), { recursive: true });
  cpSync(join(store, 'tiny', 'v2'), join(store2, 'tiny', 'v2'), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  cpSync(join(store, 'tiny', 'v2.manifest.json'), join(store2, 'tiny', 'v2.manifest.json'));
  const nfsd = startRow(['nfsd', '--export', store2, '--listen', '127.0.0.1:0', '--read-only', '--state', join(work, 'nfsd-state')]);
  const second = startRow(['keygen', '--out', join(work, 'server2.key')]);
  assert.equal(await second.exited, 0);
  const server2Key = /^([0-9a-f]{64})$/m.exec(second.output())?.[1] ?? '';
  try {
    const port = Number((await nfsd.waitFor(/ on 127\.0\.0\.1:(\d+) \(tcp\+udp/))[1]);
    const fronting = startRow(['serve', '--store', store2, '--key', join(work, 'server2.key'), '--nfs', `127.0.0.1:${port}:${store2}`, '--servers-ttl', String(SERVERS_TTL_S)], env);
    try {
      await fronting.waitFor(/holds tiny@v2/);
      const both = await rowJson<ResolveJson>(['resolve', 'tiny', '--publisher', publisher], env);
      assert.deepEqual(both.servers.map((entry) => entry.publicKey).sort(), [serverKey, server2Key].sort());
      assert.deepEqual(new Set(both.servers.map((entry) => entry.manifestHash)).size, 1);
      // The first server stops cleanly and withdraws; gateways now only find the second.
      assert.equal(await server.stop(), 0);
      const only = await rowJson<ResolveJson>(['resolve', 'tiny', '--publisher', publisher], env);
      assert.deepEqual(only.servers.map((entry) => [entry.publicKey, entry.mountPath]), [[server2Key, join(store2, 'tiny', 'v2')]]);
      const gateway = await startGatewayChild({ bootstrap: dht.bootstrap, publisher, image: 'tiny', ttlMs: USERS_TTL_MS });
      gateways.push(gateway);
      const url = nfsUrl({ host: '127.0.0.1', path: gateway.mountPath, file: 'etc/hostname', nfsPort: gateway.port, mountPort: gateway.port });
      assert.equal((await nfsCat(url, { timeoutMs: 60_000 })).toString(), 'appliance-v2\n');
      assert.equal(await gateway.stop(), 0);
    } finally {
      await fronting.stop();
    }
  } finally {
    await nfsd.stop();
  }
});
