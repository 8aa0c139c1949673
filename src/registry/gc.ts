import { RegistryError } from './errors.js';

/**
 * Which versions of A `row gc` may delete (002_eb6434fc5d94cfdc.txt Section 3: "if there are no
 * users of image versions i through j ... and the current version is k > j, a publisher may
 * decide to remove versions i through j"). Pure: the caller gathers the counts and the clock.
 */
export interface VersionUsage {
  version: number;
  /** Live users (Registry.countUsers().count). */
  users: number;
  /** Whether that count is known to be complete (UserCount.exact). */
  exact: boolean;
  /** Latest expiry of any user entry seen (UserCount.lastUsedAt), null if none was ever seen. */
  lastUsedAt: number | null;
}

export interface GcInput {
  latest: { version: number; publishedAt: number };
  /** The versions that exist (e.g. in the servers' stores) with their usage. */
  versions: readonly VersionUsage[];
  /** The users' refresh TTL: a version must have had zero users for longer than this... */
  ttlMs: number;
  /** ...plus this margin (clock skew, DHT propagation). */
  graceMs: number;
  /** How many of the newest versions to keep regardless (the latest counts as one); at least 1. */
  keep?: number;
  now: number;
}

export interface GcDecision {
  version: number;
  collect: boolean;
  /** Why, in words for `row gc` output. */
  reason: string;
}

export function gcDecisions(input: GcInput): GcDecision[] {
  const keep = input.keep ?? 1;
  if (!Number.isInteger(keep) || keep < 1) throw new RegistryError(`keep must be an integer >= 1, got ${keep}`);
  const newestFirst = [...new Set([input.latest.version, ...input.versions.map((usage) => usage.version)])].sort((a, b) => b - a);
  const kept = new Set(newestFirst.filter((version) => version <= input.latest.version).slice(0, keep));
  const decisions = [...input.versions]
    .sort((a, b) => a.version - b.version)
    .map((usage): GcDecision => decide(usage, input, kept));
  return decisions;
}

/** Versions `gcDecisions` would collect, oldest first. */
export function gcCandidates(input: GcInput): number[] {
  return gcDecisions(input)
    .filter((decision) => decision.collect)
    .map((decision) => decision.version);
}

function decide(usage: VersionUsage, input: GcInput, kept: ReadonlySet<number>): GcDecision {
  const { version } = usage;
  const keep = (reason: string): GcDecision => ({ version, collect: false, reason });
  if (version === input.latest.version) return keep('latest version');
  if (version > input.latest.version) return keep(`newer than the latest (v${input.latest.version}); publish in progress?`);
  if (kept.has(version)) return keep('kept by --keep');
  if (usage.users > 0) return keep(`${usage.users} gateway${usage.users === 1 ? '' : 's'} use it`);
  if (!usage.exact) return keep('user count incomplete (DHT lookup truncated)');
  // A gateway may have resolved this version just before the latest moved on and not yet
  // announced; so the zero-users clock starts no earlier than the latest publish.
  const zeroSince = Math.max(usage.lastUsedAt ?? 0, input.latest.publishedAt);
  const idleMs = input.now - zeroSince;
  const neededMs = input.ttlMs + input.graceMs;
  if (idleMs <= neededMs) return keep(`unused for ${seconds(idleMs)}, needs more than ${seconds(neededMs)}`);
  return { version, collect: true, reason: `unused for ${seconds(idleMs)}` };
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))} s`;
}
