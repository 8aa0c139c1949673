/**
 * IPv6 Router Advertisements on the host-only link. Node's dgram cannot send ICMPv6, so this
 * runs radvd (Debian package `radvd`) in the foreground with a generated minimal config.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterAdvertiserError } from './errors.js';
import type { DhcpLogger } from './logger.js';
import { silentDhcpLogger } from './logger.js';
import { radvdConfig } from './radvd-config.js';
import { inNetns, runTool } from './run-tool.js';

export interface RouterAdvertiserOptions {
  /** The host-only interface. */
  interface: string;
  /** Network namespace to run radvd in (ip netns exec); default the current one. */
  netns?: string;
  /** Default `radvd` from PATH. */
  radvdPath?: string;
  /** Where the config and pid file go; default a fresh temporary directory (removed on stop). */
  workDir?: string;
  logger?: DhcpLogger;
  /** How long to wait for radvd to come up; default 5000 ms. */
  startTimeoutMs?: number;
}

export interface RouterAdvertiser {
  readonly pid: number;
  readonly configFile: string;
  /** SIGTERM radvd (by PID), SIGKILL after 3 s; removes a temporary work directory. Idempotent. */
  stop(): Promise<void>;
}

const pollMs = 25;
const stopGraceMs = 3000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exists(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts radvd; resolves once it runs with its pid file written, rejects with RouterAdvertiserError. */
export async function startRouterAdvertiser(options: RouterAdvertiserOptions): Promise<RouterAdvertiser> {
  const logger = options.logger ?? silentDhcpLogger;
  const ownDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'rowboot-radvd-'));
  const configFile = join(workDir, 'radvd.conf');
  const pidFile = join(workDir, 'radvd.pid');
  const cleanup = (): void => {
    if (ownDir) rmSync(workDir, { recursive: true, force: true });
  };
  const radvd = options.radvdPath ?? 'radvd';
  try {
    writeFileSync(configFile, radvdConfig(options.interface));
    rmSync(pidFile, { force: true });
    const [checkCommand, checkArgs] = inNetns(options.netns, radvd, ['--configtest', '--config', configFile]);
    const check = await runTool(checkCommand, checkArgs).catch((cause: unknown) => {
      throw new RouterAdvertiserError(`cannot run ${radvd} (is the radvd package installed?)`, { cause });
    });
    if (check.code !== 0) throw new RouterAdvertiserError(`radvd rejects its config: ${check.stderr.trim()}`);
  } catch (error) {
    cleanup();
    throw error;
  }

  const [command, args] = inNetns(options.netns, radvd, ['--nodaemon', '--config', configFile, '--pidfile', pidFile, '--logmethod', 'stderr']);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderr = (stderr + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim() !== '') logger.debug('radvd', { line: line.trim() });
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let failure: Error | undefined;
  void spawnError.then((error) => (failure = error));

  const deadline = performance.now() + (options.startTimeoutMs ?? 5000);
  while (!exists(pidFile)) {
    if (failure || exited(child) || performance.now() > deadline) {
      if (child.pid !== undefined && !exited(child)) process.kill(child.pid, 'SIGKILL');
      cleanup();
      const why = failure ? failure.message : exited(child) ? `exited (${child.exitCode ?? child.signalCode})` : 'did not start in time';
      throw new RouterAdvertiserError(`radvd on ${options.interface} ${why}: ${stderr.trim()}`, failure ? { cause: failure } : undefined);
    }
    await sleep(pollMs);
  }
  const pid = child.pid ?? 0;
  logger.info('router advertisements on', { interface: options.interface, pid });
  // radvd must not outlive us: it would keep advertising after the gateway is gone.
  const onExit = (): void => {
    if (!exited(child)) process.kill(pid, 'SIGKILL');
    cleanup();
  };
  process.on('exit', onExit);
  let stopped = false;
  return {
    pid,
    configFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      if (!exited(child)) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => {
          if (!exited(child)) process.kill(pid, 'SIGKILL');
        }, stopGraceMs);
        await gone;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}
