/**
 * A diskless QEMU VM that PXE-boots from its NIC: SeaBIOS runs the iPXE option ROM of an
 * e1000 (Debian's ipxe-qemu), which asks DHCP and fetches the boot file over TFTP; no disk, no
 * -kernel. Not virtio-net: with QEMU 7.2 + SeaBIOS 1.16.2 here SeaBIOS never runs
 * pxe-virtio.rom and boots the (absent) disk instead. `-accel tcg`: KVM guests hang on these
 * machines (architecture.md). The serial console is stdio: read as lines (console-log.ts),
 * optionally shown raw, and writable for an interactive shell.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ConsoleLog } from './console-log.js';
import type { ConsoleMatch } from './console-log.js';
import { LabError } from './errors.js';
import { exitOf, isRunning, spawnInNetns } from './ns-spawn.js';
import { signalPid, sleep } from './pids.js';

/** Debian's ipxe-qemu installs the ROMs here; QEMU's own search path (/usr/share/qemu) has none. */
export const PXE_E1000_ROM = '/usr/lib/ipxe/qemu/pxe-e1000.rom';
const DEFAULT_MEMORY_MB = 512;
const STOP_WAIT_MS = 5000;

export interface PxeVmOptions {
  netns: string;
  /** A tap on the bridge (LabNetwork.addTap); QEMU opens it itself. */
  tap: string;
  mac: string;
  memoryMb?: number;
  /** Keep QEMU's stdin open for write() (an interactive guest shell). */
  interactive?: boolean;
  /** Every console chunk as it arrives (to show the console, prompts included). */
  onData?: (text: string) => void;
  onLine?: (line: string, atMs: number) => void;
}

export class PxeVm {
  readonly console: ConsoleLog;
  readonly exited: Promise<number | string>;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    /** performance.now() at power-on (QEMU's spawn). */
    readonly startedAt: number,
    options: PxeVmOptions,
  ) {
    this.console = new ConsoleLog(startedAt, options.onLine);
    // latin1: SeaBIOS and iPXE print bytes that are not UTF-8; latin1 keeps one char per byte.
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      options.onData?.(text);
      this.console.push(text);
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000)));
    child.stdin?.on('error', () => undefined); // QEMU may exit while a keystroke is in flight
    this.exited = exitOf(child).then((code) => {
      this.console.end(`QEMU ended (${code})${this.stderr.trim() === '' ? '' : `: ${this.stderr.trim()}`}`);
      return code;
    });
  }

  static start(options: PxeVmOptions): PxeVm {
    if (!existsSync(PXE_E1000_ROM)) throw new LabError(`${PXE_E1000_ROM} is missing: install the ipxe-qemu package (npm run setup)`);
    const args = [
      '-accel', 'tcg',
      '-m', String(options.memoryMb ?? DEFAULT_MEMORY_MB),
      '-smp', '1',
      '-nodefaults',
      '-no-user-config',
      '-display', 'none',
      '-monitor', 'none',
      '-serial', 'stdio',
      '-boot', 'n',
      '-netdev', `tap,id=net0,ifname=${options.tap},script=no,downscript=no`,
      '-device', `e1000,netdev=net0,mac=${options.mac},romfile=${PXE_E1000_ROM}`,
    ];
    const startedAt = performance.now();
    const child = spawnInNetns(options.netns, 'qemu-system-x86_64', args, { stdio: [options.interactive === true ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    return new PxeVm(child, startedAt, options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<ConsoleMatch> {
    return this.console.waitFor(pattern, timeoutMs, from);
  }

  /** Keystrokes for the guest (interactive VMs only). */
  write(data: Buffer | string): void {
    if (isRunning(this.child)) this.child.stdin?.write(data);
  }

  /** QEMU's exit once the guest powers off; kills it after timeoutMs and rejects. */
  async waitExit(timeoutMs: number): Promise<number | string> {
    const timedOut = Symbol('timeout');
    const result = await Promise.race([this.exited, sleep(timeoutMs).then(() => timedOut)]);
    if (result !== timedOut) return result as number | string;
    await this.stop();
    throw new LabError(`QEMU did not exit within ${Math.round(timeoutMs / 1000)} s; console tail:\n${this.console.tail()}`);
  }

  /** Kills QEMU by PID if it still runs. Idempotent. */
  async stop(): Promise<void> {
    if (this.child.pid !== undefined && isRunning(this.child)) signalPid(this.child.pid, 'SIGKILL');
    await Promise.race([this.exited, sleep(STOP_WAIT_MS)]);
  }
}
