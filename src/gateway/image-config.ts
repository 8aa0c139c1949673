/**
 * The settings of an image main (issue 5): instead of `main HOST:PORT:/export`, the gateway (or
 * `row proxy --image`) is told an appliance `A` or `A@vN` and its publisher's key, finds the
 * version and its image servers in the DHT, and reaches them over the encrypted overlay.
 * Same key names as the flags, so errors name what the user wrote.
 */
import { resolve } from 'node:path';
import type { DhtAddress } from '../registry/index.js';
import { DEFAULT_USERS_TTL_MS, MIN_PRESENCE_TTL_MS, parseBootstrapList, parseImageRef, parsePublicKey, RegistryError } from '../registry/index.js';
import { GatewayConfigError } from './errors.js';

export const ImageConfigKey = {
  IMAGE: 'image',
  PUBLISHER: 'publisher',
  BOOTSTRAP: 'bootstrap',
  KEY: 'key',
  USERS_TTL: 'users-ttl',
  FAILOVER_AFTER: 'failover-after',
} as const;
export type ImageConfigKey = (typeof ImageConfigKey)[keyof typeof ImageConfigKey];

export type ImageSettings = Partial<Record<ImageConfigKey, unknown>>;

export interface ImageSourceConfig {
  name: string;
  /** Absent: the latest version, resolved once at start. */
  version: number | undefined;
  publisherKey: Buffer;
  /** Absent: hyperdht's public network. */
  bootstrap: DhtAddress[] | undefined;
  /** The gateway's identity (overlay and users table); absent: `<state>/gateway.key`, created on first start. */
  keyFile: string | undefined;
  /** Life of the gateway's "uses A@vN" entry; refreshed every third of it. */
  usersTtlMs: number;
  /** A server that has answered nothing for this long is given up for another holder of the version. */
  failoverAfterMs: number;
}

/** Long enough for a 1 MiB READ over a slow relayed overlay path, short enough to be a pause. */
export const DEFAULT_FAILOVER_AFTER_MS = 5000;
const MIN_FAILOVER_AFTER_MS = 200;
const MS_PER_SECOND = 1000;

function text(key: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new GatewayConfigError(key, `must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function seconds(key: string, value: unknown, minMs: number, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number * MS_PER_SECOND < minMs) {
    throw new GatewayConfigError(key, `must be a number of seconds >= ${minMs / MS_PER_SECOND}, got ${JSON.stringify(value)}`);
  }
  return Math.round(number * MS_PER_SECOND);
}

/** Registry parse errors become config errors naming the key. */
function parsed<T>(key: string, parse: () => T): T {
  try {
    return parse();
  } catch (cause) {
    if (cause instanceof RegistryError) throw new GatewayConfigError(key, cause.message, { cause });
    throw cause;
  }
}

/** Validates the image keys; `image` must be present (the caller decides between main and image). */
export function resolveImageSourceConfig(settings: ImageSettings): ImageSourceConfig {
  const K = ImageConfigKey;
  const ref = parsed(K.IMAGE, () => parseImageRef(text(K.IMAGE, settings[K.IMAGE])));
  if (settings[K.PUBLISHER] === undefined) throw new GatewayConfigError(K.PUBLISHER, `is required with image (the public key of ${ref.name}'s publisher: only its records are trusted)`);
  const publisherKey = parsed(K.PUBLISHER, () => parsePublicKey(text(K.PUBLISHER, settings[K.PUBLISHER])));
  const bootstrap = settings[K.BOOTSTRAP] === undefined ? undefined : parsed(K.BOOTSTRAP, () => parseBootstrapList(text(K.BOOTSTRAP, settings[K.BOOTSTRAP])));
  if (bootstrap !== undefined && bootstrap.length === 0) throw new GatewayConfigError(K.BOOTSTRAP, 'names no HOST:PORT');
  return {
    name: ref.name,
    version: ref.version,
    publisherKey,
    bootstrap,
    keyFile: settings[K.KEY] === undefined ? undefined : resolve(text(K.KEY, settings[K.KEY])),
    usersTtlMs: seconds(K.USERS_TTL, settings[K.USERS_TTL], MIN_PRESENCE_TTL_MS, DEFAULT_USERS_TTL_MS),
    failoverAfterMs: seconds(K.FAILOVER_AFTER, settings[K.FAILOVER_AFTER], MIN_FAILOVER_AFTER_MS, DEFAULT_FAILOVER_AFTER_MS),
  };
}

/** The keys above that only make sense with `image`. */
export const imageOnlyKeys: readonly ImageConfigKey[] = [ImageConfigKey.PUBLISHER, ImageConfigKey.BOOTSTRAP, ImageConfigKey.KEY, ImageConfigKey.USERS_TTL, ImageConfigKey.FAILOVER_AFTER];
