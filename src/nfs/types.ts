/**
 * NFS version 3 (RFC 1813) argument and result shapes, field names mirroring the RFC in
 * camelCase. 64-bit byte counts and offsets (size3, offset3) are numbers below 2^53;
 * identities (fileid3, cookie3, fsid) are bigints; verifiers and file handles are Buffers.
 */
import type { Ftype3, Mountstat3, Mountstat3Error, Nfsstat3, Nfsstat3Error, StableHow } from './constants.js';

/** RFC 1813 section 2.6: nfstime3. */
export interface Nfstime3 {
  seconds: number;
  nseconds: number;
}

/** RFC 1813 section 2.6: specdata3 (major/minor device numbers on Unix). */
export interface Specdata3 {
  specdata1: number;
  specdata2: number;
}

/** RFC 1813 section 2.6: fattr3. */
export interface Fattr3 {
  type: Ftype3;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  size: number;
  used: number;
  rdev: Specdata3;
  fsid: bigint;
  fileid: bigint;
  atime: Nfstime3;
  mtime: Nfstime3;
  ctime: Nfstime3;
}

/** RFC 1813 section 2.6: post_op_attr (undefined when attributes_follow is FALSE). */
export type PostOpAttr = Fattr3 | undefined;

/** RFC 1813 section 2.6: wcc_attr, the pre-operation attributes. */
export interface WccAttr {
  size: number;
  mtime: Nfstime3;
  ctime: Nfstime3;
}

/** RFC 1813 section 2.6: pre_op_attr. */
export type PreOpAttr = WccAttr | undefined;

/** RFC 1813 section 2.6: wcc_data (weak cache consistency). */
export interface WccData {
  before: PreOpAttr;
  after: PostOpAttr;
}

/** RFC 1813 section 2.6: post_op_fh3 (undefined when handle_follows is FALSE). */
export type PostOpFh3 = Buffer | undefined;

/** RFC 1813 section 2.6: set_atime / set_mtime. */
export type SetTime = { how: 'dont-change' } | { how: 'server' } | { how: 'client'; time: Nfstime3 };

/** RFC 1813 section 2.6: sattr3. An absent field is "don't set" (set_it FALSE). */
export interface Sattr3 {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime: SetTime;
  mtime: SetTime;
}

/** RFC 1813 section 2.6: diropargs3. Names travel as bytes; we require UTF-8. */
export interface DirOpArgs3 {
  dir: Buffer;
  name: string;
}

/** A result whose failure arm carries nothing beyond the status. */
export type EmptyResFail = Record<never, never>;

/** The RFC's `switch (nfsstat3 status) { case NFS3_OK: resok; default: resfail }`. */
export type Nfs3Result<Ok, Fail> =
  | ({ status: typeof Nfsstat3.NFS3_OK } & Ok)
  | ({ status: Nfsstat3Error } & Fail);

// ---- GETATTR (RFC 1813 section 3.3.1)
export interface GetattrArgs {
  object: Buffer;
}
export interface GetattrResOk {
  objAttributes: Fattr3;
}
export type GetattrResFail = EmptyResFail;
export type GetattrResult = Nfs3Result<GetattrResOk, GetattrResFail>;

// ---- SETATTR (section 3.3.2); guard is sattrguard3: the object's expected ctime.
export interface SetattrArgs {
  object: Buffer;
  newAttributes: Sattr3;
  guard: Nfstime3 | undefined;
}
export interface SetattrResOk {
  objWcc: WccData;
}
export interface SetattrResFail {
  objWcc: WccData;
}
export type SetattrResult = Nfs3Result<SetattrResOk, SetattrResFail>;

// ---- LOOKUP (section 3.3.3)
export interface LookupArgs {
  what: DirOpArgs3;
}
export interface LookupResOk {
  object: Buffer;
  objAttributes: PostOpAttr;
  dirAttributes: PostOpAttr;
}
export interface LookupResFail {
  dirAttributes: PostOpAttr;
}
export type LookupResult = Nfs3Result<LookupResOk, LookupResFail>;

