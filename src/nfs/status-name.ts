import { Mountstat3, Nfsstat3 } from './constants.js';

const nfsstatNames = new Map<number, string>(Object.entries(Nfsstat3).map(([name, value]) => [value, name]));
const mountstatNames = new Map<number, string>(Object.entries(Mountstat3).map(([name, value]) => [value, name]));

/** The RFC 1813 name of an nfsstat3 value, for messages and logs ("NFS3ERR_NOENT"). */
export function nfsstatName(status: number): string {
  return nfsstatNames.get(status) ?? `nfsstat3(${status})`;
}

/** The RFC 1813 Appendix I name of a mountstat3 value ("MNT3ERR_ACCES"). */
export function mountstatName(status: number): string {
  return mountstatNames.get(status) ?? `mountstat3(${status})`;
}
