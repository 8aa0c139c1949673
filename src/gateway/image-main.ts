/**
 * An image from the DHT as the ROW-FS proxy's main server (issue 5; `row gateway --image`,
 * `row proxy --image`). At start it joins the DHT, resolves A's latest version (or takes
 * A@vN), connects to a holder of that version over the encrypted overlay and mounts it; the
 * proxy gets an UpstreamExport whose backend fails over between holders (image-main-backend.ts)
 * and a hook that notes client calls for the users table (image-users.ts).
 *
 * The version is resolved once, at start: a gateway follows a newer latest when restarted.
 * Clients mount `/<A>/v<N>` on the proxy, whatever path the server in use exports it under.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type HyperDHT from 'hyperdht';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../overlay/index.js';
import {
  formatImageRef,
  formatPublicKey,
  generateKeyPair,
  readKeyFile,
  Registry,
  startDhtNode,
  writeKeyFile,
  type ImageVersion,
  type KeyPair,
} from '../registry/index.js';
import type { ConnectedUpstream } from '../rowfs/index.js';
import type { RpcCallContext } from '../rpc/index.js';
import { ImageUnavailableError } from './errors.js';
import type { ImageSourceConfig } from './image-config.js';
import { ImageHandles } from './image-handles.js';
import { ImageMainBackend, type ImageMainBackendStats } from './image-main-backend.js';
import { ImageUsers, type ImageUsersStatus } from './image-users.js';
import type { GatewayLogger } from './logger.js';
import { readManifestPaths } from './manifest-paths.js';
import { ServerSelector, type ServerSelectorStats } from './server-selector.js';

/** Where the gateway's identity is kept when the config names no key file. */
export const GATEWAY_KEY_FILE = 'gateway.key';

export interface ImageMainOptions {
  /** The gateway's (or proxy's) state directory. */
  stateDir: string;
  /** Per-call deadline before JUKEBOX (upstream-deadline). */
  deadlineMs?: number;
  logger: GatewayLogger;
}

export interface ImageMainStatus {
  image: string;
  /** The server in use (hex key), or null between servers. */
  server: string | null;
  selector: Readonly<ServerSelectorStats>;
  backend: Readonly<ImageMainBackendStats>;
  users: ImageUsersStatus;
}

export interface ImageMain {
  /** The proxy's main: backend, root handle, `/<A>/v<N>`. close() is ImageMain.close(). */
  readonly upstream: ConnectedUpstream;
  readonly image: ImageVersion;
  /** From A's signed latest record, when the version is the latest. */
  readonly manifestHash: string | undefined;
  /** The gateway's public key (allow lists of image servers name it). */
  readonly publicKey: Buffer;
  /** Where the proxy keeps session state for this version (`<state>/images/<A>/v<N>/rowfs`). */
  readonly rowfsStateDir: string;
  /** Notes a call from the client with session key `client` (the proxy's sessionKeyOf). */
  noteClient(client: string): void;
  status(): ImageMainStatus;
  close(): Promise<void>;
}

/** The gateway's key pair: the configured file, else `<state>/gateway.key`, created (0600) on first start. */
async function gatewayKeyPair(config: ImageSourceConfig, stateDir: string, logger: GatewayLogger): Promise<KeyPair> {
  if (config.keyFile !== undefined) return readKeyFile(config.keyFile);
  const path = join(stateDir, GATEWAY_KEY_FILE);
  if (existsSync(path)) return readKeyFile(path);
  const keyPair = await writeKeyFile(path, generateKeyPair());
  logger.info(`created the gateway identity ${path} (public key ${formatPublicKey(keyPair.publicKey)})`);
  return keyPair;
}

async function resolveVersion(registry: Registry, config: ImageSourceConfig): Promise<{ version: number; manifestHash: string | undefined }> {
  const publisher = formatPublicKey(config.publisherKey);
  let latest;
  try {
    latest = await registry.resolveLatest(config.publisherKey, config.name);
  } catch (error) {
    // A pinned version does not need the latest record; only its hash is lost.
    if (config.version !== undefined) return { version: config.version, manifestHash: undefined };
    throw new ImageUnavailableError(`cannot resolve ${config.name} of publisher ${publisher} in the DHT`, { cause: error });
  }
  if (config.version === undefined) {
    if (latest === null) throw new ImageUnavailableError(`${config.name} has no latest version signed by publisher ${publisher} (published with row publish?)`);
    return { version: latest.version, manifestHash: latest.manifestHash };
  }
  return { version: config.version, manifestHash: latest?.version === config.version ? latest.manifestHash : undefined };
}

export async function startImageMain(config: ImageSourceConfig, options: ImageMainOptions): Promise<ImageMain> {
  const { logger } = options;
  const keyPair = await gatewayKeyPair(config, options.stateDir, logger);
  if (config.bootstrap === undefined) logger.info("no bootstrap given: joining hyperdht's public network");
  const dht: HyperDHT = await startDhtNode({ bootstrap: config.bootstrap });
  let selector: ServerSelector | undefined;
  try {
    const registry = new Registry({ dht });
    const { version, manifestHash } = await resolveVersion(registry, config);
    const image: ImageVersion = { publisherKey: config.publisherKey, name: config.name, version };
    const label = formatImageRef(image);
    logger.info(`${label}${config.version === undefined ? ' (latest)' : ''} of publisher ${formatPublicKey(config.publisherKey)}${manifestHash ? `, manifest sha256 ${manifestHash}` : ''}`);
    selector = new ServerSelector({
      registry,
      dht,
      keyPair,
      image,
      manifestHash,
      connectTimeoutMs: Math.max(config.failoverAfterMs, DEFAULT_CONNECT_TIMEOUT_MS),
      logger,
    });
    await selector.current();
    const handles = new ImageHandles(`${formatPublicKey(config.publisherKey)}/${label}`);
    const name = `image ${label}`;
    const backend = new ImageMainBackend({
      name,
      handles,
      selector,
      failoverAfterMs: config.failoverAfterMs,
      ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
      loadPaths: (link, callOptions) => readManifestPaths(link, callOptions, { image, manifestHash }),
      logger,
    });
    const users = new ImageUsers({ registry, keyPair, image, ttlMs: config.usersTtlMs, logger });
    const running = selector;
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        backend.markClosed();
        await users.close();
        await running.close();
        await dht.destroy();
      })());
    return {
      upstream: { backend, rootFh: handles.handleOf(''), exportPath: `/${image.name}/v${image.version}`, name, close },
      image,
      manifestHash,
      publicKey: keyPair.publicKey,
      rowfsStateDir: join(options.stateDir, 'images', image.name, `v${image.version}`, 'rowfs'),
      noteClient: (client) => users.noteClient(client),
      status: () => ({
        image: label,
        server: running.inUse === undefined ? null : formatPublicKey(running.inUse.publicKey),
        selector: running.stats,
        backend: backend.stats,
        users: users.status(),
      }),
      close,
    };
  } catch (error) {
    await selector?.close().catch(() => undefined);
    await dht.destroy({ force: true }).catch(() => undefined);
    throw error;
  }
}

/** The proxy asks every call's session key: with an image main, that call keeps its client's session live. */
export function notingClients(sessionKeyOf: (call: RpcCallContext) => string, image: Pick<ImageMain, 'noteClient'> | undefined): (call: RpcCallContext) => string {
  if (image === undefined) return sessionKeyOf;
  return (call) => {
    const key = sessionKeyOf(call);
    image.noteClient(key);
    return key;
  };
}