// ---- ACCESS (section 3.3.4); access is a mask of Access3 bits.
export interface AccessArgs {
  object: Buffer;
  access: number;
}
export interface AccessResOk {
  objAttributes: PostOpAttr;
  access: number;
}
export interface AccessResFail {
  objAttributes: PostOpAttr;
}
export type AccessResult = Nfs3Result<AccessResOk, AccessResFail>;

// ---- READLINK (section 3.3.5)
export interface ReadlinkArgs {
  symlink: Buffer;
}
export interface ReadlinkResOk {
  symlinkAttributes: PostOpAttr;
  data: string;
}
export interface ReadlinkResFail {
  symlinkAttributes: PostOpAttr;
}
export type ReadlinkResult = Nfs3Result<ReadlinkResOk, ReadlinkResFail>;

// ---- READ (section 3.3.6)
export interface ReadArgs {
  file: Buffer;
  offset: number;
  count: number;
}
export interface ReadResOk {
  fileAttributes: PostOpAttr;
  count: number;
  eof: boolean;
  /** A zero-copy slice of the received record when decoded. */
  data: Buffer;
}
export interface ReadResFail {
  fileAttributes: PostOpAttr;
}
export type ReadResult = Nfs3Result<ReadResOk, ReadResFail>;

// ---- WRITE (section 3.3.7)
export interface WriteArgs {
  file: Buffer;
  offset: number;
  /** Must equal data.length (checked when decoding, as the Linux server does). */
  count: number;
  stable: StableHow;
  /** A zero-copy slice of the received record when decoded. */
  data: Buffer;
}
export interface WriteResOk {
  fileWcc: WccData;
  count: number;
  committed: StableHow;
  /** writeverf3, 8 bytes. */
  verf: Buffer;
}
export interface WriteResFail {
  fileWcc: WccData;
}
export type WriteResult = Nfs3Result<WriteResOk, WriteResFail>;

// ---- CREATE (section 3.3.8)
/** createhow3: UNCHECKED/GUARDED carry attributes, EXCLUSIVE an 8-byte createverf3. */
export type Createhow3 =
  | { mode: 'unchecked' | 'guarded'; attributes: Sattr3 }
  | { mode: 'exclusive'; verf: Buffer };
export interface CreateArgs {
  where: DirOpArgs3;
  how: Createhow3;
}
/** The success body shared by CREATE, MKDIR, SYMLINK and MKNOD. */
export interface NewObjectResOk {
  obj: PostOpFh3;
  objAttributes: PostOpAttr;
  dirWcc: WccData;
}
export interface DirWccResFail {
  dirWcc: WccData;
}
export type CreateResOk = NewObjectResOk;
export type CreateResFail = DirWccResFail;
export type CreateResult = Nfs3Result<CreateResOk, CreateResFail>;

// ---- MKDIR (section 3.3.9)
export interface MkdirArgs {
  where: DirOpArgs3;
  attributes: Sattr3;
}
export type MkdirResOk = NewObjectResOk;
export type MkdirResFail = DirWccResFail;
export type MkdirResult = Nfs3Result<MkdirResOk, MkdirResFail>;

// ---- SYMLINK (section 3.3.10)
/** symlinkdata3. */
export interface SymlinkData3 {
  symlinkAttributes: Sattr3;
  symlinkData: string;
}
export interface SymlinkArgs {
  where: DirOpArgs3;
  symlink: SymlinkData3;
}
export type SymlinkResOk = NewObjectResOk;
export type SymlinkResFail = DirWccResFail;
export type SymlinkResult = Nfs3Result<SymlinkResOk, SymlinkResFail>;

// ---- MKNOD (section 3.3.11)
/** mknoddata3: devices carry attributes and a device number, sockets and FIFOs attributes only. */
export type MknodData3 =
  | { type: typeof Ftype3.NF3CHR | typeof Ftype3.NF3BLK; devAttributes: Sattr3; spec: Specdata3 }
  | { type: typeof Ftype3.NF3SOCK | typeof Ftype3.NF3FIFO; pipeAttributes: Sattr3 }
  | { type: typeof Ftype3.NF3REG | typeof Ftype3.NF3DIR | typeof Ftype3.NF3LNK };
