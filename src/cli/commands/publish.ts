import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectOverlay } from '../../overlay/index.js';
import {
  ImageStore,
  PUBLISH_SERVICE,
  VersionNotNewerError,
  buildManifest,
  formatImageRef,
  formatPublicKey,
  manifestHash,
  manifestTotals,
  parsePublicKey,
  parseVersionedImageRef,
  publishToStore,
  Registry,
  startDhtNode,
  uploadImage,
  type ImageVersion,
  type KeyPair,
  type ManifestTotals,
} from '../../registry/index.js';
import type HyperDHT from 'hyperdht';
import { BOOTSTRAP_USAGE, bootstrapFrom, bootstrapNote, describe, expected, loadKeyPair, secondsFlag } from '../dht-client.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseFlags } from '../parse-flags.js';
import { Progress, formatBytes } from '../progress.js';
import type { Command } from './command.js';

const usage = `row publish A@vN DIR --key FILE (--store DIR | --server PUBKEY[,PUBKEY...]) [--wait-servers SECONDS] [--json] ${BOOTSTRAP_USAGE}`;

/** After a local copy, how long to wait for `row serve` on that store to announce the version. */
const DEFAULT_WAIT_SERVERS_MS = 15_000;
const POLL_MS = 500;

interface Placed {
  manifestHash: string;
  totals: ManifestTotals;
  /** Where it went, one line each. */
  places: string[];
}

/**
 * Publishes DIR as version N of A (issue 5): copies it into an image server's store (locally
 * with --store, over the overlay with --server), with its manifest, then moves A's signed
 * "latest" record to vN. A version not above the latest is refused before anything is stored.
 *
 * The DHT join and the latest-record check run while DIR is read and hashed (and,
 * with --store, copied into a private staging directory): nothing is committed to the store
 * or sent to a server before the check has passed, and a refusal stops the copy at once.
 */
async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    key: { type: 'string' },
    store: { type: 'string' },
    server: { type: 'string', multiple: true },
    'wait-servers': { type: 'string' },
    json: { type: 'boolean', default: false },
    bootstrap: { type: 'string' },
  }, usage);
  const [refText, dir, ...extra] = positionals;
  if (refText === undefined || dir === undefined || extra.length > 0) throw new UsageError(`expected A@vN and DIR\nusage: ${usage}`);
  const ref = await expected(async () => parseVersionedImageRef(refText));
  const source = resolve(dir);
  const keyPair = await loadKeyPair(values.key, usage);
  const servers = await expected(async () => (values.server ?? []).flatMap((list) => list.split(',')).filter((key) => key !== '').map(parsePublicKey));
  if ((values.store === undefined) === (servers.length === 0)) throw new UsageError(`give either --store DIR or --server PUBKEY\nusage: ${usage}`);
  const waitMs = secondsFlag(values['wait-servers'], '--wait-servers', DEFAULT_WAIT_SERVERS_MS);
  const bootstrap = bootstrapFrom(values.bootstrap);
  bootstrapNote(io, bootstrap, 'publish');
  const image: ImageVersion = { publisherKey: keyPair.publicKey, name: ref.name, version: ref.version };
  const label = formatImageRef(ref);

  const starting = expected(() => startDhtNode({ bootstrap }));
  const checked = starting.then(async (dht): Promise<Checked> => {
    const registry = new Registry({ dht });
    const latest = await expected(() => registry.resolveLatest(keyPair.publicKey, ref.name));
    if (latest !== null && latest.version >= ref.version) {
      throw new UsageError(new VersionNotNewerError(ref.name, latest.version, ref.version).message);
    }
    return { dht, registry };
  });
  const stop = new AbortController();
  checked.catch((error: unknown) => stop.abort(error));
  try {
    const placed =
      values.store !== undefined
        ? await publishLocally(io, checked, stop.signal, image, source, values.store, waitMs)
        : await publishRemotely(io, checked, stop.signal, keyPair, image, source, servers);
    if (placed === null) return 1;
    const { registry } = await checked;
    const record = await expected(() => registry.publishLatest(keyPair, ref.name, { version: ref.version, manifestHash: placed.manifestHash }));
    const { totals } = placed;
    if (values.json) {
      io.stdout(JSON.stringify({
        name: ref.name,
        version: ref.version,
        publisher: formatPublicKey(keyPair.publicKey),
        manifestHash: placed.manifestHash,
        publishedAt: record.publishedAt,
        ...totals,
        places: placed.places,
      }));
    } else {
      for (const line of placed.places) io.stdout(line);
      io.stdout(`published ${label}: ${totals.files} files, ${totals.directories} directories, ${totals.symlinks} symlinks, ${formatBytes(totals.bytes)}`);
      io.stdout(`manifest sha256 ${placed.manifestHash}`);
      io.stdout(`latest ${ref.name} -> v${ref.version} (publisher ${formatPublicKey(keyPair.publicKey)})`);
    }
    return 0;
  } finally {
    const dht = await starting.catch(() => null);
    await dht?.destroy({ force: true }).catch(() => undefined);
  }
}

