/**
 * The lease file: JSON, replaced atomically (write a temporary file, fsync, rename) so that a
 * crash leaves either the old or the new file, never half of one (RFC 2131 section 4.3.2 wants
 * the binding on stable storage before the ACK).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LeaseFileError } from './errors.js';

export const LEASE_FILE_VERSION = 1;

export interface PersistedLease {
  mac: string;
  clientId: string | null;
  address: string;
  hostName: string | null;
  boundUntil: number;
  lastSeen: number;
}

export interface PersistedLeases {
  version: typeof LEASE_FILE_VERSION;
  leases: PersistedLease[];
  declined: { address: string; until: number }[];
}

function isPersistedLease(value: unknown): value is PersistedLease {
  if (typeof value !== 'object' || value === null) return false;
  const lease = value as Record<string, unknown>;
  return (
    typeof lease.mac === 'string' &&
    (lease.clientId === null || typeof lease.clientId === 'string') &&
    typeof lease.address === 'string' &&
    (lease.hostName === null || typeof lease.hostName === 'string') &&
    typeof lease.boundUntil === 'number' &&
    typeof lease.lastSeen === 'number'
  );
}

/** Reads the file; a missing file is an empty table. */
export function readLeaseFile(path: string): PersistedLeases {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { version: LEASE_FILE_VERSION, leases: [], declined: [] };
    throw new LeaseFileError(path, 'cannot read the lease file', { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new LeaseFileError(path, 'the lease file is not JSON; move it away to start with no leases', { cause });
  }
  const data = parsed as Partial<PersistedLeases>;
  if (data.version !== LEASE_FILE_VERSION || !Array.isArray(data.leases) || !Array.isArray(data.declined)) {
    throw new LeaseFileError(path, `not a version ${LEASE_FILE_VERSION} lease file`);
  }
  const bad = data.leases.findIndex((lease) => !isPersistedLease(lease));
  if (bad !== -1) throw new LeaseFileError(path, `leases[${bad}] is malformed`);
  return { version: LEASE_FILE_VERSION, leases: data.leases, declined: data.declined.filter((entry) => typeof entry?.address === 'string' && typeof entry.until === 'number') };
}

export function writeLeaseFile(path: string, data: PersistedLeases): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o644);
    try {
      writeSync(fd, `${JSON.stringify(data, null, 1)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw new LeaseFileError(path, 'cannot write the lease file', { cause });
  }
  try {
    // Make the rename itself durable.
    const dirFd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  }
}
