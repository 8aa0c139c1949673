import type { Duplex } from 'node:stream';
import { RegistryError, TransferError } from '../errors.js';
import { DELETE_REQUEST_MAX_SKEW_MS, verifyDeleteRequest, type SignedDeleteRequest } from './delete-request.js';
import type { ImageStore, StoredVersion } from './image-store.js';
import { StreamReader, writeAll } from './stream-reader.js';
import { MAX_CONTROL_LINE_BYTES, encodeLine, parseDeleteReply, parseLine, type DeleteReply, type DeleteResult } from './wire.js';

/**
 * The "delete" service (wire.ts) of `row serve`, and its client. The server believes only a
 * request signed by A's publisher (delete-request.ts), and even then double-checks with its own
 * `veto` (in `row serve`: never the latest version, never one with users) before it stops
 * announcing a version and removes it from the store.
 */
export interface DeleteServiceOptions {
  store: ImageStore;
  serverKey: Buffer;
  /** Why `stored` must not be deleted now, or null. */
  veto(stored: StoredVersion): Promise<string | null>;
  /** Runs before the files go (stop announcing the version). */
  beforeDelete(stored: StoredVersion): Promise<void>;
  log(line: string): void;
  idleTimeoutMs?: number;
}

export class DeleteService {
  /** Nonces seen within the allowed clock skew: a replayed request is refused. */
  private readonly seenNonces = new Map<string, number>();

  constructor(private readonly options: DeleteServiceOptions) {}

  async serve(stream: Duplex, firstBytes: Buffer): Promise<void> {
    const reader = new StreamReader(stream, firstBytes, this.options.idleTimeoutMs);
    let reply: DeleteReply;
    try {
      const envelope = parseLine(await reader.readLine(MAX_CONTROL_LINE_BYTES), 'delete request');
      reply = { results: await this.handle(envelope) };
    } catch (error) {
      const reason = error instanceof RegistryError ? error.message : `server error: ${(error as Error).message}`;
      this.options.log(`delete: refused: ${reason}`);
      reply = { results: [{ version: 0, status: 'refused', reason }] };
    }
    await writeAll(stream, encodeLine(reply)).catch(() => undefined);
    stream.end();
  }

  private async handle(envelope: Record<string, unknown>): Promise<DeleteResult[]> {
    let claimed: { name?: unknown } = {};
    try {
      if (typeof envelope.request === 'string') claimed = JSON.parse(envelope.request) as { name?: unknown };
    } catch (error) {
      throw new TransferError('malformed delete request: not JSON', { cause: error });
    }
    const name = typeof claimed.name === 'string' ? claimed.name : '';
    const owner = name === '' ? null : await this.options.store.publisherOf(name).catch(() => null);
    if (owner === null) throw new TransferError(`this server holds no versions of '${name}'`);
    const now = Date.now();
    const request = verifyDeleteRequest(envelope, { server: this.options.serverKey, publisher: owner, now });
    this.forgetOldNonces(now);
    if (this.seenNonces.has(request.nonce)) throw new TransferError('this request was already used (replay)');
    this.seenNonces.set(request.nonce, now);
    const results: DeleteResult[] = [];
    for (const version of [...new Set(request.versions)].sort((a, b) => a - b)) {
      results.push(await this.deleteOne(request.name, version));
    }
    return results;
  }

  private async deleteOne(name: string, version: number): Promise<DeleteResult> {
    const stored = await this.options.store.find(name, version);
    if (stored === null) return { version, status: 'absent' };
    const veto = await this.options.veto(stored).catch((error: Error) => `cannot check it is unused: ${error.message}`);
    if (veto !== null) {
      this.options.log(`delete: kept ${name}@v${version}: ${veto}`);
      return { version, status: 'refused', reason: veto };
    }
    await this.options.beforeDelete(stored);
    await this.options.store.remove(name, version);
    this.options.log(`delete: deleted ${name}@v${version}`);
    return { version, status: 'deleted' };
  }

  private forgetOldNonces(now: number): void {
    for (const [nonce, seenAt] of this.seenNonces) {
      if (now - seenAt > 2 * DELETE_REQUEST_MAX_SKEW_MS) this.seenNonces.delete(nonce);
    }
  }
}

/** Client side: sends a signed request on an open "delete" stream and returns the server's results. */
export async function requestDelete(stream: Duplex, signed: SignedDeleteRequest, timeoutMs = 60_000): Promise<DeleteResult[]> {
  const reader = new StreamReader(stream, Buffer.alloc(0), timeoutMs);
  try {
    await writeAll(stream, encodeLine(signed));
    return parseDeleteReply(await reader.readLine(MAX_CONTROL_LINE_BYTES)).results;
  } finally {
    stream.end();
  }
}