/** The DHT node, joined, once the latest record allows this version. */
interface Checked {
  dht: HyperDHT;
  registry: Registry;
}

/**
 * Runs the local part of a publish while the check runs. A failed check explains a stopped
 * copy and came first before the two overlapped, so its error wins over the copy's.
 */
async function whileChecking<T>(checked: Promise<Checked>, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await checked;
    throw error;
  }
  await checked;
  return result;
}

function skipWarning(io: CliIo): (path: string, why: string) => void {
  return (path, why) => io.stderr(`row publish: warning: skipped ${path}: ${why}`);
}

async function publishLocally(
  io: CliIo,
  checked: Promise<Checked>,
  signal: AbortSignal,
  image: ImageVersion,
  source: string,
  storeDir: string,
  waitMs: number,
): Promise<Placed> {
  const label = formatImageRef(image);
  const progress = new Progress(io.stderr, `row publish: copying ${label}`);
  const { store, result } = await whileChecking(checked, async () => {
    const store = await expected(() => ImageStore.open(resolve(storeDir)));
    const identity = { name: image.name, version: image.version, publisher: formatPublicKey(image.publisherKey) };
    const result = await expected(() =>
      publishToStore(store, source, identity, {
        onSkip: skipWarning(io),
        onProgress: (done, total) => progress.update(done, total),
        signal,
        // The staged copy is committed only once the latest record allows this version.
        beforeCommit: async () => void (await checked),
      }),
    );
    return { store, result };
  });
  const { registry } = await checked;
  const places = [`stored ${label} in ${result.stored.treePath}`];
  // A gateway that resolves vN must find a server: give `row serve` on this store time to announce it.
  const deadline = Date.now() + waitMs;
  let announced = false;
  while (waitMs > 0 && !announced && Date.now() < deadline) {
    const servers = await registry.findServers(image).catch(() => []);
    announced = servers.some((server) => server.manifestHash === result.stored.manifestHash);
    if (!announced) await sleep(POLL_MS);
  }
  if (announced) places.push(`an image server announces ${label}`);
  else if (waitMs > 0) io.stderr(`row publish: warning: no image server announced ${label} within ${waitMs / 1000} s; is row serve --store ${store.root} running?`);
  return { manifestHash: result.stored.manifestHash, totals: manifestTotals(result.manifest), places };
}

async function publishRemotely(
  io: CliIo,
  checked: Promise<Checked>,
  signal: AbortSignal,
  keyPair: KeyPair,
  image: ImageVersion,
  source: string,
  servers: Buffer[],
): Promise<Placed | null> {
  const label = formatImageRef(image);
  const reading = new Progress(io.stderr, `row publish: reading ${label}`);
  // Reading and hashing send nothing anywhere: they need not wait for the check.
  const built = await whileChecking(checked, () =>
    expected(() =>
      buildManifest(source, { name: image.name, version: image.version, publisher: formatPublicKey(keyPair.publicKey) }, {
        onSkip: skipWarning(io),
        onProgress: (done, total) => reading.update(done, total),
        signal,
      }),
    ),
  );
  const { dht } = await checked;
  const hash = manifestHash(built.bytes);
  const totals = manifestTotals(built.manifest);
  const places: string[] = [];
  let failed = 0;
  for (const server of servers) {
    const name = `${formatPublicKey(server).slice(0, 12)}…`;
    const sending = new Progress(io.stderr, `row publish: sending ${label} to ${name}`);
    try {
      const stream = await connectOverlay(dht, server, PUBLISH_SERVICE, { keyPair });
      const result = await uploadImage(stream, built, { onProgress: (sent) => sending.update(sent, totals.dataBytes) });
      if (result.manifestHash !== hash) throw new Error(`server reports manifest ${result.manifestHash}, expected ${hash}`);
      places.push(`server ${formatPublicKey(server)} ${result.status === 'have' ? 'already held' : 'stored'} ${label} at ${result.mountPath}`);
    } catch (error) {
      failed++;
      io.stderr(`row publish: server ${name}: ${describe(error)}`);
    }
  }
  if (failed > 0) {
    io.stderr(`row publish: ${failed} of ${servers.length} server(s) did not take ${label}; the latest record was not moved (publish again to retry)`);
    return null;
  }
  return { manifestHash: hash, totals, places };
}

export const publishCommand: Command = { summary: 'publish a directory as version N of an appliance', usage, run };