export interface MknodArgs {
  where: DirOpArgs3;
  what: MknodData3;
}
export type MknodResOk = NewObjectResOk;
export type MknodResFail = DirWccResFail;
export type MknodResult = Nfs3Result<MknodResOk, MknodResFail>;

// ---- REMOVE (section 3.3.12)
export interface RemoveArgs {
  object: DirOpArgs3;
}
export interface RemoveResOk {
  dirWcc: WccData;
}
export type RemoveResFail = DirWccResFail;
export type RemoveResult = Nfs3Result<RemoveResOk, RemoveResFail>;

// ---- RMDIR (section 3.3.13)
export interface RmdirArgs {
  object: DirOpArgs3;
}
export interface RmdirResOk {
  dirWcc: WccData;
}
export type RmdirResFail = DirWccResFail;
export type RmdirResult = Nfs3Result<RmdirResOk, RmdirResFail>;

// ---- RENAME (section 3.3.14)
export interface RenameArgs {
  from: DirOpArgs3;
  to: DirOpArgs3;
}
export interface RenameResOk {
  fromdirWcc: WccData;
  todirWcc: WccData;
}
export interface RenameResFail {
  fromdirWcc: WccData;
  todirWcc: WccData;
}
export type RenameResult = Nfs3Result<RenameResOk, RenameResFail>;

// ---- LINK (section 3.3.15)
export interface LinkArgs {
  file: Buffer;
  link: DirOpArgs3;
}
export interface LinkResOk {
  fileAttributes: PostOpAttr;
  linkdirWcc: WccData;
}
export interface LinkResFail {
  fileAttributes: PostOpAttr;
  linkdirWcc: WccData;
}
export type LinkResult = Nfs3Result<LinkResOk, LinkResFail>;

// ---- READDIR (section 3.3.16); dirlist3 is flattened into entries + eof.
export interface ReaddirArgs {
  dir: Buffer;
  cookie: bigint;
  /** cookieverf3, 8 bytes (all zero with cookie 0). */
  cookieverf: Buffer;
  count: number;
}
/** entry3. */
export interface Entry3 {
  fileid: bigint;
  name: string;
  cookie: bigint;
}
export interface ReaddirResOk {
  dirAttributes: PostOpAttr;
  cookieverf: Buffer;
  entries: Entry3[];
  eof: boolean;
}
export interface ReaddirResFail {
  dirAttributes: PostOpAttr;
}
export type ReaddirResult = Nfs3Result<ReaddirResOk, ReaddirResFail>;

// ---- READDIRPLUS (section 3.3.17); dirlistplus3 is flattened into entries + eof.
export interface ReaddirplusArgs {
  dir: Buffer;
  cookie: bigint;
  cookieverf: Buffer;
  dircount: number;
  maxcount: number;
}
/** entryplus3. */
export interface EntryPlus3 {
  fileid: bigint;
  name: string;
  cookie: bigint;
  nameAttributes: PostOpAttr;
  nameHandle: PostOpFh3;
}
export interface ReaddirplusResOk {
  dirAttributes: PostOpAttr;
  cookieverf: Buffer;
  entries: EntryPlus3[];
  eof: boolean;
}
export interface ReaddirplusResFail {
  dirAttributes: PostOpAttr;
}
export type ReaddirplusResult = Nfs3Result<ReaddirplusResOk, ReaddirplusResFail>;

// ---- FSSTAT (section 3.3.18)
export interface FsstatArgs {
  fsroot: Buffer;
}
export interface FsstatResOk {
  objAttributes: PostOpAttr;
  tbytes: number;
  fbytes: number;
  abytes: number;
  tfiles: number;
  ffiles: number;
  afiles: number;
  invarsec: number;
}
export interface FsstatResFail {
  objAttributes: PostOpAttr;
}
export type FsstatResult = Nfs3Result<FsstatResOk, FsstatResFail>;

