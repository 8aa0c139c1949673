/**
 * A diskless QEMU VM (-accel tcg, architecture.md) that PXE-boots from its NIC: SeaBIOS runs
 * the iPXE option ROM of an e1000 (Debian's ipxe-qemu), which asks DHCP and fetches the boot
 * file over TFTP. Not virtio-net: with QEMU 7.2 + SeaBIOS 1.16.2 here, SeaBIOS never runs
 * pxe-virtio.rom (its debug log shows no option ROM for 00:02.0) and boots the disk instead. No -kernel: everything comes from the gateway. The serial console is parsed
 * line by line; failure markers end every wait at once.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BootMarker } from '../helpers/boot-assets.js';
import { signalPid, sleep } from '../helpers/command.js';
import type { Netns } from '../helpers/netns.js';

/** Debian's ipxe-qemu installs the ROMs here; QEMU's own search path (/usr/share/qemu) has none. */
export const PXE_E1000_ROM = '/usr/lib/ipxe/qemu/pxe-e1000.rom';

export interface PxeVmOptions {
  netns: Netns;
  mac: string;
  memoryMb?: number;
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

export class PxeVm {
  readonly lines: string[] = [];
  /** Power-on: when QEMU was spawned. */
  readonly started = performance.now();
  /** Milliseconds since power-on at which each console line arrived. */
  readonly lineTimes: number[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private partial = '';
  private waiters: Waiter[] = [];
  private failure: string | undefined;
  private stderr = '';
  private tap: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: PxeVmOptions,
    tap: string,
  ) {
    this.tap = tap;
    child.stdout?.on('data', (chunk: Buffer) => this.push(chunk.toString('latin1')));
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

  static async start(options: PxeVmOptions): Promise<PxeVm> {
    if (!existsSync(PXE_E1000_ROM)) throw new Error(`${PXE_E1000_ROM} is missing: install the ipxe-qemu package`);
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
      '-boot', 'n',
      '-netdev', `tap,id=net0,ifname=${tap},script=no,downscript=no`,
      '-device', `e1000,netdev=net0,mac=${options.mac},romfile=${PXE_E1000_ROM}`,
    ];
    const child = options.netns.spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return new PxeVm(child, options, tap);
  }

  get console(): string {
    return this.lines.join('\n');
  }

  /** Milliseconds since power-on at which line `index` arrived. */
  at(index: number): number {
    return this.lineTimes[index] ?? Number.NaN;
  }

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
    return new Error(`${message}; QEMU stderr: ${this.stderr.trim()}; console tail:\n${this.lines.slice(-40).join('\n')}`);
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
    if (failurePatterns.some((pattern) => pattern.test(text))) this.failAll(`failure on the console: ${text}`);
  }
}
