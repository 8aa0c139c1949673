import { Nfs3Proc } from '../../nfs/index.js';
import type { Nfs3ProcTypes, Nfsstat3Error } from '../../nfs/index.js';
import { NO_WCC } from '../attributes.js';
import type { Nfs3WorkProc } from '../backend.js';

/** Each procedure's resfail arm with nothing known (RFC 1813 section 3: attributes and wcc are optional). */
const emptyBodies: { readonly [P in Nfs3WorkProc]: object } = {
  [Nfs3Proc.GETATTR]: {},
  [Nfs3Proc.SETATTR]: { objWcc: NO_WCC },
  [Nfs3Proc.LOOKUP]: { dirAttributes: undefined },
  [Nfs3Proc.ACCESS]: { objAttributes: undefined },
  [Nfs3Proc.READLINK]: { symlinkAttributes: undefined },
  [Nfs3Proc.READ]: { fileAttributes: undefined },
  [Nfs3Proc.WRITE]: { fileWcc: NO_WCC },
  [Nfs3Proc.CREATE]: { dirWcc: NO_WCC },
  [Nfs3Proc.MKDIR]: { dirWcc: NO_WCC },
  [Nfs3Proc.SYMLINK]: { dirWcc: NO_WCC },
  [Nfs3Proc.MKNOD]: { dirWcc: NO_WCC },
  [Nfs3Proc.REMOVE]: { dirWcc: NO_WCC },
  [Nfs3Proc.RMDIR]: { dirWcc: NO_WCC },
  [Nfs3Proc.RENAME]: { fromdirWcc: NO_WCC, todirWcc: NO_WCC },
  [Nfs3Proc.LINK]: { fileAttributes: undefined, linkdirWcc: NO_WCC },
  [Nfs3Proc.READDIR]: { dirAttributes: undefined },
  [Nfs3Proc.READDIRPLUS]: { dirAttributes: undefined },
  [Nfs3Proc.FSSTAT]: { objAttributes: undefined },
  [Nfs3Proc.FSINFO]: { objAttributes: undefined },
  [Nfs3Proc.PATHCONF]: { objAttributes: undefined },
  [Nfs3Proc.COMMIT]: { fileWcc: NO_WCC },
};

/** A failure result of `proc` with status `status` and an empty failure body. */
export function failureResult<P extends Nfs3WorkProc>(proc: P, status: Nfsstat3Error): Nfs3ProcTypes[P]['result'] {
  return { status, ...emptyBodies[proc] } as Nfs3ProcTypes[P]['result'];
}
