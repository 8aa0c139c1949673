/**
 * Issue 5 benchmark: the DHT registry on a 200-node hyperdht testnet on this machine (all nodes
 * in this process, on 127.0.0.1, offline).
 *  - `row resolve` latency, p50/p99 (goal p99 < 500 ms), from a long-running node (warm) and
 *    from a node started for the one lookup, as the CLI does (cold). Baseline: the same
 *    resolves against a 20-node testnet, i.e. what the DHT's size costs.
 *  - refs accuracy: 100 gateways (each its own DHT node and key) announce they use A@v1; the
 *    count, worst of several, against the true 100 (goal exact). Its latency is compared with
 *    one plain hyperdht lookup of one topic, the cheapest (and, past 20 records, inexact) way.
 */
import {
  Registry,
  generateKeyPair,
  startLocalTestnet,
  usersTopic,
  type LocalTestnet,
  type PresenceHandle,
} from '../src/registry/index.js';
import { percentile, type BenchRow } from './measure.js';

const BIG_NET = 200;
const SMALL_NET = 20;
const WARM_RESOLVES = 300;
const COLD_RESOLVES = 30;
const GATEWAYS = 100;
const COUNTS = 5;
const USERS_TTL_MS = 60_000;
const MANIFEST = 'ab'.repeat(32);

interface ResolveTimes {
  warmP50: number;
  warmP99: number;
  coldP50: number;
  coldP99: number;
}

async function timeResolves(net: LocalTestnet): Promise<ResolveTimes> {
  const publisher = generateKeyPair();
  await new Registry({ dht: await net.createClient() }).publishLatest(publisher, 'bench', { version: 1, manifestHash: MANIFEST });
  const reader = new Registry({ dht: await net.createClient() });
  const warm: number[] = [];
  for (let i = 0; i < WARM_RESOLVES; i++) {
    const started = performance.now();
    const record = await reader.resolveLatest(publisher.publicKey, 'bench');
    warm.push(performance.now() - started);
    if (record?.version !== 1) throw new Error(`resolve ${i} returned ${record?.version ?? 'nothing'}`);
  }
  const cold: number[] = [];
  for (let i = 0; i < COLD_RESOLVES; i++) {
    const started = performance.now();
    const dht = await net.createClient();
    const record = await new Registry({ dht }).resolveLatest(publisher.publicKey, 'bench');
    cold.push(performance.now() - started);
    await dht.destroy();
    if (record?.version !== 1) throw new Error(`cold resolve ${i} returned ${record?.version ?? 'nothing'}`);
  }
  warm.sort((a, b) => a - b);
  cold.sort((a, b) => a - b);
  return {
    warmP50: percentile(warm, 0.5),
    warmP99: percentile(warm, 0.99),
    coldP50: percentile(cold, 0.5),
    coldP99: percentile(cold, 0.99),
  };
}

interface RefsResult {
  worstCount: number;
  bestCount: number;
  countMs: number;
  plainLookupMs: number;
  plainLookupKeys: number;
}

async function measureRefs(net: LocalTestnet): Promise<RefsResult> {
  const publisher = generateKeyPair();
  const image = { publisherKey: publisher.publicKey, name: 'bench', version: 1 };
  const handles: PresenceHandle[] = [];
  try {
    const gateways = await Promise.all(Array.from({ length: GATEWAYS }, () => net.createClient()));
    handles.push(
      ...(await Promise.all(gateways.map((dht) => new Registry({ dht }).announceUser(generateKeyPair(), image, USERS_TTL_MS)))),
    );
    const admin = new Registry({ dht: await net.createClient() });
    const counts: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < COUNTS; i++) {
      const started = performance.now();
      const refs = await admin.countUsers(image);
      times.push(performance.now() - started);
      counts.push(refs.count);
    }
    // One lookup of one users topic (of 16): the cost floor of any DHT-listed count.
    const started = performance.now();
    const keys = new Set<string>();
    for await (const reply of admin.dht.lookup(usersTopic(image, 0))) {
      for (const peer of reply.peers) keys.add(peer.publicKey.toString('hex'));
    }
    const plainLookupMs = performance.now() - started;
    times.sort((a, b) => a - b);
    return {
      worstCount: Math.min(...counts),
      bestCount: Math.max(...counts),
      countMs: percentile(times, 0.5),
      plainLookupMs,
      plainLookupKeys: keys.size,
    };
  } finally {
    await Promise.all(handles.map((handle) => handle.stop().catch(() => undefined)));
  }
}

export async function benchRegistry(): Promise<BenchRow[]> {
  const small = await startLocalTestnet(SMALL_NET);
  let baseline: ResolveTimes;
  try {
    baseline = await timeResolves(small);
  } finally {
    await small.destroy();
  }
  const setupStarted = performance.now();
  const big = await startLocalTestnet(BIG_NET);
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  try {
    const resolve = await timeResolves(big);
    const refs = await measureRefs(big);
    const small = `${SMALL_NET}-node testnet`;
    return [
      { name: `resolve p50, warm (${BIG_NET} nodes, up in ${setupSeconds.toFixed(0)} s)`, unit: 'ms', rowboot: resolve.warmP50, baseline: baseline.warmP50, baselineName: small },
      { name: 'resolve p99, warm', unit: 'ms', rowboot: resolve.warmP99, baseline: baseline.warmP99, baselineName: small, goal: '< 500 ms' },
      { name: 'resolve p50, node started per resolve', unit: 'ms', rowboot: resolve.coldP50, baseline: baseline.coldP50, baselineName: small },
      { name: 'resolve p99, node started per resolve', unit: 'ms', rowboot: resolve.coldP99, baseline: baseline.coldP99, baselineName: small, goal: '< 500 ms' },
      { name: `refs, ${GATEWAYS} gateways, worst of ${COUNTS}`, unit: 'refs', rowboot: refs.worstCount, baseline: GATEWAYS, baselineName: 'true count', goal: 'exact' },
      { name: `refs, ${GATEWAYS} gateways, best of ${COUNTS}`, unit: 'refs', rowboot: refs.bestCount, baseline: GATEWAYS, baselineName: 'true count', goal: 'exact' },
      { name: `refs count time, p50 of ${COUNTS}`, unit: 'ms', rowboot: refs.countMs, baseline: refs.plainLookupMs, baselineName: `1 topic lookup (${refs.plainLookupKeys} keys)` },
    ];
  } finally {
    await big.destroy();
  }
}
