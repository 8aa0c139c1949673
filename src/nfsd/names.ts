import { NfsStatusError, Nfsstat3 } from '../nfs/index.js';

/** NAME_MAX on Linux; PATHCONF reports it as name_max. */
export const NAME_MAX_BYTES = 255;

/**
 * What a name is used for decides how "." and ".." are treated, following the Linux
 * server: LOOKUP resolves them within the export; creating one is EXIST (it already
 * exists); removing one is ACCES; renaming from or to one is INVAL.
 */
export type NameRole = 'lookup' | 'create' | 'remove' | 'rename';

const dotStatus = {
  create: Nfsstat3.NFS3ERR_EXIST,
  remove: Nfsstat3.NFS3ERR_ACCES,
  rename: Nfsstat3.NFS3ERR_INVAL,
} as const;

export function isDotName(name: string): boolean {
  return name === '.' || name === '..';
}

/**
 * A filename3 is one path component (RFC 1813 section 2.5). We refuse empty names and
 * names holding '/' or NUL (INVAL): accepting a '/' would let a client walk paths the
 * server never looked up, out of the export with "../..". Too long is NAMETOOLONG.
 */
export function checkName(name: string, role: NameRole): void {
  if (name.length === 0 || name.includes('/') || name.includes('\0')) {
    throw new NfsStatusError(Nfsstat3.NFS3ERR_INVAL, `illegal file name ${JSON.stringify(name)}`);
  }
  if (Buffer.byteLength(name, 'utf8') > NAME_MAX_BYTES) {
    throw new NfsStatusError(Nfsstat3.NFS3ERR_NAMETOOLONG);
  }
  if (role !== 'lookup' && isDotName(name)) {
    throw new NfsStatusError(dotStatus[role], `${role} of ${JSON.stringify(name)}`);
  }
}
