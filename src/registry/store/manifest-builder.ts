import { digestFile, type ChunkSink } from './file-digest.js';
import { MANIFEST_BLOCK_SIZE, encodeManifest, type FileEntry, type Manifest, type ManifestEntry } from './manifest.js';
import { attributesOf, scanSourceTree, type SourceEntry } from './source-tree.js';

/**
 * From a publisher's directory to a manifest: one walk, one read of every file. A caller that
 * also wants the bytes somewhere (a local store copy) passes a sink per file.
 */
export interface ImageIdentity {
  name: string;
  version: number;
  /** Publisher public key, hex. */
  publisher: string;
}

export interface BuildOptions {
  onSkip?: (path: string, why: string) => void;
  /** Called after each chunk read, with the bytes read so far and the total file bytes. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Stops the walk between files and chunks; buildManifest then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Per-entry hooks for a copy: a directory or symlink to create, a file's chunk sink. */
  visit?: {
    directory(entry: ManifestEntry & { type: 'directory' }): Promise<void>;
    symlink(entry: ManifestEntry & { type: 'symlink' }): Promise<void>;
    file(path: string): Promise<{ sink: ChunkSink; finish(entry: FileEntry): Promise<void>; abort(): Promise<void> }>;
  };
}

export interface BuiltManifest {
  manifest: Manifest;
  bytes: Buffer;
  /** Absolute source path of each file entry, for a second pass (an upload). */
  sources: Map<string, string>;
}

export async function buildManifest(sourceRoot: string, identity: ImageIdentity, options: BuildOptions = {}): Promise<BuiltManifest> {
  const tree = await scanSourceTree(sourceRoot, options.onSkip);
  const totalBytes = tree.entries.reduce((sum, entry) => sum + (entry.type === 'file' ? entry.stats.size : 0), 0);
  let doneBytes = 0;
  const onBytes = (bytes: number) => {
    doneBytes += bytes;
    options.onProgress?.(doneBytes, totalBytes);
  };
  const entries: ManifestEntry[] = [];
  const sources = new Map<string, string>();
  for (const source of tree.entries) {
    options.signal?.throwIfAborted();
    const entry = await describeEntry(source, options, onBytes);
    entries.push(entry);
    if (entry.type === 'file') sources.set(entry.path, source.absolute);
  }
  const manifest: Manifest = {
    ...identity,
    blockSize: MANIFEST_BLOCK_SIZE,
    root: attributesOf(tree.root),
    entries,
  };
  return { manifest, bytes: encodeManifest(manifest), sources };
}

async function describeEntry(source: SourceEntry, options: BuildOptions, onBytes: (bytes: number) => void): Promise<ManifestEntry> {
  const attributes = attributesOf(source.stats);
  if (source.type === 'directory') {
    const entry = { type: 'directory' as const, path: source.path, ...attributes };
    await options.visit?.directory(entry);
    return entry;
  }
  if (source.type === 'symlink') {
    const entry = { type: 'symlink' as const, path: source.path, ...attributes, target: source.target ?? '' };
    await options.visit?.symlink(entry);
    return entry;
  }
  const copy = await options.visit?.file(source.path);
  try {
    const digest = await digestFile(source.absolute, MANIFEST_BLOCK_SIZE, { sink: copy?.sink, signal: options.signal, onBytes });
    const entry: FileEntry = { type: 'file', path: source.path, ...attributes, ...digest };
    await copy?.finish(entry);
    return entry;
  } catch (error) {
    await copy?.abort();
    throw error;
  }
}
