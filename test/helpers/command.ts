/**
 * Runs external programs for the interop harness: collects output, enforces a deadline (the
 * child is killed by its PID), and turns any failure into a CommandError that carries stderr.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CommandResult {
  stdout: Buffer;
  /** stdout decoded as UTF-8. */
  text: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the child (SIGKILL, by PID) after this long. Default 60 s. */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** A program exited non-zero, died of a signal, timed out, or could not be started. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stdout: string,
    readonly stderr: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const defaultTimeoutMs = 60_000;

function describe(command: string, args: readonly string[]): string {
  return [command, ...args].join(' ');
}

function tail(text: string, max = 2000): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `...${trimmed.slice(-max)}`;
}

/** Runs `command args`, resolving when it exits 0 and rejecting with CommandError otherwise. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // the child may exit without reading stdin
      child.stdin.end(options.input);
    }
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(new CommandError(`cannot run ${command}: ${cause.message}`, command, args, null, null, '', '', false, { cause }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('utf8');
      const durationMs = performance.now() - started;
      if (code === 0 && !timedOut) {
        resolve({ stdout, text: stdout.toString('utf8'), stderr, durationMs });
        return;
      }
      const why = timedOut ? `timed out after ${timeoutMs} ms` : signal ? `killed by ${signal}` : `exit ${code}`;
      const detail = tail(stderr) || tail(stdout.toString('utf8'));
      reject(
        new CommandError(
          `${describe(command, args)}: ${why}${detail ? `: ${detail}` : ''}`,
          command,
          args,
          code,
          signal,
          stdout.toString('utf8'),
          stderr,
          timedOut,
        ),
      );
    });
  });
}

/** Synchronous variant for process 'exit' hooks, where nothing asynchronous runs any more. */
export function runSync(command: string, args: readonly string[], timeoutMs = 10_000): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr ?? '';
    const status = (cause as { status?: number | null }).status ?? null;
    throw new CommandError(`${describe(command, args)}: ${tail(stderr) || 'failed'}`, command, args, status, null, '', stderr, false, {
      cause,
    });
  }
}

/** True while a process with this PID runs; a zombie (dead, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** Sends a signal to one PID, ignoring "no such process". */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stops one process by PID: SIGTERM, then SIGKILL after graceMs. Resolves once it is gone. */
export async function stopPid(pid: number, graceMs = 5000): Promise<void> {
  signalPid(pid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  while (isAlive(pid)) {
    if (performance.now() > deadline) {
      signalPid(pid, 'SIGKILL');
      break;
    }
    await sleep(25);
  }
  const killDeadline = performance.now() + 5000;
  while (isAlive(pid) && performance.now() < killDeadline) await sleep(25);
}

/** Fields of /proc/<pid>/stat after "(comm)", which may itself contain spaces; undefined if gone. */
function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  return procStatFields(pid)?.[0] === 'Z';
}

/**
 * The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), so a
 * recorded PID can be told apart from a later process that reused the number.
 */
export function processStartTime(pid: number): string | undefined {
  // Field 22 overall; fields 1 and 2 (pid, comm) precede the slice, so index 19 here.
  return procStatFields(pid)?.[19];
}
