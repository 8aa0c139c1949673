import { constants } from 'node:fs';
import { chmod, chown, lchown, lutimes, mkdir, open, symlink, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageStoreError } from '../errors.js';
import type { DirectoryEntry, EntryAttributes, FileEntry, SymlinkEntry } from './manifest.js';
import { imagePathProblem, parentPath } from './safe-path.js';

/**
 * Writes an image tree into a fresh staging directory, trusting nothing about the paths it is
 * given: each must be a safe relative path (safe-path.ts) whose parent is a directory this
 * writer created itself. Directories are made with mkdir (fails if the name exists), files with
 * O_CREAT|O_EXCL|O_NOFOLLOW, so nothing is ever written through a symlink or into something
 * that was already there, whatever order or names a hostile upload uses.
 *
 * Modes, owners and times are applied last (directories deepest first), so a read-only
 * directory in the image does not stop its children being written, and writing children does
 * not disturb a directory's mtime. Owners are applied only when running as root.
 */
export class TreeWriter {
  private readonly directories = new Map<string, EntryAttributes>();
  private readonly chownAllowed = process.getuid?.() === 0;

  constructor(
    /** The staging tree's root; must exist and be empty, created by the caller. */
    readonly root: string,
  ) {}

  async directory(entry: DirectoryEntry): Promise<void> {
    const path = this.place(entry.path);
    await attempt(`cannot create directory ${entry.path}`, () => mkdir(path, { mode: 0o700 }));
    this.directories.set(entry.path, entry);
  }

  async symlink(entry: SymlinkEntry): Promise<void> {
    const path = this.place(entry.path);
    await attempt(`cannot create symlink ${entry.path}`, async () => {
      await symlink(entry.target, path);
      if (this.chownAllowed) await lchown(path, entry.uid, entry.gid);
      const seconds = utimesSeconds(entry.mtimeMs);
      await lutimes(path, seconds, seconds);
    });
  }

  /** Creates the file empty; the caller writes its data, then calls `finishFile`. */
  async createFile(entry: Pick<FileEntry, 'path'>): Promise<FileHandle> {
    const path = this.place(entry.path);
    return attempt(`cannot create file ${entry.path}`, () =>
      open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600),
    );
  }

  /**
   * Sets the size (holes for trailing zero blocks), owner, mode and times, and closes. No fsync
   * per file (an image has tens of thousands): ImageStore.commit syncs the file system once.
   */
  async finishFile(handle: FileHandle, entry: FileEntry): Promise<void> {
    try {
      await attempt(`cannot finish ${entry.path}`, async () => {
        await handle.truncate(entry.size);
        // chown clears set-uid/set-gid bits, so it goes before chmod.
        if (this.chownAllowed) await handle.chown(entry.uid, entry.gid);
        await handle.chmod(entry.mode);
        const seconds = utimesSeconds(entry.mtimeMs);
        await handle.utimes(seconds, seconds);
      });
    } finally {
      await handle.close();
    }
  }

  /** Applies the directories' attributes, deepest first, then the root's. */
  async finish(rootAttributes: EntryAttributes): Promise<void> {
    const ordered = [...this.directories].sort(([a], [b]) => depth(b) - depth(a));
    for (const [path, attributes] of [...ordered, ['', rootAttributes] as const]) {
      await attempt(`cannot set attributes of ${path || 'the image root'}`, async () => {
        const absolute = path === '' ? this.root : join(this.root, path);
        if (this.chownAllowed) await chown(absolute, attributes.uid, attributes.gid);
        await chmod(absolute, attributes.mode);
        const seconds = utimesSeconds(attributes.mtimeMs);
        await utimes(absolute, seconds, seconds);
      });
    }
  }

  /** The absolute path for `path`, once it is known to land inside a directory we made. */
  private place(path: string): string {
    const problem = imagePathProblem(path);
    if (problem !== null) throw new ImageStoreError(`refusing path ${JSON.stringify(path)}: ${problem}`);
    const parent = parentPath(path);
    if (parent !== '' && !this.directories.has(parent)) {
      throw new ImageStoreError(`refusing ${path}: its parent is not a directory of this image`);
    }
    return join(this.root, path);
  }
}

/**
 * Node hands utimes a double of seconds and libuv truncates it to nanoseconds; a whole
 * millisecond such as ...222.280 s is stored as ...222.279999971 and would read back one
 * millisecond early. Half a microsecond in (a double here resolves ~240 ns) lands inside the
 * intended millisecond.
 */
function utimesSeconds(mtimeMs: number): number {
  return (mtimeMs + 0.0005) / 1000;
}

function depth(path: string): number {
  return path.split('/').length;
}

async function attempt<T>(message: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new ImageStoreError(message, { cause: error });
  }
}
