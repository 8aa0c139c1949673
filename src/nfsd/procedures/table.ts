import { Nfs3Proc } from '../../nfs/index.js';
import type { Nfs3ProcTypes } from '../../nfs/index.js';
import { access } from './access.js';
import { commit } from './commit.js';
import { create } from './create.js';
import { fsinfo } from './fsinfo.js';
import { fsstat } from './fsstat.js';
import { getattr } from './getattr.js';
import { link } from './link.js';
import { lookup } from './lookup.js';
import { mkdir } from './mkdir.js';
import { mknod } from './mknod.js';
import { pathconf } from './pathconf.js';
import type { NfsProcedure } from './procedure.js';
import { read } from './read.js';
import { readdir } from './readdir.js';
import { readdirplus } from './readdirplus.js';
import { readlink } from './readlink.js';
import { remove } from './remove.js';
import { rename } from './rename.js';
import { rmdir } from './rmdir.js';
import { setattr } from './setattr.js';
import { symlink } from './symlink.js';
import { write } from './write.js';

/** Procedure numbers with a body (NULL does nothing and is answered by the RPC layer). */
export type Nfs3WorkProc = Exclude<Nfs3Proc, typeof Nfs3Proc.NULL>;

export type Nfs3ProcedureTable = {
  readonly [P in Nfs3WorkProc]: NfsProcedure<Nfs3ProcTypes[P]['args'], Nfs3ProcTypes[P]['result']>;
};

/** Every NFSv3 procedure of the server, by wire number (one file each in this folder). */
export const nfs3Procedures: Nfs3ProcedureTable = {
  [Nfs3Proc.GETATTR]: getattr,
  [Nfs3Proc.SETATTR]: setattr,
  [Nfs3Proc.LOOKUP]: lookup,
  [Nfs3Proc.ACCESS]: access,
  [Nfs3Proc.READLINK]: readlink,
  [Nfs3Proc.READ]: read,
  [Nfs3Proc.WRITE]: write,
  [Nfs3Proc.CREATE]: create,
  [Nfs3Proc.MKDIR]: mkdir,
  [Nfs3Proc.SYMLINK]: symlink,
  [Nfs3Proc.MKNOD]: mknod,
  [Nfs3Proc.REMOVE]: remove,
  [Nfs3Proc.RMDIR]: rmdir,
  [Nfs3Proc.RENAME]: rename,
  [Nfs3Proc.LINK]: link,
  [Nfs3Proc.READDIR]: readdir,
  [Nfs3Proc.READDIRPLUS]: readdirplus,
  [Nfs3Proc.FSSTAT]: fsstat,
  [Nfs3Proc.FSINFO]: fsinfo,
  [Nfs3Proc.PATHCONF]: pathconf,
  [Nfs3Proc.COMMIT]: commit,
};

/** The procedures that change the file system: all answer NFS3ERR_ROFS on a read-only export. */
export const modifyingProcs: ReadonlySet<Nfs3Proc> = new Set([
  Nfs3Proc.SETATTR,
  Nfs3Proc.WRITE,
  Nfs3Proc.CREATE,
  Nfs3Proc.MKDIR,
  Nfs3Proc.SYMLINK,
  Nfs3Proc.MKNOD,
  Nfs3Proc.REMOVE,
  Nfs3Proc.RMDIR,
  Nfs3Proc.RENAME,
  Nfs3Proc.LINK,
  Nfs3Proc.COMMIT,
]);
