import type HyperDHT from 'hyperdht';
import { connectOverlay } from '../../overlay/index.js';
import {
  DEFAULT_USERS_TTL_MS,
  DELETE_SERVICE,
  formatPublicKey,
  gcDecisions,
  parseImageRef,
  requestDelete,
  signDeleteRequest,
  type DeleteResult,
  type KeyPair,
  type Registry,
  type ServerEntry,
  type VersionUsage,
} from '../../registry/index.js';
import { BOOTSTRAP_USAGE, bootstrapFrom, describe, expected, loadKeyPair, secondsFlag, withRegistry } from '../dht-client.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseFlags } from '../parse-flags.js';
import type { Command } from './command.js';

const usage = `row gc A --key FILE [--keep N] [--apply] [--users-ttl SECONDS] [--grace SECONDS] [--json] ${BOOTSTRAP_USAGE}`;

/** Added to the users' TTL before a version counts as unused (clock skew, DHT propagation). */
const DEFAULT_GRACE_MS = 60_000;
const LOOKUP_CONCURRENCY = 4;

interface VersionReport {
  version: number;
  users: number;
  servers: string[];
  collect: boolean;
  reason: string;
  deletions: Array<{ server: string; status: DeleteResult['status'] | 'unreachable'; reason?: string }>;
}

/**
 * Garbage collection of old versions of A (002_eb6434fc5d94cfdc.txt Section 3, gc.ts): lists the
 * versions some image server still announces that are not the latest and have had no users for
 * longer than the users' TTL plus a grace period; with --apply, asks each server holding them,
 * in a request signed with the publisher's key, to delete them. Dry run by default. The servers
 * check again on their side and never delete the latest version or one with users.
 */
async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    key: { type: 'string' },
    keep: { type: 'string', default: '1' },
    apply: { type: 'boolean', default: false },
    'users-ttl': { type: 'string' },
    grace: { type: 'string' },
    json: { type: 'boolean', default: false },
    bootstrap: { type: 'string' },
  }, usage);
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) throw new UsageError(`expected one appliance name A\nusage: ${usage}`);
  const ref = await expected(async () => parseImageRef(name));
  if (ref.version !== undefined) throw new UsageError(`row gc takes a name, not a version: row gc ${ref.name}`);
  const keep = Number(values.keep);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep: expected an integer >= 1, got '${values.keep}'`);
  const keyPair = await loadKeyPair(values.key, usage);
  const ttlMs = secondsFlag(values['users-ttl'], '--users-ttl', DEFAULT_USERS_TTL_MS);
  const graceMs = secondsFlag(values.grace, '--grace', DEFAULT_GRACE_MS);

  return withRegistry(bootstrapFrom(values.bootstrap), async (registry, dht) => {
    const latest = await expected(() => registry.resolveLatest(keyPair.publicKey, ref.name));
    if (latest === null) {
      io.stderr(`row gc: ${ref.name} has never been published by ${formatPublicKey(keyPair.publicKey)}`);
      return 1;
    }
    const holders = await serversOfOldVersions(registry, keyPair.publicKey, ref.name, latest.version);
    const usages = await mapLimit([...holders.keys()], async (version): Promise<VersionUsage> => {
      const users = await expected(() => registry.countUsers({ publisherKey: keyPair.publicKey, name: ref.name, version }));
      return { version, users: users.count, exact: users.exact, lastUsedAt: users.lastUsedAt };
    });
    const decisions = gcDecisions({ latest, versions: usages, ttlMs, graceMs, keep, now: Date.now() });
    const reports: VersionReport[] = decisions.map((decision) => ({
      ...decision,
      users: usages.find((usage) => usage.version === decision.version)?.users ?? 0,
      servers: (holders.get(decision.version) ?? []).map((server) => formatPublicKey(server.publicKey)),
      deletions: [],
    }));
    let failures = 0;
    if (values.apply) failures = await applyDeletions(dht, keyPair, ref.name, reports);

    if (values.json) {
      io.stdout(JSON.stringify({ name: ref.name, latest: latest.version, applied: values.apply, versions: reports }));
    } else {
      printReports(io, ref.name, latest.version, reports, values.apply);
    }
    return failures > 0 ? 1 : 0;
  });
}

/** Versions below the latest that some server still announces (live or recently expired), with those servers. */
async function serversOfOldVersions(registry: Registry, publisherKey: Buffer, name: string, latest: number): Promise<Map<number, ServerEntry[]>> {
  const versions = Array.from({ length: latest - 1 }, (_, index) => index + 1);
  const found = await mapLimit(versions, async (version) => ({
    version,
    servers: await expected(() => registry.findServers({ publisherKey, name, version }, { includeExpired: true })),
  }));
  return new Map(found.filter((entry) => entry.servers.length > 0).map((entry) => [entry.version, entry.servers]));
}

/** Sends one signed delete request per server for the versions it holds; returns how many servers failed. */
async function applyDeletions(dht: HyperDHT, keyPair: KeyPair, name: string, reports: VersionReport[]): Promise<number> {
  const byServer = new Map<string, VersionReport[]>();
  for (const report of reports.filter((entry) => entry.collect)) {
    for (const server of report.servers) byServer.set(server, [...(byServer.get(server) ?? []), report]);
  }
  let failures = 0;
  for (const [server, held] of byServer) {
    const serverKey = Buffer.from(server, 'hex');
    try {
      const signed = signDeleteRequest(keyPair, { name, versions: held.map((report) => report.version), server: serverKey });
      const stream = await connectOverlay(dht, serverKey, DELETE_SERVICE, { keyPair });
      const results = await requestDelete(stream, signed);
      for (const report of held) {
        const result = results.find((entry) => entry.version === report.version) ?? results.find((entry) => entry.version === 0);
        report.deletions.push({ server, status: result?.status ?? 'refused', ...(result?.reason ? { reason: result.reason } : {}) });
        if (result?.status === 'refused') failures++;
      }
    } catch (error) {
      failures++;
      for (const report of held) report.deletions.push({ server, status: 'unreachable', reason: describe(error) });
    }
  }
  return failures;
}

function printReports(io: CliIo, name: string, latest: number, reports: VersionReport[], applied: boolean): void {
  io.stdout(`${name}: latest v${latest}`);
  if (reports.length === 0) io.stdout('no older version is held by any server');
  for (const report of reports) {
    const verdict = report.collect ? (applied ? 'delete' : 'would delete') : 'keep';
    io.stdout(`v${report.version}  users ${report.users}  servers ${report.servers.length}  ${verdict}: ${report.reason}`);
    for (const deletion of report.deletions) {
      io.stdout(`  ${deletion.server.slice(0, 12)}…  ${deletion.status}${deletion.reason ? `: ${deletion.reason}` : ''}`);
    }
  }
  if (!applied && reports.some((report) => report.collect)) io.stdout('dry run: run again with --apply to delete');
}

async function mapLimit<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += LOOKUP_CONCURRENCY) {
    results.push(...(await Promise.all(items.slice(start, start + LOOKUP_CONCURRENCY).map(task))));
  }
  return results;
}

export const gcCommand: Command = { summary: 'list (and with --apply delete) versions nobody uses', usage, run };
