/**
 * The three DHT tables end to end on a 20-node local hyperdht testnet (issue 5 "Tests"):
 * publish v1 -> resolve -> servers announce and are found -> two gateways use v1 (refs = 2) ->
 * one stops cleanly (refs = 1) -> the other, a child process, is SIGKILLed (refs = 0 within
 * 2 x TTL) -> publish v2 -> gc lists v1 and never v2.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  Registry,
  formatPublicKey,
  gcCandidates,
  generateKeyPair,
  startLocalTestnet,
  type ImageVersion,
  type LocalTestnet,
  type PresenceHandle,
} from '../../src/registry/index.js';

const CHILD = fileURLToPath(new URL('./registry-gateway-child.js', import.meta.url));
const TTL_MS = 3000;
const GRACE_MS = 500;
const MANIFEST_V1 = '11'.repeat(32);
const MANIFEST_V2 = '22'.repeat(32);

let net: LocalTestnet;
let publisherSide: Registry;
let serverSide: Registry;
let gatewaySide: Registry;
let admin: Registry;
const children = new Set<ChildProcess>();
const handles: PresenceHandle[] = [];
const publisher = generateKeyPair();
const v1: ImageVersion = { publisherKey: publisher.publicKey, name: 'tiny', version: 1 };
const v2: ImageVersion = { ...v1, version: 2 };

before(async () => {
  net = await startLocalTestnet(20);
  publisherSide = new Registry({ dht: await net.createClient() });
  serverSide = new Registry({ dht: await net.createClient() });
  gatewaySide = new Registry({ dht: await net.createClient() });
  admin = new Registry({ dht: await net.createClient() });
});

after(async () => {
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }
  for (const handle of handles) await handle.stop().catch(() => undefined);
  await net.destroy();
});

function startGatewayChild(image: ImageVersion): Promise<{ child: ChildProcess; publicKey: string }> {
  const input = { bootstrap: net.bootstrap, publisherKey: formatPublicKey(image.publisherKey), name: image.name, version: image.version, ttlMs: TTL_MS };
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, REGISTRY_CHILD: JSON.stringify(input) }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`gateway child not ready:\n${text}`)), 10_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /ready ([0-9a-f]{64})/.exec(text);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, publicKey: match[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`gateway child exited (${code ?? signal}) before ready:\n${text}`));
    });
  });
}

function keysOf(keys: Buffer[]): string[] {
  return keys.map(formatPublicKey).sort();
}

test('publish v1, then anyone resolves it by publisher key and name', async () => {
  const published = await publisherSide.publishLatest(publisher, 'tiny', { version: 1, manifestHash: MANIFEST_V1 });
  assert.equal(published.version, 1);
  const resolved = await admin.resolveLatest(publisher.publicKey, 'tiny');
  assert.ok(resolved);
  assert.equal(resolved.version, 1);
  assert.equal(resolved.manifestHash, MANIFEST_V1);
  assert.equal(resolved.publishedAt, published.publishedAt);
  assert.equal(await admin.resolveLatest(publisher.publicKey, 'other'), null);
  assert.equal(await admin.resolveLatest(generateKeyPair().publicKey, 'tiny'), null);
});

test('image servers announce A@v1 and are found with their mount paths; a stopped one disappears', async () => {
  const first = generateKeyPair();
  const second = generateKeyPair();
  handles.push(await serverSide.announceServer(first, v1, { mountPath: '/store/tiny/v1', ttlMs: TTL_MS }));
  const secondHandle = await serverSide.announceServer(second, v1, { mountPath: '/export/tiny-1', ttlMs: TTL_MS });
  const found = await admin.findServers(v1);
  assert.deepEqual(
    found.map((server) => [formatPublicKey(server.publicKey), server.mountPath, server.live]).sort(),
    [
      [formatPublicKey(first.publicKey), '/store/tiny/v1', true],
      [formatPublicKey(second.publicKey), '/export/tiny-1', true],
    ].sort(),
  );
  assert.deepEqual(await admin.findServers(v2), []);
  await secondHandle.stop();
  assert.deepEqual(keysOf((await admin.findServers(v1)).map((server) => server.publicKey)), [formatPublicKey(first.publicKey)]);
  // A clean stop also unannounces, so not even includeExpired lists it.
  assert.equal((await admin.findServers(v1, { includeExpired: true })).length, 1);
});

test('refs: two gateways -> 2, clean stop -> 1, SIGKILL -> 0 within 2 x TTL', async (t) => {
  const inProcess = generateKeyPair();
  const inProcessHandle = await gatewaySide.announceUser(inProcess, v1, TTL_MS);
  const { child, publicKey: childKey } = await startGatewayChild(v1);

  const both = await admin.countUsers(v1);
  assert.equal(both.count, 2);
  assert.equal(both.exact, true);
  assert.deepEqual(keysOf(both.gateways), [formatPublicKey(inProcess.publicKey), childKey].sort());

  await inProcessHandle.stop();
  const one = await admin.countUsers(v1);
  assert.equal(one.count, 1);
  assert.deepEqual(keysOf(one.gateways), [childKey]);
  assert.equal(one.announced, 1, 'a clean stop also unannounces');

  // The child keeps its entry alive past its TTL by refreshing every TTL/3.
  await sleep(TTL_MS * 1.5);
  assert.equal((await admin.countUsers(v1)).count, 1);

  assert.ok(child.pid !== undefined);
  process.kill(child.pid, 'SIGKILL');
  const killedAt = Date.now();
  let count = 1;
  while (count > 0 && Date.now() - killedAt < 2 * TTL_MS) {
    await sleep(200);
    count = (await admin.countUsers(v1)).count;
  }
  const elapsed = Date.now() - killedAt;
  assert.equal(count, 0, `refs still ${count} ${elapsed} ms after SIGKILL`);
  assert.ok(elapsed < 2 * TTL_MS);
  t.diagnostic(`refs reached 0 ${elapsed} ms after SIGKILL (TTL ${TTL_MS} ms)`);
  // The killed gateway's announce outlives it (hyperdht keeps announces ~20 min); only its record expired.
  const after = await admin.countUsers(v1);
  assert.equal(after.announced, 1);
  assert.ok(after.lastUsedAt !== null && after.lastUsedAt <= Date.now());
});

test('publish v2 -> gc lists v1 once unused for TTL + grace, never the latest', async () => {
  const latest = await publisherSide.publishLatest(publisher, 'tiny', { version: 2, manifestHash: MANIFEST_V2 });
  assert.equal((await admin.resolveLatest(publisher.publicKey, 'tiny'))?.version, 2);
  const usage = async () =>
    Promise.all(
      [v1, v2].map(async (image) => {
        const refs = await admin.countUsers(image);
        return { version: image.version, users: refs.count, exact: refs.exact, lastUsedAt: refs.lastUsedAt };
      }),
    );
  const gcInput = async () => ({ latest, versions: await usage(), ttlMs: TTL_MS, graceMs: GRACE_MS, now: Date.now() });
  // Just after the publish, a gateway may still be about to announce v1: nothing yet.
  assert.deepEqual(gcCandidates(await gcInput()), []);
  await sleep(TTL_MS + GRACE_MS + 100);
  assert.deepEqual(gcCandidates(await gcInput()), [1]);
  // A gateway on v1 again blocks its collection.
  const back = await gatewaySide.announceUser(generateKeyPair(), v1, TTL_MS);
  handles.push(back);
  assert.deepEqual(gcCandidates(await gcInput()), []);
});
