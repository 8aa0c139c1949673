/**
 * The part every test QEMU VM shares: QEMU (-accel tcg: KVM guests hang on these machines,
 * architecture.md) on a tap of a test namespace's bridge, its serial console split into lines
 * with arrival times, waits for a console pattern or for QEMU's exit, and stop by PID. A
 * failure marker (initramfs gave up, appliance step failed, kernel panic) fails every wait at
 * once instead of at the timeout, unless `failFast` is false. Subclasses add the boot source.
 */
import type { ChildProcess } from 'node:child_process';
import { BootMarker } from './boot-assets.js';
import { signalPid, sleep } from './command.js';
import type { Netns } from './netns.js';

export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ConsoleMatch {
  match: RegExpExecArray;
  index: number;
}

export interface QemuConsoleOptions {
  /** How console bytes become text (firmware may print bytes that are not UTF-8). */
  encoding: BufferEncoding;
  /** Failure markers end every wait unless false. */
  failFast?: boolean;
  onLine?: (line: string) => void;
}

interface Waiter {
  pattern: RegExp;
  from: number;
  resolve: (found: ConsoleMatch) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const failurePatterns = [BootMarker.bootFailed, BootMarker.applianceFailed, /Kernel panic/];

/** Starts QEMU inside the namespace with the arguments every test VM uses, then `machineArgs`. */
export function spawnQemu(netns: Netns, memoryMb: number | undefined, machineArgs: readonly string[]): ChildProcess {
  const args = [
    '-accel', 'tcg',
    '-m', String(memoryMb ?? 512),
    '-smp', '1',
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    '-monitor', 'none',
    '-serial', 'stdio',
    ...machineArgs,
  ];
  return netns.spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The -netdev argument pair for a tap QEMU opens itself (no ifup/ifdown scripts). */
export function tapNetdev(tap: string): string[] {
  return ['-netdev', `tap,id=net0,ifname=${tap},script=no,downscript=no`];
}

export class QemuVm {
  readonly lines: string[] = [];
  /** Power-on: when QEMU was spawned. */
  readonly started = performance.now();
  /** Milliseconds since power-on at which each console line arrived. */
  readonly lineTimes: number[] = [];
  readonly exited: Promise<QemuExit>;
  private partial = '';
  private waiters: Waiter[] = [];
  private failure: string | undefined;
  private stderr = '';
  private tap: string | undefined;

  protected constructor(
    private readonly child: ChildProcess,
    private readonly netns: Netns,
    tap: string,
    private readonly consoleOptions: QemuConsoleOptions,
  ) {
    this.tap = tap;
    child.stdout?.on('data', (chunk: Buffer) => this.push(chunk.toString(consoleOptions.encoding)));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.stderr += String(error);
        resolve({ code: null, signal: null });
      });
      child.once('close', (code, signal) => {
        if (this.partial !== '') this.line(this.partial);
        this.partial = '';
        this.failAll(`QEMU ended (${signal ?? `exit ${code}`})`);
        resolve({ code, signal });
      });
    });
  }

  get console(): string {
    return this.lines.join('\n');
  }

  /** Resolves with the first line at or after index `from` that matches. */
  waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<ConsoleMatch> {
    for (let index = from; index < this.lines.length; index++) {
      const match = pattern.exec(this.lines[index] ?? '');
      if (match) return Promise.resolve({ match, index });
    }
    if (this.failure !== undefined) return Promise.reject(this.error(`${this.failure} before ${pattern}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pattern,
        from,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          reject(this.error(`timed out after ${timeoutMs} ms waiting for ${pattern}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves with QEMU's exit once it ends by itself; kills it after timeoutMs. */
  async waitExit(timeoutMs: number): Promise<QemuExit> {
    const timer = setTimeout(() => this.kill(), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills QEMU by PID (if still running) and removes its tap. */
  async stop(): Promise<void> {
    this.kill();
    await Promise.race([this.exited, sleep(5000)]);
    if (this.tap !== undefined) {
      const tap = this.tap;
      this.tap = undefined;
      await this.netns.removeTap(tap).catch(() => undefined);
    }
  }

  private kill(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) signalPid(this.child.pid, 'SIGKILL');
  }

  private error(message: string): Error {
    const tail = this.lines.slice(-40).join('\n');
    return new Error(`${message}; QEMU stderr: ${this.stderr.trim()}; console tail:\n${tail}`);
  }

  private failAll(reason: string): void {
    this.failure ??= reason;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(this.error(`${reason} before ${waiter.pattern}`));
    }
    this.waiters = [];
  }

  private push(data: string): void {
    const pieces = (this.partial + data).split('\n');
    this.partial = pieces.pop() ?? '';
    for (const piece of pieces) this.line(piece.replace(/\r$/, ''));
  }

  private line(text: string): void {
    const index = this.lines.length;
    this.lines.push(text);
    this.lineTimes.push(performance.now() - this.started);
    this.consoleOptions.onLine?.(text);
    this.waiters = this.waiters.filter((waiter) => {
      if (index < waiter.from) return true;
      const match = waiter.pattern.exec(text);
      if (!match) return true;
      clearTimeout(waiter.timer);
      waiter.resolve({ match, index });
      return false;
    });
    if ((this.consoleOptions.failFast ?? true) && failurePatterns.some((pattern) => pattern.test(text))) this.failAll(`failure on the console: ${text}`);
  }
}
