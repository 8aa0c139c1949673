/**
 * Issue 5 failover, with the real commands as processes on a private hyperdht network
 * (`row dht` + 20 nodes): two `row serve` hold tiny@v1 (one `row publish --server A,B` over the
 * overlay), `row proxy --image tiny` (the gateway's image main without DHCP/TFTP: same code,
 * src/gateway/image-main.ts) mounts it over the encrypted overlay, and libnfs `nfs-cat` reads a
 * 100 MiB file through the proxy. Mid-read the server in use is SIGKILLed: the proxy gives it up
 * after --failover-after, goes on with the other holder, and the read completes with the right
 * SHA-256 (the client saw a pause, not an error). Also: the proxy counts as a user of tiny@v1
 * while the client reads and withdraws within --users-ttl (+ a third) once it stops.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nfsCat, nfsUrl } from '../helpers/libnfs.js';
import { rowJson, rowOk, startPrivateDht, startRow, type LongRunning, type PrivateDht } from './registry-cli-fixture.js';

/** This file's `row dht` bootstrap (our loopback range is 33000-33999). */
const DHT_PORT = 33020;
const MiB = 1024 * 1024;
const BIG_BYTES = 100 * MiB;
const KILL_AFTER_BYTES = 16 * MiB;
const FAILOVER_AFTER_S = 2;
const USERS_TTL_S = 3;
const READ_TIMEOUT_MS = 120_000;

let dht: PrivateDht;
let work: string;
let publisher: string;
let env: NodeJS.ProcessEnv;
let bigHash: string;
let proxy: LongRunning;
let mountPath: string;
let proxyPort: number;
const servers = new Map<string, LongRunning>();

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'rbn-failover-'));
  dht = await startPrivateDht(DHT_PORT);
  env = { ROW_BOOTSTRAP: dht.bootstrap };
  publisher = (await rowOk(['keygen', '--out', join(work, 'publisher.key')])).stdout.trim();
  writeFileSync(join(work, 'publishers'), `${publisher}\n`);
  for (const name of ['a', 'b']) {
    const key = (await rowOk(['keygen', '--out', join(work, `server-${name}.key`)])).stdout.trim();
    const server = startRow(
      ['serve', '--store', join(work, `store-${name}`), '--key', join(work, `server-${name}.key`), '--publishers', join(work, 'publishers'), '--rescan', '0.5', '--state', join(work, `serve-state-${name}`)],
      env,
    );
    servers.set(key, server);
    await server.waitFor(/overlay key [0-9a-f]{64}/);
  }
  const source = join(work, 'image');
  mkdirSync(join(source, 'etc'), { recursive: true });
  writeFileSync(join(source, 'etc', 'hostname'), 'failover\n');
  const big = randomBytes(BIG_BYTES);
  bigHash = sha256(big);
  writeFileSync(join(source, 'big.bin'), big);
  await rowOk(['publish', 'tiny@v1', source, '--key', join(work, 'publisher.key'), '--server', [...servers.keys()].join(',')], env);

  proxy = startRow(
    ['proxy', '--image', 'tiny', '--publisher', publisher, '--listen', '127.0.0.1:0', '--state', join(work, 'proxy-state'), '--shadow-dir', join(work, 'shadow'),
      '--failover-after', String(FAILOVER_AFTER_S), '--users-ttl', String(USERS_TTL_S)],
    env,
  );
  const ready = await proxy.waitFor(/clients mount (\S+) on 127\.0\.0\.1:(\d+) \(tcp\+udp/);
  mountPath = ready[1] ?? '';
  proxyPort = Number(ready[2]);
});

