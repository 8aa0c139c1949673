import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, realpath, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageStoreError, StoreConflictError } from '../errors.js';
import { assertImageName } from '../image-ref.js';
import { forceRemove } from './force-remove.js';
import { manifestHash, type Manifest } from './manifest.js';

/**
 * An image server's store (`row serve --store DIR`):
 *
 *   DIR/<A>/v<N>/                 the tree of A@vN, exported read-only as is
 *   DIR/<A>/v<N>.manifest.json    its manifest, beside the tree so the guest never sees it
 *   DIR/.incoming/<id>/           uploads and local copies being written
 *   DIR/.trash/                   versions being deleted
 *
 * A version exists once its manifest is in place. Commit renames the finished tree and then the
 * manifest into place (same file system, so both are atomic), so a reader sees a version
 * completely or not at all; a crash between the two leaves a tree without a manifest, which is
 * ignored and blocks a new publish of that version until an admin removes it.
 */
export const INCOMING_DIR = '.incoming';
export const TRASH_DIR = '.trash';
const MANIFEST_SUFFIX = '.manifest.json';
const MANIFEST_NAME = /^v([1-9][0-9]{0,9})\.manifest\.json$/;

export interface StoredVersion {
  name: string;
  version: number;
  /** Publisher key (hex) from the manifest. */
  publisher: string;
  manifestHash: string;
  /** `<A>/v<N>`: where the tree sits below the store root (and below the store's NFS export). */
  relativePath: string;
  treePath: string;
  manifestPath: string;
}

export interface Staging {
  /** Private directory of this transfer. */
  readonly dir: string;
  /** Where the tree is written (exists, empty, mode 0700). */
  readonly tree: string;
  /** Removes everything written so far. */
  discard(): Promise<void>;
}

interface CachedManifest {
  key: string;
  publisher: string;
  hash: string;
}

export class ImageStore {
  /** Manifest facts by path, keyed by inode/size/mtime so a rescan reads only new manifests. */
  private readonly manifestCache = new Map<string, CachedManifest>();
  /** Commits and removals run one at a time in this process. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly root: string) {}

  /** Opens (creating if needed) the store at `root`; empties its trash. */
  static async open(root: string): Promise<ImageStore> {
    try {
      await mkdir(root, { recursive: true });
      const real = await realpath(root);
      await mkdir(join(real, INCOMING_DIR), { recursive: true, mode: 0o700 });
      await mkdir(join(real, TRASH_DIR), { recursive: true, mode: 0o700 });
      const store = new ImageStore(real);
      for (const name of await readdir(join(real, TRASH_DIR))) await forceRemove(join(real, TRASH_DIR, name));
      return store;
    } catch (error) {
      throw new ImageStoreError(`cannot open image store ${root}`, { cause: error });
    }
  }

  treePath(name: string, version: number): string {
    return join(this.root, name, `v${version}`);
  }

  manifestPath(name: string, version: number): string {
    return join(this.root, name, `v${version}${MANIFEST_SUFFIX}`);
  }

  /** Every complete version in the store, by name then version. */
  async list(): Promise<StoredVersion[]> {
    const versions: StoredVersion[] = [];
    for (const name of (await this.readdirOrEmpty(this.root)).sort()) {
      if (!isImageName(name)) continue;
      for (const file of await this.readdirOrEmpty(join(this.root, name))) {
        const match = MANIFEST_NAME.exec(file);
        if (!match) continue;
        const found = await this.describe(name, Number(match[1]));
        if (found !== null) versions.push(found);
      }
    }
    return versions.sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  }

  /** A@vN if the store holds it completely, else null. */
  async find(name: string, version: number): Promise<StoredVersion | null> {
    assertImageName(name);
    return this.describe(name, version);
  }

  /** The publisher of A's versions in this store, or null if it holds none. */
  async publisherOf(name: string): Promise<string | null> {
    return (await this.list()).find((stored) => stored.name === name)?.publisher ?? null;
  }

  async createStaging(): Promise<Staging> {
    const dir = join(this.root, INCOMING_DIR, `${Date.now()}-${randomBytes(6).toString('hex')}`);
    const tree = join(dir, 'tree');
    try {
      await mkdir(dir, { mode: 0o700 });
      await mkdir(tree, { mode: 0o700 });
    } catch (error) {
      throw new ImageStoreError(`cannot create a staging directory in ${this.root}`, { cause: error });
    }
    return { dir, tree, discard: () => forceRemove(dir) };
  }

