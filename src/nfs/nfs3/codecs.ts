/**
 * Every NFSv3 procedure's codecs in one table keyed by procedure number, so the proxy,
 * the server dispatcher and the fuzz tests can iterate or look up by the wire number.
 */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import { Nfs3Proc } from '../constants.js';
import type { Nfs3ProcTypes } from '../types.js';
import { decodeAccessArgs, decodeAccessResult, encodeAccessArgs, encodeAccessResult } from './access.js';
import { decodeCommitArgs, decodeCommitResult, encodeCommitArgs, encodeCommitResult } from './commit.js';
import { decodeCreateArgs, decodeCreateResult, encodeCreateArgs, encodeCreateResult } from './create.js';
import { decodeFsinfoArgs, decodeFsinfoResult, encodeFsinfoArgs, encodeFsinfoResult } from './fsinfo.js';
import { decodeFsstatArgs, decodeFsstatResult, encodeFsstatArgs, encodeFsstatResult } from './fsstat.js';
import { decodeGetattrArgs, decodeGetattrResult, encodeGetattrArgs, encodeGetattrResult } from './getattr.js';
import { decodeLinkArgs, decodeLinkResult, encodeLinkArgs, encodeLinkResult } from './link.js';
import { decodeLookupArgs, decodeLookupResult, encodeLookupArgs, encodeLookupResult } from './lookup.js';
import { decodeMkdirArgs, decodeMkdirResult, encodeMkdirArgs, encodeMkdirResult } from './mkdir.js';
import { decodeMknodArgs, decodeMknodResult, encodeMknodArgs, encodeMknodResult } from './mknod.js';
import { decodeNullArgs, decodeNullResult, encodeNullArgs, encodeNullResult } from './null.js';
import { decodePathconfArgs, decodePathconfResult, encodePathconfArgs, encodePathconfResult } from './pathconf.js';
import { decodeReadArgs, decodeReadResult, encodeReadArgs, encodeReadResult } from './read.js';
import { decodeReaddirArgs, decodeReaddirResult, encodeReaddirArgs, encodeReaddirResult } from './readdir.js';
import {
  decodeReaddirplusArgs,
  decodeReaddirplusResult,
  encodeReaddirplusArgs,
  encodeReaddirplusResult,
} from './readdirplus.js';
import { decodeReadlinkArgs, decodeReadlinkResult, encodeReadlinkArgs, encodeReadlinkResult } from './readlink.js';
import { decodeRemoveArgs, decodeRemoveResult, encodeRemoveArgs, encodeRemoveResult } from './remove.js';
import { decodeRenameArgs, decodeRenameResult, encodeRenameArgs, encodeRenameResult } from './rename.js';
import { decodeRmdirArgs, decodeRmdirResult, encodeRmdirArgs, encodeRmdirResult } from './rmdir.js';
import { decodeSetattrArgs, decodeSetattrResult, encodeSetattrArgs, encodeSetattrResult } from './setattr.js';
import { decodeSymlinkArgs, decodeSymlinkResult, encodeSymlinkArgs, encodeSymlinkResult } from './symlink.js';
import { decodeWriteArgs, decodeWriteResult, encodeWriteArgs, encodeWriteResult } from './write.js';

/** One procedure's four codecs. Declared with method syntax so a table entry widens to Nfs3Codec<unknown, unknown>. */
export interface Nfs3Codec<Args, Result> {
  readonly proc: Nfs3Proc;
  /** The RFC's procedure name ("READDIRPLUS"), for logs and metrics. */
  readonly name: keyof typeof Nfs3Proc;
  encodeArgs(w: XdrWriter, args: Args): void;
  decodeArgs(r: XdrReader): Args;
  encodeResult(w: XdrWriter, result: Result): void;
  decodeResult(r: XdrReader): Result;
}

