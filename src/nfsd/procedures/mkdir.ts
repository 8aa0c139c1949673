import { mkdirSync } from 'node:fs';
import type { MkdirArgs, MkdirResult, NewObjectResOk } from '../../nfs/index.js';
import type { NfsCaller } from '../caller.js';
import type { ExportCore, ResolvedNode } from '../export-core.js';
import { initializeNewObject } from '../sattr.js';
import { createdChild, createInDirectory, newObjectResult } from './new-object.js';
import type { OkResult } from './procedure.js';

const DEFAULT_DIRECTORY_MODE = 0o755;
const PERMISSION_BITS = 0o7777;

function makeDirectory(core: ExportCore, dir: ResolvedNode, name: string, args: MkdirArgs, caller: NfsCaller): OkResult<NewObjectResOk> {
  const path = `${dir.path}/${name}`;
  const mode = args.attributes.mode ?? DEFAULT_DIRECTORY_MODE;
  mkdirSync(path, mode & PERMISSION_BITS);
  const created = createdChild(core, dir, name, 'mkdir');
  initializeNewObject(path, created.stats, dir.stats, { mode, attrs: args.attributes, caller, setOwner: core.setOwner });
  return newObjectResult(core, dir, name);
}

/** MKDIR (RFC 1813 section 3.3.9). */
export function mkdir(core: ExportCore, args: MkdirArgs, caller: NfsCaller): Promise<MkdirResult> {
  return createInDirectory(core, args, caller, makeDirectory);
}
