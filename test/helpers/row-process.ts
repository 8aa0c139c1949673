/**
 * Runs `row` servers (nfsd, proxy, gateway) as their own processes (the compiled CLI), as a user would:
 * fuzz tests, interop tests and benchmarks talk to them over sockets and watch their memory by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const rowEntry = fileURLToPath(new URL('../../src/cli/row.js', import.meta.url));
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface RowNfsdOptions {
  exportDir: string;
  stateDir: string;
  host?: string;
  port?: number;
  readOnly?: boolean;
  /** Wrap the command, e.g. ['ip', 'netns', 'exec', NAME] to run it inside a namespace. */
  prefix?: readonly string[];
}

export interface RowNfsdProcess {
  host: string;
  port: number;
  exportPath: string;
  pid: number;
  /** Resident set size in bytes, read from /proc/PID/status. */
  rssBytes(): number;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves with the exit code or signal. */
  stop(): Promise<number | string>;
  /** SIGKILL at once (a crash). */
  kill(): Promise<void>;
  exited: Promise<number | string>;
}

export async function startRowNfsd(options: RowNfsdOptions): Promise<RowNfsdProcess> {
  const host = options.host ?? '127.0.0.1';
  const args = [
    'nfsd', '--export', options.exportDir, '--listen', `${host}:${options.port ?? 0}`,
    '--state', options.stateDir, ...(options.readOnly ? ['--read-only'] : []),
  ];
  const started = await startRowServer(args, host, options.prefix ?? []);
  return { ...started, exportPath: /exporting (\S+)/.exec(started.output())?.[1] ?? options.exportDir };
}

export type RowServerProcess = Omit<RowNfsdProcess, 'exportPath'>;

/**
 * Starts any long-running `row` command (nfsd, proxy, gateway) and waits for its ready line,
 * "... on HOST:PORT (tcp+udp ...", which every such command prints once it listens.
 */
export async function startRowServer(rowArgs: readonly string[], host: string, prefix: readonly string[] = []): Promise<RowServerProcess> {
  const args = [rowEntry, ...rowArgs];
  const command = prefix[0] ?? process.execPath;
  const commandArgs = prefix.length > 0 ? [...prefix.slice(1), process.execPath, ...args] : args;
  const child: ChildProcess = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start row ${rowArgs[0]}: ${command}`);

  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`row ${rowArgs[0]} did not report ready in ${READY_TIMEOUT_MS} ms:\n${text}`)), READY_TIMEOUT_MS);
    const check = () => {
      const match = / on (\S+):(\d+) \(tcp\+udp/.exec(text);
      if (match) {
        clearTimeout(timer);
        done(Number(match[2]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`row ${rowArgs[0]} exited (${code}) before it was ready:\n${text}`));
    });
  });

  const stop = async (): Promise<number | string> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    }, STOP_TIMEOUT_MS);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return {
    host,
    port,
    pid,
    rssBytes: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
    },
    output: () => text,
    stop,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      await exited;
    },
    exited,
  };
}
