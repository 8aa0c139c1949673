import { createHash } from 'node:crypto';
import { ManifestError } from '../errors.js';
import { assertImageName, assertVersion } from '../image-ref.js';
import { imagePathProblem, parentPath } from './safe-path.js';

/**
 * The manifest of one image version (issue 5, `row publish`): every file, directory and symlink
 * with its mode, owner, times and size, and for each file one SHA-256 per block plus the map of
 * all-zero blocks. Its SHA-256 goes into A's signed "latest" record, so whoever trusts the
 * publisher's key can check every block an image server hands out.
 *
 * The same tree always gives the same bytes (no creation time inside; the "latest" record
 * carries the publish time), so publishing a version again after a failure finds it in place.
 *
 * Kept beside the tree (DIR/<A>/<vN>.manifest.json), never inside it: the guest must see
 * exactly the published tree.
 */

/**
 * The ROW-FS proxy's default block size (src/rowfs DEFAULT_BLOCK_SIZE, one presence-bitmap bit):
 * a proxy or cache can verify exactly the blocks it fetches.
 */
export const MANIFEST_BLOCK_SIZE = 32 * 1024;
/** A 1 GiB image needs ~2.2 MB of manifest; this leaves room for ~100 GiB and many files. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

const MANIFEST_TYPE = 'rowboot.manifest';
const MANIFEST_FORMAT = 1;
const MIN_BLOCK_SIZE = 4096;
const MAX_BLOCK_SIZE = 1024 * 1024;
/** PATH_MAX - 1: the longest symlink target Linux stores. */
const MAX_SYMLINK_TARGET_BYTES = 4095;
const MAX_ID = 0xffff_ffff;
/** Permission bits plus set-uid, set-gid and sticky; the file type travels in `type`. */
const MAX_MODE = 0o7777;
const HEX_64 = /^[0-9a-f]{64}$/;

export interface EntryAttributes {
  mode: number;
  uid: number;
  gid: number;
  /** Modification time, whole milliseconds since the epoch. */
  mtimeMs: number;
}

export interface FileEntry extends EntryAttributes {
  type: 'file';
  path: string;
  size: number;
  /** SHA-256 (hex) of each block, zero blocks included; the last block may be short. */
  blocks: string[];
  /** Runs of all-zero blocks as [first block, count], ascending, not touching. */
  zeroBlocks: Array<[number, number]>;
}

export interface DirectoryEntry extends EntryAttributes {
  type: 'directory';
  path: string;
}

export interface SymlinkEntry extends EntryAttributes {
  type: 'symlink';
  path: string;
  /** Stored as is: an image may hold absolute links (/sbin/init); nobody follows them while writing. */
  target: string;
}

export type ManifestEntry = FileEntry | DirectoryEntry | SymlinkEntry;

export interface Manifest {
  name: string;
  version: number;
  /** The publisher's public key, 64 hex digits. */
  publisher: string;
  blockSize: number;
  root: EntryAttributes;
  /** Parents before children. */
  entries: ManifestEntry[];
}

export interface ManifestTotals {
  files: number;
  directories: number;
  symlinks: number;
  /** Sum of file sizes. */
  bytes: number;
  /** Bytes in blocks that are not all zero (what an upload carries). */
  dataBytes: number;
}

const zeroHashes = new Map<number, string>();

/** SHA-256 of `length` zero bytes (memoized: all full zero blocks share one). */
export function zeroBlockHash(length: number): string {
  let hash = zeroHashes.get(length);
  if (hash === undefined) {
    hash = createHash('sha256').update(Buffer.alloc(length)).digest('hex');
    zeroHashes.set(length, hash);
  }
  return hash;
}

export function blockCount(size: number, blockSize: number): number {
  return Math.ceil(size / blockSize);
}

export function blockLength(size: number, blockSize: number, index: number): number {
  return Math.min(blockSize, size - index * blockSize);
}

/** Indexes of the blocks of `entry` that are not all zero, ascending. */
export function* dataBlockIndexes(entry: FileEntry): Generator<number> {
  let run = 0;
  for (let index = 0; index < entry.blocks.length; index++) {
    const zeros = entry.zeroBlocks[run];
    if (zeros !== undefined && index >= zeros[0]) {
      if (index < zeros[0] + zeros[1]) continue;
      run++;
    }
    yield index;
  }
}

