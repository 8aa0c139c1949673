import type { Socket } from 'node:net';

/** Chunks at least this large (READ/WRITE payloads) go to the socket by reference. */
const BY_REFERENCE_BYTES = 4096;

/**
 * Batches the records written to one socket during a tick into one write: a syscall per
 * reply is what costs most at high call rates, and a decoded chunk of many calls
 * produces many replies at once. Small chunks of a batch are joined (copying a few
 * headers is cheaper than a writev entry each); large ones are passed by reference and
 * the batch goes out corked as one writev, so payloads are never copied.
 */
export class BatchedSocketWriter {
  private pending: Buffer[] = [];
  private scheduled = false;

  /** onBlocked runs when the socket's buffer passes its high-water mark (wait for 'drain'). */
  constructor(
    private readonly socket: Socket,
    private readonly onBlocked: () => void,
  ) {}

  write(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) this.pending.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(flushWriter, this);
    }
  }

  flush(): void {
    this.scheduled = false;
    const chunks = this.pending;
    this.pending = [];
    const socket = this.socket;
    if (chunks.length === 0 || socket.destroyed || !socket.writable) return;
    if (!writeJoined(socket, chunks)) this.onBlocked();
  }

  /** Sends what is batched, then half-closes the socket (its FIN follows our last reply). */
  end(): void {
    this.flush();
    this.socket.end();
  }
}

function flushWriter(writer: BatchedSocketWriter): void {
  writer.flush();
}

/** Writes chunks as few buffers as possible without copying large ones; returns socket.write's verdict. */
function writeJoined(socket: Socket, chunks: readonly Buffer[]): boolean {
  if (chunks.length === 1) return socket.write(chunks[0] as Buffer);
  let largeCount = 0;
  for (const chunk of chunks) if (chunk.length >= BY_REFERENCE_BYTES) largeCount++;
  if (largeCount === 0) return socket.write(Buffer.concat(chunks));
  socket.cork();
  let ok = true;
  let run: Buffer[] = [];
  for (const chunk of chunks) {
    if (chunk.length < BY_REFERENCE_BYTES) {
      run.push(chunk);
      continue;
    }
    if (run.length > 0) {
      ok = socket.write(run.length === 1 ? (run[0] as Buffer) : Buffer.concat(run));
      run = [];
    }
    ok = socket.write(chunk);
  }
  if (run.length > 0) ok = socket.write(run.length === 1 ? (run[0] as Buffer) : Buffer.concat(run));
  socket.uncork();
  return ok;
}
