/**
 * The image store's pieces without a network: manifests (build, encode, decode, refusals),
 * the safe tree writer, the store's commit/list/remove rules, and signed delete requests.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ImageStore,
  ImageStoreError,
  MANIFEST_BLOCK_SIZE,
  ManifestError,
  StoreConflictError,
  TransferError,
  TreeWriter,
  buildManifest,
  dataBlockIndexes,
  decodeManifest,
  encodeManifest,
  generateKeyPair,
  imagePathProblem,
  manifestHash,
  manifestTotals,
  publishToStore,
  signDeleteRequest,
  verifyDeleteRequest,
  type Manifest,
} from '../../src/registry/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rbr-store-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const publisher = generateKeyPair();
const publisherHex = publisher.publicKey.toString('hex');
let counter = 0;

function fresh(name: string): string {
  const path = join(dir, `${name}-${counter++}`);
  mkdirSync(path);
  return path;
}

/** A file of 5 blocks + 100 bytes: data, zero, zero, data, zero, and a short zero tail. */
function makeSource(): string {
  const root = fresh('source');
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'hostname'), 'tiny\n');
  const data = Buffer.alloc(5 * MANIFEST_BLOCK_SIZE + 100);
  data.fill(1, 0, MANIFEST_BLOCK_SIZE);
  data[3 * MANIFEST_BLOCK_SIZE + 7] = 9;
  writeFileSync(join(root, 'disk.img'), data);
  writeFileSync(join(root, 'empty'), '');
  symlinkSync('/etc/hostname', join(root, 'etc', 'absolute-link'));
  return root;
}

test('a manifest lists every entry with per-block hashes and zero runs, and is the same for the same tree', async () => {
  const source = makeSource();
  const identity = { name: 'tiny', version: 3, publisher: publisherHex };
  const first = await buildManifest(source, identity);
  const second = await buildManifest(source, identity);
  assert.deepEqual(first.bytes, second.bytes);
  assert.deepEqual(decodeManifest(first.bytes), first.manifest);
  assert.deepEqual(encodeManifest(decodeManifest(first.bytes)), first.bytes);
  const disk = first.manifest.entries.find((entry) => entry.path === 'disk.img');
  assert.ok(disk?.type === 'file');
  assert.equal(disk.blocks.length, 6);
  assert.deepEqual(disk.zeroBlocks, [[1, 2], [4, 2]]);
  assert.deepEqual([...dataBlockIndexes(disk)], [0, 3]);
  assert.equal(disk.blocks[0], createHash('sha256').update(Buffer.alloc(MANIFEST_BLOCK_SIZE, 1)).digest('hex'));
  assert.deepEqual(first.manifest.entries.map((entry) => `${entry.type}:${entry.path}`), [
    'file:disk.img',
    'file:empty',
    'directory:etc',
    'symlink:etc/absolute-link',
    'file:etc/hostname',
  ]);
  assert.deepEqual(manifestTotals(first.manifest), { files: 3, directories: 1, symlinks: 1, bytes: 5 * MANIFEST_BLOCK_SIZE + 105, dataBytes: 2 * MANIFEST_BLOCK_SIZE + 5 });
});

test('decodeManifest refuses unsafe or inconsistent manifests', async () => {
  const { manifest } = await buildManifest(makeSource(), { name: 'tiny', version: 1, publisher: publisherHex });
  const variants: Array<[string, (copy: Manifest & Record<string, unknown>) => void, RegExp]> = [
    ['type', (copy) => (copy.type = 'other'), /not a rowboot.manifest/],
    ['dot-dot', (copy) => ((copy.entries[0] as { path: string }).path = '../x'), /'\.\.' component/],
    ['absolute', (copy) => ((copy.entries[0] as { path: string }).path = '/x'), /absolute path/],
    ['double slash', (copy) => ((copy.entries[0] as { path: string }).path = 'a//b'), /empty component/],
    ['orphan', (copy) => ((copy.entries[4] as { path: string }).path = 'nowhere/hostname'), /parent nowhere is not a directory/],
    ['block count', (copy) => (copy.entries[0] as { blocks: string[] }).blocks.pop(), /need 6 block hashes/],
    ['zero run', (copy) => ((copy.entries[0] as { zeroBlocks: number[][] }).zeroBlocks = [[0, 1]]), /block 0 is in a zero run/],
    ['mode', (copy) => ((copy.entries[0] as { mode: number }).mode = 0o170000), /mode must be/],
    ['publisher', (copy) => (copy.publisher = 'nope'), /publisher must be/],
    ['name', (copy) => (copy.name = 'a/b'), /invalid image/],
    ['symlink target', (copy) => ((copy.entries[3] as { target: string }).target = ''), /symlink target/],
    ['block size', (copy) => (copy.blockSize = 1000), /block size/],
  ];
  for (const [name, mutate, reason] of variants) {
    const copy = JSON.parse(JSON.stringify({ type: 'rowboot.manifest', format: 1, ...manifest })) as Manifest & Record<string, unknown>;
    mutate(copy);
    assert.throws(() => decodeManifest(Buffer.from(JSON.stringify(copy))), (error: unknown) => error instanceof ManifestError && reason.test(error.message), name);
  }
  assert.throws(() => decodeManifest(Buffer.from('{')), ManifestError);
  assert.equal(imagePathProblem('usr/lib/x'), null);
});

