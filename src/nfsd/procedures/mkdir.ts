import { mkdirSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { MkdirArgs, MkdirResult } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { checkName } from '../names.js';
import { initializeNewObject } from '../sattr.js';
import { newObjectResult } from './new-object.js';

const DEFAULT_DIRECTORY_MODE = 0o755;
const PERMISSION_BITS = 0o7777;

/** MKDIR (RFC 1813 section 3.3.9). */
export async function mkdir(core: ExportCore, args: MkdirArgs, caller: NfsCaller): Promise<MkdirResult> {
  let dir: ResolvedNode | undefined;
  try {
    dir = await core.resolve(args.where.dir);
    core.requireDirectory(dir);
    const name = args.where.name;
    checkName(name, 'create');
    core.assertWritable();
    const path = `${dir.path}/${name}`;
    const mode = args.attributes.mode ?? DEFAULT_DIRECTORY_MODE;
    mkdirSync(path, mode & PERMISSION_BITS);
    const created = core.child(dir, name);
    if (created === undefined) throw new NfsStatusError(Nfsstat3.NFS3ERR_IO, `${name} vanished right after mkdir`);
    initializeNewObject(path, created.stats, dir.stats, { mode, attrs: args.attributes, caller, setOwner: core.setOwner });
    return newObjectResult(core, dir, name);
  } catch (error) {
    return { status: core.statusOf(error), dirWcc: core.wcc(dir) };
  }
}
