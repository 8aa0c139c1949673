/**
 * Private network namespaces for interop tests. Each namespace is one layer-2 segment:
 *
 *   host: <name> (veth, 10.A.B.1/24) ── ns: rbveth0 ── rbbr0 (bridge, 10.A.B.254/24) ── rbtapN (guests)
 *
 * so the test process reaches servers running inside the namespace at nsAddress, guests on a
 * tap reach both nsAddress and hostAddress without any routing, and nothing leaves the
 * namespace. Cleanup never leaves a namespace behind: destroy() kills every process inside by
 * PID and deletes it; a process 'exit' hook and SIGINT/SIGTERM/SIGHUP handlers do the same
 * synchronously; and createNetns() first sweeps namespaces whose owning process died (SIGKILL,
 * OOM) — ownership is recorded (PID + start time) under <tmpdir>/rbh-netns/.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, RunOptions } from './command.js';
import { isAlive, processStartTime, run, runSync, signalPid, sleep } from './command.js';

export interface Netns {
  /** `rbh` + suffix; also the name of the host end of the veth pair. */
  readonly name: string;
  readonly hostInterface: string;
  /** Address of the host end of the veth (reachable from inside the namespace). */
  readonly hostAddress: string;
  /** Address of the bridge inside the namespace (servers started in the namespace listen here). */
  readonly nsAddress: string;
  readonly prefixLength: number;
  /** The bridge taps are attached to. */
  readonly bridge: string;
  /** A free address for guest number `index` (0..199), in CIDR form, e.g. `10.A.B.10/24`. */
  guestAddress(index: number): string;
  /** Runs a program inside the namespace (ip netns exec), rejecting with CommandError. */
  exec(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /**
   * Spawns a program inside the namespace; its PID is the program's own (ip execs it). The
   * child is unref'd: a forgotten process never keeps the test process alive, and the exit
   * hook kills it with the namespace.
   */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Creates a tap device attached to the bridge and returns its name. */
  addTap(): Promise<string>;
  removeTap(name: string): Promise<void>;
  /** Kills every process in the namespace (SIGTERM, then SIGKILL) and deletes it. Idempotent. */
  destroy(): Promise<void>;
}

export interface CreateNetnsOptions {
  /** Name prefix: `rbh` plus up to 4 lowercase letters or digits. Default `rbh`. */
  prefix?: string;
}

export class NetnsError extends Error {
  override readonly name = 'NetnsError';
}

const stateDir = join(tmpdir(), 'rbh-netns');
const bridgeName = 'rbbr0';
const nsVethName = 'rbveth0';
const prefixLength = 24;
/** Second octet range of the 10.0.0.0/8 subnets we draw from (one /24 per namespace). */
const subnetOctetMin = 200;
const subnetOctetMax = 239;
const hostOctet = 1;
const nsOctet = 254;
const firstGuestOctet = 10;
const maxGuests = 200;
/** A lock directory without an owner file older than this was left by a crash mid-create. */
const orphanLockAgeMs = 60_000;

interface OwnerRecord {
  name: string;
  ownerPid: number;
  ownerStart: string | undefined;
}

/** Namespaces this process created and has not destroyed yet, by name -> subnet lock dir. */
const live = new Map<string, string>();
let hooksInstalled = false;

function lockDirOf(subnet: string): string {
  return join(stateDir, subnet);
}

function ownerIsAlive(owner: OwnerRecord): boolean {
  return isAlive(owner.ownerPid) && processStartTime(owner.ownerPid) === owner.ownerStart;
}

function readOwner(lockDir: string): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

function namespaceExists(name: string): boolean {
  try {
    statSync(`/run/netns/${name}`);
    return true;
  } catch {
    return false;
  }
}

