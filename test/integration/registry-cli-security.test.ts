/**
 * Issue 5's security rules against the real `row` commands on a private hyperdht network
 * (`row dht` + 20 persistent nodes) and a real `row serve`:
 *  - a record for A signed by another key, a lower sequence, or a forged signature never
 *    changes what `row resolve A` returns;
 *  - uploads with unsafe paths (.., absolute, through a symlink, '.' components), from keys that
 *    are not allowed publishers, naming another publisher, or with blocks that do not match the
 *    manifest are refused and leave nothing in the store;
 *  - delete requests not signed by A's publisher, for another server, tampered with, replayed,
 *    or for the latest version are refused;
 *  - key files readable by others are refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type HyperDHT from 'hyperdht';
import { connectOverlay } from '../../src/overlay/index.js';
import {
  DELETE_SERVICE,
  PUBLISH_SERVICE,
  buildManifest,
  derivePublicKey,
  derivedSigner,
  encodeLatest,
  generateKeyPair,
  latestNamespace,
  readKeyFile,
  requestDelete,
  signDeleteRequest,
  type KeyPair,
} from '../../src/registry/index.js';
import { treeDigest } from '../helpers/tree-digest.js';
import { row, rowJson, rowOk, startPrivateDht, startRow, type LongRunning, type PrivateDht } from './registry-cli-fixture.js';

/** Our loopback port range is 32000-32999; this file's `row dht` bootstrap. */
const DHT_PORT = 32020;
const BLOCK_SIZE = 32 * 1024;
const REPLY_TIMEOUT_MS = 20_000;

let dht: PrivateDht;
let client: HyperDHT;
let work: string;
let store: string;
let server: LongRunning;
let serverKey: Buffer;
let publisher: KeyPair;
let attacker: KeyPair;
let env: NodeJS.ProcessEnv;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hex(key: Buffer): string {
  return key.toString('hex');
}

async function resolvedVersion(publisherKey: Buffer): Promise<number> {
  return (await rowJson<{ version: number }>(['resolve', 'tiny', '--publisher', hex(publisherKey)], env)).version;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'rbr-sec-'));
  store = join(work, 'store');
  dht = await startPrivateDht(DHT_PORT);
  env = { ROW_BOOTSTRAP: dht.bootstrap };
  client = await dht.client();
  await rowOk(['keygen', '--out', join(work, 'publisher.key')]);
  await rowOk(['keygen', '--out', join(work, 'attacker.key')]);
  serverKey = Buffer.from((await rowOk(['keygen', '--out', join(work, 'server.key')])).stdout.trim(), 'hex');
  publisher = await readKeyFile(join(work, 'publisher.key'));
  attacker = await readKeyFile(join(work, 'attacker.key'));
  // Both may upload; neither may touch the other's appliances.
  writeFileSync(join(work, 'publishers'), `${hex(publisher.publicKey)}\n${hex(attacker.publicKey)}\n`);
  server = startRow(['serve', '--store', store, '--key', join(work, 'server.key'), '--publishers', join(work, 'publishers'), '--rescan', '0.5', '--state', join(work, 'state')], env);
  await server.waitFor(/overlay key [0-9a-f]{64}/);
  for (const version of [1, 2]) {
    const source = join(work, `image-v${version}`);
    mkdirSync(join(source, 'etc'), { recursive: true });
    writeFileSync(join(source, 'etc', 'hostname'), `v${version}\n`);
    await rowOk(['publish', `tiny@v${version}`, source, '--key', join(work, 'publisher.key'), '--store', store], env);
  }
});

