import type HyperDHT from 'hyperdht';
import { OverlayError } from '../overlay/index.js';
import {
  Registry,
  RegistryError,
  parseBootstrapList,
  parsePublicKey,
  readKeyFile,
  startDhtNode,
  type DhtAddress,
  type KeyPair,
} from '../registry/index.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/**
 * What the DHT commands (dht, serve, publish, resolve, refs, gc) share: where the DHT is
 * (`--bootstrap HOST:PORT[,...]`, else ROW_BOOTSTRAP, else hyperdht's public network), key
 * files, whose appliance is meant (`--publisher`, else the public half of `--key`), and turning
 * the registry's and overlay's expected failures into messages instead of stack traces.
 */
export const BOOTSTRAP_ENV = 'ROW_BOOTSTRAP';
export const BOOTSTRAP_USAGE = '[--bootstrap HOST:PORT[,HOST:PORT...]]';

/** undefined means "hyperdht's public bootstrap nodes". */
export function bootstrapFrom(flag: string | undefined): DhtAddress[] | undefined {
  const text = flag ?? process.env[BOOTSTRAP_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseBootstrapList(text);
  } catch (error) {
    throw new UsageError(`${flag === undefined ? BOOTSTRAP_ENV : '--bootstrap'}: ${(error as Error).message}`, { cause: error });
  }
}

export async function loadKeyPair(path: string | undefined, usage: string): Promise<KeyPair> {
  if (path === undefined || path === '') throw new UsageError(`--key FILE is required (create one with row keygen --out FILE)\nusage: ${usage}`);
  return expected(() => readKeyFile(path));
}

/** The publisher whose appliance is meant: --publisher, else the key file's public half. */
export async function publisherFrom(values: { publisher?: string | undefined; key?: string | undefined }, usage: string): Promise<Buffer> {
  if (values.publisher !== undefined) return expected(async () => parsePublicKey(values.publisher ?? ''));
  if (values.key !== undefined) return (await loadKeyPair(values.key, usage)).publicKey;
  throw new UsageError(`give --publisher PUBKEY (or --key FILE of the publisher)\nusage: ${usage}`);
}

/** Seconds from a flag (fractions allowed) as milliseconds. */
export function secondsFlag(value: string | undefined, flag: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`${flag}: expected seconds >= 0, got '${value}'`);
  return Math.round(seconds * 1000);
}

/** Runs `task` with an ephemeral DHT node joined to the network, and destroys the node after. */
export async function withRegistry<T>(bootstrap: DhtAddress[] | undefined, task: (registry: Registry, dht: HyperDHT) => Promise<T>): Promise<T> {
  const dht = await expected(() => startDhtNode({ bootstrap }));
  try {
    return await task(new Registry({ dht }), dht);
  } finally {
    await dht.destroy({ force: true }).catch(() => undefined);
  }
}

/** Registry and overlay errors are expected failures (no DHT, refused key, bad record): show their message. */
export async function expected<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof RegistryError || error instanceof OverlayError) throw new UsageError(describe(error), { cause: error });
    throw error;
  }
}

/** An error's message with the messages of its causes, for one-line reports. */
export function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && parts.length < 4) {
    if (!parts.some((part) => part.includes(current instanceof Error ? current.message : ''))) parts.push(current.message);
    current = current.cause;
  }
  return parts.join(': ');
}

export function bootstrapNote(io: CliIo, bootstrap: DhtAddress[] | undefined, command: string): void {
  if (bootstrap === undefined) io.stderr(`row ${command}: no --bootstrap or ${BOOTSTRAP_ENV}: using hyperdht's public network`);
}

/** Resolves when the user stops the command (SIGINT/SIGTERM), at once if that already happened. */
export function untilStopped(io: CliIo): Promise<void> {
  if (io.stopSignal.aborted) return Promise.resolve();
  return new Promise((done) => io.stopSignal.addEventListener('abort', () => done(), { once: true }));
}