// ---- FSINFO (section 3.3.19); properties is a mask of Fsf3 bits.
export interface FsinfoArgs {
  fsroot: Buffer;
}
export interface FsinfoResOk {
  objAttributes: PostOpAttr;
  rtmax: number;
  rtpref: number;
  rtmult: number;
  wtmax: number;
  wtpref: number;
  wtmult: number;
  dtpref: number;
  maxfilesize: number;
  timeDelta: Nfstime3;
  properties: number;
}
export interface FsinfoResFail {
  objAttributes: PostOpAttr;
}
export type FsinfoResult = Nfs3Result<FsinfoResOk, FsinfoResFail>;

// ---- PATHCONF (section 3.3.20)
export interface PathconfArgs {
  object: Buffer;
}
export interface PathconfResOk {
  objAttributes: PostOpAttr;
  linkmax: number;
  nameMax: number;
  noTrunc: boolean;
  chownRestricted: boolean;
  caseInsensitive: boolean;
  casePreserving: boolean;
}
export interface PathconfResFail {
  objAttributes: PostOpAttr;
}
export type PathconfResult = Nfs3Result<PathconfResOk, PathconfResFail>;

// ---- COMMIT (section 3.3.21)
export interface CommitArgs {
  file: Buffer;
  offset: number;
  count: number;
}
export interface CommitResOk {
  fileWcc: WccData;
  /** writeverf3, 8 bytes. */
  verf: Buffer;
}
export interface CommitResFail {
  fileWcc: WccData;
}
export type CommitResult = Nfs3Result<CommitResOk, CommitResFail>;

/** Arguments and result of every NFSv3 procedure, keyed by procedure number. */
export interface Nfs3ProcTypes {
  0: { args: void; result: void };
  1: { args: GetattrArgs; result: GetattrResult };
  2: { args: SetattrArgs; result: SetattrResult };
  3: { args: LookupArgs; result: LookupResult };
  4: { args: AccessArgs; result: AccessResult };
  5: { args: ReadlinkArgs; result: ReadlinkResult };
  6: { args: ReadArgs; result: ReadResult };
  7: { args: WriteArgs; result: WriteResult };
  8: { args: CreateArgs; result: CreateResult };
  9: { args: MkdirArgs; result: MkdirResult };
  10: { args: SymlinkArgs; result: SymlinkResult };
  11: { args: MknodArgs; result: MknodResult };
  12: { args: RemoveArgs; result: RemoveResult };
  13: { args: RmdirArgs; result: RmdirResult };
  14: { args: RenameArgs; result: RenameResult };
  15: { args: LinkArgs; result: LinkResult };
  16: { args: ReaddirArgs; result: ReaddirResult };
  17: { args: ReaddirplusArgs; result: ReaddirplusResult };
  18: { args: FsstatArgs; result: FsstatResult };
  19: { args: FsinfoArgs; result: FsinfoResult };
  20: { args: PathconfArgs; result: PathconfResult };
  21: { args: CommitArgs; result: CommitResult };
}

// ---- MOUNT version 3 (RFC 1813 Appendix I)

/** mountres3_ok. */
export interface MountResOk {
  fhandle: Buffer;
  authFlavors: number[];
}
/** mountres3: `switch (mountstat3 fhs_status) { case MNT3_OK: mountres3_ok; default: void }`. */
export type MountResult =
  | ({ status: typeof Mountstat3.MNT3_OK } & MountResOk)
  | { status: Mountstat3Error };

/** mountbody (one entry of the DUMP list): who mounted what. */
export interface MountBody {
  hostname: string;
  directory: string;
}

/** exportnode (one entry of the EXPORT list): a path and the groups allowed to mount it. */
export interface ExportNode {
  dir: string;
  groups: string[];
}

// ---- Portmapper version 2 (RFC 1833 section 3)

/** mapping. prot is an IpProto value. */
export interface Mapping {
  prog: number;
  vers: number;
  prot: number;
  port: number;
}

/** call_args of CALLIT. */
export interface CallitArgs {
  prog: number;
  vers: number;
  proc: number;
  args: Buffer;
}

/** call_result of CALLIT. */
export interface CallitResult {
  port: number;
  res: Buffer;
}