  /**
   * Moves a finished staging tree into place as the manifest's version, with the manifest
   * bytes beside it. Refuses a version the store has (complete or not) and a name that belongs
   * to another publisher here. The staging directory is gone afterwards either way.
   */
  commit(staging: Staging, manifestBytes: Buffer, manifest: Manifest): Promise<StoredVersion> {
    return this.serialize(async () => {
      try {
        const { name, version } = manifest;
        const owner = await this.publisherOf(name);
        if (owner !== null && owner !== manifest.publisher) {
          throw new StoreConflictError(`this store holds ${name} for publisher ${owner}, not ${manifest.publisher}`);
        }
        if ((await this.describe(name, version)) !== null) throw new StoreConflictError(`this store already holds ${name}@v${version}`);
        const treePath = this.treePath(name, version);
        if ((await lstatOrNull(treePath)) !== null) {
          throw new StoreConflictError(`${treePath} exists without a manifest (an interrupted publish?); remove it and publish again`);
        }
        const staged = join(staging.dir, 'manifest.json');
        await attempt(`cannot store ${name}@v${version}`, async () => {
          // The tree's data must be on disk before its name appears, or a crash could leave a
          // version whose manifest promises blocks that were never written.
          await syncFileSystem(staging.dir);
          await mkdir(join(this.root, name), { recursive: true, mode: 0o755 });
          const file = await open(staged, 'wx', 0o644);
          try {
            await file.writeFile(manifestBytes);
            await file.sync();
          } finally {
            await file.close();
          }
          await rename(staging.tree, treePath);
          await rename(staged, this.manifestPath(name, version));
          await syncDirectory(join(this.root, name));
        });
        const stored = await this.describe(name, version);
        if (stored === null) throw new ImageStoreError(`${name}@v${version} vanished right after it was stored`);
        return stored;
      } finally {
        await staging.discard();
      }
    });
  }

  /** Deletes A@vN (manifest first, so it stops existing at once); false if it was not there. */
  remove(name: string, version: number): Promise<boolean> {
    assertImageName(name);
    return this.serialize(async () => {
      const manifestPath = this.manifestPath(name, version);
      const treePath = this.treePath(name, version);
      const trash = join(this.root, TRASH_DIR, `${name}-v${version}-${randomBytes(6).toString('hex')}`);
      const hadManifest = (await lstatOrNull(manifestPath)) !== null;
      const hadTree = (await lstatOrNull(treePath)) !== null;
      if (!hadManifest && !hadTree) return false;
      await attempt(`cannot delete ${name}@v${version}`, async () => {
        await mkdir(trash, { mode: 0o700 });
        if (hadManifest) await rename(manifestPath, join(trash, 'manifest.json'));
        if (hadTree) await rename(treePath, join(trash, 'tree'));
        await forceRemove(trash);
      });
      this.manifestCache.delete(manifestPath);
      return hadManifest;
    });
  }

  /** Removes staging directories older than `maxAgeMs` (left by crashed or abandoned transfers). */
  async removeStaleStaging(maxAgeMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    const incoming = join(this.root, INCOMING_DIR);
    for (const name of await this.readdirOrEmpty(incoming)) {
      const stats = await lstatOrNull(join(incoming, name));
      if (stats !== null && now - stats.mtimeMs > maxAgeMs) {
        await forceRemove(join(incoming, name));
        removed++;
      }
    }
    return removed;
  }

  private async describe(name: string, version: number): Promise<StoredVersion | null> {
    const manifestPath = this.manifestPath(name, version);
    const treePath = this.treePath(name, version);
    const [manifestStats, treeStats] = await Promise.all([lstatOrNull(manifestPath), lstatOrNull(treePath)]);
    if (manifestStats === null || !manifestStats.isFile() || treeStats === null || !treeStats.isDirectory()) return null;
    const key = `${manifestStats.ino}:${manifestStats.size}:${manifestStats.mtimeMs}`;
    let cached = this.manifestCache.get(manifestPath);
    if (cached?.key !== key) {
      const bytes = await attempt(`cannot read ${manifestPath}`, () => readFile(manifestPath));
      const publisher = publisherIn(bytes, name, version);
      if (publisher === null) return null;
      cached = { key, publisher, hash: manifestHash(bytes) };
      this.manifestCache.set(manifestPath, cached);
    }
    return {
      name,
      version,
      publisher: cached.publisher,
      manifestHash: cached.hash,
      relativePath: `${name}/v${version}`,
      treePath,
      manifestPath,
    };
  }

  private async readdirOrEmpty(path: string): Promise<string[]> {
    try {
      return await readdir(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw new ImageStoreError(`cannot list ${path}`, { cause: error });
    }
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function isImageName(name: string): boolean {
  try {
    assertImageName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The publisher a stored manifest names, if it is the manifest of `name`@v`version`. The store
 * wrote (and checked) it, so only the header is looked at here.
 */
function publisherIn(bytes: Buffer, name: string, version: number): string | null {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { name?: unknown; version?: unknown; publisher?: unknown };
    if (parsed.name !== name || parsed.version !== version || typeof parsed.publisher !== 'string') return null;
    return /^[0-9a-f]{64}$/.test(parsed.publisher) ? parsed.publisher : null;
  } catch {
    return null;
  }
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ImageStoreError(`cannot stat ${path}`, { cause: error });
  }
}

/**
 * syncfs(2) of the file system holding `path`, through coreutils `sync --file-system` (Node has
 * no syncfs): one call instead of an fsync per file of the tree.
 */
function syncFileSystem(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sync', ['--file-system', path], (error) => (error ? reject(new ImageStoreError(`sync --file-system ${path} failed`, { cause: error })) : resolve()));
  });
}

/** fsync of the directory, so the renames survive a crash (rename(2) alone is not durable). */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function attempt<T>(message: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ImageStoreError) throw error;
    throw new ImageStoreError(message, { cause: error });
  }
}
