import type HyperDHT from 'hyperdht';
import { derivePublicKey, derivedSigner } from './derived-key.js';
import { DhtQueryError, PublishRejectedError, RecordFormatError, VersionNotNewerError } from './errors.js';
import { assertImageName, assertVersion } from './image-ref.js';
import type { KeyPair } from './key-file.js';
import { formatPublicKey } from './public-key.js';
import { assertManifestHash, decodeLatest, encodeLatest, type LatestValue } from './records.js';
import { latestNamespace } from './topics.js';

/**
 * Table 1, "latest version of A": one signed mutable record per (publisher, A) whose sequence
 * number is the version. DHT nodes refuse a lower sequence (SEQ_TOO_LOW) or a different value at
 * the same one (SEQ_REUSED), and readers keep the highest correctly signed sequence they see, so
 * neither another key nor an older record can move the pointer back.
 */
export interface LatestRecord extends LatestValue {
  publisherKey: Buffer;
}

export async function getLatest(dht: HyperDHT, publisherKey: Buffer, name: string, refresh = false): Promise<LatestRecord | null> {
  assertImageName(name);
  const recordKey = derivePublicKey(publisherKey, latestNamespace(publisherKey, name));
  let found: HyperDHT.MutableRecord | null;
  try {
    // hyperdht verifies each reply's signature against recordKey and keeps the highest seq.
    found = await dht.mutableGet(recordKey, refresh ? { refresh: () => true } : {});
  } catch (error) {
    throw new DhtQueryError(`cannot look up the latest version of ${name}`, { cause: error });
  }
  if (found === null) return null;
  const value = decodeLatest(found.value);
  if (value.name !== name || value.version !== found.seq) {
    throw new RecordFormatError(
      `latest record of ${name} by ${formatPublicKey(publisherKey)} names ${value.name}@v${value.version} at seq ${found.seq}`,
    );
  }
  return { ...value, publisherKey };
}

export async function putLatest(
  dht: HyperDHT,
  keyPair: KeyPair,
  name: string,
  target: { version: number; manifestHash: string },
  now: number,
): Promise<LatestRecord> {
  assertImageName(name);
  assertVersion(target.version);
  assertManifestHash(target.manifestHash);
  const current = await getLatest(dht, keyPair.publicKey, name);
  if (current !== null && current.version >= target.version) {
    throw new VersionNotNewerError(name, current.version, target.version);
  }
  const value: LatestValue = { name, ...target, publishedAt: now };
  const signer = derivedSigner(keyPair, latestNamespace(keyPair.publicKey, name));
  try {
    await dht.mutablePut(signer, encodeLatest(value), { seq: target.version });
  } catch (error) {
    throw new DhtQueryError(`cannot store the latest record of ${name}`, { cause: error });
  }
  // hyperdht resolves a put even when every node refused it; read back to know.
  const stored = await getLatest(dht, keyPair.publicKey, name);
  if (stored === null || stored.version !== target.version || stored.manifestHash !== target.manifestHash) {
    const seen = stored === null ? 'no record' : `v${stored.version}`;
    throw new PublishRejectedError(`the DHT did not keep ${name}@v${target.version} as latest (it returns ${seen})`);
  }
  return stored;
}
