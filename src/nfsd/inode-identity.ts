import type { BigIntStats } from 'node:fs';

const UINT64_MASK = (1n << 64n) - 1n;

/** Which inode a file system object is, and which incarnation of that inode. */
export interface InodeIdentity {
  /** What clients see as fattr3.fileid and what our handles carry. */
  fileid: bigint;
  /**
   * The inode's birth time in ns (statx btime; 0 where the file system has none). An
   * inode number freed by a delete and reused by a new file gets a new birth time, so an
   * old handle does not silently resolve to the new file.
   */
  generation: bigint;
  dev: bigint;
  ino: bigint;
}

/** splitmix64's finalizer: spreads a device number over 64 bits. */
function mix64(value: bigint): bigint {
  let z = (value + 0x9e3779b97f4a7c15n) & UINT64_MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & UINT64_MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & UINT64_MASK;
  return z ^ (z >> 31n);
}

/**
 * fileid is the inode number on the export's own file system. Objects on a file system
 * mounted below the export get their inode number XORed with a hash of the device, so
 * inode numbers of two file systems do not collide under our single fsid (their handles
 * go stale if the device number changes across host reboots).
 */
export class InodeNumbering {
  constructor(private readonly rootDev: bigint) {}

  identityOf(stats: BigIntStats): InodeIdentity {
    const fileid = stats.dev === this.rootDev ? stats.ino : (stats.ino ^ mix64(stats.dev)) & UINT64_MASK;
    return { fileid, generation: stats.birthtimeNs > 0n ? stats.birthtimeNs : 0n, dev: stats.dev, ino: stats.ino };
  }

  /** The stats describe the inode the identity names (same device, inode and incarnation). */
  matches(stats: BigIntStats, identity: InodeIdentity): boolean {
    return stats.ino === identity.ino && stats.dev === identity.dev && (stats.birthtimeNs > 0n ? stats.birthtimeNs : 0n) === identity.generation;
  }
}