after(async () => {
  await proxy?.stop();
  for (const server of servers.values()) await server.stop();
  await dht?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The server the proxy uses now: the last "using server KEY" line it printed. */
function serverInUse(): string {
  const lines = [...proxy.output().matchAll(/using server ([0-9a-f]{64})/g)];
  const key = lines[lines.length - 1]?.[1];
  assert.ok(key !== undefined, `proxy names no server:\n${proxy.output()}`);
  return key;
}

test('the proxy mounts tiny@v1 (latest) at /tiny/v1 from one of the two holders', async (t) => {
  assert.equal(mountPath, '/tiny/v1');
  assert.ok(servers.has(serverInUse()));
  const url = nfsUrl({ host: '127.0.0.1', path: mountPath, file: 'etc/hostname', nfsPort: proxyPort, mountPort: proxyPort });
  const started = performance.now();
  assert.equal((await nfsCat(url)).toString(), 'failover\n');
  t.diagnostic(`first nfs-cat through the proxy: ${Math.round(performance.now() - started)} ms`);
});

test('SIGKILL of the server in use during a 100 MiB nfs-cat: the read completes with the right SHA-256', async (t) => {
  const first = serverInUse();
  const url = nfsUrl({ host: '127.0.0.1', path: mountPath, file: 'big.bin', nfsPort: proxyPort, mountPort: proxyPort });
  const client = spawn('nfs-cat', [url], { stdio: ['ignore', 'pipe', 'pipe'] });
  const hash = createHash('sha256');
  let bytes = 0;
  let bytesAtKill = -1;
  let killing: Promise<void> | undefined;
  let lastChunkAt = performance.now();
  let longestPauseMs = 0;
  let stderr = '';
  client.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  client.stdout.on('data', (chunk: Buffer) => {
    const now = performance.now();
    longestPauseMs = Math.max(longestPauseMs, now - lastChunkAt);
    lastChunkAt = now;
    hash.update(chunk);
    bytes += chunk.length;
    if (killing === undefined && bytes >= KILL_AFTER_BYTES) {
      bytesAtKill = bytes;
      killing = (servers.get(first) as LongRunning).kill();
    }
  });
  const timer = setTimeout(() => client.kill('SIGKILL'), READ_TIMEOUT_MS);
  const code = await new Promise<number | null>((done) => client.on('close', (exitCode) => done(exitCode)));
  clearTimeout(timer);
  await killing;
  assert.equal(code, 0, `nfs-cat failed: ${stderr}\n${proxy.output()}`);
  assert.ok(bytesAtKill > 0 && bytesAtKill < BIG_BYTES, `the server was killed mid-read (at ${bytesAtKill} bytes)`);
  assert.equal(bytes, BIG_BYTES);
  assert.equal(hash.digest('hex'), bigHash);
  const second = serverInUse();
  assert.notEqual(second, first, 'the proxy moved to the other holder');
  assert.match(proxy.output(), new RegExp(`server ${first.slice(0, 12)}… given up \\(no reply for \\d+ ms\\)`));
  t.diagnostic(`killed ${first.slice(0, 12)}… after ${(bytesAtKill / MiB).toFixed(1)} MiB; longest pause seen by nfs-cat ${Math.round(longestPauseMs)} ms; now on ${second.slice(0, 12)}…`);
});

test('the proxy withdraws its "uses tiny@v1" entry once no client has called for the users TTL, and announces again at the next call', async (t) => {
  const refs = () => rowJson<{ count: number; gateways: string[] }>(['refs', 'tiny@v1', '--publisher', publisher], env);
  const gatewayKey = /gateway key ([0-9a-f]{64})/.exec(proxy.output())?.[1];
  assert.ok(gatewayKey !== undefined);
  // The read above announced it (the first call after start does).
  assert.match(proxy.output(), /announcing "uses tiny@v1" \(1 live client/);
  const idleSince = performance.now();
  let count = (await refs()).count;
  while (count > 0 && performance.now() - idleSince < 4 * USERS_TTL_S * 1000) {
    await sleep(250);
    count = (await refs()).count;
  }
  assert.equal(count, 0, `still announced ${Math.round(performance.now() - idleSince)} ms after the read`);
  assert.match(proxy.output(), /withdrew "uses tiny@v1" \(no client call for 3 s\)/);
  t.diagnostic(`refs 0 ${Math.round(performance.now() - idleSince)} ms after the read ended (users TTL ${USERS_TTL_S} s)`);

  const url = nfsUrl({ host: '127.0.0.1', path: mountPath, file: 'etc/hostname', nfsPort: proxyPort, mountPort: proxyPort });
  assert.equal((await nfsCat(url)).toString(), 'failover\n');
  await proxy.waitFor(/withdrew "uses tiny@v1"[^]*announcing "uses tiny@v1"/, 10_000);
  assert.deepEqual((await refs()).gateways, [gatewayKey]);
});

test('a restarted proxy finds the handles its sessions kept through the manifest, on the surviving holder', async (t) => {
  assert.equal(await proxy.stop(), 0);
  proxy = startRow(
    ['proxy', '--image', 'tiny', '--publisher', publisher, '--listen', '127.0.0.1:0', '--state', join(work, 'proxy-state'), '--shadow-dir', join(work, 'shadow'),
      '--failover-after', String(FAILOVER_AFTER_S), '--users-ttl', String(USERS_TTL_S)],
    env,
  );
  const started = performance.now();
  const ready = await proxy.waitFor(/clients mount (\S+) on 127\.0\.0\.1:(\d+) \(tcp\+udp/);
  t.diagnostic(`restart with one dead holder still announced: ready in ${Math.round(performance.now() - started)} ms`);
  proxyPort = Number(ready[2]);
  // The killed holder's entry has not expired: the proxy must have moved past it.
  const alive = [...servers].filter(([, server]) => server.child.exitCode === null && server.child.signalCode === null).map(([key]) => key);
  assert.deepEqual([serverInUse()], alive);
  const url = nfsUrl({ host: '127.0.0.1', path: mountPath, file: 'big.bin', nfsPort: proxyPort, mountPort: proxyPort });
  assert.equal(sha256(await nfsCat(url, { timeoutMs: 60_000 })), bigHash);
  // The client's session (kept in --state) named big.bin with the image handle of the first run.
  assert.match(proxy.output(), /found the handles of an earlier run in the manifest \(4 paths\)/);
});
