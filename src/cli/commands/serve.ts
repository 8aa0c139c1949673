import { posix, resolve } from 'node:path';
import { startNfsd, type Nfsd } from '../../nfsd/index.js';
import { readAllowList, startOverlayServer, type AllowList, type OverlayServer, type TcpTarget } from '../../overlay/index.js';
import {
  DEFAULT_SERVERS_TTL_MS,
  DELETE_SERVICE,
  DeleteService,
  ImageStore,
  PUBLISH_SERVICE,
  Registry,
  StoreAnnouncer,
  formatPublicKey,
  servePublish,
  startDhtNode,
  type StoredVersion,
} from '../../registry/index.js';
import { parseUpstreamSpec } from '../../rowfs/index.js';
import { BOOTSTRAP_USAGE, bootstrapFrom, bootstrapNote, expected, loadKeyPair, secondsFlag, untilStopped } from '../dht-client.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseListenAddress } from '../listen-address.js';
import { parseFlags, requireFlag } from '../parse-flags.js';
import { defaultStateDir } from '../state-dir.js';
import type { Command } from './command.js';

const usage =
  'row serve --store DIR --key FILE [--listen HOST:PORT] [--nfs HOST:PORT:/export [--nfs-mount-port P]] ' +
  `[--allow KEYFILE] [--publishers KEYFILE] [--servers-ttl SECONDS] [--rescan SECONDS] [--state DIR] ${BOOTSTRAP_USAGE}`;

const DEFAULT_RESCAN_MS = 2000;
/** Staging directories older than this are leftovers of crashed transfers. */
const STALE_STAGING_MS = 60 * 60_000;

/** Where the overlay's TCP bridge reaches a server listening on `host` (a wildcard means this machine). */
function localTarget(host: string, port: number): TcpTarget {
  if (host === '0.0.0.0' || host === '') return { host: '127.0.0.1', port };
  if (host === '::') return { host: '::1', port };
  return { host, port };
}

async function readKeys(path: string | undefined, flag: string): Promise<AllowList | undefined> {
  if (path === undefined) return undefined;
  return expected(() => readAllowList(path)).catch((error: Error) => {
    throw new UsageError(`${flag}: ${error.message}`, { cause: error });
  });
}

/**
 * An image server (issue 5): keeps versions under DIR/<A>/v<N>/, serves DIR read-only over NFS
 * (embedded, or an existing server exporting DIR given with --nfs) so a gateway mounts
 * <export>/<A>/v<N> as its main export, accepts overlay streams (NFS and MOUNT bridged to that
 * server; "publish" uploads from --publishers; "delete" requests signed by A's publisher), and
 * announces itself in "servers of A@vN" for every version it holds.
 */