export type Nfs3Codecs = {
  readonly [P in Nfs3Proc]: Nfs3Codec<Nfs3ProcTypes[P]['args'], Nfs3ProcTypes[P]['result']>;
};

export const nfs3Codecs: Nfs3Codecs = {
  [Nfs3Proc.NULL]: {
    proc: Nfs3Proc.NULL,
    name: 'NULL',
    encodeArgs: encodeNullArgs,
    decodeArgs: decodeNullArgs,
    encodeResult: encodeNullResult,
    decodeResult: decodeNullResult,
  },
  [Nfs3Proc.GETATTR]: {
    proc: Nfs3Proc.GETATTR,
    name: 'GETATTR',
    encodeArgs: encodeGetattrArgs,
    decodeArgs: decodeGetattrArgs,
    encodeResult: encodeGetattrResult,
    decodeResult: decodeGetattrResult,
  },
  [Nfs3Proc.SETATTR]: {
    proc: Nfs3Proc.SETATTR,
    name: 'SETATTR',
    encodeArgs: encodeSetattrArgs,
    decodeArgs: decodeSetattrArgs,
    encodeResult: encodeSetattrResult,
    decodeResult: decodeSetattrResult,
  },
  [Nfs3Proc.LOOKUP]: {
    proc: Nfs3Proc.LOOKUP,
    name: 'LOOKUP',
    encodeArgs: encodeLookupArgs,
    decodeArgs: decodeLookupArgs,
    encodeResult: encodeLookupResult,
    decodeResult: decodeLookupResult,
  },
  [Nfs3Proc.ACCESS]: {
    proc: Nfs3Proc.ACCESS,
    name: 'ACCESS',
    encodeArgs: encodeAccessArgs,
    decodeArgs: decodeAccessArgs,
    encodeResult: encodeAccessResult,
    decodeResult: decodeAccessResult,
  },
  [Nfs3Proc.READLINK]: {
    proc: Nfs3Proc.READLINK,
    name: 'READLINK',
    encodeArgs: encodeReadlinkArgs,
    decodeArgs: decodeReadlinkArgs,
    encodeResult: encodeReadlinkResult,
    decodeResult: decodeReadlinkResult,
  },
  [Nfs3Proc.READ]: {
    proc: Nfs3Proc.READ,
    name: 'READ',
    encodeArgs: encodeReadArgs,
    decodeArgs: decodeReadArgs,
    encodeResult: encodeReadResult,
    decodeResult: decodeReadResult,
  },
  [Nfs3Proc.WRITE]: {
    proc: Nfs3Proc.WRITE,
    name: 'WRITE',
    encodeArgs: encodeWriteArgs,
    decodeArgs: decodeWriteArgs,
    encodeResult: encodeWriteResult,
    decodeResult: decodeWriteResult,
  },
  [Nfs3Proc.CREATE]: {
    proc: Nfs3Proc.CREATE,
    name: 'CREATE',
    encodeArgs: encodeCreateArgs,
    decodeArgs: decodeCreateArgs,
    encodeResult: encodeCreateResult,
    decodeResult: decodeCreateResult,
  },
  [Nfs3Proc.MKDIR]: {
    proc: Nfs3Proc.MKDIR,
    name: 'MKDIR',
    encodeArgs: encodeMkdirArgs,
    decodeArgs: decodeMkdirArgs,
    encodeResult: encodeMkdirResult,
    decodeResult: decodeMkdirResult,
  },
  [Nfs3Proc.SYMLINK]: {
    proc: Nfs3Proc.SYMLINK,
    name: 'SYMLINK',
    encodeArgs: encodeSymlinkArgs,
    decodeArgs: decodeSymlinkArgs,
    encodeResult: encodeSymlinkResult,
    decodeResult: decodeSymlinkResult,
  },
  [Nfs3Proc.MKNOD]: {
    proc: Nfs3Proc.MKNOD,
    name: 'MKNOD',
    encodeArgs: encodeMknodArgs,
    decodeArgs: decodeMknodArgs,
    encodeResult: encodeMknodResult,
    decodeResult: decodeMknodResult,
  },
  [Nfs3Proc.REMOVE]: {
    proc: Nfs3Proc.REMOVE,
    name: 'REMOVE',
    encodeArgs: encodeRemoveArgs,
    decodeArgs: decodeRemoveArgs,
    encodeResult: encodeRemoveResult,
    decodeResult: decodeRemoveResult,
  },
  [Nfs3Proc.RMDIR]: {
    proc: Nfs3Proc.RMDIR,
    name: 'RMDIR',
    encodeArgs: encodeRmdirArgs,
    decodeArgs: decodeRmdirArgs,
    encodeResult: encodeRmdirResult,
    decodeResult: decodeRmdirResult,
  },
  [Nfs3Proc.RENAME]: {
    proc: Nfs3Proc.RENAME,
    name: 'RENAME',
    encodeArgs: encodeRenameArgs,
    decodeArgs: decodeRenameArgs,
    encodeResult: encodeRenameResult,
    decodeResult: decodeRenameResult,
  },
  [Nfs3Proc.LINK]: {
    proc: Nfs3Proc.LINK,
    name: 'LINK',
    encodeArgs: encodeLinkArgs,
    decodeArgs: decodeLinkArgs,
    encodeResult: encodeLinkResult,
    decodeResult: decodeLinkResult,
  },
  [Nfs3Proc.READDIR]: {
    proc: Nfs3Proc.READDIR,
    name: 'READDIR',
    encodeArgs: encodeReaddirArgs,
    decodeArgs: decodeReaddirArgs,
    encodeResult: encodeReaddirResult,
    decodeResult: decodeReaddirResult,
  },
  [Nfs3Proc.READDIRPLUS]: {
    proc: Nfs3Proc.READDIRPLUS,
    name: 'READDIRPLUS',
    encodeArgs: encodeReaddirplusArgs,
    decodeArgs: decodeReaddirplusArgs,
    encodeResult: encodeReaddirplusResult,
    decodeResult: decodeReaddirplusResult,
  },
  [Nfs3Proc.FSSTAT]: {
    proc: Nfs3Proc.FSSTAT,
    name: 'FSSTAT',
    encodeArgs: encodeFsstatArgs,
    decodeArgs: decodeFsstatArgs,
    encodeResult: encodeFsstatResult,
    decodeResult: decodeFsstatResult,
  },
  [Nfs3Proc.FSINFO]: {
    proc: Nfs3Proc.FSINFO,
    name: 'FSINFO',
    encodeArgs: encodeFsinfoArgs,
    decodeArgs: decodeFsinfoArgs,
    encodeResult: encodeFsinfoResult,
    decodeResult: decodeFsinfoResult,
  },
  [Nfs3Proc.PATHCONF]: {
    proc: Nfs3Proc.PATHCONF,
    name: 'PATHCONF',
    encodeArgs: encodePathconfArgs,
    decodeArgs: decodePathconfArgs,
    encodeResult: encodePathconfResult,
    decodeResult: decodePathconfResult,
  },
  [Nfs3Proc.COMMIT]: {
    proc: Nfs3Proc.COMMIT,
    name: 'COMMIT',
    encodeArgs: encodeCommitArgs,
    decodeArgs: decodeCommitArgs,
    encodeResult: encodeCommitResult,
    decodeResult: decodeCommitResult,
  },
};

/** The table as a list, in procedure order, typed for code that handles any procedure. */
export const nfs3CodecList: readonly Nfs3Codec<unknown, unknown>[] = Object.values(nfs3Codecs);

/** The codecs for a procedure number read off the wire, or undefined (PROC_UNAVAIL). */
export function nfs3CodecFor(proc: number): Nfs3Codec<unknown, unknown> | undefined {
  return nfs3CodecList[proc];
}
