/** Reads a child process's stdout line by line: `next()` resolves with the next line, or rejects after a timeout. */
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

export class ChildLines {
  private readonly queued: string[] = [];
  private readonly waiting: Array<(line: string | undefined) => void> = [];
  private closed = false;

  constructor(stream: Readable) {
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.queued.push(line);
    });
    lines.on('close', () => {
      this.closed = true;
      for (const waiter of this.waiting.splice(0)) waiter(undefined);
    });
  }

  next(timeoutMs: number, what: string): Promise<string> {
    const line = this.queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.reject(new Error(`${what}: the process closed its output`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(deliver);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new Error(`${what}: no line within ${timeoutMs} ms`));
      }, timeoutMs);
      const deliver = (next: string | undefined): void => {
        clearTimeout(timer);
        if (next === undefined) reject(new Error(`${what}: the process closed its output`));
        else resolve(next);
      };
      this.waiting.push(deliver);
    });
  }
}