async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    store: { type: 'string' },
    key: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:0' },
    nfs: { type: 'string' },
    'nfs-mount-port': { type: 'string' },
    allow: { type: 'string' },
    publishers: { type: 'string' },
    'servers-ttl': { type: 'string' },
    rescan: { type: 'string' },
    state: { type: 'string' },
    bootstrap: { type: 'string' },
  }, usage);
  const storeDir = resolve(requireFlag(values.store, '--store', usage));
  const keyPair = await loadKeyPair(values.key, usage);
  const bootstrap = bootstrapFrom(values.bootstrap);
  const ttlMs = secondsFlag(values['servers-ttl'], '--servers-ttl', DEFAULT_SERVERS_TTL_MS);
  const rescanMs = Math.max(100, secondsFlag(values.rescan, '--rescan', DEFAULT_RESCAN_MS));
  const gateways = await readKeys(values.allow, '--allow');
  const publishers = (await readKeys(values.publishers, '--publishers')) ?? new Set<string>();
  const log = (line: string) => io.stderr(`row serve: ${line}`);

  const store = await expected(() => ImageStore.open(storeDir));
  const stale = await expected(() => store.removeStaleStaging(STALE_STAGING_MS));
  if (stale > 0) log(`removed ${stale} abandoned upload(s)`);

  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: Error) => log(`shutdown: ${error.message}`));
  };
  try {
    // NFS: the embedded server exports the whole store, so A@vN is the MOUNT path <store>/<A>/v<N>.
    let nfsTarget: TcpTarget;
    let mountTarget: TcpTarget;
    let exportPath: string;
    let nfsLine: string;
    if (values.nfs !== undefined) {
      const upstream = await expected(async () => parseUpstreamSpec(values.nfs ?? '')).catch((error: Error) => {
        throw new UsageError(`--nfs: ${error.message}`, { cause: error });
      });
      nfsTarget = { host: upstream.host, port: upstream.port };
      const mountPort = values['nfs-mount-port'] === undefined ? upstream.port : Number(values['nfs-mount-port']);
      if (!Number.isInteger(mountPort) || mountPort < 1 || mountPort > 65535) throw new UsageError(`--nfs-mount-port: expected a port, got '${values['nfs-mount-port']}'`);
      mountTarget = { host: upstream.host, port: mountPort };
      exportPath = upstream.exportPath;
      nfsLine = `fronting NFS server ${upstream.host}:${upstream.port} (export ${exportPath} must be ${store.root})`;
    } else {
      const listen = parseListenAddress(values.listen ?? '', '--listen');
      let nfsd: Nfsd;
      try {
        nfsd = await startNfsd({
          exportDir: store.root,
          host: listen.host,
          port: listen.port,
          readOnly: true,
          stateDir: values.state ? resolve(values.state) : defaultStateDir('serve', store.root),
        });
      } catch (error) {
        throw new UsageError(`cannot start the NFS server on ${values.listen}: ${(error as Error).message}`, { cause: error });
      }
      closers.push(() => nfsd.close());
      nfsTarget = localTarget(listen.host, nfsd.port);
      mountTarget = nfsTarget;
      exportPath = nfsd.exportPath;
      nfsLine = `NFS read-only on ${listen.host}:${nfsd.port} (tcp+udp; NFS v3, MOUNT v3)`;
    }
    const mountPathOf = (stored: StoredVersion) => posix.join(exportPath, stored.relativePath);

    bootstrapNote(io, bootstrap, 'serve');
    const dht = await expected(() => startDhtNode({ bootstrap }));
    closers.push(() => dht.destroy());
    const registry = new Registry({ dht });

    const announcer = new StoreAnnouncer({ store, registry, keyPair, ttlMs, mountPathOf, log });
    closers.push(() => announcer.stop());

    // With an allow list, the keys that may connect are the gateways plus the publishers (to
    // upload, or to delete what they published here).
    const overlayAllow = gateways === undefined ? undefined : new Set<string>([...gateways, ...publishers]);
    const admitPublishers = async () => {
      if (overlayAllow === undefined) return;
      for (const stored of await store.list()) overlayAllow.add(stored.publisher);
    };
    const deletes = new DeleteService({
      store,
      serverKey: keyPair.publicKey,
      veto: (stored) => deleteVeto(registry, stored),
      beforeDelete: (stored) => announcer.withdraw(stored),
      log,
    });
    const overlay: OverlayServer = await expected(() =>
      startOverlayServer({
        dht,
        keyPair,
        services: { nfs: nfsTarget, mount: mountTarget },
        handlers: {
          [PUBLISH_SERVICE]: (stream, firstBytes) =>
            void servePublish(stream, firstBytes, {
              store,
              publishers,
              mountPathOf,
              onStored: async () => {
                await announcer.sync();
                await admitPublishers();
              },
              log,
            }),
          [DELETE_SERVICE]: (stream, firstBytes) => void deletes.serve(stream, firstBytes),
        },
        ...(overlayAllow === undefined ? {} : { allow: overlayAllow }),
        log,
      }),
    );
    closers.push(() => overlay.close());

    await announcer.sync();
    await admitPublishers();
    const timer = setInterval(() => {
      void announcer.sync().then(admitPublishers).catch((error: Error) => log(`rescan: ${error.message}`));
    }, rescanMs);
    closers.push(async () => clearInterval(timer));

    const held = announcer.list();
    io.stdout(`row serve: store ${store.root}, ${nfsLine}`);
    io.stdout(`row serve: overlay key ${formatPublicKey(keyPair.publicKey)}; holds ${held.length === 0 ? 'no versions yet' : held.join(', ')}`);
    await untilStopped(io);
    log('stopping: withdrawing announcements');
  } finally {
    await closeAll();
  }
  io.stdout('row serve: stopped');
  return 0;
}

/** The server's own check before a delete: never the latest version, never one a gateway uses. */
async function deleteVeto(registry: Registry, stored: StoredVersion): Promise<string | null> {
  const publisherKey = Buffer.from(stored.publisher, 'hex');
  const latest = await registry.resolveLatest(publisherKey, stored.name);
  if (latest === null) return `no latest record of ${stored.name} in the DHT: cannot tell which version is current`;
  if (latest.version === stored.version) return 'it is the latest version';
  if (latest.version < stored.version) return `it is newer than the latest (v${latest.version})`;
  const users = await registry.countUsers({ publisherKey, name: stored.name, version: stored.version });
  if (users.count > 0) return `${users.count} gateway${users.count === 1 ? '' : 's'} use it`;
  if (!users.exact) return 'the user count is incomplete (DHT lookup truncated)';
  return null;
}

export const serveCommand: Command = { summary: 'image server: store, NFS export, overlay, DHT announcements', usage, run };
