/**
 * A VM's serial console as lines with arrival times (ms since power-on), and waits for a
 * pattern. A failure line (boot-markers.ts) ends every pending and later wait at once, so a
 * failed boot is reported when it happens rather than at a timeout.
 */
import { bootFailurePatterns } from './boot-markers.js';
import { LabError } from './errors.js';

export interface ConsoleMatch {
  match: RegExpExecArray;
  /** The line's index in `lines`. */
  index: number;
  /** When the line arrived, ms since power-on. */
  atMs: number;
}

interface Waiter {
  pattern: RegExp;
  from: number;
  resolve: (found: ConsoleMatch) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const TAIL_LINES = 30;

export class ConsoleLog {
  readonly lines: string[] = [];
  readonly lineTimes: number[] = [];
  private partial = '';
  private waiters: Waiter[] = [];
  private failure: string | undefined;

  constructor(
    private readonly startedAt: number,
    private readonly onLine?: (line: string, atMs: number) => void,
  ) {}

  /** Raw console text, in arrival order. */
  push(text: string): void {
    const pieces = (this.partial + text).split('\n');
    this.partial = pieces.pop() ?? '';
    for (const piece of pieces) this.line(piece.replace(/\r$/, ''));
  }

  /** The console closed: flush a last unterminated line, fail whatever still waits. */
  end(reason: string): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
    this.fail(reason);
  }

  /** The first line at or after index `from` that matches, if it has arrived. */
  find(pattern: RegExp, from = 0): ConsoleMatch | undefined {
    for (let index = from; index < this.lines.length; index++) {
      const match = pattern.exec(this.lines[index] ?? '');
      if (match !== null) return { match, index, atMs: this.lineTimes[index] ?? Number.NaN };
    }
    return undefined;
  }

  /** The first line at or after index `from` that matches. */
  waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<ConsoleMatch> {
    const found = this.find(pattern, from);
    if (found !== undefined) return Promise.resolve(found);
    if (this.failure !== undefined) return Promise.reject(this.error(`${this.failure} before ${pattern}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pattern,
        from,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          reject(this.error(`no ${pattern} on the console within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  tail(count = TAIL_LINES): string {
    return this.lines.slice(-count).join('\n');
  }

  private error(message: string): LabError {
    return new LabError(`${message}; console tail:\n${this.tail()}`);
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.error(`${reason} before ${waiter.pattern}`));
    }
  }

  private line(text: string): void {
    const index = this.lines.length;
    const atMs = performance.now() - this.startedAt;
    this.lines.push(text);
    this.lineTimes.push(atMs);
    this.onLine?.(text, atMs);
    this.waiters = this.waiters.filter((waiter) => {
      if (index < waiter.from) return true;
      const match = waiter.pattern.exec(text);
      if (match === null) return true;
      clearTimeout(waiter.timer);
      waiter.resolve({ match, index, atMs });
      return false;
    });
    if (bootFailurePatterns.some((pattern) => pattern.test(text))) this.fail(`failure on the console: ${text.trim()}`);
  }
}
