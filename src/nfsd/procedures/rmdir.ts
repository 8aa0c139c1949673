import type { RmdirArgs, RmdirResult } from '../../nfs/index.js';
import type { ExportCore } from '../export-core.js';
import { removeEntry } from './remove-entry.js';

/** RMDIR (RFC 1813 section 3.3.13): empty directories only (NOTEMPTY otherwise). */
export function rmdir(core: ExportCore, args: RmdirArgs): Promise<RmdirResult> {
  return removeEntry(core, args.object, 'directory');
}
