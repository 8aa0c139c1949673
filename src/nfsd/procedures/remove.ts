import type { RemoveArgs, RemoveResult } from '../../nfs/index.js';
import type { ExportCore } from '../export-core.js';
import { removeEntry } from './remove-entry.js';

/** REMOVE (RFC 1813 section 3.3.12): any non-directory; a directory is ISDIR (use RMDIR). */
export function remove(core: ExportCore, args: RemoveArgs): Promise<RemoveResult> {
  return removeEntry(core, args.object, 'non-directory');
}
