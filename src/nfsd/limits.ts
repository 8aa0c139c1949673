/**
 * What FSINFO and PATHCONF advertise (RFC 1813 sections 3.3.19 and 3.3.20), in one place
 * so the procedures enforce what we promise.
 */

/** READ and WRITE payloads up to 1 MiB, the Linux client's and server's largest. */
export const READ_MAX_BYTES = 1024 * 1024;
export const WRITE_MAX_BYTES = 1024 * 1024;
/**
 * Preferred sizes equal the maxima: the Linux client takes rtpref/wtpref as its default
 * rsize/wsize, and 1 MiB transfers are what make sequential I/O fast.
 */
export const READ_PREF_BYTES = READ_MAX_BYTES;
export const WRITE_PREF_BYTES = WRITE_MAX_BYTES;
/** Page-sized multiples keep client requests aligned with the host page cache. */
export const IO_MULTIPLE_BYTES = 4096;
/** Preferred READDIR size: large replies mean fewer round trips for big directories. */
export const READDIR_PREF_BYTES = 64 * 1024;
/** Sizes are numbers below 2^53 in our codecs; no local file system reaches that. */
export const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER;
/** Timestamps are stored with nanosecond fields (see sattr.ts for what utimes keeps). */
export const TIME_DELTA = { seconds: 0, nseconds: 1 } as const;
/** ext4's EXT4_LINK_MAX; other file systems allow as many or more. */
export const LINK_MAX = 65000;
/**
 * A READ reply over UDP must fit one datagram (64 KiB minus IP/UDP/RPC headers); the
 * Linux client caps its rsize over UDP at 32 KiB, we cap what we send at this.
 */
export const UDP_DATA_MAX_BYTES = 60 * 1024;
