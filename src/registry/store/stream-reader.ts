import type { Duplex } from 'node:stream';
import { TransferError } from '../errors.js';

/**
 * Pull-style reading of a byte stream (an overlay stream, a socket): whole lines and exact byte
 * counts, with flow control (the stream is paused while `highWaterBytes` are buffered) and an
 * idle timeout on every wait, so a silent peer cannot hold a transfer open forever.
 */
const DEFAULT_HIGH_WATER_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

export class StreamReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private finished: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly stream: Duplex,
    initial: Buffer = Buffer.alloc(0),
    private readonly idleTimeoutMs = 60_000,
    private readonly highWaterBytes = DEFAULT_HIGH_WATER_BYTES,
  ) {
    if (initial.length > 0) this.push(initial);
    stream.on('data', (chunk: Buffer) => {
      this.push(chunk);
      if (this.buffered >= this.highWaterBytes) stream.pause();
      this.notify();
    });
    stream.on('end', () => this.finish(new TransferError('the peer closed the stream')));
    stream.on('close', () => this.finish(new TransferError('the stream closed')));
    stream.on('error', (error: Error) => this.finish(new TransferError('the stream failed', { cause: error })));
    stream.resume();
  }

  /** Exactly `length` bytes. */
  async readExactly(length: number): Promise<Buffer> {
    while (this.buffered < length) await this.more(`${length} bytes`);
    return this.take(length);
  }

  /** One line without its newline; refuses lines longer than `maxBytes`. */
  async readLine(maxBytes: number): Promise<string> {
    for (;;) {
      const at = this.indexOfNewline();
      if (at >= 0) {
        const line = this.take(at + 1);
        return line.subarray(0, at).toString('utf8');
      }
      if (this.buffered > maxBytes) throw new TransferError(`line longer than ${maxBytes} bytes`);
      await this.more('a line');
    }
  }

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  private finish(error: Error): void {
    this.finished ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async more(what: string): Promise<void> {
    if (this.finished) throw this.finished;
    this.stream.resume();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = null;
        reject(new TransferError(`no data from the peer for ${this.idleTimeoutMs} ms (waiting for ${what})`));
      }, this.idleTimeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (this.buffered === 0 && this.finished) throw this.finished;
  }

  private indexOfNewline(): number {
    let offset = 0;
    for (const chunk of this.chunks) {
      const at = chunk.indexOf(NEWLINE);
      if (at >= 0) return offset + at;
      offset += chunk.length;
    }
    return -1;
  }

  private take(length: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first !== undefined && first.length >= length) {
      out = first.subarray(0, length);
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, length);
      this.chunks = all.length > length ? [all.subarray(length)] : [];
    }
    this.buffered -= length;
    if (this.buffered < this.highWaterBytes) this.stream.resume();
    return out;
  }
}

/** Writes `data`, waiting for 'drain' when the stream's buffer is full. */
export async function writeAll(stream: Duplex, data: Buffer | string): Promise<void> {
  if (stream.destroyed) throw new TransferError('the stream closed');
  if (stream.write(data)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new TransferError('the stream closed while sending'));
    const onError = (error: Error) => done(new TransferError('the stream failed while sending', { cause: error }));
    stream.on('drain', onDrain);
    stream.on('close', onClose);
    stream.on('error', onError);
  });
}
