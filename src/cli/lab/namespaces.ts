/**
 * Network namespaces owned by this process, and the guarantee that none outlives it: a
 * process 'exit' hook and a signal hook kill every process inside by PID and delete them;
 * and each new set first sweeps sets whose owner died without either (SIGKILL, OOM), using
 * owner records (PID + start time) under <tmpdir>/rowboot-lab/.
 *
 * Signals: with `gracefulSignals` the first SIGINT/SIGTERM/SIGHUP is left to the caller (the
 * `row demo` command stops in order and prints its summary) and only a second one tears
 * down at once; otherwise the first one does (benchmarks). Either way the signal is then
 * raised again, so the process still ends "killed by signal".
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabError } from './errors.js';
import { processStartTime, signalPid, sleep } from './pids.js';
import { runCommand, runCommandQuietlySync } from './run-command.js';

export interface NamespaceSetOptions {
  /** Name prefix: a lowercase letter, then up to 7 lowercase letters or digits. */
  prefix: string;
  /** One suffix per namespace, e.g. ['g', 'i']: names are prefix + random hex + suffix. */
  suffixes: readonly string[];
  gracefulSignals?: boolean;
}

export interface NamespaceSet {
  readonly names: readonly string[];
  /** SIGTERM everything inside, SIGKILL after graceMs, delete the namespaces. Idempotent. */
  destroy(graceMs?: number): Promise<void>;
}

interface OwnerRecord {
  namespaces: string[];
  ownerPid: number;
  ownerStart: string | undefined;
}

const recordDir = join(tmpdir(), 'rowboot-lab');
const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,7}$/;
const SUFFIX_PATTERN = /^[a-z0-9]{1,4}$/;
const KILL_WAIT_MS = 2000;
const POLL_MS = 50;
const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Live sets of this process: record file -> namespace names. */
const live = new Map<string, readonly string[]>();
let hooksInstalled = false;
let signalsBeforeTeardown = 1;
let signalsSeen = 0;

function exists(name: string): boolean {
  return statSync(`/run/netns/${name}`, { throwIfNoEntry: false }) !== undefined;
}

function pidsInSync(name: string): number[] {
  if (!exists(name)) return [];
  const text = runCommandQuietlySync('ip', ['netns', 'pids', name]) ?? '';
  return text.split('\n').filter((line) => line.trim() !== '').map(Number);
}

/** Blocks the thread; only for exit paths where the event loop no longer runs. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGKILL everything inside, wait until it has left, delete the namespace. Never throws. */
function teardownSync(name: string): void {
  if (!exists(name)) return;
  for (const pid of pidsInSync(name)) signalPid(pid, 'SIGKILL');
  const deadline = performance.now() + KILL_WAIT_MS;
  // A killed process leaves the namespace only once it is fully dead.
  while (pidsInSync(name).length > 0 && performance.now() < deadline) sleepSync(POLL_MS);
  runCommandQuietlySync('ip', ['netns', 'del', name]);
}

function teardownAllSync(): void {
  for (const [record, names] of live) {
    for (const name of names) teardownSync(name);
    rmSync(record, { force: true });
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  signalsSeen++;
  if (signalsSeen < signalsBeforeTeardown) return;
  teardownAllSync();
  // Only our own listeners: another module's (a test harness's) still gets the raised signal.
  for (const each of HANDLED_SIGNALS) process.removeListener(each, onSignal);
  process.kill(process.pid, signal);
}

function installHooks(graceful: boolean): void {
  if (graceful) signalsBeforeTeardown = 2;
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', teardownAllSync);
  for (const signal of HANDLED_SIGNALS) process.on(signal, onSignal);
}

function readRecord(path: string): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** Deletes namespace sets (and everything running in them) whose owner process is gone. */
export function sweepStaleNamespaces(): string[] {
  const swept: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(recordDir);
  } catch {
    return swept;
  }
  for (const entry of entries) {
    const path = join(recordDir, entry);
    if (live.has(path)) continue;
    const record = readRecord(path);
    if (record === undefined) continue;
    if (processStartTime(record.ownerPid) === record.ownerStart && record.ownerStart !== undefined) continue;
    for (const name of record.namespaces) {
      teardownSync(name);
      swept.push(name);
    }
    rmSync(path, { force: true });
  }
  return swept;
}

export async function createNamespaceSet(options: NamespaceSetOptions): Promise<NamespaceSet> {
  if (!PREFIX_PATTERN.test(options.prefix)) {
    throw new LabError(`namespace prefix ${JSON.stringify(options.prefix)}: a lowercase letter, then up to 7 lowercase letters or digits`);
  }
  if (options.suffixes.length === 0 || !options.suffixes.every((suffix) => SUFFIX_PATTERN.test(suffix))) {
    throw new LabError(`namespace suffixes ${JSON.stringify(options.suffixes)}: 1-4 lowercase letters or digits each`);
  }
  installHooks(options.gracefulSignals === true);
  sweepStaleNamespaces();
  const id = randomBytes(3).toString('hex');
  const names = options.suffixes.map((suffix) => `${options.prefix}${id}${suffix}`);
  mkdirSync(recordDir, { recursive: true });
  const record = join(recordDir, `${names[0]}.json`);
  const owner: OwnerRecord = { namespaces: names, ownerPid: process.pid, ownerStart: processStartTime(process.pid) };
  // Recorded before the first namespace exists, so an interruption mid-way is swept too.
  writeFileSync(record, JSON.stringify(owner));
  live.set(record, names);

  let destroying: Promise<void> | undefined;
  const destroy = (graceMs = 3000): Promise<void> =>
    (destroying ??= (async () => {
      try {
        for (const name of names) for (const pid of pidsInSync(name)) signalPid(pid, 'SIGTERM');
        const deadline = performance.now() + graceMs;
        while (names.some((name) => pidsInSync(name).length > 0) && performance.now() < deadline) await sleep(POLL_MS);
      } finally {
        for (const name of names) teardownSync(name);
        rmSync(record, { force: true });
        live.delete(record);
      }
    })());

  try {
    for (const name of names) {
      await runCommand('ip', ['netns', 'add', name]);
      await runCommand('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    }
  } catch (cause) {
    await destroy(0);
    throw new LabError(`cannot create network namespaces ${names.join(', ')} (root needed)`, { cause });
  }
  return { names, destroy };
}
