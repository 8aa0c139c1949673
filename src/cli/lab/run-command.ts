/**
 * Runs the system tools the lab needs (ip, nft, curl, bash images/build.sh): output collected,
 * a deadline enforced by killing the child's PID, failures as LabError carrying stderr.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabError } from './errors.js';

export interface CommandOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Default 60 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_DETAIL_CHARS = 1500;

function detail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= MAX_DETAIL_CHARS ? trimmed : `...${trimmed.slice(-MAX_DETAIL_CHARS)}`;
}

export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandOutput> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined); // the tool may exit without reading its input
      child.stdin?.end(options.input);
    }
    child.once('error', (cause) => {
      clearTimeout(timer);
      reject(new LabError(`cannot run ${command}: ${cause.message}`, { cause }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) {
        resolve({ stdout, stderr });
        return;
      }
      const why = timedOut ? `timed out after ${timeoutMs} ms` : signal !== null ? `killed by ${signal}` : `exit ${code}`;
      const more = detail(stderr) || detail(stdout);
      reject(new LabError(`${[command, ...args].join(' ')}: ${why}${more === '' ? '' : `: ${more}`}`));
    });
  });
}

/** For exit hooks, where nothing asynchronous runs any more; never throws. */
export function runCommandQuietlySync(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** The executable `name` resolves to on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}