function pidsInSync(name: string): number[] {
  try {
    return runSync('ip', ['netns', 'pids', name])
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** Blocks the thread; only for exit paths where the event loop no longer runs. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Synchronous teardown used by hooks and the sweeper: SIGKILL everything inside, delete. */
function teardownSync(name: string, lockDir: string | undefined): void {
  if (namespaceExists(name)) {
    for (const pid of pidsInSync(name)) signalPid(pid, 'SIGKILL');
    // A killed process leaves the namespace only once it is fully dead; retry briefly.
    for (let attempt = 0; attempt < 20 && pidsInSync(name).length > 0; attempt++) {
      sleepSync(50);
    }
    try {
      runSync('ip', ['netns', 'del', name]);
    } catch {
      // Already gone (a parallel sweeper), or still busy: nothing more we can do here.
    }
  }
  try {
    // Deleting the namespace destroys the veth pair; this covers a half-built one.
    runSync('ip', ['link', 'del', name]);
  } catch {
    // Expected: the link went away with the namespace.
  }
  if (lockDir) rmSync(lockDir, { recursive: true, force: true });
}

function cleanupAllSync(): void {
  for (const [name, lockDir] of live) {
    try {
      teardownSync(name, lockDir);
    } catch {
      // Best effort in an exit path; the sweeper catches what is left.
    }
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      cleanupAllSync();
      // Re-raise with the default action so the exit status still says "killed by signal".
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/**
 * Removes namespaces (and their processes) whose creating process is gone. Safe to run while
 * other test processes hold live namespaces: those have live owners.
 */
export function sweepStaleNetns(): string[] {
  const swept: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(stateDir);
  } catch {
    return swept;
  }
  for (const entry of entries) {
    const lockDir = join(stateDir, entry);
    const owner = readOwner(lockDir);
    if (owner === undefined) {
      let ageMs = 0;
      try {
        ageMs = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue;
      }
      if (ageMs > orphanLockAgeMs) rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (ownerIsAlive(owner) || live.has(owner.name)) continue;
    teardownSync(owner.name, lockDir);
    swept.push(owner.name);
  }
  return swept;
}

/** Host addresses and routes already in 10.<a>.<b>.0/24 (a real network we must not shadow). */
async function subnetInUse(subnet: string): Promise<boolean> {
  const { text } = await run('ip', ['-4', '-o', 'route', 'show', 'table', 'all']);
  const { text: addrs } = await run('ip', ['-4', '-o', 'addr', 'show']);
  return text.includes(`${subnet}.`) || addrs.includes(`${subnet}.`);
}

async function reserveSubnet(name: string): Promise<{ subnet: string; lockDir: string }> {
  mkdirSync(stateDir, { recursive: true });
  for (let attempt = 0; attempt < 50; attempt++) {
    const subnet = `10.${randomInt(subnetOctetMin, subnetOctetMax + 1)}.${randomInt(0, 256)}`;
    const lockDir = lockDirOf(subnet);
    try {
      mkdirSync(lockDir); // atomic: exactly one process gets each subnet
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    const owner: OwnerRecord = { name, ownerPid: process.pid, ownerStart: processStartTime(process.pid) };
    writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(owner));
    if (await subnetInUse(subnet)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    return { subnet, lockDir };
  }
  throw new NetnsError('no free 10.x.y.0/24 subnet for a test namespace after 50 attempts');
}

class TestNetns implements Netns {
  readonly hostInterface: string;
  readonly hostAddress: string;
  readonly nsAddress: string;
  readonly prefixLength = prefixLength;
  readonly bridge = bridgeName;
  private tapCounter = 0;
  private destroyed = false;

  constructor(
    readonly name: string,
    private readonly subnet: string,
    private readonly lockDir: string,
  ) {
    this.hostInterface = name;
    this.hostAddress = `${subnet}.${hostOctet}`;
    this.nsAddress = `${subnet}.${nsOctet}`;
  }

  guestAddress(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= maxGuests) {
      throw new RangeError(`guest index ${index} outside 0..${maxGuests - 1}`);
    }
    return `${this.subnet}.${firstGuestOctet + index}/${prefixLength}`;
  }

  exec(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    return run('ip', ['netns', 'exec', this.name, command, ...args], options);
  }

  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, command, ...args], options);
    child.unref();
    return child;
  }

  async addTap(): Promise<string> {
    const tap = `rbtap${this.tapCounter++}`;
    await run('ip', ['-n', this.name, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    await run('ip', ['-n', this.name, 'link', 'set', tap, 'master', bridgeName, 'up']);
    return tap;
  }

  async removeTap(tap: string): Promise<void> {
    if (this.destroyed) return;
    await run('ip', ['-n', this.name, 'link', 'del', tap]);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      const pids = await this.pids();
      for (const pid of pids) signalPid(pid, 'SIGTERM');
      const deadline = performance.now() + 3000;
      while ((await this.pids()).length > 0 && performance.now() < deadline) await sleep(50);
    } finally {
      teardownSync(this.name, this.lockDir);
      live.delete(this.name);
    }
  }

  private async pids(): Promise<number[]> {
    if (!namespaceExists(this.name)) return [];
    const { text } = await run('ip', ['netns', 'pids', this.name]);
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  }
}

/** Creates a namespace as drawn above. Always pair with destroy() in a finally block. */
export async function createNetns(options: CreateNetnsOptions = {}): Promise<Netns> {
  const prefix = options.prefix ?? 'rbh';
  if (!/^rbh[a-z0-9]{0,4}$/.test(prefix)) {
    throw new NetnsError(`namespace prefix ${JSON.stringify(prefix)} must be "rbh" plus up to 4 of [a-z0-9]`);
  }
  installHooks();
  sweepStaleNetns();
  const name = `${prefix}${randomBytes(4).toString('hex')}`;
  const { subnet, lockDir } = await reserveSubnet(name);
  // Registered before the first `ip` call so an interruption mid-way is still cleaned up.
  live.set(name, lockDir);
  const ns = new TestNetns(name, subnet, lockDir);
  try {
    await run('ip', ['netns', 'add', name]);
    await run('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', nsVethName, 'netns', name]);
    await run('ip', ['addr', 'add', `${ns.hostAddress}/${prefixLength}`, 'dev', name]);
    await run('ip', ['link', 'set', name, 'up']);
    const inside = [
      'link set lo up',
      `link add ${bridgeName} type bridge`,
      `addr add ${ns.nsAddress}/${prefixLength} dev ${bridgeName}`,
      `link set ${nsVethName} master ${bridgeName}`,
      `link set ${nsVethName} up`,
      `link set ${bridgeName} up`,
    ];
    await run('ip', ['-n', name, '-batch', '-'], { input: `${inside.join('\n')}\n` });
  } catch (cause) {
    await ns.destroy();
    throw new NetnsError(`cannot set up network namespace ${name}`, { cause });
  }
  return ns;
}

/** Runs fn with a fresh namespace and destroys it afterwards, whatever happens. */
export async function withNetns<T>(fn: (ns: Netns) => Promise<T>, options?: CreateNetnsOptions): Promise<T> {
  const ns = await createNetns(options);
  try {
    return await fn(ns);
  } finally {
    await ns.destroy();
  }
}

/** The namespace name of a Netns or a plain name. */
export function netnsName(netns: Netns | string): string {
  return typeof netns === 'string' ? netns : netns.name;
}
