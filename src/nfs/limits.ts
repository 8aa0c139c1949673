/**
 * Bounds our decoders apply to lengths read off the wire. RFC 1813 leaves most of them to
 * the implementation; each value below says where it comes from. Anything longer is an
 * XdrError (the RPC server answers GARBAGE_ARGS, the client rejects the reply).
 */

/**
 * filename3: RFC 1813 sets no limit; NAME_MAX on Linux (and the Linux server's
 * NFS3_MAXNAMLEN check) is 255 bytes, and PATHCONF name_max reports it.
 */
export const NFS3_MAX_NAME_BYTES = 255;

/** nfspath3 (symlink targets): PATH_MAX on Linux, terminating NUL included. */
export const NFS3_MAX_PATH_BYTES = 4096;

/**
 * READ/WRITE payloads: the largest rtmax/wtmax we or the Linux server advertise (1 MiB);
 * the RPC record limit (1 MiB + 64 KiB) would refuse anything bigger anyway.
 */
export const NFS3_MAX_DATA_BYTES = 1024 * 1024;

/**
 * READDIR/READDIRPLUS entries per reply: the smallest entry3 takes 24 bytes, so a
 * maximal record holds about 46,000; 65,536 is a round bound above that.
 */
export const NFS3_MAX_DIR_ENTRIES = 65536;

/** auth_flavors of mountres3_ok: a server lists a handful; 64 is generous. */
export const MOUNT_MAX_AUTH_FLAVORS = 64;

/** Entries of a MOUNT DUMP/EXPORT list, and groups of one export node. */
export const MOUNT_MAX_LIST_ENTRIES = 65536;

/** Mappings in a portmapper DUMP reply. */
export const PMAP_MAX_MAPPINGS = 65536;

/** CALLIT arguments and results: they must fit a UDP datagram (RFC 1833 section 3.2). */
export const PMAP_MAX_CALLIT_BYTES = 65536;