after(async () => {
  await server?.stop();
  await dht?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('records under another key, lower sequences and forged signatures never change row resolve', async () => {
  assert.equal(await resolvedVersion(publisher.publicKey), 2);
  // The attacker publishes its own "tiny" v99: a different appliance, by a different publisher.
  const own = join(work, 'attacker-image');
  mkdirSync(own);
  writeFileSync(join(own, 'evil'), 'evil\n');
  await rowOk(['publish', 'tiny@v99', own, '--key', join(work, 'attacker.key'), '--store', join(work, 'attacker-store'), '--wait-servers', '0'], env);
  assert.equal(await resolvedVersion(attacker.publicKey), 99);
  assert.equal(await resolvedVersion(publisher.publicKey), 2);

  const forgedValue = (version: number) => encodeLatest({ name: 'tiny', version, manifestHash: 'ee'.repeat(32), publishedAt: Date.now() });
  // A lower sequence, correctly signed by the publisher's own key: the DHT nodes refuse it.
  const signer = derivedSigner(publisher, latestNamespace(publisher.publicKey, 'tiny'));
  await client.mutablePut(signer, forgedValue(1), { seq: 1 }).catch(() => undefined);
  assert.equal(await resolvedVersion(publisher.publicKey), 2);
  // A higher sequence at the publisher's record key, signed by the attacker: not stored, not believed.
  const recordKey = derivePublicKey(publisher.publicKey, latestNamespace(publisher.publicKey, 'tiny'));
  const attackerSigner = derivedSigner(attacker, latestNamespace(publisher.publicKey, 'tiny'));
  await client.mutablePut({ publicKey: recordKey, sign: (data: Buffer) => attackerSigner.sign(data) }, forgedValue(50), { seq: 50 }).catch(() => undefined);
  const resolved = await rowJson<{ version: number; manifestHash: string }>(['resolve', 'tiny', '--publisher', hex(publisher.publicKey)], env);
  assert.equal(resolved.version, 2);
  assert.notEqual(resolved.manifestHash, 'ee'.repeat(32));
});

test('a key file readable by others is refused', async () => {
  const loose = join(work, 'loose.key');
  copyFileSync(join(work, 'publisher.key'), loose);
  chmodSync(loose, 0o644);
  for (const args of [['resolve', 'tiny', '--key', loose], ['gc', 'tiny', '--key', loose]]) {
    const result = await row(args, env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /accessible by group or others \(mode 0644\); run chmod 600/);
  }
});

/** Sends raw bytes on a "publish" stream as `keyPair` and returns every reply line the server sent before closing. */
async function rawPublish(keyPair: KeyPair, manifest: Buffer, data: Buffer = Buffer.alloc(0)): Promise<Array<Record<string, unknown>>> {
  const stream = await connectOverlay(client, serverKey, PUBLISH_SERVICE, { keyPair });
  let received = '';
  stream.on('data', (chunk: Buffer) => (received += chunk.toString()));
  stream.on('error', () => undefined);
  stream.write(`${JSON.stringify({ op: 'publish', manifestBytes: manifest.length })}\n`);
  stream.write(manifest);
  if (data.length > 0) stream.write(data);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server kept the stream open; got ${received}`)), REPLY_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    stream.once('end', done);
    stream.once('close', done);
  });
  stream.destroy();
  return received.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

const attributes = { mode: 0o644, uid: 0, gid: 0, mtimeMs: 0 };

function fileEntry(path: string, data: Buffer): object {
  return { path, type: 'file', ...attributes, size: data.length, blocks: [sha256(data)], zeroBlocks: [] };
}

/** A manifest written by hand (our encoder would refuse these paths). */
function handMadeManifest(entries: object[], publisherKey = publisher.publicKey): Buffer {
  return Buffer.from(JSON.stringify({
    type: 'rowboot.manifest',
    format: 1,
    name: 'tiny',
    version: 9,
    publisher: hex(publisherKey),
    blockSize: BLOCK_SIZE,
    root: { ...attributes, mode: 0o755 },
    entries,
  }));
}

function incomingIsEmpty(): boolean {
  return readdirSync(join(store, '.incoming')).length === 0;
}

test('uploads with unsafe paths are refused before anything is written', async () => {
  const data = Buffer.from('pwned\n');
  const cases: Array<[string, object[], RegExp]> = [
    ['dot-dot', [fileEntry('../escape', data)], /unsafe path "..\/escape": '..' component/],
    ['dot-dot deep', [{ path: 'etc', type: 'directory', ...attributes }, fileEntry('etc/../../escape', data)], /'..' component/],
    ['absolute', [fileEntry('/tmp/rbr-escape', data)], /absolute path/],
    ['dot', [{ path: 'etc', type: 'directory', ...attributes }, fileEntry('etc/./x', data)], /'\.' component/],
    ['through a symlink', [{ path: 'link', type: 'symlink', ...attributes, target: work }, fileEntry('link/escape', data)], /parent link is not a directory/],
    ['file under a file', [fileEntry('a', data), fileEntry('a/b', data)], /parent a is not a directory/],
    ['duplicate', [fileEntry('a', data), fileEntry('a', data)], /listed twice/],
  ];
  const before = treeDigest(store);
  for (const [name, entries, reason] of cases) {
    const replies = await rawPublish(publisher, handMadeManifest(entries), data);
    assert.equal(replies.length, 1, name);
    assert.equal(replies[0]?.status, 'refused', name);
    assert.match(String(replies[0]?.reason), reason, name);
  }
  assert.equal(treeDigest(store), before, 'the store is untouched');
  assert.equal(existsSync(join(store, '..', 'escape')), false);
  assert.equal(existsSync(join(work, 'escape')), false);
  assert.equal(existsSync('/tmp/rbr-escape'), false);
  assert.match(server.output(), /publish: refused upload/);
});

test('uploads from keys that are not allowed publishers, or naming another publisher, are refused', async () => {
  const data = Buffer.from('x\n');
  const before = treeDigest(store);
  const stranger = generateKeyPair();
  const fromStranger = await rawPublish(stranger, handMadeManifest([fileEntry('x', data)], stranger.publicKey), data);
  assert.equal(fromStranger[0]?.status, 'refused');
  assert.match(String(fromStranger[0]?.reason), /may not publish to this server/);
  // The attacker is an allowed publisher, but cannot upload a manifest in the publisher's name...
  const impersonation = await rawPublish(attacker, handMadeManifest([fileEntry('x', data)], publisher.publicKey), data);
  assert.match(String(impersonation[0]?.reason), /names publisher .* but this stream is/);
  // ...nor its own "tiny" into a store that holds the publisher's "tiny".
  const squatting = await rawPublish(attacker, handMadeManifest([fileEntry('x', data)], attacker.publicKey), data);
  assert.match(String(squatting[0]?.reason), /holds tiny for publisher/);
  assert.equal(treeDigest(store), before);
});

test('an upload whose blocks do not match its manifest is refused and leaves nothing behind', async () => {
  const source = join(work, 'image-v9');
  mkdirSync(source);
  writeFileSync(join(source, 'big'), Buffer.alloc(3 * BLOCK_SIZE, 7));
  const built = await buildManifest(source, { name: 'tiny', version: 9, publisher: hex(publisher.publicKey) });
  const wrong = Buffer.alloc(3 * BLOCK_SIZE, 7);
  wrong[BLOCK_SIZE + 5] = 8;
  const replies = await rawPublish(publisher, built.bytes, wrong);
  assert.deepEqual(replies[0], { status: 'send' });
  assert.equal(replies[1]?.status, 'refused');
  assert.match(String(replies[1]?.reason), /big: block 1 does not match the manifest/);
  assert.equal(existsSync(join(store, 'tiny', 'v9')), false);
  assert.equal(existsSync(join(store, 'tiny', 'v9.manifest.json')), false);
  assert.ok(incomingIsEmpty(), 'the staging directory is removed');
});

async function sendDelete(from: KeyPair, signed: ReturnType<typeof signDeleteRequest>) {
  const stream = await connectOverlay(client, serverKey, DELETE_SERVICE, { keyPair: from });
  return requestDelete(stream, signed, REPLY_TIMEOUT_MS);
}

test('delete requests: only A\'s publisher, only for this server, untampered, once, never the latest', async () => {
  const v1 = join(store, 'tiny', 'v1');
  const byAttacker = await sendDelete(attacker, signDeleteRequest(attacker, { name: 'tiny', versions: [1], server: serverKey }));
  assert.equal(byAttacker[0]?.status, 'refused');
  assert.match(String(byAttacker[0]?.reason), /tiny belongs to publisher [0-9a-f]{64} on this server, not/);

  const otherServer = await sendDelete(publisher, signDeleteRequest(publisher, { name: 'tiny', versions: [1], server: generateKeyPair().publicKey }));
  assert.match(String(otherServer[0]?.reason), /this request is for server/);

  const genuine = signDeleteRequest(publisher, { name: 'tiny', versions: [1], server: serverKey });
  const tampered = { ...genuine, request: genuine.request.replace('"versions":[1]', '"versions":[1,2]') };
  assert.match(String((await sendDelete(publisher, tampered))[0]?.reason), /not signed by tiny's publisher/);

  const latest = await sendDelete(publisher, signDeleteRequest(publisher, { name: 'tiny', versions: [2], server: serverKey }));
  assert.deepEqual(latest, [{ version: 2, status: 'refused', reason: 'it is the latest version' }]);
  assert.ok(existsSync(v1) && existsSync(join(store, 'tiny', 'v2')));

  assert.deepEqual(await sendDelete(publisher, genuine), [{ version: 1, status: 'deleted' }]);
  assert.equal(existsSync(v1), false);
  const replay = await sendDelete(publisher, genuine);
  assert.match(String(replay[0]?.reason), /already used \(replay\)/);
  assert.ok(existsSync(join(store, 'tiny', 'v2')));
  assert.equal(await resolvedVersion(publisher.publicKey), 2);
});
