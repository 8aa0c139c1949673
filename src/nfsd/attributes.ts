import type { BigIntStats } from 'node:fs';
import { constants as fsConstants } from 'node:fs';
import { Ftype3 } from '../nfs/index.js';
import type { Fattr3, Nfstime3, Specdata3, WccAttr } from '../nfs/index.js';

const NS_PER_SECOND = 1_000_000_000n;
const UINT32_MAX = 0xffffffff;
/** st_blocks counts 512-byte units on Linux whatever the file system's block size. */
const STAT_BLOCK_BYTES = 512;
/** fattr3.mode carries permission bits only; the type travels in fattr3.type (RFC 1813 section 2.6). */
const PERMISSION_BITS = 0o7777;

const { S_IFMT, S_IFREG, S_IFDIR, S_IFBLK, S_IFCHR, S_IFLNK, S_IFSOCK, S_IFIFO } = fsConstants;

export function ftypeOfMode(mode: number): Ftype3 {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return Ftype3.NF3REG;
    case S_IFDIR:
      return Ftype3.NF3DIR;
    case S_IFLNK:
      return Ftype3.NF3LNK;
    case S_IFBLK:
      return Ftype3.NF3BLK;
    case S_IFCHR:
      return Ftype3.NF3CHR;
    case S_IFSOCK:
      return Ftype3.NF3SOCK;
    case S_IFIFO:
      return Ftype3.NF3FIFO;
    default:
      // An unknown S_IFMT cannot come from Linux; report it as a regular file, as knfsd would not see it.
      return Ftype3.NF3REG;
  }
}

/** nfstime3 is unsigned 32-bit seconds: times before 1970 or after 2106 are clamped. */
export function nfstimeOfNs(ns: bigint): Nfstime3 {
  if (ns <= 0n) return { seconds: 0, nseconds: 0 };
  const seconds = ns / NS_PER_SECOND;
  if (seconds > BigInt(UINT32_MAX)) return { seconds: UINT32_MAX, nseconds: 999_999_999 };
  return { seconds: Number(seconds), nseconds: Number(ns % NS_PER_SECOND) };
}

export function sameNfstime(a: Nfstime3, b: Nfstime3): boolean {
  return a.seconds === b.seconds && a.nseconds === b.nseconds;
}

/** Linux's dev_t encoding (glibc gnu_dev_major/minor): 12+20 bit major/minor split over the 64 bits. */
export function specdataOfRdev(rdev: bigint): Specdata3 {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { specdata1: Number(major & 0xffffffffn), specdata2: Number(minor & 0xffffffffn) };
}

function clampUint32(value: bigint): number {
  return value > BigInt(UINT32_MAX) ? UINT32_MAX : Number(value);
}

/** fattr3 of an lstat result; fsid and fileid are the export's, not the host's st_dev/st_ino. */
export function toFattr3(stats: BigIntStats, fsid: bigint, fileid: bigint): Fattr3 {
  const mode = Number(stats.mode);
  const type = ftypeOfMode(mode);
  const isDevice = type === Ftype3.NF3CHR || type === Ftype3.NF3BLK;
  return {
    type,
    mode: mode & PERMISSION_BITS,
    nlink: clampUint32(stats.nlink),
    uid: clampUint32(stats.uid),
    gid: clampUint32(stats.gid),
    size: Number(stats.size),
    used: Number(stats.blocks) * STAT_BLOCK_BYTES,
    rdev: isDevice ? specdataOfRdev(stats.rdev) : { specdata1: 0, specdata2: 0 },
    fsid,
    fileid,
    atime: nfstimeOfNs(stats.atimeNs),
    mtime: nfstimeOfNs(stats.mtimeNs),
    ctime: nfstimeOfNs(stats.ctimeNs),
  };
}

/** wcc_attr: what a client needs to tell whether its cache was current before the call. */
export function toWccAttr(stats: BigIntStats): WccAttr {
  return { size: Number(stats.size), mtime: nfstimeOfNs(stats.mtimeNs), ctime: nfstimeOfNs(stats.ctimeNs) };
}

export function isDirectoryMode(mode: bigint): boolean {
  return (Number(mode) & S_IFMT) === S_IFDIR;
}

export function isRegularMode(mode: bigint): boolean {
  return (Number(mode) & S_IFMT) === S_IFREG;
}

export function isSymlinkMode(mode: bigint): boolean {
  return (Number(mode) & S_IFMT) === S_IFLNK;
}
