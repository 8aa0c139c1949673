/**
 * Wire constants of NFS version 3 (RFC 1813), MOUNT version 3 (RFC 1813 Appendix I) and
 * the portmapper version 2 (RFC 1833 section 3), with the RFCs' names.
 */

export const NFS_PROGRAM = 100003;
export const NFS_V3 = 3;
export const MOUNT_PROGRAM = 100005;
export const MOUNT_V3 = 3;
export const PMAP_PROGRAM = 100000;
export const PMAP_V2 = 2;
/** RFC 1833 section 3: the portmapper listens on this port over TCP and UDP. */
export const PMAP_PORT = 111;

/** RFC 1813 section 2.4: the largest file handle (nfs_fh3 is opaque<NFS3_FHSIZE>). */
export const NFS3_FHSIZE = 64;
export const NFS3_COOKIEVERFSIZE = 8;
export const NFS3_CREATEVERFSIZE = 8;
export const NFS3_WRITEVERFSIZE = 8;

/** RFC 1813 section 3: procedure numbers of program 100003 version 3. */
export const Nfs3Proc = {
  NULL: 0,
  GETATTR: 1,
  SETATTR: 2,
  LOOKUP: 3,
  ACCESS: 4,
  READLINK: 5,
  READ: 6,
  WRITE: 7,
  CREATE: 8,
  MKDIR: 9,
  SYMLINK: 10,
  MKNOD: 11,
  REMOVE: 12,
  RMDIR: 13,
  RENAME: 14,
  LINK: 15,
  READDIR: 16,
  READDIRPLUS: 17,
  FSSTAT: 18,
  FSINFO: 19,
  PATHCONF: 20,
  COMMIT: 21,
} as const;
export type Nfs3Proc = (typeof Nfs3Proc)[keyof typeof Nfs3Proc];

/** RFC 1813 section 2.6: nfsstat3. */
export const Nfsstat3 = {
  NFS3_OK: 0,
  NFS3ERR_PERM: 1,
  NFS3ERR_NOENT: 2,
  NFS3ERR_IO: 5,
  NFS3ERR_NXIO: 6,
  NFS3ERR_ACCES: 13,
  NFS3ERR_EXIST: 17,
  NFS3ERR_XDEV: 18,
  NFS3ERR_NODEV: 19,
  NFS3ERR_NOTDIR: 20,
  NFS3ERR_ISDIR: 21,
  NFS3ERR_INVAL: 22,
  NFS3ERR_FBIG: 27,
  NFS3ERR_NOSPC: 28,
  NFS3ERR_ROFS: 30,
  NFS3ERR_MLINK: 31,
  NFS3ERR_NAMETOOLONG: 63,
  NFS3ERR_NOTEMPTY: 66,
  NFS3ERR_DQUOT: 69,
  NFS3ERR_STALE: 70,
  NFS3ERR_REMOTE: 71,
  NFS3ERR_BADHANDLE: 10001,
  NFS3ERR_NOT_SYNC: 10002,
  NFS3ERR_BAD_COOKIE: 10003,
  NFS3ERR_NOTSUPP: 10004,
  NFS3ERR_TOOSMALL: 10005,
  NFS3ERR_SERVERFAULT: 10006,
  NFS3ERR_BADTYPE: 10007,
  NFS3ERR_JUKEBOX: 10008,
} as const;
export type Nfsstat3 = (typeof Nfsstat3)[keyof typeof Nfsstat3];
/** Every status but NFS3_OK: what a failure result (and NfsStatusError) carries. */
export type Nfsstat3Error = Exclude<Nfsstat3, 0>;

/** RFC 1813 section 2.6: ftype3. */
export const Ftype3 = {
  NF3REG: 1,
  NF3DIR: 2,
  NF3BLK: 3,
  NF3CHR: 4,
  NF3LNK: 5,
  NF3SOCK: 6,
  NF3FIFO: 7,
} as const;
export type Ftype3 = (typeof Ftype3)[keyof typeof Ftype3];

/** RFC 1813 section 3.3.7: stable_how. */
export const StableHow = { UNSTABLE: 0, DATA_SYNC: 1, FILE_SYNC: 2 } as const;
export type StableHow = (typeof StableHow)[keyof typeof StableHow];

/** RFC 1813 section 3.3.8: createmode3. */
export const Createmode3 = { UNCHECKED: 0, GUARDED: 1, EXCLUSIVE: 2 } as const;
export type Createmode3 = (typeof Createmode3)[keyof typeof Createmode3];

/** RFC 1813 section 2.6 (sattr3): time_how. */
export const TimeHow = { DONT_CHANGE: 0, SET_TO_SERVER_TIME: 1, SET_TO_CLIENT_TIME: 2 } as const;
export type TimeHow = (typeof TimeHow)[keyof typeof TimeHow];

/** RFC 1813 section 3.3.4: ACCESS3_* permission bits. */
export const Access3 = {
  READ: 0x0001,
  LOOKUP: 0x0002,
  MODIFY: 0x0004,
  EXTEND: 0x0008,
  DELETE: 0x0010,
  EXECUTE: 0x0020,
} as const;

/** RFC 1813 section 3.3.19: FSF3_* properties bits of FSINFO. */
export const Fsf3 = {
  LINK: 0x0001,
  SYMLINK: 0x0002,
  HOMOGENEOUS: 0x0008,
  CANSETTIME: 0x0010,
} as const;

/** RFC 1813 Appendix I section 5.2: MOUNT version 3 procedures. */
export const MountProc = {
  NULL: 0,
  MNT: 1,
  DUMP: 2,
  UMNT: 3,
  UMNTALL: 4,
  EXPORT: 5,
} as const;
export type MountProc = (typeof MountProc)[keyof typeof MountProc];

/** RFC 1813 Appendix I section 5.1.5: mountstat3. */
export const Mountstat3 = {
  MNT3_OK: 0,
  MNT3ERR_PERM: 1,
  MNT3ERR_NOENT: 2,
  MNT3ERR_IO: 5,
  MNT3ERR_ACCES: 13,
  MNT3ERR_NOTDIR: 20,
  MNT3ERR_INVAL: 22,
  MNT3ERR_NAMETOOLONG: 63,
  MNT3ERR_NOTSUPP: 10004,
  MNT3ERR_SERVERFAULT: 10006,
} as const;
export type Mountstat3 = (typeof Mountstat3)[keyof typeof Mountstat3];
export type Mountstat3Error = Exclude<Mountstat3, 0>;

/** RFC 1813 Appendix I section 5.1: dirpath is string<MNTPATHLEN>, name is string<MNTNAMLEN>. */
export const MNTPATHLEN = 1024;
export const MNTNAMLEN = 255;
/** RFC 1813 Appendix I section 5.1.4: the MOUNT protocol's own fhandle3 bound (same as NFS3_FHSIZE). */
export const FHSIZE3 = 64;

/** RFC 1833 section 3.2: portmapper version 2 procedures. */
export const PmapProc = {
  NULL: 0,
  SET: 1,
  UNSET: 2,
  GETPORT: 3,
  DUMP: 4,
  CALLIT: 5,
} as const;
export type PmapProc = (typeof PmapProc)[keyof typeof PmapProc];

/** RFC 1833 section 3.1: the prot field of a mapping. */
export const IpProto = { TCP: 6, UDP: 17 } as const;
export type IpProto = (typeof IpProto)[keyof typeof IpProto];
