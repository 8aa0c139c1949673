import { Nfs3Proc } from '../../nfs/index.js';
import type { Nfs3ProcTypes } from '../../nfs/index.js';
import type { Nfs3WorkProc } from '../backend.js';
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
import type { RowProcedure } from './procedure.js';
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

export type RowProcedureTable = {
  readonly [P in Nfs3WorkProc]: RowProcedure<Nfs3ProcTypes[P]['args'], Nfs3ProcTypes[P]['result']>;
};

/** Every NFSv3 procedure of the proxy, by wire number (one file each in this folder). NULL is the RPC layer's. */
export const rowProcedures: RowProcedureTable = {
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
