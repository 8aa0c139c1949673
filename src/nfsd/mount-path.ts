import { Mountstat3 } from '../nfs/index.js';
import { AuthFlavor } from '../rpc/index.js';
import type { MountResult } from '../nfs/index.js';
import { isDirectoryMode } from './attributes.js';
import type { ExportCore } from './export-core.js';
import { isDotName, NAME_MAX_BYTES } from './names.js';

/** RFC 1813 Appendix I: a server lists the flavors it accepts; Linux wants AUTH_UNIX among them. */
export const MOUNT_AUTH_FLAVORS: readonly number[] = Object.freeze([AuthFlavor.AUTH_SYS, AuthFlavor.AUTH_NONE]);

function withoutTrailingSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** `path` below (or at) `root`, as a relative path; undefined if it is elsewhere. */
function relativeTo(path: string, root: string): string | undefined {
  if (path === root) return '';
  if (root === '/') return path.startsWith('/') ? path.slice(1) : undefined;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : undefined;
}

/**
 * MNT's answer for `dirpath`: the export's own absolute path (what knfsd and nfs-ganesha
 * expect for NFSv3; its real path works too), with or without trailing slashes, gives the root handle; a directory
 * below it gives that directory's handle (as the Linux server allows). Each component is
 * looked up without following symlinks, and "." / ".." are refused, so a mount never
 * reaches outside the export.
 */
export function mountResult(core: ExportCore, dirpath: string, authFlavors: readonly number[] = MOUNT_AUTH_FLAVORS): MountResult {
  const wanted = withoutTrailingSlashes(dirpath);
  const relative = relativeTo(wanted, core.exportPath) ?? relativeTo(wanted, core.realPath);
  if (relative === undefined) return { status: Mountstat3.MNT3ERR_NOENT };
  const rootNode = core.root();
  if (rootNode === undefined) return { status: Mountstat3.MNT3ERR_IO };
  let node = rootNode;
  for (const component of relative.split('/').filter((part) => part.length > 0)) {
    if (isDotName(component)) return { status: Mountstat3.MNT3ERR_ACCES };
    if (Buffer.byteLength(component) > NAME_MAX_BYTES) return { status: Mountstat3.MNT3ERR_NAMETOOLONG };
    const next = core.child(node, component);
    if (next === undefined) return { status: Mountstat3.MNT3ERR_NOENT };
    if (!isDirectoryMode(next.stats.mode)) return { status: Mountstat3.MNT3ERR_NOTDIR };
    node = next;
  }
  return { status: Mountstat3.MNT3_OK, fhandle: node.entry.handle, authFlavors: [...authFlavors] };
}
