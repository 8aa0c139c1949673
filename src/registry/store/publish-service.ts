import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { ManifestError, RegistryError } from '../errors.js';
import type { ImageStore, StoredVersion } from './image-store.js';
import { writeFully } from './staged-file.js';
import { MAX_MANIFEST_BYTES, blockLength, dataBlockIndexes, decodeManifest, manifestHash, type FileEntry, type Manifest } from './manifest.js';
import { StreamReader, writeAll } from './stream-reader.js';
import { TreeWriter } from './tree-writer.js';
import { MAX_CONTROL_LINE_BYTES, encodeLine, parseLine, type PublishReply } from './wire.js';

/**
 * Server side of the "publish" service (wire.ts): takes an image from an allowed publisher,
 * writes it into a private staging directory, checks every block against the manifest, and
 * only then commits it into the store. Nothing reaches the store unless the whole upload
 * matches; a refused manifest (unsafe path, wrong publisher) is refused before any byte of
 * file data is read or any directory is created.
 */
export interface AuthenticatedStream extends Duplex {
  /** The peer's key, authenticated by the overlay's Noise handshake. */
  readonly remotePublicKey: Buffer;
}

export interface PublishServiceOptions {
  store: ImageStore;
  /** Publisher keys (hex) allowed to upload. */
  publishers: ReadonlySet<string>;
  /** The NFS mount path at which a stored version is served. */
  mountPathOf(stored: StoredVersion): string;
  /** Runs once the version is in the store (announce it); the publisher hears "stored" after it. */
  onStored(stored: StoredVersion): Promise<void>;
  log(line: string): void;
  idleTimeoutMs?: number;
}

/** A request the server turns down; its message goes back to the publisher. */
class Refusal extends RegistryError {}

export async function servePublish(stream: AuthenticatedStream, firstBytes: Buffer, options: PublishServiceOptions): Promise<void> {
  const peer = stream.remotePublicKey.toString('hex');
  const reader = new StreamReader(stream, firstBytes, options.idleTimeoutMs);
  const reply = (message: PublishReply) => writeAll(stream, encodeLine(message));
  try {
    const request = parseLine(await reader.readLine(MAX_CONTROL_LINE_BYTES), 'publish request');
    if (!options.publishers.has(peer)) throw new Refusal(`publisher ${peer} may not publish to this server (row serve --publishers)`);
    const size = request.manifestBytes;
    if (request.op !== 'publish' || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > MAX_MANIFEST_BYTES) {
      throw new Refusal(`bad publish request: expected {"op":"publish","manifestBytes":1..${MAX_MANIFEST_BYTES}}`);
    }
    const bytes = await reader.readExactly(size);
    let manifest: Manifest;
    try {
      manifest = decodeManifest(bytes);
    } catch (error) {
      if (error instanceof ManifestError) throw new Refusal(`manifest refused: ${error.message}`, { cause: error });
      throw error;
    }
    const image = `${manifest.name}@v${manifest.version}`;
    if (manifest.publisher !== peer) throw new Refusal(`the manifest names publisher ${manifest.publisher}, but this stream is ${peer}`);
    const hash = manifestHash(bytes);
    const existing = await options.store.find(manifest.name, manifest.version);
    if (existing !== null) {
      if (existing.manifestHash !== hash) throw new Refusal(`this server already holds ${image} with another manifest (${existing.manifestHash})`);
      await options.onStored(existing);
      await reply({ status: 'have', manifestHash: hash, mountPath: options.mountPathOf(existing) });
      stream.end();
      return;
    }
    const owner = await options.store.publisherOf(manifest.name);
    if (owner !== null && owner !== manifest.publisher) throw new Refusal(`this server holds ${manifest.name} for publisher ${owner}`);
    await reply({ status: 'send' });
    options.log(`publish: receiving ${image} from ${peer.slice(0, 12)}…`);
    const stored = await receiveTree(reader, options.store, bytes, manifest);
    await options.onStored(stored);
    await reply({ status: 'stored', manifestHash: stored.manifestHash, mountPath: options.mountPathOf(stored) });
    options.log(`publish: stored ${image} (manifest ${stored.manifestHash})`);
    stream.end();
  } catch (error) {
    const reason = error instanceof Refusal || error instanceof RegistryError ? error.message : `server error: ${(error as Error).message}`;
    options.log(`publish: refused upload from ${peer.slice(0, 12)}…: ${reason}`);
    await reply({ status: 'refused', reason }).catch(() => undefined);
    stream.end();
  }
}

async function receiveTree(reader: StreamReader, store: ImageStore, bytes: Buffer, manifest: Manifest): Promise<StoredVersion> {
  const staging = await store.createStaging();
  try {
    const writer = new TreeWriter(staging.tree);
    for (const entry of manifest.entries) {
      if (entry.type === 'directory') await writer.directory(entry);
      else if (entry.type === 'symlink') await writer.symlink(entry);
      else await receiveFile(reader, writer, entry, manifest.blockSize);
    }
    await writer.finish(manifest.root);
    return await store.commit(staging, bytes, manifest);
  } finally {
    await staging.discard();
  }
}

/** Consecutive data blocks are read, checked and written together, up to this many bytes. */
const WRITE_BATCH_BYTES = 1024 * 1024;

async function receiveFile(reader: StreamReader, writer: TreeWriter, entry: FileEntry, blockSize: number): Promise<void> {
  const handle = await writer.createFile(entry);
  try {
    let run: number[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const first = run[0] ?? 0;
      const lengths = run.map((index) => blockLength(entry.size, blockSize, index));
      const data = await reader.readExactly(lengths.reduce((sum, length) => sum + length, 0));
      let offset = 0;
      for (const [position, index] of run.entries()) {
        const block = data.subarray(offset, offset + (lengths[position] ?? 0));
        if (createHash('sha256').update(block).digest('hex') !== entry.blocks[index]) {
          throw new Refusal(`${entry.path}: block ${index} does not match the manifest`);
        }
        offset += block.length;
      }
      await writeFully(handle, data, first * blockSize);
      run = [];
    };
    for (const index of dataBlockIndexes(entry)) {
      const last = run[run.length - 1];
      if (last !== undefined && (index !== last + 1 || run.length * blockSize >= WRITE_BATCH_BYTES)) await flush();
      run.push(index);
    }
    await flush();
  } catch (error) {
    await handle.close();
    throw error;
  }
  await writer.finishFile(handle, entry);
}
