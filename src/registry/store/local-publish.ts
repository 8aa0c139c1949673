import { StoreConflictError } from '../errors.js';
import type { ImageStore, StoredVersion } from './image-store.js';
import { buildManifest, type BuildOptions, type ImageIdentity } from './manifest-builder.js';
import { MANIFEST_BLOCK_SIZE, manifestHash, type Manifest } from './manifest.js';
import { StagedFile } from './staged-file.js';
import { TreeWriter } from './tree-writer.js';

/**
 * `row publish A@vN DIR --store STORE`: copies DIR into the store as A@vN in one read of every
 * file (hashing as it copies), keeps zero blocks as holes, and commits atomically.
 */
export interface StorePublishResult {
  stored: StoredVersion;
  manifest: Manifest;
  manifestBytes: Buffer;
}

export interface StorePublishOptions extends Pick<BuildOptions, 'onSkip' | 'onProgress' | 'signal'> {
  /**
   * Awaited after the copy and before the commit; a rejection discards the staged copy. Lets
   * the caller check the DHT's latest record while the copy runs (the check refuses an old
   * version, and nothing may land in the store then) instead of before it.
   */
  beforeCommit?: () => Promise<void>;
}

export async function publishToStore(store: ImageStore, sourceRoot: string, identity: ImageIdentity, options: StorePublishOptions = {}): Promise<StorePublishResult> {
  const { beforeCommit, ...buildOptions } = options;
  // Refuse before copying gigabytes; the same tree again (a retried publish) is already done.
  const existing = await store.find(identity.name, identity.version);
  if (existing !== null) {
    const built = await buildManifest(sourceRoot, identity, buildOptions);
    if (manifestHash(built.bytes) !== existing.manifestHash) {
      throw new StoreConflictError(`this store already holds ${identity.name}@v${identity.version} with other contents (manifest ${existing.manifestHash})`);
    }
    return { stored: existing, manifest: built.manifest, manifestBytes: built.bytes };
  }
  const owner = await store.publisherOf(identity.name);
  if (owner !== null && owner !== identity.publisher) {
    throw new StoreConflictError(`this store holds ${identity.name} for publisher ${owner}, not ${identity.publisher}`);
  }
  const staging = await store.createStaging();
  try {
    const writer = new TreeWriter(staging.tree);
    const built = await buildManifest(sourceRoot, identity, {
      ...buildOptions,
      visit: {
        directory: (entry) => writer.directory(entry),
        symlink: (entry) => writer.symlink(entry),
        file: async (path) => {
          const file = new StagedFile(await writer.createFile({ path }), path, MANIFEST_BLOCK_SIZE);
          return {
            sink: file.sink,
            finish: async (entry) => {
              try {
                await file.settle();
              } catch (error) {
                await file.handle.close();
                throw error;
              }
              await writer.finishFile(file.handle, entry);
            },
            abort: async () => {
              await file.settle().catch(() => undefined);
              await file.handle.close();
            },
          };
        },
      },
    });
    await writer.finish(built.manifest.root);
    await beforeCommit?.();
    const stored = await store.commit(staging, built.bytes, built.manifest);
    if (stored.manifestHash !== manifestHash(built.bytes)) throw new StoreConflictError(`${identity.name}@v${identity.version} changed while it was stored`);
    return { stored, manifest: built.manifest, manifestBytes: built.bytes };
  } finally {
    await staging.discard();
  }
}