export function manifestTotals(manifest: Manifest): ManifestTotals {
  const totals: ManifestTotals = { files: 0, directories: 0, symlinks: 0, bytes: 0, dataBytes: 0 };
  for (const entry of manifest.entries) {
    if (entry.type === 'directory') totals.directories++;
    else if (entry.type === 'symlink') totals.symlinks++;
    else {
      totals.files++;
      totals.bytes += entry.size;
      for (const index of dataBlockIndexes(entry)) totals.dataBytes += blockLength(entry.size, manifest.blockSize, index);
    }
  }
  return totals;
}

export function manifestHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function attributesJson(attributes: EntryAttributes): EntryAttributes {
  return { mode: attributes.mode, uid: attributes.uid, gid: attributes.gid, mtimeMs: attributes.mtimeMs };
}

function entryJson(entry: ManifestEntry): object {
  const head = { path: entry.path, type: entry.type, ...attributesJson(entry) };
  if (entry.type === 'file') return { ...head, size: entry.size, blocks: entry.blocks, zeroBlocks: entry.zeroBlocks };
  if (entry.type === 'symlink') return { ...head, target: entry.target };
  return head;
}

/** One entry per line, so `grep` and `diff` work on manifests; the bytes are what gets hashed. */
export function encodeManifest(manifest: Manifest): Buffer {
  checkManifest(manifest);
  const head = JSON.stringify({
    type: MANIFEST_TYPE,
    format: MANIFEST_FORMAT,
    name: manifest.name,
    version: manifest.version,
    publisher: manifest.publisher,
    blockSize: manifest.blockSize,
    root: attributesJson(manifest.root),
  });
  const lines = manifest.entries.map((entry) => JSON.stringify(entryJson(entry)));
  const body = lines.length === 0 ? '[]' : `[\n${lines.join(',\n')}\n]`;
  return Buffer.from(`${head.slice(0, -1)},"entries":${body}}\n`, 'utf8');
}

