/**
 * Only the publisher's key moves A's latest pointer (architecture.md "DHT tables", issue 5):
 * records for A signed by another key, forged signatures, lower or reused sequence numbers and
 * DHT nodes that serve forged records never change what resolve returns.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import HyperDHT from 'hyperdht';
import {
  Registry,
  VersionNotNewerError,
  derivePublicKey,
  derivedSigner,
  encodeLatest,
  generateKeyPair,
  latestNamespace,
  startLocalTestnet,
  type LocalTestnet,
} from '../../src/registry/index.js';

/** hyperdht lib/constants.js COMMANDS. */
const HyperdhtCommand = { MUTABLE_GET: 7 } as const;

interface DhtRequest {
  command: number;
  target: Buffer | null;
}
type RequestHandler = (request: DhtRequest) => boolean;

const MANIFEST = 'aa'.repeat(32);
const FORGED_MANIFEST = 'ee'.repeat(32);

let net: LocalTestnet;
let publisherSide: Registry;
let attackerSide: Registry;
let reader: Registry;
const publisher = generateKeyPair();
const attacker = generateKeyPair();

before(async () => {
  net = await startLocalTestnet(20);
  publisherSide = new Registry({ dht: await net.createClient() });
  attackerSide = new Registry({ dht: await net.createClient() });
  reader = new Registry({ dht: await net.createClient() });
  await publisherSide.publishLatest(publisher, 'tiny', { version: 1, manifestHash: MANIFEST });
  await publisherSide.publishLatest(publisher, 'tiny', { version: 2, manifestHash: MANIFEST });
});

after(async () => {
  await net.destroy();
});

async function assertStillV2(): Promise<void> {
  const resolved = await reader.resolveLatest(publisher.publicKey, 'tiny');
  assert.equal(resolved?.version, 2);
  assert.equal(resolved?.manifestHash, MANIFEST);
}

function latestValue(version: number, manifestHash = FORGED_MANIFEST): Buffer {
  return encodeLatest({ name: 'tiny', version, manifestHash, publishedAt: Date.now() });
}

test('publishing a version not above the latest is refused with a clear message', async () => {
  for (const version of [1, 2]) {
    await assert.rejects(
      publisherSide.publishLatest(publisher, 'tiny', { version, manifestHash: FORGED_MANIFEST }),
      (error: unknown) => error instanceof VersionNotNewerError && /already at v2; publish v3 or higher/.test(error.message),
    );
  }
  await assertStillV2();
});

test('the DHT itself refuses a lower or reused sequence signed by the publisher', async () => {
  const signer = derivedSigner(publisher, latestNamespace(publisher.publicKey, 'tiny'));
  const dht = publisherSide.dht;
  await dht.mutablePut(signer, latestValue(1), { seq: 1 }).catch(() => undefined);
  await assertStillV2();
  await dht.mutablePut(signer, latestValue(2), { seq: 2 }).catch(() => undefined);
  await assertStillV2();
});

test('a record for A under another publisher key does not change what A resolves to', async () => {
  await attackerSide.publishLatest(attacker, 'tiny', { version: 99, manifestHash: FORGED_MANIFEST });
  assert.equal((await reader.resolveLatest(attacker.publicKey, 'tiny'))?.version, 99);
  await assertStillV2();
});

test('a higher sequence at the publisher record key with a forged signature is not stored', async () => {
  const recordKey = derivePublicKey(publisher.publicKey, latestNamespace(publisher.publicKey, 'tiny'));
  const attackerSigner = derivedSigner(attacker, latestNamespace(publisher.publicKey, 'tiny'));
  const forged = { publicKey: recordKey, sign: (signable: Buffer) => attackerSigner.sign(signable) };
  await attackerSide.dht.mutablePut(forged, latestValue(50), { seq: 50 }).catch(() => undefined);
  await assertStillV2();
});

test('DHT nodes that serve a forged record are outvoted or ignored, never believed', async () => {
  // The malicious nodes answer a get for the publisher's record with the attacker's own record
  // (validly signed, but by the attacker's key, seq 99).
  const publisherTarget = HyperDHT.hash(derivePublicKey(publisher.publicKey, latestNamespace(publisher.publicKey, 'tiny')));
  const attackerTarget = HyperDHT.hash(derivePublicKey(attacker.publicKey, latestNamespace(attacker.publicKey, 'tiny')));
  const originals = new Map<HyperDHT, RequestHandler>();
  const corrupt = (node: HyperDHT) => {
    const host = node as unknown as { onrequest: RequestHandler };
    const original = host.onrequest.bind(node);
    originals.set(node, host.onrequest);
    host.onrequest = (request) => {
      if (request.command === HyperdhtCommand.MUTABLE_GET && request.target?.equals(publisherTarget)) request.target = attackerTarget;
      return original(request);
    };
  };
  try {
    net.nodes.filter((_, index) => index % 2 === 0).forEach(corrupt);
    await assertStillV2();
    net.nodes.filter((_, index) => index % 2 === 1).forEach(corrupt);
    // Every node lies: the record is unavailable, but the forged one is still not accepted.
    assert.equal(await reader.resolveLatest(publisher.publicKey, 'tiny'), null);
  } finally {
    for (const [node, handler] of originals) (node as unknown as { onrequest: RequestHandler }).onrequest = handler;
  }
  await assertStillV2();
});
