import { RecordFormatError } from './errors.js';
import { assertImageName, assertVersion } from './image-ref.js';

/**
 * Values of the DHT's mutable records, as small JSON documents. The signature (checked by
 * hyperdht against the derived key) says who wrote a record; these codecs check that it says
 * what its key promises. A value that fails is not trusted, whatever its signature.
 */

/** "latest version of A": seq = version, so the DHT's own sequence rules refuse going back. */
export interface LatestValue {
  name: string;
  version: number;
  /** SHA-256 of the version's manifest, 64 lowercase hex digits. */
  manifestHash: string;
  /** Publisher's clock (ms since epoch) when this version became the latest. */
  publishedAt: number;
}

export type PresenceKind = 'server' | 'user';

/** An image server's or gateway's presence for A@vN; only counts while `expiresAt` is ahead. */
export interface PresenceValue {
  kind: PresenceKind;
  name: string;
  version: number;
  /** Writer's clock (ms since epoch) after which this entry no longer counts. */
  expiresAt: number;
  /** Refresh period promise: the writer re-puts the record every ttlMs / 3. */
  ttlMs: number;
  /** Set by a clean stop: the entry stopped counting at `expiresAt`. */
  stopped: boolean;
  /** Servers only: where the version is exported (the manifest's mount path). */
  mountPath?: string;
  /** Servers only: SHA-256 of the manifest of the copy this server holds. */
  manifestHash?: string;
}

/** hyperdht carries values in one UDP message; stay well under its size limit. */
export const MAX_RECORD_BYTES = 900;

const MANIFEST_HASH = /^[0-9a-f]{64}$/;
const LATEST_TYPE = 'rowboot.latest';
const PRESENCE_TYPE = { server: 'rowboot.server', user: 'rowboot.user' } as const;

export function assertManifestHash(hash: string): void {
  if (!MANIFEST_HASH.test(hash)) throw new RecordFormatError(`manifest hash must be 64 lowercase hex digits, got '${hash}'`);
}

export function assertMountPath(path: string): void {
  if (!path.startsWith('/') || path.length > 255 || path.includes('\0')) {
    throw new RecordFormatError(`mount path must be an absolute path under 256 bytes, got '${path}'`);
  }
}

function encodeJson(value: object): Buffer {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  if (bytes.length > MAX_RECORD_BYTES) throw new RecordFormatError(`record of ${bytes.length} bytes exceeds ${MAX_RECORD_BYTES}`);
  return bytes;
}

function decodeJson(bytes: Buffer): Record<string, unknown> {
  if (bytes.length > MAX_RECORD_BYTES) throw new RecordFormatError(`record of ${bytes.length} bytes is too large`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new RecordFormatError('record is not JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RecordFormatError('record is not an object');
  return parsed as Record<string, unknown>;
}

function field<T extends 'string' | 'number' | 'boolean'>(
  record: Record<string, unknown>,
  key: string,
  type: T,
): T extends 'string' ? string : T extends 'number' ? number : boolean {
  const value = record[key];
  if (typeof value !== type || (type === 'number' && !Number.isSafeInteger(value))) {
    throw new RecordFormatError(`record field '${key}' must be ${type === 'number' ? 'an integer' : `a ${type}`}`);
  }
  return value as T extends 'string' ? string : T extends 'number' ? number : boolean;
}

/** Turns the checks of image-ref.ts (which throw ImageRefError) into record-format errors. */
function checkImage(name: string, version: number): void {
  try {
    assertImageName(name);
    assertVersion(version);
  } catch (error) {
    throw new RecordFormatError(`record names an invalid image: ${(error as Error).message}`, { cause: error });
  }
}

export function encodeLatest(value: LatestValue): Buffer {
  checkImage(value.name, value.version);
  assertManifestHash(value.manifestHash);
  return encodeJson({
    type: LATEST_TYPE,
    name: value.name,
    version: value.version,
    manifestHash: value.manifestHash,
    publishedAt: value.publishedAt,
  });
}

export function decodeLatest(bytes: Buffer): LatestValue {
  const record = decodeJson(bytes);
  if (record.type !== LATEST_TYPE) throw new RecordFormatError(`record type is not '${LATEST_TYPE}'`);
  const value: LatestValue = {
    name: field(record, 'name', 'string'),
    version: field(record, 'version', 'number'),
    manifestHash: field(record, 'manifestHash', 'string'),
    publishedAt: field(record, 'publishedAt', 'number'),
  };
  checkImage(value.name, value.version);
  assertManifestHash(value.manifestHash);
  return value;
}

export function encodePresence(value: PresenceValue): Buffer {
  checkImage(value.name, value.version);
  if (value.mountPath !== undefined) assertMountPath(value.mountPath);
  if (value.manifestHash !== undefined) assertManifestHash(value.manifestHash);
  return encodeJson({
    type: PRESENCE_TYPE[value.kind],
    name: value.name,
    version: value.version,
    expiresAt: value.expiresAt,
    ttlMs: value.ttlMs,
    stopped: value.stopped,
    ...(value.mountPath === undefined ? {} : { mountPath: value.mountPath }),
    ...(value.manifestHash === undefined ? {} : { manifestHash: value.manifestHash }),
  });
}

export function decodePresence(bytes: Buffer, kind: PresenceKind): PresenceValue {
  const record = decodeJson(bytes);
  if (record.type !== PRESENCE_TYPE[kind]) throw new RecordFormatError(`record type is not '${PRESENCE_TYPE[kind]}'`);
  const value: PresenceValue = {
    kind,
    name: field(record, 'name', 'string'),
    version: field(record, 'version', 'number'),
    expiresAt: field(record, 'expiresAt', 'number'),
    ttlMs: field(record, 'ttlMs', 'number'),
    stopped: field(record, 'stopped', 'boolean'),
  };
  checkImage(value.name, value.version);
  if (record.mountPath !== undefined) {
    value.mountPath = field(record, 'mountPath', 'string');
    assertMountPath(value.mountPath);
  }
  if (record.manifestHash !== undefined) {
    value.manifestHash = field(record, 'manifestHash', 'string');
    assertManifestHash(value.manifestHash);
  }
  return value;
}
