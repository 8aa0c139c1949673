import { createHash } from 'node:crypto';

/**
 * File handles of an image main that stay the same whichever image server answers.
 *
 * Each server mints its own handles (row nfsd: inode + a per-server HMAC key), and the ROW-FS
 * proxy keeps main's handles in its session tables across restarts. So the proxy is given
 * handles named after what all holders of A@vN share, the path inside the image:
 *
 *   bytes 0..3   'R' 'B' 'I' 1 (magic, format 1)
 *   bytes 4..35  SHA-256(publisher key hex "/" A "@v" N NUL path)
 *
 * (36 bytes, within RFC 1813's NFS3_FHSIZE of 64). The version is inside, so a handle of v1
 * never names a file of v2. Paths are relative, '/'-separated, '' for the root, as manifests
 * write them. The map back to the path holds every handle minted in this process; handles
 * from an earlier run are found again through the version's manifest (see image-main-backend.ts).
 */
const HANDLE_MAGIC = Buffer.from([0x52, 0x42, 0x49, 0x01]);
export const IMAGE_HANDLE_BYTES = 36;

export class ImageHandles {
  /** handle bytes (latin1, one char per byte) -> path. */
  private readonly paths = new Map<string, string>();

  constructor(private readonly identity: string) {}

  get size(): number {
    return this.paths.size;
  }

  handleOf(path: string): Buffer {
    const digest = createHash('sha256').update(this.identity).update('\0').update(path).digest();
    const handle = Buffer.concat([HANDLE_MAGIC, digest], IMAGE_HANDLE_BYTES);
    this.paths.set(handle.toString('latin1'), path);
    return handle;
  }

  /** The path of a handle minted here, or undefined. */
  pathOf(handle: Buffer): string | undefined {
    return this.paths.get(handle.toString('latin1'));
  }

  /** True if `handle` has our layout (it may still be from an earlier run or another version). */
  static looksLikeImageHandle(handle: Buffer): boolean {
    return handle.length === IMAGE_HANDLE_BYTES && handle.subarray(0, HANDLE_MAGIC.length).equals(HANDLE_MAGIC);
  }
}

/** The path `name` names in directory `dir`: "." is the directory, ".." its parent (the root's parent is the root, as in a mount). */
export function childPath(dir: string, name: string): string {
  if (name === '.') return dir;
  if (name === '..') return parentOf(dir);
  return dir === '' ? name : `${dir}/${name}`;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
