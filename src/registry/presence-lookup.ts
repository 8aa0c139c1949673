import type HyperDHT from 'hyperdht';
import { derivePublicKey } from './derived-key.js';
import { DhtQueryError, RegistryError } from './errors.js';
import { mapLimit } from './map-limit.js';
import { formatPublicKey } from './public-key.js';
import { decodePresence, type PresenceKind, type PresenceValue } from './records.js';
import { serverNamespace, userNamespace, type ImageVersion } from './topics.js';

/** Reading side of tables 2 and 3: who announced on a topic, and what their records say. */

/** hyperdht's persistent.js answers a lookup with at most this many records per node. */
export const LOOKUP_REPLY_CAP = 20;
/** A topic whose replies hit the cap is looked up again this many more times (random subsets). */
const SATURATED_RETRIES = 3;

export interface AnnouncedKeys {
  keys: Buffer[];
  /** False if some reply hit LOOKUP_REPLY_CAP even after retries: there may be more keys. */
  exact: boolean;
}

export interface PresenceEntry {
  publicKey: Buffer;
  seq: number;
  value: PresenceValue;
}

export interface LookupStats {
  /** Records that verified but did not decode, or named another image. */
  rejectedRecords: number;
}

async function lookupOnce(dht: HyperDHT, topic: Buffer, found: Map<string, Buffer>): Promise<boolean> {
  let saturated = false;
  try {
    for await (const reply of dht.lookup(topic)) {
      if (reply.peers.length >= LOOKUP_REPLY_CAP) saturated = true;
      for (const peer of reply.peers) found.set(formatPublicKey(peer.publicKey), peer.publicKey);
    }
  } catch (error) {
    throw new DhtQueryError('topic lookup failed', { cause: error });
  }
  return saturated;
}

/** Distinct public keys announced on `topics`. */
export async function lookupAnnounced(dht: HyperDHT, topics: readonly Buffer[], concurrency: number): Promise<AnnouncedKeys> {
  const found = new Map<string, Buffer>();
  const exactPerTopic = await mapLimit(topics, concurrency, async (topic) => {
    if (!(await lookupOnce(dht, topic, found))) return true;
    // Truncated replies are random subsets: ask again until nothing new turns up.
    for (let retry = 0; retry < SATURATED_RETRIES; retry++) {
      const before = found.size;
      await lookupOnce(dht, topic, found);
      if (found.size === before) return false;
    }
    return false;
  });
  return { keys: [...found.values()], exact: exactPerTopic.every(Boolean) };
}

/** The verified record of `publicKey` for `image` in the `kind` table, or null. */
export async function fetchPresence(
  dht: HyperDHT,
  publicKey: Buffer,
  kind: PresenceKind,
  image: ImageVersion,
  stats: LookupStats,
): Promise<PresenceEntry | null> {
  const namespace = kind === 'server' ? serverNamespace(image) : userNamespace(image);
  let found: HyperDHT.MutableRecord | null;
  try {
    found = await dht.mutableGet(derivePublicKey(publicKey, namespace));
  } catch (error) {
    throw new DhtQueryError(`cannot read the ${kind} record of ${formatPublicKey(publicKey)}`, { cause: error });
  }
  if (found === null) return null;
  try {
    const value = decodePresence(found.value, kind);
    if (value.name !== image.name || value.version !== image.version) {
      throw new RegistryError(`record names ${value.name}@v${value.version}`);
    }
    return { publicKey, seq: found.seq, value };
  } catch {
    // Signed by that key, so only that key's owner is misbehaving; skip it, but count it.
    stats.rejectedRecords++;
    return null;
  }
}
