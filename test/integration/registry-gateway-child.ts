/**
 * A stand-in gateway for registry-tables.test.ts: joins the testnet, announces "uses A@vN" with
 * a short TTL and keeps refreshing until it is killed. Input: REGISTRY_CHILD as JSON
 * {bootstrap, publisherKey, name, version, ttlMs}. Prints "ready <gateway public key hex>".
 */
import { Registry, formatPublicKey, generateKeyPair, parsePublicKey, startDhtNode } from '../../src/registry/index.js';
import type { DhtAddress } from '../../src/registry/index.js';

interface ChildInput {
  bootstrap: DhtAddress[];
  publisherKey: string;
  name: string;
  version: number;
  ttlMs: number;
}

const input = JSON.parse(process.env.REGISTRY_CHILD ?? '{}') as ChildInput;
const dht = await startDhtNode({ bootstrap: input.bootstrap, host: '127.0.0.1' });
const registry = new Registry({ dht });
const keyPair = generateKeyPair();
const image = { publisherKey: parsePublicKey(input.publisherKey), name: input.name, version: input.version };
await registry.announceUser(keyPair, image, input.ttlMs, { onError: (error) => console.error(`refresh failed: ${error.message}`) });
console.log(`ready ${formatPublicKey(keyPair.publicKey)}`);
// The DHT node's sockets keep the process alive; the test ends it with SIGKILL.
