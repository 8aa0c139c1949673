/**
 * `row` servers (nfsd, gateway) as child processes inside a lab namespace, as a user would run
 * them: started with this Node and the compiled CLI, ready once they print their listening
 * line ("... on HOST:PORT (tcp+udp ..."), stopped by PID.
 */
import type { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { LabError } from './errors.js';
import { exitOf, isRunning, spawnInNetns } from './ns-spawn.js';
import { signalPid } from './pids.js';
import { rowEntry } from './repo-paths.js';

export interface RowChildOptions {
  netns: string;
  /** `row` arguments, e.g. ['gateway', '--interface', ...]. */
  args: readonly string[];
  /** Everything the process prints is appended here too. */
  logFile?: string;
  /** Default 20 s. */
  readyTimeoutMs?: number;
}

export interface RowChild {
  readonly pid: number;
  /** The port of the ready line. */
  readonly port: number;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (the server stops in order and prints its summary), SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL at once: a crash. */
  kill(): Promise<number | string>;
  readonly exited: Promise<number | string>;
}

const READY_PATTERN = / on (\S+):(\d+) \(tcp\+udp/;
const DEFAULT_READY_TIMEOUT_MS = 20_000;
const DEFAULT_STOP_GRACE_MS = 5000;

export async function startRowChild(options: RowChildOptions): Promise<RowChild> {
  const child: ChildProcess = spawnInNetns(options.netns, process.execPath, [rowEntry, ...options.args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = exitOf(child);
  let text = '';
  const collect = (chunk: Buffer): void => {
    const piece = chunk.toString('utf8');
    text += piece;
    if (options.logFile !== undefined) appendFileSync(options.logFile, piece);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const what = `row ${options.args[0] ?? ''}`;
  const pid = child.pid;
  if (pid === undefined) throw new LabError(`cannot start ${what}`);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      signalPid(pid, 'SIGKILL');
      reject(new LabError(`${what} did not report ready within ${options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms:\n${text}`));
    }, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    const check = (): void => {
      const match = READY_PATTERN.exec(text);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve(Number(match[2]));
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new LabError(`${what} exited (${code}) before it was ready:\n${text.trim()}`));
    });
  });

  const stopWith = async (signal: NodeJS.Signals, graceMs: number): Promise<number | string> => {
    if (!isRunning(child)) return exited;
    signalPid(pid, signal);
    const timer = setTimeout(() => signalPid(pid, 'SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    pid,
    port,
    output: () => text,
    stop: (graceMs = DEFAULT_STOP_GRACE_MS) => stopWith('SIGTERM', graceMs),
    kill: () => stopWith('SIGKILL', 0),
    exited,
  };
}