test('the tree writer only writes below directories it made, never through symlinks or over existing names', async () => {
  const outside = fresh('outside');
  const root = fresh('tree');
  // Something that was there before the writer started is not one of its directories.
  mkdirSync(join(root, 'already'));
  const writer = new TreeWriter(root);
  const attributes = { mode: 0o755, uid: 0, gid: 0, mtimeMs: Date.now() };
  await writer.symlink({ type: 'symlink', path: 'link', target: outside, ...attributes });
  await assert.rejects(writer.createFile({ path: 'link/evil' }), (error: unknown) => error instanceof ImageStoreError && /parent is not a directory of this image/.test(error.message));
  await assert.rejects(writer.createFile({ path: 'already/evil' }), ImageStoreError);
  await assert.rejects(writer.createFile({ path: '../evil' }), /'\.\.' component/);
  await assert.rejects(writer.directory({ type: 'directory', path: 'already', ...attributes }), /cannot create directory/);
  await assert.rejects(writer.createFile({ path: 'link' }), /cannot create file link/);
  await writer.directory({ type: 'directory', path: 'etc', ...attributes });
  const handle = await writer.createFile({ path: 'etc/hostname' });
  await handle.write(Buffer.from('tiny\n'));
  await writer.finishFile(handle, { type: 'file', path: 'etc/hostname', ...attributes, mode: 0o640, size: 5, blocks: [], zeroBlocks: [] });
  await writer.finish(attributes);
  assert.equal(readFileSync(join(root, 'etc', 'hostname'), 'utf8'), 'tiny\n');
  assert.equal(existsSync(join(outside, 'evil')), false, 'nothing was written outside');
  assert.equal(existsSync(join(root, 'already', 'evil')), false);
});

test('the store commits a version atomically beside its manifest, refuses taking it twice or for another publisher, and removes it', async () => {
  const store = await ImageStore.open(join(fresh('store'), 'nested'));
  const source = makeSource();
  const identity = { name: 'tiny', version: 1, publisher: publisherHex };
  const { stored, manifestBytes } = await publishToStore(store, source, identity);
  assert.equal(stored.relativePath, 'tiny/v1');
  assert.equal(stored.manifestHash, manifestHash(manifestBytes));
  assert.deepEqual(readFileSync(store.manifestPath('tiny', 1)), manifestBytes);
  assert.equal(existsSync(join(store.treePath('tiny', 1), '.rowboot-manifest.json')), false);
  assert.deepEqual((await store.list()).map((entry) => `${entry.name}@v${entry.version}`), ['tiny@v1']);
  // The same tree again is a no-op (a retried publish); other contents are a conflict.
  assert.equal((await publishToStore(store, source, identity)).stored.manifestHash, stored.manifestHash);
  writeFileSync(join(source, 'etc', 'hostname'), 'changed\n');
  await assert.rejects(publishToStore(store, source, identity), StoreConflictError);
  await assert.rejects(publishToStore(store, source, { ...identity, version: 2, publisher: 'ab'.repeat(32) }), /holds tiny for publisher/);
  // A tree without its manifest (a crash between the renames) is not a version, and blocks that number.
  mkdirSync(store.treePath('tiny', 5));
  assert.equal(await store.find('tiny', 5), null);
  await assert.rejects(publishToStore(store, source, { ...identity, version: 5 }), /exists without a manifest/);
  assert.equal(await store.remove('tiny', 1), true);
  assert.equal(existsSync(store.treePath('tiny', 1)), false);
  assert.equal(await store.remove('tiny', 1), false);
  assert.deepEqual(await store.list(), []);
});

test('delete requests verify only for the signing publisher, the named server, untampered and fresh', () => {
  const server = generateKeyPair().publicKey;
  const signed = signDeleteRequest(publisher, { name: 'tiny', versions: [1, 2], server }, 1_000_000);
  const expected = { server, publisher: publisherHex, now: 1_000_000 };
  assert.deepEqual(verifyDeleteRequest(signed, expected).versions, [1, 2]);
  assert.throws(() => verifyDeleteRequest(signed, { ...expected, publisher: 'ab'.repeat(32) }), /belongs to publisher/);
  assert.throws(() => verifyDeleteRequest(signed, { ...expected, server: generateKeyPair().publicKey }), /for server/);
  assert.throws(() => verifyDeleteRequest(signed, { ...expected, now: 1_000_000 + 10 * 60_000 }), /off this server's clock/);
  const tampered = { ...signed, request: signed.request.replace('[1,2]', '[1,2,3]') };
  assert.throws(() => verifyDeleteRequest(tampered, expected), (error: unknown) => error instanceof TransferError && /not signed/.test(error.message));
  assert.throws(() => verifyDeleteRequest({ request: signed.request }, expected), /needs "request"/);
});
