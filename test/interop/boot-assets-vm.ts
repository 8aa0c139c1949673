/**
 * A QEMU VM (-accel tcg: KVM guests hang on these machines, architecture.md) booted directly
 * (-kernel/-initrd/-append) from the boot assets, on a tap of a test namespace's bridge, with
 * its serial console parsed line by line. Unlike test/helpers/guest.ts it keeps running across
 * guest reboots (QEMU reloads the kernel and initrd on reset) unless `noReboot` is set, and a
 * failure marker (initramfs gave up, appliance step failed, kernel panic) fails every wait at
 * once instead of at the timeout.
 */
import type { ChildProcess } from 'node:child_process';
import type { BootAssets } from '../helpers/boot-assets.js';
import { BootMarker } from '../helpers/boot-assets.js';
import { signalPid, sleep } from '../helpers/command.js';
import type { Netns } from '../helpers/netns.js';

export interface DirectBootOptions {
  netns: Netns;
  assets: BootAssets;
  append: readonly string[];
  /** The NIC's MAC (52:54:00:... is QEMU's prefix). */
  mac: string;
  memoryMb?: number;
  /** -no-reboot: a guest reboot ends QEMU. */
  noReboot?: boolean;
  /** Failure markers end every wait unless false (a test of the failure path sets it false). */
  failFast?: boolean;
  onLine?: (line: string) => void;
}

interface Waiter {
  pattern: RegExp;
  from: number;
  resolve: (found: { match: RegExpExecArray; index: number }) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const failurePatterns = [BootMarker.bootFailed, BootMarker.applianceFailed, /Kernel panic/];

export class DirectBootVm {
  readonly lines: string[] = [];
  readonly started = performance.now();
  /** Milliseconds since start at which each line arrived. */
  readonly lineTimes: number[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private partial = '';
  private waiters: Waiter[] = [];
  private failure: string | undefined;
  private stderr = '';
  private tap: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: DirectBootOptions,
    tap: string,
  ) {
    this.tap = tap;
    child.stdout?.on('data', (chunk: Buffer) => this.push(chunk.toString('utf8')));
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

  static async start(options: DirectBootOptions): Promise<DirectBootVm> {
    const tap = await options.netns.addTap();
    const args = [
      '-accel', 'tcg',
      '-m', String(options.memoryMb ?? 512),
      '-smp', '1',
      '-nodefaults',
      '-no-user-config',
      '-display', 'none',
      '-monitor', 'none',
      '-serial', 'stdio',
      ...(options.noReboot ? ['-no-reboot'] : []),
      '-kernel', options.assets.kernel,
      '-initrd', options.assets.initrd,
      '-append', options.append.join(' '),
      '-netdev', `tap,id=net0,ifname=${tap},script=no,downscript=no`,
      '-device', `virtio-net-pci,netdev=net0,mac=${options.mac}`,
    ];
    const child = options.netns.spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return new DirectBootVm(child, options, tap);
  }

  get console(): string {
    return this.lines.join('\n');
  }

  /** Resolves with the first line at or after index `from` that matches. */
  waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<{ match: RegExpExecArray; index: number }> {
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
  async waitExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
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
      await this.options.netns.removeTap(tap).catch(() => undefined);
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
    this.options.onLine?.(text);
    this.waiters = this.waiters.filter((waiter) => {
      if (index < waiter.from) return true;
      const match = waiter.pattern.exec(text);
      if (!match) return true;
      clearTimeout(waiter.timer);
      waiter.resolve({ match, index });
      return false;
    });
    if ((this.options.failFast ?? true) && failurePatterns.some((pattern) => pattern.test(text))) this.failAll(`failure on the console: ${text}`);
  }
}
