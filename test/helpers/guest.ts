/**
 * Boots a QEMU guest (-accel tcg: KVM guests hang on these machines, architecture.md) whose
 * Linux kernel NFS client mounts an NFSv3 export and runs a workload script, then powers
 * off. The guest sits on a tap device attached to the bridge of a namespace made by
 * createNetns(), so it reaches servers inside the namespace (ns.nsAddress) and in the test
 * process (ns.hostAddress) directly. QEMU is killed by PID on timeout; the tap and the temp
 * initrd are always removed.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalPid, sleep } from './command.js';
import type { GuestResult, GuestResultLine } from './guest-console.js';
import { GuestConsole } from './guest-console.js';
import type { CpioEntry } from './cpio-newc.js';
import { kernelImage, writeGuestInitrd } from './guest-initramfs.js';
import type { Netns } from './netns.js';

export type { GuestResult, GuestResultLine } from './guest-console.js';

export interface GuestOptions {
  /** Namespace from createNetns(); the guest's tap joins its bridge. */
  netns: Netns;
  /** NFS server address as the guest sees it (ns.nsAddress or ns.hostAddress); required with nfs. */
  serverAddress?: string;
  /** Guest address in CIDR form, e.g. ns.guestAddress(0). */
  guestAddress: string;
  /** Default route for the guest, if it must reach beyond the segment. */
  gateway?: string;
  /** The export to mount at /mnt; without it the guest mounts nothing and runs the workload from /. */
  nfs?: {
    /** MOUNT path on the server. */
    path: string;
    port: number;
    mountPort: number;
    /** Extra mount options appended to vers=3,proto=tcp,nolock,noacl,port,mountport,... */
    options?: readonly string[];
  };
  /**
   * Shell script run by the guest's /init as `sh /workload.sh /mnt` with cwd /mnt (or from /
   * with an empty argument when nothing is mounted); it may `. /lib/rb.sh` for rb_result and
   * rb_check. Its exit status becomes RB-RESULT workload.
   */
  workload: string;
  /** More files for the per-run archive (paths relative to the guest's /). */
  files?: readonly CpioEntry[];
  /** Wall-clock limit for the whole run, boot to power-off. */
  timeoutMs: number;
  memoryMb?: number;
  extraKernelArgs?: readonly string[];
  /** Called with every console line as it arrives (for live debugging). */
  onConsoleLine?: (line: string) => void;
}

export interface GuestRun {
  /** Everything the guest printed on its serial console. */
  console: string;
  /** RB-RESULT lines by name (the last one wins if a name repeats). */
  results: Map<string, GuestResult>;
  /** RB-RESULT lines in order, with arrival times. */
  resultList: GuestResultLine[];
  /** QEMU start to exit. */
  durationMs: number;
  /** QEMU start to the `mount` result (kernel boot + modules + network + mount). */
  mountedMs: number | undefined;
  /** First arrival (ms since QEMU start) of `stage:<name>` and `result:<name>` markers. */
  marks: Map<string, number>;
}