/** Decodes and checks a manifest from an untrusted source; throws ManifestError naming the first problem. */
export function decodeManifest(bytes: Buffer): Manifest {
  if (bytes.length > MAX_MANIFEST_BYTES) throw new ManifestError(`manifest of ${bytes.length} bytes exceeds ${MAX_MANIFEST_BYTES}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ManifestError('manifest is not JSON', { cause: error });
  }
  const record = object(parsed, 'manifest');
  if (record.type !== MANIFEST_TYPE || record.format !== MANIFEST_FORMAT) {
    throw new ManifestError(`not a ${MANIFEST_TYPE} format ${MANIFEST_FORMAT} document`);
  }
  const entries = record.entries;
  if (!Array.isArray(entries)) throw new ManifestError("manifest field 'entries' must be an array");
  const manifest: Manifest = {
    name: string(record, 'name'),
    version: integer(record, 'version'),
    publisher: string(record, 'publisher'),
    blockSize: integer(record, 'blockSize'),
    root: attributes(object(record.root, 'root'), 'root'),
    entries: entries.map((raw, index) => decodeEntry(raw, index)),
  };
  checkManifest(manifest);
  return manifest;
}

/** The whole-tree rules: valid image, safe unique paths, parents listed first as directories, consistent blocks. */
export function checkManifest(manifest: Manifest): void {
  try {
    assertImageName(manifest.name);
    assertVersion(manifest.version);
  } catch (error) {
    throw new ManifestError(`manifest names an invalid image: ${(error as Error).message}`, { cause: error });
  }
  if (!HEX_64.test(manifest.publisher)) throw new ManifestError('manifest publisher must be 64 lowercase hex digits');
  const { blockSize } = manifest;
  if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || (blockSize & (blockSize - 1)) !== 0) {
    throw new ManifestError(`block size ${blockSize} is not a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}`);
  }
  checkAttributes(manifest.root, 'root');
  const seen = new Map<string, ManifestEntry['type']>();
  for (const entry of manifest.entries) {
    const problem = imagePathProblem(entry.path);
    if (problem !== null) throw new ManifestError(`unsafe path ${JSON.stringify(entry.path)}: ${problem}`);
    if (seen.has(entry.path)) throw new ManifestError(`${entry.path}: listed twice`);
    const parent = parentPath(entry.path);
    if (parent !== '' && seen.get(parent) !== 'directory') {
      throw new ManifestError(`${entry.path}: its parent ${parent} is not a directory listed before it`);
    }
    checkAttributes(entry, entry.path);
    if (entry.type === 'file') checkBlocks(entry, blockSize);
    if (entry.type === 'symlink') {
      const length = Buffer.byteLength(entry.target, 'utf8');
      if (length === 0 || length > MAX_SYMLINK_TARGET_BYTES || entry.target.includes('\0')) {
        throw new ManifestError(`${entry.path}: symlink target must be 1-${MAX_SYMLINK_TARGET_BYTES} bytes without NUL`);
      }
    }
    seen.set(entry.path, entry.type);
  }
}

function checkAttributes(attributes: EntryAttributes, where: string): void {
  const { mode, uid, gid, mtimeMs } = attributes;
  if (!Number.isInteger(mode) || mode < 0 || mode > MAX_MODE) throw new ManifestError(`${where}: mode must be 0-0${MAX_MODE.toString(8)}`);
  for (const [name, id] of [['uid', uid], ['gid', gid]] as const) {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new ManifestError(`${where}: ${name} must be 0-${MAX_ID}`);
  }
  if (!Number.isSafeInteger(mtimeMs)) throw new ManifestError(`${where}: mtimeMs must be an integer`);
}

function checkBlocks(entry: FileEntry, blockSize: number): void {
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw new ManifestError(`${entry.path}: size must be a non-negative integer`);
  const count = blockCount(entry.size, blockSize);
  if (entry.blocks.length !== count) throw new ManifestError(`${entry.path}: ${entry.size} bytes need ${count} block hashes, got ${entry.blocks.length}`);
  for (const hash of entry.blocks) {
    if (!HEX_64.test(hash)) throw new ManifestError(`${entry.path}: block hashes must be 64 lowercase hex digits`);
  }
  let end = -1;
  for (const run of entry.zeroBlocks) {
    const [first, length] = run;
    if (!Number.isInteger(first) || !Number.isInteger(length) || length < 1 || first <= end || first + length > count) {
      throw new ManifestError(`${entry.path}: zero-block runs must be ascending, separate and inside the file`);
    }
    for (let index = first; index < first + length; index++) {
      if (entry.blocks[index] !== zeroBlockHash(blockLength(entry.size, blockSize, index))) {
        throw new ManifestError(`${entry.path}: block ${index} is in a zero run but its hash is not that of zeros`);
      }
    }
    end = first + length;
  }
}

function decodeEntry(raw: unknown, index: number): ManifestEntry {
  const where = `entry ${index}`;
  const record = object(raw, where);
  const path = string(record, 'path', where);
  const base = { path, ...attributes(record, path) };
  switch (record.type) {
    case 'directory':
      return { type: 'directory', ...base };
    case 'symlink':
      return { type: 'symlink', ...base, target: string(record, 'target', path) };
    case 'file': {
      const blocks = record.blocks;
      const zeroBlocks = record.zeroBlocks;
      if (!Array.isArray(blocks) || !blocks.every((hash) => typeof hash === 'string')) {
        throw new ManifestError(`${path}: 'blocks' must be an array of strings`);
      }
      if (!Array.isArray(zeroBlocks) || !zeroBlocks.every((run) => Array.isArray(run) && run.length === 2)) {
        throw new ManifestError(`${path}: 'zeroBlocks' must be an array of [first, count] pairs`);
      }
      return { type: 'file', ...base, size: integer(record, 'size', path), blocks: blocks as string[], zeroBlocks: zeroBlocks as Array<[number, number]> };
    }
    default:
      throw new ManifestError(`${path}: type must be file, directory or symlink`);
  }
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestError(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function string(record: Record<string, unknown>, key: string, where = 'manifest'): string {
  const value = record[key];
  if (typeof value !== 'string') throw new ManifestError(`${where}: '${key}' must be a string`);
  return value;
}

function integer(record: Record<string, unknown>, key: string, where = 'manifest'): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ManifestError(`${where}: '${key}' must be an integer`);
  return value;
}

function attributes(record: Record<string, unknown>, where: string): EntryAttributes {
  return {
    mode: integer(record, 'mode', where),
    uid: integer(record, 'uid', where),
    gid: integer(record, 'gid', where),
    mtimeMs: integer(record, 'mtimeMs', where),
  };
}
