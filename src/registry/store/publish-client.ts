import type { Duplex } from 'node:stream';
import { TransferError } from '../errors.js';
import { digestFile } from './file-digest.js';
import type { BuiltManifest } from './manifest-builder.js';
import { MAX_CONTROL_LINE_BYTES, encodeLine, parsePublishReply, type PublishReply } from './wire.js';
import { StreamReader, writeAll } from './stream-reader.js';

/**
 * Publisher side of the "publish" service (wire.ts): sends the manifest, then, if the server
 * wants it, the data blocks in manifest order, read from the source again. A file that changed
 * since the manifest was built stops the upload (the server would refuse it anyway).
 */
export interface UploadOptions {
  /** Bytes of block data sent so far, out of the manifest's total. */
  onProgress?: (sentBytes: number) => void;
  /** How long to wait for any one reply (the final one comes after the server's commit). */
  replyTimeoutMs?: number;
}

export type UploadResult = Extract<PublishReply, { status: 'have' | 'stored' }>;

export async function uploadImage(stream: Duplex, built: BuiltManifest, options: UploadOptions = {}): Promise<UploadResult> {
  const reader = new StreamReader(stream, Buffer.alloc(0), options.replyTimeoutMs ?? 120_000);
  try {
    await writeAll(stream, encodeLine({ op: 'publish', manifestBytes: built.bytes.length }));
    await writeAll(stream, built.bytes);
    const first = parsePublishReply(await reader.readLine(MAX_CONTROL_LINE_BYTES));
    if (first.status === 'refused') throw new TransferError(first.reason);
    if (first.status !== 'send') return first;
    try {
      await sendBlocks(stream, built, options.onProgress);
    } catch (error) {
      // A server that refuses mid-upload says why before it closes; prefer its reason.
      const reason = await reader.readLine(MAX_CONTROL_LINE_BYTES).then(parsePublishReply, () => null);
      if (reason?.status === 'refused') throw new TransferError(reason.reason, { cause: error });
      throw error;
    }
    const last = parsePublishReply(await reader.readLine(MAX_CONTROL_LINE_BYTES));
    if (last.status === 'refused') throw new TransferError(last.reason);
    if (last.status !== 'stored') throw new TransferError(`unexpected reply '${last.status}' after the upload`);
    return last;
  } finally {
    stream.end();
  }
}

async function sendBlocks(stream: Duplex, built: BuiltManifest, onProgress?: (sentBytes: number) => void): Promise<void> {
  const { blockSize } = built.manifest;
  let sent = 0;
  for (const entry of built.manifest.entries) {
    if (entry.type !== 'file') continue;
    const source = built.sources.get(entry.path);
    if (source === undefined) throw new TransferError(`no source file for ${entry.path}`);
    const digest = await digestFile(source, blockSize, {
      // The stream keeps what it is given until it is sent.
      freshBuffers: true,
      sink: async ({ data, zero }) => {
        for (const [index, isZero] of zero.entries()) {
          if (isZero) continue;
          const block = data.subarray(index * blockSize, Math.min((index + 1) * blockSize, data.length));
          await writeAll(stream, block);
          sent += block.length;
        }
        onProgress?.(sent);
      },
    });
    if (digest.size !== entry.size || digest.blocks.some((hash, index) => hash !== entry.blocks[index])) {
      stream.destroy();
      throw new TransferError(`${source} changed while it was being published; publish again`);
    }
  }
}