/** QEMU could not start, timed out, or exited without RB-DONE. Carries the console. */
export class GuestError extends Error {
  override readonly name = 'GuestError';
  constructor(
    message: string,
    readonly console: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How long to wait for QEMU to exit after RB-DONE before killing it. */
const powerOffGraceMs = 10_000;
const cidrPattern = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const addressPattern = /^\d{1,3}(\.\d{1,3}){3}$/;

function consoleTail(text: string, lines = 40): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function kernelArgs(options: GuestOptions): string {
  const { nfs, serverAddress } = options;
  if (!cidrPattern.test(options.guestAddress)) throw new GuestError(`guestAddress must be CIDR: ${options.guestAddress}`, '');
  const args = [
    'console=ttyS0',
    // Reboot at once on panic; with -no-reboot that ends QEMU instead of hanging to the timeout.
    'panic=-1',
    'quiet',
    `rb.ip=${options.guestAddress}`,
  ];
  if (nfs !== undefined) {
    if (serverAddress === undefined || !addressPattern.test(serverAddress)) {
      throw new GuestError(`serverAddress must be an IPv4 address to mount NFS: ${serverAddress}`, '');
    }
    if (/\s/.test(nfs.path)) throw new GuestError(`NFS path ${JSON.stringify(nfs.path)} cannot go on a kernel command line`, '');
    args.push(`rb.nfs=${serverAddress}:${nfs.path}`, `rb.port=${nfs.port}`, `rb.mountport=${nfs.mountPort}`);
    if (nfs.options && nfs.options.length > 0) args.push(`rb.nfsopts=${nfs.options.join(',')}`);
  }
  if (options.gateway !== undefined) args.push(`rb.gw=${options.gateway}`);
  args.push(...(options.extraKernelArgs ?? []));
  return args.join(' ');
}

function randomMac(): string {
  // 52:54:00 is QEMU's locally administered prefix.
  return ['52', '54', '00', ...[...randomBytes(3)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

export async function runGuest(options: GuestOptions): Promise<GuestRun> {
  const append = kernelArgs(options);
  const kernel = kernelImage();
  const workDir = mkdtempSync(join(tmpdir(), 'rbh-guest-'));
  let tap: string | undefined;
  let qemu: ChildProcess | undefined;
  try {
    const initrd = join(workDir, 'initrd.gz');
    await writeGuestInitrd(initrd, [{ path: 'workload.sh', data: options.workload, mode: 0o755 }, ...(options.files ?? [])]);
    tap = await options.netns.addTap();
    const args = [
      '-accel', 'tcg',
      '-m', String(options.memoryMb ?? 512),
      '-smp', '1',
      '-nodefaults',
      '-no-user-config',
      // Same as -nographic, spelled out: serial on stdio, no monitor mixed into it.
      '-display', 'none',
      '-monitor', 'none',
      '-serial', 'stdio',
      '-no-reboot',
      '-kernel', kernel,
      '-initrd', initrd,
      '-append', append,
      '-netdev', `tap,id=net0,ifname=${tap},script=no,downscript=no`,
      '-device', `virtio-net-pci,netdev=net0,mac=${randomMac()}`,
    ];
    const started = performance.now();
    const guestConsole = new GuestConsole(options.onConsoleLine);
    const child = options.netns.spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    qemu = child;
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => guestConsole.push(chunk, performance.now() - started));
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', (cause) => reject(new GuestError(`cannot start QEMU: ${cause.message}`, '', { cause })));
      child.once('close', (code, signal) => resolve({ code, signal }));
    });

    let timedOut = false;
    let killedAfterDone = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) signalPid(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    // If the guest said RB-DONE but never powers off, stop waiting after a grace period.
    const doneWatch = setInterval(() => {
      const doneAt = guestConsole.doneAtMs;
      if (doneAt !== undefined && performance.now() - started - doneAt > powerOffGraceMs && child.pid !== undefined) {
        killedAfterDone = true;
        signalPid(child.pid, 'SIGKILL');
      }
    }, 500);
    let exit: { code: number | null; signal: NodeJS.Signals | null };
    try {
      exit = await exited;
    } finally {
      clearTimeout(timer);
      clearInterval(doneWatch);
    }
    const durationMs = performance.now() - started;
    guestConsole.end(durationMs);
    qemu = undefined;
    const text = guestConsole.output;
    if (timedOut) {
      throw new GuestError(`guest timed out after ${options.timeoutMs} ms; console tail:\n${consoleTail(text)}`, text);
    }
    if (guestConsole.doneAtMs === undefined) {
      const how = exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`;
      throw new GuestError(`QEMU ended (${how}) without RB-DONE; stderr: ${stderr.trim()}; console tail:\n${consoleTail(text)}`, text);
    }
    if (!killedAfterDone && exit.code !== 0) {
      throw new GuestError(`QEMU exit ${exit.code}: ${stderr.trim()}`, text);
    }
    return {
      console: text,
      results: guestConsole.resultMap(),
      resultList: guestConsole.results,
      durationMs,
      mountedMs: guestConsole.marks.get('result:mount'),
      marks: guestConsole.marks,
    };
  } finally {
    if (qemu?.pid !== undefined && qemu.exitCode === null && qemu.signalCode === null) {
      signalPid(qemu.pid, 'SIGKILL');
      const gone = qemu;
      await Promise.race([new Promise((resolve) => gone.once('close', resolve)), sleep(3000)]);
    }
    if (tap !== undefined) await options.netns.removeTap(tap).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}
